"""The JSON API of CONTRACT.md section 3, through Flask's test client."""

import pytest

from tests.conftest import PASSWORD

SESSION = {
    "title": "Od klienta do współgospodarza",
    "starts_at": "2021-11-23T13:00:00+01:00",
    "ends_at": "2021-11-23T14:30:00+01:00",
    "about": "Rewolucyjne metamorfozy czy ciche ewolucje?",
    "moderator": {"name": "Anna Żelazowska-Kosiorek", "bio": "Trenerka, facylitatorka."},
    "guests": [
        {"name": "Magdalena Popłońska-Kowalska", "bio": "Dyrektor OPS w Dopiewie."},
        {"name": "Grzegorz Zmarzły", "bio": "Dyrektor OKiS w Bierutowie."},
    ],
    "rooms": [{"name": "Pomoc społeczna", "prompt": "Co pomaga?", "capacity": 2}, {"name": "Kultura"}],
}


def _error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"]["code"] == code and body["error"]["message"]
    return body


@pytest.fixture
def token(make, client):
    make.moderator("anna@example.org")
    response = client.post("/api/v1/auth/token", json={"email": "anna@example.org", "password": PASSWORD})
    assert response.status_code == 200
    return response.get_json()["token"]


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_token_needs_the_right_credentials(client, make):
    make.moderator("anna@example.org")
    _error(
        client.post("/api/v1/auth/token", json={"email": "anna@example.org", "password": "wrong-one"}),
        401,
        "unauthorized",
    )
    _error(
        client.post("/api/v1/auth/token", json={"email": "nobody@example.org", "password": PASSWORD}),
        401,
        "unauthorized",
    )
    _error(client.post("/api/v1/auth/token", json={"email": "anna@example.org"}), 400, "invalid")
    _error(client.post("/api/v1/auth/token", data="not json", content_type="text/plain"), 400, "invalid")


def test_create_session_answers_the_session_object(client, token):
    response = client.post("/api/v1/sessions", json=SESSION, headers=_auth(token))
    assert response.status_code == 201
    body = response.get_json()
    assert body["slug"] == "od-klienta-do-wspolgospodarza"
    assert body["starts_at"] == "2021-11-23T13:00:00+01:00" and body["ends_at"] == "2021-11-23T14:30:00+01:00"
    assert body["moderator"]["name"] == "Anna Żelazowska-Kosiorek"
    assert [g["name"] for g in body["guests"]] == ["Magdalena Popłońska-Kowalska", "Grzegorz Zmarzły"]
    assert [(r["name"], r["capacity"], r["participant_count"]) for r in body["rooms"]] == [
        ("Pomoc społeczna", 2, 0),
        ("Kultura", None, 0),
    ]
    # The same object, but for the server's clock at the moment of answering.
    got = client.get(f"/api/v1/sessions/{body['slug']}").get_json()
    assert got | {"server_time": None} == body | {"server_time": None}


def test_create_session_needs_a_moderator(client, token):
    _error(client.post("/api/v1/sessions", json=SESSION), 401, "unauthorized")
    _error(client.post("/api/v1/sessions", json=SESSION, headers=_auth("hsm_forged")), 401, "unauthorized")
    _error(
        client.post("/api/v1/sessions", json=SESSION, headers={"Authorization": token}), 401, "unauthorized"
    )


@pytest.mark.parametrize(
    "change",
    [
        {"rooms": []},
        {"rooms": None},
        {"title": 5},
        {"starts_at": "2021-11-23T13:00:00"},  # no offset
        {"starts_at": "yesterday"},
        {"ends_at": "2021-11-23T12:00:00+01:00"},
        {"slug": "Zły slug"},
        {"rooms": [{"name": "A", "capacity": "10"}]},
        {"rooms": [{"name": "A", "capacity": 0}]},
        {"guests": "Grzegorz"},
        {"co_moderators": ["nobody@example.org"]},
    ],
)
def test_invalid_sessions_get_400_and_nothing_is_created(client, token, change):
    _error(client.post("/api/v1/sessions", json={**SESSION, **change}, headers=_auth(token)), 400, "invalid")
    assert client.get("/api/v1/sessions").get_json() == {"upcoming": [], "past": []}


def test_a_taken_slug_is_a_conflict(client, token):
    assert (
        client.post("/api/v1/sessions", json={**SESSION, "slug": "panel"}, headers=_auth(token)).status_code
        == 201
    )
    _error(
        client.post("/api/v1/sessions", json={**SESSION, "slug": "panel"}, headers=_auth(token)),
        409,
        "conflict",
    )


def test_join_answers_the_participant_and_a_token(client, token):
    slug = client.post("/api/v1/sessions", json=SESSION, headers=_auth(token)).get_json()["slug"]
    room = client.get(f"/api/v1/sessions/{slug}").get_json()["rooms"][0]["id"]
    response = client.post(
        f"/api/v1/sessions/{slug}/participants",
        json={"display_name": "Zoś 🌻", "attendance": "in_room", "room_id": room},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["participant"]["display_name"] == "Zoś 🌻" and isinstance(body["participant"]["id"], int)
    assert body["token"].startswith("hsp_") and len(body["token"]) > 40
    assert client.get(f"/api/v1/sessions/{slug}").get_json()["rooms"][0]["participant_count"] == 1


def test_a_full_room_answers_room_full(client, token):
    slug = client.post("/api/v1/sessions", json=SESSION, headers=_auth(token)).get_json()["slug"]
    room = client.get(f"/api/v1/sessions/{slug}").get_json()["rooms"][0]["id"]
    for name in ("A", "B"):
        assert (
            client.post(
                f"/api/v1/sessions/{slug}/participants",
                json={"display_name": name, "attendance": "remote", "room_id": room},
            ).status_code
            == 201
        )
    _error(
        client.post(
            f"/api/v1/sessions/{slug}/participants",
            json={"display_name": "C", "attendance": "remote", "room_id": room},
        ),
        409,
        "room_full",
    )
    assert client.get(f"/api/v1/sessions/{slug}").get_json()["rooms"][0]["participant_count"] == 2


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"display_name": "A", "attendance": "online"}, 400, "invalid"),
        ({"display_name": "", "attendance": "remote"}, 400, "invalid"),
        ({"display_name": "A" * 61, "attendance": "remote"}, 400, "invalid"),
        ({"display_name": ["A"], "attendance": "remote"}, 400, "invalid"),
        ({"display_name": "A", "attendance": "remote", "room_id": "1"}, 400, "invalid"),
        ({"display_name": "A", "attendance": "remote", "room_id": 999999}, 404, "not_found"),
        ([1, 2], 400, "invalid"),
        (None, 400, "invalid"),
    ],
)
def test_bad_joins_are_refused(client, scenario, body, status, code):
    _error(client.post(f"/api/v1/sessions/{scenario['slug']}/participants", json=body), status, code)


def test_unknown_sessions_and_routes_are_json_404(client):
    _error(client.get("/api/v1/sessions/nie-ma"), 404, "not_found")
    _error(
        client.post(
            "/api/v1/sessions/nie-ma/participants", json={"display_name": "A", "attendance": "remote"}
        ),
        404,
        "not_found",
    )
    _error(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert client.delete("/api/v1/sessions/nie-ma").status_code == 405


def test_a_body_over_the_size_limit_is_refused(client, scenario):
    huge = {"display_name": "A", "attendance": "remote", "padding": "x" * 300_000}
    _error(client.post(f"/api/v1/sessions/{scenario['slug']}/participants", json=huge), 413, "invalid")


def test_recommendations_are_for_the_sessions_moderators(client, make, scenario):
    rec = make.post(scenario["ewa"][0], scenario["room_a"], "Ławki")
    url = f"/api/v1/sessions/{scenario['slug']}/recommendations"
    _error(client.get(url), 401, "unauthorized")
    _error(client.get(url, headers=_auth(scenario["ewa"][1])), 401, "unauthorized")
    outsider = make.moderator_token(make.moderator("obcy@example.org"))
    _error(client.get(url, headers=_auth(outsider)), 403, "forbidden")
    body = client.get(url, headers=_auth(scenario["moderator_token"])).get_json()
    [shaped] = body["recommendations"]
    assert shaped["id"] == rec and shaped["text"] == "Ławki" and shaped["votes"] == 0
    assert shaped["status"] == "active" and shaped["author"]["display_name"] == "Ewa"
    assert shaped["room_id"] == scenario["room_a"] and shaped["created_at"].endswith("+00:00")
    assert set(shaped) >= {"id", "room_id", "client_id", "text", "author", "votes", "status", "created_at"}


def test_the_note_is_404_until_published_then_versioned(app, client, scenario, make):
    from hybrid_sessions.extensions import db
    from hybrid_sessions.models import Moderator
    from hybrid_sessions.services import notes, panels

    url = f"/api/v1/sessions/{scenario['slug']}/note"
    _error(client.get(url), 404, "not_found")
    rec = make.post(scenario["ewa"][0], scenario["room_a"], "Ławki")
    make.published_note(scenario["slug"], scenario["moderator"], [rec], summary="Rozmawialiśmy o ławkach.")
    with app.app_context():
        panel, actor = panels.get_panel(scenario["slug"]), db.session.get(Moderator, scenario["moderator"])
        notes.edit_item(
            panel,
            notes.current_note_shape(panel)["sections"][0]["items"][0]["id"],
            actor,
            text="Ławki i cień",
        )
        notes.publish_note(panel, actor)
    latest = client.get(url).get_json()
    assert latest["version"] == 2 and latest["slug"] == scenario["slug"]
    assert latest["published_at"] and latest["summary"] == "Rozmawialiśmy o ławkach."
    [section] = latest["sections"]
    [item] = section["items"]
    assert section["title"] == "Przestrzeń" and item["text"] == "Ławki i cień" and item["support"] == 1
    assert item["sources"] == [
        {"recommendation_id": rec, "room_id": scenario["room_a"], "room_name": "Sala A"}
    ]
    assert client.get(f"{url}?version=1").get_json()["sections"][0]["items"][0]["text"] == "Więcej ławek"
    _error(client.get(f"{url}?version=3"), 404, "not_found")
    _error(client.get(f"{url}?version=abc"), 400, "invalid")
    versions = client.get(f"{url}/versions").get_json()["versions"]
    assert [v["version"] for v in versions] == [2, 1]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sessions/{slug}/note?version=99999999999999",
        "/s/{slug}/note?v=99999999999999",
        "/s/{slug}/rooms/99999999999999",
    ],
)
def test_numbers_beyond_the_id_columns_are_not_found_not_errors(client, scenario, path):
    response = client.get(path.format(slug=scenario["slug"]))
    assert response.status_code in (302, 404)


def test_a_session_of_a_thousand_people_can_have_a_hundred_rooms(client, token):
    rooms = [{"name": f"Sala {n}", "capacity": 10} for n in range(100)]
    response = client.post("/api/v1/sessions", json={**SESSION, "rooms": rooms}, headers=_auth(token))
    assert response.status_code == 201 and len(response.get_json()["rooms"]) == 100
    too_many = [{"name": f"Sala {n}"} for n in range(201)]
    _error(
        client.post("/api/v1/sessions", json={**SESSION, "rooms": too_many}, headers=_auth(token)),
        400,
        "invalid",
    )


def test_crafted_input_gets_a_4xx_never_a_500(client, scenario):
    s = scenario
    auth = {"Authorization": f"Bearer {s['moderator_token']}"}
    for version in ("²", "١", "99999999999999999999999", "-1"):
        response = client.get(f"/api/v1/sessions/{s['slug']}/note?version={version}")
        assert response.status_code in (400, 404), (version, response.status_code)
        assert response.get_json()["error"]["code"] in ("invalid", "not_found")
    deep = "[" * 5000 + "]" * 5000
    for path in ("/api/v1/sessions", "/api/v1/auth/token", f"/api/v1/sessions/{s['slug']}/participants"):
        response = client.post(path, data=deep, content_type="application/json", headers=auth)
        assert response.status_code == 400, (path, response.status_code)
        assert response.get_json()["error"]["code"] == "invalid"
