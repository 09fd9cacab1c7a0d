"""The browser's signed session cookie: the one module that knows its keys.

It holds who this browser is, never anything to trust blindly: the signed-in moderator
(`moderator_id` with the account's sign-in epoch, so a password change, sign-out or
disable ends every copy of the cookie), the participant tokens of the sessions this
browser joined (`participant_tokens`, panel id -> token), and the interface language
(`lang`). Pages (web/), the socket connection (live/) and the locale choice all read it
through here.
"""

from dataclasses import dataclass

from flask import session
from flask_wtf.csrf import generate_csrf

from .models import Moderator, Panel, Participant
from .services import accounts

_MODERATOR = "moderator_id"
_EPOCH = "moderator_epoch"
_TOKENS = "participant_tokens"
_LANG = "lang"


def is_empty() -> bool:
    """No cookie worth keeping: the visitor may get a cached copy of a public page."""
    return not session


# --- the moderator account ------------------------------------------------------------


def signed_in_moderator() -> Moderator | None:
    """The moderator signed in in this browser, if that sign-in still holds."""
    return accounts.signed_in_moderator(session.get(_MODERATOR), session.get(_EPOCH))


def sign_in(moderator: Moderator) -> None:
    """A fresh cookie on sign-in, keeping the places this browser joined and its language."""
    joined = session.get(_TOKENS)
    lang = session.get(_LANG)
    session.clear()
    session.permanent = True
    session[_MODERATOR] = moderator.id
    # A password change, a sign-out or a disable bumps the account's epoch and so ends
    # this sign-in (accounts.signed_in_moderator).
    session[_EPOCH] = moderator.session_epoch
    if joined:
        session[_TOKENS] = joined
    if lang:
        session[_LANG] = lang
    # The form token's secret now rather than on the first page with a form: a cookie
    # that already holds it can be served a kept console (web/personal_pages.py).
    generate_csrf()


def sign_out() -> int | None:
    """Forget the moderator here (participant places stay); returns their id, whose
    epoch the caller bumps, since a copy of the cookie taken before stays signed."""
    session.pop(_EPOCH, None)
    return session.pop(_MODERATOR, None)


# --- participant places ---------------------------------------------------------------


def participant_tokens() -> list[str]:
    """The tokens of every session this browser joined."""
    return list((session.get(_TOKENS) or {}).values())


def joined_participant(panel: Panel) -> Participant | None:
    """The participant this browser joined the session as, if any."""
    token = (session.get(_TOKENS) or {}).get(str(panel.id))
    participant = accounts.participant_for_token(token) if token else None
    return participant if participant is not None and participant.panel_id == panel.id else None


def remember_participant(panel: Panel, token: str) -> None:
    tokens = dict(session.get(_TOKENS) or {})
    tokens[str(panel.id)] = token
    session[_TOKENS] = tokens
    session.permanent = True


def has_waiting_messages() -> bool:
    """Flashed messages wait to be shown: the page is for this visitor alone."""
    return bool(session.get(_FLASHES))


# --- the interface language -----------------------------------------------------------


def language() -> str | None:
    return session.get(_LANG)


def choose_language(code: str) -> None:
    session[_LANG] = code
    session.permanent = True


# --- read outside Flask (web/personal_pages.py) ----------------------------------------

# Flask's and Flask-WTF's own keys in the same cookie.
_FLASHES = "_flashes"
_CSRF = "csrf_token"


@dataclass(frozen=True, slots=True)
class KeptVisitor:
    """What a kept personal page needs from a cookie already verified by its signature:
    who the visitor is and their language. None for a cookie that must go to Flask (a
    message waiting to be shown)."""

    moderator_id: int | None
    epoch: int | None
    tokens: dict
    lang: str | None
    csrf: str | None

    @classmethod
    def of(cls, data: dict) -> "KeptVisitor | None":
        if data.get(_FLASHES):
            return None
        tokens = data.get(_TOKENS)
        moderator_id, epoch = data.get(_MODERATOR), data.get(_EPOCH)
        csrf = data.get(_CSRF)
        return cls(
            moderator_id=moderator_id if isinstance(moderator_id, int) and isinstance(epoch, int) else None,
            epoch=epoch if isinstance(epoch, int) else None,
            tokens=tokens if isinstance(tokens, dict) else {},
            lang=data.get(_LANG) if isinstance(data.get(_LANG), str) else None,
            csrf=csrf if isinstance(csrf, str) else None,
        )
