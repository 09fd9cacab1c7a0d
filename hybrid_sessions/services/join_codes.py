"""Finding a session by the short code people type (see models/join_code.py)."""

import re

import sqlalchemy as sa

from ..extensions import db
from ..models import Panel
from ..models.join_code import ALPHABET, LENGTH
from .errors import NotFound

_SEPARATORS = re.compile(r"[\s\-_.]+")


def normalise(typed: object) -> str | None:
    """The code as stored, or None when it cannot be one: case does not matter, and
    spaces or dashes people add to read it in halves ("ABC 123", "abc-123") are dropped."""
    if not isinstance(typed, str) or len(typed) > 40:
        return None
    code = _SEPARATORS.sub("", typed).upper()
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def find_panel(typed: object) -> Panel:
    code = normalise(typed)
    panel = db.session.scalar(sa.select(Panel).where(Panel.join_code == code)) if code else None
    if panel is None:
        raise NotFound("no session has this code")
    return panel


def spaced(code: str) -> str:
    """ABC123 -> "ABC 123": two halves are easier to read off a screen and keep in mind."""
    return f"{code[:3]} {code[3:]}"
