/* Writing a post: the character counter, Ctrl+Enter, and the outbox first. */
import { $, S, data, HS } from "./page.js";
import * as outbox from "./outbox.js";
import { render } from "./list.js";
import { send } from "./sending.js";
import * as phase from "./phase.js";

const form = $("composer");
const textarea = $("rec-text");
const counter = $("counter");

function updateCounter() {
  const n = HS.length(textarea.value);
  counter.textContent = `${n} / ${data.max_text}`;
  counter.classList.toggle("over", n > data.max_text);
  $("post-button").disabled = n === 0 || n > data.max_text || !phase.isOpen();
}

/* Closed or not open yet: say so kindly; the text typed stays in the box. */
function showPhase(state) {
  const note = $("closed-note");
  const text = state === "lobby" ? S.lobby_note : state === "closed" ? S.closed_note : "";
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
    send(post);
    textarea.focus();
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  textarea.addEventListener("input", updateCounter);
  updateCounter();
  phase.onChange(showPhase);
}
