"""Joining a session without an account, and moving between breakout rooms."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from .. import limits
from ..extensions import db
from ..models import BreakoutRoom, Panel, Participant
from .accounts import hash_token, new_token
from .errors import Forbidden, Invalid, NotFound, RoomFull
from .lookup import by_id_prebuilt
from .placement import balanced_room, lock_room_and_check_place, take_place
from .text import clean_text

_ROOM_WITH_SESSION = (
    sa.select(BreakoutRoom)
    .options(so.joinedload(BreakoutRoom.panel))
    .where(BreakoutRoom.id == sa.bindparam("id"))
)
_PARTICIPANT = sa.select(Participant).where(Participant.id == sa.bindparam("id"))


def get_room_by_id(room_id: object) -> BreakoutRoom:
    """The room with this id, in any session, or NotFound; with its session, in the same
    query: posting reads the session's phase and anonymity, and a post's statements must
    not grow (tests/live/test_query_count.py)."""
    return by_id_prebuilt(_ROOM_WITH_SESSION, room_id, "no such room")


def get_panel_room(panel: Panel, room_id: object) -> BreakoutRoom:
    """The room with this id in this session, or NotFound."""
    room = get_room_by_id(room_id)
    if room.panel_id != panel.id:
        raise NotFound("no such room in this session")
    return room


def find_participant(participant_id: int | None) -> Participant | None:
    """The participant, or None (never joined, or deleted)."""
    if not participant_id:
        return None
    return db.session.execute(_PARTICIPANT, {"id": participant_id}).scalar_one_or_none()


def join_panel(
    panel: Panel, display_name: object, attendance: object, room_id: object = None
) -> tuple[Participant, str]:
    """Make a participant (optionally placed in a room). Returns it and its token,
    which is shown to them once and stored only as a hash.

    Where they go depends on the session's assignment: the room they chose (`self`,
    and `balanced` when a room is given), the room the server picks (`balanced`
    without a room), or nowhere until a moderator moves them (`moderator`: a room
    given is ignored)."""
    name = clean_text(
        display_name, "display_name", max_len=limits.DISPLAY_NAME, multiline=False, fold_lookalikes=True
    )
    if attendance not in Participant.ATTENDANCE:
        raise Invalid('attendance must be "remote" or "in_room"')
    room = None
    try:
        if panel.assignment == Panel.BY_MODERATOR:
            room = None
        elif room_id is not None:
            room = get_panel_room(panel, room_id)
            lock_room_and_check_place(room)
        elif panel.assignment == Panel.BALANCED:
            room = balanced_room(panel, attendance)
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
    panel = room.panel
    if panel.assignment == Panel.BY_MODERATOR or (panel.assignment == Panel.BALANCED and participant.room_id):
        raise Forbidden("in this session the moderator moves people between rooms")
    left = take_place(participant, room)
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
