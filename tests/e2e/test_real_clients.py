"""The live protocol with a real Socket.IO client (python-socketio) against `python wsgi.py`."""

import queue
import uuid

import pytest
import requests
import socketio
import websocket

from tests.e2e.conftest import create_session, moderator_token


@pytest.fixture(scope="module")
def session(server):
    base = server["base"]
    token = moderator_token(base)
    created = create_session(base, {"title": "Prawdziwi klienci", "rooms": [{"name": "Jedyny pokój"}]}, token)
    return {
        "base": base,
        "slug": created["slug"],
        "room": created["rooms"][0]["id"],
        "moderator_token": token,
    }


def _participant(session, name):
    response = requests.post(
        f"{session['base']}/api/v1/sessions/{session['slug']}/participants",
        json={"display_name": name, "attendance": "remote", "room_id": session["room"]},
    )
    assert response.status_code == 201
    return response.json()["token"]


def _client():
    return socketio.Client(reconnection=False)


def test_a_foreign_origin_is_refused_on_polling(session):
    client = _client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            session["base"],
            auth={"token": _participant(session, "Obca")},
            headers={"Origin": "http://evil.example"},
            transports=["polling"],
            wait_timeout=5,
        )
    assert not client.connected


@pytest.mark.parametrize("origin, accepted", [("http://evil.example", False), (None, True)])
def test_a_foreign_origin_is_refused_on_websocket(session, origin, accepted):
    url = session["base"].replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    origin = origin or session["base"]
    if accepted:
        websocket.create_connection(url, origin=origin, timeout=5).close()
    else:
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(url, origin=origin, timeout=5)
        assert refused.value.status_code == 400


def test_no_token_and_no_cookie_is_refused(session):
    client = _client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(session["base"], transports=["websocket"], wait_timeout=5)


def test_posts_fan_out_between_real_clients_on_the_same_origin(session):
    received = queue.Queue()
    reader, writer, moderator = _client(), _client(), _client()
    reader.on("rec:new", received.put)
    moderator_feed = queue.Queue()
    moderator.on("rec:new", moderator_feed.put)
    try:
        reader.connect(
            session["base"],
            auth={"token": _participant(session, "Czytelniczka")},
            transports=["websocket"],
            wait_timeout=5,
        )
        writer.connect(
            session["base"],
            auth={"token": _participant(session, "Pisarz")},
            transports=["websocket"],
            wait_timeout=5,
        )
        moderator.connect(
            session["base"],
            auth={"token": session["moderator_token"]},
            transports=["polling"],
            wait_timeout=5,
        )
        assert reader.call("room:join", {"room_id": session["room"]}, timeout=10)["ok"]
        assert writer.call("room:join", {"room_id": session["room"]}, timeout=10)["ok"]
        assert moderator.call("session:watch", {"slug": session["slug"]}, timeout=10)["ok"]
        client_id = str(uuid.uuid4())
        ack = writer.call(
            "rec:post",
            {"room_id": session["room"], "client_id": client_id, "text": "Zażółć gęślą jaźń 🌻"},
            timeout=10,
        )
        assert ack["ok"] and ack["recommendation"]["text"] == "Zażółć gęślą jaźń 🌻"
        assert received.get(timeout=10) == ack["recommendation"]
        assert moderator_feed.get(timeout=10) == ack["recommendation"]
        # A retry after a lost ack: the same post back, no second rec:new.
        again = writer.call(
            "rec:post", {"room_id": session["room"], "client_id": client_id, "text": "x"}, timeout=10
        )
        assert again["recommendation"]["id"] == ack["recommendation"]["id"]
        bad = writer.call(
            "rec:post", {"room_id": session["room"], "client_id": "nie-uuid", "text": "x"}, timeout=10
        )
        assert bad == {
            "ok": False,
            "error": {"code": "invalid", "message": "client_id must be a UUID string"},
        }
        assert writer.connected
        assert received.empty()
    finally:
        for client in (reader, writer, moderator):
            client.disconnect()
