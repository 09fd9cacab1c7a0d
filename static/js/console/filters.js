/* The toolbar: search (diacritics folded), room, minimum +1s, sort, unmerged only.
   Shared by the posts and the suggestions panels. */
import { $, fold } from "./util.js";

export function createFilters(store) {
  const f = { query: "", room: "", minVotes: 0, sort: "support", unmergedOnly: false };
  const listeners = [];
  const changed = () => listeners.forEach((fn) => fn());
  const foldCache = new Map(); // rec id -> [text, folded]

  function folded(rec) {
    const hit = foldCache.get(rec.id);
    if (hit && hit[0] === rec.text) return hit[1];
    const value = fold(rec.text);
    foldCache.set(rec.id, [rec.text, value]);
    return value;
  }

  function matches(rec) {
    if (f.room && String(rec.room_id) !== f.room) return false;
    if (rec.votes < f.minVotes) return false;
    if (f.unmergedOnly && !store.isOpen(rec)) return false;
    if (f.query && !folded(rec).includes(f.query)) return false;
    return true;
  }

  let timer = null;
  $("search").addEventListener("input", (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      f.query = fold(e.target.value.trim());
      changed();
    }, 120);
  });
  $("room-filter").addEventListener("change", (e) => {
    f.room = e.target.value;
    changed();
  });
  $("min-votes").addEventListener("input", (e) => {
    f.minVotes = Math.max(0, parseInt(e.target.value, 10) || 0);
    changed();
  });
  $("sort").addEventListener("change", (e) => {
    f.sort = e.target.value;
    changed();
  });
  $("hide-merged").addEventListener("change", (e) => {
    f.unmergedOnly = e.target.checked;
    changed();
  });

  store.on("rooms", (rooms) => {
    const select = $("room-filter");
    const keep = select.value;
    const first = select.options[0];
    select.replaceChildren(first, ...rooms.map((r) => new Option(r.name, String(r.id))));
    select.value = rooms.some((r) => String(r.id) === keep) ? keep : "";
    f.room = select.value;
  });

  return { f, matches, folded, onChange: (fn) => listeners.push(fn) };
}
