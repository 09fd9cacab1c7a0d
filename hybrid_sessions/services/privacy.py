"""Erasing a participant: their name and the text of their posts are removed for good.

Note items built from those posts keep the moderator's wording; their sources stay
(which room it came from) but point at an anonymous, withdrawn post. Published versions
never named participants, so they need no change.
"""

import logging
import secrets
import time

import sqlalchemy as sa

from ..extensions import db
from ..models import Moderator, Panel, Participant, Recommendation
from ..models.types import utcnow
from . import audit
from .accounts import hash_token
from .errors import NotFound
from .lookup import by_id
from .recommendations import next_seq

log = logging.getLogger(__name__)


def erase_participant(panel: Panel, participant_id: object, actor: Moderator) -> list[Recommendation]:
    """Erase the participant's name and posts; returns the erased posts (to broadcast)."""
    participant = by_id(Participant, participant_id, "no such participant")
    if participant.panel_id != panel.id:
        raise NotFound("no such participant in this session")
    now = utcnow()
    seq = next_seq(panel.id)  # one change, one number: it all commits together
    recs = list(
        db.session.scalars(
            sa.select(Recommendation)
            .where(Recommendation.author_id == participant.id)
            .order_by(Recommendation.id)
        )
    )
    for rec in recs:
        rec.text = ""
        rec.status = Recommendation.WITHDRAWN
        rec.erased_at = now
        rec.seq = seq
    participant.display_name = ""
    participant.erased_at = now
    # Their place in a breakout room is free at once for someone else.
    participant.room_id = None
    # The old token stops working: nobody can post under the erased identity again.
    participant.token_hash = hash_token(secrets.token_urlsafe(32))
    # The audit line names no one: the point of erasing is that the name is gone.
    audit.record(panel, actor, "participant.erase", participant_id=participant.id, posts=len(recs))
    db.session.commit()
    _flush_write_ahead_log()
    return recs


def _flush_write_ahead_log(attempts: int = 5) -> None:
    """SQLite keeps earlier copies of changed pages (the name, the texts) in its WAL
    file until a checkpoint; copy the erased state into the database and empty the WAL
    now. A reader holding an old snapshot can delay it: retry briefly, then leave it to
    the next automatic checkpoint (and say so)."""
    if db.engine.dialect.name != "sqlite":
        return
    for _ in range(attempts):
        with db.engine.connect() as connection:
            busy, _log, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if not busy:
            return
        time.sleep(0.05)
    log.warning("erasure: the SQLite WAL could not be emptied now; the next checkpoint will")
