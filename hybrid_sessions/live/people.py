"""The console's list of people: who joined, where they are, which room they are in
(for moving them, and placing those who wait in a session the moderator places)."""

from .. import schemas
from ..services import participants
from .events import event
from .moderation import moderated_panel


@event("session:people", schemas.SessionRef, rate_limited=False)
def session_people(data: schemas.SessionRef) -> dict:
    """Moderators only: everyone in the session with their room (null: waiting)."""
    _, panel = moderated_panel(data.slug)
    return {"people": participants.roster(panel)}
