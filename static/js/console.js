/* The moderator console: every room live, selection across rooms, the note being written.

   Every note change carries the draft's version; if another moderator changed the note
   first, the server answers `conflict` with the current note, which replaces ours, and
   whatever this moderator typed stays in the form to try again. */
"use strict";

(function () {
  const { el } = HS;
  const data = HS.pageData();
  const S = data.strings;
  const slug = data.slug;
  const fmt = (template, num) => template.replace("{num}", String(num));

  const state = {
    rooms: [],
    recs: new Map(), // id -> Rec
    note: null,
    publishedVersion: null,
    selected: new Set(), // recommendation ids, in the order chosen
    filter: "all",
    hideMerged: false,
    editing: null, // {id, text, section}
    seen: null, // the highest recommendation seq seen; null until the first full load
  };
  let socket = null;

  const $ = (id) => document.getElementById(id);
  const columns = $("columns");
  const filters = $("filters");

  // --- derived state ------------------------------------------------------------------
  function mergedIds() {
    const ids = new Set();
    if (!state.note) return ids;
    for (const section of state.note.sections)
      for (const item of section.items) for (const src of item.sources) ids.add(src.recommendation_id);
    return ids;
  }
  const roomName = (id) => (state.rooms.find((r) => r.id === id) || { name: "?" }).name;

  // --- rooms and recommendations ---------------------------------------------------------
  function renderFilters() {
    const chip = (value, label, n) =>
      el(
        "button",
        {
          type: "button",
          className: "chip",
          "aria-pressed": String(state.filter === value),
          onclick: () => {
            state.filter = value;
            renderRooms();
          },
        },
        `${label} (${n})`
      );
    const active = [...state.recs.values()].filter((r) => r.status === "active");
    filters.replaceChildren(
      chip("all", S.all_rooms, active.length),
      ...state.rooms.map((room) => chip(room.id, room.name, active.filter((r) => r.room_id === room.id).length))
    );
  }

  function recCard(rec, merged) {
    const selected = state.selected.has(rec.id);
    const selectable = rec.status === "active" && !merged;
    const box = el("input", {
      type: "checkbox",
      checked: selected,
      disabled: !selectable,
      "aria-label": rec.text.slice(0, 60),
    });
    const toggle = () => {
      if (!selectable) return;
      if (state.selected.has(rec.id)) state.selected.delete(rec.id);
      else state.selected.add(rec.id);
      renderRooms();
      renderSelection();
    };
    box.addEventListener("click", (e) => {
      e.stopPropagation();
      toggle();
    });
    const meta = el(
      "div",
      { className: "meta" },
      el("span", {}, rec.author.display_name || "—"),
      el("span", {}, "·"),
      el("time", { datetime: rec.created_at }, HS.time(rec.created_at)),
      el("span", { className: "badge neutral", title: S.votes }, `+${rec.votes}`)
    );
    if (merged) meta.append(el("span", { className: "badge ok" }, S.merged));
    if (rec.erased) meta.append(el("span", { className: "badge bad" }, S.erased));
    else if (rec.status === "withdrawn") meta.append(el("span", { className: "badge bad" }, S.withdrawn));
    if (!rec.erased) {
      meta.append(
        el("button", {
          type: "button",
          className: "erase",
          title: S.erase_title,
          onclick: async (e) => {
            e.stopPropagation();
            if (!window.confirm(S.erase_confirm.replace("{name}", rec.author.display_name))) return;
            const ack = await HS.call(socket, "participant:erase", { slug, participant_id: rec.author.id });
            if (!ack.ok) HS.toast(ack.error.message || S.error, true);
          },
        }, S.erase)
      );
    }
    return el(
      "li",
      {
        className:
          "rec" + (selected ? " selected" : "") + (merged ? " merged" : "") + (rec.status === "withdrawn" ? " withdrawn" : ""),
        dataset: { id: rec.id },
        onclick: toggle,
      },
      box,
      el("div", { className: "text" }, rec.text),
      meta
    );
  }

  function renderRooms() {
    renderFilters();
    const merged = mergedIds();
    const shown = state.filter === "all" ? state.rooms : state.rooms.filter((r) => r.id === state.filter);
    columns.replaceChildren(
      ...shown.map((room) => {
        const recs = [...state.recs.values()]
          .filter((r) => r.room_id === room.id)
          .filter((r) => !state.hideMerged || (r.status === "active" && !merged.has(r.id)))
          .sort((a, b) => b.id - a.id);
        return el(
          "div",
          { className: "column", dataset: { roomId: room.id } },
          el(
            "h3",
            {},
            el("span", {}, room.name),
            el("span", { className: "small muted" }, fmt(S.participants_in_room, room.participant_count))
          ),
          recs.length
            ? el("ul", { className: "recs" }, recs.map((r) => recCard(r, merged.has(r.id))))
            : el("p", { className: "empty small" }, S.no_posts)
        );
      })
    );
  }

  function upsertRec(rec) {
    const known = state.recs.get(rec.id);
    if (known && known.seq > rec.seq) return; // an older copy arriving late
    if (state.seen !== null) state.seen = Math.max(state.seen, rec.seq);
    state.recs.set(rec.id, rec);
    if (rec.status !== "active") state.selected.delete(rec.id);
    renderRooms();
    renderSelection();
  }

  // --- the merge form ------------------------------------------------------------------------
  function renderSelection() {
    const chosen = [...state.selected].map((id) => state.recs.get(id)).filter(Boolean);
    $("selection-info").textContent = chosen.length ? fmt(S.selected, chosen.length) : S.nothing_selected;
    $("selected-list").replaceChildren(
      ...chosen.map((r) => el("li", {}, el("strong", {}, roomName(r.room_id)), ": ", r.text))
    );
  }

  function renderSectionChoice() {
    const select = $("merge-section");
    const current = select.value;
    const sections = state.note ? state.note.sections : [];
    select.replaceChildren(
      ...sections.map((s) => el("option", { value: s.title }, s.title)),
      el("option", { value: "" }, S.new_section)
    );
    const keep = [...select.options].some((o) => o.value === current);
    select.value = keep ? current : sections.length ? sections[sections.length - 1].title : "";
    $("new-section-field").hidden = select.value !== "";
  }
  $("merge-section").addEventListener("change", () => {
    $("new-section-field").hidden = $("merge-section").value !== "";
  });

  $("use-selected").addEventListener("click", () => {
    const texts = [...state.selected].map((id) => state.recs.get(id)).filter(Boolean).map((r) => r.text);
    $("merge-text").value = texts.join("; ");
    $("merge-text").focus();
  });
  $("clear-selection").addEventListener("click", () => {
    state.selected.clear();
    renderRooms();
    renderSelection();
  });

  $("merge-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const section = $("merge-section").value || $("new-section").value.trim();
    if (!section) return HS.toast(S.section_needed, true);
    const ack = await noteCall("note:merge", {
      recommendation_ids: [...state.selected],
      text: $("merge-text").value,
      section,
    });
    if (!ack) return;
    state.selected.clear();
    $("merge-text").value = "";
    $("new-section").value = "";
    renderSelection();
    $("merge-section").value = section;
    renderSectionChoice();
  });

  // --- the note --------------------------------------------------------------------------------
  async function noteCall(event, payload) {
    const ack = await HS.call(socket, event, { slug, version: state.note ? state.note.version : null, ...payload });
    if (ack.note) setNote(ack.note);
    if (!ack.ok) {
      const code = ack.error.code;
      HS.toast(S[code] || ack.error.message || S.error, true);
      return null;
    }
    return ack;
  }

  function setNote(note) {
    if (state.note && note.version < state.note.version) return; // an older broadcast
    state.note = note;
    renderNote();
    renderRooms();
    renderSectionChoice();
  }

  function supportLabel(n) {
    return `${n} ${n === 1 ? S.person : S.people}`;
  }

  function itemNode(item, section, index, count) {
    const li = el("li", { dataset: { itemId: item.id } });
    if (state.editing && state.editing.id === item.id) {
      const text = el("textarea", { rows: 3, maxlength: 2000 });
      text.value = state.editing.text;
      text.addEventListener("input", () => (state.editing.text = text.value));
      const where = el("select", {}, state.note.sections.map((s) => el("option", { value: s.title }, s.title)));
      where.value = state.editing.section;
      where.addEventListener("change", () => (state.editing.section = where.value));
      li.append(
        el(
          "div",
          { className: "item-editor" },
          text,
          where,
          el(
            "div",
            { className: "button-row" },
            el("button", { type: "button", className: "button small", onclick: async () => {
              const ack = await noteCall("note:edit_item", { item_id: item.id, text: state.editing.text, section: state.editing.section });
              if (ack) { state.editing = null; renderNote(); }
            } }, S.save),
            el("button", { type: "button", className: "button quiet small", onclick: () => { state.editing = null; renderNote(); } }, S.cancel)
          )
        )
      );
      return li;
    }
    const rooms = [...new Set(item.sources.map((s) => s.room_name || roomName(s.room_id)))];
    li.append(
      el("div", { className: "item-text" }, item.text),
      el(
        "div",
        { className: "item-meta" },
        rooms.length
          ? rooms.map((r) => el("span", { className: "badge neutral source-chip" }, r))
          : el("span", { className: "badge neutral source-chip" }, S.own_item),
        item.sources.length ? el("span", { className: "badge ok", title: S.support_title }, supportLabel(item.support)) : null
      ),
      el(
        "div",
        { className: "button-row" },
        el("button", { type: "button", className: "icon-button", onclick: () => { state.editing = { id: item.id, text: item.text, section: section.title }; renderNote(); } }, S.edit),
        el("button", { type: "button", className: "icon-button", title: S.up, "aria-label": S.up, disabled: index === 0, onclick: () => noteCall("note:move_item", { item_id: item.id, position: index - 1 }) }, "↑"),
        el("button", { type: "button", className: "icon-button", title: S.down, "aria-label": S.down, disabled: index === count - 1, onclick: () => noteCall("note:move_item", { item_id: item.id, position: index + 1 }) }, "↓"),
        el("button", { type: "button", className: "icon-button danger", onclick: () => { if (window.confirm(S.remove_confirm)) noteCall("note:remove_item", { item_id: item.id }); } }, S.remove)
      )
    );
    return li;
  }

  function renderNote() {
    const note = state.note;
    $("note-version").textContent = fmt(S.draft_v, note.version);
    const summary = $("summary");
    if (!summary.dataset.dirty) summary.value = note.summary;
    const sections = note.sections;
    $("note-sections").replaceChildren(
      ...sections.map((section, si) =>
        el(
          "section",
          { dataset: { sectionId: section.id } },
          el(
            "div",
            { className: "section-head" },
            el("h3", {}, section.title),
            el(
              "div",
              { className: "button-row" },
              el("button", { type: "button", className: "icon-button", title: S.up, "aria-label": S.up, disabled: si === 0, onclick: () => noteCall("note:move_section", { section_id: section.id, position: si - 1 }) }, "↑"),
              el("button", { type: "button", className: "icon-button", title: S.down, "aria-label": S.down, disabled: si === sections.length - 1, onclick: () => noteCall("note:move_section", { section_id: section.id, position: si + 1 }) }, "↓"),
              el("button", { type: "button", className: "icon-button", onclick: () => {
                const title = window.prompt(S.rename_prompt, section.title);
                if (title && title.trim()) noteCall("note:rename_section", { section_id: section.id, title });
              } }, S.rename),
              section.items.length ? null : el("button", { type: "button", className: "icon-button danger", onclick: () => noteCall("note:delete_section", { section_id: section.id }) }, S.delete_section)
            )
          ),
          el("ol", {}, section.items.map((item, i) => itemNode(item, section, i, section.items.length)))
        )
      )
    );
    $("note-empty").hidden = sections.some((s) => s.items.length);
    renderPublishState();
  }

  function renderPublishState() {
    const pub = state.publishedVersion;
    const badge = $("publish-state");
    badge.textContent = pub ? fmt(S.published_v, pub) : S.not_published;
    badge.className = "badge " + (pub ? "ok" : "neutral");
    $("publish").textContent = fmt(S.publish_next, (pub || 0) + 1);
    $("publish").disabled = !socket || !socket.connected;
  }

  const summary = $("summary");
  summary.addEventListener("input", () => {
    summary.dataset.dirty = "1";
    $("save-summary").disabled = false;
    $("summary-state").textContent = S.unsaved;
  });
  $("save-summary").addEventListener("click", async () => {
    const ack = await noteCall("note:summary", { summary: summary.value });
    if (!ack) return;
    delete summary.dataset.dirty;
    $("save-summary").disabled = true;
    $("summary-state").textContent = S.saved;
  });

  $("publish").addEventListener("click", async () => {
    if (!window.confirm(S.publish_confirm)) return;
    const ack = await HS.call(socket, "note:publish", { slug });
    if (!ack.ok) return HS.toast(ack.error.message || S.error, true);
    state.publishedVersion = ack.version;
    renderPublishState();
    HS.toast(S.published_toast);
  });

  $("hide-merged").addEventListener("change", (e) => {
    state.hideMerged = e.target.checked;
    renderRooms();
  });

  // --- the audit log ------------------------------------------------------------------------------
  async function loadActivity() {
    if (!$("activity").open) return;
    const ack = await HS.call(socket, "session:audit", { slug });
    if (!ack.ok) return;
    $("activity-list").replaceChildren(
      ...ack.events.map((e) => {
        const what = S.actions[e.action] || e.action;
        const detail = e.details.text || e.details.section || e.details.after || (e.details.version ? `v${e.details.version}` : "");
        return el(
          "li",
          {},
          el("time", { datetime: e.at, className: "small muted" }, HS.time(e.at)),
          " ",
          el("strong", {}, e.moderator || "—"),
          ` ${what}`,
          detail && typeof detail === "string" ? el("span", { className: "small muted" }, ` · ${detail}`) : null
        );
      })
    );
  }
  $("activity").addEventListener("toggle", loadActivity);

  // --- the connection ----------------------------------------------------------------------------
  // On a reconnection ask for the recommendations changed since the last one seen,
  // and the whole note: nothing missed stays missing.
  async function sync(sock) {
    const payload = state.seen === null ? { slug } : { slug, since: state.seen };
    const ack = await HS.call(sock, "session:watch", payload);
    if (!ack.ok) return HS.toast(ack.error.message || S.error, true);
    state.rooms = ack.rooms;
    if (ack.since === null || ack.since === undefined) state.recs = new Map();
    for (const r of ack.recommendations) state.recs.set(r.id, r);
    state.seen = Math.max(state.seen || 0, ack.seq);
    state.publishedVersion = ack.note.published_version;
    if (!state.note || ack.note.version !== state.note.version) {
      state.note = null;
      setNote(ack.note);
    } else {
      renderRooms();
    }
    renderSelection();
    state.watching = true;
  }
  socket = HS.connect($("status"), S, (sock) => {
    state.watching = false;
    sync(sock);
  });
  // Live events are delivered at most once (and not at all while a server's message
  // queue is down), so the console also catches up by sequence now and then.
  setInterval(() => {
    if (socket.connected && state.watching) sync(socket);
  }, data.resync_ms + Math.floor(Math.random() * 5000));
  socket.on("disconnect", () => renderPublishState());
  socket.on("rec:new", upsertRec);
  socket.on("rec:updated", upsertRec);
  socket.on("note:updated", (note) => {
    state.publishedVersion = note.published_version;
    setNote(note);
    loadActivity();
  });
  socket.on("note:published", (info) => {
    state.publishedVersion = Math.max(state.publishedVersion || 0, info.version);
    renderPublishState();
  });
  socket.on("rooms:updated", (info) => {
    state.rooms = info.rooms;
    renderRooms();
  });
  renderSelection();
})();
