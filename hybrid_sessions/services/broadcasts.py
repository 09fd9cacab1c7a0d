"""Short messages from a moderator to every room of the session or to one room.

Stored as well as pushed, so a page or a wall opened later shows the latest one, and
recorded in the audit log in the same transaction.
"""

import functools

import sqlalchemy as sa

from ..extensions import db
from ..models import Broadcast, Moderator, Panel
from . import audit
from .participants import get_panel_room as get_room
from .text import clean_text


def broadcast_shape(broadcast: Broadcast | None) -> dict | None:
    if broadcast is None:
        return None
    return {
        "id": broadcast.id,
        "text": broadcast.text,
        "room_id": broadcast.room_id,
        "sent_at": broadcast.sent_at.isoformat(),
    }


def send(panel: Panel, actor: Moderator, text: object, room_id: object = None) -> Broadcast:
    """Store a broadcast (1–280 characters, one paragraph) and commit."""
    text = clean_text(text, "text", max_len=Broadcast.MAX_TEXT, multiline=False)
    room = get_room(panel, room_id) if room_id is not None else None
    broadcast = Broadcast(
        panel_id=panel.id, room_id=room.id if room else None, text=text, moderator_id=actor.id
    )
    db.session.add(broadcast)
    db.session.flush()
    audit.record(panel, actor, "session.broadcast", text=text, room_id=broadcast.room_id)
    db.session.commit()
    return broadcast


def latest(panel: Panel, room_id: int | None = None) -> Broadcast | None:
    """The latest broadcast that reached `room_id` (one to the whole session or to that
    room); without a room, the latest one to the whole session."""
    if room_id is None:
        return db.session.scalar(_latest_to_session(), {"panel_id": panel.id})
    return db.session.scalar(_latest_to_room(), {"panel_id": panel.id, "room_id": room_id})


# Built once: every room:join (a thousand returns when a venue's Wi-Fi comes back) reads
# the latest broadcast, and building the statement cost more than running it.
@functools.cache
def _latest_to_session() -> sa.Select:
    return _latest(Broadcast.room_id.is_(None))


@functools.cache
def _latest_to_room() -> sa.Select:
    return _latest(reaching(sa.bindparam("room_id")))


def reaching(room_id) -> sa.ColumnElement[bool]:
    """Broadcasts that reached the room `room_id` (a value, a bind parameter or a column):
    the ones to the whole session and the ones to that room."""
    return sa.or_(Broadcast.room_id.is_(None), Broadcast.room_id == room_id)


def _latest(reaches) -> sa.Select:
    return (
        sa.select(Broadcast)
        .where(Broadcast.panel_id == sa.bindparam("panel_id"), reaches)
        .order_by(Broadcast.id.desc())
        .limit(1)
    )
