"""Rate limits for socket events, in the same storage as the HTTP limits.

Per participant the key is the participant's id, which outlives sockets: reconnecting
does not give anyone a fresh allowance.
"""

from functools import cache

from flask import current_app, request
from limits import parse_many

from ..extensions import limiter
from ..services.errors import RateLimited

# Every socket event passes here: parse each configured limit string once, not per event.
_parsed = cache(parse_many)


def _hit(setting: str, *key: object) -> None:
    for limit in _parsed(current_app.config[setting]):
        if not limiter.limiter.hit(limit, setting, *map(str, key)):
            raise RateLimited(f"too many requests; at most {limit}")


def per_participant(setting: str, participant_id: int) -> None:
    _hit(setting, participant_id)


def per_address() -> None:
    _hit("RATE_LIMIT_LIVE_PER_ADDRESS", request.remote_addr or "-")


def per_identity(key: str) -> None:
    _hit("RATE_LIMIT_LIVE_PER_IDENTITY", key)
