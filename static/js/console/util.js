/* Small helpers for the console modules. `HS` (common.js) is loaded before them as a
   classic script; user text only ever goes through textContent. */
export const { el, call, toast, time } = window.HS;
export const data = window.HS.pageData();
export const S = data.strings;
export const slug = data.slug;
export const $ = (id) => document.getElementById(id);
export const fmt = (template, num) => template.replace("{num}", String(num)).replace("{what}", String(num));

/* Lower case, Polish diacritics folded ("Żółć" → "zolc"): search and similarity must
   match what people type on a keyboard without Polish letters. */
const FOLD = { ł: "l", Ł: "l" };
export function fold(text) {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[łŁ]/g, (c) => FOLD[c])
    .toLowerCase();
}

const gramCache = new Map();
function trigrams(text) {
  const hit = gramCache.get(text);
  if (hit) return hit;
  const t = ` ${fold(text).replace(/[^a-z0-9]+/g, " ").trim()} `;
  const out = new Set();
  for (let i = 0; i + 3 <= t.length; i++) out.add(t.slice(i, i + 3));
  if (gramCache.size > 5000) gramCache.clear();
  gramCache.set(text, out);
  return out;
}

/* Trigram Jaccard: only used to pre-select the most similar note item for a group;
   the real suggestions come from the server. */
export function similarity(a, b) {
  const x = trigrams(a);
  const y = trigrams(b);
  if (!x.size || !y.size) return 0;
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return common / (x.size + y.size - common);
}

/* One polite announcement per meaningful event; clearing first makes a repeated
   message heard again. */
export function announce(message) {
  const node = $("announce");
  node.textContent = "";
  requestAnimationFrame(() => {
    node.textContent = message;
  });
}

/* True while the person is typing: shortcuts stay out of their way. */
export function typing(target) {
  if (!target || !(target instanceof Element)) return false;
  return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']");
}

export const DRAG_TYPE = "application/x-hs-recs";
export function dragIds(event) {
  try {
    const ids = JSON.parse(event.dataTransfer.getData(DRAG_TYPE) || "[]");
    return Array.isArray(ids) ? ids.filter(Number.isInteger) : [];
  } catch (e) {
    return [];
  }
}
