"""Server→client events. Usable from socket handlers and HTTP views alike; with a
message queue configured they reach clients of every process."""

import logging

from flask import current_app

from ..extensions import socketio
from ..models import Panel
from ..services import panels, phases, snapshots, transactions, walls
from ..services.notes import current_note_shape
from ..services.shapes import anonymised
from . import channels, suggestions

log = logging.getLogger(__name__)


def recommendation(event: str, rec: dict, panel_id: int, anonymous: bool = False) -> None:
    """rec:new / rec:updated to the room (the poster too) and its moderators, once each.

    In an anonymous session the room gets the Rec without the author's name (the
    page shows "you" on one's own posts by the author's id); moderators get it whole.
    """
    if anonymous:
        socketio.emit(event, anonymised(rec, None), to=channels.breakout(rec["room_id"]))
        socketio.emit(event, rec, to=channels.moderators(panel_id))
    else:
        socketio.emit(event, rec, to=[channels.breakout(rec["room_id"]), channels.moderators(panel_id)])
    # A +1 changes no suggestion; a new, withdrawn or erased post may.
    if event == "rec:new" or rec["status"] != "active":
        suggestions.changed(panel_id)


def note_updated(panel: Panel, note: dict | None = None) -> dict:
    note = note or current_note_shape(panel)
    socketio.emit("note:updated", note, to=channels.moderators(panel.id))
    # Posts taken into items (or freed by a removal or an undo) leave or join suggestions.
    suggestions.changed(panel.id)
    return note


def note_published(panel: Panel, payload: dict) -> None:
    socketio.emit("note:published", payload, to=channels.everyone(panel.id))


def rooms_changed(panel: Panel) -> list[dict]:
    """Places taken per room (with presence: in the room / remote), who waits for a
    room, and who joined since the last update, for the moderators' console and the
    walls, at once.

    Moderators only: sent to every participant, each join would cost a message per
    person in the session, and a 1,000-person session would pay a million of them.
    """
    update = snapshots.presence_update(panel)
    update["joined"] = _newcomers.pop(panel.id, [])
    socketio.emit("rooms:updated", update, to=channels.moderators(panel.id))
    # The big screens: the same counts, in-room and remote, never a name.
    socketio.emit("wall:rooms", {"rooms": walls.wall_rooms(update["rooms"])}, to=channels.wall(panel.id))
    return update["rooms"]


def _watched(panel_id: int) -> bool:
    """A console or a wall may be showing the session's counts."""
    if suggestions.watched(panel_id):
        return True
    return bool(socketio.server.manager.rooms.get("/", {}).get(channels.wall(panel_id)))


# Sessions whose rooms:updated is already scheduled in this process, and the people
# who joined through this process since its last rooms:updated.
_presence_pending: set[int] = set()
_newcomers: dict[int, list[dict]] = {}


def presence_changed(panel: Panel) -> None:
    """Someone joined or changed rooms: send rooms:updated soon, once for every change
    within `PRESENCE_COALESCE_SECONDS`. A wave of a thousand joins (a venue arriving, a
    reconnect storm) then costs the moderators a few messages, not a thousand, and each
    join only schedules; 0 sends at once (tests)."""
    delay = current_app.config.get("PRESENCE_COALESCE_SECONDS", 0)
    if not delay:
        rooms_changed(panel)
        return
    if not _watched(panel.id):
        _newcomers.pop(panel.id, None)
        return
    if panel.id in _presence_pending:
        return
    _presence_pending.add(panel.id)
    app = current_app._get_current_object()
    panel_id = panel.id

    def later():
        socketio.sleep(delay)
        # Before reading: a join committed while we read schedules the next message.
        _presence_pending.discard(panel_id)
        with app.app_context():
            try:
                found = panels.find_panel_by_id(panel_id)
                if found is not None:
                    rooms_changed(found)
            except Exception:  # the next join schedules another try
                log.exception("presence of session %s failed", panel_id)
            finally:
                transactions.release()

    socketio.start_background_task(later)


def participant_joined(panel: Panel, participant) -> None:
    """A newcomer, for the moderators' move controls: carried by the next (coalesced)
    rooms:updated, so a venue arriving at once is a few messages, not one per person."""
    _newcomers.setdefault(panel.id, []).append(
        {
            "id": participant.id,
            "display_name": participant.display_name,
            "attendance": participant.attendance,
            "room_id": participant.room_id,
        }
    )
    if len(_newcomers) > 1000:  # sessions nobody watches: never grow without bound
        _newcomers.clear()
    presence_changed(panel)


def phase_changed(panel: Panel) -> dict:
    """session:phase to everyone connected to the session."""
    payload = phases.phase_shape(panel)
    socketio.emit("session:phase", payload, to=channels.everyone(panel.id))
    return payload


def session_broadcast(panel: Panel, message: dict) -> None:
    """session:broadcast to the session's participants (or one room's) and moderators."""
    if message["room_id"] is None:
        to = channels.everyone(panel.id)
    else:
        to = [channels.breakout(message["room_id"]), channels.moderators(panel.id)]
    socketio.emit("session:broadcast", message, to=to)


def moved(participant_id: int, room: dict) -> None:
    """room:moved to every socket of the moved participant, on any process."""
    socketio.emit(
        "room:moved", {"room_id": room["id"], "room": room}, to=channels.participant(participant_id)
    )
