"""Pairs of recommendations a moderator said are not the same idea."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .types import UTCDateTime, utcnow


class SuggestionDismissal(db.Model):
    """`first_id` < `second_id`: a pair is stored once, whichever order it was given in."""

    __tablename__ = "suggestion_dismissals"
    __table_args__ = (
        sa.UniqueConstraint("first_id", "second_id"),
        sa.CheckConstraint("first_id < second_id", name="ordered"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    panel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    first_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("recommendations.id", ondelete="CASCADE"))
    second_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("recommendations.id", ondelete="CASCADE"))
    moderator_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("moderators.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
