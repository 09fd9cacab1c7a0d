/* The live breakout room.

   Nothing typed is lost: every post goes into an outbox in localStorage first and leaves
   it only when the server acks it (the ack comes after the database commit). The outbox
   is resent on every (re)connection and after a reload, with the same client_id, so a
   retry of a post whose ack was lost returns the first post instead of a duplicate. */
"use strict";

(function () {
  const { el } = HS;
  const data = HS.pageData();
  const S = data.strings;
  const me = data.participant.id;
  const outboxKey = `hs-outbox:${data.slug}:${me}`;

  const list = document.getElementById("recs");
  const empty = document.getElementById("empty");
  const count = document.getElementById("rec-count");
  const form = document.getElementById("composer");
  const textarea = document.getElementById("rec-text");
  const counter = document.getElementById("counter");
  const roomError = document.getElementById("room-error");
  const banner = document.getElementById("published-banner");

  const recs = new Map(); // id -> Rec
  let voted = new Set();
  let seen = null; // the highest seq seen; null until the first full load
  let joined = false;
  let socket = null;
  const inFlight = new Set(); // client_ids being sent right now

  // --- outbox ------------------------------------------------------------------------
  function loadOutbox() {
    try {
      const items = JSON.parse(localStorage.getItem(outboxKey) || "[]");
      return Array.isArray(items) ? items : [];
    } catch (e) {
      return [];
    }
  }
  let outbox = loadOutbox();
  function saveOutbox() {
    localStorage.setItem(outboxKey, JSON.stringify(outbox));
  }
  function dropFromOutbox(clientId) {
    outbox = outbox.filter((p) => p.client_id !== clientId);
    saveOutbox();
  }

  // --- rendering ---------------------------------------------------------------------
  function recNode(key) {
    let node = document.getElementById(key);
    if (!node) node = el("li", { id: key, className: "rec" });
    return node;
  }

  function fillRec(node, rec) {
    const mine = rec.author.id === me;
    const withdrawn = rec.status === "withdrawn";
    node.className = "rec" + (mine ? " mine" : "") + (withdrawn ? " withdrawn" : "");
    node.dataset.id = rec.id;
    node.dataset.clientId = rec.client_id;
    const actions = el("div", { className: "actions" });
    if (!withdrawn) {
      const pressed = voted.has(rec.id);
      actions.append(
        el(
          "button",
          {
            type: "button",
            className: "vote",
            "aria-pressed": pressed ? "true" : "false",
            title: mine ? S.own_post : pressed ? S.unvote_title : S.vote_title,
            disabled: mine,
            onclick: () => toggleVote(rec.id),
          },
          el("span", {}, S.vote),
          el("span", { className: "count" }, String(rec.votes))
        )
      );
    }
    const name = rec.author.display_name || "—";
    const meta = el(
      "div",
      { className: "meta" },
      el("span", {}, mine ? `${name} (${S.you})` : name),
      el("span", {}, "·"),
      el("time", { datetime: rec.created_at }, HS.time(rec.created_at))
    );
    if (rec.erased) meta.append(el("span", { className: "badge neutral" }, S.erased));
    else if (withdrawn) meta.append(el("span", { className: "badge neutral" }, S.withdrawn));
    else if (mine) {
      meta.append(el("span", { className: "badge ok" }, `✓ ${S.sent}`));
      meta.append(el("button", { type: "button", className: "icon-button", onclick: () => withdraw(rec.id) }, S.withdraw));
    }
    node.replaceChildren(el("div", { className: "text" }, rec.text), actions, meta);
  }

  function fillPending(node, post) {
    node.className = "rec mine " + (post.error ? "failed" : "pending");
    const meta = el("div", { className: "meta" });
    if (post.error) {
      meta.append(
        el("span", { className: "badge bad" }, `${S.failed}: ${post.error}`),
        el("button", { type: "button", className: "icon-button", onclick: () => retry(post.client_id) }, S.retry),
        el("button", { type: "button", className: "icon-button danger", onclick: () => discard(post.client_id) }, S.discard)
      );
    } else {
      meta.append(el("span", { className: "badge warn" }, inFlight.has(post.client_id) ? S.sending : S.pending));
    }
    node.replaceChildren(el("div", { className: "text" }, post.text), el("div"), meta);
  }

  function render() {
    const posted = [...recs.values()].sort((a, b) => b.id - a.id);
    const known = new Set(posted.map((r) => r.client_id));
    const pending = outbox.filter((p) => p.room_id === data.room_id && !known.has(p.client_id)).reverse();
    const wanted = [];
    for (const post of pending) {
      const node = recNode(`pending-${post.client_id}`);
      fillPending(node, post);
      wanted.push(node);
    }
    for (const rec of posted) {
      const stale = document.getElementById(`pending-${rec.client_id}`);
      if (stale) stale.remove();
      const node = recNode(`rec-${rec.id}`);
      fillRec(node, rec);
      wanted.push(node);
    }
    // Keyed update: nodes already in place stay put, so nothing flickers or re-animates.
    wanted.forEach((node, i) => {
      if (list.children[i] !== node) list.insertBefore(node, list.children[i] || null);
    });
    while (list.children.length > wanted.length) list.lastElementChild.remove();
    const active = posted.filter((r) => r.status === "active").length;
    count.textContent = String(active);
    empty.hidden = wanted.length > 0;
  }

  function upsert(rec) {
    if (rec.room_id !== data.room_id) return;
    const known = recs.get(rec.id);
    if (known && known.seq > rec.seq) return; // an older copy arriving late
    if (seen !== null) seen = Math.max(seen, rec.seq);
    recs.set(rec.id, rec);
    if (rec.author.id === me) dropFromOutbox(rec.client_id);
    placeOne(rec);
  }

  /* A live post or change touches only its own element: at thousands of posts a full
     pass per event would cost a frame or more each time. */
  function placeOne(rec) {
    const stale = document.getElementById(`pending-${rec.client_id}`);
    if (stale) stale.remove();
    let node = document.getElementById(`rec-${rec.id}`);
    const isNew = !node;
    node = recNode(`rec-${rec.id}`);
    fillRec(node, rec);
    if (isNew) {
      // Newest first, below the posts still waiting to be sent.
      let before = null;
      for (let sib = list.firstElementChild; sib; sib = sib.nextElementSibling) {
        if (sib.id.startsWith("rec-") && Number(sib.dataset.id) < rec.id) {
          before = sib;
          break;
        }
      }
      list.insertBefore(node, before);
      if (list.children.length < 300) node.classList.add("arrived");
    }
    let active = 0;
    for (const r of recs.values()) if (r.status === "active") active++;
    count.textContent = String(active);
    empty.hidden = list.children.length > 0;
  }

  function showRoomError(message) {
    roomError.textContent = message;
    roomError.hidden = !message;
  }

  function errorText(error) {
    return S[error.code] || error.message || S.error;
  }

  // --- sending -------------------------------------------------------------------------
  async function send(post) {
    if (!socket || !socket.connected || !joined || inFlight.has(post.client_id) || post.error) return;
    inFlight.add(post.client_id);
    render();
    const ack = await HS.call(socket, "rec:post", { room_id: post.room_id, client_id: post.client_id, text: post.text });
    inFlight.delete(post.client_id);
    if (ack.ok) {
      dropFromOutbox(post.client_id);
      upsert(ack.recommendation);
      return;
    }
    const code = ack.error.code;
    if (code === "timeout" || code === "internal" || code === "rate_limited") {
      // Still in the outbox: sent again on the next connection or in a moment.
      setTimeout(flush, code === "rate_limited" ? 5000 : 2000);
      if (code === "rate_limited") HS.toast(S.rate_limited, true);
    } else {
      post.error = errorText(ack.error);
      saveOutbox();
    }
    render();
  }

  function flush() {
    for (const post of outbox) if (post.room_id === data.room_id) send(post);
  }

  function retry(clientId) {
    const post = outbox.find((p) => p.client_id === clientId);
    if (!post) return;
    delete post.error;
    saveOutbox();
    render();
    send(post);
  }

  function discard(clientId) {
    dropFromOutbox(clientId);
    const node = document.getElementById(`pending-${clientId}`);
    if (node) node.remove();
    render();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    const n = HS.length(text);
    if (n === 0) return;
    if (n > data.max_text) {
      HS.toast(S.too_long, true);
      return;
    }
    const post = { client_id: HS.uuid4(), room_id: data.room_id, text, created: Date.now() };
    outbox.push(post);
    saveOutbox();
    textarea.value = "";
    updateCounter();
    render();
    send(post);
    textarea.focus();
  });

  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });

  function updateCounter() {
    const n = HS.length(textarea.value);
    counter.textContent = `${n} / ${data.max_text}`;
    counter.classList.toggle("over", n > data.max_text);
    document.getElementById("post-button").disabled = n === 0 || n > data.max_text;
  }
  textarea.addEventListener("input", updateCounter);
  updateCounter();

  // --- votes and withdrawals -------------------------------------------------------------
  async function toggleVote(id) {
    const event = voted.has(id) ? "rec:unvote" : "rec:vote";
    const ack = await HS.call(socket, event, { recommendation_id: id });
    if (!ack.ok) return HS.toast(errorText(ack.error), true);
    if (event === "rec:vote") voted.add(id);
    else voted.delete(id);
    upsert(ack.recommendation);
  }

  async function withdraw(id) {
    if (!window.confirm(S.withdraw_confirm)) return;
    const ack = await HS.call(socket, "rec:withdraw", { recommendation_id: id });
    if (!ack.ok) return HS.toast(errorText(ack.error), true);
    upsert(ack.recommendation);
  }

  function showPublished(info) {
    if (!info) return;
    document.getElementById("published-link").href = info.url;
    banner.hidden = false;
  }

  // --- the connection ---------------------------------------------------------------------
  // (Re)join and take what changed while we were away (the whole room the first time):
  // posts, votes, withdrawals and a publish are all in the answer.
  async function sync(sock) {
    const payload = seen === null ? { room_id: data.room_id } : { room_id: data.room_id, since: seen };
    const ack = await HS.call(sock, "room:join", payload);
    if (!ack.ok) {
      showRoomError(errorText(ack.error));
      return;
    }
    showRoomError("");
    joined = true;
    const votedNow = new Set(ack.voted || []);
    if (ack.since === null || ack.since === undefined) {
      recs.clear();
      voted = votedNow;
    }
    for (const r of ack.recommendations) {
      recs.set(r.id, r);
      if (votedNow.has(r.id)) voted.add(r.id);
      else voted.delete(r.id);
    }
    seen = Math.max(seen || 0, ack.seq);
    // A post whose ack was lost is in the room already: it leaves the outbox unsent.
    const mine = new Set(ack.recommendations.filter((r) => r.author.id === me).map((r) => r.client_id));
    outbox = outbox.filter((p) => !mine.has(p.client_id));
    saveOutbox();
    render();
    showPublished(ack.published);
    flush();
  }

  socket = HS.connect(
    document.getElementById("status"),
    S,
    (sock) => {
      joined = false;
      sync(sock);
    },
    () => showRoomError(S.forbidden)
  );
  // Live events are delivered at most once (and not at all while a server's message
  // queue is down), so the page also catches up by sequence now and then.
  setInterval(() => {
    if (socket.connected && joined) sync(socket);
  }, data.resync_ms + Math.floor(Math.random() * 5000));
  // Let this page reload with no connection (service workers need https or localhost;
  // elsewhere the outbox alone keeps posts safe, and a reload needs the network).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker
      .register("/sw.js")
      .then(() => navigator.serviceWorker.ready)
      .then(() => caches.open("hs-pages"))
      .then((cache) => cache.add(location.pathname))
      .then(() => {
        document.documentElement.dataset.offlineReady = "1";
      })
      .catch(() => {});
  }
  socket.on("rec:new", upsert);
  socket.on("rec:updated", upsert);
  socket.on("note:published", (info) => {
    showPublished(info);
    HS.toast(S.published);
  });
  render();
})();
