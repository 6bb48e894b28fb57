/*
 * salesbot chat widget. A shop embeds it with one tag:
 *   <script src="https://assistant.example.com/widget.js" defer></script>
 * It loads its style and the socket.io client from the same server, asks it where Rasa's socket.io
 * listens, and talks to Rasa's socket.io channel (session_persistence: true).
 *
 * - The conversation id lives in localStorage; after a reload or a reconnect the history is read back
 *   from the server (the Rasa tracker), so replies sent while the page was away are shown too.
 * - Messages typed while disconnected wait in an outbox (kept in localStorage) and go out on reconnect.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var server = new URL(script.src, location.href).origin;
  var KEYS = { session: "salesbot.session", outbox: "salesbot.outbox", open: "salesbot.open" };
  var RETRY_MS = 5000;

  var state = {
    socket: null,
    sessionId: localStorage.getItem(KEYS.session) || newSessionId(),
    ready: false, // session confirmed and history shown: live messages and the outbox may flow
    outbox: readOutbox(),
    liveDuringSync: [],
    typingTimer: null,
  };
  localStorage.setItem(KEYS.session, state.sessionId);

  var ui = buildUi();

  loadScript(server + "/vendor/socket.io.min.js", start, function () {
    showProblem("The chat can't load right now. Please try again later.");
  });

  function newSessionId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function readOutbox() {
    try { return JSON.parse(localStorage.getItem(KEYS.outbox) || "[]"); } catch (e) { return []; }
  }

  function saveOutbox() {
    localStorage.setItem(KEYS.outbox, JSON.stringify(state.outbox));
  }

  function loadStyle(shadow) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = server + "/widget.css";
    shadow.appendChild(link);
  }

  function loadScript(src, onload, onerror) {
    var tag = document.createElement("script");
    tag.src = src;
    tag.onload = onload;
    tag.onerror = onerror;
    document.head.appendChild(tag);
  }

  // ---- connection -------------------------------------------------------------------------

  function start() {
    fetch(server + "/widget/config")
      .then(function (r) { if (!r.ok) { throw new Error("config " + r.status); } return r.json(); })
      .then(connect)
      .catch(function () {
        showProblem("We can't reach the assistant right now. Retrying…");
        setTimeout(start, RETRY_MS);
      });
  }

  function connect(config) {
    var socket = window.io(config.socket_url, {
      path: config.socket_path,
      transports: ["websocket", "polling"],
      reconnectionDelayMax: 5000,
    });
    state.socket = socket;
    socket.on("connect", function () {
      state.ready = false;
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("session_confirm", function () { syncHistory(); });
    socket.on("bot_uttered", onBotMessage);
    function unreachable() {
      state.ready = false;
      setTyping(false);
      showProblem("We can't reach the assistant right now. Your messages will be sent when it is back.");
    }
    socket.on("connect_error", unreachable); // the first connection failed
    socket.io.on("reconnect_error", unreachable); // a reconnection attempt failed
    socket.on("disconnect", function () {
      state.ready = false;
      setTyping(false);
      showProblem("Connection lost. Reconnecting…");
    });
  }

  function syncHistory() {
    state.liveDuringSync = [];
    fetch(server + "/api/conversations/" + state.sessionId + "/messages")
      .then(function (r) { if (!r.ok) { throw new Error("history " + r.status); } return r.json(); })
      .then(function (body) {
        renderHistory(body.messages);
        state.ready = true;
        hideProblem();
        flushOutbox();
      })
      .catch(function () {
        showProblem("We can't load this conversation right now. Retrying…");
        setTimeout(function () { if (state.socket.connected) { syncHistory(); } }, RETRY_MS);
      });
  }

  function renderHistory(messages) {
    ui.messages.textContent = "";
    messages.forEach(function (m) { m.sender === "user" ? showUserText(m.text) : showBotMessage(m); });
    // Live messages that arrived while the history was loading and are not in it yet.
    var tail = messages.filter(function (m) { return m.sender === "bot"; }).map(key);
    state.liveDuringSync.forEach(function (m) {
      var at = tail.indexOf(key(m));
      if (at >= 0) { tail.splice(at, 1); } else { showBotMessage(m); }
    });
    state.liveDuringSync = [];
    state.outbox.forEach(function (text) { showUserText(text, true); });
  }

  function key(message) {
    return JSON.stringify([message.text || "", message.quick_replies || [], message.custom || null]);
  }

  function onBotMessage(message) {
    if (!state.ready) { state.liveDuringSync.push(message); return; }
    setTyping(false);
    showBotMessage(message);
  }

  function send(text, shown) {
    text = text.trim();
    if (!text) { return; }
    state.outbox.push(text);
    saveOutbox();
    showUserText(shown || text, !state.ready);
    flushOutbox();
  }

  function flushOutbox() {
    if (!state.ready || !state.socket || !state.socket.connected || !state.outbox.length) { return; }
    while (state.outbox.length) {
      state.socket.emit("user_uttered", { message: state.outbox.shift(), session_id: state.sessionId });
    }
    saveOutbox();
    ui.messages.querySelectorAll(".sb-pending").forEach(function (el) { el.classList.remove("sb-pending"); });
    setTyping(true);
  }

  // ---- rendering --------------------------------------------------------------------------

  function buildUi() {
    // A shadow root keeps the shop's styles out of the widget and the widget's out of the shop.
    var host = document.createElement("div");
    host.id = "salesbot-widget";
    var shadow = host.attachShadow({ mode: "open" });
    loadStyle(shadow);
    var root = el("div", "sb-root");
    var launcher = el("button", "sb-launcher", "Chat with us");
    launcher.type = "button";
    var panel = el("div", "sb-panel");
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "Shop assistant");
    var header = el("div", "sb-header", "Shop assistant");
    var close = el("button", "sb-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Close the chat");
    header.appendChild(close);
    var problem = el("div", "sb-problem");
    problem.setAttribute("role", "status");
    problem.hidden = true;
    var messages = el("div", "sb-messages");
    messages.setAttribute("aria-live", "polite");
    var typing = el("div", "sb-typing", "The assistant is typing");
    typing.hidden = true;
    var form = el("form", "sb-form");
    var input = el("input", "sb-input");
    input.placeholder = "Ask about our products…";
    input.setAttribute("aria-label", "Your message");
    var sendButton = el("button", "sb-send", "Send");
    sendButton.type = "submit";
    form.appendChild(input);
    form.appendChild(sendButton);
    [header, problem, messages, typing, form].forEach(function (part) { panel.appendChild(part); });
    root.appendChild(panel);
    root.appendChild(launcher);
    shadow.appendChild(root);
    document.body.appendChild(host);

    function setOpen(open) {
      root.classList.toggle("sb-open", open);
      localStorage.setItem(KEYS.open, open ? "1" : "");
      if (open) { input.focus(); }
    }
    launcher.addEventListener("click", function () { setOpen(true); });
    close.addEventListener("click", function () { setOpen(false); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send(input.value);
      input.value = "";
    });
    setOpen(localStorage.getItem(KEYS.open) === "1");
    return { messages: messages, problem: problem, typing: typing };
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text) { node.textContent = text; }
    return node;
  }

  function showUserText(text, pending) {
    var bubble = el("div", "sb-msg sb-user" + (pending ? " sb-pending" : ""), text);
    append(bubble);
  }

  function showBotMessage(message) {
    if (message.text) { append(withBold(el("div", "sb-msg sb-bot"), message.text)); }
    if (message.quick_replies && message.quick_replies.length) { append(quickReplies(message.quick_replies)); }
    if (message.attachment && message.attachment.type === "image") {
      var img = el("img", "sb-image");
      img.src = safeUrl(message.attachment.payload.src);
      append(img);
    }
    if (message.custom) { append(catalogueCards(message.custom)); }
  }

  // Policy pages are Markdown: show **bold** as bold; everything else stays plain text (no HTML is parsed).
  function withBold(node, text) {
    text.split(/\*\*(.+?)\*\*/).forEach(function (part, i) {
      node.appendChild(i % 2 ? el("strong", "", part) : document.createTextNode(part));
    });
    return node;
  }

  function quickReplies(replies) {
    var box = el("div", "sb-quick-replies");
    replies.forEach(function (reply) {
      var button = el("button", "sb-quick-reply", reply.title);
      button.type = "button";
      button.addEventListener("click", function () {
        box.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        send(reply.payload, reply.title);
      });
      box.appendChild(button);
    });
    return box;
  }

  // The `custom` payload's fields: docs/card-payload.md (schema: docs/card-payload.schema.json).
  function catalogueCards(custom) {
    var box = el("div", "sb-attachment");
    (custom.products || []).forEach(function (product) {
      var card = el("div", "sb-card");
      if (product.image_url) {
        var img = el("img", "sb-card-image");
        img.src = safeUrl(product.image_url);
        img.alt = product.name || "";
        img.loading = "lazy";
        card.appendChild(img);
      }
      var body = el("div", "sb-card-body");
      var name = el(product.url ? "a" : "span", "sb-card-name", product.name || product.sku);
      if (product.url) {
        name.href = safeUrl(product.url);
        name.target = "_blank";
        name.rel = "noopener";
      }
      body.appendChild(name);
      body.appendChild(el("div", "sb-card-price", priceText(product)));
      if (product.in_stock === false) { body.appendChild(el("div", "sb-card-stock", "Out of stock")); }
      card.appendChild(body);
      box.appendChild(card);
    });
    if (custom.sources && custom.sources.length) {
      box.appendChild(el("div", "sb-sources", "Sources: " + custom.sources.join(", ")));
    }
    return box;
  }

  function priceText(product) {
    if (typeof product.price !== "number") { return ""; }
    var amount = product.price.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return amount + " " + (product.currency || "");
  }

  function safeUrl(url) {
    try {
      var parsed = new URL(url, server);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : "";
    } catch (e) { return ""; }
  }

  function append(node) {
    ui.messages.appendChild(node);
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  function setTyping(on) {
    clearTimeout(state.typingTimer);
    ui.typing.hidden = !on;
    if (on) { state.typingTimer = setTimeout(function () { ui.typing.hidden = true; }, 90000); }
  }

  function showProblem(text) {
    ui.problem.textContent = text;
    ui.problem.hidden = false;
  }

  function hideProblem() {
    ui.problem.hidden = true;
  }
})();
