"""Entry point: `python wsgi.py` serves HTML, JSON and Socket.IO from one process.

Also the app for `flask --app wsgi ...` and for gunicorn (`gunicorn -k eventlet -w 1 wsgi:app`).
"""

import os
import socket
import warnings

# eventlet is the design card's choice (issue 4 weighs the alternatives with numbers);
# its deprecation notice on every start would only alarm operators.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")


def _without_nagle(listener):
    # An event and its ack are small frames written back to back; with Nagle's
    # algorithm the second waits for the client's delayed ACK, about 40 ms, on every
    # post. Accepted sockets inherit TCP_NODELAY from the listener (Linux).
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listener


# Monkey-patching must come before any other import, so every socket, lock and
# sleep the app uses is cooperative. Each server gets TCP_NODELAY on its listener.
MODE = os.environ.get("ASYNC_MODE") or "eventlet"
if MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()

    _listen = eventlet.listen
    eventlet.listen = lambda *args, **kwargs: _without_nagle(_listen(*args, **kwargs))
elif MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

    import gevent.server

    _tcp_listener = gevent.server._tcp_listener
    gevent.server._tcp_listener = lambda *args, **kwargs: _without_nagle(_tcp_listener(*args, **kwargs))
else:
    from werkzeug.serving import BaseWSGIServer

    _server_bind = BaseWSGIServer.server_bind

    def _server_bind_without_nagle(self):
        _server_bind(self)
        _without_nagle(self.socket)

    BaseWSGIServer.server_bind = _server_bind_without_nagle

from hybrid_sessions import create_app  # noqa: E402
from hybrid_sessions.extensions import socketio  # noqa: E402

app = create_app()

if __name__ == "__main__":
    import gc
    import logging

    from hybrid_sessions.startup import prepare

    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # Alembic's progress lines are noise at start-up (migrations/env.py leaves an
    # already configured logging alone).
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from hybrid_sessions.logs import drop_duplicate_handlers

    drop_duplicate_handlers()

    for line in prepare(app):
        print(line, flush=True)
    # Everything alive now (modules, the app, templates, translations) lives as long
    # as the process: freezing it keeps the garbage collector's full passes from
    # scanning it again and again. Measured under load (benchmarks/README.md): a full
    # pass paused the server for ~90 ms before, ~5 ms after.
    gc.collect()
    gc.freeze()
    if MODE == "eventlet":
        # Exclusive port, raised file limit, connection caps, EMFILE survived
        # (hybrid_sessions/serving.py); socketio.run would do none of these.
        from hybrid_sessions.serving import serve_eventlet

        serve_eventlet(app, log_output=os.environ.get("ACCESS_LOG") == "1")
        raise SystemExit(0)
    socketio.run(
        app,
        host=app.config["HOST"],
        port=app.config["PORT"],
        allow_unsafe_werkzeug=True,
        log_output=os.environ.get("ACCESS_LOG") == "1",
    )
