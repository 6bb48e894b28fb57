// The agent console: polls the open hand-offs and the selected conversation, sends replies, resolves.
// The token stays in this tab's sessionStorage and is sent as a Bearer header to /console/api/*.
(() => {
  "use strict";
  const POLL_MS = 3000;
  const $ = (id) => document.getElementById(id);
  let selected = null;
  let shownCount = -1;

  const headers = () => ({
    "Authorization": "Bearer " + (sessionStorage.getItem("agentToken") || ""),
    "X-Agent-Name": sessionStorage.getItem("agentName") || "agent",
    "Content-Type": "application/json",
  });

  async function api(path, options = {}) {
    const response = await fetch("/console/api/" + path, { ...options, headers: headers() });
    if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
    return response.json();
  }

  function status(text) { $("status").textContent = text; }

  function renderTickets(tickets, online) {
    const list = $("tickets");
    list.replaceChildren(...tickets.map((t) => {
      const item = document.createElement("li");
      item.id = "ticket-" + t.id;
      item.dataset.ticketId = t.id;
      item.className = (t.id === selected ? "selected " : "") + t.status;
      item.textContent = `#${t.id} ${t.lead.name || t.sender_id} (${t.channel || "?"})`;
      const reason = document.createElement("span");
      reason.className = "reason";
      reason.textContent = `${t.reason}${t.status === "follow_up" ? " · follow-up" : ""} · ${new Date(t.created_at).toLocaleTimeString()}`;
      item.append(reason);
      item.addEventListener("click", () => select(t.id));
      return item;
    }));
    $("no-tickets").hidden = tickets.length > 0;
    status(`Connected. Agents online: ${online.join(", ") || "none"}.`);
  }

  function renderConversation(data) {
    const t = data.ticket;
    $("conversation").hidden = false;
    $("ticket-title").textContent = `#${t.id} · ${t.status}${data.paused ? " · bot paused" : ""}`;
    const leads = data.leads.map((l) => `Lead: ${l.name} <${l.email}>${l.phone ? " " + l.phone : ""}`);
    $("ticket-summary").textContent = [t.summary, ...leads].join("\n");
    $("reply").hidden = $("resolve").hidden = t.status === "resolved";
    $("send").disabled = t.status !== "open";
    if (data.transcript.length === shownCount) return;
    shownCount = data.transcript.length;
    $("transcript").replaceChildren(...data.transcript.map((m) => {
      const item = document.createElement("li");
      item.className = m.sender;
      item.textContent = m.sender === "agent" ? `${m.agent}: ${m.text}` : m.text;
      return item;
    }));
    $("transcript").scrollTop = $("transcript").scrollHeight;
  }

  async function refresh() {
    try {
      const data = await api("tickets");
      renderTickets(data.tickets, data.agents_online);
      if (selected !== null) renderConversation(await api("tickets/" + selected));
    } catch (error) {
      status("Not connected: " + error.message);
    }
  }

  // Replies built from the catalogue for the product the customer discussed last (bot/web/suggestions.py):
  // "Use" puts one in the reply box, where the agent can edit it before sending.
  async function loadSuggestions(id) {
    $("suggestions").hidden = true;
    try {
      const data = await api(`tickets/${id}/suggestions`);
      if (id !== selected || !data.replies.length) return;
      $("suggestions-title").textContent = `Suggested replies about the ${data.product}`;
      $("suggestion-list").replaceChildren(...data.replies.map((text) => {
        const item = document.createElement("li");
        const use = document.createElement("button");
        use.type = "button";
        use.textContent = "Use";
        use.addEventListener("click", () => { $("reply-text").value = text; $("reply-text").focus(); });
        const body = document.createElement("span");
        body.textContent = text;
        item.append(use, body);
        return item;
      }));
      $("suggestions").hidden = false;
    } catch (error) {
      status("No suggestions: " + error.message);
    }
  }

  function select(id) {
    selected = id;
    shownCount = -1;
    refresh();
    loadSuggestions(id);
  }

  $("login").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem("agentName", $("agent-name").value.trim());
    sessionStorage.setItem("agentToken", $("agent-token").value);
    refresh();
  });

  $("reply").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("reply-text").value.trim();
    if (!text || selected === null) return;
    try {
      await api(`tickets/${selected}/reply`, { method: "POST", body: JSON.stringify({ text }) });
      $("reply-text").value = "";
      refresh();
    } catch (error) {
      status("Reply not sent: " + error.message);
    }
  });

  $("resolve").addEventListener("click", async () => {
    if (selected === null) return;
    try {
      await api(`tickets/${selected}/resolve`, { method: "POST" });
      refresh();
    } catch (error) {
      status("Not resolved: " + error.message);
    }
  });

  $("sign-out").addEventListener("click", async () => {
    try {
      await api("sign-out", { method: "POST" });
    } finally {
      sessionStorage.removeItem("agentName");
      sessionStorage.removeItem("agentToken");
      status("Signed out: new hand-offs will not wait for you.");
    }
  });

  $("agent-name").value = sessionStorage.getItem("agentName") || "";
  if (location.hash.startsWith("#ticket-")) selected = Number(location.hash.slice(8));
  if (sessionStorage.getItem("agentName")) refresh();
  setInterval(() => { if (sessionStorage.getItem("agentName")) refresh(); }, POLL_MS);
})();
