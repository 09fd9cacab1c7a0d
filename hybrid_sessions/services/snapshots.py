"""What a client gets when it (re)enters: a breakout room's posts, or a moderator's whole
session, with the change sequence number that later catch-ups start from.

The order of the reads is the guarantee: the sequence number is read before the posts,
so a change committed in between is both in the list and above `seq`, never in neither.
"""

from ..links import public_url
from ..models import BreakoutRoom, Panel, Participant
from . import notes, panels, recommendations
from .shapes import panel_shape, room_shape


def published_link(slug: str, number: int) -> dict:
    """`note:published` and the `published` field of room:join.

    Sent to everyone in the session: never the publishing moderator's Host header.
    """
    return {"version": number, "url": public_url("pages.note", slug=slug)}


def room_snapshot(
    room: BreakoutRoom, participant: Participant, since: int | None, rooms: list[dict] | None = None
) -> dict:
    """The room:join ack. `rooms` are the room shapes just sent to moderators, if the
    participant moved (so the counts are not read twice)."""
    panel = room.panel
    if rooms is not None:
        room_info = next(r for r in rooms if r["id"] == room.id)
    else:
        room_info = room_shape(room, panels.room_counts(panel.id).get(room.id, 0))
    seq = recommendations.current_seq(panel.id)  # first: see the module docstring
    recs = recommendations.room_recommendations(room, since)
    published = panels.latest_published_version(panel.id)
    return {
        "room": room_info,
        "recommendations": recs,
        "since": since,
        "seq": seq,
        "participant": {"id": participant.id, "display_name": participant.display_name},
        "voted": sorted(recommendations.votes_by(participant, [r["id"] for r in recs])),
        "published": published_link(panel.slug, published) if published else None,
    }


def session_snapshot(panel: Panel, since: int | None) -> dict:
    """The session:watch ack: the whole state, or with `since` the posts changed after
    it (and the whole note)."""
    counts = panels.room_counts(panel.id)
    seq = recommendations.current_seq(panel.id)  # first: see the module docstring
    recs = recommendations.panel_recommendations(panel, since)
    return {
        "session": panel_shape(panel, counts, panels.latest_published_version(panel.id)),
        "rooms": [room_shape(r, counts.get(r.id, 0)) for r in panel.rooms],
        "recommendations": recs,
        "since": since,
        "seq": seq,
        "note": notes.current_note_shape(panel),
    }
