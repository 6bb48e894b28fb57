// The agent console: sign-in with the agent's own account (an HttpOnly session cookie), then polls the shop's
// open hand-offs and the selected conversation, takes it, replies, resolves, exports or erases the customer's data.
// Every change sends the session's CSRF token as X-CSRF-Token (the server refuses changes without it).
(() => {
  "use strict";
  const POLL_MS = 3000;
  const $ = (id) => document.getElementById(id);
  let selected = null;
  let shownCount = -1;
  let session = null;  // {agent, shop, csrf_token, expires_at} while signed in

  async function call(path, options = {}) {
    const headers = { "Content-Type": "application/json" };
    if (session) headers["X-CSRF-Token"] = session.csrf_token;
    const response = await fetch("/console/api/" + path, { ...options, headers, credentials: "same-origin" });
    if (response.status === 401 && path !== "sign-in") signedOut("Your session ended: sign in again.");
    if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
    return response;
  }
  const api = async (path, options) => (await call(path, options)).json();

  function status(text) { $("status").textContent = text; }

  function signedIn(data) {
    session = data;
    $("login").hidden = true;
    $("signed-in").hidden = false;
    $("agent-label").textContent = `${data.agent} · shop ${data.shop}`;
    refresh();
  }

  function signedOut(message) {
    session = null;
    selected = null;
    $("login").hidden = false;
    $("signed-in").hidden = true;
    $("conversation").hidden = true;
    $("tickets").replaceChildren();
    status(message);
  }

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
      const taken = t.taken_by ? ` · ${t.taken_by}` : "";
      reason.textContent = `${t.reason}${t.status === "follow_up" ? " · follow-up" : ""}${taken} · ${new Date(t.created_at).toLocaleTimeString()}`;
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
    const taken = t.taken_by ? ` · taken by ${t.taken_by}` : "";
    $("ticket-title").textContent = `#${t.id} · ${t.status}${data.paused ? " · bot paused" : ""}${taken}`;
    const leads = data.leads.map((l) => `Lead: ${l.name} <${l.email}>${l.phone ? " " + l.phone : ""}`);
    $("ticket-summary").textContent = [t.summary, ...leads].join("\n");
    $("reply").hidden = $("resolve").hidden = t.status === "resolved";
    $("take").hidden = t.status !== "open" || t.taken_by === session.agent;
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
    if (!session) return;
    try {
      const data = await api("tickets");
      renderTickets(data.tickets, data.agents_online);
      if (selected !== null) renderConversation(await api("tickets/" + selected));
    } catch (error) {
      if (session) status("Not connected: " + error.message);
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

  async function act(path, failure, body = {}) {
    try {
      const data = await api(path, { method: "POST", body: JSON.stringify(body) });
      refresh();
      return data;
    } catch (error) {
      status(failure + error.message);
      return null;
    }
  }

  $("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: $("agent-name").value.trim(), password: $("agent-password").value };
    try {
      const data = await api("sign-in", { method: "POST", body: JSON.stringify(body) });
      $("agent-password").value = "";
      signedIn(data);
    } catch (error) {
      status("Not signed in: " + error.message);
    }
  });

  $("reply").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("reply-text").value.trim();
    if (!text || selected === null) return;
    if (await act(`tickets/${selected}/reply`, "Reply not sent: ", { text })) $("reply-text").value = "";
  });

  $("take").addEventListener("click", () => selected !== null && act(`tickets/${selected}/take`, "Not taken: "));
  $("resolve").addEventListener("click", () => selected !== null && act(`tickets/${selected}/resolve`, "Not resolved: "));

  $("export").addEventListener("click", async () => {
    if (selected === null) return;
    try {
      const blob = await (await call(`tickets/${selected}/export`)).blob();
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = `customer-ticket-${selected}.json`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (error) {
      status("Not exported: " + error.message);
    }
  });

  $("forget").addEventListener("click", async () => {
    if (selected === null) return;
    if (!confirm("Erase everything stored about this customer (conversation, leads, tickets)? This cannot be undone.")) return;
    const data = await act(`tickets/${selected}/forget`, "Not erased: ");
    if (data) {
      selected = null;
      $("conversation").hidden = true;
      status("Customer erased: " + JSON.stringify(data.erased));
    }
  });

  $("sign-out").addEventListener("click", async () => {
    try {
      await call("sign-out", { method: "POST" });
    } finally {
      signedOut("Signed out: new hand-offs will not wait for you.");
    }
  });

  if (location.hash.startsWith("#ticket-")) selected = Number(location.hash.slice(8));
  fetch("/console/api/session", { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => (data ? signedIn(data) : status("Sign in with your agent account.")));
  setInterval(refresh, POLL_MS);
})();
