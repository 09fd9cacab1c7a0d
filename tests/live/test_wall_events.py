"""Big screens live: a wall connects with the ticket its page hands out, only listens,
and gets the phase, broadcasts, counts and (a room wall) its room's posts, never with a
name in an anonymous session."""

import json
import re
import uuid

import pytest

from hybrid_sessions.extensions import socketio
from hybrid_sessions.services import panels


def _events(client, name):
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def _ticket(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(data)["ticket"]


@pytest.fixture
def walls(app, client, scenario, sock):
    """The moderator watching, Ewa in room A, and two walls: the session's and room A's."""
    s = dict(scenario)
    s["mod"] = sock(scenario["moderator_token"])
    assert s["mod"].emit("session:watch", {"slug": s["slug"]}, callback=True)["ok"]
    s["ewa_sock"] = sock(scenario["ewa"][1])
    assert s["ewa_sock"].emit("room:join", {"room_id": s["room_a"]}, callback=True)["ok"]
    ticket = _ticket(client, f"/s/{s['slug']}/wall")
    room_ticket = _ticket(client, f"/s/{s['slug']}/rooms/{s['room_a']}/wall")
    s["wall"] = socketio.test_client(app, auth={"wall": ticket})
    s["room_wall"] = socketio.test_client(app, auth={"wall": room_ticket})
    s["room_b_wall"] = socketio.test_client(
        app, auth={"wall": _ticket(client, f"/s/{s['slug']}/rooms/{s['room_b']}/wall")}
    )
    assert s["wall"].is_connected() and s["room_wall"].is_connected()
    yield s
    for key in ("wall", "room_wall", "room_b_wall"):
        if s[key].is_connected():
            s[key].disconnect()


def test_walls_follow_the_phase_and_broadcasts(walls):
    ack = walls["mod"].emit(
        "session:phase", {"slug": walls["slug"], "phase": "rooms_open", "minutes": 2}, callback=True
    )
    assert ack["ok"]
    for wall in (walls["wall"], walls["room_wall"]):
        [phase] = _events(wall, "session:phase")
        assert phase["phase"] == "rooms_open" and phase["rooms_close_at"] and phase["server_time"]
    sent = walls["mod"].emit(
        "session:broadcast", {"slug": walls["slug"], "text": "Dwie minuty!"}, callback=True
    )
    assert sent["ok"]
    assert [b["text"] for b in _events(walls["wall"], "session:broadcast")] == ["Dwie minuty!"]
    assert [b["text"] for b in _events(walls["room_wall"], "session:broadcast")] == ["Dwie minuty!"]
    assert [b["text"] for b in _events(walls["room_b_wall"], "session:broadcast")] == ["Dwie minuty!"]
    to_b = {"slug": walls["slug"], "text": "Tylko B", "room_id": walls["room_b"]}
    assert walls["mod"].emit("session:broadcast", to_b, callback=True)["ok"]
    assert _events(walls["room_wall"], "session:broadcast") == []
    assert _events(walls["wall"], "session:broadcast") == []
    assert [b["text"] for b in _events(walls["room_b_wall"], "session:broadcast")] == ["Tylko B"]


def test_a_room_wall_gets_its_rooms_posts_and_the_session_wall_the_counts(walls, make, sock):
    post = {"room_id": walls["room_a"], "client_id": str(uuid.uuid4()), "text": "Ławki"}
    assert walls["ewa_sock"].emit("rec:post", post, callback=True)["ok"]
    [rec] = _events(walls["room_wall"], "rec:new")
    assert rec["text"] == "Ławki" and rec["votes"] == 0
    assert _events(walls["room_b_wall"], "rec:new") == [] and _events(walls["wall"], "rec:new") == []
    walls["wall"].get_received()
    # Someone joins room B: the session wall gets the new counts, in-room and remote.
    make.participant(walls["slug"], walls["room_b"], "Nowa", "in_room")
    zosia, token = make.participant(walls["slug"], None, "Zosia", "remote")
    zosia_sock = sock(token)
    assert zosia_sock.emit("room:join", {"room_id": walls["room_b"]}, callback=True)["ok"]
    [*_, update] = _events(walls["wall"], "wall:rooms")
    room_b = next(r for r in update["rooms"] if r["id"] == walls["room_b"])
    assert room_b["remote"] >= 1 and "Zosia" not in json.dumps(update)


def test_in_an_anonymous_session_the_wall_gets_posts_without_names(app, client, make, sock):
    moderator = make.moderator()
    slug, (room, _) = make.panel(moderator, slug="anonimowy", anonymous=True)
    _, token = make.participant(slug, room, "Ewa Tajemnicza")
    ewa = sock(token)
    assert ewa.emit("room:join", {"room_id": room}, callback=True)["ok"]
    wall = socketio.test_client(app, auth={"wall": _ticket(client, f"/s/{slug}/rooms/{room}/wall")})
    try:
        post = {"room_id": room, "client_id": str(uuid.uuid4()), "text": "Bez imion"}
        assert ewa.emit("rec:post", post, callback=True)["ok"]
        [rec] = _events(wall, "rec:new")
        assert rec["author"]["display_name"] is None and "Tajemnicza" not in json.dumps(rec)
    finally:
        wall.disconnect()


def test_a_wall_only_listens(walls):
    post = {"room_id": walls["room_a"], "client_id": str(uuid.uuid4()), "text": "Z ekranu"}
    ack = walls["room_wall"].emit("rec:post", post, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    ack = walls["wall"].emit("session:watch", {"slug": walls["slug"]}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert walls["wall"].is_connected()


@pytest.mark.parametrize("ticket", ["", "nonsense", 42, "x" * 600])
def test_a_forged_or_broken_ticket_is_refused(app, ticket):
    client = socketio.test_client(app, auth={"wall": ticket})
    assert not client.is_connected()


def test_a_ticket_signed_with_another_key_is_refused(app, scenario):
    from itsdangerous import URLSafeTimedSerializer

    with app.app_context():
        panel_id = panels.get_panel(scenario["slug"]).id
    forged = URLSafeTimedSerializer("another-key", salt="wall-ticket").dumps(
        {"panel": panel_id, "room": None}
    )
    assert not socketio.test_client(app, auth={"wall": forged}).is_connected()
