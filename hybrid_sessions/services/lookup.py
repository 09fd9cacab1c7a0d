"""Finding a row by an id that came from a client."""

from ..extensions import db
from .errors import NotFound

MAX_ID = 2**31 - 1


def by_id(model, value: object, message: str):
    """The row, or NotFound. Only real integers are ids: "3", 3.0 and True are not, and
    neither is a number beyond the INTEGER column (PostgreSQL would refuse to compare)."""
    is_id = isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
    row = db.session.get(model, value) if is_id else None
    if row is None:
        raise NotFound(message)
    return row
