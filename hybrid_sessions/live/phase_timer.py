"""The rooms' timer: when a session's `rooms_close_at` passes, write the close down and
send `session:phase` to everyone in the session.

Posting is refused from the closing second anyway (services/phases.py reads a passed
timer as closed); this loop is what tells the pages and consoles. Every process runs
it; the conditional UPDATE in `phases.expire_due` lets exactly one of them announce
each close. One indexed query a second per process is the whole cost.
"""

from flask import current_app

from ..services import phases
from . import background, broadcast


def start() -> None:
    """Start this process's ticker, once (on the first connection)."""
    background.every("phase timer tick", current_app.config.get("PHASE_TICK_SECONDS", 1), tick)


def tick() -> int:
    """Close and announce every session whose timer has run out; how many."""
    closed = phases.expire_due()
    for panel in closed:
        broadcast.phase_changed(panel)
    return len(closed)
