"""`suggestions:updated`: the session's merge suggestions, pushed to its moderators.

Posts arrive in bursts ("post now!"), so a change only schedules a recomputation a
moment later; every change within that moment is covered by the one recomputation,
and the posting path pays only for scheduling it.
"""

import logging

from cachetools import LRUCache
from flask import current_app

from ..extensions import socketio
from ..services import curation, panels, similarity, transactions
from . import channels

log = logging.getLogger(__name__)
_pending: set[int] = set()
# What each session's moderators were last sent: an unchanged list is not sent again.
_last_sent: LRUCache = LRUCache(maxsize=256)


def reset() -> None:
    """Forget what was sent (tests that reuse session ids across databases need this)."""
    _pending.clear()
    _last_sent.clear()


def watched(panel_id: int) -> bool:
    """Whether any moderator may be watching: with a message queue, they may be on
    another process, so always; otherwise only if one is connected here."""
    if current_app.config.get("MESSAGE_QUEUE_URL"):
        return True
    rooms = socketio.server.manager.rooms.get("/", {})
    return bool(rooms.get(channels.moderators(panel_id)))


def changed(panel_id: int) -> None:
    """The session's posts or note changed: refresh its moderators' suggestions soon."""
    if not watched(panel_id):
        _last_sent.pop(panel_id, None)
        return
    delay = current_app.config["SUGGESTIONS_DELAY_SECONDS"]
    if not delay:
        send(panel_id)
        return
    if panel_id in _pending:
        return
    _pending.add(panel_id)
    app = current_app._get_current_object()

    def later():
        socketio.sleep(delay)
        _pending.discard(panel_id)
        with app.app_context():
            try:
                send(panel_id, pause=pause)
            except Exception:  # the next change schedules another try
                log.exception("suggestions for session %s failed", panel_id)
            finally:
                transactions.release()

    socketio.start_background_task(later)


_warmed = {"started": False}


def warm_up() -> None:
    """Load the lemmatiser's dictionary now, when a moderator connects, not on the first
    suggestions after a post. Loading it holds the interpreter (~0.5 s, GIL included, so
    a worker thread does not help): in the middle of a "post now!" burst that stalled
    every connection's acks (issue 15); when a console opens it costs one pause before
    the session's busy part."""
    if _warmed["started"]:
        return
    _warmed["started"] = True
    socketio.start_background_task(similarity.morfeusz_available)


def pause() -> None:
    """Let other connections run (between batches while an index catches up)."""
    socketio.sleep(0)


def off_the_loop(fn):
    """Run a CPU-heavy step on a worker thread under eventlet: comparing a burst of posts
    or regrouping thousands takes tens to hundreds of milliseconds, which on the event
    loop would hold up every other connection's acks. (Under threading and gevent it
    runs where it is.)"""
    if socketio.async_mode == "eventlet":
        from eventlet import tpool

        return tpool.execute(fn)
    return fn()


def send(panel_id: int, pause=None) -> None:
    panel = panels.find_panel_by_id(panel_id)
    if panel is None:
        return
    groups = curation.suggestions(panel, pause, off_the_loop)
    # Nothing sent yet counts as "no suggestions": a console gets the list itself
    # (suggestions:get) when it opens, so only a change is news.
    if _last_sent.get(panel_id, []) == groups:
        return
    _last_sent[panel_id] = groups
    socketio.emit(
        "suggestions:updated", {"slug": panel.slug, "groups": groups}, to=channels.moderators(panel_id)
    )
