"""Moderators running the breakout phase (CONTRACT.md section 6): the phase and its
timer, broadcasts, moving people between rooms, and the list of who is where."""

from .. import schemas
from ..services import broadcasts, phases, placement, snapshots
from . import broadcast
from .events import event
from .moderation import moderated_panel


@event("session:phase", schemas.SessionPhase)
def session_phase(data: schemas.SessionPhase) -> dict:
    """Open (with a time, or extended), close early, back to the lobby, published; every
    page and console of the session follows at once."""
    moderator, panel = moderated_panel(data.slug)
    phases.set_phase(
        panel,
        moderator,
        data.phase,
        data.rooms_close_at,
        minutes=data.minutes,
        extend_minutes=data.extend_minutes,
    )
    broadcast.phase_changed(panel)
    return {"session": snapshots.session_object(panel)}


@event("session:broadcast", schemas.SessionBroadcast)
def session_broadcast(data: schemas.SessionBroadcast) -> dict:
    """A short message to every room, or to one room; stored and in the audit log."""
    moderator, panel = moderated_panel(data.slug)
    sent = broadcasts.broadcast_shape(broadcasts.send(panel, moderator, data.text, data.room_id))
    broadcast.session_broadcast(panel, sent)
    return {"broadcast": sent}


@event("participant:move", schemas.ParticipantMove)
def participant_move(data: schemas.ParticipantMove) -> dict:
    """Move someone into a room (any assignment mode); their page follows live."""
    moderator, panel = moderated_panel(data.slug)
    participant, moved = placement.move(panel, moderator, data.participant_id, data.room_id)
    if moved:
        room = next(r for r in broadcast.rooms_changed(panel) if r["id"] == participant.room_id)
        broadcast.moved(participant.id, room)
    return {"participant": {"id": participant.id, "room_id": participant.room_id}}


@event("session:participants", schemas.SessionRef, rate_limited=False)
def session_participants(data: schemas.SessionRef) -> dict:
    """Who joined and where they are, for the console's move controls."""
    _, panel = moderated_panel(data.slug)
    return {"participants": placement.participants_of(panel)}
