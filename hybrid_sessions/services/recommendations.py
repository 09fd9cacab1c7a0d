"""Posting, +1-ing and withdrawing recommendations in a breakout room."""

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import BreakoutRoom, Panel, Participant, Recommendation, Vote
from ..models.types import utcnow
from . import phases
from .errors import Closed, Forbidden, Invalid, NotFound
from .lookup import by_id, is_id, keep_loaded
from .shapes import rec_shapes
from .text import clean_text

# Built once: building a statement (and its cache key) cost more than running it, on
# the path every post takes (issue 15, "post now!"). Run on the session's connection, in
# its transaction, without the ORM's bulk-update machinery (nothing in the session holds
# the counter, so there is nothing to synchronise).
_NEXT_SEQ = (
    sa.update(Panel.__table__)
    .where(Panel.__table__.c.id == sa.bindparam("panel_id"))
    .values(change_seq=Panel.__table__.c.change_seq + 1)
    .returning(Panel.__table__.c.change_seq)
)


@dataclass(frozen=True, slots=True)
class SessionClock:
    """What deciding whether a post is open reads of its session (phases.check_open)."""

    phase: str
    rooms_close_at: datetime | None
    closed_at: datetime | None
    anonymous: bool


@dataclass(frozen=True, slots=True)
class PostingRoom:
    """A room as a post needs it: its ids and its session's phase, as plain values.
    Loading the room and its session as ORM objects was a third of a post's time."""

    id: int
    panel_id: int
    panel: SessionClock


@dataclass(frozen=True, slots=True)
class Poster:
    """The participant posting, as a post needs them: read with the room in one
    statement, not loaded as an ORM object (the second-largest share of a post's time
    after the insert, issue 15). `display_name` is what the answer shows as the author."""

    id: int
    panel_id: int
    room_id: int | None
    display_name: str


_POSTING_ROOM = (
    sa.select(
        BreakoutRoom.id,
        BreakoutRoom.panel_id,
        Panel.phase,
        Panel.rooms_close_at,
        Panel.closed_at,
        Panel.anonymous,
        Participant.id,
        Participant.room_id,
        Participant.display_name,
    )
    .join(Panel, Panel.id == BreakoutRoom.panel_id)
    # The socket's own participant in the room's session, if it has one that is not
    # erased (an erased participant's socket, here or on another process, acts no more).
    .outerjoin(
        Participant,
        sa.and_(
            Participant.panel_id == BreakoutRoom.panel_id,
            Participant.id.in_(sa.bindparam("participant_ids", expanding=True)),
            Participant.erased_at.is_(None),
        ),
    )
    .where(BreakoutRoom.id == sa.bindparam("room_id"))
)


def get_posting_room(room_id: object, participant_ids: list[int]) -> tuple[PostingRoom, Poster]:
    """The room with this id (any session), its session's phase, and which of
    `participant_ids` (a socket's participants, one per session) is in that session:
    NotFound without the room, Forbidden without such a participant. One statement,
    built once, for what loading the room with its session and the participant took two."""
    row = (
        db.session.connection()
        .execute(_POSTING_ROOM, {"room_id": room_id, "participant_ids": participant_ids or [0]})
        .first()
        if is_id(room_id)
        else None
    )
    if row is None:
        raise NotFound("no such room")
    room = PostingRoom(row[0], row[1], SessionClock(*row[2:6]))
    if row[6] is None:
        raise Forbidden("join this session as a participant first")
    return room, Poster(row[6], row[1], row[7], row[8])


_INSERT = sa.insert(Recommendation.__table__).returning(Recommendation.__table__.c.id)


def next_seq(panel_id: int) -> int:
    """Take the session's next change number (an UPDATE of the session's counter row).
    In a post it is the first write of the transaction, so SQLite takes its write lock
    before the insert rather than between statements."""
    return db.session.connection().execute(_NEXT_SEQ, {"panel_id": panel_id}).scalar_one()


def normalise_client_id(client_id: object) -> str:
    """The canonical form of a client-made UUID, so retries match however it is spelled."""
    if not isinstance(client_id, str) or len(client_id) > 64:
        raise Invalid("client_id must be a UUID string")
    try:
        return str(uuid.UUID(client_id))
    except ValueError:
        raise Invalid("client_id must be a UUID string") from None


def _require_in_room(participant: Participant | Poster, room_id: int) -> None:
    if participant.room_id != room_id:
        raise Forbidden("you are not in this room")


def post_recommendation(
    room: BreakoutRoom | PostingRoom,
    participant: Participant | Poster,
    client_id: object,
    text: object,
    queued_at: datetime | None = None,
) -> tuple[Recommendation, bool]:
    """Store a post and commit. Returns (recommendation, created).

    Posting the same client_id again returns the first recommendation and adds nothing:
    that is what makes a retry after a lost ack safe. While the rooms are not open the
    post is refused with Closed, unless `queued_at` (server time, stamped by the page
    when the post was typed) falls in the grace of services/phases.py.
    """
    client_id = normalise_client_id(client_id)
    try:
        if room.panel_id != participant.panel_id:
            raise Forbidden("this room belongs to another session")
        _require_in_room(participant, room.id)
        text = clean_text(text, "text", max_len=Recommendation.MAX_TEXT)
        phases.check_open(room.panel, queued_at)
    except (Forbidden, Invalid, Closed):
        # A retry of a post that was saved gets it back even if its author has moved
        # rooms since; only a post that was never saved is refused.
        existing = _by_client_id(participant.id, client_id)
        if existing is not None:
            return existing, False
        raise
    # No look-up first: the unique (author, client_id) index answers "is this a retry?"
    # on the rare retry, instead of a SELECT on every post.
    values = {
        "panel_id": room.panel_id,
        "room_id": room.id,
        "author_id": participant.id,
        "client_id": client_id,
        "text": text,
        "seq": next_seq(room.panel_id),
        "status": Recommendation.ACTIVE,
        "vote_count": 0,
        "created_at": utcnow(),
    }
    try:
        # A plain INSERT … RETURNING id on the session's connection: the unit of work's
        # flush around a single new row cost a quarter of a post's time (issue 15).
        rec_id = db.session.connection().execute(_INSERT, values).scalar_one()
    except IntegrityError:
        db.session.rollback()
        existing = _by_client_id(participant.id, client_id)
        if existing is None:
            raise
        return existing, False
    with keep_loaded():  # the room, its session and the author stay loaded for the answer
        db.session.commit()
    # The row as written, every value known: built here rather than read back. It
    # belongs to no session (nothing can write it twice); its author is the participant
    # as the caller had them (a Poster on the socket path: the answer reads only the
    # author's id and name).
    rec = Recommendation(id=rec_id, erased_at=None, **values)
    set_committed_value(rec, "author", participant)
    return rec, True


def _by_client_id(author_id: int, client_id: str) -> Recommendation | None:
    return db.session.scalar(
        sa.select(Recommendation).where(
            Recommendation.author_id == author_id, Recommendation.client_id == client_id
        )
    )


def get_recommendation(rec_id: object) -> Recommendation:
    return by_id(Recommendation, rec_id, "no such recommendation")


def _require_visible(rec: Recommendation, participant: Participant) -> None:
    if rec.panel_id != participant.panel_id:
        raise NotFound("no such recommendation")


def vote(
    rec_id: object, participant: Participant, queued_at: datetime | None = None
) -> tuple[Recommendation, bool]:
    """+1 from a participant in the same room. Voting twice counts once. Closed while
    the rooms are not open (with the same grace as posts)."""
    rec = get_recommendation(rec_id)
    _require_visible(rec, participant)
    _require_in_room(participant, rec.room_id)
    phases.check_open(db.session.get(Panel, rec.panel_id), queued_at)
    if rec.author_id == participant.id:
        raise Forbidden("you cannot +1 your own recommendation")
    if rec.status != Recommendation.ACTIVE:
        raise Invalid("this recommendation was withdrawn")
    db.session.add(Vote(recommendation_id=rec.id, participant_id=participant.id))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return get_recommendation(rec.id), False
    # Counted in SQL, not in Python, so concurrent votes on one post cannot lose one.
    db.session.execute(
        sa.update(Recommendation)
        .where(Recommendation.id == rec.id)
        .values(vote_count=Recommendation.vote_count + 1, seq=next_seq(rec.panel_id))
    )
    db.session.commit()
    db.session.refresh(rec)
    return rec, True


def unvote(
    rec_id: object, participant: Participant, queued_at: datetime | None = None
) -> tuple[Recommendation, bool]:
    """Take back a +1. Taking back one that was never given changes nothing. Closed
    like a +1 while the rooms are not open: the counts stand as they were at the close."""
    rec = get_recommendation(rec_id)
    _require_visible(rec, participant)
    _require_in_room(participant, rec.room_id)
    phases.check_open(db.session.get(Panel, rec.panel_id), queued_at)
    deleted = db.session.execute(
        sa.delete(Vote).where(Vote.recommendation_id == rec.id, Vote.participant_id == participant.id)
    ).rowcount
    if not deleted:
        db.session.rollback()
        return rec, False
    db.session.execute(
        sa.update(Recommendation)
        .where(Recommendation.id == rec.id)
        .values(vote_count=Recommendation.vote_count - 1, seq=next_seq(rec.panel_id))
    )
    db.session.commit()
    db.session.refresh(rec)
    return rec, True


def withdraw(rec_id: object, participant: Participant) -> tuple[Recommendation, bool]:
    """The author takes a post back. It stays in the record as withdrawn."""
    rec = get_recommendation(rec_id)
    _require_visible(rec, participant)
    if rec.author_id != participant.id:
        raise Forbidden("only the author can withdraw a recommendation")
    if rec.status == Recommendation.WITHDRAWN:
        return rec, False
    rec.status = Recommendation.WITHDRAWN
    rec.seq = next_seq(rec.panel_id)
    db.session.commit()
    return rec, True


def room_recommendations(room: BreakoutRoom, since: int | None = None) -> list[dict]:
    """The room's posts (Rec shapes), oldest first; with `since`, only those changed after it."""
    criteria = [Recommendation.room_id == room.id]
    if since is not None:
        criteria += [Recommendation.panel_id == room.panel_id, Recommendation.seq > since]
    return rec_shapes(*criteria)


def panel_recommendations(panel: Panel, since: int | None = None) -> list[dict]:
    """The session's posts (Rec shapes), oldest first; with `since`, only those changed after it."""
    criteria = [Recommendation.panel_id == panel.id]
    if since is not None:
        criteria.append(Recommendation.seq > since)
    return rec_shapes(*criteria)


def current_seq(panel_id: int) -> int:
    return db.session.scalar(sa.select(Panel.change_seq).where(Panel.id == panel_id)) or 0


def votes_by(participant: Participant, rec_ids: list[int]) -> set[int]:
    """Which of these recommendations the participant has +1-ed (to show the state)."""
    if not rec_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Vote.recommendation_id).where(
                Vote.participant_id == participant.id, Vote.recommendation_id.in_(rec_ids)
            )
        )
    )
