/* Suggested merges: groups of posts from any rooms that seem to say the same thing, side
   by side with their rooms and +1s. One action merges a group into a new note item (the
   best-backed wording pre-filled, editable) or adds it to an existing item; one action
   dismisses it. A group's element is kept while its posts stay the same, so a wording
   being typed survives live updates; while the pointer or focus is in the list, groups
   are not reordered. */
import { $, el, S, data, fmt, slug, similarity, DRAG_TYPE } from "./util.js";

const SECTION_KEY = `hs-last-section:${slug}`;

export function lastSection() {
  try {
    return localStorage.getItem(SECTION_KEY) || "";
  } catch (e) {
    return "";
  }
}
export function rememberSection(title) {
  try {
    localStorage.setItem(SECTION_KEY, title);
  } catch (e) {
    /* private mode: nothing to remember */
  }
}

export function createSuggestions(store, filters, api) {
  const { state } = store;
  const list = $("groups");
  const empty = $("suggestions-empty");
  const view = $("view-suggestions");
  const cards = new Map(); // key -> card
  const keyOf = new Map(); // rec id -> group key, for updates of one post
  let pointerInside = false;
  let available = true;
  let queued = false;

  list.addEventListener("pointerenter", () => (pointerInside = true));
  list.addEventListener("pointerleave", () => {
    pointerInside = false;
    schedule();
  });
  const held = () => !view.hidden && (pointerInside || list.contains(document.activeElement));

  function schedule() {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      render();
    });
  }

  // --- what to show -----------------------------------------------------------------
  function openGroups() {
    const out = [];
    keyOf.clear();
    state.groups.forEach((g, order) => {
      const recs = g.recommendation_ids.map((id) => state.recs.get(id)).filter((r) => store.isOpen(r));
      if (recs.length < 2) return;
      const key = g.recommendation_ids.slice().sort((a, b) => a - b).join("-");
      for (const r of recs) keyOf.set(r.id, key);
      const votes = recs.reduce((n, r) => n + r.votes, 0);
      out.push({ key, recs, score: g.score, order, votes, support: votes + recs.length, newest: Math.max(...recs.map((r) => r.id)) });
    });
    return out;
  }

  function shown(group) {
    const f = filters.f;
    if (f.room && !group.recs.some((r) => String(r.room_id) === f.room)) return false;
    if (group.votes < f.minVotes) return false;
    if (f.query && !group.recs.some((r) => filters.folded(r).includes(f.query))) return false;
    return true;
  }

  function sorted(groups) {
    if (filters.f.sort === "time") return groups.sort((a, b) => b.newest - a.newest);
    return groups.sort((a, b) => b.support - a.support || a.order - b.order);
  }

  // --- one group ------------------------------------------------------------------------
  function sectionOptions(card) {
    const sections = state.note ? state.note.sections : [];
    const select = card.section;
    // Rebuilt only when the sections changed: an open list is not pulled from under the hand.
    const key = sections.map((s) => s.title).join("\n") + "\n" + lastSection();
    if (card.sectionsKey === key) return;
    card.sectionsKey = key;
    const current = card.sectionTouched ? select.value : null;
    select.replaceChildren(...sections.map((s) => new Option(s.title, s.title)), new Option(S.new_section, ""));
    const remembered = lastSection();
    let value;
    if (current !== null && [...select.options].some((o) => o.value === current)) value = current;
    else if (remembered && sections.some((s) => s.title === remembered)) value = remembered;
    else if (!remembered && sections.length) value = sections[sections.length - 1].title;
    else value = "";
    select.value = value;
    if (value === "" && !card.newSection.value) card.newSection.value = remembered || S.default_section;
    card.newSectionField.hidden = value !== "";
  }

  function itemOptions(card, texts) {
    const key = `${state.note ? state.note.version : 0}|${card.sig}`;
    if (card.itemsKey === key) return;
    card.itemsKey = key;
    const items = [];
    for (const s of state.note ? state.note.sections : []) for (const it of s.items) items.push({ it, section: s.title });
    card.addRow.hidden = items.length === 0;
    if (!items.length) return;
    const keep = card.addTouched ? card.target.value : null;
    card.target.replaceChildren(
      ...items.map(({ it, section }) => new Option(`${section}: ${it.text.length > 70 ? it.text.slice(0, 69) + "…" : it.text}`, String(it.id)))
    );
    if (keep && items.some(({ it }) => String(it.id) === keep)) {
      card.target.value = keep;
      return;
    }
    // Offer the item most like the group's posts.
    let best = null;
    let bestScore = -1;
    for (const { it } of items) {
      const score = Math.max(...texts.map((t) => similarity(t, it.text)));
      if (score > bestScore) (best = it), (bestScore = score);
    }
    card.target.value = String(best.id);
  }

  function buildCard(group) {
    const id = `g-${group.key}`;
    const wording = el("textarea", { id: `${id}-text`, className: "wording", rows: 2, maxlength: data.max_item_text });
    const section = el("select", { id: `${id}-section`, className: "section" });
    const newSection = el("input", { id: `${id}-new`, type: "text", maxlength: 200, className: "new-section" });
    const newSectionField = el("span", { className: "new-section-field" }, el("label", { className: "visually-hidden", for: `${id}-new` }, S.new_section), newSection);
    const target = el("select", { id: `${id}-target`, className: "target" });
    const addRow = el(
      "div",
      { className: "add-row" },
      el("label", { className: "visually-hidden", for: `${id}-target` }, S.add_to_label),
      target,
      el("button", { type: "button", className: "button secondary small add", dataset: { act: "add" } }, S.add_to)
    );
    const members = el("ul", { className: "members" });
    const head = el("div", { className: "group-head" });
    const form = el(
      "form",
      { className: "group-form", dataset: { act: "merge" } },
      el("label", { className: "visually-hidden", for: `${id}-text` }, S.wording),
      wording,
      el(
        "div",
        { className: "group-actions" },
        el("label", { className: "visually-hidden", for: `${id}-section` }, S.section_label),
        section,
        newSectionField,
        el("button", { type: "submit", className: "button small merge" }, S.merge_group),
        el("button", { type: "button", className: "button quiet small dismiss", title: S.dismiss_title, dataset: { act: "dismiss" } }, S.dismiss)
      ),
      addRow
    );
    const node = el("li", { className: "group", dataset: { key: group.key }, draggable: "true" }, head, members, form);
    node.tabIndex = -1;
    const card = { key: group.key, node, head, members, wording, section, newSection, newSectionField, target, addRow, excluded: new Set(), sig: "", edited: false, sectionTouched: false, addTouched: false, group };
    wording.addEventListener("input", () => (card.edited = true));
    wording.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    section.addEventListener("change", () => {
      card.sectionTouched = true;
      newSectionField.hidden = section.value !== "";
    });
    target.addEventListener("change", () => (card.addTouched = true));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      merge(card);
    });
    return card;
  }

  function fillCard(card, group, index) {
    card.group = group;
    const rooms = new Set(group.recs.map((r) => r.room_id));
    const summary = `${fmt(S.posts_n, group.recs.length)} · ${fmt(S.rooms_n, rooms.size)} · ${fmt(S.votes_n, group.votes)}`;
    card.node.setAttribute("aria-label", `${fmt(S.group_label, index + 1)}: ${summary}`);
    const sig = group.recs.map((r) => `${r.id}:${r.seq}`).join(",");
    if (sig !== card.sig) {
      card.sig = sig;
      card.head.replaceChildren(el("strong", {}, summary));
      card.members.replaceChildren(
        ...group.recs.map((r) =>
          el(
            "li",
            { className: "member" + (card.excluded.has(r.id) ? " excluded" : ""), dataset: { id: r.id }, draggable: "true" },
            el("input", { type: "checkbox", checked: !card.excluded.has(r.id), "aria-label": `${S.include}: ${r.text.slice(0, 60)}` }),
            el("span", { className: "room badge neutral" }, store.roomName(r.room_id)),
            el("span", { className: "text" }, r.text),
            el("span", { className: "badge ok votes", title: S.votes }, `+${r.votes}`)
          )
        )
      );
      if (!card.edited) card.wording.value = store.bestText(chosenIds(card));
    }
    sectionOptions(card);
    itemOptions(card, group.recs.map((r) => r.text));
  }

  const chosenIds = (card) => card.group.recs.map((r) => r.id).filter((id) => !card.excluded.has(id));

  // --- rendering ------------------------------------------------------------------------------
  function render() {
    const groups = sorted(openGroups().filter(shown));
    $("groups-count").textContent = String(groups.length);
    // Hidden behind the other tab: only the count is kept current; the cards are built
    // when the view is shown (at 5,000 posts a push holds hundreds of groups).
    if (view.hidden) return;
    const wanted = new Set(groups.map((g) => g.key));
    const focusedCard = document.activeElement && document.activeElement.closest ? document.activeElement.closest("li.group") : null;
    for (const [key, card] of cards) {
      if (!wanted.has(key)) {
        if (card.node === focusedCard) focusNeighbour(card.node);
        card.node.remove();
        cards.delete(key);
      }
    }
    const keepOrder = held();
    groups.forEach((group, i) => {
      let card = cards.get(group.key);
      if (!card) {
        card = buildCard(group);
        cards.set(group.key, card);
      }
      fillCard(card, group, i);
      if (!card.node.parentNode) list.append(card.node);
    });
    if (!keepOrder) {
      groups.forEach((group, i) => {
        const node = cards.get(group.key).node;
        if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null);
      });
    }
    empty.hidden = groups.length > 0;
    if (!available) empty.textContent = S.suggestions_unavailable;
  }

  function focusNeighbour(node) {
    const next = node.nextElementSibling || node.previousElementSibling;
    if (next) focusCard(next);
  }
  function focusCard(node) {
    node.focus({ preventScroll: true });
    node.scrollIntoView({ block: "nearest" });
  }

  // --- actions ------------------------------------------------------------------------------------
  async function merge(card) {
    const ids = chosenIds(card);
    if (ids.length === 0) return;
    const text = card.wording.value.trim() || store.bestText(ids);
    const section = card.section.value || card.newSection.value.trim() || S.default_section;
    const ack = await api.merge(ids, text, section);
    if (!ack) return;
    rememberSection(section);
    api.announce(fmt(S.merged_announce, ids.length));
    drop(card);
  }

  async function addToItem(card) {
    const ids = chosenIds(card);
    if (!ids.length || card.addRow.hidden) return;
    const ack = await api.addToItem(Number(card.target.value), ids);
    if (!ack) return;
    api.announce(fmt(S.added_announce, ids.length));
    drop(card);
  }

  async function dismiss(card) {
    const ids = card.group.recs.map((r) => r.id);
    const ack = await api.dismiss(ids);
    if (!ack) return;
    api.announce(S.dismissed_announce);
    state.groups = state.groups.filter((g) => !g.recommendation_ids.some((id) => ids.includes(id)));
    drop(card);
  }

  function drop(card) {
    const wasFocused = card.node.contains(document.activeElement);
    if (wasFocused) focusNeighbour(card.node);
    card.node.remove();
    cards.delete(card.key);
    schedule();
  }

  list.addEventListener("click", (event) => {
    const card = cardOf(event.target);
    if (!card) return;
    const act = event.target.closest("[data-act]");
    if (act && act.tagName === "BUTTON") {
      if (act.dataset.act === "add") addToItem(card);
      else if (act.dataset.act === "dismiss") dismiss(card);
      return;
    }
    const box = event.target.closest(".member input[type=checkbox]");
    if (box) toggleMember(card, Number(box.closest(".member").dataset.id));
  });
  list.addEventListener("dragstart", (event) => {
    const card = cardOf(event.target);
    if (!card) return;
    const member = event.target.closest && event.target.closest(".member");
    const ids = member ? [Number(member.dataset.id)] : chosenIds(card);
    event.dataTransfer.setData(DRAG_TYPE, JSON.stringify(ids));
    event.dataTransfer.setData("text/plain", store.bestText(ids));
    event.dataTransfer.effectAllowed = "copy";
  });

  function cardOf(target) {
    const node = target && target.closest ? target.closest("li.group") : null;
    return node ? cards.get(node.dataset.key) : null;
  }

  function toggleMember(card, id) {
    if (card.excluded.has(id)) card.excluded.delete(id);
    else card.excluded.add(id);
    const node = card.members.querySelector(`.member[data-id="${id}"]`);
    if (node) {
      node.classList.toggle("excluded", card.excluded.has(id));
      node.querySelector("input").checked = !card.excluded.has(id);
    }
    if (!card.edited) card.wording.value = store.bestText(chosenIds(card));
  }

  // --- live -----------------------------------------------------------------------------------------
  store.on("groups", schedule);
  store.on("note", schedule);
  store.on("reset", schedule);
  store.on("recs", schedule);
  store.on("rec", ({ rec }) => {
    if (keyOf.has(rec.id)) schedule();
  });
  filters.onChange(schedule);

  return {
    render,
    setAvailable(value) {
      available = value;
      schedule();
    },
    /* For the keyboard: the focused card (or the first), and acting on it. */
    nodes: () => [...list.children],
    current() {
      const node = document.activeElement && document.activeElement.closest ? document.activeElement.closest("li.group") : null;
      return node ? cards.get(node.dataset.key) : null;
    },
    focusCard,
    merge,
    addToItem,
    dismiss,
    toggleMember,
  };
}
