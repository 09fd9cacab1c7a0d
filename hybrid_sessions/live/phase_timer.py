"""The rooms' timer: when a session's `rooms_close_at` passes, write the close down and
send `session:phase` to everyone in the session.

Posting is refused from the closing second anyway (services/phases.py reads a passed
timer as closed); this loop is what tells the pages and consoles. Every process runs
it; the conditional UPDATE in `phases.expire_due` lets exactly one of them announce
each close. One indexed query a second per process is the whole cost.
"""

import logging

from flask import current_app

from ..extensions import socketio
from ..services import phases, transactions
from . import broadcast

log = logging.getLogger(__name__)
_started = {"done": False}


def start() -> None:
    """Start this process's ticker, once (on the first connection)."""
    interval = current_app.config.get("PHASE_TICK_SECONDS", 1)
    if _started["done"] or not interval:
        return
    _started["done"] = True
    app = current_app._get_current_object()

    def loop():
        while True:
            socketio.sleep(interval)
            with app.app_context():
                try:
                    tick()
                except Exception:  # the loop must outlive a failed tick
                    log.exception("phase timer tick failed")
                finally:
                    transactions.release()

    socketio.start_background_task(loop)


def tick() -> int:
    """Close and announce every session whose timer has run out; how many."""
    closed = phases.expire_due()
    for panel in closed:
        broadcast.phase_changed(panel)
    return len(closed)
