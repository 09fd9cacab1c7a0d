/* The event form, a little easier with JavaScript: the tracks of a slot show only when it
   is a parallel slot (or already has tracks). Without JavaScript everything shows and
   the add/remove buttons work as plain submit buttons. */

for (const slot of document.querySelectorAll("[data-event-form] [data-slot]")) {
  const kind = slot.querySelector("select[data-kind]");
  const tracks = slot.querySelector("[data-tracks]");
  if (!kind || !tracks) continue;
  const update = () => {
    const hasTracks = tracks.querySelector("fieldset") !== null;
    tracks.hidden = kind.value !== "parallel" && !hasTracks;
  };
  kind.addEventListener("change", update);
  update();
}
