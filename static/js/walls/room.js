/* A room's wall: its live posts with their +1s (the most supported first, as many as
   fit), its people, time left, the latest broadcast. Posts carry no names here. */
import { $, S, data, el, fmt, createClock, connectWall, showBroadcast, fit } from "./live.js";

const clock = createClock();
const posts = new Map();
let fresh = new Set();

function render() {
  const sorted = [...posts.values()].sort((a, b) => b.votes - a.votes || b.id - a.id);
  const list = $("posts");
  list.replaceChildren(
    ...sorted.map((rec) =>
      el(
        "li",
        { className: fresh.has(rec.id) ? "wall-post fresh" : "wall-post", dataset: { id: rec.id } },
        el("span", { className: "votes" }, `+${rec.votes}`),
        el("span", { className: "text" }, rec.text),
      ),
    ),
  );
  fresh = new Set();
  $("post-count").textContent = String(posts.size);
  $("posts-empty").hidden = posts.size > 0;
  const hidden = fit(list);
  $("more-posts").hidden = hidden === 0;
  $("more-posts").textContent = fmt(S.more_posts, hidden);
}

function applyState(state) {
  clock.set(state);
  posts.clear();
  for (const rec of state.recommendations) posts.set(rec.id, rec);
  $("people").textContent = `${fmt(S.in_room, state.room.in_room)} · ${fmt(S.remote, state.room.remote)}`;
  if (state.broadcast) showBroadcast(state.broadcast);
  render();
}

/* rec:new / rec:updated: the room's Rec shape; only its text and +1s are shown. */
function applyRec(rec) {
  if (rec.room_id !== data.room_id) return;
  if (rec.status !== "active" || rec.erased) posts.delete(rec.id);
  else {
    if (!posts.has(rec.id)) fresh.add(rec.id);
    posts.set(rec.id, { id: rec.id, text: rec.text, votes: rec.votes });
  }
  render();
}

const live = connectWall(applyState, {
  "session:phase": (info) => {
    clock.set(info);
    live.refresh();
  },
  "session:broadcast": showBroadcast,
  "rec:new": applyRec,
  "rec:updated": applyRec,
  "wall:rooms": (info) => {
    const room = info.rooms.find((r) => r.id === data.room_id);
    if (room) $("people").textContent = `${fmt(S.in_room, room.in_room)} · ${fmt(S.remote, room.remote)}`;
  },
});
applyState(data.state);
window.addEventListener("resize", render);
