/* A moderator's broadcast as a banner, kept until the person dismisses it, and read out
   once through the page's one live region; a dismissed broadcast stays dismissed after a
   reload. */
import { $, S, data, el } from "./page.js";
import { announce } from "./announce.js";

const region = $("broadcast-region");
const key = `hs-dismissed:${data.slug}`;

function dismissed() {
  try {
    const ids = JSON.parse(localStorage.getItem(key) || "[]");
    return Array.isArray(ids) ? ids : [];
  } catch (e) {
    return [];
  }
}

function dismiss(id) {
  const ids = [...dismissed().filter((x) => x !== id), id].slice(-50);
  localStorage.setItem(key, JSON.stringify(ids));
  region.replaceChildren();
}

export function show(message) {
  if (!message) return;
  if (message.room_id !== null && message.room_id !== undefined && message.room_id !== data.room_id) return;
  if (message.id !== undefined && dismissed().includes(message.id)) return;
  const shownAlready = region.dataset.shown === String(message.id);
  region.dataset.shown = String(message.id);
  if (!shownAlready) announce(`${S.broadcast}: ${message.text}`);
  region.replaceChildren(
    el(
      "div",
      { className: "banner broadcast" },
      el("p", {}, el("strong", {}, `${S.broadcast}: `), message.text),
      el("button", { type: "button", className: "button small secondary", onclick: () => dismiss(message.id) }, S.dismiss)
    )
  );
}
