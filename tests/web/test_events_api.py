"""The events JSON API (CONTRACT.md section 7), the CLI import and the demo event."""

import csv
import io
import json

import pytest

PROGRAMME = {
    "title": "Organizowanie społeczności lokalnej – nowa jakość",
    "slug": "osl-2030",
    "venue": "Kraków",
    "days": [
        {
            "date": "2030-11-24",
            "slots": [
                {"starts_at": "12:00", "ends_at": "13:30", "title": "Powitanie", "kind": "plenary"},
                {"starts_at": "13:30", "ends_at": "14:30", "title": "Obiad", "kind": "break"},
                {
                    "starts_at": "09:30",
                    "ends_at": "11:30",
                    "title": "Wizyty studyjne",
                    "kind": "parallel",
                    "tracks": [
                        {"title": "Po sąsiedzku", "place": "ul. Brzozowa 14", "capacity": 1},
                        {"title": "Po prostu ZiK", "lead": "MOPS Kraków", "capacity": 20},
                    ],
                },
            ],
        }
    ],
}


@pytest.fixture
def organiser(make):
    return make.moderator_token(make.moderator())


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def _create(client, token, body=None):
    response = client.post("/api/v1/events", json=body or PROGRAMME, headers=_auth(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _visit(event):
    slot = event["days"][0]["slots"][2]
    return slot["id"], slot["tracks"][0]["id"], slot["tracks"][1]["id"]


def _register(client, slug, slot_id, track_id, name="Ewa"):
    return client.post(
        f"/api/v1/events/{slug}/registrations",
        json={
            "name": name,
            "email": f"{name.lower()}@example.org",
            "organisation": '=HYPERLINK("http://evil")',
            "attendance": "in_room",
            "choices": [{"slot_id": slot_id, "track_id": track_id}],
        },
    )


def test_a_moderator_creates_an_event_with_ids_and_counts(client, organiser):
    event = _create(client, organiser)
    assert event["slug"] == "osl-2030"
    slot = event["days"][0]["slots"][2]
    assert slot["kind"] == "parallel" and slot["id"] and slot["tracks"][0]["id"]
    track = slot["tracks"][0]
    assert (track["confirmed"], track["waitlisted"], track["capacity"], track["place"]) == (
        0,
        0,
        1,
        "ul. Brzozowa 14",
    )
    assert client.get("/api/v1/events/osl-2030").get_json()["days"] == event["days"]
    assert client.post("/api/v1/events", json=PROGRAMME, headers=_auth(organiser)).status_code == 409


def test_creating_needs_a_moderator_and_a_valid_body(client, organiser):
    assert client.post("/api/v1/events", json=PROGRAMME).status_code == 401
    broken = {
        **PROGRAMME,
        "days": [{"date": "2030-11-24", "slots": [{"starts_at": "12:00", "title": "X", "kind": "parallel"}]}],
    }
    response = client.post("/api/v1/events", json=broken, headers=_auth(organiser))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid"
    assert client.get("/api/v1/events/osl-2030").status_code == 404


def test_registration_waiting_list_and_cancel_by_token(client, organiser):
    event = _create(client, organiser)
    slot_id, small, _ = _visit(event)
    first = _register(client, "osl-2030", slot_id, small, "Ewa")
    assert first.status_code == 201
    body = first.get_json()
    assert body["registration"]["choices"] == [{"slot_id": slot_id, "track_id": small, "status": "confirmed"}]
    second = _register(client, "osl-2030", slot_id, small, "Jan").get_json()
    assert second["registration"]["choices"][0]["status"] == "waitlisted"
    track = client.get("/api/v1/events/osl-2030").get_json()["days"][0]["slots"][2]["tracks"][0]
    assert (track["confirmed"], track["waitlisted"]) == (1, 1)

    assert client.delete("/api/v1/events/osl-2030/registrations/me").status_code == 401
    gone = client.delete("/api/v1/events/osl-2030/registrations/me", headers=_auth(body["token"]))
    assert gone.status_code == 200
    mine = client.get("/api/v1/events/osl-2030/registrations/me", headers=_auth(second["token"])).get_json()
    assert mine["registration"]["choices"][0]["status"] == "confirmed"


def test_the_organiser_lists_registrations_as_json_and_csv(client, organiser, make):
    event = _create(client, organiser)
    slot_id, small, big = _visit(event)
    _register(client, "osl-2030", slot_id, small, "Żaneta")
    listed = client.get("/api/v1/events/osl-2030/registrations", headers=_auth(organiser)).get_json()
    person = listed["registrations"][0]
    assert person["name"] == "Żaneta" and person["email"] == "żaneta@example.org"
    assert person["choices"][0]["status"] == "confirmed" and person["cancelled_at"] is None
    response = client.get("/api/v1/events/osl-2030/registrations.csv", headers=_auth(organiser))
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[1][1] == "Żaneta"
    assert rows[1][3].startswith("'=")  # a formula stays text in a spreadsheet
    assert "Po sąsiedzku (confirmed)" in rows[1]
    other = make.moderator_token(make.moderator("other@example.org"))
    assert client.get("/api/v1/events/osl-2030/registrations", headers=_auth(other)).status_code == 403
    assert client.get("/api/v1/events/osl-2030/registrations").status_code == 401


def test_after_the_deadline_registration_is_closed(client, organiser):
    event = _create(client, organiser, {**PROGRAMME, "registration_closes_at": "2020-01-01T00:00:00+01:00"})
    slot_id, small, _ = _visit(event)
    response = _register(client, "osl-2030", slot_id, small)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "closed"


def test_the_organiser_moves_and_checks_in(client, organiser):
    event = _create(client, organiser)
    slot_id, small, big = _visit(event)
    ewa = _register(client, "osl-2030", slot_id, small, "Ewa").get_json()["registration"]["id"]
    jan = _register(client, "osl-2030", slot_id, big, "Jan").get_json()["registration"]["id"]
    full = client.post(
        f"/api/v1/events/osl-2030/registrations/{jan}/move",
        json={"slot_id": slot_id, "track_id": small},
        headers=_auth(organiser),
    )
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "track_full"
    moved = client.post(
        f"/api/v1/events/osl-2030/registrations/{ewa}/move",
        json={"slot_id": slot_id, "track_id": big},
        headers=_auth(organiser),
    ).get_json()["registration"]
    assert moved["choices"] == [
        {"slot_id": slot_id, "track_id": big, "status": "confirmed", "position": None}
    ]
    checked = client.post(
        "/api/v1/events/osl-2030/check-in", json={"registration_id": jan}, headers=_auth(organiser)
    )
    assert checked.get_json()["registration"]["checked_in_at"]


def test_import_programme_from_yaml_and_json_updates_by_slug(app, runner, tmp_path):
    path = tmp_path / "programme.json"
    path.write_text(json.dumps(PROGRAMME), encoding="utf-8")
    result = runner.invoke(args=["import-programme", str(path)])
    assert result.exit_code == 0 and "Created event osl-2030" in result.output
    yaml_path = tmp_path / "programme.yaml"
    # Unquoted times, as people write them: YAML reads 12:00 as a number.
    yaml_path.write_text(
        "title: Nowa nazwa\nslug: osl-2030\ndays:\n  - date: 2030-11-24\n    slots:\n"
        "      - {starts_at: 12:00, ends_at: 13:30, title: Powitanie, kind: plenary}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import-programme", str(yaml_path)])
    assert result.exit_code == 0 and "Updated event osl-2030" in result.output
    event = app.test_client().get("/api/v1/events/osl-2030").get_json()
    assert event["title"] == "Nowa nazwa"
    assert [s["starts_at"] for s in event["days"][0]["slots"]] == ["12:00"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\ndays: []\n", encoding="utf-8")
    result = runner.invoke(args=["import-programme", str(bad)])
    assert result.exit_code != 0 and "days" in result.output


def test_the_demo_loads_the_2014_krakow_programme_once(app, runner):
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    client = app.test_client()
    event = client.get("/api/v1/events/osl-krakow-2014").get_json()
    assert event["title"].startswith("Organizowanie społeczności lokalnej")
    workshops = event["days"][0]["slots"][2]
    assert workshops["kind"] == "parallel" and len(workshops["tracks"]) == 7
    assert workshops["tracks"][0]["lead"] == "Tomasz Stoński, OPS Radlin"
    visits = next(s for s in event["days"][1]["slots"] if s["kind"] == "parallel")
    assert [t["capacity"] for t in visits["tracks"]] == [20, 12, 20, 15, 15, 15, 15]
    assert client.get("/e/osl-krakow-2014").status_code == 200


BAD_BODIES = [
    None,
    [],
    "text",
    {"title": 5, "days": []},
    {"title": "x", "days": [{"date": "not a date", "slots": []}]},
    {
        "title": "x",
        "days": [{"date": "2030-01-01", "slots": [{"starts_at": "25:99", "title": "x", "kind": "plenary"}]}],
    },
    {
        "title": "x",
        "days": [{"date": "2030-01-01", "slots": [{"starts_at": "10:00", "title": "x", "kind": "party"}]}],
    },
    {"title": "x", "timezone": "Mars/Olympus", "days": [{"date": "2030-01-01", "slots": []}]},
    {"title": "x", "slug": "Not A Slug", "days": [{"date": "2030-01-01", "slots": []}]},
    {"name": "\x00", "email": "a@b", "attendance": "in_room", "choices": [{"slot_id": 2**40, "track_id": 1}]},
    {"name": "Ewa", "email": "ewa@example.org", "attendance": "sofa", "choices": []},
    {
        "name": "Ewa",
        "email": "ewa@example.org",
        "attendance": "remote",
        "choices": [{"slot_id": "1", "track_id": 1}],
    },
    {"code": ["x"]},
    {"registration_id": "abc"},
    {"slot_id": -1, "track_id": 0},
]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_bodies_get_a_clear_4xx_and_change_nothing(client, organiser, body):
    event = _create(client, organiser)
    before = client.get("/api/v1/events/osl-2030").get_json()
    calls = [
        ("post", "/api/v1/events"),
        ("post", "/api/v1/events/osl-2030/registrations"),
        ("put", "/api/v1/events/osl-2030/registrations/me/choices"),
        ("post", "/api/v1/events/osl-2030/check-in"),
        ("post", "/api/v1/events/osl-2030/registrations/1/move"),
    ]
    for method, path in calls:
        kwargs = {"headers": _auth(organiser)}
        kwargs |= (
            {"data": "{not json", "content_type": "application/json"} if body is None else {"json": body}
        )
        response = getattr(client, method)(path, **kwargs)
        assert 400 <= response.status_code < 500, (path, response.status_code, response.data[:300])
        assert response.get_json()["error"]["code"]
    assert client.get("/api/v1/events/osl-2030").get_json() == before
    assert event["slug"] == "osl-2030"
