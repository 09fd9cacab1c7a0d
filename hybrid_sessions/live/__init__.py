"""The Socket.IO live protocol (CONTRACT.md section 4)."""

from flask import Flask


def register(app: Flask) -> None:
    # Importing the module registers its handlers on the shared `socketio` object.
    from . import handlers  # noqa: F401
