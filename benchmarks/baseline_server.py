"""The bare-framework baseline: Flask-SocketIO on the same eventlet server, the same
event names and payload shapes as the product, but no database, no auth, no checks.

    HOST=127.0.0.1 PORT=5100 python benchmarks/baseline_server.py
"""

import os

# As in wsgi.py: monkey-patch before any other import. The serving itself (listener,
# backlog, TCP_NODELAY, connection caps, gc.freeze) is the product's own
# hybrid_sessions.serving.serve, so both are always tuned alike.
MODE = os.environ.get("ASYNC_MODE") or "eventlet"
if MODE == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

import itertools  # noqa: E402
import secrets  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from flask import Flask, jsonify, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

from config import Config  # noqa: E402

app = Flask(__name__)
# HOST, PORT and the connection caps with the product's defaults and environment.
app.config.from_object(Config)
socketio = SocketIO(
    app,
    async_mode=os.environ.get("ASYNC_MODE") or "eventlet",
    message_queue=os.environ.get("MESSAGE_QUEUE_URL") or None,
    channel=os.environ.get("MESSAGE_QUEUE_CHANNEL") or "baseline",
)
ROOMS = int(os.environ.get("BASELINE_ROOMS", "100"))
ids = itertools.count(1)
people: dict[str, dict] = {}
sockets: dict[str, dict] = {}


@app.get("/hello")
def hello():
    return "hello"


@app.post("/api/v1/auth/token")
def token():
    return jsonify({"token": "baseline-moderator"})


@app.post("/api/v1/sessions")
def create_session():
    return jsonify(
        {"slug": "baseline", "rooms": [{"id": n + 1, "name": f"Room {n + 1}"} for n in range(ROOMS)]}
    ), 201


@app.post("/api/v1/sessions/<slug>/participants")
def join(slug):
    body = request.get_json()
    token = secrets.token_urlsafe(32)
    people[token] = {"id": next(ids), "display_name": body["display_name"]}
    return jsonify({"participant": people[token], "token": token}), 201


@socketio.on("connect")
def connect(auth=None):
    sockets[request.sid] = people.get((auth or {}).get("token"), {"id": 0, "display_name": "moderator"})


@socketio.on("disconnect")
def disconnect(*_):
    sockets.pop(request.sid, None)


@socketio.on("room:join")
def room_join(data):
    join_room(f"room:{data['room_id']}")
    join_room("everyone")
    return {"ok": True, "room": {"id": data["room_id"]}, "recommendations": [], "seq": 0}


@socketio.on("session:watch")
def session_watch(data):
    join_room("mod")
    join_room("everyone")
    return {"ok": True, "rooms": [], "recommendations": [], "note": {}}


@socketio.on("session:broadcast")
def session_broadcast(data):
    message = {"text": data["text"], "room_id": data.get("room_id"), "sent_at": datetime.now(UTC).isoformat()}
    socketio.emit(
        "session:broadcast", message, to=f"room:{data['room_id']}" if data.get("room_id") else "everyone"
    )
    return {"ok": True}


@socketio.on("session:phase")
def session_phase(data):
    now = datetime.now(UTC).isoformat()
    message = {"phase": data["phase"], "rooms_close_at": data.get("rooms_close_at"), "server_time": now}
    socketio.emit("session:phase", message, to="everyone")
    return {"ok": True, "session": {"phase": data["phase"]}}


@socketio.on("rec:post")
def rec_post(data):
    rec = {
        "id": next(ids),
        "room_id": data["room_id"],
        "client_id": data["client_id"],
        "text": data["text"],
        "author": sockets.get(request.sid, {}),
        "votes": 0,
        "status": "active",
        "created_at": datetime.now(UTC).isoformat(),
        "seq": 0,
        "erased": False,
    }
    socketio.emit("rec:new", rec, to=[f"room:{data['room_id']}", "mod"])
    return {"ok": True, "recommendation": rec}


if __name__ == "__main__":
    from hybrid_sessions.serving import serve

    serve(app, socketio, MODE)
