"""The session cookie, opened once per socket rather than once per event.

Flask opens the session cookie (parse, verify the signature, decode) whenever a request
context is pushed, and Flask-SocketIO pushes one for every socket event, then puts the
socket's own copy of the session in place of what Flask opened: the copy made at the
first event, kept in the connection's environ as `saved_session`. The cookie was thus
verified again for every `room:join` and every disconnect only to be thrown away, 8 % of
the server's CPU when a venue's browsers reconnect (benchmarks/README.md, P9). This hands
Flask the socket's copy instead. An HTTP request's environ is new each time and never
has one, so pages are unaffected.
"""

from flask.sessions import SecureCookieSessionInterface


class SocketAwareSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        saved = request.environ.get("saved_session")
        if saved is not None:
            return saved
        return super().open_session(app, request)
