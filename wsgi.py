"""Entry point: `python wsgi.py` serves HTML, JSON and Socket.IO from one process.

Also the app for `flask --app wsgi ...` and for gunicorn (`gunicorn -k eventlet -w 1 wsgi:app`).
"""

import os
import warnings

# eventlet is the design card's choice (issue 4 weighs the alternatives with numbers);
# its deprecation notice on every start would only alarm operators.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")


# Monkey-patching must come before any other import, so every socket, lock and sleep
# the app uses is cooperative. Everything else about serving (listener, backlog,
# TCP_NODELAY, caps) is in hybrid_sessions/serving.py, shared with the benchmarks'
# baseline server.
MODE = os.environ.get("ASYNC_MODE") or "eventlet"
if MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

from hybrid_sessions import create_app  # noqa: E402
from hybrid_sessions.extensions import socketio  # noqa: E402

app = create_app()

if __name__ == "__main__":
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
    from hybrid_sessions.serving import serve

    serve(app, socketio, MODE, log_output=os.environ.get("ACCESS_LOG") == "1")
