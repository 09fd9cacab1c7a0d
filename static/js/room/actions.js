/* +1s, taking them back and withdrawals, queued like posts: kept in localStorage until
   the server acks them, resent on every (re)connection. The queue holds what this
   person wants for each post (a +1 or not; withdrawn), not a history of clicks, so
   +1 then take-back while offline sends nothing. The server's answers are idempotent
   (a second +1 counts once, taking back a +1 one never gave and withdrawing twice change
   nothing), so sending a wish again after a lost ack has its effect exactly once. */
import { data, me } from "./page.js";

const key = `hs-actions:${data.slug}:${me}`;

function load() {
  try {
    const items = JSON.parse(localStorage.getItem(key) || "{}");
    return items && typeof items === "object" && !Array.isArray(items) ? items : {};
  } catch (e) {
    return {};
  }
}

let wishes = load(); // rec id -> "vote" | "unvote" | "withdraw"

function save() {
  localStorage.setItem(key, JSON.stringify(wishes));
}

export function want(recId, wish) {
  wishes[recId] = wish;
  save();
}

export function wanted(recId) {
  return wishes[recId] || null;
}

/* Done (acked) or refused for good: the wish leaves the queue, unless a newer one replaced it. */
export function done(recId, wish) {
  if (wishes[recId] === wish) {
    delete wishes[recId];
    save();
  }
}

export function all() {
  return Object.entries(wishes).map(([id, wish]) => ({ id: Number(id), wish }));
}
