"""The note's history, for undo and redo: the whole working copy before and after each change.

A snapshot holds what a moderator sees and edits (summary, sections, items with their
wording, author and sources), not row ids: restoring one rebuilds the sections and
items, so the ids of restored items are new. Snapshots of a 300-item note are a few
tens of kilobytes; only the last `HISTORY_LIMIT` changes are kept.
"""

import sqlalchemy as sa

from ..extensions import db
from ..models import Moderator, Note, NoteChange, NoteItem, NoteItemSource, NoteSection

HISTORY_LIMIT = 50


def snapshot(note: Note) -> dict:
    return {
        "summary": note.summary,
        "sections": [
            {
                "title": section.title,
                "items": [
                    {
                        "text": item.text,
                        "created_by_id": item.created_by_id,
                        "sources": [source.recommendation_id for source in item.sources],
                    }
                    for item in section.items
                ],
            }
            for section in note.sections
        ],
    }


def restore(note: Note, state: dict) -> None:
    """Make the working copy what `state` describes."""
    for section in list(note.sections):
        note.sections.remove(section)  # delete-orphan: its items and sources go too
    # The old sources must be gone before the same recommendations get new ones
    # (a recommendation is the source of at most one item: a unique index).
    db.session.flush()
    note.summary = state["summary"]
    for position, section_state in enumerate(state["sections"]):
        section = NoteSection(title=section_state["title"], position=position)
        note.sections.append(section)
        for item_position, item_state in enumerate(section_state["items"]):
            item = NoteItem(
                text=item_state["text"], position=item_position, created_by_id=item_state.get("created_by_id")
            )
            item.sources = [NoteItemSource(recommendation_id=rec_id) for rec_id in item_state["sources"]]
            section.items.append(item)


def record(note: Note, action: str, before: dict, actor: Moderator) -> None:
    """Remember a change just made (in the same transaction); a new change ends redo."""
    db.session.execute(
        sa.delete(NoteChange).where(NoteChange.note_id == note.id, NoteChange.undone.is_(True))
    )
    db.session.add(
        NoteChange(note_id=note.id, action=action, before=before, after=snapshot(note), moderator_id=actor.id)
    )
    db.session.flush()
    too_old = (
        sa.select(NoteChange.id)
        .where(NoteChange.note_id == note.id)
        .order_by(NoteChange.id.desc())
        .offset(HISTORY_LIMIT)
    )
    db.session.execute(sa.delete(NoteChange).where(NoteChange.id.in_(too_old)))


def last_done(note_id: int) -> NoteChange | None:
    """The change `undo` would revert."""
    return db.session.scalar(
        sa.select(NoteChange)
        .where(NoteChange.note_id == note_id, NoteChange.undone.is_(False))
        .order_by(NoteChange.id.desc())
        .limit(1)
    )


def first_undone(note_id: int) -> NoteChange | None:
    """The change `redo` would re-apply: the most recently undone one."""
    return db.session.scalar(
        sa.select(NoteChange)
        .where(NoteChange.note_id == note_id, NoteChange.undone.is_(True))
        .order_by(NoteChange.id)
        .limit(1)
    )


def available(note_id: int) -> dict:
    """What undo and redo would do now (the action names), for the console's buttons."""
    undo = last_done(note_id)
    redo = first_undone(note_id)
    return {"undo": undo.action if undo else None, "redo": redo.action if redo else None}
