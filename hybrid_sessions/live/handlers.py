"""Socket.IO handlers: authenticate, validate the payload, call one service, ack, emit.

Every client→server event answers through its acknowledgement with `{"ok": true, ...}`
or `{"ok": false, "error": {"code", "message"}}`; a bad event never closes the socket.
"""

import functools
import logging

from flask import current_app, request, session
from flask_socketio import join_room, leave_room

from .. import logs, schemas
from ..extensions import db, socketio
from ..links import public_url
from ..services import accounts, audit, notes, panels, participants, privacy, recommendations
from ..services.errors import DomainError, Invalid
from ..services.shapes import panel_shape, rec_shape, room_shape
from . import broadcast, channels, limits, walls
from .identity import Identity, from_cookie, from_token

log = logging.getLogger(__name__)
_identities: dict[str, Identity] = {}


def _me() -> Identity:
    identity = _identities.get(request.sid)
    if identity is None:  # only if a handler raced a disconnect
        raise Invalid("this connection is not signed in")
    return identity


def event(name: str, schema: type[schemas.Schema] | None = None, *, writes: bool = True):
    """Register a handler that turns every outcome into an ack.

    Budgets: every event, junk included, counts first against the sender's own budget
    (participant or moderator, not the socket); only valid writes by participants
    count against the coarse per-address budget, so one person's junk cannot use up a
    whole venue's shared NAT address, and no participant can starve a moderator.
    """

    def decorate(handler):
        @functools.wraps(handler)
        def wrapper(payload=None, *_ignored):
            try:
                identity = _identities.get(request.sid)
                limits.per_identity(identity.rate_key() if identity else f"sid:{request.sid}")
                data = schemas.parse(schema, payload) if schema else payload
                if writes and not (identity and identity.moderator_id):
                    limits.per_address()
                return {"ok": True, **(handler(data) or {})}
            except DomainError as exc:
                db.session.rollback()
                if exc.code in ("forbidden", "unauthorized") and _first_refusal(name, exc.code):
                    identity = _identities.get(request.sid)
                    log.warning(
                        "security: refused %s (%s) for credential %s",
                        name,
                        exc.code,
                        identity.fingerprint if identity else "-",
                    )
                return {"ok": False, "error": exc.to_dict(), **exc.extra}
            except Exception:
                db.session.rollback()
                log.exception("live event %s failed", name)
                return {
                    "ok": False,
                    "error": {"code": "internal", "message": "the server failed; try again"},
                }

        socketio.on_event(name, wrapper)
        return wrapper

    return decorate


# (socket id, event, reason) already logged: one line per connection and reason; and
# all connections together at most a few lines a minute per event and reason, so a
# script repeating a refused event cannot grow the log without bound.
_refusals_logged: dict[str, set[tuple[str, str]]] = {}
_refusal_budget = logs.Budget(per_window=20, window=60.0)


def _first_refusal(name: str, code: str) -> bool:
    seen = _refusals_logged.setdefault(request.sid, set())
    if (name, code) in seen:
        return False
    seen.add((name, code))
    return _refusal_budget.allow((name, code))[0]


def revalidate_moderators() -> list[str]:
    """Close the sockets of moderators whose accounts were disabled since they connected.

    Each moderator action re-checks the account anyway; this also stops a disabled
    moderator's open console from receiving the session's live data. Returns the
    closed socket ids.
    """
    watched = {sid: i for sid, i in list(_identities.items()) if i.moderator_id}
    # Disabled accounts, and sign-ins ended since (password change, sign-out, revoked
    # or expired token).
    active = accounts.still_active({i.moderator_id for i in watched.values()})
    closed = [
        sid
        for sid, identity in watched.items()
        if identity.moderator_id not in active or identity.current_moderator() is None
    ]
    db.session.remove()
    for sid in closed:
        log.warning(
            "security: closing socket of moderator %s, no longer signed in", watched[sid].moderator_id
        )
        _identities.pop(sid, None)
        socketio.server.disconnect(sid)
    return closed


_watchdog = {"started": False}


def _start_moderator_watchdog() -> None:
    interval = current_app.config["MODERATOR_RECHECK_SECONDS"]
    if _watchdog["started"] or not interval:
        return
    _watchdog["started"] = True
    app = current_app._get_current_object()

    def loop():
        while True:
            socketio.sleep(interval)
            with app.app_context():
                try:
                    revalidate_moderators()
                except Exception:  # the loop must outlive a failed check
                    log.exception("moderator re-check failed")

    socketio.start_background_task(loop)


@socketio.on("connect")
def connect(auth=None):
    """Accept a bearer token (auth={"token": ...}) or the browser's session cookie."""
    try:
        token = auth.get("token") if isinstance(auth, dict) else None
        wall = auth.get("wall") if isinstance(auth, dict) else None
        if wall is not None:
            identity = walls.identity_from_ticket(wall)
        else:
            identity = from_token(token) if token else from_cookie(session)
    except DomainError as exc:
        raise ConnectionRefusedError(exc.code) from None
    finally:
        db.session.rollback()
    _identities[request.sid] = identity
    for panel_id in identity.participants:
        join_room(channels.everyone(panel_id))
    for name in identity.wall_channels:
        join_room(name)
    if identity.moderator_id:
        _start_moderator_watchdog()


@socketio.on("disconnect")
def disconnect(*_args):
    _identities.pop(request.sid, None)
    _refusals_logged.pop(request.sid, None)


# --- participants ---------------------------------------------------------------------


@event("room:join", schemas.RoomJoin)
def room_join(data: schemas.RoomJoin) -> dict:
    """Enter a breakout room (moving from another, if places allow); get its posts."""
    room = participants.find_room(data.room_id)
    participant = _me().participant_in(room.panel_id)
    moved, left = participants.enter_room(participant, room)
    if left is not None:
        leave_room(channels.breakout(left.id))
    join_room(channels.breakout(room.id))
    join_room(channels.everyone(room.panel_id))
    panel = room.panel
    if moved:
        rooms = broadcast.rooms_changed(panel)
        room_info = next(r for r in rooms if r["id"] == room.id)
    else:
        room_info = room_shape(room, panels.room_counts(panel.id).get(room.id, 0))
    # Read the high-water mark first: a change committed meanwhile is then both in the
    # list and above `seq`, never in neither.
    seq = recommendations.current_seq(panel.id)
    recs = recommendations.room_recommendations(room, data.since)
    published = panels.latest_published_version(panel.id)
    return {
        "room": room_info,
        "recommendations": recs,
        "since": data.since,
        "seq": seq,
        "participant": {"id": participant.id, "display_name": participant.display_name},
        "voted": sorted(recommendations.votes_by(participant, [r["id"] for r in recs])),
        "published": _published_payload(panel.slug, published) if published else None,
    }


@event("rec:post", schemas.RecPost)
def rec_post(data: schemas.RecPost) -> dict:
    """Post a recommendation. The ack comes after the commit; a retried client_id
    returns the first post and adds nothing."""
    room = participants.find_room(data.room_id)
    participant = _me().participant_in(room.panel_id)
    limits.per_participant("RATE_LIMIT_POST", participant.id)
    rec, created = recommendations.post_recommendation(room, participant, data.client_id, data.text)
    shape = rec_shape(rec)
    if created:
        broadcast.recommendation("rec:new", shape, rec.panel_id)
    return {"recommendation": shape, "duplicate": not created}


def _rec_change(data: schemas.RecRef, change) -> dict:
    rec = recommendations.get_recommendation(data.recommendation_id)
    participant = _me().participant_in(rec.panel_id)
    limits.per_participant("RATE_LIMIT_VOTE", participant.id)
    rec, changed = change(rec.id, participant)
    shape = rec_shape(rec)
    if changed:
        broadcast.recommendation("rec:updated", shape, rec.panel_id)
    return {"recommendation": shape}


@event("rec:vote", schemas.RecRef)
def rec_vote(data: schemas.RecRef) -> dict:
    """+1 a recommendation in one's own room (once per person)."""
    return _rec_change(data, recommendations.vote)


@event("rec:unvote", schemas.RecRef)
def rec_unvote(data: schemas.RecRef) -> dict:
    """Take back one's +1."""
    return _rec_change(data, recommendations.unvote)


@event("rec:withdraw", schemas.RecRef)
def rec_withdraw(data: schemas.RecRef) -> dict:
    """The author withdraws their own post."""
    return _rec_change(data, recommendations.withdraw)


# --- moderators -----------------------------------------------------------------------


def _moderated_panel(slug: str):
    moderator = _me().moderator()
    panel = panels.get_panel(slug)
    panels.require_moderator(moderator, panel)
    return moderator, panel


def _published_payload(slug: str, number: int) -> dict:
    # Sent to everyone in the session: never the publishing moderator's Host header.
    return {"version": number, "url": public_url("pages.note", slug=slug)}


@event("session:watch", schemas.SessionWatch, writes=False)
def session_watch(data: schemas.SessionWatch) -> dict:
    """Subscribe a moderator to every room of the session; get the whole state (or,
    with `since`, the recommendations changed after it, and the whole note)."""
    _, panel = _moderated_panel(data.slug)
    join_room(channels.moderators(panel.id))
    join_room(channels.everyone(panel.id))
    counts = panels.room_counts(panel.id)
    seq = recommendations.current_seq(panel.id)
    recs = recommendations.panel_recommendations(panel, data.since)
    return {
        "session": panel_shape(panel, counts, panels.latest_published_version(panel.id)),
        "rooms": [room_shape(r, counts.get(r.id, 0)) for r in panel.rooms],
        "recommendations": recs,
        "since": data.since,
        "seq": seq,
        "note": notes.current_note_shape(panel),
    }


@event("session:audit", schemas.SessionRef, writes=False)
def session_audit(data: schemas.SessionRef) -> dict:
    """The session's audit log, newest first."""
    _, panel = _moderated_panel(data.slug)
    return {"events": audit.events(panel)}


def _note_changed(panel) -> dict:
    db.session.expire_all()
    return broadcast.note_updated(panel)


def _find_item(note: dict, item_id: int) -> dict | None:
    return next((i for s in note["sections"] for i in s["items"] if i["id"] == item_id), None)


@event("note:merge", schemas.NoteMerge)
def note_merge(data: schemas.NoteMerge) -> dict:
    """Merge recommendations (from any rooms) into one reworded note item."""
    moderator, panel = _moderated_panel(data.slug)
    item = notes.merge_into_note(
        panel, data.recommendation_ids, data.text, data.section, moderator, data.version
    )
    note = _note_changed(panel)
    return {"item": _find_item(note, item.id), "note": note}


@event("note:edit_item", schemas.NoteEditItem)
def note_edit_item(data: schemas.NoteEditItem) -> dict:
    """Reword an item or move it to another section."""
    moderator, panel = _moderated_panel(data.slug)
    item = notes.edit_item(panel, data.item_id, moderator, data.text, data.section, data.version)
    note = _note_changed(panel)
    return {"item": _find_item(note, item.id), "note": note}


@event("note:remove_item", schemas.NoteItemRef)
def note_remove_item(data: schemas.NoteItemRef) -> dict:
    """Remove an item; its recommendations can be merged again."""
    moderator, panel = _moderated_panel(data.slug)
    notes.remove_item(panel, data.item_id, moderator, data.version)
    return {"note": _note_changed(panel)}


@event("note:move_item", schemas.NoteMoveItem)
def note_move_item(data: schemas.NoteMoveItem) -> dict:
    """Reorder an item within its section or into another section."""
    moderator, panel = _moderated_panel(data.slug)
    notes.move_item(panel, data.item_id, data.position, moderator, data.section_id, data.version)
    return {"note": _note_changed(panel)}


@event("note:move_section", schemas.NoteMoveSection)
def note_move_section(data: schemas.NoteMoveSection) -> dict:
    moderator, panel = _moderated_panel(data.slug)
    notes.move_section(panel, data.section_id, data.position, moderator, data.version)
    return {"note": _note_changed(panel)}


@event("note:rename_section", schemas.NoteRenameSection)
def note_rename_section(data: schemas.NoteRenameSection) -> dict:
    moderator, panel = _moderated_panel(data.slug)
    notes.rename_section(panel, data.section_id, data.title, moderator, data.version)
    return {"note": _note_changed(panel)}


@event("note:delete_section", schemas.NoteSectionRef)
def note_delete_section(data: schemas.NoteSectionRef) -> dict:
    moderator, panel = _moderated_panel(data.slug)
    notes.delete_section(panel, data.section_id, moderator, data.version)
    return {"note": _note_changed(panel)}


@event("note:summary", schemas.NoteSummary)
def note_summary(data: schemas.NoteSummary) -> dict:
    """Set the note's prose summary."""
    moderator, panel = _moderated_panel(data.slug)
    notes.set_summary(panel, data.summary, moderator, data.version)
    return {"note": _note_changed(panel)}


@event("participant:erase", schemas.ParticipantRef)
def participant_erase(data: schemas.ParticipantRef) -> dict:
    """Erase a participant's name and posts (privacy); their items keep the wording."""
    moderator, panel = _moderated_panel(data.slug)
    erased = privacy.erase_participant(panel, data.participant_id, moderator)
    _end_connections_of(panel.id, data.participant_id)
    for rec in erased:
        broadcast.recommendation("rec:updated", rec_shape(rec), panel.id)
    broadcast.rooms_changed(panel)
    _note_changed(panel)
    return {"erased": len(erased)}


def _end_connections_of(panel_id: int, participant_id: int) -> None:
    """Close every socket of this process that speaks for the participant: it must not
    post, move or receive the room's posts any more. A browser with other sessions
    reconnects by itself, with the erased one left out (its token no longer resolves)."""
    for sid, identity in list(_identities.items()):
        if identity.participants.get(panel_id) == participant_id:
            _identities.pop(sid, None)
            socketio.server.disconnect(sid)


@event("note:publish", schemas.SessionRef)
def note_publish(data: schemas.SessionRef) -> dict:
    """Publish the note as its next version and tell everyone in the session."""
    moderator, panel = _moderated_panel(data.slug)
    version = notes.publish_note(panel, moderator)
    payload = _published_payload(panel.slug, version.number)
    broadcast.note_published(panel, payload)
    _note_changed(panel)
    return payload
