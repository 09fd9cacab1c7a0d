"""Who is on the other end of a socket.

Resolved once at connect (from a bearer token or the browser's signed session cookie)
and kept per socket id (`remember`, `me`, `forget`). Moderator rights are re-checked
against the database on every moderator event, so a disabled account loses them on
open sockets at once.
"""

import hashlib
from dataclasses import dataclass, field

from flask import current_app, request

from .. import cookie, quick_reads
from ..models import Moderator, Participant
from ..services import accounts, participants
from ..services.errors import Forbidden, Invalid, Unauthorized


@dataclass
class Identity:
    moderator_id: int | None = None
    # panel id -> participant id: a browser may have joined several sessions.
    participants: dict[int, int] = field(default_factory=dict)
    # A short hash of the credential, for logs; never the credential itself.
    fingerprint: str = ""
    # How the moderator signed in, re-checked on every action: the cookie's epoch
    # (a password change, sign-out or disable bumps the account's), or the token's
    # hash (revoked, expired or deleted by a password change or disable).
    moderator_epoch: int | None = None
    moderator_token_hash: str | None = None
    # A big screen (live/walls.py): only listens, in these channels.
    wall_channels: tuple[str, ...] = ()

    def rate_key(self) -> str:
        """Whose budget an event counts against: the person, whichever socket they use."""
        if self.moderator_id is not None:
            return f"moderator:{self.moderator_id}"
        if self.wall_channels:
            return f"wall:{self.fingerprint}"
        return "participant:" + ",".join(map(str, sorted(self.participants.values())))

    def participant_in(self, panel_id: int) -> Participant:
        participant_id = self.participants.get(panel_id)
        participant = participants.find_participant(participant_id)
        if participant is None or participant.erased_at is not None:
            # An erased participant's socket (here or on another process) acts no more.
            raise Forbidden("join this session as a participant first")
        return participant

    def moderator(self) -> Moderator:
        moderator = self.current_moderator()
        if moderator is None:
            raise Forbidden("moderators only")
        return moderator

    def current_moderator(self) -> Moderator | None:
        """The moderator, if the way they signed in still holds."""
        if self.moderator_id is None:
            return None
        if self.moderator_token_hash is not None:
            if not accounts.token_is_valid(self.moderator_token_hash):
                return None
            return accounts.active_moderator(self.moderator_id)
        return accounts.signed_in_moderator(self.moderator_id, self.moderator_epoch)


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:12]


def from_token(token: object) -> Identity:
    places = accounts.participant_places([token], quick_reads.of(current_app))
    if places:
        return Identity(participants=places, fingerprint=fingerprint(token))
    moderator = accounts.moderator_for_token(token)
    if moderator is not None:
        return Identity(
            moderator_id=moderator.id,
            fingerprint=fingerprint(token),
            moderator_token_hash=accounts.hash_token(token),
        )
    raise Unauthorized("unknown or revoked token")


def from_cookie() -> Identity:
    """The signed-in moderator and the sessions this browser joined."""
    identity = Identity()
    moderator = cookie.signed_in_moderator()
    if moderator is not None:
        identity.moderator_id = moderator.id
        identity.moderator_epoch = moderator.session_epoch
    tokens = cookie.participant_tokens()
    identity.participants.update(accounts.participant_places(tokens, quick_reads.of(current_app)))
    if identity.moderator_id is None and not identity.participants:
        raise Unauthorized("sign in or join a session first")
    identity.fingerprint = fingerprint("|".join(map(str, [identity.moderator_id, *tokens])))
    return identity


# Socket id -> identity, for the sockets of this process.
_by_sid: dict[str, Identity] = {}


def remember(sid: str, identity: Identity) -> None:
    _by_sid[sid] = identity


def forget(sid: str) -> None:
    _by_sid.pop(sid, None)


def of(sid: str) -> Identity | None:
    return _by_sid.get(sid)


def connected() -> list[tuple[str, Identity]]:
    """Every socket of this process with its identity (a copy: safe to forget while
    iterating)."""
    return list(_by_sid.items())


def me() -> Identity:
    """The identity of the socket whose event is being handled."""
    identity = _by_sid.get(request.sid)
    if identity is None:  # only if a handler raced a disconnect
        raise Invalid("this connection is not signed in")
    return identity
