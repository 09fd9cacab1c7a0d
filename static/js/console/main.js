/* The moderator console: every room live, suggested merges across rooms, the note being
   written. Every note change carries the draft's version; if another moderator changed
   the note first, the server answers `conflict` with the current note, which replaces
   ours, and whatever this moderator typed stays in the form to try again. */
import { $, el, S, data, slug, fmt, announce } from "./util.js";
import { createStore } from "./store.js";
import { createFilters } from "./filters.js";
import { createPosts } from "./posts.js";
import { createSuggestions, lastSection, rememberSection } from "./suggestions.js";
import { createNote } from "./note.js";
import { createAudit } from "./audit.js";
import { createKeyboard } from "./keyboard.js";
import { createRun } from "./run.js";

const store = createStore();
const { state } = store;
let socket = null;
let watching = false;

// --- calls to the server --------------------------------------------------------------
const call = (event, payload) => window.HS.call(socket, event, payload);

async function noteCall(event, payload) {
  const ack = await call(event, { slug, version: state.note ? state.note.version : null, ...payload });
  if (ack.note) store.applyNote(ack.note);
  if (!ack.ok) {
    const code = ack.error.code;
    window.HS.toast(S[code] || ack.error.message || S.error, true);
    return null;
  }
  return ack;
}

const api = {
  call,
  noteCall,
  announce,
  connected: () => !!socket && socket.connected,
  merge: (ids, text, section) => noteCall("note:merge", { recommendation_ids: ids, text, section }),
  addToItem: (itemId, ids) => noteCall("note:add_to_item", { item_id: itemId, recommendation_ids: ids }),
  async dismiss(ids) {
    const ack = await call("suggestions:dismiss", { slug, recommendation_ids: ids });
    if (!ack.ok) {
      window.HS.toast(ack.error.message || S.error, true);
      return null;
    }
    return ack;
  },
  erase: async (rec) => {
    if (!window.confirm(S.erase_confirm.replace("{name}", rec.author.display_name))) return;
    const ack = await call("participant:erase", { slug, participant_id: rec.author.id });
    if (!ack.ok) window.HS.toast(ack.error.message || S.error, true);
  },
};

// --- the views: suggested merges or all posts ---------------------------------------------
const VIEW_KEY = "hs-console-view";
const views = {
  current: () => ($("view-suggestions").hidden ? "posts" : "suggestions"),
  show(name, focus) {
    for (const tab of document.querySelectorAll(".tabs [role=tab]")) {
      const on = tab.dataset.view === name;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      $(tab.getAttribute("aria-controls")).hidden = !on;
    }
    try {
      localStorage.setItem(VIEW_KEY, name);
    } catch (e) {
      /* nothing to remember */
    }
    if (name === "posts") posts.showPending(false);
    else suggestions.render();
    if (focus) $(`tab-${name}`).focus();
  },
};
for (const tab of document.querySelectorAll(".tabs [role=tab]")) tab.addEventListener("click", () => views.show(tab.dataset.view));

// --- the panels ------------------------------------------------------------------------------
const filters = createFilters(store);
/* One post as its own item, in the section used last: one action for an idea said once. */
async function addOne(rec) {
  const sections = state.note ? state.note.sections : [];
  const section = lastSection() || (sections.length ? sections[sections.length - 1].title : S.default_section);
  const ack = await api.merge([rec.id], rec.text, section);
  if (!ack) return;
  rememberSection(section);
  announce(fmt(S.merged_announce, 1));
}
const posts = createPosts(store, filters, { selectionChanged: renderSelection, erase: api.erase, addOne });
const suggestions = createSuggestions(store, filters, api);
const note = createNote(store, api);
const audit = createAudit(api);
const run = createRun(api);
createKeyboard({ views, suggestions, posts, note, addOne: (id) => state.recs.get(id) && addOne(state.recs.get(id)) });
let initialView = "posts";
try {
  initialView = localStorage.getItem(VIEW_KEY) || "posts";
} catch (e) {
  /* default */
}
views.show(initialView === "suggestions" ? "suggestions" : "posts");

// --- the merge box: posts selected by hand ----------------------------------------------------
function renderSelection() {
  const chosen = [...posts.selected].map((id) => state.recs.get(id)).filter(Boolean);
  $("selection-info").textContent = chosen.length ? fmt(S.selected, chosen.length) : S.nothing_selected;
  $("selected-list").replaceChildren(...chosen.map((r) => el("li", {}, el("strong", {}, store.roomName(r.room_id)), ": ", r.text)));
  // The form takes room only when there is something to add (or an own item is wanted).
  const form = $("merge-form");
  if (chosen.length) form.hidden = false;
  else if ($("own-item").getAttribute("aria-expanded") !== "true") form.hidden = true;
  $("own-item").hidden = !form.hidden;
  // The best-backed wording is pre-filled until the moderator types their own.
  const text = $("merge-text");
  if (!text.dataset.typed) text.value = store.bestText(chosen.map((r) => r.id));
}
$("own-item").addEventListener("click", () => {
  $("own-item").setAttribute("aria-expanded", "true");
  $("merge-form").hidden = false;
  $("own-item").hidden = true;
  $("merge-text").focus();
});
$("merge-text").addEventListener("input", (e) => {
  if (e.target.value) e.target.dataset.typed = "1";
  else delete e.target.dataset.typed;
});

function renderSectionChoice() {
  const select = $("merge-section");
  const current = select.value;
  const sections = state.note ? state.note.sections : [];
  const titles = sections.map((s) => s.title);
  if (select.options.length === titles.length + 1 && titles.every((t, i) => select.options[i].value === t)) return;
  select.replaceChildren(...titles.map((t) => new Option(t, t)), new Option(S.new_section, ""));
  const remembered = lastSection();
  if (titles.includes(current) && current) select.value = current;
  else if (titles.includes(remembered)) select.value = remembered;
  else select.value = titles.length ? titles[titles.length - 1] : "";
  $("new-section-field").hidden = select.value !== "";
}
$("merge-section").addEventListener("change", () => {
  $("new-section-field").hidden = $("merge-section").value !== "";
});
$("use-selected").addEventListener("click", () => {
  $("merge-text").value = store.bestText([...posts.selected]);
  $("merge-text").focus();
});
$("clear-selection").addEventListener("click", () => posts.clearSelection());
$("merge-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const section = $("merge-section").value || $("new-section").value.trim();
  if (!section) return window.HS.toast(S.section_needed, true);
  const ids = [...posts.selected];
  const ack = await api.merge(ids, $("merge-text").value, section);
  if (!ack) return;
  rememberSection(section);
  announce(fmt(S.merged_announce, ids.length));
  delete $("merge-text").dataset.typed;
  posts.clearSelection();
  $("merge-text").value = "";
  $("new-section").value = "";
  renderSectionChoice();
  $("merge-section").value = section;
  $("new-section-field").hidden = true;
  // The form folds away with the selection: focus goes to the item just made, not <body>.
  const made = ack.item && document.querySelector(`.note-editor li[data-item-id="${ack.item.id}"]`);
  if (made) {
    made.tabIndex = -1;
    made.focus();
  } else if ($("merge-form").hidden) $("own-item").focus();
});
store.on("note", () => renderSectionChoice());

// --- the connection -------------------------------------------------------------------------------
async function loadSuggestions(sock) {
  const ack = await window.HS.call(sock, "suggestions:get", { slug });
  if (ack.ok) {
    suggestions.setAvailable(true);
    store.applyGroups(ack.groups);
  } else {
    suggestions.setAvailable(false);
  }
}

// On a reconnection ask for the recommendations changed since the last one seen, and
// the whole note: nothing missed stays missing.
let restartResync = () => {};

async function sync(sock) {
  restartResync();
  const payload = state.seen === null ? { slug } : { slug, since: state.seen };
  const ack = await window.HS.call(sock, "session:watch", payload);
  if (!ack.ok) return window.HS.toast(ack.error.message || S.error, true);
  store.applySnapshot(ack);
  if (ack.session) run.applySession(ack.session);
  renderSelection();
  renderSectionChoice();
  watching = true;
}

socket = window.HS.connect($("status"), S, (sock) => {
  watching = false;
  sync(sock).then(() => loadSuggestions(sock));
});
// Live events are delivered at most once (and not at all while a server's message
// queue is down), so the console also catches up by sequence now and then.
restartResync = window.HS.resyncEvery(data.resync_ms, () => {
  if (socket.connected && watching) sync(socket);
});
socket.on("disconnect", () => note.renderPublishState());
socket.on("rec:new", store.applyRec);
socket.on("rec:updated", store.applyRec);
socket.on("note:updated", (n) => {
  store.applyNote(n);
  audit.refresh();
});
socket.on("note:published", (info) => store.setPublished(info.version));
socket.on("rooms:updated", (info) => {
  store.setRooms(info.rooms);
  run.applyRooms(info.rooms, info.unplaced_count);
});
socket.on("session:phase", run.applyPhase);
socket.on("session:broadcast", run.showLast);
socket.on("suggestions:updated", (info) => store.applyGroups(info.groups));
renderSelection();
// For the benchmarks and tests: the console is ready once the first snapshot is in.
window.HSConsole = { store, views };
