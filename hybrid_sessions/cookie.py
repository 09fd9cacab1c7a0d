"""The browser's signed session cookie: the one module that knows its keys.

It holds who this browser is, never anything to trust blindly: the signed-in moderator
(`moderator_id` with the account's sign-in epoch, so a password change, sign-out or
disable ends every copy of the cookie), the participant tokens of the sessions this
browser joined (`participant_tokens`, panel id -> token), and the interface language
(`lang`). Pages (web/), the socket connection (live/) and the locale choice all read it
through here.
"""

from flask import session

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


# --- the interface language -----------------------------------------------------------


def language() -> str | None:
    return session.get(_LANG)


def choose_language(code: str) -> None:
    session[_LANG] = code
    session.permanent = True
