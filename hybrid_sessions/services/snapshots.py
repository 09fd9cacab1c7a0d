"""What a client gets when it (re)enters: a breakout room's posts, or a moderator's whole
session, with the change sequence number that later catch-ups start from.

The order of the reads is the guarantee: the sequence number is read before the posts,
so a change committed in between is both in the list and above `seq`, never in neither.
"""

import functools

import sqlalchemy as sa

from ..extensions import db
from ..links import public_url
from ..models import BreakoutRoom, Note, NoteVersion, Panel, Participant, Recommendation
from . import notes, panels, recommendations
from .shapes import panel_shape, rec_shapes_and_votes, room_shape


def published_link(slug: str, number: int) -> dict:
    """`note:published` and the `published` field of room:join.

    Sent to everyone in the session: never the publishing moderator's Host header.
    """
    return {"version": number, "url": public_url("pages.note", slug=slug)}


def room_snapshot(room: BreakoutRoom, participant: Participant, since: int | None) -> dict:
    """The room:join ack."""
    panel = room.panel
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


def room_return(room_id: int, participant_ids: list[int], since: int) -> tuple[int, dict] | None:
    """The room:join ack for a participant coming back, with `since`, to the room they
    are in: after a dropped connection, and on every page's periodic catch-up.

    When a venue's Wi-Fi comes back, a thousand of these arrive within two seconds, so
    this is two statements instead of nine: one reads the room, its session's sequence
    number and latest published version, the places taken in the room and the
    participant (checking they are in this room and not erased); one reads the posts
    changed since, with the participant's +1s. None when this is no such return (no such
    room, not a participant of its session, erased, in another room or none): the
    caller then takes the full path, which moves them or says why not. Otherwise the
    session's id and the ack.
    """
    if not participant_ids:
        return None
    row = db.session.execute(
        _return_statement(), {"room_id": room_id, "participant_ids": list(participant_ids)}
    ).first()
    if row is None:
        return None
    recs, voted = rec_shapes_and_votes(
        row.participant_id,
        Recommendation.room_id == sa.bindparam("room_id", row.id),
        Recommendation.panel_id == sa.bindparam("panel_id", row.panel_id),
        Recommendation.seq > sa.bindparam("since", since),
    )
    return row.panel_id, {
        "room": room_shape(row, row.taken),
        "recommendations": recs,
        "since": since,
        "seq": row.seq or 0,
        "participant": {"id": row.participant_id, "display_name": row.display_name},
        "voted": sorted(voted),
        "published": published_link(row.slug, row.published) if row.published else None,
    }


@functools.cache
def _return_statement():
    """`room_return`'s first statement, built once: building it (an alias, two correlated
    subqueries) cost more than running it, ~2 ms a call."""
    me = sa.orm.aliased(Participant)
    taken = (
        sa.select(sa.func.count(Participant.id))
        .where(Participant.room_id == BreakoutRoom.id)
        .correlate(BreakoutRoom)
        .scalar_subquery()
    )
    published = (
        sa.select(sa.func.max(NoteVersion.number))
        .join(Note, Note.id == NoteVersion.note_id)
        .where(Note.panel_id == BreakoutRoom.panel_id)
        .correlate(BreakoutRoom)
        .scalar_subquery()
    )
    return (
        sa.select(
            BreakoutRoom.id,
            BreakoutRoom.panel_id,
            BreakoutRoom.name,
            BreakoutRoom.prompt,
            BreakoutRoom.facilitator,
            BreakoutRoom.capacity,
            Panel.slug,
            Panel.change_seq.label("seq"),  # read before the posts: see the module docstring
            taken.label("taken"),
            published.label("published"),
            me.id.label("participant_id"),
            me.display_name,
        )
        .join(Panel, Panel.id == BreakoutRoom.panel_id)
        .join(me, sa.and_(me.panel_id == BreakoutRoom.panel_id, me.room_id == BreakoutRoom.id))
        .where(
            BreakoutRoom.id == sa.bindparam("room_id"),
            me.id.in_(sa.bindparam("participant_ids", expanding=True)),
            me.erased_at.is_(None),
        )
    )


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
