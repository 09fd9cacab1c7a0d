"""Participants' socket events: entering a breakout room, posting, +1, withdrawing
(CONTRACT.md section 4)."""

from flask_socketio import join_room, leave_room

from .. import schemas
from ..services import participants, recommendations, snapshots
from ..services.shapes import rec_shape
from . import broadcast, channels, rate_limits
from .events import event
from .identity import me


@event("room:join", schemas.RoomJoin)
def room_join(data: schemas.RoomJoin) -> dict:
    """Enter a breakout room (moving from another, if places allow); get its posts."""
    if data.since is not None:
        # Coming back to one's own room (a reconnect, the page's periodic catch-up):
        # nothing changes, so nobody else is told and two statements answer it.
        found = snapshots.room_return(data.room_id, list(me().participants.values()), data.since)
        if found is not None:
            panel_id, snapshot = found
            join_room(channels.breakout(data.room_id))
            join_room(channels.everyone(panel_id))
            return snapshot
    room = participants.get_room_by_id(data.room_id)
    participant = me().participant_in(room.panel_id)
    moved, left = participants.enter_room(participant, room)
    if left is not None:
        leave_room(channels.breakout(left.id))
    join_room(channels.breakout(room.id))
    join_room(channels.everyone(room.panel_id))
    if moved:
        broadcast.rooms_changed(room.panel)
    return snapshots.room_snapshot(room, participant, data.since)


@event("rec:post", schemas.RecPost)
def rec_post(data: schemas.RecPost) -> dict:
    """Post a recommendation. The ack comes after the commit; a retried client_id
    returns the first post and adds nothing."""
    room = participants.get_room_by_id(data.room_id)
    participant = me().participant_in(room.panel_id)
    rate_limits.per_participant("RATE_LIMIT_POST", participant.id)
    rec, created = recommendations.post_recommendation(room, participant, data.client_id, data.text)
    shape = rec_shape(rec)
    if created:
        broadcast.recommendation("rec:new", shape, rec.panel_id)
    return {"recommendation": shape, "duplicate": not created}


def _rec_change(data: schemas.RecRef, change) -> dict:
    rec = recommendations.get_recommendation(data.recommendation_id)
    participant = me().participant_in(rec.panel_id)
    rate_limits.per_participant("RATE_LIMIT_VOTE", participant.id)
    rec, changed = change(rec.id, participant)
    shape = rec_shape(rec)
    if changed:
        broadcast.recommendation("rec:updated", shape, rec.panel_id)
    return {"recommendation": shape}


@event("rec:vote", schemas.RecRef)
def rec_vote(data: schemas.RecRef) -> dict:
    """+1 a recommendation in one's own room (once per person)."""
    return _rec_change(data, recommendations.vote)


@event("rec:unvote", schemas.RecRef)
def rec_unvote(data: schemas.RecRef) -> dict:
    """Take back one's +1."""
    return _rec_change(data, recommendations.unvote)


@event("rec:withdraw", schemas.RecRef)
def rec_withdraw(data: schemas.RecRef) -> dict:
    """The author withdraws their own post."""
    return _rec_change(data, recommendations.withdraw)
