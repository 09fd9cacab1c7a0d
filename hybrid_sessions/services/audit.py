"""Recording moderator actions, in the same transaction as the action itself.

An action that is rolled back leaves no audit line; one that is committed always has
its line. The log is for the session's moderators (CONTRACT additions in docs/api.md).
"""

import sqlalchemy as sa

from ..extensions import db
from ..models import AuditEvent, Moderator, Panel
from .shapes import iso


def record(panel: Panel, actor: Moderator | None, action: str, **details) -> None:
    db.session.add(
        AuditEvent(
            panel_id=panel.id,
            moderator_id=actor.id if actor else None,
            action=action,
            details=details,
        )
    )


def events(panel: Panel, limit: int = 200) -> list[dict]:
    rows = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.panel_id == panel.id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return [
        {
            "id": row.id,
            "action": row.action,
            "moderator": row.moderator.label if row.moderator else None,
            "details": row.details,
            "at": iso(row.created_at),
        }
        for row in rows
    ]
