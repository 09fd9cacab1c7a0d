/* Nothing typed is lost: every post goes into an outbox in localStorage first and leaves
   it only when the server acks it (the ack comes after the database commit). The outbox
   is resent on every (re)connection and after a reload, with the same client_id, so a
   retry of a post whose ack was lost returns the first post instead of a duplicate. */
import { data, me } from "./page.js";

const key = `hs-outbox:${data.slug}:${me}`;

function load() {
  try {
    const items = JSON.parse(localStorage.getItem(key) || "[]");
    return Array.isArray(items) ? items : [];
  } catch (e) {
    return [];
  }
}

let items = load();

/* The posts not acked yet, oldest first. */
export function pending() {
  return items;
}

export function save() {
  localStorage.setItem(key, JSON.stringify(items));
}

export function add(post) {
  items.push(post);
  save();
}

export function find(clientId) {
  return items.find((p) => p.client_id === clientId);
}

export function drop(clientId) {
  items = items.filter((p) => p.client_id !== clientId);
  save();
}

/* Posts the server already has (their ack was lost) leave unsent. */
export function dropAll(clientIds) {
  items = items.filter((p) => !clientIds.has(p.client_id));
  save();
}
