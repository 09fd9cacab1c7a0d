"""The session note: a summary and sections of items merged from recommendations.

`Note` is the moderators' working copy; every publish freezes it into an immutable
`NoteVersion` (the idea of Indico's EventNote + EventNoteRevision).
"""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from .. import limits
from ..extensions import db
from .types import UTCDateTime, utcnow


class Note(db.Model):
    __tablename__ = "notes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    panel_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("panels.id", ondelete="CASCADE"), unique=True)
    summary: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Bumped by every change with a conditional UPDATE: the optimistic lock that turns
    # a second moderator's stale edit into a `conflict` instead of an overwrite.
    revision: so.Mapped[int] = so.mapped_column(default=0)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    sections: so.Mapped[list["NoteSection"]] = so.relationship(
        back_populates="note", cascade="all, delete-orphan", order_by="NoteSection.position"
    )


class NoteSection(db.Model):
    __tablename__ = "note_sections"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    note_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("notes.id", ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    position: so.Mapped[int] = so.mapped_column(default=0)

    note: so.Mapped[Note] = so.relationship(back_populates="sections")
    items: so.Mapped[list["NoteItem"]] = so.relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="NoteItem.position"
    )


class NoteItem(db.Model):
    __tablename__ = "note_items"
    MAX_TEXT = limits.NOTE_ITEM_TEXT

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    section_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("note_sections.id", ondelete="CASCADE"), index=True
    )
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    position: so.Mapped[int] = so.mapped_column(default=0)
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("moderators.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    section: so.Mapped[NoteSection] = so.relationship(back_populates="items")
    sources: so.Mapped[list["NoteItemSource"]] = so.relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="NoteItemSource.id"
    )


class NoteItemSource(db.Model):
    """Where an item came from. A recommendation is the source of at most one item,
    enforced by the unique constraint, so two racing merges cannot both take it."""

    __tablename__ = "note_item_sources"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    item_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("note_items.id", ondelete="CASCADE"), index=True)
    recommendation_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("recommendations.id", ondelete="CASCADE"), unique=True
    )

    item: so.Mapped[NoteItem] = so.relationship(back_populates="sources")
    recommendation: so.Mapped["Recommendation"] = so.relationship(lazy="joined")  # noqa: F821


class NoteVersion(db.Model):
    """A published note, frozen: what was published stays readable as it was."""

    __tablename__ = "note_versions"
    __table_args__ = (sa.UniqueConstraint("note_id", "number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    note_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("notes.id", ondelete="CASCADE"))
    number: so.Mapped[int]
    # The Note JSON shape of the contract at publish time.
    content: so.Mapped[dict] = so.mapped_column(sa.JSON)
    published_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    published_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("moderators.id", ondelete="SET NULL")
    )


class NoteChange(db.Model):
    """One change of the working copy, with the whole note before and after it.

    Undo is data, not code paths: undoing restores `before`, redoing restores `after`,
    so every note operation gets undo by being recorded here. Changes marked `undone`
    are the redo stack; a new change clears it.
    """

    __tablename__ = "note_changes"
    __table_args__ = (sa.Index("ix_note_changes_note_id_id", "note_id", "id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    note_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("notes.id", ondelete="CASCADE"))
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    before: so.Mapped[dict] = so.mapped_column(sa.JSON)
    after: so.Mapped[dict] = so.mapped_column(sa.JSON)
    undone: so.Mapped[bool] = so.mapped_column(default=False)
    moderator_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("moderators.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
