/* The room page's data (the JSON block the server renders) and small helpers shared by
   the room modules. `HS` (common.js) is loaded before them as a classic script; user
   text only ever goes through textContent. */
export const HS = window.HS;
export const { el } = HS;
export const data = HS.pageData();
export const S = data.strings;
export const me = data.participant.id; // this browser's participant id
export const $ = (id) => document.getElementById(id);

export function errorText(error) {
  return S[error.code] || error.message || S.error;
}
