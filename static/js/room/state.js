/* What the room page knows, shared by its modules. */
export const state = {
  recs: new Map(), // id -> Rec
  voted: new Set(),
  seen: null, // the highest seq seen; null until the first full load
  joined: false,
  socket: null,
  inFlight: new Set(), // client_ids being sent right now
};
