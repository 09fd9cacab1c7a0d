"""Recommendations posted in breakout rooms, and the +1s they get."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from .. import limits
from ..extensions import db
from .participant import Participant
from .room import BreakoutRoom
from .types import UTCDateTime, utcnow


class Recommendation(db.Model):
    __tablename__ = "recommendations"
    __table_args__ = (
        # A retried post (same client_id) must never make a second row, even in a race.
        sa.UniqueConstraint("author_id", "client_id"),
        sa.Index("ix_recommendations_panel_id_id", "panel_id", "id"),
        sa.Index("ix_recommendations_room_id_id", "room_id", "id"),
        sa.Index("ix_recommendations_panel_id_seq", "panel_id", "seq"),
    )
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    MAX_TEXT = limits.POST_TEXT

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    panel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("panels.id", ondelete="CASCADE"))
    room_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("breakout_rooms.id", ondelete="CASCADE"))
    author_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("participants.id", ondelete="CASCADE"))
    client_id: so.Mapped[str] = so.mapped_column(sa.String(36))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default=ACTIVE)
    # Kept in step with the votes table in the same transaction, so listing a room
    # never counts votes row by row.
    vote_count: so.Mapped[int] = so.mapped_column(default=0)
    # The session's change_seq at this recommendation's latest change (post, vote,
    # withdrawal): what a reconnecting client compares with the last one it saw.
    seq: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Set when a moderator erased the author's posts: the text is gone for good.
    erased_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, default=None)

    author: so.Mapped[Participant] = so.relationship(lazy="joined")
    room: so.Mapped[BreakoutRoom] = so.relationship()


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (sa.UniqueConstraint("recommendation_id", "participant_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    recommendation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="CASCADE")
    )
    participant_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
