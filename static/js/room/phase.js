/* The session's phase and the rooms' clock. The server's clock is the only clock: the
   page keeps its offset from the server's time (set from each room:join ack, halfway
   through the round trip, and from each session:phase push) and counts down to
   rooms_close_at on that clock. At zero the page closes by itself, without waiting for
   the push; the last 2 minutes are announced once. */
import { $, S, data } from "./page.js";
import { announce } from "./announce.js";

const bar = $("phase-bar");
const label = $("phase-label");
const timeBox = $("time-left-box");
const timeLeft = $("time-left");
const WARNING_MS = 2 * 60 * 1000;

let offset = 0;
let phase = data.session.phase;
let closeAt = data.session.rooms_close_at ? Date.parse(data.session.rooms_close_at) : null;
let shown = null; // what the label says now: lobby, open, warning, closed
const listeners = [];
setClock(data.session.server_time, Date.now(), Date.now());

export function serverNow() {
  return Date.now() + offset;
}

/* The server said `serverTime`; the question left at `sentAt` and the answer came at
   `receivedAt` (local clock): the server's moment is best placed halfway. */
export function setClock(serverTime, sentAt, receivedAt) {
  const at = Date.parse(serverTime);
  if (!Number.isNaN(at)) offset = at - (sentAt + receivedAt) / 2;
}

export function current() {
  if (phase === "rooms_open" && closeAt !== null && serverNow() >= closeAt) return "rooms_closed";
  return phase;
}

export function isOpen() {
  return current() === "rooms_open";
}

/* Called with whatever changes how the page should look (composer, +1 buttons). */
export function onChange(fn) {
  listeners.push(fn);
  if (shown !== null) fn(shown);
}

export function apply(info) {
  if (!info) return;
  if (info.server_time) setClock(info.server_time, Date.now(), Date.now());
  phase = info.phase;
  closeAt = info.rooms_close_at ? Date.parse(info.rooms_close_at) : null;
  tick();
}

function format(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

function tick() {
  const now = current();
  const left = closeAt !== null && now === "rooms_open" ? closeAt - serverNow() : null;
  const state = now === "lobby" ? "lobby" : now !== "rooms_open" ? "closed" : left !== null && left <= WARNING_MS ? "warning" : "open";
  timeBox.hidden = left === null;
  if (left !== null) timeLeft.textContent = format(left);
  if (state !== shown) {
    // Only a change of state is read out (through the page's one live region), once;
    // the state the page was rendered in is not.
    if (shown !== null) announce(S[state]);
    shown = state;
    bar.dataset.phase = now;
    bar.classList.toggle("warning", state === "warning");
    if (label.textContent !== S[state]) label.textContent = S[state];
    listeners.forEach((fn) => fn(state));
  }
}

tick();
setInterval(tick, 1000);
