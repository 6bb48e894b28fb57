// The sales dashboard: reads /console/api/dashboard/report with the agent's console session (its cookie)
// and draws the funnel and the days with Chart.js (bot/web/node_modules/chart.js, pinned in package.json).
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const charts = {};
  const percent = (x) => (100 * x).toFixed(1) + " %";

  const query = () => ($("since").value ? "?since=" + $("since").value : "");

  async function get(path) {
    const response = await fetch("/console/api/dashboard/" + path + query(), { credentials: "same-origin" });
    if (response.status === 401) throw new Error("not signed in: sign in at /console, then reload this page");
    if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
    return response;
  }

  function table(id, head, rows) {
    const tr = (cells, tag) => {
      const row = document.createElement("tr");
      row.append(...cells.map((c) => {
        const cell = document.createElement(tag);
        cell.textContent = c;
        if (typeof c === "number" || /^[\d.,\s%]+$/.test(String(c))) cell.className = "n";
        return cell;
      }));
      return row;
    };
    $(id).replaceChildren(tr(head, "th"), ...rows.map((r) => tr(r, "td")));
  }

  function chart(id, config) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart($(id), { ...config, options: { animation: false, responsive: true, ...config.options } });
  }

  function render(r) {
    const labels = r.stages.map((s) => s.replace("_", " "));
    chart("funnel-chart", {
      type: "bar",
      data: { labels, datasets: [{ label: "customers", data: r.stages.map((s) => r.funnel[s]), backgroundColor: "#3b6fb6" }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } } },
    });
    const days = Object.keys(r.by_day);
    const colours = ["#3b6fb6", "#7aa6d8", "#e0a030", "#d0602c", "#4c9a5a", "#8a4fb0"];
    chart("day-chart", {
      type: "line",
      data: { labels: days, datasets: r.stages.map((s, i) => ({ label: labels[i], data: days.map((d) => r.by_day[d][s]), borderColor: colours[i], backgroundColor: colours[i] })) },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    const money = (m) => Object.entries(m).map(([c, a]) => `${a.toFixed(2)} ${c}`).join(", ") || "none";
    table("rates", ["measure", "value"], [
      ["conversations", r.funnel.conversations],
      ["reported orders", r.orders],
      ["revenue", money(r.revenue)],
      ["attributed to a conversation", money(r.attributed)],
      ["hand-off rate", percent(r.rates.handoff_rate)],
      ["fallback rate (per message)", percent(r.rates.fallback_rate)],
    ]);
    const groups = [...Object.entries(r.by_channel).map(([k, v]) => ["channel " + k, v]), ...Object.entries(r.by_variant).map(([k, v]) => [k, v])];
    table("groups", ["group", ...labels], groups.map(([name, g]) => [name, ...r.stages.map((s) => g[s])]));
    const rows = [];
    for (const e of r.experiments) {
      if (e.error) { rows.push([e.error, "", "", "", ""]); continue; }
      for (const v of e.variants) rows.push([`${e.name}/${v.name}`, v.customers, v.converted, percent(v.rate), v.p_value === null ? "control" : v.p_value.toFixed(3)]);
      rows.push([`${e.name}: ${e.verdict}`, "", "", "", ""]);
    }
    table("experiments", ["variant", "customers", "converted", "rate", "p-value"], rows);
    table("segments", ["segment", "customers", "lead rate", "purchase rate"], r.segments.map((s) => [`${s.by}: ${s.name}`, s.customers, percent(s.lead_rate), percent(s.purchase_rate)]));
    table("unanswered", ["customer's words", "times"], r.unanswered);
    table("not-sold", ["customer's words", "times"], r.not_sold);
    $("report").hidden = false;
  }

  async function load() {
    try {
      render(await (await get("report")).json());
      $("status").textContent = `Updated ${new Date().toLocaleTimeString()}.`;
    } catch (error) {
      $("status").textContent = "Could not load the report: " + error.message;
    }
  }

  async function download(what) {
    try {
      const blob = await (await get(what + ".csv")).blob();
      const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: `salesbot-${what}.csv` });
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      $("status").textContent = "Could not export: " + error.message;
    }
  }

  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  $("profiles").addEventListener("click", () => download("profiles"));
  $("segments-csv").addEventListener("click", () => download("segments"));
  load();
})();
