"""Server→client events. Usable from socket handlers and HTTP views alike; with a
message queue configured they reach clients of every process."""

import logging

from flask import current_app

from ..extensions import socketio
from ..models import Panel
from ..services import panels, transactions
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


# Notices to moderators that only say "this is how things stand now" (places per room;
# presence, when it comes) are coalesced: what changed within NOTICES_DELAY_SECONDS goes
# out as one notice with the state at that moment. When a venue's Wi-Fi comes back or a
# room fills at the start, hundreds of joins arrive within seconds; one notice per join
# cost each watching moderator hundreds of messages and the server a count of the whole
# session per join. Presence notices on join should go through `coalesced` too.
log = logging.getLogger(__name__)
_pending: set[tuple[str, int]] = set()


def coalesced(kind: str, panel_id: int, send) -> None:
    """Call `send(panel_id)` once, NOTICES_DELAY_SECONDS from now, for every call of the
    same kind and session until then (at once when the delay is 0, as in tests)."""
    delay = current_app.config["NOTICES_DELAY_SECONDS"]
    if not delay:
        send(panel_id)
        return
    if (kind, panel_id) in _pending:
        return
    _pending.add((kind, panel_id))
    app = current_app._get_current_object()

    def later():
        socketio.sleep(delay)
        # Before sending: a change while it is read is then announced again, not lost.
        _pending.discard((kind, panel_id))
        with app.app_context():
            try:
                send(panel_id)
            except Exception:  # the next change schedules another notice
                log.exception("%s notice for session %s failed", kind, panel_id)
            finally:
                transactions.release()

    socketio.start_background_task(later)


def rooms_changed(panel: Panel) -> None:
    """Places taken per room, for the moderators' console, coalesced (see above).

    Moderators only: sent to every participant, each join would cost a message per
    person in the session, and a 1,000-person session would pay a million of them.
    """
    coalesced("rooms", panel.id, _send_rooms)


def _send_rooms(panel_id: int) -> None:
    panel = panels.find_panel_by_id(panel_id)
    if panel is None:
        return
    counts = panels.room_counts(panel.id)
    rooms = [room_shape(r, counts.get(r.id, 0)) for r in panel.rooms]
    socketio.emit("rooms:updated", {"slug": panel.slug, "rooms": rooms}, to=channels.moderators(panel.id))
