"""The unit of work of one request or socket event, for callers outside services/.

Handlers never touch the database session themselves: they end a failed event with
`discard()`, and a background loop that outlives its requests with `release()`.
"""

from ..extensions import db


def discard() -> None:
    """Undo whatever the failed event wrote and did not commit."""
    db.session.rollback()


def release() -> None:
    """Give the connection back to the pool (end of a background task's unit of work)."""
    db.session.remove()
