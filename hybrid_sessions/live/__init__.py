"""The Socket.IO live protocol (CONTRACT.md sections 4 and 5)."""

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class SocketEventSessions(SecureCookieSessionInterface):
    """The signed cookie session, decoded once per Socket.IO connection, not per event.

    Flask-SocketIO runs every event (connect, each room:join, disconnect) in a request
    context built from the connection's handshake environ; pushing it opens the session
    (the cookie's signature checked, its payload decoded), and Flask-SocketIO then
    replaces it with its own copy kept in that environ (`saved_session`). After the
    connect that decode is thrown away: a storm of returning browsers paid it three
    times per person. The kept copy came from this same signed cookie, and a WSGI
    environ's keys come from the server, never from the client.
    """

    def open_session(self, app, request):
        kept = request.environ.get("saved_session")
        if kept is not None:
            return kept
        return super().open_session(app, request)


def register(app: Flask) -> None:
    app.session_interface = SocketEventSessions()
    # Importing the modules registers their handlers on the shared `socketio` object.
    from . import breakout, connection, curation, moderation, rooms  # noqa: F401
