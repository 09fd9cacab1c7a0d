/* The live breakout room: the connection, and catching up on every (re)join.

   Modules: page.js (page data, strings), state.js (what the page knows), outbox.js (posts
   kept in localStorage until acked), list.js (the posts on screen), sending.js (post,
   +1, withdraw), composer.js (the form). */
import { $, S, data, errorText, HS, me } from "./page.js";
import { state } from "./state.js";
import * as outbox from "./outbox.js";
import { actions, render, upsert } from "./list.js";
import { discard, flush, flushWishes, retry, toggleVote, withdraw } from "./sending.js";
import { announce } from "./announce.js";
import { setUpComposer } from "./composer.js";
import * as phase from "./phase.js";
import * as announcements from "./announcements.js";

Object.assign(actions, { toggleVote, withdraw, retry, discard });

const roomError = $("room-error");
const movedKey = `hs-moved-check:${data.slug}:${data.room_id}`;
const banner = $("published-banner");

function showRoomError(message) {
  roomError.textContent = message;
  roomError.hidden = !message;
}

function showPublished(info) {
  if (!info) return;
  $("published-link").href = info.url;
  banner.hidden = false;
}

// (Re)join and take what changed while we were away (the whole room the first time):
// posts, votes, withdrawals and a publish are all in the answer.
let restartResync = () => {};

async function sync(sock) {
  restartResync();
  const payload = state.seen === null ? { room_id: data.room_id } : { room_id: data.room_id, since: state.seen };
  const sentAt = Date.now();
  const ack = await HS.call(sock, "room:join", payload);
  if (ack.ok && ack.session) {
    phase.setClock(ack.session.server_time, sentAt, Date.now());
    phase.apply({ ...ack.session, server_time: null });
    showLinks(ack.room, ack.session);
    announcements.show(ack.broadcast);
  }
  if (!ack.ok) {
    // Moved by the moderator while this page was away: the page's own address now
    // leads to the right room (once; a second refusal is shown as it is).
    if (ack.error.code === "forbidden" && data.session.assignment !== "self" && !sessionStorage.getItem(movedKey)) {
      sessionStorage.setItem(movedKey, "1");
      location.reload();
      return;
    }
    showRoomError(errorText(ack.error));
    return;
  }
  sessionStorage.removeItem(movedKey);
  showRoomError("");
  state.joined = true;
  const votedNow = new Set(ack.voted || []);
  if (ack.since === null || ack.since === undefined) {
    state.recs.clear();
    state.voted = votedNow;
  }
  for (const r of ack.recommendations) {
    state.recs.set(r.id, r);
    if (votedNow.has(r.id)) state.voted.add(r.id);
    else state.voted.delete(r.id);
  }
  state.seen = Math.max(state.seen || 0, ack.seq);
  // A post whose ack was lost is in the room already: it leaves the outbox unsent.
  outbox.dropAll(new Set(ack.recommendations.filter((r) => r.author.id === me).map((r) => r.client_id)));
  render();
  showPublished(ack.published);
  flush();
  flushWishes();
}

/* The room's call and the plenary stream, as buttons (never embedded). */
function showLinks(room, session) {
  for (const [id, url] of [["call-link", room && room.call_url], ["stream-link", session.stream_url]]) {
    const link = $(id);
    link.hidden = !url;
    if (url) link.href = url;
  }
}

setUpComposer();
// Closing and opening change what the +1 buttons allow.
phase.onChange(() => render());

state.socket = HS.connect(
  $("status"),
  S,
  (sock) => {
    state.joined = false;
    sync(sock);
  },
  () => showRoomError(S.forbidden)
);
// Live events are delivered at most once (and not at all while a server's message
// queue is down), so the page also catches up by sequence now and then.
restartResync = HS.resyncEvery(data.resync_ms, () => {
  if (state.socket.connected && state.joined) sync(state.socket);
});
// Let this page reload with no connection (service workers need https or localhost;
// elsewhere the outbox alone keeps posts safe, and a reload needs the network).
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker
    .register("/sw.js")
    .then(() => navigator.serviceWorker.ready)
    .then(() => caches.open("hs-pages"))
    .then((cache) => cache.add(location.pathname))
    .then(() => {
      document.documentElement.dataset.offlineReady = "1";
    })
    .catch(() => {});
}
state.socket.on("rec:new", (rec) => {
  const fresh = !state.recs.has(rec.id);
  upsert(rec);
  if (fresh && rec.author.id !== me && rec.room_id === data.room_id) {
    announce(S.new_rec.replace("{name}", rec.author.display_name || S.someone));
  }
});
state.socket.on("rec:updated", upsert);
state.socket.on("session:phase", (info) => phase.apply(info));
state.socket.on("session:broadcast", (message) => announcements.show(message));
// A moderator moved this person: their page follows to the new room.
state.socket.on("room:moved", (moved) => {
  if (moved.room_id === data.room_id) return;
  HS.toast(S.moved);
  location.assign(`${data.rooms_base}${moved.room_id}?moved=1`);
});
state.socket.on("note:published", (info) => {
  showPublished(info);
  HS.toast(S.published);
});
// The connection's state is read out through the one live region when it drops and when
// it comes back (the pill itself is not a live region; the first connection is silent).
let link = "first"; // the connection: first, up, down
new MutationObserver(() => {
  const now = $("status").dataset.state;
  if (now === "connected") {
    if (link === "down") announce($("status").textContent);
    link = "up";
  } else if (link === "up" && (now === "offline" || now === "reconnecting")) {
    announce($("status").textContent);
    link = "down";
  }
}).observe($("status"), { attributes: true, attributeFilter: ["data-state"] });
render();
