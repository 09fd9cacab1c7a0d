/* Sending posts from the outbox, +1s and withdrawals. A post leaves the outbox only on
   its ack; a timeout, a server failure or a rate limit keeps it there to be sent again. */
import { S, data, errorText, HS } from "./page.js";
import { state } from "./state.js";
import * as outbox from "./outbox.js";
import * as queue from "./actions.js";
import { announce } from "./announce.js";
import { pressed, refresh, render, upsert } from "./list.js";
import * as phase from "./phase.js";

export async function send(post) {
  const { socket, joined, inFlight } = state;
  if (!socket || !socket.connected || !joined || inFlight.has(post.client_id) || post.error) return;
  inFlight.add(post.client_id);
  render();
  const payload = { room_id: post.room_id, client_id: post.client_id, text: post.text };
  if (post.queued_at) payload.queued_at = post.queued_at;
  const ack = await HS.call(socket, "rec:post", payload);
  inFlight.delete(post.client_id);
  if (ack.ok) {
    outbox.drop(post.client_id);
    upsert(ack.recommendation);
    announce(S.post_sent);
    return;
  }
  const code = ack.error.code;
  if (code === "timeout" || code === "internal" || code === "rate_limited") {
    // Still in the outbox: sent again on the next connection or in a moment.
    setTimeout(flush, code === "rate_limited" ? 5000 : 2000);
    if (code === "rate_limited") HS.toast(S.rate_limited, true);
  } else {
    // Refused for good (closed, forbidden...): it stays in the outbox and on screen,
    // with the reason, to be copied, sent again or discarded by the person.
    post.error = code === "closed" ? S.closed_post : errorText(ack.error);
    outbox.save();
  }
  render();
}

/* Send every post of this room still in the outbox. */
export function flush() {
  for (const post of outbox.pending()) if (post.room_id === data.room_id) send(post);
}

export function retry(clientId) {
  const post = outbox.find(clientId);
  if (!post) return;
  delete post.error;
  outbox.save();
  render();
  send(post);
}

export function discard(clientId) {
  outbox.drop(clientId);
  const node = document.getElementById(`pending-${clientId}`);
  if (node) node.remove();
  render();
}

/* +1, take it back, withdraw: the wish is queued first (actions.js), shown at once,
   and sent now if connected, else on the next (re)join. */
export function toggleVote(id) {
  const rec = state.recs.get(id);
  if (!rec) return;
  wish(id, pressed(rec) ? "unvote" : "vote");
}

export function withdraw(id) {
  if (!window.confirm(S.withdraw_confirm)) return;
  wish(id, "withdraw");
}

function wish(id, what) {
  // When it was asked for, on the server's clock: a +1 queued before the rooms closed
  // still counts within the grace (docs/api.md §6).
  queue.want(id, what, new Date(phase.serverNow()).toISOString());
  refresh(id);
  if (connected()) sendWish(id, what, queue.askedAt(id));
  else announce(S.queued_offline);
}

const connected = () => state.socket && state.socket.connected && state.joined;
const EVENTS = { vote: "rec:vote", unvote: "rec:unvote", withdraw: "rec:withdraw" };
const DONE = { vote: "vote_counted", unvote: "vote_taken_back", withdraw: "withdrawn_done" };
const sendingWishes = new Set();

async function sendWish(id, what, at) {
  const key = `${id}:${what}`;
  if (sendingWishes.has(key)) return;
  sendingWishes.add(key);
  const payload = { recommendation_id: id };
  if (what !== "withdraw" && at) payload.queued_at = at;
  const ack = await HS.call(state.socket, EVENTS[what], payload);
  sendingWishes.delete(key);
  if (ack.ok) {
    if (what === "vote") state.voted.add(id);
    if (what === "unvote") state.voted.delete(id);
    queue.done(id, what);
    upsert(ack.recommendation);
    announce(S[DONE[what]]);
    return;
  }
  const code = ack.error.code;
  if (code === "timeout" || code === "internal" || code === "rate_limited") {
    setTimeout(flushWishes, code === "rate_limited" ? 5000 : 2000); // still queued
    return;
  }
  // Refused for good (a post withdrawn meanwhile, one's own post): shown as it is.
  queue.done(id, what);
  refresh(id);
  HS.toast(errorText(ack.error), true);
}

/* Send every queued wish (after each (re)join, as the outbox is). */
export function flushWishes() {
  if (!connected()) return;
  for (const { id, wish: what, at } of queue.all()) sendWish(id, what, at);
}
