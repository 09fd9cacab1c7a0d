"""Moderator accounts: the people who run sessions and write the note."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .types import UTCDateTime, utcnow


class Moderator(db.Model):
    __tablename__ = "moderators"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    # A disabled account keeps its history (audit, authorship) but signs in nowhere.
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    # Stored in the signed-in cookie; bumped by a password change, a sign-out and a
    # disable, so every cookie (and socket) signed in before stops working.
    session_epoch: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    tokens: so.WriteOnlyMapped["ModeratorToken"] = so.relationship(
        back_populates="moderator", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def label(self) -> str:
        return self.display_name or self.email


class ModeratorToken(db.Model):
    """An API / socket bearer token. Only its SHA-256 is stored."""

    __tablename__ = "moderator_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    moderator_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("moderators.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Tokens expire (MODERATOR_TOKEN_DAYS); revoking one deletes its row.
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)

    moderator: so.Mapped[Moderator] = so.relationship(back_populates="tokens")
