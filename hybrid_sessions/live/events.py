"""Registering socket event handlers: every outcome becomes an acknowledgement.

Every client→server event answers through its acknowledgement with `{"ok": true, ...}`
or `{"ok": false, "error": {"code", "message"}}`; a bad event never closes the socket.
"""

import functools
import logging

from flask import request

from .. import logs, schemas
from ..error_text import code_dict, error_dict
from ..extensions import socketio
from ..services import transactions
from ..services.errors import DomainError
from . import identity, rate_limits

log = logging.getLogger(__name__)


def event(name: str, schema: type[schemas.Schema] | None = None, *, rate_limited: bool = True):
    """Register a handler that turns every outcome into an ack.

    Budgets: every event, junk included, counts first against the sender's own budget
    (participant or moderator, not the socket). Events registered `rate_limited` (the
    writes) also count, when a participant's are valid, against the coarse per-address
    budget, so one person's junk cannot use up a whole venue's shared NAT address, and
    no participant can starve a moderator. Reads (`rate_limited=False`) skip it.
    """

    def decorate(handler):
        @functools.wraps(handler)
        def wrapper(payload=None, *_ignored):
            try:
                who = identity.of(request.sid)
                rate_limits.per_identity(who.rate_key() if who else f"sid:{request.sid}")
                data = schemas.parse(schema, payload) if schema else payload
                if rate_limited and not (who and who.moderator_id):
                    rate_limits.per_address()
                return {"ok": True, **(handler(data) or {})}
            except DomainError as exc:
                transactions.discard()
                if exc.code in ("forbidden", "unauthorized") and _first_refusal(name, exc.code):
                    who = identity.of(request.sid)
                    log.warning(
                        "security: refused %s (%s) for credential %s",
                        name,
                        exc.code,
                        who.fingerprint if who else "-",
                    )
                return {"ok": False, "error": error_dict(exc), **exc.extra}
            except Exception:
                transactions.discard()
                log.exception("live event %s failed", name)
                return {"ok": False, "error": code_dict("internal")}

        socketio.on_event(name, wrapper)
        return wrapper

    return decorate


# (socket id, event, reason) already logged: one line per connection and reason; and
# all connections together at most a few lines a minute per event and reason, so a
# script repeating a refused event cannot grow the log without bound.
_refusals_logged: dict[str, set[tuple[str, str]]] = {}
_refusal_budget = logs.Budget(per_window=20, window=60.0)


def _first_refusal(name: str, code: str) -> bool:
    seen = _refusals_logged.setdefault(request.sid, set())
    if (name, code) in seen:
        return False
    seen.add((name, code))
    return _refusal_budget.allow((name, code))[0]


def forget_refusals(sid: str) -> None:
    _refusals_logged.pop(sid, None)
