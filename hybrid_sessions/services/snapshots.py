"""What a client gets when it (re)enters: a breakout room's posts, or a moderator's whole
session, with the change sequence number that later catch-ups start from.

The order of the reads is the guarantee: the sequence number is read before the posts,
so a change committed in between is both in the list and above `seq`, never in neither.
"""

from ..links import public_url
from ..models import BreakoutRoom, Panel, Participant
from . import broadcasts, notes, panels, phases, placement, recommendations
from .shapes import anonymised, panel_shape, room_shape


def published_link(slug: str, number: int) -> dict:
    """`note:published` and the `published` field of room:join.

    Sent to everyone in the session: never the publishing moderator's Host header.
    """
    return {"version": number, "url": public_url("pages.note", slug=slug)}


def session_object(panel: Panel) -> dict:
    """The session object of the API (without its absolute `url`)."""
    presence = placement.presence(panel.id)
    counts = {room_id: here.total for room_id, here in presence.items()}
    return panel_shape(panel, counts, panels.latest_published_version(panel.id), presence)


def rooms_now(panel: Panel) -> list[dict]:
    """Every room of the session with its places taken and presence (in the room /
    remote), from one query."""
    presence = placement.presence(panel.id)
    return [
        room_shape(
            r, presence.get(r.id, placement.Presence()).total, presence.get(r.id, placement.Presence())
        )
        for r in panel.rooms
    ]


def presence_update(panel: Panel) -> dict:
    """`rooms:updated`: the rooms' counts and who waits for a room."""
    return {
        "slug": panel.slug,
        "rooms": rooms_now(panel),
        "unplaced_count": placement.unplaced_count(panel.id),
    }


def session_state(panel: Panel) -> dict:
    """What a participant's page needs about the session: the phase and its clock, the
    links, how people get into rooms."""
    phase = phases.phase_shape(panel)
    return {
        "phase": phase["phase"],
        "rooms_close_at": phase["rooms_close_at"],
        "server_time": phase["server_time"],
        "stream_url": panel.stream_url or None,
        "assignment": panel.assignment,
        "anonymous": panel.anonymous,
    }


def room_snapshot(
    room: BreakoutRoom, participant: Participant, since: int | None, rooms: list[dict] | None = None
) -> dict:
    """The room:join ack. `rooms` are the room shapes just sent to moderators, if the
    participant moved (so the counts are not read twice)."""
    panel = room.panel
    if rooms is not None:
        room_info = next(r for r in rooms if r["id"] == room.id)
    else:
        here = placement.presence(panel.id).get(room.id, placement.Presence())
        room_info = room_shape(room, here.total, here)
    seq = recommendations.current_seq(panel.id)  # first: see the module docstring
    recs = recommendations.room_recommendations(room, since)
    if panel.anonymous:
        recs = [anonymised(r, participant.id) for r in recs]
    published = panels.latest_published_version(panel.id)
    return {
        "room": room_info,
        "recommendations": recs,
        "since": since,
        "seq": seq,
        "participant": {"id": participant.id, "display_name": participant.display_name},
        "voted": sorted(recommendations.votes_by(participant, [r["id"] for r in recs])),
        "published": published_link(panel.slug, published) if published else None,
        "session": session_state(panel),
        "broadcast": broadcasts.broadcast_shape(broadcasts.latest(panel, room.id)),
    }


def session_snapshot(panel: Panel, since: int | None) -> dict:
    """The session:watch ack: the whole state, or with `since` the posts changed after
    it (and the whole note)."""
    presence = placement.presence(panel.id)
    counts = {room_id: here.total for room_id, here in presence.items()}
    seq = recommendations.current_seq(panel.id)  # first: see the module docstring
    recs = recommendations.panel_recommendations(panel, since)
    return {
        "session": panel_shape(panel, counts, panels.latest_published_version(panel.id), presence),
        "rooms": [
            room_shape(r, counts.get(r.id, 0), presence.get(r.id, placement.Presence())) for r in panel.rooms
        ],
        "recommendations": recs,
        "since": since,
        "seq": seq,
        "note": notes.current_note_shape(panel),
    }
