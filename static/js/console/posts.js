/* All posts, one column per room. Each post is one element, created once and refilled
   only when that post changes; a new post inserts one element. While the pointer is over
   the list, focus is in it or it is scrolled, new posts wait behind an "N new — show"
   notice, so nothing moves under the person's hand. */
import { $, el, S, fmt, DRAG_TYPE, announce } from "./util.js";

export function createPosts(store, filters, hooks) {
  const { state } = store;
  const columnsNode = $("columns");
  const chipsNode = $("filters");
  const notice = $("new-posts");
  const view = $("view-posts");
  const columns = new Map(); // room id -> {node, list, empty, chip}
  const nodes = new Map(); // rec id -> li
  const selected = new Set(); // rec ids, in the order chosen
  let pending = []; // rec ids waiting behind the notice
  let pointerInside = false;
  let scrolled = false;
  let allChip = null;

  // --- holding still --------------------------------------------------------------
  const held = () =>
    !view.hidden && (pointerInside || scrolled || columnsNode.contains(document.activeElement));
  columnsNode.addEventListener("pointerenter", () => (pointerInside = true));
  columnsNode.addEventListener("pointerleave", () => {
    pointerInside = false;
    if (!held()) showPending(false);
  });
  let scrollQueued = false;
  window.addEventListener(
    "scroll",
    () => {
      if (scrollQueued) return;
      scrollQueued = true;
      requestAnimationFrame(() => {
        scrollQueued = false;
        scrolled = columnsNode.getBoundingClientRect().top < 0;
      });
    },
    { passive: true }
  );
  notice.addEventListener("click", () => showPending(true));

  function showPending(announceIt) {
    if (!pending.length) return;
    const ids = pending;
    pending = [];
    for (const id of ids) place(state.recs.get(id));
    notice.hidden = true;
    if (announceIt) announce(fmt(S.new_posts_announce, ids.length));
  }

  // --- the room chips ------------------------------------------------------------------
  function activeCount(roomId) {
    let n = 0;
    for (const r of state.recs.values()) if (r.status === "active" && (roomId === null || r.room_id === roomId)) n++;
    return n;
  }
  const counts = new Map(); // room id -> active posts
  function recount() {
    counts.clear();
    for (const r of state.recs.values()) if (r.status === "active") counts.set(r.room_id, (counts.get(r.room_id) || 0) + 1);
    updateChips();
  }
  function updateChips() {
    let total = 0;
    for (const room of state.rooms) {
      const c = columns.get(room.id);
      const n = counts.get(room.id) || 0;
      total += n;
      if (c) c.chip.textContent = `${room.name} (${n})`;
    }
    if (allChip) allChip.textContent = `${S.all_rooms} (${total})`;
    $("posts-count").textContent = String(total);
  }
  function pressChips() {
    for (const [id, c] of columns) c.chip.setAttribute("aria-pressed", String(filters.f.room === String(id)));
    if (allChip) allChip.setAttribute("aria-pressed", String(filters.f.room === ""));
  }
  function chooseRoom(value) {
    const select = $("room-filter");
    select.value = value;
    select.dispatchEvent(new Event("change"));
  }

  // --- columns -------------------------------------------------------------------------
  function buildColumns() {
    const known = new Set();
    for (const room of state.rooms) {
      known.add(room.id);
      let c = columns.get(room.id);
      if (!c) {
        const title = el("span", {});
        const people = el("span", { className: "small muted" });
        const list = el("ul", { className: "recs" });
        const empty = el("p", { className: "empty small" }, S.no_posts);
        const node = el("div", { className: "column", dataset: { roomId: room.id } }, el("h3", {}, title, people), list, empty);
        const chip = el("button", { type: "button", className: "chip", onclick: () => chooseRoom(String(room.id)) });
        c = { node, list, empty, title, people, chip };
        columns.set(room.id, c);
      }
      c.title.textContent = room.name;
      c.people.textContent = fmt(S.participants_in_room, room.participant_count);
    }
    for (const [id, c] of columns) {
      if (!known.has(id)) {
        c.node.remove();
        c.chip.remove();
        columns.delete(id);
      }
    }
    if (!allChip) allChip = el("button", { type: "button", className: "chip", onclick: () => chooseRoom("") });
    chipsNode.replaceChildren(allChip, ...state.rooms.map((r) => columns.get(r.id).chip));
    const order = state.rooms.map((r) => columns.get(r.id).node);
    order.forEach((node, i) => {
      if (columnsNode.children[i] !== node) columnsNode.insertBefore(node, columnsNode.children[i] || null);
    });
    pressChips();
    updateChips();
  }

  // --- one post ----------------------------------------------------------------------------
  /* Refilled in place of its children; whatever in it had focus (the post, its
     checkbox, a button) has it again afterwards, so a live +1 or a selection never drops
     focus to <body>. */
  function fill(node, rec) {
    const active = document.activeElement;
    const keep = node.contains(active) ? (active === node ? "" : active.dataset.key || "") : null;
    const merged = state.merged.has(rec.id);
    const isSelected = selected.has(rec.id);
    const selectable = rec.status === "active" && !merged && !rec.erased;
    node.className =
      "rec" + (isSelected ? " selected" : "") + (merged ? " merged" : "") + (rec.status === "withdrawn" ? " withdrawn" : "");
    node.draggable = selectable;
    const box = el("input", {
      type: "checkbox",
      checked: isSelected,
      disabled: !selectable,
      "aria-label": `${S.select_post}: ${rec.text.slice(0, 60)}`,
      dataset: { key: "select" },
    });
    const meta = el(
      "div",
      { className: "meta" },
      el("span", {}, rec.author.display_name || "—"),
      el("span", {}, "·"),
      el("time", { datetime: rec.created_at }, window.HS.time(rec.created_at)),
      el("span", { className: "badge neutral", title: S.votes }, `+${rec.votes}`)
    );
    if (merged) meta.append(el("span", { className: "badge ok" }, S.merged));
    if (rec.erased) meta.append(el("span", { className: "badge bad" }, S.erased));
    else if (rec.status === "withdrawn") meta.append(el("span", { className: "badge bad" }, S.withdrawn));
    if (selectable)
      meta.append(el("button", { type: "button", className: "icon-button add-one", title: S.add_one_title, "aria-label": `${S.add_one_title}: ${rec.text.slice(0, 60)}`, dataset: { addOne: "1", key: "add" } }, S.add_one));
    if (!rec.erased) meta.append(el("button", { type: "button", className: "erase", title: S.erase_title, dataset: { erase: "1", key: "erase" } }, S.erase));
    node.replaceChildren(box, el("div", { className: "text" }, rec.text), meta);
    if (keep !== null) ((keep && node.querySelector(`[data-key="${keep}"]`)) || node).focus({ preventScroll: true });
    node.hidden = !filters.matches(rec);
  }

  function compare(a, b) {
    if (filters.f.sort === "support" && a.votes !== b.votes) return b.votes - a.votes;
    return b.id - a.id;
  }

  /* Put one post's element where it belongs in its column (creating it if new). */
  function place(rec) {
    if (!rec) return;
    const c = columns.get(rec.room_id);
    if (!c) return;
    let node = nodes.get(rec.id);
    if (!node) {
      node = el("li", { className: "rec", dataset: { id: rec.id }, tabIndex: -1 });
      node.tabIndex = -1;
      nodes.set(rec.id, node);
    }
    fill(node, rec);
    // Columns are short (a few hundred posts at most), a linear scan is cheap.
    let before = null;
    for (let sib = c.list.firstElementChild; sib; sib = sib.nextElementSibling) {
      if (sib === node) continue;
      const other = state.recs.get(Number(sib.dataset.id));
      if (other && compare(rec, other) < 0) {
        before = sib;
        break;
      }
    }
    if (node.parentNode !== c.list || node.nextElementSibling !== before) c.list.insertBefore(node, before);
    c.empty.hidden = true;
  }

  function rebuildAll() {
    buildColumns();
    for (const c of columns.values()) {
      const recs = [...state.recs.values()].filter((r) => r.room_id === Number(c.node.dataset.roomId)).sort(compare);
      const frag = document.createDocumentFragment();
      for (const rec of recs) {
        let node = nodes.get(rec.id);
        if (!node) {
          node = el("li", { className: "rec", dataset: { id: rec.id } });
          node.tabIndex = -1;
          nodes.set(rec.id, node);
        }
        fill(node, rec);
        frag.append(node);
      }
      c.list.replaceChildren(frag);
      c.empty.hidden = recs.length > 0;
    }
    for (const [id, node] of nodes) if (!state.recs.has(id)) (node.remove(), nodes.delete(id));
    pending = [];
    notice.hidden = true;
    recount();
  }

  // --- events ----------------------------------------------------------------------------------
  store.on("rooms", () => {
    buildColumns();
  });
  store.on("reset", rebuildAll);
  store.on("recs", (changed) => {
    for (const rec of changed) onRec({ rec, previous: null, quiet: true });
    recount();
  });
  function onRec({ rec, previous, quiet }) {
    if (rec.status !== "active" || rec.erased) selected.delete(rec.id);
    const node = nodes.get(rec.id);
    if (node) {
      // An update: refill in place; move it only if sorting asks and nothing is held.
      if (filters.f.sort === "support" && previous && previous.votes !== rec.votes && !held()) place(rec);
      else fill(node, rec);
    } else if (held()) {
      if (!pending.includes(rec.id)) pending.push(rec.id);
      notice.textContent = fmt(S.new_posts, pending.length);
      notice.hidden = false;
    } else {
      place(rec);
    }
    if (!quiet && !previous) heard(rec);
    if (!quiet) {
      const wasActive = previous && previous.status === "active";
      const isActive = rec.status === "active";
      if (wasActive !== isActive) {
        counts.set(rec.room_id, (counts.get(rec.room_id) || 0) + (isActive ? 1 : -1));
        updateChips();
      }
      if (selected.size && !isActive) hooks.selectionChanged();
    }
  }
  store.on("rec", onRec);
  store.on("note", ({ flipped }) => {
    for (const id of flipped) {
      selected.delete(id);
      const node = nodes.get(id);
      const rec = state.recs.get(id);
      if (node && rec) fill(node, rec);
    }
    if (flipped.length) hooks.selectionChanged();
  });
  filters.onChange(() => {
    pressChips();
    const resort = filters.f.sort !== columnsNode.dataset.sort;
    columnsNode.dataset.sort = filters.f.sort;
    if (resort) return rebuildAll();
    for (const [id, node] of nodes) {
      const rec = state.recs.get(id);
      if (rec) node.hidden = !filters.matches(rec);
    }
  });
  columnsNode.dataset.sort = filters.f.sort;

  // Clicks and drags are delegated: one listener, whatever the number of posts.
  columnsNode.addEventListener("click", async (event) => {
    const node = event.target.closest("li.rec");
    if (!node) return;
    const rec = state.recs.get(Number(node.dataset.id));
    if (!rec) return;
    if (event.target.closest("[data-add-one]")) {
      event.stopPropagation();
      return hooks.addOne(rec);
    }
    if (event.target.closest("[data-erase]")) {
      event.stopPropagation();
      return hooks.erase(rec);
    }
    toggle(rec.id);
  });
  columnsNode.addEventListener("dragstart", (event) => {
    const node = event.target.closest && event.target.closest("li.rec");
    if (!node) return;
    const id = Number(node.dataset.id);
    const ids = selected.has(id) ? [...selected] : [id];
    event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(ids));
    event.dataTransfer.setData("text/plain", state.recs.get(id).text);
    event.dataTransfer.effectAllowed = "copy";
  });

  /* New posts are announced once each, or as one count when several arrive together
     (a busy session must not flood the screen reader). */
  let arrivals = [];
  let arrivalTimer = null;
  function heard(rec) {
    arrivals.push(rec);
    clearTimeout(arrivalTimer);
    arrivalTimer = setTimeout(() => {
      const n = arrivals.length;
      announce(n === 1 ? fmt(S.new_rec_room, store.roomName(arrivals[0].room_id)) : fmt(S.new_recs, n));
      arrivals = [];
    }, 1500);
  }

  function toggle(id) {
    const rec = state.recs.get(id);
    if (!store.isOpen(rec)) return;
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    const node = nodes.get(id);
    if (node) fill(node, rec);
    hooks.selectionChanged();
  }

  function clearSelection() {
    const ids = [...selected];
    selected.clear();
    for (const id of ids) {
      const node = nodes.get(id);
      const rec = state.recs.get(id);
      if (node && rec) fill(node, rec);
    }
    hooks.selectionChanged();
  }

  /* For j/k: the visible posts in reading order. */
  function visibleNodes() {
    return [...columnsNode.querySelectorAll("li.rec:not([hidden])")];
  }

  return { selected, toggle, clearSelection, visibleNodes, showPending, nodes };
}
