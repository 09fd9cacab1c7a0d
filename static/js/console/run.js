/* Running the breakout phase from the console: the phase and a countdown on the
   server's clock, opening the rooms for N minutes, extending, closing early, going
   back to the lobby; broadcasts to all rooms or one; people per room (in the venue's
   room and remote) live; moving people, and placing those who wait. */
import { $, el, S, slug, fmt, announce } from "./util.js";

const R = S.run;
const WARNING_MS = 2 * 60 * 1000;
const fill = (template, values) => template.replace(/\{(\w+)\}/g, (m, key) => (key in values ? String(values[key]) : m));

export function createRun(api) {
  let offset = 0; // the server's clock minus this machine's
  let phase = null;
  let closeAt = null;
  let rooms = [];
  let unplaced = 0;
  let people = [];
  let peopleTimer = null;

  // --- phase and countdown -------------------------------------------------------------
  function renderClock() {
    const badge = $("phase-badge");
    badge.dataset.phase = phase || "";
    badge.textContent = R.phases[phase] || phase || "";
    badge.className = `badge ${phase === "rooms_open" ? "ok" : phase === "rooms_closed" ? "bad" : "neutral"}`;
    const timed = phase === "rooms_open" && closeAt !== null;
    const left = timed ? closeAt - (Date.now() + offset) : null;
    const clock = $("countdown");
    clock.hidden = !timed;
    $("countdown-note").hidden = !timed || left > WARNING_MS;
    if (timed) {
      const seconds = Math.max(0, Math.ceil(left / 1000));
      clock.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
      clock.classList.toggle("warning", left <= WARNING_MS);
    }
    for (const button of document.querySelectorAll("#run [data-extend]")) button.disabled = phase !== "rooms_open";
    $("close-rooms").disabled = phase !== "rooms_open";
    $("to-lobby").disabled = phase === "lobby";
  }
  setInterval(renderClock, 500);

  function applyPhase(info) {
    if (info.server_time) offset = Date.parse(info.server_time) - Date.now();
    phase = info.phase;
    closeAt = info.rooms_close_at ? Date.parse(info.rooms_close_at) : null;
    renderClock();
  }

  async function setPhase(payload, done) {
    const ack = await api.call("session:phase", { slug, ...payload });
    if (!ack.ok) {
      window.HS.toast(S[ack.error.code] || ack.error.message || S.error, true);
      return;
    }
    if (ack.session) applySession(ack.session);
    announce(done);
    window.HS.toast(done);
  }
  for (const button of document.querySelectorAll("#run [data-minutes]")) {
    const minutes = Number(button.dataset.minutes);
    button.addEventListener("click", () => setPhase({ phase: "rooms_open", minutes }, fmt(R.opened, minutes)));
  }
  $("open-custom").addEventListener("click", () => {
    const minutes = Number($("custom-minutes").value);
    if (!Number.isFinite(minutes) || minutes < 1 || minutes > 1440) {
      window.HS.toast(R.minutes_needed, true);
      $("custom-minutes").focus();
      return;
    }
    setPhase({ phase: "rooms_open", minutes }, fmt(R.opened, minutes));
  });
  $("open-untimed").addEventListener("click", () => setPhase({ phase: "rooms_open" }, R.opened_untimed));
  for (const button of document.querySelectorAll("#run [data-extend]")) {
    const minutes = Number(button.dataset.extend);
    button.addEventListener("click", () =>
      setPhase({ phase: "rooms_open", extend_minutes: minutes }, fmt(R.extended, minutes)),
    );
  }
  $("close-rooms").addEventListener("click", () => {
    if (window.confirm(R.close_confirm)) setPhase({ phase: "rooms_closed" }, R.closed);
  });
  $("to-lobby").addEventListener("click", () => setPhase({ phase: "lobby" }, R.lobby));

  // --- broadcasts ----------------------------------------------------------------------------
  const text = $("broadcast-text");
  text.addEventListener("input", () => {
    $("broadcast-count").textContent = `${Array.from(text.value.trim()).length} / 280`;
  });
  function showLast(message) {
    if (!message) return;
    const room = rooms.find((r) => r.id === message.room_id);
    const node = $("last-broadcast");
    node.textContent = fill(R.last, {
      time: window.HS.time(message.sent_at),
      text: `${room ? room.name : R.all_rooms}: ${message.text}`,
    });
    node.hidden = false;
  }
  $("broadcast-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const roomId = $("broadcast-room").value;
    const payload = { slug, text: text.value };
    if (roomId) payload.room_id = Number(roomId);
    const ack = await api.call("session:broadcast", payload);
    if (!ack.ok) {
      window.HS.toast(S[ack.error.code] || ack.error.message || S.error, true);
      return;
    }
    text.value = "";
    $("broadcast-count").textContent = "0 / 280";
    announce(R.sent);
    window.HS.toast(R.sent);
  });

  // --- people per room ----------------------------------------------------------------------------
  function renderPresence() {
    $("presence-rows").replaceChildren(
      ...rooms.map((room) =>
        el(
          "tr",
          {},
          el("th", { scope: "row" }, room.name),
          el("td", {}, String(room.in_room_count ?? "–")),
          el("td", {}, String(room.remote_count ?? "–")),
          el("td", {}, room.capacity ? `${room.participant_count} / ${room.capacity}` : `${room.participant_count} (${R.unlimited})`),
        ),
      ),
    );
    $("unplaced-count").textContent = String(unplaced);
  }

  function renderPeople() {
    const waiting = people.filter((p) => p.room_id === null);
    const placed = people.filter((p) => p.room_id !== null);
    const roomName = (id) => (rooms.find((r) => r.id === id) || {}).name || "";
    $("people-empty").hidden = people.length > 0;
    $("people-list").replaceChildren(
      ...[...waiting, ...placed].map((person) => {
        const select = el(
          "select",
          { id: `move-${person.id}`, "aria-label": fill(R.move_to, { name: person.display_name }) },
          ...rooms.map((room) => el("option", { value: room.id }, room.name)),
        );
        if (person.room_id !== null) select.value = String(person.room_id);
        const button = el("button", { className: "button small secondary", type: "button" }, R.move);
        button.addEventListener("click", () => move(person, Number(select.value)));
        return el(
          "li",
          { className: person.room_id === null ? "person waiting" : "person", dataset: { id: person.id } },
          el("span", { className: "who" }, person.display_name),
          el(
            "span",
            { className: "small muted" },
            `${person.attendance === "in_room" ? R.on_site : R.remote} · ${person.room_id === null ? R.waiting : roomName(person.room_id)}`,
          ),
          select,
          button,
        );
      }),
    );
  }

  async function loadPeople() {
    if (!api.connected()) return;
    const ack = await api.call("session:participants", { slug });
    if (!ack.ok) return;
    people = [...ack.participants].sort((a, b) => a.display_name.localeCompare(b.display_name));
    renderPeople();
  }
  /* Joins and moves arrive as rooms:updated; the list is read again at most every 2 s,
     and only while it is open (a 1,000-person join wave must not cost 1,000 lists). */
  function peopleChanged() {
    if (!$("people").open || peopleTimer) return;
    peopleTimer = setTimeout(() => {
      peopleTimer = null;
      loadPeople();
    }, 2000);
  }
  $("people").addEventListener("toggle", () => {
    if ($("people").open) loadPeople();
  });

  async function move(person, roomId) {
    const ack = await api.call("participant:move", { slug, participant_id: person.id, room_id: roomId });
    if (!ack.ok) {
      window.HS.toast(ack.error.code === "room_full" ? R.room_full : ack.error.message || S.error, true);
      return;
    }
    const room = rooms.find((r) => r.id === roomId);
    const message = fill(R.moved, { name: person.display_name, room: room ? room.name : "" });
    announce(message);
    window.HS.toast(message);
    loadPeople();
  }

  function applyRooms(list, unplacedCount) {
    rooms = list;
    if (unplacedCount !== undefined && unplacedCount !== null) unplaced = unplacedCount;
    renderPresence();
    peopleChanged();
  }

  function applySession(session) {
    applyPhase({ phase: session.phase, rooms_close_at: session.rooms_close_at, server_time: session.server_time });
    applyRooms(session.rooms, session.unplaced_count);
    showLast(session.broadcast);
  }

  return { applySession, applyPhase, applyRooms, showLast, loadPeople, peopleChanged };
}
