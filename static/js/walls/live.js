/* What every big screen shares: its page data, the countdown on the server's clock, and
   a connection that keeps itself alive. A wall only listens; after every (re)connection
   it reads its whole state over HTTP (nothing missed while away stays missed), and it
   does so now and then anyway, since live events are delivered at most once. */

export const data = JSON.parse(document.getElementById("page-data").textContent);
export const S = data.strings;
export const $ = (id) => document.getElementById(id);

export function fmt(template, num) {
  return template.replace("{num}", String(num));
}

/* el("li", {className: "x", dataset: {id: 3}}, "text", child) — user text only ever as text nodes. */
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, String(value));
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

const WARNING_MS = 2 * 60 * 1000;

/* The countdown. `offset` is the server's clock minus this machine's, taken from each
   state the server sends, so a projector laptop with a wrong clock still counts right. */
export function createClock() {
  let offset = 0;
  let phase = "rooms_open";
  let closeAt = null;
  const node = $("clock");

  function render() {
    node.dataset.phase = phase;
    $("phase").textContent = S.phases[phase] || phase;
    const timed = phase === "rooms_open" && closeAt !== null;
    const left = timed ? closeAt - (Date.now() + offset) : null;
    $("time-left").hidden = !timed;
    node.classList.toggle("warning", timed && left <= WARNING_MS);
    const note = $("time-note");
    if (!timed) {
      note.hidden = true;
      return;
    }
    const seconds = Math.max(0, Math.ceil(left / 1000));
    $("time-left").textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    $("phase").textContent = seconds > 0 ? S.closes_in : S.phases.rooms_open;
    note.hidden = left > WARNING_MS;
    note.textContent = seconds > 0 ? S.last_minutes : S.time_up;
  }

  setInterval(render, 250);
  return {
    /* A whole state (with the server's `now`) or a session:phase event (without). */
    set(state) {
      const serverNow = state.now || state.server_time;
      if (serverNow) offset = Date.parse(serverNow) - Date.now();
      phase = state.phase || phase;
      closeAt = state.rooms_close_at ? Date.parse(state.rooms_close_at) : null;
      render();
    },
  };
}

/* Connect with the page's wall ticket; `onState` gets every fresh whole state. */
export function connectWall(onState, handlers) {
  const status = $("status");
  const show = (state) => {
    status.dataset.state = state;
    status.textContent = S[state] || state;
  };
  async function refresh() {
    try {
      const response = await fetch(data.state_url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (response.ok) onState(await response.json());
    } catch (e) {
      /* the connection's own retries bring us back */
    }
  }
  const socket = window.io({ auth: { wall: data.ticket }, reconnectionDelayMax: 5000, timeout: 10000 });
  show("connecting");
  socket.on("connect", () => {
    show("connected");
    refresh();
  });
  socket.on("disconnect", () => show(navigator.onLine ? "reconnecting" : "offline"));
  socket.io.on("reconnect_attempt", () => show(navigator.onLine ? "reconnecting" : "offline"));
  socket.on("connect_error", () => {
    show(navigator.onLine ? "reconnecting" : "offline");
    // Refused (an expired ticket, a restarted server with a new key): a reload brings
    // a fresh ticket. The wall is unattended, so it does that by itself.
    if (!socket.active) setTimeout(() => window.location.reload(), 5000);
  });
  for (const [event, handler] of Object.entries(handlers)) socket.on(event, handler);
  setInterval(() => {
    if (socket.connected) refresh();
  }, data.resync_ms + Math.floor(Math.random() * 5000));
  return { socket, refresh };
}

/* The moderator's latest message: to all rooms, or to the one this wall shows. */
export function showBroadcast(message) {
  if (!message) return;
  if (message.room_id !== null && message.room_id !== undefined && message.room_id !== data.room_id) return;
  $("broadcast-text").textContent = message.text;
  $("broadcast").hidden = false;
}

/* Hide the last children of `list` until it no longer overflows; returns how many. */
export function fit(list) {
  const shown = [...list.children];
  for (const child of shown) child.hidden = false;
  let hidden = 0;
  for (let i = shown.length - 1; i > 0 && list.scrollHeight > list.clientHeight + 1; i--) {
    shown[i].hidden = true;
    hidden++;
  }
  return hidden;
}
