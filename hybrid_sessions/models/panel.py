"""A panel session: the talk, its people, and who may moderate it."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from .. import limits
from ..extensions import db
from .join_code import unused_code
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
    # What people type at /k/<code> when scanning the QR code is not an option; fixed
    # at creation, so a code printed on a slide keeps working.
    join_code: so.Mapped[str] = so.mapped_column(sa.String(6), unique=True, default=unused_code)

    # Running the breakout phase (docs/api.md §6). The stored phase is what the
    # moderator last set; while it is rooms_open and rooms_close_at has passed, the
    # session is effectively rooms_closed (services/phases.py reads it so, and a
    # ticker writes it down and tells everyone).
    LOBBY, ROOMS_OPEN, ROOMS_CLOSED, PUBLISHED = "lobby", "rooms_open", "rooms_closed", "published"
    PHASES = (LOBBY, ROOMS_OPEN, ROOMS_CLOSED, PUBLISHED)
    SELF, BALANCED, BY_MODERATOR = "self", "balanced", "moderator"
    ASSIGNMENTS = (SELF, BALANCED, BY_MODERATOR)
    phase: so.Mapped[str] = so.mapped_column(sa.String(16), default=ROOMS_OPEN, server_default=ROOMS_OPEN)
    rooms_close_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, default=None)
    # When the rooms last closed (by the moderator or the timer): posts queued on a
    # phone before this moment are still taken for a short grace (services/phases.py).
    closed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, default=None)
    # The plenary stream (any https link), shown as a button on the panel and room pages.
    stream_url: so.Mapped[str] = so.mapped_column(sa.String(2000), default="", server_default="")
    # How people get into rooms: they choose, the server balances, or the moderator moves them.
    assignment: so.Mapped[str] = so.mapped_column(sa.String(16), default=SELF, server_default=SELF)
    # Participants see no names of others (moderators still do).
    anonymous: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # Which edits the pages kept for people with a session (the room page, the console)
    # were rendered after: bumped by models/page_revision.py, read with every kept
    # page's access check (web/personal_pages.py).
    page_revision: so.Mapped[int] = so.mapped_column(default=0, server_default="0")

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

    broadcasts: so.Mapped[list["Broadcast"]] = so.relationship(
        back_populates="panel", cascade="all, delete-orphan", order_by="Broadcast.id"
    )

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


class Broadcast(db.Model):
    """A short message from a moderator to every room of the session or to one room.

    Kept (not only pushed) so walls and pages opened later show the latest one.
    """

    __tablename__ = "broadcasts"
    __table_args__ = (sa.Index("ix_broadcasts_panel_id_id", "panel_id", "id"),)
    MAX_TEXT = limits.BROADCAST_TEXT

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    panel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("panels.id", ondelete="CASCADE"))
    # None: to the whole session.
    room_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("breakout_rooms.id", ondelete="CASCADE"), default=None
    )
    text: so.Mapped[str] = so.mapped_column(sa.String(1200))
    moderator_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("moderators.id", ondelete="SET NULL"), default=None
    )
    sent_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    panel: so.Mapped[Panel] = so.relationship(back_populates="broadcasts")
