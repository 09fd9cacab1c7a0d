"""Finding a row by an id that came from a client."""

from ..extensions import db
from .errors import NotFound


def by_id(model, value: object, message: str):
    """The row, or NotFound. Only real integers are ids: "3", 3.0 and True are not."""
    row = db.session.get(model, value) if isinstance(value, int) and not isinstance(value, bool) else None
    if row is None:
        raise NotFound(message)
    return row
