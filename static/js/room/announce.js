/* What a screen reader hears: one polite, visually hidden live region (#announce) gets
   one short sentence per meaningful event ("Your post was sent", "+1 counted", "New
   recommendation from Ewa"). The list itself is not a live region: a +1 changed one
   number and made screen readers read the whole list again. */
import { $ } from "./page.js";

const region = $("announce");
let timer = null;

export function announce(message) {
  if (!region || !message) return;
  // Emptied first and refilled a moment later, so the same sentence twice is read twice.
  region.textContent = "";
  clearTimeout(timer);
  timer = setTimeout(() => {
    region.textContent = message;
  }, 50);
}
