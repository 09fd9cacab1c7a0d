/* The live breakout room: the connection, and catching up on every (re)join.

   Modules: page.js (page data, strings), state.js (what the page knows), outbox.js (posts
   kept in localStorage until acked), list.js (the posts on screen), sending.js (post,
   +1, withdraw), composer.js (the form). */
import { $, S, data, errorText, HS, me } from "./page.js";
import { state } from "./state.js";
import * as outbox from "./outbox.js";
import { actions, render, upsert } from "./list.js";
import { discard, flush, retry, toggleVote, withdraw } from "./sending.js";
import { setUpComposer } from "./composer.js";

Object.assign(actions, { toggleVote, withdraw, retry, discard });

const roomError = $("room-error");
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
  const ack = await HS.call(sock, "room:join", payload);
  if (!ack.ok) {
    showRoomError(errorText(ack.error));
    return;
  }
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
}

setUpComposer();

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
state.socket.on("rec:new", upsert);
state.socket.on("rec:updated", upsert);
state.socket.on("note:published", (info) => {
  showPublished(info);
  HS.toast(S.published);
});
render();
