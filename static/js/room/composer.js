/* Writing a post: the character counter, Ctrl+Enter, and the outbox first. */
import { $, S, data, HS } from "./page.js";
import * as outbox from "./outbox.js";
import { render } from "./list.js";
import { send } from "./sending.js";

const form = $("composer");
const textarea = $("rec-text");
const counter = $("counter");

function updateCounter() {
  const n = HS.length(textarea.value);
  counter.textContent = `${n} / ${data.max_text}`;
  counter.classList.toggle("over", n > data.max_text);
  $("post-button").disabled = n === 0 || n > data.max_text;
}

export function setUpComposer() {
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
}
