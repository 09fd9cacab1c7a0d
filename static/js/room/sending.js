/* Sending posts from the outbox, +1s and withdrawals. A post leaves the outbox only on
   its ack; a timeout, a server failure or a rate limit keeps it there to be sent again. */
import { S, data, errorText, HS } from "./page.js";
import { state } from "./state.js";
import * as outbox from "./outbox.js";
import { render, upsert } from "./list.js";

export async function send(post) {
  const { socket, joined, inFlight } = state;
  if (!socket || !socket.connected || !joined || inFlight.has(post.client_id) || post.error) return;
  inFlight.add(post.client_id);
  render();
  const ack = await HS.call(socket, "rec:post", { room_id: post.room_id, client_id: post.client_id, text: post.text });
  inFlight.delete(post.client_id);
  if (ack.ok) {
    outbox.drop(post.client_id);
    upsert(ack.recommendation);
    return;
  }
  const code = ack.error.code;
  if (code === "timeout" || code === "internal" || code === "rate_limited") {
    // Still in the outbox: sent again on the next connection or in a moment.
    setTimeout(flush, code === "rate_limited" ? 5000 : 2000);
    if (code === "rate_limited") HS.toast(S.rate_limited, true);
  } else {
    post.error = errorText(ack.error);
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

export async function toggleVote(id) {
  const event = state.voted.has(id) ? "rec:unvote" : "rec:vote";
  const ack = await HS.call(state.socket, event, { recommendation_id: id });
  if (!ack.ok) return HS.toast(errorText(ack.error), true);
  if (event === "rec:vote") state.voted.add(id);
  else state.voted.delete(id);
  upsert(ack.recommendation);
}

export async function withdraw(id) {
  if (!window.confirm(S.withdraw_confirm)) return;
  const ack = await HS.call(state.socket, "rec:withdraw", { recommendation_id: id });
  if (!ack.ok) return HS.toast(errorText(ack.error), true);
  upsert(ack.recommendation);
}
