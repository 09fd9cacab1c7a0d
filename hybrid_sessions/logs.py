"""Logging that anyone on the network cannot grow without bound, nor forge lines in.

Engine.IO and Socket.IO log a full traceback (~900 bytes) for every malformed frame and
echo values from the query string (a `sid` with CR/LF) into their lines. The filter
below sits on their loggers: no traceback for bad input (the exception's type and a
short message instead), control characters escaped, and each kind of line at most a
few times a minute, with a count of what was left out.
"""

import logging
import threading
import time

# Loggers that carry text from unauthenticated clients.
UNTRUSTED = ("engineio.server", "socketio.server", "eventlet.wsgi.server")
_CONTROL = {c: f"\\x{c:02x}" for c in range(32)} | {ord("\r"): "\\r", ord("\n"): "\\n", 127: "\\x7f"}


def one_line(text: object, limit: int = 300) -> str:
    """`text` as a single log-safe line: no CR/LF or other control characters."""
    line = str(text).translate(_CONTROL)
    return line if len(line) <= limit else line[:limit] + "…"


class Budget:
    """At most `per_window` lines per key in each `window` seconds."""

    def __init__(self, per_window: int = 5, window: float = 60.0):
        self.per_window, self.window = per_window, window
        self._seen: dict[object, list] = {}  # key -> [window start, count, suppressed]
        self._lock = threading.Lock()

    def allow(self, key: object) -> tuple[bool, int]:
        """(allowed, how many were suppressed since the last allowed line)."""
        now = time.monotonic()
        with self._lock:
            entry = self._seen.get(key)
            if entry is None or now - entry[0] >= self.window:
                suppressed = entry[2] if entry else 0
                if len(self._seen) > 10_000:  # keys from a flood must not grow memory
                    self._seen.clear()
                self._seen[key] = [now, 1, 0]
                return True, suppressed
            if entry[1] < self.per_window:
                entry[1] += 1
                return True, 0
            entry[2] += 1
            return False, 0


class UntrustedInputFilter(logging.Filter):
    def __init__(self, budget: Budget | None = None):
        super().__init__()
        self.budget = budget or Budget()

    def filter(self, record: logging.LogRecord) -> bool:
        template = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            message = f"{message}: {type(exc).__name__}: {exc}"
            record.exc_info = record.exc_text = None
            record.stack_info = None
        allowed, suppressed = self.budget.allow((record.name, record.levelno, template))
        if not allowed:
            return False
        if suppressed:
            message += f" ({suppressed} similar lines suppressed)"
        record.msg, record.args = one_line(message, 500), None
        return True


def install() -> None:
    """Put the filter on the library loggers (idempotent: every app factory call)."""
    for name in UNTRUSTED:
        logger = logging.getLogger(name)
        if not any(isinstance(f, UntrustedInputFilter) for f in logger.filters):
            logger.addFilter(UntrustedInputFilter())


def drop_duplicate_handlers() -> None:
    """Engine.IO gives its logger a handler of its own when none is configured yet; once
    the root logger has one (wsgi.py), every line would be written twice."""
    if not logging.root.handlers:
        return
    for name in UNTRUSTED:
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if type(handler) is logging.StreamHandler:
                logger.removeHandler(handler)
