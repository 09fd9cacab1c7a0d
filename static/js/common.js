/* Helpers shared by the live pages. No framework; user text only ever goes through textContent. */
"use strict";

window.HS = (function () {
  function pageData() {
    return JSON.parse(document.getElementById("page-data").textContent);
  }

  /* el("li", {className: "rec", dataset: {id: 3}, onclick: fn}, "text", childNode) */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "className") node.className = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /* A v4 UUID. crypto.randomUUID exists only on https or localhost; a venue LAN is often
     plain http, where getRandomValues still works. */
  function uuid4() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /* Characters as the server counts them: Unicode code points, after trimming. */
  function length(text) {
    return Array.from(text.trim()).length;
  }

  function time(iso) {
    const d = new Date(iso);
    return d.toLocaleTimeString(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });
  }

  /* Connect with the browser's session cookie and keep a status pill up to date.
     onConnect runs on every (re)connection: that is where a page re-joins and resyncs. */
  function connect(statusNode, strings, onConnect, onRefused) {
    // The page's language goes with the handshake: the server answers errors in it.
    const lang = document.documentElement.lang || "";
    const socket = io({ reconnectionDelayMax: 5000, timeout: 10000, query: { lang } });
    const show = (state) => {
      if (!statusNode) return;
      statusNode.dataset.state = state;
      statusNode.textContent = strings[state] || state;
    };
    show("connecting");
    socket.on("connect", () => {
      show("connected");
      onConnect(socket);
    });
    socket.on("disconnect", () => show(navigator.onLine ? "reconnecting" : "offline"));
    socket.io.on("reconnect_attempt", () => show(navigator.onLine ? "reconnecting" : "offline"));
    socket.on("connect_error", (err) => {
      // A refusal by the server (not a network failure) does not retry by itself.
      if (!socket.active) {
        show("offline");
        if (onRefused) onRefused(err);
      } else {
        show(navigator.onLine ? "reconnecting" : "offline");
      }
    });
    window.addEventListener("offline", () => show("offline"));
    window.addEventListener("online", () => {
      if (!socket.connected) {
        show("reconnecting");
        socket.connect();
      }
    });
    return socket;
  }

  /* A sentence from the page's strings (in its language), for errors made here. */
  function pageString(key) {
    const node = document.getElementById("page-data");
    const strings = node ? JSON.parse(node.textContent).strings || {} : {};
    return strings[key] || strings.error || "";
  }

  /* emit with an ack and a timeout; resolves to the ack, or to a synthetic "timeout" error. */
  function call(socket, event, payload, timeoutMs) {
    return new Promise((resolve) => {
      socket.timeout(timeoutMs || 10000).emit(event, payload, (err, ack) => {
        if (err) resolve({ ok: false, error: { code: "timeout", message: pageString("timeout") } });
        else resolve(ack || { ok: false, error: { code: "internal", message: pageString("internal") } });
      });
    });
  }

  let toastTimer = null;
  function toast(message, isError) {
    let node = document.getElementById("toast");
    if (!node) {
      node = el("div", { id: "toast", className: "toast", role: "status", "aria-live": "polite" });
      document.body.append(node);
    }
    node.textContent = message;
    node.classList.toggle("error", !!isError);
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, 4000);
  }

  return { pageData, el, uuid4, length, time, connect, call, toast };
})();
