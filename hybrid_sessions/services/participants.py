"""Joining a session without an account, and moving between breakout rooms."""

import sqlalchemy as sa

from ..extensions import db
from ..models import BreakoutRoom, Panel, Participant
from .accounts import hash_token, new_token
from .errors import Forbidden, Invalid, NotFound, RoomFull
from .lookup import by_id
from .text import clean_text


def get_room_by_id(room_id: object) -> BreakoutRoom:
    """The room with this id, in any session, or NotFound."""
    return by_id(BreakoutRoom, room_id, "no such room")


def get_panel_room(panel: Panel, room_id: object) -> BreakoutRoom:
    """The room with this id in this session, or NotFound."""
    room = get_room_by_id(room_id)
    if room.panel_id != panel.id:
        raise NotFound("no such room in this session")
    return room


def find_participant(participant_id: int | None) -> Participant | None:
    """The participant, or None (never joined, or deleted)."""
    return db.session.get(Participant, participant_id) if participant_id else None


def _lock_room_and_check_place(room: BreakoutRoom) -> None:
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


def join_panel(
    panel: Panel, display_name: object, attendance: object, room_id: object = None
) -> tuple[Participant, str]:
    """Make a participant (optionally placed in a room). Returns it and its token,
    which is shown to them once and stored only as a hash."""
    name = clean_text(display_name, "display_name", max_len=60, multiline=False, fold_lookalikes=True)
    if attendance not in Participant.ATTENDANCE:
        raise Invalid('attendance must be "remote" or "in_room"')
    room = None
    if room_id is not None:
        room = get_panel_room(panel, room_id)
        try:
            _lock_room_and_check_place(room)
        except RoomFull:
            db.session.rollback()
            raise
    token = new_token("hsp")
    participant = Participant(
        panel_id=panel.id,
        room_id=room.id if room else None,
        display_name=name,
        attendance=attendance,
        token_hash=hash_token(token),
    )
    db.session.add(participant)
    db.session.commit()
    return participant, token


def enter_room(participant: Participant, room: BreakoutRoom) -> tuple[bool, BreakoutRoom | None]:
    """Place the participant in `room`. Returns (moved, the room they left if any).

    Coming back to one's own room always works, even when it has since filled up.
    """
    if room.panel_id != participant.panel_id:
        raise Forbidden("this room belongs to another session")
    if participant.room_id == room.id:
        return False, None
    try:
        _lock_room_and_check_place(room)
    except RoomFull:
        db.session.rollback()
        raise
    left = participant.room_id
    participant.room_id = room.id
    db.session.commit()
    return True, (db.session.get(BreakoutRoom, left) if left else None)


def join_or_move(
    panel: Panel, participant: Participant | None, display_name: object, attendance: object, room_id: object
) -> tuple[Participant, str | None]:
    """The join form: someone new joins (returns their new token); someone who joined
    already only moves to the chosen room (the token is None: theirs stays valid, and
    the name and attendance they gave first stay too)."""
    if participant is None:
        return join_panel(panel, display_name, attendance, room_id)
    enter_room(participant, get_panel_room(panel, room_id))
    return participant, None
