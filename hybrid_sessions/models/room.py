"""Breakout rooms: a topic, a prompt question, a facilitator and a number of places."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .panel import Panel


class BreakoutRoom(db.Model):
    __tablename__ = "breakout_rooms"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    panel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    prompt: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    facilitator: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    # None: no limit (a plenary room); otherwise the places, as for study visits.
    capacity: so.Mapped[int | None] = so.mapped_column(default=None)
    position: so.Mapped[int] = so.mapped_column(default=0)
    # The room's video call (Jitsi, BigBlueButton, Zoom, Teams: any https link), for
    # the remote people of the room; shown as a button, never embedded by default.
    call_url: so.Mapped[str] = so.mapped_column(sa.String(2000), default="", server_default="")

    panel: so.Mapped[Panel] = so.relationship(back_populates="rooms")
