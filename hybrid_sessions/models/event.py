"""Events: a conference or seminar around the sessions (CONTRACT.md section 7).

An event has days, a day has slots (a plenary, a break, or a choice between parallel
tracks), a track may have a lead, a place, a capacity and a linked session. People
register with one choice per parallel slot; a choice is confirmed or waitlisted.
"""

from datetime import date, datetime, time

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..extensions import db
from .types import UTCDateTime, utcnow


class Event(db.Model):
    __tablename__ = "events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    about: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    venue: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    # Slot times are wall-clock times at the venue, in this timezone.
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64), default="Europe/Warsaw")
    registration_closes_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, default=None)
    # The moderator who created it manages it; None (imported from a file): any moderator.
    organiser_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("moderators.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    days: so.Mapped[list["EventDay"]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventDay.position"
    )

    @property
    def slots(self) -> list["Slot"]:
        return [slot for day in self.days for slot in day.slots]

    @property
    def parallel_slots(self) -> list["Slot"]:
        return [slot for slot in self.slots if slot.kind == Slot.PARALLEL]


class EventDay(db.Model):
    __tablename__ = "event_days"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    date: so.Mapped[date] = so.mapped_column(sa.Date)
    position: so.Mapped[int] = so.mapped_column(default=0)

    event: so.Mapped[Event] = so.relationship(back_populates="days")
    slots: so.Mapped[list["Slot"]] = so.relationship(
        back_populates="day", cascade="all, delete-orphan", order_by="Slot.position"
    )


class Slot(db.Model):
    __tablename__ = "event_slots"
    PLENARY, PARALLEL, BREAK = "plenary", "parallel", "break"
    KINDS = (PLENARY, PARALLEL, BREAK)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    day_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event_days.id", ondelete="CASCADE"), index=True)
    starts_at: so.Mapped[time] = so.mapped_column(sa.Time)
    ends_at: so.Mapped[time | None] = so.mapped_column(sa.Time, default=None)
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    about: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    position: so.Mapped[int] = so.mapped_column(default=0)

    day: so.Mapped[EventDay] = so.relationship(back_populates="slots")
    tracks: so.Mapped[list["Track"]] = so.relationship(
        back_populates="slot", cascade="all, delete-orphan", order_by="Track.position"
    )


class Track(db.Model):
    """One of a parallel slot's choices: a workshop group, a study visit."""

    __tablename__ = "event_tracks"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slot_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("event_slots.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(300))
    about: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    lead: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    place: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    capacity: so.Mapped[int | None] = so.mapped_column(default=None)
    # The slug of a session (panel) run in this track, e.g. a workshop group's room.
    session_slug: so.Mapped[str | None] = so.mapped_column(sa.String(80), default=None)
    position: so.Mapped[int] = so.mapped_column(default=0)
    # Kept by the registration service under the track's row lock: every change of a
    # choice's status on this track first updates this row, so concurrent sign-ups and
    # cancellations for one track happen one after another (SQLite and PostgreSQL alike).
    confirmed_count: so.Mapped[int] = so.mapped_column(default=0)

    slot: so.Mapped[Slot] = so.relationship(back_populates="tracks")


class Registration(db.Model):
    __tablename__ = "event_registrations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "code"),
        # One active registration per email and event, even when a form is sent twice
        # at once (a partial unique index: cancelled ones do not count).
        sa.Index(
            "uq_event_registrations_active_email",
            "event_id",
            "email",
            unique=True,
            sqlite_where=sa.text("cancelled_at IS NULL"),
            postgresql_where=sa.text("cancelled_at IS NULL"),
        ),
    )
    REMOTE, IN_ROOM = "remote", "in_room"
    ATTENDANCE = (IN_ROOM, REMOTE)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    organisation: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    attendance: so.Mapped[str] = so.mapped_column(sa.String(16))
    # SHA-256 of the personal token; the token is only ever given to the person.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # A short code for check-in at the door (read out or scanned from the personal page).
    code: so.Mapped[str] = so.mapped_column(sa.String(12))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, default=None)
    checked_in_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, default=None)
    # The language the person registered in: their emails are written in it, even the
    # notice sent when someone else's cancellation moves them up.
    locale: so.Mapped[str] = so.mapped_column(sa.String(8), default="pl", server_default="pl")
    # Set when the person's data was erased (by them or the organiser).
    erased_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, default=None)

    choices: so.Mapped[list["Choice"]] = so.relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="Choice.slot_id"
    )


class Choice(db.Model):
    """A person's track in one parallel slot. The waiting list of a track is its
    waitlisted choices by id: ids are given under the track's lock, so in order of arrival."""

    __tablename__ = "event_choices"
    __table_args__ = (sa.UniqueConstraint("registration_id", "slot_id"),)
    CONFIRMED, WAITLISTED = "confirmed", "waitlisted"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    registration_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("event_registrations.id", ondelete="CASCADE"), index=True
    )
    slot_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("event_slots.id", ondelete="CASCADE"))
    track_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("event_tracks.id", ondelete="CASCADE"), index=True
    )
    status: so.Mapped[str] = so.mapped_column(sa.String(16))
    queued_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    registration: so.Mapped[Registration] = so.relationship(back_populates="choices")
    track: so.Mapped[Track] = so.relationship()


class ReportSection(db.Model):
    """A section of the event report that the organiser merges across sessions (e.g.
    "benefits for local government"), after the sessions' own notes."""

    __tablename__ = "event_report_sections"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    position: so.Mapped[int] = so.mapped_column(default=0)

    items: so.Mapped[list["ReportItem"]] = so.relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="ReportItem.position"
    )


class ReportItem(db.Model):
    __tablename__ = "event_report_items"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    section_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("event_report_sections.id", ondelete="CASCADE"), index=True
    )
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    position: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    section: so.Mapped[ReportSection] = so.relationship(back_populates="items")
    sources: so.Mapped[list["ReportItemSource"]] = so.relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="ReportItemSource.id"
    )


class ReportItemSource(db.Model):
    """Where a merged item came from: a published note item of one session, copied as it
    was published (published versions never change), so provenance stays readable."""

    __tablename__ = "event_report_item_sources"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    item_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("event_report_items.id", ondelete="CASCADE"), index=True
    )
    panel_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("panels.id", ondelete="SET NULL"))
    # "<published version>:<note item id>" of the source.
    note_item_key: so.Mapped[str] = so.mapped_column(sa.String(40))
    group: so.Mapped[str] = so.mapped_column(sa.String(300))
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    support: so.Mapped[int] = so.mapped_column(default=0)

    item: so.Mapped[ReportItem] = so.relationship(back_populates="sources")
