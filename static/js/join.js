/* The join page: "in the room / remote" is asked once per phone and remembered for the
   next session (pre-chosen, still changeable). */
"use strict";

(function () {
  const KEY = "hs-attendance";
  const radios = [...document.querySelectorAll("input[name=attendance][type=radio]")];
  if (!radios.length) return;
  let remembered = null;
  try {
    remembered = localStorage.getItem(KEY);
  } catch (e) {
    return; // storage off: asked each time
  }
  if (remembered && !radios.some((r) => r.checked)) {
    const radio = radios.find((r) => r.value === remembered);
    if (radio) radio.checked = true;
  }
  for (const radio of radios) {
    radio.addEventListener("change", () => localStorage.setItem(KEY, radio.value));
  }
})();
