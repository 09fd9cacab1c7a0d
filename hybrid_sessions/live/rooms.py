"""Participants' socket events: entering a breakout room, posting, +1, withdrawing
(CONTRACT.md section 4)."""

from flask import current_app
from flask_socketio import join_room, leave_room, rooms

from .. import quick_reads, schemas
from ..services import panels, participants, recommendations, snapshots
from ..services.shapes import anonymised, rec_shape
from . import broadcast, channels, rate_limits
from .events import event
from .identity import me


@event("room:join", schemas.RoomJoin)
def room_join(data: schemas.RoomJoin) -> dict:
    """Enter a breakout room (moving from another, if places allow); get its posts."""
    if data.since is not None:
        # Coming back to one's own room (a reconnect, the page's periodic catch-up):
        # nothing changes, so nobody else is told and two statements answer it.
        found = snapshots.room_return(
            data.room_id, list(me().participants.values()), data.since, quick_reads.of(current_app)
        )
        if found is not None:
            panel_id, snapshot = found
            join_room(channels.breakout(data.room_id))
            join_room(channels.everyone(panel_id))
            return snapshot
    room = participants.get_room_by_id(data.room_id)
    participant = me().participant_in(room.panel_id)
    moved, _left = participants.enter_room(participant, room)
    # Leave every other breakout room this socket listened to: the one just left, or
    # the one a moderator moved the participant out of (room:moved, then this join).
    here = channels.breakout(room.id)
    for channel in rooms():
        if channel != here and channels.is_breakout(channel):
            leave_room(channel)
    join_room(here)
    join_room(channels.everyone(room.panel_id))
    if moved:
        broadcast.presence_changed(room.panel)
    return snapshots.room_snapshot(room, participant, data.since)


@event("rec:post", schemas.RecPost)
def rec_post(data: schemas.RecPost) -> dict:
    """Post a recommendation. The ack comes after the commit; a retried client_id
    returns the first post and adds nothing."""
    room, participant = recommendations.get_posting_room(data.room_id, list(me().participants.values()))
    rate_limits.per_participant("RATE_LIMIT_POST", participant.id)
    rec, created = recommendations.post_recommendation(
        room, participant, data.client_id, data.text, data.queued_at
    )
    shape = rec_shape(rec)
    if created:
        broadcast.recommendation("rec:new", shape, rec.panel_id, room.panel.anonymous)
    return {"recommendation": shape, "duplicate": not created}


def _rec_change(data: schemas.RecRef, change) -> dict:
    rec = recommendations.get_recommendation(data.recommendation_id)
    participant = me().participant_in(rec.panel_id)
    rate_limits.per_participant("RATE_LIMIT_VOTE", participant.id)
    # Read before the change commits (and expires it); the service then finds it loaded.
    anonymous = panels.find_panel_by_id(rec.panel_id).anonymous
    rec, changed = change(rec.id, participant)
    shape = rec_shape(rec)
    if changed:
        broadcast.recommendation("rec:updated", shape, rec.panel_id, anonymous)
    return {"recommendation": anonymised(shape, participant.id) if anonymous else shape}


@event("rec:vote", schemas.RecRef)
def rec_vote(data: schemas.RecRef) -> dict:
    """+1 a recommendation in one's own room (once per person); closed outside
    rooms_open (with the grace of `queued_at`)."""
    return _rec_change(data, lambda rec_id, who: recommendations.vote(rec_id, who, data.queued_at))


@event("rec:unvote", schemas.RecRef)
def rec_unvote(data: schemas.RecRef) -> dict:
    """Take back one's +1 (closed like a +1)."""
    return _rec_change(data, lambda rec_id, who: recommendations.unvote(rec_id, who, data.queued_at))


@event("rec:withdraw", schemas.RecRef)
def rec_withdraw(data: schemas.RecRef) -> dict:
    """The author withdraws their own post (in every phase)."""
    return _rec_change(data, recommendations.withdraw)
