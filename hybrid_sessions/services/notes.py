"""The session note: merging recommendations into items, editing, and publishing.

Every change goes through `_bump`, a conditional UPDATE of the note's revision. When two
moderators act on the same revision, exactly one UPDATE matches; the other gets
`Conflict` carrying the current note, and nothing is overwritten.
"""

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .. import limits
from ..extensions import db
from ..models import (
    Moderator,
    Note,
    NoteItem,
    NoteItemSource,
    NoteSection,
    NoteVersion,
    Panel,
    Recommendation,
)
from ..models.types import utcnow
from . import audit, note_history
from .errors import AlreadyMerged, Conflict, Invalid, NotFound
from .lookup import MAX_ID, by_id
from .panels import latest_published_version
from .shapes import note_shape
from .text import clean_text

MAX_SOURCES = limits.ITEM_SOURCES
MAX_SUMMARY = limits.NOTE_SUMMARY


def get_or_create_note(panel: Panel) -> Note:
    """The session's working note; a session made before notes existed gets an empty
    one, committed at once."""
    note = db.session.scalar(sa.select(Note).where(Note.panel_id == panel.id))
    if note is None:
        note = Note(panel_id=panel.id)
        db.session.add(note)
        db.session.commit()
    return note


def current_note_shape(panel: Panel, note: Note | None = None) -> dict:
    note = note or get_or_create_note(panel)
    return note_shape(note, panel.slug, latest_published_version(panel.id))


def reloaded_note_shape(panel: Panel) -> dict:
    """The note after a change, read afresh: rows loaded before the change (items,
    sections, sources) may be stale in this session."""
    db.session.expire_all()
    return current_note_shape(panel)


def _conflict(panel: Panel) -> Conflict:
    db.session.rollback()
    return Conflict(
        "someone changed the note first; here is the current version",
        note=current_note_shape(panel),
    )


def _bump(panel: Panel, note: Note, expected_version: int | None) -> dict:
    """Take the note's next revision, or raise Conflict; returns the note as it was
    (for undo)."""
    seen = note.revision
    if expected_version is not None and expected_version != seen:
        raise _conflict(panel)
    result = db.session.execute(
        sa.update(Note)
        .where(Note.id == note.id, Note.revision == seen)
        .values(revision=seen + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise _conflict(panel)
    note.revision = seen + 1
    return note_history.snapshot(note)


def _save(note: Note, action: str, before: dict, actor: Moderator) -> None:
    """Commit a change of the working copy with its place in the undo history."""
    note_history.record(note, action, before, actor)
    db.session.commit()


def _ids(value: object, field: str, limit: int) -> list[int]:
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise Invalid(f"{field} must be a list of ids")
    if len(value) > limit:
        raise Invalid(f"{field} holds at most {limit} ids")
    if len(set(value)) != len(value):
        raise Invalid(f"{field} lists an id twice")
    return value


def _section_title(value: object) -> str:
    return clean_text(value, "section", max_len=limits.NOTE_SECTION_TITLE, multiline=False)


def _item_text(value: object) -> str:
    return clean_text(value, "text", max_len=NoteItem.MAX_TEXT)


def _section_for(note: Note, title: str) -> NoteSection:
    """The section with this title (case-insensitive), or a new one at the end."""
    for section in note.sections:
        if section.title.casefold() == title.casefold():
            return section
    section = NoteSection(title=title, position=len(note.sections))
    note.sections.append(section)
    return section


def _renumber(items_or_sections: list) -> None:
    for position, thing in enumerate(items_or_sections):
        thing.position = position


def _move(item: NoteItem, target: NoteSection, position: int | None) -> None:
    """Move an item to `position` in `target` (None: the end), renumbering both sections.

    Autoflush is off meanwhile: between leaving one collection and joining the other the
    item is an orphan, and a flush then would delete it.
    """
    with db.session.no_autoflush:
        source = item.section
        source.items.remove(item)
        target.items.insert(len(target.items) if position is None else position, item)
        _renumber(source.items)
        _renumber(target.items)


def _get_item(note: Note, item_id: object) -> NoteItem:
    item = by_id(NoteItem, item_id, "no such item in this note")
    if item.section.note_id != note.id:
        raise NotFound("no such item in this note")
    return item


def _get_section(note: Note, section_id: object) -> NoteSection:
    section = by_id(NoteSection, section_id, "no such section in this note")
    if section.note_id != note.id:
        raise NotFound("no such section in this note")
    return section


def merge_into_note(
    panel: Panel,
    recommendation_ids: object,
    text: object,
    section: object,
    actor: Moderator,
    expected_version: int | None = None,
) -> NoteItem:
    """Turn recommendations (from any rooms of the session) into one note item.

    With no recommendation ids the moderator adds an item of their own (e.g. a point
    a guest made in the talk), which has no sources and no support.
    """
    rec_ids = _ids(recommendation_ids, "recommendation_ids", MAX_SOURCES)
    text = _item_text(text)
    title = _section_title(section)
    note = get_or_create_note(panel)
    recs = _free_recommendations(panel, rec_ids)
    before = _bump(panel, note, expected_version)
    target = _section_for(note, title)
    item = NoteItem(text=text, position=len(target.items), created_by_id=actor.id)
    item.sources = [NoteItemSource(recommendation_id=r.id) for r in recs]
    target.items.append(item)
    db.session.flush()
    audit.record(
        panel, actor, "note.merge", item_id=item.id, text=text, section=title, recommendation_ids=rec_ids
    )
    _save_sources(note, "merge", before, actor)
    return item


def _free_recommendations(panel: Panel, rec_ids: list[int]) -> list[Recommendation]:
    """These recommendations, if all are in the session, active and in no item yet."""
    if not rec_ids:
        return []
    recs = db.session.scalars(
        sa.select(Recommendation).where(Recommendation.id.in_(rec_ids), Recommendation.panel_id == panel.id)
    ).all()
    if len(recs) != len(rec_ids):
        raise NotFound("a recommendation is not in this session")
    if any(r.status != Recommendation.ACTIVE for r in recs):
        raise Invalid("a withdrawn recommendation cannot be merged")
    if db.session.scalar(
        sa.select(NoteItemSource.id).where(NoteItemSource.recommendation_id.in_(rec_ids)).limit(1)
    ):
        raise AlreadyMerged("a recommendation is already in a note item")
    return list(recs)


def _save_sources(note: Note, action: str, before: dict, actor: Moderator) -> None:
    """`_save` for a change that gives recommendations to an item."""
    try:
        _save(note, action, before, actor)
    except IntegrityError:
        # Another moderator merged one of these in the same instant.
        db.session.rollback()
        raise AlreadyMerged("a recommendation is already in a note item") from None


def add_to_item(
    panel: Panel,
    item_id: object,
    recommendation_ids: object,
    actor: Moderator,
    expected_version: int | None = None,
) -> NoteItem:
    """A late duplicate joins an existing item: its sources and support grow, its
    wording stays."""
    rec_ids = _ids(recommendation_ids, "recommendation_ids", MAX_SOURCES)
    if not rec_ids:
        raise Invalid("recommendation_ids: give at least one recommendation")
    note = get_or_create_note(panel)
    item = _get_item(note, item_id)
    if len(item.sources) + len(rec_ids) > MAX_SOURCES:
        raise Invalid(f"an item has at most {MAX_SOURCES} sources")
    recs = _free_recommendations(panel, rec_ids)
    before = _bump(panel, note, expected_version)
    item.sources.extend(NoteItemSource(recommendation_id=r.id) for r in recs)
    audit.record(panel, actor, "note.add_to_item", item_id=item.id, recommendation_ids=rec_ids)
    _save_sources(note, "add_to_item", before, actor)
    return item


def edit_item(
    panel: Panel,
    item_id: object,
    actor: Moderator,
    text: object = None,
    section: object = None,
    expected_version: int | None = None,
) -> NoteItem:
    """Reword an item, or move it to another (possibly new) section."""
    note = get_or_create_note(panel)
    item = _get_item(note, item_id)
    new_text = _item_text(text) if text is not None else None
    new_title = _section_title(section) if section is not None else None
    if new_text is None and new_title is None:
        raise Invalid("give text or section to change")
    before_note = _bump(panel, note, expected_version)
    before = {"text": item.text, "section": item.section.title}
    if new_text is not None:
        item.text = new_text
    if new_title is not None and new_title.casefold() != item.section.title.casefold():
        _move(item, _section_for(note, new_title), None)
    audit.record(
        panel,
        actor,
        "note.edit_item",
        item_id=item.id,
        before=before,
        after={"text": item.text, "section": item.section.title},
    )
    _save(note, "edit_item", before_note, actor)
    return item


def remove_item(panel: Panel, item_id: object, actor: Moderator, expected_version: int | None = None) -> None:
    """Delete an item; its recommendations become free to merge again."""
    note = get_or_create_note(panel)
    item = _get_item(note, item_id)
    before = _bump(panel, note, expected_version)
    section = item.section
    # Enough to put the item back by hand: its wording, section and sources.
    audit.record(
        panel,
        actor,
        "note.remove_item",
        item_id=item.id,
        text=item.text,
        section=section.title,
        recommendation_ids=[s.recommendation_id for s in item.sources],
    )
    section.items.remove(item)
    _renumber(section.items)
    _save(note, "remove_item", before, actor)


def _position(value: object, length: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid("position must be an integer")
    return max(0, min(value, length - 1))


def move_item(
    panel: Panel,
    item_id: object,
    position: object,
    actor: Moderator,
    section_id: object = None,
    expected_version: int | None = None,
) -> NoteItem:
    """Put an item at `position` (0-based) within its section or another section."""
    note = get_or_create_note(panel)
    item = _get_item(note, item_id)
    target = item.section if section_id is None else _get_section(note, section_id)
    position = _position(position, len(target.items) + (0 if target is item.section else 1))
    before = _bump(panel, note, expected_version)
    _move(item, target, position)
    audit.record(panel, actor, "note.move_item", item_id=item.id, section=target.title, position=position)
    _save(note, "move_item", before, actor)
    return item


def move_section(
    panel: Panel,
    section_id: object,
    position: object,
    actor: Moderator,
    expected_version: int | None = None,
) -> None:
    note = get_or_create_note(panel)
    section = _get_section(note, section_id)
    before = _bump(panel, note, expected_version)
    note.sections.remove(section)
    note.sections.insert(_position(position, len(note.sections) + 1), section)
    _renumber(note.sections)
    audit.record(panel, actor, "note.move_section", section=section.title, position=section.position)
    _save(note, "move_section", before, actor)


def rename_section(
    panel: Panel,
    section_id: object,
    title: object,
    actor: Moderator,
    expected_version: int | None = None,
) -> None:
    note = get_or_create_note(panel)
    section = _get_section(note, section_id)
    title = _section_title(title)
    if any(s.id != section.id and s.title.casefold() == title.casefold() for s in note.sections):
        raise Invalid("another section has this title")
    before = _bump(panel, note, expected_version)
    audit.record(panel, actor, "note.rename_section", before=section.title, after=title)
    section.title = title
    _save(note, "rename_section", before, actor)


def delete_section(
    panel: Panel, section_id: object, actor: Moderator, expected_version: int | None = None
) -> None:
    """Delete an empty section. One with items must be emptied first, so no item is
    ever removed as a side effect."""
    note = get_or_create_note(panel)
    section = _get_section(note, section_id)
    if section.items:
        raise Invalid("move or remove this section's items first")
    before = _bump(panel, note, expected_version)
    audit.record(panel, actor, "note.delete_section", section=section.title)
    note.sections.remove(section)
    _renumber(note.sections)
    _save(note, "delete_section", before, actor)


def set_summary(panel: Panel, summary: object, actor: Moderator, expected_version: int | None = None) -> None:
    text = clean_text(summary, "summary", max_len=MAX_SUMMARY, min_len=0)
    note = get_or_create_note(panel)
    before = _bump(panel, note, expected_version)
    audit.record(panel, actor, "note.summary", length=len(text))
    note.summary = text
    _save(note, "summary", before, actor)


def publish_note(panel: Panel, actor: Moderator) -> NoteVersion:
    """Freeze the working copy into the next published version."""
    note = get_or_create_note(panel)
    shape = note_shape(note, panel.slug, None)
    content = {
        "slug": panel.slug,
        "title": panel.title,
        "summary": shape["summary"],
        # Empty sections are drafts of the moderator's, not part of the note.
        "sections": [{"title": s["title"], "items": s["items"]} for s in shape["sections"] if s["items"]],
    }
    number = (latest_published_version(panel.id) or 0) + 1
    version = NoteVersion(note_id=note.id, number=number, content=content, published_by_id=actor.id)
    db.session.add(version)
    audit.record(panel, actor, "note.publish", version=number)
    try:
        db.session.commit()
    except IntegrityError:
        # Two publishes at once: the unique (note, number) let the other one through.
        raise _conflict(panel) from None
    return version


def get_published(panel: Panel, number: int | None = None) -> NoteVersion:
    """The latest published version, or the one with this number."""
    query = sa.select(NoteVersion).join(Note, Note.id == NoteVersion.note_id).where(Note.panel_id == panel.id)
    if number is None:
        query = query.order_by(NoteVersion.number.desc()).limit(1)
    elif not 0 < number <= MAX_ID:
        raise NotFound("no such version")
    else:
        query = query.where(NoteVersion.number == number)
    version = db.session.scalar(query)
    if version is None:
        raise NotFound("the note has not been published" if number is None else "no such version")
    return version


def published_versions(panel: Panel) -> list[NoteVersion]:
    return list(
        db.session.scalars(
            sa.select(NoteVersion)
            .join(Note, Note.id == NoteVersion.note_id)
            .where(Note.panel_id == panel.id)
            .order_by(NoteVersion.number.desc())
        )
    )


def undo(panel: Panel, actor: Moderator, expected_version: int | None = None) -> None:
    """Revert the note's last change (any moderator's), as every moderator sees it."""
    _history_step(panel, actor, expected_version, undoing=True)


def redo(panel: Panel, actor: Moderator, expected_version: int | None = None) -> None:
    """Re-apply the change undone last."""
    _history_step(panel, actor, expected_version, undoing=False)


def _history_step(panel: Panel, actor: Moderator, expected_version: int | None, undoing: bool) -> None:
    note = get_or_create_note(panel)
    change = note_history.last_done(note.id) if undoing else note_history.first_undone(note.id)
    if change is None:
        raise NotFound("nothing to undo" if undoing else "nothing to redo")
    _bump(panel, note, expected_version)
    note_history.restore(note, change.before if undoing else change.after)
    change.undone = undoing
    action = "note.undo" if undoing else "note.redo"
    audit.record(panel, actor, action, change=change.action, change_id=change.id)
    db.session.commit()


def restore_published(
    panel: Panel, number: object, actor: Moderator, expected_version: int | None = None
) -> None:
    """Make the draft what version `number` published (undoable like any change).

    Sources whose recommendations were erased since stay: the item keeps its place in
    the note, as it did in the published version.
    """
    if not isinstance(number, int) or isinstance(number, bool):
        raise Invalid("published_version must be an integer")
    version = get_published(panel, number)
    note = get_or_create_note(panel)
    before = _bump(panel, note, expected_version)
    content = version.content
    note_history.restore(
        note,
        {
            "summary": content.get("summary", ""),
            "sections": [
                {
                    "title": section["title"],
                    "items": [
                        {"text": item["text"], "sources": [s["recommendation_id"] for s in item["sources"]]}
                        for item in section["items"]
                    ],
                }
                for section in content.get("sections", [])
            ],
        },
    )
    audit.record(panel, actor, "note.restore", version=version.number)
    _save(note, "restore", before, actor)
