/* The room's posts, newest first, below this browser's posts still waiting to be sent.
   Each post is one element, kept and refilled in place. */
import { $, S, data, el, HS, me } from "./page.js";
import { state } from "./state.js";
import * as outbox from "./outbox.js";

const list = $("recs");
const empty = $("empty");
const count = $("rec-count");

/* What the buttons do (sending.js), filled in by main.js. */
export const actions = { toggleVote() {}, withdraw() {}, retry() {}, discard() {} };

function recNode(key) {
  let node = document.getElementById(key);
  if (!node) node = el("li", { id: key, className: "rec" });
  return node;
}

function fillRec(node, rec) {
  const mine = rec.author.id === me;
  const withdrawn = rec.status === "withdrawn";
  node.className = "rec" + (mine ? " mine" : "") + (withdrawn ? " withdrawn" : "");
  node.dataset.id = rec.id;
  node.dataset.clientId = rec.client_id;
  const buttons = el("div", { className: "actions" });
  if (!withdrawn) {
    const pressed = state.voted.has(rec.id);
    buttons.append(
      el(
        "button",
        {
          type: "button",
          className: "vote",
          "aria-pressed": pressed ? "true" : "false",
          title: mine ? S.own_post : pressed ? S.unvote_title : S.vote_title,
          disabled: mine,
          onclick: () => actions.toggleVote(rec.id),
        },
        el("span", {}, S.vote),
        el("span", { className: "count" }, String(rec.votes))
      )
    );
  }
  const name = rec.author.display_name || "—";
  const meta = el(
    "div",
    { className: "meta" },
    el("span", {}, mine ? `${name} (${S.you})` : name),
    el("span", {}, "·"),
    el("time", { datetime: rec.created_at }, HS.time(rec.created_at))
  );
  if (rec.erased) meta.append(el("span", { className: "badge neutral" }, S.erased));
  else if (withdrawn) meta.append(el("span", { className: "badge neutral" }, S.withdrawn));
  else if (mine) {
    meta.append(el("span", { className: "badge ok" }, `✓ ${S.sent}`));
    meta.append(el("button", { type: "button", className: "icon-button", onclick: () => actions.withdraw(rec.id) }, S.withdraw));
  }
  node.replaceChildren(el("div", { className: "text" }, rec.text), buttons, meta);
}

function fillPending(node, post) {
  node.className = "rec mine " + (post.error ? "failed" : "pending");
  const meta = el("div", { className: "meta" });
  if (post.error) {
    meta.append(
      el("span", { className: "badge bad" }, `${S.failed}: ${post.error}`),
      el("button", { type: "button", className: "icon-button", onclick: () => actions.retry(post.client_id) }, S.retry),
      el("button", { type: "button", className: "icon-button danger", onclick: () => actions.discard(post.client_id) }, S.discard)
    );
  } else {
    meta.append(el("span", { className: "badge warn" }, state.inFlight.has(post.client_id) ? S.sending : S.pending));
  }
  node.replaceChildren(el("div", { className: "text" }, post.text), el("div"), meta);
}

/* The whole list again (after a (re)join or an outbox change). */
export function render() {
  const posted = [...state.recs.values()].sort((a, b) => b.id - a.id);
  const known = new Set(posted.map((r) => r.client_id));
  const waiting = outbox
    .pending()
    .filter((p) => p.room_id === data.room_id && !known.has(p.client_id))
    .reverse();
  const wanted = [];
  for (const post of waiting) {
    const node = recNode(`pending-${post.client_id}`);
    fillPending(node, post);
    wanted.push(node);
  }
  for (const rec of posted) {
    const stale = document.getElementById(`pending-${rec.client_id}`);
    if (stale) stale.remove();
    const node = recNode(`rec-${rec.id}`);
    fillRec(node, rec);
    wanted.push(node);
  }
  // Keyed update: nodes already in place stay put, so nothing flickers or re-animates.
  wanted.forEach((node, i) => {
    if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null);
  });
  while (list.children.length > wanted.length) list.lastElementChild.remove();
  const active = posted.filter((r) => r.status === "active").length;
  count.textContent = String(active);
  empty.hidden = wanted.length > 0;
}

/* A post as the server sent it (live event or ack): kept, and shown in place. */
export function upsert(rec) {
  if (rec.room_id !== data.room_id) return;
  const known = state.recs.get(rec.id);
  if (known && known.seq > rec.seq) return; // an older copy arriving late
  if (state.seen !== null) state.seen = Math.max(state.seen, rec.seq);
  state.recs.set(rec.id, rec);
  if (rec.author.id === me) outbox.drop(rec.client_id);
  placeOne(rec);
}

/* A live post or change touches only its own element: at thousands of posts a full
   pass per event would cost a frame or more each time. */
function placeOne(rec) {
  const stale = document.getElementById(`pending-${rec.client_id}`);
  if (stale) stale.remove();
  let node = document.getElementById(`rec-${rec.id}`);
  const isNew = !node;
  node = recNode(`rec-${rec.id}`);
  fillRec(node, rec);
  if (isNew) {
    // Newest first, below the posts still waiting to be sent.
    let before = null;
    for (let sib = list.firstElementChild; sib; sib = sib.nextElementSibling) {
      if (sib.id.startsWith("rec-") && Number(sib.dataset.id) < rec.id) {
        before = sib;
        break;
      }
    }
    list.insertBefore(node, before);
    if (list.children.length < 300) node.classList.add("arrived");
  }
  let active = 0;
  for (const r of state.recs.values()) if (r.status === "active") active++;
  count.textContent = String(active);
  empty.hidden = list.children.length > 0;
}
