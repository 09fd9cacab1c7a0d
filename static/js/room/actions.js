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

// rec id -> {wish: "vote" | "unvote" | "withdraw", at: when asked, on the server's clock}
let wishes = load();

function save() {
  localStorage.setItem(key, JSON.stringify(wishes));
}

export function want(recId, wish, at) {
  wishes[recId] = { wish, at };
  save();
}

export function wanted(recId) {
  const entry = wishes[recId];
  return entry && typeof entry === "object" ? entry.wish : null;
}

export function askedAt(recId) {
  const entry = wishes[recId];
  return entry && typeof entry === "object" ? entry.at : null;
}

/* Done (acked) or refused for good: the wish leaves the queue, unless a newer one replaced it. */
export function done(recId, wish) {
  if (wanted(recId) === wish) {
    delete wishes[recId];
    save();
  }
}

export function all() {
  return Object.entries(wishes)
    .filter(([, entry]) => entry && typeof entry === "object")
    .map(([id, entry]) => ({ id: Number(id), wish: entry.wish, at: entry.at }));
}
