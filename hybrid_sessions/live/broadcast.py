"""Server→client events. Usable from socket handlers and HTTP views alike; with a
message queue configured they reach clients of every process."""

from ..extensions import socketio
from ..models import Panel
from ..services import placement, walls
from ..services.notes import current_note_shape
from ..services.shapes import room_shape
from . import channels, suggestions


def recommendation(event: str, rec: dict, panel_id: int) -> None:
    """rec:new / rec:updated to the room (the poster too) and its moderators, once each."""
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
    """Places taken per room (in the venue's room and remote), for the console and walls.

    Moderators and walls only: sent to every participant, each join would cost a message per
    person in the session, and a 1,000-person session would pay a million of them.
    """
    # One query for both audiences: the places taken are the in-room and remote people.
    people = placement.presence(panel.id)
    counts = {room_id: here.total for room_id, here in people.items()}
    # Moderators see the people per room by where they are (presence), live.
    rooms = [room_shape(r, counts.get(r.id, 0), people.get(r.id, placement.Presence())) for r in panel.rooms]
    update = {"slug": panel.slug, "rooms": rooms}
    if panel.assignment == Panel.BY_MODERATOR:
        # The console's "waiting for a room" count, live where people wait to be placed.
        update["unplaced_count"] = placement.unplaced_count(panel.id)
    socketio.emit("rooms:updated", update, to=channels.moderators(panel.id))
    # The big screens show in-room and remote people per room, and never names.
    socketio.emit(
        "wall:rooms",
        {"rooms": [walls.wall_room(r, people.get(r.id)) for r in panel.rooms]},
        to=channels.wall(panel.id),
    )
    return rooms
