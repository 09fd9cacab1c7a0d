/* Writing a post: the character counter, Ctrl+Enter, and the outbox first. */
import { $, S, data, HS } from "./page.js";
import * as outbox from "./outbox.js";
import { render } from "./list.js";
import { send } from "./sending.js";
import * as phase from "./phase.js";
import { announce } from "./announce.js";
import { state } from "./state.js";

const fmt = (template, n) => template.replace("{num}", String(n));

/* scrollIntoView goes by the layout viewport; an on-screen keyboard may cover its lower
   part (only the visual viewport shrinks), so scroll by what the keyboard hides too. */
function showAboveKeyboard(node) {
  const go = () => {
    if (!node.isConnected) return;
    node.scrollIntoView({ block: "nearest" });
    const vv = window.visualViewport;
    if (!vv) return;
    const bottom = node.getBoundingClientRect().bottom;
    const visibleBottom = vv.offsetTop + vv.height;
    if (bottom > visibleBottom) window.scrollBy(0, bottom - visibleBottom + 8);
  };
  go();
  // Posts off screen are laid out at a placeholder height (content-visibility: auto);
  // once in sight this one takes its real height, so look again after that layout.
  requestAnimationFrame(() => requestAnimationFrame(go));
}

const form = $("composer");
const textarea = $("rec-text");
const counter = $("counter");

/* The counter is read out only near the limit, once per step (50, 20, 10 and 0
   characters left, and over), never on every keystroke. */
const STEPS = [50, 20, 10, 0];
let lastStep = null;

function updateCounter() {
  const n = HS.length(textarea.value);
  const left = data.max_text - n;
  counter.textContent = `${n} / ${data.max_text}`;
  counter.classList.toggle("over", left < 0);
  $("post-button").disabled = n === 0 || left < 0 || !phase.isOpen();
  const step = left < 0 ? "over" : STEPS.filter((s) => left <= s).pop();
  if (step !== undefined && step !== lastStep) {
    announce(step === "over" ? S.too_long : fmt(S.chars_left, left));
  }
  lastStep = step === undefined ? null : step;
}

/* Closed or not open yet: say so kindly; the text typed stays in the box. */
function showPhase(shown) {
  const note = $("closed-note");
  const text = shown === "lobby" ? S.lobby_note : shown === "closed" ? S.closed_note : "";
  note.textContent = text;
  note.hidden = !text;
  updateCounter();
}

export function setUpComposer() {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    const n = HS.length(text);
    if (n === 0 || !phase.isOpen()) return;
    if (n > data.max_text) {
      HS.toast(S.too_long, true);
      return;
    }
    // queued_at: when it was typed, on the server's clock, so a post still in the outbox
    // when the rooms close is taken within the grace (docs/api.md §6).
    const queuedAt = new Date(phase.serverNow()).toISOString();
    const post = { client_id: HS.uuid4(), room_id: data.room_id, text, created: Date.now(), queued_at: queuedAt };
    outbox.add(post);
    textarea.value = "";
    updateCounter();
    render();
    if (!(state.socket && state.socket.connected)) announce(S.post_queued);
    textarea.focus();
    // One's own post in sight right away, also above a phone's on-screen keyboard, and
    // again when the sent post (a line taller) takes the waiting one's place.
    const waiting = document.getElementById(`pending-${post.client_id}`);
    if (waiting) showAboveKeyboard(waiting);
    send(post).then(() => {
      const sent = document.querySelector(`#recs [data-client-id="${post.client_id}"]`);
      if (sent && waiting && !waiting.isConnected) showAboveKeyboard(sent);
    });
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  textarea.addEventListener("input", updateCounter);
  updateCounter();
  phase.onChange(showPhase);
}
