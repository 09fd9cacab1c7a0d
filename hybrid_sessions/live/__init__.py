"""The Socket.IO live protocol (CONTRACT.md sections 4 and 5)."""

from flask import Flask


def register(app: Flask) -> None:
    # Importing the module registers its handlers on the shared `socketio` object.
    from . import curation, handlers  # noqa: F401
