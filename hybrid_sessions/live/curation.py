"""Socket.IO events for curating many posts: suggestions, late duplicates, undo and redo
(CONTRACT.md section 5). Moderators of the session only."""

from .. import schemas
from ..services import curation, notes
from . import suggestions
from .events import event
from .moderation import find_item, moderated_panel, note_changed


@event("suggestions:get", schemas.SessionRef, rate_limited=False)
def suggestions_get(data: schemas.SessionRef) -> dict:
    """The session's merge suggestions now (then kept current by `suggestions:updated`)."""
    _, panel = moderated_panel(data.slug)
    return {"groups": curation.suggestions(panel, suggestions.pause, suggestions.off_the_loop)}


@event("suggestions:dismiss", schemas.SuggestionsDismiss)
def suggestions_dismiss(data: schemas.SuggestionsDismiss) -> dict:
    """These posts are not the same idea: never suggest them together again."""
    moderator, panel = moderated_panel(data.slug)
    curation.dismiss(panel, list(data.recommendation_ids), moderator)
    suggestions.changed(panel.id)
    return {}


@event("rec:similar", schemas.RecSimilar, rate_limited=False)
def rec_similar(data: schemas.RecSimilar) -> dict:
    """The posts most like one post, best first."""
    _, panel = moderated_panel(data.slug)
    similar = curation.similar(
        panel, data.recommendation_id, data.limit, suggestions.pause, suggestions.off_the_loop
    )
    return {"recommendation_id": data.recommendation_id, "similar": similar}


@event("note:add_to_item", schemas.NoteAddToItem)
def note_add_to_item(data: schemas.NoteAddToItem) -> dict:
    """A late duplicate joins an existing item (its sources and support grow)."""
    moderator, panel = moderated_panel(data.slug)
    item = notes.add_to_item(panel, data.item_id, list(data.recommendation_ids), moderator, data.version)
    note = note_changed(panel)
    return {"item": find_item(note, item.id), "note": note}


@event("note:undo", schemas.NoteHistoryStep)
def note_undo(data: schemas.NoteHistoryStep) -> dict:
    """Revert the note's last change, for every moderator."""
    moderator, panel = moderated_panel(data.slug)
    notes.undo(panel, moderator, data.version)
    return {"note": note_changed(panel)}


@event("note:redo", schemas.NoteHistoryStep)
def note_redo(data: schemas.NoteHistoryStep) -> dict:
    """Re-apply the change undone last."""
    moderator, panel = moderated_panel(data.slug)
    notes.redo(panel, moderator, data.version)
    return {"note": note_changed(panel)}


@event("note:restore", schemas.NoteRestore)
def note_restore(data: schemas.NoteRestore) -> dict:
    """Make the draft what an earlier published version said (undoable)."""
    moderator, panel = moderated_panel(data.slug)
    notes.restore_published(panel, data.published_version, moderator, data.version)
    return {"note": note_changed(panel)}
