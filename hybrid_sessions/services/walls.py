"""What the big screens show: a session's rooms and how full they are, one room's top
posts, and the note as slides. Never a participant's name: a wall is read by everyone
in the hall, and by anyone who opens its address (docs/api.md, "Big screens")."""

from datetime import datetime

import sqlalchemy as sa

from ..extensions import db
from ..models import BreakoutRoom, Panel, Recommendation
from ..models.types import utcnow
from . import broadcasts, phases
from .broadcasts import broadcast_shape
from .placement import Presence, presence

# The room wall shows the posts that fit; more than this never fit on one screen.
WALL_POSTS = 40
# Items per slide: more would need a font too small for the back of the room.
SLIDE_ITEMS = 5


def _timing(panel: Panel, now: datetime) -> dict:
    """Phase and end as of `now`, and `now` itself: the page counts down on the
    server's clock, whatever the projector laptop's clock says."""
    phase = phases.phase_shape(panel, now)
    return {"now": phase["server_time"], "phase": phase["phase"], "rooms_close_at": phase["rooms_close_at"]}


def wall_room(room: BreakoutRoom, here: Presence | None) -> dict:
    here = here or Presence()
    return {
        "id": room.id,
        "name": room.name,
        "prompt": room.prompt,
        "capacity": room.capacity,
        "participant_count": here.total,
        "in_room": here.in_room,
        "remote": here.remote,
    }


def wall_rooms(room_shapes: list[dict]) -> list[dict]:
    """The walls' rooms from the console's room shapes (with presence), read once."""
    return [
        {
            "id": r["id"],
            "name": r["name"],
            "prompt": r["prompt"],
            "capacity": r["capacity"],
            "participant_count": r["participant_count"],
            "in_room": r.get("in_room_count", 0),
            "remote": r.get("remote_count", 0),
        }
        for r in room_shapes
    ]


def session_wall(panel: Panel, now: datetime | None = None) -> dict:
    """The session wall's state: phase and time, every room with its people."""
    people = presence(panel.id)
    return {
        "slug": panel.slug,
        "title": panel.title,
        "join_code": panel.join_code,
        **_timing(panel, now or utcnow()),
        "rooms": [wall_room(r, people.get(r.id)) for r in panel.rooms],
        "broadcast": broadcast_shape(broadcasts.latest(panel)),
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
        "join_code": room.panel.join_code,
        **_timing(room.panel, now or utcnow()),
        "room": wall_room(room, people),
        "recommendations": top_posts(room),
        "broadcast": broadcast_shape(broadcasts.latest(room.panel, room.id)),
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
