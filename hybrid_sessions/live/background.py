"""Loops every process runs beside the sockets (the moderator re-check, the rooms'
timer): each started once per process, on the first connection."""

import logging

from flask import current_app

from ..extensions import socketio
from ..services import transactions

log = logging.getLogger(__name__)
_started: set[str] = set()


def every(name: str, interval: float, job) -> None:
    """Run `job()` every `interval` seconds in an app context for the life of the
    process; 0 or None turns the loop off. A failed run is logged and the loop goes on,
    and each run gives its database connection back to the pool."""
    if name in _started or not interval:
        return
    _started.add(name)
    app = current_app._get_current_object()

    def loop():
        while True:
            socketio.sleep(interval)
            with app.app_context():
                try:
                    job()
                except Exception:  # the loop must outlive a failed run
                    log.exception("%s failed", name)
                finally:
                    transactions.release()

    socketio.start_background_task(loop)
