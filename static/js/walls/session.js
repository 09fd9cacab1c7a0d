/* The session wall: phase and time left, every room's people, the latest broadcast. */
import { $, S, data, el, fmt, createClock, connectWall, showBroadcast, fit } from "./live.js";

const clock = createClock();

function tile(room) {
  return el(
    "li",
    { className: "room-tile", dataset: { id: room.id } },
    el("span", { className: "room-name" }, room.name),
    el(
      "span",
      { className: "room-count" },
      String(room.participant_count),
      ...(room.capacity ? [el("span", { className: "of" }, ` / ${room.capacity}`)] : []),
    ),
    el("span", { className: "room-split" }, `${fmt(S.in_room, room.in_room)} · ${fmt(S.remote, room.remote)}`),
  );
}

function renderRooms(rooms) {
  const list = $("rooms");
  list.replaceChildren(...rooms.map(tile));
  const hidden = fit(list);
  $("more-rooms").hidden = hidden === 0;
  $("more-rooms").textContent = fmt(S.more_rooms, hidden);
}

function applyState(state) {
  clock.set(state);
  renderRooms(state.rooms);
  if (state.broadcast) showBroadcast(state.broadcast);
}

const live = connectWall(applyState, {
  "session:phase": (info) => {
    clock.set(info);
    live.refresh();
  },
  "session:broadcast": showBroadcast,
  "wall:rooms": (info) => renderRooms(info.rooms),
  "note:published": () => live.refresh(),
});
applyState(data.state);
window.addEventListener("resize", () => renderRooms(data.state.rooms));
