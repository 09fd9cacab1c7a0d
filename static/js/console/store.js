/* The console's state, changed only by applying server events. Recommendations are
   applied by id and sequence number (an older copy arriving late is ignored), the note
   by version; each change is announced to the panels with what changed, so each panel
   touches only the elements concerned. */

export function createStore() {
  const state = {
    rooms: [],
    recs: new Map(), // id -> Rec
    note: null,
    publishedVersion: null,
    groups: [], // [{recommendation_ids, score}] as the server suggests them
    seen: null, // the highest recommendation seq seen; null until the first full load
    merged: new Map(), // recommendation id -> note item id
  };
  const listeners = new Map();

  function on(topic, fn) {
    if (!listeners.has(topic)) listeners.set(topic, []);
    listeners.get(topic).push(fn);
  }
  function emit(topic, detail) {
    for (const fn of listeners.get(topic) || []) fn(detail);
  }

  /* A live rec:new / rec:updated. Returns whether it changed anything. */
  function applyRec(rec) {
    const known = state.recs.get(rec.id);
    if (known && known.seq > rec.seq) return false;
    if (state.seen !== null) state.seen = Math.max(state.seen, rec.seq);
    state.recs.set(rec.id, rec);
    emit("rec", { rec, previous: known || null });
    return true;
  }

  /* A session:watch answer: everything (since null) or what changed since `seen`. */
  function applySnapshot(ack) {
    state.rooms = ack.rooms;
    const full = ack.since === null || ack.since === undefined;
    if (full) state.recs = new Map();
    const changed = [];
    for (const r of ack.recommendations) {
      const known = state.recs.get(r.id);
      if (known && known.seq >= r.seq) continue;
      state.recs.set(r.id, r);
      changed.push(r);
    }
    state.seen = Math.max(state.seen || 0, ack.seq);
    emit("rooms", state.rooms);
    emit(full ? "reset" : "recs", changed);
    state.publishedVersion = ack.note.published_version;
    applyNote(ack.note, true);
  }

  function applyNote(note, force) {
    if (state.note && note.version < state.note.version) return false; // an older broadcast
    if (state.note && note.version === state.note.version && !force) return false;
    const previous = state.merged;
    state.note = note;
    if (note.published_version !== undefined && note.published_version !== null)
      state.publishedVersion = Math.max(state.publishedVersion || 0, note.published_version);
    state.merged = new Map();
    for (const section of note.sections)
      for (const item of section.items) for (const src of item.sources) state.merged.set(src.recommendation_id, item.id);
    // The recommendations whose "in the note" state changed, for the posts panel.
    const flipped = [];
    for (const id of previous.keys()) if (!state.merged.has(id)) flipped.push(id);
    for (const id of state.merged.keys()) if (!previous.has(id)) flipped.push(id);
    emit("note", { note, flipped });
    return true;
  }

  function applyGroups(groups) {
    state.groups = Array.isArray(groups) ? groups : [];
    emit("groups", state.groups);
  }

  function setRooms(rooms) {
    state.rooms = rooms;
    emit("rooms", rooms);
  }

  function setPublished(version) {
    state.publishedVersion = Math.max(state.publishedVersion || 0, version || 0);
    emit("published", state.publishedVersion);
  }

  const roomName = (id) => (state.rooms.find((r) => r.id === id) || { name: "?" }).name;
  const isOpen = (rec) => rec && rec.status === "active" && !rec.erased && !state.merged.has(rec.id);

  /* The text of the best-backed post: the pre-filled wording of a merged item. Among
     equally backed posts, the one written with care (Polish letters, a capital first)
     reads best in a published note; then the earliest. */
  const care = (text) => (/[ąćęłńóśźż]/i.test(text) ? 2 : 0) + (/^\p{Lu}/u.test(text) ? 1 : 0);
  function bestText(ids) {
    let best = null;
    let bestKey = null;
    for (const id of ids) {
      const rec = state.recs.get(id);
      if (!rec) continue;
      const key = [rec.votes, care(rec.text), -rec.id];
      if (!best || key[0] > bestKey[0] || (key[0] === bestKey[0] && (key[1] > bestKey[1] || (key[1] === bestKey[1] && key[2] > bestKey[2])))) {
        best = rec;
        bestKey = key;
      }
    }
    return best ? best.text : "";
  }

  return { state, on, emit, applyRec, applySnapshot, applyNote, applyGroups, setRooms, setPublished, roomName, isOpen, bestText };
}
