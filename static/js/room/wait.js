/* The lobby of a session where the moderator places people: wait, hear broadcasts, and
   open the room as soon as the moderator places this person (room:moved). A placement
   made while this page was offline is found on reconnection: the lobby's own address
   then redirects to the room. */
import { $, S, data, HS } from "./page.js";
import * as announcements from "./announcements.js";

function goTo(roomId) {
  HS.toast(S.moved);
  location.assign(`${data.rooms_base}${roomId}?moved=1`);
}

async function checkPlaced() {
  try {
    const response = await fetch(data.wait_url, { credentials: "same-origin" });
    if (response.redirected && !response.url.endsWith(data.wait_url)) location.assign(response.url);
  } catch (e) {
    // Offline: the next connection checks again.
  }
}

const socket = HS.connect($("status"), S, () => checkPlaced());
socket.on("room:moved", (moved) => goTo(moved.room_id));
socket.on("session:broadcast", (message) => announcements.show(message));
