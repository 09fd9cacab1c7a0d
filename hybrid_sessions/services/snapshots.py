"""What a client gets when it (re)enters: a breakout room's posts, or a moderator's whole
session, with the change sequence number that later catch-ups start from.

The order of the reads is the guarantee: the sequence number is read before the posts,
so a change committed in between is both in the list and above `seq`, never in neither.
"""

import functools
from types import SimpleNamespace

import sqlalchemy as sa

from .. import quick_reads
from ..extensions import db
from ..links import public_url
from ..models import BreakoutRoom, Broadcast, Note, NoteVersion, Panel, Participant, Recommendation
from . import broadcasts, notes, panels, phases, placement, recommendations
from .shapes import (
    REC_CREATED_AT,
    anonymised,
    panel_shape,
    rec_select_with_votes,
    room_shape,
    shapes_and_votes,
)


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


def room_return(room_id: int, participant_ids: list[int], since: int, reads=None) -> tuple[int, dict] | None:
    """The room:join ack for a participant coming back, with `since`, to the room they
    are in: after a dropped connection, and on every page's periodic catch-up.

    When a venue's Wi-Fi comes back, a thousand of these arrive within two seconds, so
    this is two statements however much changed: one reads the room, its session (with
    its sequence number, latest published version and the id of the latest broadcast to
    the room), the room's presence (in the room / remote) and the participant (checking
    they are in this room and not erased); one reads the posts changed since, with the
    participant's +1s. A third loads the broadcast when there is one. With `reads`
    (quick_reads.Reads) and one participant, as every participant's socket has, they
    run past the ORM: its session and statement handling were four fifths of a
    return's time, the queries themselves a fifth. None when this is no such return (no
    such room, not a participant of its session, erased, in another room or none): the
    caller then takes the full path, which moves them or says why not. Otherwise the
    session's id and the ack.
    """
    if not participant_ids:
        return None
    if reads is not None and len(participant_ids) == 1:
        found = _quick_return(reads, room_id, participant_ids[0], since)
        if found is not None:
            return found
        # Not found, or the read failed: the ORM answers either way.
    row = db.session.execute(
        _return_statement(False), {"room_id": room_id, "participant_ids": list(participant_ids)}
    ).first()
    if row is None:
        return None
    recs, voted = shapes_and_votes(
        db.session.execute(
            _catch_up_statement(),
            {"voter": row.participant_id, "room_id": row.id, "panel_id": row.panel_id, "since": since},
        ).all()
    )
    # Usually there is none: the first statement said so, and no third one is run.
    broadcast = db.session.get(Broadcast, row.latest_broadcast) if row.latest_broadcast else None
    return row.panel_id, _return_ack(row, row.Panel, recs, voted, since, broadcast)


def _quick_return(reads, room_id: int, participant_id: int, since: int) -> tuple[int, dict] | None:
    """`room_return` through `reads`: the same statements, with the panel's columns
    instead of the Panel object, and the values the column types would convert
    (UTC times, SQLite's 0/1 booleans) converted here."""
    statement = _return_statement(True)
    found = reads.first(statement, {"room_id": room_id, "participant_id": participant_id})
    if found is None:
        return None
    row = SimpleNamespace(**dict(zip(statement.selected_columns.keys(), found, strict=True)))
    row.rooms_close_at = quick_reads.utc(row.rooms_close_at)
    row.anonymous = bool(row.anonymous)
    params = {"voter": row.participant_id, "room_id": row.id, "panel_id": row.panel_id, "since": since}
    rows = reads.all(_catch_up_statement(), params)
    if rows is None:
        return None
    rows = [(*r[:REC_CREATED_AT], quick_reads.utc(r[REC_CREATED_AT]), *r[REC_CREATED_AT + 1 :]) for r in rows]
    recs, voted = shapes_and_votes(rows)
    broadcast = None
    if row.latest_broadcast:
        found = reads.first(_broadcast_statement(), {"broadcast_id": row.latest_broadcast})
        if found is None:
            return None
        broadcast = SimpleNamespace(
            id=found[0], text=found[1], room_id=found[2], sent_at=quick_reads.utc(found[3])
        )
    return row.panel_id, _return_ack(row, row, recs, voted, since, broadcast)


def _return_ack(row, panel, recs: list[dict], voted: list[int], since: int, broadcast) -> dict:
    """What the full ack also carries (presence, phase, the latest broadcast), counted as
    placement.presence counts, so both answers stay the same (a test compares them).
    The session and the room's presence came with the first statement: a separate read
    of each, with the whole session's presence grouped, was ~40 % of a return."""
    here = placement.Presence(row.in_room, row.remote)
    if panel.anonymous:
        recs = [anonymised(r, row.participant_id) for r in recs]
    return {
        "room": room_shape(row, here.total, here),
        "recommendations": recs,
        "since": since,
        "seq": row.seq or 0,
        "participant": {"id": row.participant_id, "display_name": row.display_name},
        "voted": sorted(voted),
        "published": published_link(row.slug, row.published) if row.published else None,
        "session": session_state(panel),
        "broadcast": broadcasts.broadcast_shape(broadcast),
    }


@functools.cache
def _broadcast_statement():
    return sa.select(Broadcast.id, Broadcast.text, Broadcast.room_id, Broadcast.sent_at).where(
        Broadcast.id == sa.bindparam("broadcast_id")
    )


@functools.cache
def _return_statement(quick: bool):
    """`room_return`'s first statement, built once: building it (an alias, three correlated
    subqueries) cost more than running it, ~2 ms a call. The quick one (for
    quick_reads.Reads) reads the panel's columns rather than the Panel object, for one
    participant id rather than a list (a list is expanded per call, not compiled once)."""
    me = sa.orm.aliased(Participant)

    def present(attendance: str):
        # As placement.presence counts: everyone placed in the room, by attendance.
        return (
            sa.select(sa.func.count(Participant.id))
            .where(Participant.room_id == BreakoutRoom.id, Participant.attendance == attendance)
            .correlate(BreakoutRoom)
            .scalar_subquery()
        )

    # As broadcasts.latest(panel, room) finds it: the newest that reached this room.
    latest_broadcast = (
        sa.select(sa.func.max(Broadcast.id))
        .where(Broadcast.panel_id == BreakoutRoom.panel_id, broadcasts.reaching(BreakoutRoom.id))
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
            BreakoutRoom.call_url,
            *(
                (Panel.phase, Panel.rooms_close_at, Panel.stream_url, Panel.assignment, Panel.anonymous)
                if quick
                else (Panel,)
            ),
            Panel.slug,
            Panel.change_seq.label("seq"),  # read before the posts: see the module docstring
            present(Participant.IN_ROOM).label("in_room"),
            present(Participant.REMOTE).label("remote"),
            published.label("published"),
            latest_broadcast.label("latest_broadcast"),
            me.id.label("participant_id"),
            me.display_name,
        )
        .join(Panel, Panel.id == BreakoutRoom.panel_id)
        .join(me, sa.and_(me.panel_id == BreakoutRoom.panel_id, me.room_id == BreakoutRoom.id))
        .where(
            BreakoutRoom.id == sa.bindparam("room_id"),
            me.id == sa.bindparam("participant_id")
            if quick
            else me.id.in_(sa.bindparam("participant_ids", expanding=True)),
            me.erased_at.is_(None),
        )
    )


@functools.cache
def _catch_up_statement():
    """`room_return`'s second statement, the room's posts changed since, with the
    participant's +1s, built once (building it per return cost about as much as running it)."""
    return rec_select_with_votes(sa.bindparam("voter")).where(
        Recommendation.room_id == sa.bindparam("room_id"),
        Recommendation.panel_id == sa.bindparam("panel_id"),
        Recommendation.seq > sa.bindparam("since"),
    )


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
