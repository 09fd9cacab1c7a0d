"""Moderators' socket events: watching a session, its audit log, writing and publishing
the note, erasing a participant (CONTRACT.md section 4). Moderators of the session only;
their rights are re-checked against the database on every event."""

from flask_socketio import join_room

from .. import schemas
from ..models import Panel
from ..services import audit, notes, panels, privacy, snapshots
from ..services.shapes import rec_shape
from . import broadcast, channels
from .connection import end_connections_of
from .events import event
from .identity import me


def moderated_panel(slug: str):
    """(the moderator on this socket, the session `slug`), if they moderate it."""
    moderator = me().moderator()
    return moderator, panels.require_moderated_panel(moderator, slug)


def note_changed(panel: Panel) -> dict:
    """Tell the session's moderators the note changed; returns the new note."""
    return broadcast.note_updated(panel, notes.reloaded_note_shape(panel))


def find_item(note: dict, item_id: int) -> dict | None:
    return next((i for s in note["sections"] for i in s["items"] if i["id"] == item_id), None)


@event("session:watch", schemas.SessionWatch, rate_limited=False)
def session_watch(data: schemas.SessionWatch) -> dict:
    """Subscribe a moderator to every room of the session; get the whole state (or,
    with `since`, the recommendations changed after it, and the whole note)."""
    _, panel = moderated_panel(data.slug)
    join_room(channels.moderators(panel.id))
    join_room(channels.everyone(panel.id))
    return snapshots.session_snapshot(panel, data.since)


@event("session:audit", schemas.SessionRef, rate_limited=False)
def session_audit(data: schemas.SessionRef) -> dict:
    """The session's audit log, newest first."""
    _, panel = moderated_panel(data.slug)
    return {"events": audit.events(panel)}


@event("note:merge", schemas.NoteMerge)
def note_merge(data: schemas.NoteMerge) -> dict:
    """Merge recommendations (from any rooms) into one reworded note item."""
    moderator, panel = moderated_panel(data.slug)
    item = notes.merge_into_note(
        panel, data.recommendation_ids, data.text, data.section, moderator, data.version
    )
    note = note_changed(panel)
    return {"item": find_item(note, item.id), "note": note}


@event("note:edit_item", schemas.NoteEditItem)
def note_edit_item(data: schemas.NoteEditItem) -> dict:
    """Reword an item or move it to another section."""
    moderator, panel = moderated_panel(data.slug)
    item = notes.edit_item(panel, data.item_id, moderator, data.text, data.section, data.version)
    note = note_changed(panel)
    return {"item": find_item(note, item.id), "note": note}


@event("note:remove_item", schemas.NoteItemRef)
def note_remove_item(data: schemas.NoteItemRef) -> dict:
    """Remove an item; its recommendations can be merged again."""
    moderator, panel = moderated_panel(data.slug)
    notes.remove_item(panel, data.item_id, moderator, data.version)
    return {"note": note_changed(panel)}


@event("note:move_item", schemas.NoteMoveItem)
def note_move_item(data: schemas.NoteMoveItem) -> dict:
    """Reorder an item within its section or into another section."""
    moderator, panel = moderated_panel(data.slug)
    notes.move_item(panel, data.item_id, data.position, moderator, data.section_id, data.version)
    return {"note": note_changed(panel)}


@event("note:move_section", schemas.NoteMoveSection)
def note_move_section(data: schemas.NoteMoveSection) -> dict:
    moderator, panel = moderated_panel(data.slug)
    notes.move_section(panel, data.section_id, data.position, moderator, data.version)
    return {"note": note_changed(panel)}


@event("note:rename_section", schemas.NoteRenameSection)
def note_rename_section(data: schemas.NoteRenameSection) -> dict:
    moderator, panel = moderated_panel(data.slug)
    notes.rename_section(panel, data.section_id, data.title, moderator, data.version)
    return {"note": note_changed(panel)}


@event("note:delete_section", schemas.NoteSectionRef)
def note_delete_section(data: schemas.NoteSectionRef) -> dict:
    moderator, panel = moderated_panel(data.slug)
    notes.delete_section(panel, data.section_id, moderator, data.version)
    return {"note": note_changed(panel)}


@event("note:summary", schemas.NoteSummary)
def note_summary(data: schemas.NoteSummary) -> dict:
    """Set the note's prose summary."""
    moderator, panel = moderated_panel(data.slug)
    notes.set_summary(panel, data.summary, moderator, data.version)
    return {"note": note_changed(panel)}


@event("participant:erase", schemas.ParticipantRef)
def participant_erase(data: schemas.ParticipantRef) -> dict:
    """Erase a participant's name and posts (privacy); their items keep the wording."""
    moderator, panel = moderated_panel(data.slug)
    erased = privacy.erase_participant(panel, data.participant_id, moderator)
    end_connections_of(panel.id, data.participant_id)
    for rec in erased:
        broadcast.recommendation("rec:updated", rec_shape(rec), panel.id)
    broadcast.rooms_changed(panel)
    note_changed(panel)
    return {"erased": len(erased)}


@event("note:publish", schemas.SessionRef)
def note_publish(data: schemas.SessionRef) -> dict:
    """Publish the note as its next version and tell everyone in the session."""
    moderator, panel = moderated_panel(data.slug)
    version = notes.publish_note(panel, moderator)
    payload = snapshots.published_link(panel.slug, version.number)
    broadcast.note_published(panel, payload)
    note_changed(panel)
    return payload
