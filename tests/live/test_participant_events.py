"""The live protocol for participants, through Flask-SocketIO's test client."""

import uuid

import pytest
from flask.sessions import SecureCookieSessionInterface


def _events(client, name):
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def _post(client, room, text="Więcej ławek", client_id=None):
    return client.emit(
        "rec:post",
        {"room_id": room, "client_id": client_id or str(uuid.uuid4()), "text": text},
        callback=True,
    )


@pytest.fixture
def room_a(scenario, sock):
    """Ewa and Jan in room A, Ola in room B, each joined over a socket; a moderator watching."""
    clients = {}
    for who, room in (("ewa", "room_a"), ("jan", "room_a"), ("ola", "room_b")):
        client = sock(scenario[who][1])
        ack = client.emit("room:join", {"room_id": scenario[room]}, callback=True)
        assert ack["ok"], ack
        clients[who] = client
    moderator = sock(scenario["moderator_token"])
    assert moderator.emit("session:watch", {"slug": scenario["slug"]}, callback=True)["ok"]
    for client in [*clients.values(), moderator]:
        client.get_received()
    return {**scenario, **clients, "mod": moderator}


def test_a_connection_needs_a_token_or_a_cookie(app, sock, scenario):
    assert not sock().is_connected()
    assert not sock("hsp_made-up-token").is_connected()
    assert sock(scenario["ewa"][1]).is_connected()
    assert sock(scenario["moderator_token"]).is_connected()


def test_the_join_cookie_also_signs_the_browser_in(app, sock, scenario):
    browser = app.test_client()
    browser.post(
        f"/s/{scenario['slug']}/join",
        data={"display_name": "Zoś", "attendance": "in_room", "room_id": scenario["room_b"]},
    )
    client = sock(flask_client=browser)
    assert client.is_connected()
    ack = client.emit("room:join", {"room_id": scenario["room_b"]}, callback=True)
    assert ack["ok"] and ack["participant"]["display_name"] == "Zoś"


def test_a_browsers_cookie_is_verified_once_per_socket_not_per_event(app, sock, scenario, monkeypatch):
    # A venue's browsers reconnecting: each event after the connect reuses the socket's
    # copy of the session instead of verifying the cookie again (issue 15, P9).
    browser = app.test_client()
    browser.post(
        f"/s/{scenario['slug']}/join",
        data={"display_name": "Zoś", "attendance": "in_room", "room_id": scenario["room_b"]},
    )
    opened = []
    real = SecureCookieSessionInterface.open_session

    def counting(self, app_, request):
        opened.append(request.path)
        return real(self, app_, request)

    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", counting)
    client = sock(flask_client=browser)
    for _ in range(3):
        ack = client.emit("room:join", {"room_id": scenario["room_b"]}, callback=True)
        assert ack["ok"] and ack["participant"]["display_name"] == "Zoś"
    assert len(opened) == 1
    # Pages still read the cookie on every request.
    assert browser.get(f"/s/{scenario['slug']}").status_code == 200
    assert len(opened) == 2


def test_room_join_answers_the_room_and_its_posts(make, sock, scenario):
    rec = make.post(scenario["jan"][0], scenario["room_a"], "Wcześniejszy wpis")
    make.post(scenario["ola"][0], scenario["room_b"], "Inny pokój")
    ack = sock(scenario["ewa"][1]).emit("room:join", {"room_id": scenario["room_a"]}, callback=True)
    assert ack["ok"] is True
    assert ack["room"]["id"] == scenario["room_a"] and ack["room"]["name"] == "Sala A"
    assert ack["room"]["participant_count"] == 2
    assert [r["id"] for r in ack["recommendations"]] == [rec]
    assert ack["recommendations"][0]["author"] == {"id": scenario["jan"][0], "display_name": "Jan"}


def test_a_post_is_acked_and_reaches_the_room_and_moderators_once(room_a):
    s = room_a
    ack = _post(s["ewa"], s["room_a"], "  Ławki w cieniu 🌳 ")
    assert ack["ok"] is True
    rec = ack["recommendation"]
    assert rec["text"] == "Ławki w cieniu 🌳" and rec["votes"] == 0 and rec["status"] == "active"
    assert rec["author"]["display_name"] == "Ewa" and rec["room_id"] == s["room_a"]
    assert _events(s["ewa"], "rec:new") == [rec]
    assert _events(s["jan"], "rec:new") == [rec]
    assert _events(s["mod"], "rec:new") == [rec]
    assert _events(s["ola"], "rec:new") == []


def test_a_retried_client_id_returns_the_first_post_and_adds_nothing(room_a):
    s = room_a
    client_id = str(uuid.uuid4())
    first = _post(s["ewa"], s["room_a"], "Pierwsza próba", client_id)
    s["jan"].get_received()
    again = _post(s["ewa"], s["room_a"], "Druga próba", client_id)
    assert again["ok"] and again["recommendation"] == first["recommendation"] and again["duplicate"] is True
    assert _events(s["jan"], "rec:new") == []
    listing = s["jan"].emit("room:join", {"room_id": s["room_a"]}, callback=True)["recommendations"]
    assert len(listing) == 1


@pytest.mark.parametrize(
    "payload, code",
    [
        (None, "invalid"),
        ("tekst", "invalid"),
        ([1, 2], "invalid"),
        ({}, "invalid"),
        ({"room_id": "1", "client_id": str(uuid.uuid4()), "text": "x"}, "invalid"),
        ({"room_id": None, "client_id": str(uuid.uuid4()), "text": "x"}, "invalid"),
        ({"room_id": 1, "client_id": "not-a-uuid", "text": "x"}, "invalid"),
        ({"room_id": 1, "client_id": str(uuid.uuid4()), "text": ""}, "invalid"),
        ({"room_id": 1, "client_id": str(uuid.uuid4()), "text": "   "}, "invalid"),
        ({"room_id": 1, "client_id": str(uuid.uuid4()), "text": "x" * 501}, "invalid"),
        ({"room_id": 1, "client_id": str(uuid.uuid4()), "text": {"a": 1}}, "invalid"),
        # A binary attachment: our packets never send binary, but still decode it.
        ({"room_id": 1, "client_id": str(uuid.uuid4()), "text": b"\x00bytes"}, "invalid"),
        ({"room_id": 999999, "client_id": str(uuid.uuid4()), "text": "x"}, "not_found"),
    ],
)
def test_bad_posts_get_an_error_ack_change_nothing_and_keep_the_connection(room_a, payload, code):
    s = room_a
    if isinstance(payload, dict) and payload.get("room_id") == 1:
        payload = {**payload, "room_id": s["room_a"]}
    ack = s["ewa"].emit("rec:post", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code and ack["error"]["message"]
    assert s["ewa"].is_connected()
    assert _events(s["mod"], "rec:new") == []
    assert s["ewa"].emit("room:join", {"room_id": s["room_a"]}, callback=True)["recommendations"] == []


def test_posting_into_another_room_is_forbidden(room_a):
    s = room_a
    ack = _post(s["ola"], s["room_a"], "Nie mój pokój")
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert _events(s["ewa"], "rec:new") == []


def test_a_participant_token_works_for_its_own_session_only(room_a, make, sock):
    s = room_a
    other_slug, (other_room, _) = make.panel(s["moderator"], slug="inna-sesja")
    ack = s["ewa"].emit("room:join", {"room_id": other_room}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert _post(s["ewa"], other_room)["error"]["code"] == "forbidden"


def test_votes_are_broadcast_and_counted_once(room_a):
    s = room_a
    rec = _post(s["ewa"], s["room_a"])["recommendation"]
    for client in (s["ewa"], s["jan"], s["mod"]):
        client.get_received()
    ack = s["jan"].emit("rec:vote", {"recommendation_id": rec["id"]}, callback=True)
    assert ack["ok"] and ack["recommendation"]["votes"] == 1
    assert [r["votes"] for r in _events(s["ewa"], "rec:updated")] == [1]
    assert [r["votes"] for r in _events(s["mod"], "rec:updated")] == [1]
    again = s["jan"].emit("rec:vote", {"recommendation_id": rec["id"]}, callback=True)
    assert again["ok"] and again["recommendation"]["votes"] == 1
    assert _events(s["ewa"], "rec:updated") == []
    back = s["jan"].emit("rec:unvote", {"recommendation_id": rec["id"]}, callback=True)
    assert back["ok"] and back["recommendation"]["votes"] == 0


@pytest.mark.parametrize("who, code", [("ewa", "forbidden"), ("ola", "forbidden")])
def test_own_and_other_room_votes_are_refused(room_a, who, code):
    s = room_a
    rec = _post(s["ewa"], s["room_a"])["recommendation"]
    ack = s[who].emit("rec:vote", {"recommendation_id": rec["id"]}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code


@pytest.mark.parametrize(
    "payload",
    [None, {}, {"recommendation_id": "1"}, {"recommendation_id": 999999}, {"recommendation_id": True}],
)
def test_bad_votes_and_withdrawals_get_error_acks(room_a, payload):
    for event in ("rec:vote", "rec:unvote", "rec:withdraw"):
        ack = room_a["jan"].emit(event, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] in ("invalid", "not_found")
    assert room_a["jan"].is_connected()


def test_only_the_author_withdraws(room_a):
    s = room_a
    rec = _post(s["ewa"], s["room_a"])["recommendation"]
    refused = s["jan"].emit("rec:withdraw", {"recommendation_id": rec["id"]}, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    for client in (s["jan"], s["mod"]):
        client.get_received()
    ack = s["ewa"].emit("rec:withdraw", {"recommendation_id": rec["id"]}, callback=True)
    assert ack["ok"] and ack["recommendation"]["status"] == "withdrawn"
    assert [r["status"] for r in _events(s["jan"], "rec:updated")] == ["withdrawn"]
    assert [r["status"] for r in _events(s["mod"], "rec:updated")] == ["withdrawn"]


def test_moving_to_a_full_room_is_refused(make, sock, scenario):
    slug, (small, big) = make.panel(
        scenario["moderator"], slug="wizyty", rooms=(("Wizyta", 1), ("Sala", None))
    )
    make.participant(slug, small, "Pierwsza")
    _, token = make.participant(slug, big, "Druga")
    client = sock(token)
    ack = client.emit("room:join", {"room_id": small}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "room_full"
    assert client.emit("room:join", {"room_id": big}, callback=True)["ok"]


def test_a_participant_who_moves_rooms_hears_only_the_new_room(room_a):
    s = room_a
    moved = s["jan"].emit("room:join", {"room_id": s["room_b"]}, callback=True)
    assert moved["ok"] and moved["room"]["id"] == s["room_b"]
    s["jan"].get_received()
    _post(s["ewa"], s["room_a"], "Do pokoju A")
    _post(s["ola"], s["room_b"], "Do pokoju B")
    assert [r["text"] for r in _events(s["jan"], "rec:new")] == ["Do pokoju B"]


def test_participants_cannot_use_moderator_events(room_a):
    s = room_a
    rec = _post(s["ewa"], s["room_a"])["recommendation"]
    for event, payload in [
        ("session:watch", {"slug": s["slug"]}),
        ("note:merge", {"slug": s["slug"], "recommendation_ids": [rec["id"]], "text": "x", "section": "y"}),
        ("note:publish", {"slug": s["slug"]}),
        ("note:summary", {"slug": s["slug"], "summary": "x"}),
    ]:
        ack = s["ewa"].emit(event, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", event
    assert s["mod"].emit("session:watch", {"slug": s["slug"]}, callback=True)["note"]["sections"] == []


def test_room_counts_go_to_moderators_not_to_every_participant(room_a, make, sock):
    s = room_a
    _, token = make.participant(s["slug"], None, "Nowa")
    newcomer = sock(token)
    assert newcomer.emit("room:join", {"room_id": s["room_b"]}, callback=True)["ok"]
    [update] = _events(s["mod"], "rooms:updated")
    assert {r["id"]: r["participant_count"] for r in update["rooms"]} == {s["room_a"]: 2, s["room_b"]: 2}
    assert _events(s["ewa"], "rooms:updated") == [] and _events(s["ola"], "rooms:updated") == []
