"""A panel session: the talk, its people, and who may moderate it."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .moderator import Moderator
from .types import UTCDateTime, utcnow

panel_moderators = sa.Table(
    "panel_moderators",
    db.metadata,
    sa.Column("panel_id", sa.ForeignKey("panels.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("moderator_id", sa.ForeignKey("moderators.id", ondelete="CASCADE"), primary_key=True),
)


class Panel(db.Model):
    __tablename__ = "panels"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    about: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # How to take part: the venue's room and the video link, as the organiser words it.
    join_info: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    ends_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    # Times are stored in UTC and shown in the timezone the organiser chose.
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64), default="Europe/Warsaw")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # The session's change counter: every recommendation change takes the next value,
    # so a client that reconnects can ask for "everything after N".
    change_seq: so.Mapped[int] = so.mapped_column(default=0)

    people: so.Mapped[list["PanelPerson"]] = so.relationship(
        back_populates="panel",
        cascade="all, delete-orphan",
        order_by="PanelPerson.position",
    )
    rooms: so.Mapped[list["BreakoutRoom"]] = so.relationship(  # noqa: F821
        back_populates="panel",
        cascade="all, delete-orphan",
        order_by="BreakoutRoom.position",
    )
    moderators: so.Mapped[list[Moderator]] = so.relationship(secondary=panel_moderators)

    @property
    def host(self) -> "PanelPerson | None":
        return next((p for p in self.people if p.role == PanelPerson.HOST), None)

    @property
    def guests(self) -> list["PanelPerson"]:
        return [p for p in self.people if p.role == PanelPerson.GUEST]


class PanelPerson(db.Model):
    """The panel's host or a guest, with a bio, as on the panel page.

    The host is a person on the programme, not an account: the contract calls them
    `moderator` (so does the stored role), while `Panel.moderators` are the accounts
    that run the session's console.
    """

    __tablename__ = "panel_people"
    HOST = "moderator"  # the stored role value of the host
    GUEST = "guest"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    panel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("panels.id", ondelete="CASCADE"), index=True)
    role: so.Mapped[str] = so.mapped_column(sa.String(16))
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    bio: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    position: so.Mapped[int] = so.mapped_column(default=0)

    panel: so.Mapped[Panel] = so.relationship(back_populates="people")
