"""Finding a row by an id that came from a client; keeping rows loaded across a commit.

Naming across services: `get_*` returns the row or raises NotFound (`get_panel`,
`get_room_by_id`, `get_recommendation`); `find_*` returns the row or None
(`find_panel_by_id`, `find_participant`); `require_*` returns what it checked or raises
Forbidden/NotFound (`require_moderator`, `require_moderated_panel`); a name that also
writes says so (`get_or_create_note`).
"""

from contextlib import contextmanager

from ..extensions import db
from .errors import NotFound

MAX_ID = 2**31 - 1


def is_id(value: object) -> bool:
    """Only real integers are ids: "3", 3.0 and True are not, and neither is a number
    beyond the INTEGER column (PostgreSQL would refuse to compare)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def by_id(model, value: object, message: str, options=()):
    """The row, or NotFound. `options` are loader options (e.g. a relationship to load in
    the same query)."""
    row = db.session.get(model, value, options=list(options)) if is_id(value) else None
    if row is None:
        raise NotFound(message)
    return row


def by_id_prebuilt(statement, value: object, message: str):
    """The same with a statement built once (selecting by `sa.bindparam("id")`), for the
    paths every post takes: building the statement and its cache key on every call cost
    more than running it."""
    row = db.session.execute(statement, {"id": value}).scalar_one_or_none() if is_id(value) else None
    if row is None:
        raise NotFound(message)
    return row


@contextmanager
def keep_loaded():
    """Commit without expiring what the session holds: for a row just written, whose
    values are all known, reloading it to build the answer would be a wasted query."""
    session = db.session()
    previous = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = previous
