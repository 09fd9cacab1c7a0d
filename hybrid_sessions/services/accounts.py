"""Moderator accounts and the bearer tokens of moderators and participants."""

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from .. import limits
from ..extensions import db
from ..models import Moderator, ModeratorToken, Participant
from ..models.types import utcnow
from .errors import Invalid, Unauthorized
from .text import clean_text

MIN_PASSWORD = 8


def _hash_method() -> str:
    """PASSWORD_HASH_METHOD: scrypt in every real deployment; only the test config sets a
    cheap one, because hashing would otherwise dominate test set-up."""
    return current_app.config["PASSWORD_HASH_METHOD"]


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when the email is unknown, so a wrong email costs as long as a wrong
    password and response times do not tell which accounts exist."""
    return generate_password_hash("not-a-real-password", method=method)


def new_token(prefix: str) -> str:
    """256 random bits; the prefix only tells a reader what kind of token it is."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_email(email: object) -> str:
    value = clean_text(email, "email", max_len=limits.EMAIL, multiline=False).lower()
    if "@" not in value or value.startswith("@") or value.endswith("@"):
        raise Invalid("email is not an email address")
    return value


def create_or_update_moderator(
    email: str, password: str, display_name: str | None = None
) -> tuple[Moderator, bool]:
    """Create the account, or reset its password (and re-enable it). Returns (moderator, created)."""
    email = normalise_email(email)
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise Invalid(f"password must be at least {MIN_PASSWORD} characters")
    moderator = db.session.scalar(sa.select(Moderator).where(Moderator.email == email))
    created = moderator is None
    if created:
        moderator = Moderator(email=email, session_epoch=0)
        db.session.add(moderator)
    else:
        # A password reset ends every access given before it: tokens and sign-ins.
        _end_all_access(moderator)
    moderator.password_hash = generate_password_hash(password, method=_hash_method())
    moderator.is_active = True
    if display_name is not None:
        moderator.display_name = clean_text(
            display_name,
            "display name",
            max_len=limits.MODERATOR_NAME,
            min_len=0,
            multiline=False,
            fold_lookalikes=True,
        )
    db.session.commit()
    return moderator, created


def set_moderator_active(email: str, active: bool) -> Moderator:
    moderator = db.session.scalar(sa.select(Moderator).where(Moderator.email == normalise_email(email)))
    if moderator is None:
        raise Invalid("no moderator with that email")
    if not active:
        # Re-enabling later must not bring old tokens or cookies back.
        _end_all_access(moderator)
    moderator.is_active = active
    db.session.commit()
    return moderator


def _end_all_access(moderator: Moderator) -> None:
    db.session.execute(sa.delete(ModeratorToken).where(ModeratorToken.moderator_id == moderator.id))
    moderator.session_epoch = (moderator.session_epoch or 0) + 1


def _moderator_by_email(email: str) -> Moderator:
    moderator = db.session.scalar(sa.select(Moderator).where(Moderator.email == normalise_email(email)))
    if moderator is None:
        raise Invalid("no moderator with that email")
    return moderator


def list_tokens(email: str) -> list[ModeratorToken]:
    """The moderator's tokens, still valid or expired, oldest first."""
    moderator = _moderator_by_email(email)
    return list(
        db.session.scalars(
            sa.select(ModeratorToken)
            .where(ModeratorToken.moderator_id == moderator.id)
            .order_by(ModeratorToken.id)
        )
    )


def revoke_tokens(email: str, token_id: int | None = None) -> int:
    """Delete the moderator's tokens (or just one); sockets opened with them close.
    Returns how many were revoked."""
    moderator = _moderator_by_email(email)
    query = sa.delete(ModeratorToken).where(ModeratorToken.moderator_id == moderator.id)
    if token_id is not None:
        query = query.where(ModeratorToken.id == token_id)
    revoked = db.session.execute(query).rowcount
    db.session.commit()
    return revoked


def sign_out_everywhere(moderator_id: int | None) -> None:
    """Every signed-in cookie of this moderator stops working (API tokens stay)."""
    moderator = db.session.get(Moderator, moderator_id) if moderator_id is not None else None
    if moderator is not None:
        moderator.session_epoch = (moderator.session_epoch or 0) + 1
        db.session.commit()


def signed_in_moderator(moderator_id: object, epoch: object) -> Moderator | None:
    """The moderator a signed cookie names, if the account is enabled and the cookie
    was issued after its last password change, sign-out or disable."""
    if not isinstance(moderator_id, int) or not isinstance(epoch, int):
        return None
    moderator = active_moderator(moderator_id)
    return moderator if moderator is not None and moderator.session_epoch == epoch else None


def token_is_valid(token_hash: str) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ModeratorToken)
            .where(ModeratorToken.token_hash == token_hash, ModeratorToken.expires_at > utcnow())
        )
        > 0
    )


def authenticate(email: object, password: object) -> Moderator:
    """The active moderator with these credentials, or Unauthorized."""
    try:
        email = normalise_email(email)
    except Invalid:
        email = None
    moderator = db.session.scalar(sa.select(Moderator).where(Moderator.email == email)) if email else None
    password = password if isinstance(password, str) else ""
    ok = check_password_hash(moderator.password_hash if moderator else _dummy_hash(_hash_method()), password)
    if not ok or moderator is None or not moderator.is_active:
        raise Unauthorized("wrong email or password")
    return moderator


def issue_moderator_token(moderator: Moderator, days: float = 30) -> str:
    """A new bearer token, valid for `days` (MODERATOR_TOKEN_DAYS)."""
    token = new_token("hsm")
    expires_at: datetime = utcnow() + timedelta(days=days)
    db.session.add(
        ModeratorToken(moderator_id=moderator.id, token_hash=hash_token(token), expires_at=expires_at)
    )
    db.session.commit()
    return token


def plausible_token(token: object) -> bool:
    """Worth hashing and looking up: a non-empty string of at most 200 characters (what a
    client sends is checked before any work is done for it)."""
    return isinstance(token, str) and 0 < len(token) <= 200


def moderator_for_token(token: object) -> Moderator | None:
    if not plausible_token(token):
        return None
    return db.session.scalar(
        sa.select(Moderator)
        .join(ModeratorToken, ModeratorToken.moderator_id == Moderator.id)
        .where(
            ModeratorToken.token_hash == hash_token(token),
            ModeratorToken.expires_at > utcnow(),
            Moderator.is_active,
        )
    )


def active_moderator(moderator_id: int | None) -> Moderator | None:
    """Reloaded on every moderator action, so disabling an account takes effect at once."""
    if moderator_id is None:
        return None
    moderator = db.session.get(Moderator, moderator_id)
    return moderator if moderator is not None and moderator.is_active else None


def still_active(moderator_ids: set[int]) -> set[int]:
    """Which of these moderator accounts are still enabled (one query)."""
    if not moderator_ids:
        return set()
    return set(
        db.session.scalars(
            sa.select(Moderator.id).where(Moderator.id.in_(moderator_ids), Moderator.is_active)
        )
    )


def participant_places(tokens: list[object], reads=None) -> dict[int, int]:
    """Session id -> participant id for these participant tokens (unknown ones left out),
    in one query of two columns: every socket connection asks this, and a venue's worth
    of them arrive within seconds when its Wi-Fi comes back. With `reads`
    (quick_reads.Reads) and one token, as a participant's socket carries, it is read past
    the ORM; not found there, or the read failed, the ORM answers (it tells a moderator's
    or an unknown token from a broken connection)."""
    if reads is not None and len(tokens) == 1:
        found = _quick_place(tokens[0], reads)
        if found is not None:
            return found
    hashes = [hash_token(t) for t in tokens if plausible_token(t)]
    if not hashes:
        return {}
    rows = db.session.execute(_PLACES, {"hashes": hashes})
    return {panel_id: participant_id for panel_id, participant_id in rows}


# Built once: building a statement costs about as much as running one this small.
_PLACES = sa.select(Participant.panel_id, Participant.id).where(
    Participant.token_hash.in_(sa.bindparam("hashes", expanding=True))
)


# One token's place, read past the ORM.
_PLACE = sa.select(Participant.panel_id, Participant.id).where(
    Participant.token_hash == sa.bindparam("token_hash")
)


def _quick_place(token: object, reads) -> dict[int, int] | None:
    """One token's place through `reads`; None when not found or the read failed."""
    if not plausible_token(token):
        return None
    row = reads.first(_PLACE, {"token_hash": hash_token(token)})
    return {row[0]: row[1]} if row is not None else None


def participant_for_token(token: object) -> Participant | None:
    if not plausible_token(token):
        return None
    return db.session.scalar(sa.select(Participant).where(Participant.token_hash == hash_token(token)))
