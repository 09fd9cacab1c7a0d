/* The note as slides: one at a time, arrows / Page Up / Page Down / Space / Home / End
   or the buttons; the slide number is kept in the address (#3) so a reload stays put. */
const S = JSON.parse(document.getElementById("page-data").textContent).strings;
const deck = document.getElementById("deck");
const slides = [...deck.querySelectorAll(".slide")];
const prev = document.getElementById("prev");
const next = document.getElementById("next");
let current = 0;

function show(index) {
  current = Math.max(0, Math.min(slides.length - 1, index));
  slides.forEach((slide, i) => slide.classList.toggle("current", i === current));
  prev.disabled = current === 0;
  next.disabled = current === slides.length - 1;
  document.getElementById("position").textContent = S.position
    .replace("{num}", String(current + 1))
    .replace("{total}", String(slides.length));
  history.replaceState(null, "", `#${current + 1}`);
}

deck.classList.add("paged");
prev.addEventListener("click", () => show(current - 1));
next.addEventListener("click", () => show(current + 1));
document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.target.closest && event.target.closest("button") && (event.key === " " || event.key === "Enter")) return;
  const moves = { ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1 };
  if (event.key in moves) show(current + moves[event.key]);
  else if (event.key === "Home") show(0);
  else if (event.key === "End") show(slides.length - 1);
  else return;
  event.preventDefault();
});
show((parseInt(window.location.hash.slice(1), 10) || 1) - 1);
