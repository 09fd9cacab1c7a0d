"""Big screens connect without an account: their page hands them a signed wall ticket.

A wall only listens. Its ticket names the session (and, for a room wall, the room) and
puts the socket into the channels whose events a wall shows: the session's phase and
broadcasts and published note (`everyone`), the room counts (`wall`), and a room's
posts (`breakout`). The ticket says nothing a visitor of the wall page could not see;
it expires so a copied one does not listen for ever (the page reloads for a new one).
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..services.errors import Unauthorized
from . import channels
from .identity import Identity, fingerprint

# A wall runs through a whole day of sessions without a reload.
TICKET_SECONDS = 24 * 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="wall-ticket")


def ticket(panel_id: int, room_id: int | None = None) -> str:
    return _serializer().dumps({"panel": panel_id, "room": room_id})


def identity_from_ticket(value: object) -> Identity:
    if not isinstance(value, str) or len(value) > 500:
        raise Unauthorized("not a wall ticket")
    try:
        data = _serializer().loads(value, max_age=TICKET_SECONDS)
    except BadSignature:
        raise Unauthorized("unknown or expired wall ticket") from None
    panel_id, room_id = data.get("panel"), data.get("room")
    names = [channels.everyone(panel_id), channels.wall(panel_id)]
    if room_id is not None:
        names.append(channels.breakout(room_id))
    return Identity(wall_channels=tuple(names), fingerprint=fingerprint(value))
