"""Who is in which breakout room: places, presence, balanced placement and moves.

Three ways into a room (the session's `assignment`): people choose (`self`), the server
places each newcomer (`balanced`), or the moderator moves people who wait unplaced in
the lobby (`moderator`). A moderator can move anyone in every mode. Capacity is never
exceeded: every placement locks the room's row before counting.
"""

from typing import NamedTuple

import sqlalchemy as sa

from ..extensions import db
from ..models import BreakoutRoom, Moderator, Panel, Participant
from . import audit
from .errors import NotFound, RoomFull
from .lookup import by_id


class Presence(NamedTuple):
    """People placed in a room, by where they are."""

    in_room: int = 0
    remote: int = 0

    @property
    def total(self) -> int:
        return self.in_room + self.remote


def presence(panel_id: int) -> dict[int, Presence]:
    """Per room: how many are in the venue's room and how many remote, in one query."""
    rows = db.session.execute(
        sa.select(Participant.room_id, Participant.attendance, sa.func.count())
        .where(Participant.panel_id == panel_id, Participant.room_id.is_not(None))
        .group_by(Participant.room_id, Participant.attendance)
    )
    counts: dict[int, dict[str, int]] = {}
    for room_id, attendance, n in rows:
        counts.setdefault(room_id, {})[attendance] = n
    return {
        room_id: Presence(c.get(Participant.IN_ROOM, 0), c.get(Participant.REMOTE, 0))
        for room_id, c in counts.items()
    }


def unplaced_count(panel_id: int) -> int:
    """People who joined and wait for a room (the lobby of moderator placement)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Participant)
            .where(
                Participant.panel_id == panel_id,
                Participant.room_id.is_(None),
                Participant.erased_at.is_(None),
            )
        )
        or 0
    )


def participants_of(panel: Panel) -> list[dict]:
    """Everyone who joined (not erased), in order of joining, with their room."""
    rows = db.session.execute(
        sa.select(Participant.id, Participant.display_name, Participant.attendance, Participant.room_id)
        .where(Participant.panel_id == panel.id, Participant.erased_at.is_(None))
        .order_by(Participant.id)
    )
    return [
        {"id": pid, "display_name": name, "attendance": attendance, "room_id": room_id}
        for pid, name, attendance, room_id in rows
    ]


def lock_room_and_check_place(room: BreakoutRoom) -> None:
    """Refuse with RoomFull when the room has no free place.

    The room row is locked first (PostgreSQL: SELECT ... FOR UPDATE), so two people
    taking the last place at once cannot both get it.
    """
    if room.capacity is None:
        return
    db.session.execute(sa.select(BreakoutRoom.id).where(BreakoutRoom.id == room.id).with_for_update())
    taken = db.session.scalar(
        sa.select(sa.func.count()).select_from(Participant).where(Participant.room_id == room.id)
    )
    if taken >= room.capacity:
        raise RoomFull(f"{room.name} is full ({room.capacity} places)")


def take_place(participant: Participant, room: BreakoutRoom) -> int | None:
    """Put the participant into `room` if it has a free place (under the room's lock);
    RoomFull, with the transaction rolled back, if not. Returns the id of the room they
    left (or None). The caller commits."""
    try:
        lock_room_and_check_place(room)
    except RoomFull:
        db.session.rollback()
        raise
    left = participant.room_id
    participant.room_id = room.id
    return left


# Rooms without a limit count as having this many places when compared with others.
_UNLIMITED = 10**6


def balanced_room(panel: Panel, attendance: str) -> BreakoutRoom:
    """The room for a newcomer: the most free places; among equals, the fewest people
    of the newcomer's kind (in the room or remote), so both kinds spread alike; then
    the room's order. Locks the session's row first, so concurrent newcomers are placed
    one after another on what the others left. RoomFull when every room is full."""
    db.session.execute(sa.select(Panel.id).where(Panel.id == panel.id).with_for_update())
    counts = presence(panel.id)

    def key(room: BreakoutRoom):
        here = counts.get(room.id, Presence())
        places = room.capacity if room.capacity is not None else _UNLIMITED
        same_kind = here.in_room if attendance == Participant.IN_ROOM else here.remote
        return (-(places - here.total), same_kind, room.position, room.id)

    for room in sorted(panel.rooms, key=key):
        if room.capacity is None or counts.get(room.id, Presence()).total < room.capacity:
            lock_room_and_check_place(room)
            return room
    raise RoomFull("every room is full")


def move(panel: Panel, actor: Moderator, participant_id: object, room_id: object) -> tuple[Participant, bool]:
    """A moderator moves a participant into a room (in any assignment mode) and commits.
    Returns (participant, moved). RoomFull when the room has no free place."""
    from .participants import get_panel_room  # participants imports this module

    participant = by_id(Participant, participant_id, "no such participant")
    if participant.panel_id != panel.id or participant.erased_at is not None:
        raise NotFound("no such participant in this session")
    room = get_panel_room(panel, room_id)
    if participant.room_id == room.id:
        return participant, False
    left = take_place(participant, room)
    audit.record(
        panel, actor, "participant.move", participant_id=participant.id, room_id=room.id, from_room_id=left
    )
    db.session.commit()
    return participant, True
