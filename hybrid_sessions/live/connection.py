"""Sockets coming and going: who connected (token or cookie), the channels they start
in, and closing the sockets of people who may no longer be there (a disabled or
signed-out moderator, an erased participant)."""

import logging

from flask import current_app, request
from flask_socketio import join_room

from ..extensions import socketio
from ..services import accounts, transactions
from ..services.errors import DomainError
from . import background, channels, events, identity, phase_timer, suggestions, walls
from .identity import from_cookie, from_token

log = logging.getLogger(__name__)


def revalidate_moderators() -> list[str]:
    """Close the sockets of moderators whose accounts were disabled since they connected.

    Each moderator action re-checks the account anyway; this also stops a disabled
    moderator's open console from receiving the session's live data. Returns the
    closed socket ids.
    """
    watched = {sid: i for sid, i in identity.connected() if i.moderator_id}
    # Disabled accounts, and sign-ins ended since (password change, sign-out, revoked
    # or expired token).
    active = accounts.still_active({i.moderator_id for i in watched.values()})
    closed = [
        sid
        for sid, who in watched.items()
        if who.moderator_id not in active or who.current_moderator() is None
    ]
    transactions.release()
    for sid in closed:
        log.warning(
            "security: closing socket of moderator %s, no longer signed in", watched[sid].moderator_id
        )
        identity.forget(sid)
        socketio.server.disconnect(sid)
    return closed


def _start_moderator_watchdog() -> None:
    background.every(
        "moderator re-check", current_app.config["MODERATOR_RECHECK_SECONDS"], revalidate_moderators
    )


def end_connections_of(panel_id: int, participant_id: int) -> None:
    """Close every socket of this process that speaks for the participant: it must not
    post, move or receive the room's posts any more. A browser with other sessions
    reconnects by itself, with the erased one left out (its token no longer resolves)."""
    for sid, who in identity.connected():
        if who.participants.get(panel_id) == participant_id:
            identity.forget(sid)
            socketio.server.disconnect(sid)


@socketio.on("connect")
def connect(auth=None):
    """Accept a bearer token (auth={"token": ...}), a big screen's wall ticket
    (auth={"wall": ...}, live/walls.py), or the browser's session cookie."""
    try:
        token = auth.get("token") if isinstance(auth, dict) else None
        wall = auth.get("wall") if isinstance(auth, dict) else None
        if wall is not None:
            who = walls.identity_from_ticket(wall)
        else:
            who = from_token(token) if token else from_cookie()
    except DomainError as exc:
        raise ConnectionRefusedError(exc.code) from None
    finally:
        transactions.discard()
    identity.remember(request.sid, who)
    for panel_id, participant_id in who.participants.items():
        join_room(channels.everyone(panel_id))
        join_room(channels.participant(participant_id))
    for name in who.wall_channels:
        join_room(name)
    if who.moderator_id:
        _start_moderator_watchdog()
        suggestions.warm_up()
    phase_timer.start()


@socketio.on("disconnect")
def disconnect(*_args):
    identity.forget(request.sid)
    events.forget_refusals(request.sid)
