"""PATCH /api/v1/sessions/<slug> and the breakout-phase fields of the session object
(CONTRACT.md §6), through Flask's test client."""

import pytest

from tests.conftest import PASSWORD
from tests.web.test_api import SESSION, _auth, _error


@pytest.fixture
def token(make, client):
    make.moderator("anna@example.org")
    response = client.post("/api/v1/auth/token", json={"email": "anna@example.org", "password": PASSWORD})
    return response.get_json()["token"]


@pytest.fixture
def created(client, token):
    response = client.post("/api/v1/sessions", json={**SESSION, "slug": "panel"}, headers=_auth(token))
    assert response.status_code == 201
    return response.get_json()


def _patch(client, token, body, slug="panel"):
    return client.patch(f"/api/v1/sessions/{slug}", json=body, headers=_auth(token))


def test_a_new_session_carries_the_breakout_fields_and_starts_with_rooms_open(created):
    assert created["phase"] == "rooms_open" and created["rooms_close_at"] is None
    assert (created["stream_url"], created["assignment"], created["anonymous"]) == (None, "self", False)
    assert [r["call_url"] for r in created["rooms"]] == [None, None]
    assert {r["in_room_count"] for r in created["rooms"]} == {0}


def test_a_session_can_be_created_in_the_lobby_with_links(client, token):
    body = {
        **SESSION,
        "phase": "lobby",
        "stream_url": "https://youtube.com/live/abc",
        "assignment": "balanced",
        "anonymous": True,
        "rooms": [{"name": "A", "call_url": "https://meet.jit.si/sala-a"}],
    }
    response = client.post("/api/v1/sessions", json=body, headers=_auth(token))
    assert response.status_code == 201, response.get_data(as_text=True)
    shape = response.get_json()
    assert (shape["phase"], shape["assignment"], shape["anonymous"]) == ("lobby", "balanced", True)
    assert shape["rooms"][0]["call_url"] == "https://meet.jit.si/sala-a"
    got = client.get(f"/api/v1/sessions/{shape['slug']}").get_json()
    assert got["stream_url"] == "https://youtube.com/live/abc" and got["phase"] == "lobby"


def test_patch_changes_only_the_fields_given_keeps_the_link_updates_and_adds_rooms(client, token, created):
    first, second = created["rooms"]
    response = _patch(
        client,
        token,
        {
            "title": "Nowy tytuł",
            "stream_url": "https://youtube.com/live/xyz",
            "assignment": "moderator",
            "anonymous": True,
            "rooms": [
                {"id": first["id"], "name": "Pomoc (sala 2)", "call_url": "https://bbb.example.org/b/abc"},
                {"name": "Sport", "capacity": 8},
            ],
        },
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    shape = response.get_json()
    assert shape["slug"] == "panel" and shape["url"] == created["url"]
    assert (shape["title"], shape["about"]) == ("Nowy tytuł", created["about"])
    assert (shape["assignment"], shape["anonymous"], shape["stream_url"]) == (
        "moderator",
        True,
        "https://youtube.com/live/xyz",
    )
    assert [(r["id"], r["name"], r["capacity"], r["call_url"]) for r in shape["rooms"][:2]] == [
        (first["id"], "Pomoc (sala 2)", 2, "https://bbb.example.org/b/abc"),
        (second["id"], "Kultura", None, None),
    ]
    assert (shape["rooms"][2]["name"], shape["rooms"][2]["capacity"]) == ("Sport", 8)
    assert client.get("/api/v1/sessions/panel").get_json()["title"] == "Nowy tytuł"
    events = client.get("/api/v1/sessions/panel/audit", headers=_auth(token)).get_json()["events"]
    assert events[0]["action"] == "session.edit" and "rooms" in events[0]["details"]["fields"]


def test_patch_refuses_a_capacity_below_the_people_in_the_room_and_changes_nothing(client, token, created):
    room = created["rooms"][0]
    for name in ("Ewa", "Jan"):
        joined = client.post(
            "/api/v1/sessions/panel/participants",
            json={"display_name": name, "attendance": "in_room", "room_id": room["id"]},
        )
        assert joined.status_code == 201
    body = _error(
        _patch(client, token, {"title": "Zmiana", "rooms": [{"id": room["id"], "capacity": 1}]}),
        400,
        "invalid",
    )
    assert "2" in body["error"]["message"]
    after = client.get("/api/v1/sessions/panel").get_json()
    assert after["title"] == SESSION["title"] and after["rooms"][0]["capacity"] == 2
    # At the count of people in the room is fine; and no limit at all too.
    assert _patch(client, token, {"rooms": [{"id": room["id"], "capacity": 2}]}).status_code == 200
    assert (
        _patch(client, token, {"rooms": [{"id": room["id"], "capacity": None}]}).get_json()["rooms"][0][
            "capacity"
        ]
        is None
    )


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"slug": "inny-link"}, 400, "invalid"),
        ({"stream_url": "http://youtube.com/live/x"}, 400, "invalid"),
        ({"stream_url": "javascript:alert(1)"}, 400, "invalid"),
        ({"rooms": [{"id": 999999, "name": "X"}]}, 404, "not_found"),
        ({"rooms": [{"prompt": "bez nazwy"}]}, 400, "invalid"),
        ({"assignment": "losowo"}, 400, "invalid"),
        ({"anonymous": "tak"}, 400, "invalid"),
        ({"title": None}, 400, "invalid"),
        ({"ends_at": "2021-11-23T12:00:00+01:00"}, 400, "invalid"),
        ({"phase": "rooms_open", "rooms_close_at": "2001-01-01T00:00:00+00:00"}, 400, "invalid"),
        (
            {"title": "Zmieniony", "phase": "rooms_closed", "rooms_close_at": "2099-01-01T00:00:00+00:00"},
            400,
            "invalid",
        ),
        ([1, 2], 400, "invalid"),
    ],
)
def test_patch_refuses_bad_input_with_a_clear_error_and_changes_nothing(
    client, token, created, body, status, code
):
    _error(_patch(client, token, body), status, code)
    assert client.get("/api/v1/sessions/panel").get_json() | {"server_time": None} == created | {
        "server_time": None
    }


def test_patch_needs_a_moderator_of_the_session(client, token, created, make):
    _error(client.patch("/api/v1/sessions/panel", json={"title": "X"}), 401, "unauthorized")
    make.moderator("obcy@example.org")
    other = make.moderator_token(make.moderator("obcy@example.org"))
    _error(_patch(client, other, {"title": "X"}), 403, "forbidden")
    _error(_patch(client, token, {"title": "X"}, slug="nie-ma"), 404, "not_found")


def test_patch_can_open_the_rooms_with_a_timer(client, token, created):
    shape = _patch(client, token, {"phase": "rooms_closed"}).get_json()
    assert shape["phase"] == "rooms_closed"
    later = "2099-01-01T10:00:00+00:00"
    response = _patch(client, token, {"phase": "rooms_open", "rooms_close_at": later})
    # More than 24 hours ahead is a typo.
    _error(response, 400, "invalid")


def test_balanced_join_places_without_a_room(client, token):
    body = {**SESSION, "slug": "rownowaga", "assignment": "balanced", "rooms": [{"name": "A"}, {"name": "B"}]}
    rooms = client.post("/api/v1/sessions", json=body, headers=_auth(token)).get_json()["rooms"]
    placed = [
        client.post(
            "/api/v1/sessions/rownowaga/participants", json={"display_name": f"P{i}", "attendance": "remote"}
        ).get_json()["participant"]["room_id"]
        for i in range(4)
    ]
    assert sorted(placed) == sorted([rooms[0]["id"], rooms[1]["id"]] * 2)
