"""What the big screens show: a session's rooms and how full they are, one room's top
posts, and the note as slides. Never a participant's name: a wall is read by everyone
in the hall, and by anyone who opens its address (docs/api.md, "Big screens")."""

from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import BreakoutRoom, Panel, Participant, Recommendation
from ..models.types import utcnow
from .shapes import iso

# The room wall shows the posts that fit; more than this never fit on one screen.
WALL_POSTS = 40
# Items per slide: more would need a font too small for the back of the room.
SLIDE_ITEMS = 5


def presence(panel_id: int) -> dict[int, dict[str, int]]:
    """Per room: how many people are in the room and how many remote, in one query
    (placed people, as `panels.room_counts` counts them: an erased one is unplaced)."""
    rows = db.session.execute(
        sa.select(Participant.room_id, Participant.attendance, sa.func.count())
        .where(Participant.panel_id == panel_id, Participant.room_id.is_not(None))
        .group_by(Participant.room_id, Participant.attendance)
    )
    counts: dict[int, dict[str, int]] = {}
    for room_id, attendance, n in rows:
        counts.setdefault(room_id, {Participant.IN_ROOM: 0, Participant.REMOTE: 0})[attendance] = n
    return counts


def _timing(panel: Panel, now: datetime) -> dict:
    close_at = getattr(panel, "rooms_close_at", None)
    return {
        "now": iso(now),
        "phase": getattr(panel, "phase", "rooms_open"),
        "rooms_close_at": iso(close_at),
    }


def wall_room(room: BreakoutRoom, presence_of_room: dict[str, int] | None) -> dict:
    here = presence_of_room or {}
    in_room, remote = here.get(Participant.IN_ROOM, 0), here.get(Participant.REMOTE, 0)
    return {
        "id": room.id,
        "name": room.name,
        "prompt": room.prompt,
        "capacity": room.capacity,
        "participant_count": in_room + remote,
        "in_room": in_room,
        "remote": remote,
    }


def session_wall(panel: Panel, now: datetime | None = None) -> dict:
    """The session wall's state: phase and time, every room with its people."""
    people = presence(panel.id)
    return {
        "slug": panel.slug,
        "title": panel.title,
        **_timing(panel, now or utcnow()),
        "rooms": [wall_room(r, people.get(r.id)) for r in panel.rooms],
    }


def wall_post(rec_id: int, text: str, votes: int) -> dict:
    return {"id": rec_id, "text": text, "votes": votes}


def top_posts(room: BreakoutRoom, limit: int = WALL_POSTS) -> list[dict]:
    """The room's active posts, most +1s first, then newest: what a wall has room for."""
    rows = db.session.execute(
        sa.select(Recommendation.id, Recommendation.text, Recommendation.vote_count)
        .where(
            Recommendation.room_id == room.id,
            Recommendation.status == Recommendation.ACTIVE,
            Recommendation.erased_at.is_(None),
        )
        .order_by(Recommendation.vote_count.desc(), Recommendation.id.desc())
        .limit(limit)
    )
    return [wall_post(*row) for row in rows]


def room_wall(room: BreakoutRoom, now: datetime | None = None) -> dict:
    """One room's wall: its prompt, its people, its top posts, phase and time."""
    people = presence(room.panel_id).get(room.id)
    return {
        "slug": room.panel.slug,
        "title": room.panel.title,
        **_timing(room.panel, now or utcnow()),
        "room": wall_room(room, people),
        "recommendations": top_posts(room),
    }


def slides(note: dict) -> list[dict]:
    """The note as slides: the summary first, then each section, a long one split in
    parts of SLIDE_ITEMS items ("part 2 of 3"). Items keep their support, never names."""
    deck = []
    for section in note.get("sections", []):
        items = [{"text": i["text"], "support": i.get("support", 0)} for i in section["items"]]
        parts = [items[i : i + SLIDE_ITEMS] for i in range(0, len(items), SLIDE_ITEMS)] or [[]]
        for n, part in enumerate(parts, start=1):
            deck.append({"title": section["title"], "items": part, "part": n, "parts": len(parts)})
    return deck
