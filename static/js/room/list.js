/* The room's posts, newest first, below this browser's posts still waiting to be sent.
   Each post is one element, kept and refilled in place. */
import { $, S, data, el, HS, me } from "./page.js";
import { state } from "./state.js";
import * as outbox from "./outbox.js";
import * as queue from "./actions.js";
import * as phase from "./phase.js";

const list = $("recs");
const empty = $("empty");
const count = $("rec-count");

/* What the buttons do (sending.js), filled in by main.js. */
export const actions = { toggleVote() {}, withdraw() {}, retry() {}, discard() {} };

function recNode(key) {
  let node = document.getElementById(key);
  if (!node) node = el("li", { id: key, className: "rec", tabindex: "-1" });
  return node;
}

/* Plural forms come from the server per CLDR category (one, few, many, other). */
const plurals = new Intl.PluralRules(document.documentElement.lang || undefined);
export function plural(forms, n) {
  return (forms[plurals.select(n)] || forms.other).replace("{num}", String(n));
}

/* Whether this person's +1 is on: what they last asked for (maybe still queued), else
   what the server said. */
export function pressed(rec) {
  const wish = queue.wanted(rec.id);
  if (wish === "vote") return true;
  if (wish === "unvote") return false;
  return state.voted.has(rec.id);
}

function shownVotes(rec) {
  const wish = queue.wanted(rec.id);
  if (wish === "vote" && !state.voted.has(rec.id)) return rec.votes + 1;
  if (wish === "unvote" && state.voted.has(rec.id)) return Math.max(0, rec.votes - 1);
  return rec.votes;
}

/* Focus stays where it was: a button about to go (the withdraw button of a post just
   withdrawn) hands focus to its post, never to <body>. */
function remove(node, holder) {
  if (node && node.contains(document.activeElement)) holder.focus({ preventScroll: true });
  if (node) node.remove();
}

/* Filled in place: the elements (and so a focused +1 button) stay, only what changed is
   set, so a live +1 or a new post elsewhere never takes focus away. */
function fillRec(node, rec) {
  const mine = rec.author.id === me;
  const wish = queue.wanted(rec.id);
  const withdrawn = rec.status === "withdrawn" || (mine && wish === "withdraw");
  node.className = "rec" + (mine ? " mine" : "") + (withdrawn ? " withdrawn" : "");
  node.dataset.id = rec.id;
  node.dataset.clientId = rec.client_id;
  let p = node._parts;
  if (!p) {
    p = {
      text: el("div", { className: "text" }),
      buttons: el("div", { className: "actions" }),
      meta: el("div", { className: "meta" }),
      author: el("span", {}),
      time: el("time", {}),
      badge: el("span", {}),
    };
    p.meta.append(p.author, el("span", { "aria-hidden": "true" }, "·"), p.time, p.badge);
    node.replaceChildren(p.text, p.buttons, p.meta);
    node._parts = p;
  }
  if (p.text.textContent !== rec.text) p.text.textContent = rec.text;
  // In an anonymous session others' names arrive as null; one's own is known here.
  const name = rec.erased ? "—" : mine ? data.participant.display_name : rec.author.display_name || S.someone;
  p.author.textContent = mine ? `${name} (${S.you})` : name;
  p.time.setAttribute("datetime", rec.created_at);
  p.time.textContent = HS.time(rec.created_at);
  if (withdrawn) {
    remove(p.vote, node);
    p.vote = null;
  } else {
    if (!p.vote) {
      p.vote = el(
        "button",
        { type: "button", className: "vote", onclick: () => actions.toggleVote(rec.id) },
        // A real space between "+1" and the count: the name ("+1, 3 people support
        // this") then contains the visible text ("+1 3"), as WCAG 2.5.3 asks.
        el("span", { "aria-hidden": "true" }, S.vote),
        " ",
        el("span", { className: "count", "aria-hidden": "true" })
      );
      p.buttons.append(p.vote);
    }
    const on = pressed(rec);
    const votes = shownVotes(rec);
    const queued = wish === "vote" || wish === "unvote";
    p.vote.setAttribute("aria-pressed", on ? "true" : "false");
    p.vote.title = mine ? S.own_post : on ? S.unvote_title : S.vote_title;
    p.vote.disabled = mine || !phase.isOpen();
    p.vote.classList.toggle("queued", queued);
    // "+1, 3 people support this" (and whether it still waits to be sent), not "+13".
    p.vote.setAttribute("aria-label", plural(S.vote_label, votes) + (queued ? `, ${S.pending}` : ""));
    p.vote.lastElementChild.textContent = String(votes);
  }
  let badge = "";
  let kind = "";
  if (rec.erased) [badge, kind] = [S.erased, "neutral"];
  else if (withdrawn && rec.status !== "withdrawn") [badge, kind] = [`${S.withdrawn} · ${S.pending}`, "warn"];
  else if (withdrawn) [badge, kind] = [S.withdrawn, "neutral"];
  else if (mine) [badge, kind] = [`✓ ${S.sent}`, "ok"];
  p.badge.className = badge ? `badge ${kind}` : "";
  p.badge.textContent = badge;
  const canWithdraw = mine && !withdrawn && !rec.erased;
  if (canWithdraw && !p.withdraw) {
    p.withdraw = el("button", { type: "button", className: "icon-button", onclick: () => actions.withdraw(rec.id) }, S.withdraw);
    p.meta.append(p.withdraw);
  } else if (!canWithdraw && p.withdraw) {
    remove(p.withdraw, node);
    p.withdraw = null;
  }
}

function fillPending(node, post) {
  node.className = "rec mine " + (post.error ? "failed" : "pending");
  const had = node.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
  const meta = el("div", { className: "meta" });
  if (post.error) {
    meta.append(
      el("span", { className: "badge bad" }, `${S.failed}: ${post.error}`),
      el("button", { type: "button", className: "icon-button", dataset: { focusKey: "retry" }, onclick: () => actions.retry(post.client_id) }, S.retry),
      el("button", { type: "button", className: "icon-button danger", dataset: { focusKey: "discard" }, onclick: () => actions.discard(post.client_id) }, S.discard)
    );
  } else {
    meta.append(el("span", { className: "badge warn" }, state.inFlight.has(post.client_id) ? S.sending : S.pending));
  }
  node.replaceChildren(el("div", { className: "text" }, post.text), el("div"), meta);
  if (had !== null) (node.querySelector(`[data-focus-key="${had}"]`) || node).focus({ preventScroll: true });
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
  const hadFocus = stale && stale.contains(document.activeElement);
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
  if (hadFocus) node.focus({ preventScroll: true });
  let active = 0;
  for (const r of state.recs.values()) if (r.status === "active") active++;
  count.textContent = String(active);
  empty.hidden = list.children.length > 0;
}

/* The post of this id again, as it is now (after a wish was queued or refused). */
export function refresh(id) {
  const rec = state.recs.get(id);
  if (rec) placeOne(rec);
}
