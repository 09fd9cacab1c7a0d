"""The live protocol with a real Socket.IO client (python-socketio) against `python wsgi.py`."""

import uuid

import pytest
import socketio
import websocket

from harness.api import create_session, join, moderator_token
from harness.live import LiveClient


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
    return join(session["base"], session["slug"], name, session["room"])


def test_a_foreign_origin_is_refused_on_polling(session):
    with pytest.raises(socketio.exceptions.ConnectionError, match="Unexpected status code 400"):
        LiveClient(
            session["base"],
            _participant(session, "Obca"),
            headers={"Origin": "http://evil.example"},
            transports=("polling",),
        )


@pytest.mark.parametrize("origin, accepted", [("http://evil.example", False), (None, True)])
def test_a_foreign_origin_is_refused_on_websocket(session, origin, accepted):
    url = session["base"].replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    origin = origin or session["base"]
    if accepted:
        websocket.create_connection(url, origin=origin, timeout=5).close()
    else:
        # The status line, not the body: under gevent the refusal's chunked body is not
        # part of the client's exception text.
        with pytest.raises(websocket.WebSocketBadStatusException, match="Handshake status 400") as refused:
            websocket.create_connection(url, origin=origin, timeout=5)
        assert refused.value.status_code == 400


def test_no_token_and_no_cookie_is_refused(session):
    with pytest.raises(socketio.exceptions.ConnectionError, match="namespaces failed to connect"):
        LiveClient(session["base"])


def test_posts_fan_out_between_real_clients_on_the_same_origin(session):
    reader = LiveClient(session["base"], _participant(session, "Czytelniczka"))
    writer = LiveClient(session["base"], _participant(session, "Pisarz"))
    moderator = LiveClient(session["base"], session["moderator_token"], transports=("polling",))
    try:
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
        assert reader.next("rec:new") == ack["recommendation"]
        assert moderator.next("rec:new") == ack["recommendation"]
        # A retry after a lost ack: the same post back, no second rec:new.
        again = writer.call(
            "rec:post", {"room_id": session["room"], "client_id": client_id, "text": "x"}, timeout=10
        )
        assert again["recommendation"]["id"] == ack["recommendation"]["id"]
        bad = writer.call(
            "rec:post", {"room_id": session["room"], "client_id": "nie-uuid", "text": "x"}, timeout=10
        )
        # The code is the contract's; the message is for people, in the connection's
        # language (Polish when the client names none).
        assert bad == {
            "ok": False,
            "error": {
                "code": "invalid",
                "message": "Nie udało się rozpoznać wpisu; odśwież stronę.",
            },
        }
        assert writer.connected
        assert reader.nothing_more("rec:new")
    finally:
        for client in (reader, writer, moderator):
            client.close()
