"""The Socket.IO live protocol (CONTRACT.md sections 4 and 5)."""

from flask import Flask


def register(app: Flask) -> None:
    # Importing the modules registers their handlers on the shared `socketio` object.
    from . import breakout, connection, curation, moderation, rooms  # noqa: F401
