/* The note being written: sections and items, each element kept and refilled only when
   that item or section changed (so a live change by another moderator does not reset
   what this one is doing). Undo/redo, restoring a published version, the summary and
   publishing. Items and sections are drop targets for posts dragged from the left. */
import { $, el, S, data, fmt, slug, dragIds, DRAG_TYPE } from "./util.js";

export function createNote(store, api) {
  const { state } = store;
  const sectionsNode = $("note-sections");
  const sectionNodes = new Map(); // section id -> {node, head, list, sig}
  const itemNodes = new Map(); // item id -> {node, sig}
  let editing = null; // {id, text, section}

  const supportLabel = (n) => `${n} ${n === 1 ? S.person : S.people}`;

  function itemSig(item, section, index, count) {
    return JSON.stringify([item.text, item.support, item.sources, section.title, index, count, editing && editing.id === item.id]);
  }

  function fillItem(node, item, section, index, count) {
    node.dataset.itemId = item.id;
    if (editing && editing.id === item.id) {
      const text = el("textarea", { rows: 3, maxlength: data.max_item_text, "aria-label": S.edit });
      text.value = editing.text;
      text.addEventListener("input", () => (editing.text = text.value));
      const where = el("select", { "aria-label": S.section_label }, state.note.sections.map((s) => el("option", { value: s.title }, s.title)));
      where.value = editing.section;
      where.addEventListener("change", () => (editing.section = where.value));
      const save = async () => {
        const ack = await api.noteCall("note:edit_item", { item_id: item.id, text: editing.text, section: editing.section });
        if (ack) {
          editing = null;
          render(true);
        }
      };
      text.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) save();
        if (e.key === "Escape") {
          editing = null;
          render(true);
        }
      });
      node.replaceChildren(
        el(
          "div",
          { className: "item-editor" },
          text,
          where,
          el(
            "div",
            { className: "button-row" },
            el("button", { type: "button", className: "button small", onclick: save }, S.save),
            el("button", { type: "button", className: "button quiet small", onclick: () => ((editing = null), render(true)) }, S.cancel)
          )
        )
      );
      requestAnimationFrame(() => text.focus());
      return;
    }
    const rooms = [...new Set(item.sources.map((s) => s.room_name || store.roomName(s.room_id)))];
    node.replaceChildren(
      el("div", { className: "item-text" }, item.text),
      el(
        "div",
        { className: "item-meta" },
        rooms.length ? rooms.map((r) => el("span", { className: "badge neutral source-chip" }, r)) : el("span", { className: "badge neutral source-chip" }, S.own_item),
        item.sources.length ? el("span", { className: "badge ok", title: S.support_title }, supportLabel(item.support)) : null
      ),
      el(
        "div",
        { className: "button-row" },
        el("button", { type: "button", className: "icon-button", onclick: () => ((editing = { id: item.id, text: item.text, section: section.title }), render(true)) }, S.edit),
        el("button", { type: "button", className: "icon-button", title: S.up, "aria-label": S.up, disabled: index === 0, onclick: () => api.noteCall("note:move_item", { item_id: item.id, position: index - 1 }) }, "↑"),
        el("button", { type: "button", className: "icon-button", title: S.down, "aria-label": S.down, disabled: index === count - 1, onclick: () => api.noteCall("note:move_item", { item_id: item.id, position: index + 1 }) }, "↓"),
        el("button", { type: "button", className: "icon-button danger", onclick: () => api.noteCall("note:remove_item", { item_id: item.id }) }, S.remove)
      )
    );
  }

  function fillSectionHead(head, section, si, count) {
    head.replaceChildren(
      el("h3", {}, section.title),
      el(
        "div",
        { className: "button-row" },
        el("button", { type: "button", className: "icon-button", title: S.up, "aria-label": S.up, disabled: si === 0, onclick: () => api.noteCall("note:move_section", { section_id: section.id, position: si - 1 }) }, "↑"),
        el("button", { type: "button", className: "icon-button", title: S.down, "aria-label": S.down, disabled: si === count - 1, onclick: () => api.noteCall("note:move_section", { section_id: section.id, position: si + 1 }) }, "↓"),
        el("button", { type: "button", className: "icon-button", onclick: () => {
          const title = window.prompt(S.rename_prompt, section.title);
          if (title && title.trim()) api.noteCall("note:rename_section", { section_id: section.id, title });
        } }, S.rename),
        section.items.length ? null : el("button", { type: "button", className: "icon-button danger", onclick: () => api.noteCall("note:delete_section", { section_id: section.id }) }, S.delete_section)
      )
    );
  }

  function render(force) {
    const note = state.note;
    if (!note) return;
    $("note-version").textContent = fmt(S.draft_v, note.version);
    const summary = $("summary");
    if (!summary.dataset.dirty) summary.value = note.summary;
    const liveSections = new Set();
    const liveItems = new Set();
    note.sections.forEach((section, si) => {
      liveSections.add(section.id);
      let s = sectionNodes.get(section.id);
      if (!s) {
        const head = el("div", { className: "section-head" });
        const list = el("ol", {});
        s = { node: el("section", { dataset: { sectionId: section.id } }, head, list), head, list, sig: "" };
        sectionNodes.set(section.id, s);
      }
      s.node.dataset.sectionTitle = section.title;
      const sig = JSON.stringify([section.title, si, note.sections.length, section.items.length === 0]);
      if (sig !== s.sig || force) {
        s.sig = sig;
        fillSectionHead(s.head, section, si, note.sections.length);
      }
      section.items.forEach((item, i) => {
        liveItems.add(item.id);
        let it = itemNodes.get(item.id);
        if (!it) {
          it = { node: el("li", { dataset: { itemId: item.id } }), sig: "" };
          itemNodes.set(item.id, it);
        }
        const isig = itemSig(item, section, i, section.items.length);
        if (isig !== it.sig || force) {
          it.sig = isig;
          fillItem(it.node, item, section, i, section.items.length);
        }
        if (s.list.children[i] !== it.node) s.list.insertBefore(it.node, s.list.children[i] || null);
      });
      if (sectionsNode.children[si] !== s.node) sectionsNode.insertBefore(s.node, sectionsNode.children[si] || null);
    });
    for (const [id, s] of sectionNodes) if (!liveSections.has(id)) (s.node.remove(), sectionNodes.delete(id));
    for (const [id, it] of itemNodes) if (!liveItems.has(id)) (it.node.remove(), itemNodes.delete(id));
    $("note-empty").hidden = note.sections.some((s) => s.items.length);
    renderHistory();
    renderPublishState();
  }

  // --- undo, redo, restore ---------------------------------------------------------------------
  const historyName = (name) => (S.history && S.history[name]) || name;
  function renderHistory() {
    const h = (state.note && state.note.history) || { undo: null, redo: null };
    const undo = $("undo");
    const redo = $("redo");
    undo.disabled = !h.undo;
    redo.disabled = !h.redo;
    undo.textContent = h.undo ? fmt(S.undo_label, historyName(h.undo)) : undo.dataset.label;
    redo.textContent = h.redo ? fmt(S.redo_label, historyName(h.redo)) : redo.dataset.label;
  }
  $("undo").dataset.label = $("undo").textContent;
  $("redo").dataset.label = $("redo").textContent;

  async function undo() {
    const h = state.note && state.note.history;
    const what = h && h.undo;
    const ack = await api.call("note:undo", { slug });
    if (ack.note) store.applyNote(ack.note);
    if (!ack.ok) return api.announce(S.nothing_to_undo);
    api.announce(fmt(S.undone, historyName(what || "")));
  }
  async function redo() {
    const h = state.note && state.note.history;
    const what = h && h.redo;
    const ack = await api.call("note:redo", { slug });
    if (ack.note) store.applyNote(ack.note);
    if (!ack.ok) return api.announce(S.nothing_to_redo);
    api.announce(fmt(S.redone, historyName(what || "")));
  }
  $("undo").addEventListener("click", undo);
  $("redo").addEventListener("click", redo);

  function renderRestore() {
    const select = $("restore-version");
    const n = state.publishedVersion || 0;
    if (select.options.length !== n) {
      const keep = select.value;
      select.replaceChildren(...Array.from({ length: n }, (_, i) => new Option(fmt(S.restore_v, n - i), String(n - i))));
      if (keep) select.value = keep;
    }
    select.disabled = n === 0;
    $("restore").disabled = n === 0;
    select.closest(".restore-row").hidden = n === 0; // nothing published, nothing to restore
  }
  $("restore").addEventListener("click", async () => {
    const v = Number($("restore-version").value);
    if (!v || !window.confirm(fmt(S.restore_confirm, v))) return;
    const ack = await api.noteCall("note:restore", { published_version: v });
    if (ack) api.announce(fmt(S.restored, v));
  });

  // --- publish and summary ------------------------------------------------------------------------
  function renderPublishState() {
    const pub = state.publishedVersion;
    const badge = $("publish-state");
    badge.textContent = pub ? fmt(S.published_v, pub) : S.not_published;
    badge.className = "badge " + (pub ? "ok" : "neutral");
    $("publish").textContent = fmt(S.publish_next, (pub || 0) + 1);
    $("publish").disabled = !api.connected();
    renderRestore();
  }
  const summary = $("summary");
  summary.addEventListener("input", () => {
    summary.dataset.dirty = "1";
    $("save-summary").disabled = false;
    $("summary-state").textContent = S.unsaved;
  });
  $("save-summary").addEventListener("click", async () => {
    const ack = await api.noteCall("note:summary", { summary: summary.value });
    if (!ack) return;
    delete summary.dataset.dirty;
    $("save-summary").disabled = true;
    $("summary-state").textContent = S.saved;
  });
  $("publish").addEventListener("click", async () => {
    if (!window.confirm(S.publish_confirm)) return;
    const ack = await api.call("note:publish", { slug });
    if (!ack.ok) return window.HS.toast(ack.error.message || S.error, true);
    store.setPublished(ack.version);
    window.HS.toast(S.published_toast);
  });

  // --- drag and drop: onto an item adds to it, onto a section makes a new item --------------------
  sectionsNode.addEventListener("dragover", (event) => {
    if (!event.dataTransfer.types.includes(DRAG_TYPE)) return;
    const target = event.target.closest("li[data-item-id], section[data-section-id]");
    if (!target) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    sectionsNode.querySelectorAll(".drop-target").forEach((n) => n !== target && n.classList.remove("drop-target"));
    target.classList.add("drop-target");
  });
  sectionsNode.addEventListener("dragleave", (event) => {
    const target = event.target.closest && event.target.closest(".drop-target");
    if (target && !target.contains(event.relatedTarget)) target.classList.remove("drop-target");
  });
  sectionsNode.addEventListener("drop", async (event) => {
    const ids = dragIds(event);
    sectionsNode.querySelectorAll(".drop-target").forEach((n) => n.classList.remove("drop-target"));
    if (!ids.length) return;
    event.preventDefault();
    const item = event.target.closest("li[data-item-id]");
    if (item) {
      const ack = await api.addToItem(Number(item.dataset.itemId), ids);
      if (ack) api.announce(fmt(S.added_announce, ids.length));
      return;
    }
    const section = event.target.closest("section[data-section-id]");
    if (section) {
      const ack = await api.merge(ids, store.bestText(ids), section.dataset.sectionTitle);
      if (ack) api.announce(fmt(S.merged_announce, ids.length));
    }
  });

  store.on("note", () => render(false));
  store.on("published", renderPublishState);
  store.on("rooms", () => render(true));

  return { render, renderPublishState, undo, redo };
}
