"""The JSON shapes of the public contract (Rec, Item, Note, room, session).

One place builds each shape, so the API, the socket acks, the broadcasts and the frozen
published versions can never drift apart.
"""

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    BreakoutRoom,
    Note,
    NoteVersion,
    Panel,
    PanelPerson,
    Participant,
    Recommendation,
    Vote,
)
from ..models.types import utcnow
from . import note_history


def iso(moment: datetime | None, tz: str | None = None) -> str | None:
    if moment is None:
        return None
    if tz:
        moment = moment.astimezone(ZoneInfo(tz))
    return moment.isoformat()


def rec_shape(rec: Recommendation) -> dict:
    return _rec(
        rec.id,
        rec.room_id,
        rec.client_id,
        rec.text,
        rec.author.id,
        rec.author.display_name,
        rec.vote_count,
        rec.status,
        rec.created_at,
        rec.seq,
        rec.erased_at,
    )


# The columns `_rec` takes, in its order, for reading many posts without ORM objects.
REC_COLUMNS = (
    Recommendation.id,
    Recommendation.room_id,
    Recommendation.client_id,
    Recommendation.text,
    Participant.id,
    Participant.display_name,
    Recommendation.vote_count,
    Recommendation.status,
    Recommendation.created_at,
    Recommendation.seq,
    Recommendation.erased_at,
)
# Where the one column with a type to convert sits in those rows (read past the ORM,
# snapshots._quick_return converts it).
REC_CREATED_AT = REC_COLUMNS.index(Recommendation.created_at)


def rec_shapes(*criteria) -> list[dict]:
    """The posts matching `criteria`, oldest first, read as plain rows.

    A moderator's snapshot of a big session (5,000 posts) spent most of its time
    building ORM objects that were thrown away at once.
    """
    rows = db.session.execute(
        sa.select(*REC_COLUMNS)
        .join(Participant, Recommendation.author_id == Participant.id)
        .where(*criteria)
        .order_by(Recommendation.id)
    )
    return [_rec(*row) for row in rows]


def rec_select_with_votes(voter) -> sa.Select:
    """The posts' columns and whether `voter` (a participant id or a bind parameter) has
    +1-ed each, oldest first; the caller adds its criteria. A caller on a hot path builds
    it once with bind parameters (`snapshots.room_return`); `shapes_and_votes` reads
    the rows."""
    voted = (
        sa.exists()
        .where(Vote.recommendation_id == Recommendation.id, Vote.participant_id == voter)
        .label("voted")
    )
    return (
        sa.select(*REC_COLUMNS, voted)
        .join(Participant, Recommendation.author_id == Participant.id)
        .order_by(Recommendation.id)
    )


def shapes_and_votes(rows: list) -> tuple[list[dict], list[int]]:
    """The rows of `rec_select_with_votes` as post shapes and the ids of those +1-ed."""
    return [_rec(*row[:-1]) for row in rows], [row[0] for row in rows if row[-1]]


def _rec(id, room_id, client_id, text, author_id, author_name, votes, status, created_at, seq, erased_at):
    return {
        "id": id,
        "room_id": room_id,
        "client_id": client_id,
        "text": text,
        "author": {"id": author_id, "display_name": author_name},
        "votes": votes,
        "status": status,
        "created_at": iso(created_at),
        "seq": seq,
        "erased": erased_at is not None,
    }


def room_shape(room: BreakoutRoom, participant_count: int, presence=None) -> dict:
    """`presence` (placement.Presence) adds how many of them are in the venue's room
    and how many remote."""
    shape = {
        "id": room.id,
        "name": room.name,
        "prompt": room.prompt,
        "facilitator": room.facilitator,
        "capacity": room.capacity,
        "participant_count": participant_count,
        "is_full": room.capacity is not None and participant_count >= room.capacity,
        "call_url": room.call_url or None,
    }
    if presence is not None:
        shape["in_room_count"] = presence.in_room
        shape["remote_count"] = presence.remote
    return shape


def anonymised(rec: dict, viewer_id: int | None) -> dict:
    """A Rec as another participant of an anonymous session sees it: no author's name
    (their own posts keep theirs). Moderators get the Rec as it is."""
    if rec["author"]["id"] == viewer_id or rec["author"]["display_name"] is None:
        return rec
    return {**rec, "author": {**rec["author"], "display_name": None}}


def person_shape(person: PanelPerson | None) -> dict | None:
    if person is None:
        return None
    return {"name": person.name, "bio": person.bio}


def panel_shape(
    panel: Panel, counts: dict[int, int], published_version: int | None, presence: dict | None = None
) -> dict:
    """The session object. `presence` (placement.presence) adds per-room in-room and
    remote counts; without it, they are read here."""
    from . import broadcasts, phases, placement  # they build on this module

    if presence is None:
        presence = placement.presence(panel.id)
    now = utcnow()
    phase = phases.phase_shape(panel, now)
    return {
        "slug": panel.slug,
        "title": panel.title,
        "starts_at": iso(panel.starts_at, panel.timezone),
        "ends_at": iso(panel.ends_at, panel.timezone),
        "timezone": panel.timezone,
        "about": panel.about,
        "join_info": panel.join_info,
        "moderator": person_shape(panel.host),
        "guests": [person_shape(g) for g in panel.guests],
        "rooms": [
            room_shape(r, counts.get(r.id, 0), presence.get(r.id, placement.Presence())) for r in panel.rooms
        ],
        "published_version": published_version,
        # The short code people type at /k/<code> (web/join_codes.py).
        "join_code": panel.join_code,
        "phase": phase["phase"],
        "rooms_close_at": phase["rooms_close_at"],
        "server_time": phase["server_time"],
        "stream_url": panel.stream_url or None,
        "assignment": panel.assignment,
        "anonymous": panel.anonymous,
        "unplaced_count": placement.unplaced_count(panel.id),
        "broadcast": broadcasts.broadcast_shape(broadcasts.latest(panel)),
    }


def _support_by_item(note: Note) -> dict[int, int]:
    """Distinct participants behind each item: authors and +1-ers of its active sources.

    Two queries for the whole note, however many items it has.
    """
    rec_to_item = {
        src.recommendation_id: item.id
        for section in note.sections
        for item in section.items
        for src in item.sources
    }
    if not rec_to_item:
        return {}
    people: dict[int, set[int]] = defaultdict(set)
    active = Recommendation.status == Recommendation.ACTIVE
    authors = db.session.execute(
        sa.select(Recommendation.id, Recommendation.author_id).where(
            Recommendation.id.in_(rec_to_item), active
        )
    )
    voters = db.session.execute(
        sa.select(Vote.recommendation_id, Vote.participant_id)
        .join(Recommendation, Recommendation.id == Vote.recommendation_id)
        .where(Vote.recommendation_id.in_(rec_to_item), active)
    )
    for rec_id, participant_id in [*authors, *voters]:
        people[rec_to_item[rec_id]].add(participant_id)
    return {item_id: len(ids) for item_id, ids in people.items()}


def item_shape(item, section_title: str, support: int) -> dict:
    return {
        "id": item.id,
        "text": item.text,
        "section": section_title,
        "sources": [
            {
                "recommendation_id": s.recommendation_id,
                "room_id": s.recommendation.room_id,
                "room_name": s.recommendation.room.name,
            }
            for s in item.sources
        ],
        "support": support,
    }


def note_shape(note: Note, slug: str, published_version: int | None) -> dict:
    """The moderators' working copy. `version` is its revision (the optimistic lock);
    `published_version` is the number of the latest publish, if any."""
    support = _support_by_item(note)
    return {
        "slug": slug,
        "version": note.revision,
        "published_version": published_version,
        "updated_at": iso(note.updated_at),
        "summary": note.summary,
        # What undo and redo would do now (action names), or null.
        "history": note_history.available(note.id),
        "sections": [
            {
                "id": section.id,
                "title": section.title,
                "items": [item_shape(i, section.title, support.get(i.id, 0)) for i in section.items],
            }
            for section in note.sections
        ],
    }


def published_shape(version: NoteVersion) -> dict:
    """A published version: the frozen content with its number and time."""
    return {**version.content, "version": version.number, "published_at": iso(version.published_at)}


# --- the JSON API's answers (addresses are made by the caller, which knows the request) --


def session_brief(panel: Panel) -> dict:
    """A session in `GET /sessions`."""
    return {"slug": panel.slug, "title": panel.title}


def session_list_shape(upcoming: list[Panel], past: list[Panel]) -> dict:
    return {"upcoming": [session_brief(p) for p in upcoming], "past": [session_brief(p) for p in past]}


def api_session_shape(panel: Panel, counts: dict[int, int], published_version: int | None, url: str) -> dict:
    """`GET /sessions/<slug>` and `POST /sessions`: the Session with its page's address."""
    return {**panel_shape(panel, counts, published_version), "url": url}


def joined_shape(participant: Participant, token: str) -> dict:
    """`POST /sessions/<slug>/participants`: the only answer that ever shows the token."""
    return {
        "participant": {
            "id": participant.id,
            "display_name": participant.display_name,
            "attendance": participant.attendance,
            "room_id": participant.room_id,
        },
        "token": token,
    }


def api_published_shape(version: NoteVersion, url: str) -> dict:
    """`GET /sessions/<slug>/note`: a published version with its page's address."""
    return {**published_shape(version), "url": url}


def version_entry_shape(version: NoteVersion, url: str) -> dict:
    """One entry of `GET /sessions/<slug>/note/versions`."""
    return {"version": version.number, "published_at": iso(version.published_at), "url": url}
