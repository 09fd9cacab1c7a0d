"""Participants: people who joined a session without an account."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .types import UTCDateTime, utcnow


class Participant(db.Model):
    __tablename__ = "participants"
    REMOTE = "remote"
    IN_ROOM = "in_room"
    ATTENDANCE = (REMOTE, IN_ROOM)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    panel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    # The breakout room they are in; capacity counts these. None: not placed yet (in a
    # session where the moderator places people, they wait in the lobby).
    room_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("breakout_rooms.id", ondelete="SET NULL"), index=True
    )
    display_name: so.Mapped[str] = so.mapped_column(sa.String(60))
    # Where they are: in the venue's room or remote; asked on joining, counted per room
    # (presence) and spread alike by balanced placement.
    attendance: so.Mapped[str] = so.mapped_column(sa.String(16))
    # SHA-256 of the bearer token; the token itself is only ever given to the participant.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Set when a moderator erased this participant: name and posts are gone.
    erased_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, default=None)
