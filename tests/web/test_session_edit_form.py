"""Editing a session in the browser (/s/<slug>/edit): every field, rooms added and renamed,
places, call and stream links, placement, anonymity; the link stays; mistakes are shown
in the page's language and change nothing."""

import re

import pytest

from tests.conftest import PASSWORD

EN = {"Accept-Language": "en"}
PL = {"Accept-Language": "pl"}


def _login(client, email="mod@example.org"):
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def _form(client, slug, headers=EN) -> dict:
    """The edit form as the browser would send it back unchanged."""
    html = client.get(f"/s/{slug}/edit", headers=headers).get_data(as_text=True)
    data = {}
    for tag in re.findall(r"<(?:input|select|textarea)[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrf_token":
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        kind = kind.group(1) if kind else ""
        if kind in ("radio", "checkbox") and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = text.strip()
    for name, value in re.findall(
        r'<select[^>]*name="([^"]+)".*?<option selected value="([^"]*)"', html, re.S
    ):
        data[name] = value
    return data


def test_the_edit_form_changes_every_field_and_keeps_the_link(client, scenario):
    slug = scenario["slug"]
    _login(client)
    data = _form(client, slug)
    assert data["title"] == "Od klienta do współgospodarza" and data["rooms-0-name"] == "Sala A"
    data.update(
        {
            "title": "Nowy tytuł",
            "about": "O czym",
            "host-name": "Anna Żelazowska-Kosiorek",
            "guests-0-name": "Grzegorz Zmarzły",
            "rooms-0-name": "Sala A (parter)",
            "rooms-0-call_url": "https://meet.jit.si/sala-a",
            "rooms-1-capacity": "12",
            "rooms-2-name": "Sala C",
            "rooms-2-prompt": "Co dalej?",
            "stream_url": "https://stream.example.org/live",
            "assignment": "moderator",
            "anonymous": "y",
        }
    )
    response = client.post(f"/s/{slug}/edit", data=data, headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/s/{slug}/moderate")
    session = client.get(f"/api/v1/sessions/{slug}").get_json()
    assert session["title"] == "Nowy tytuł" and session["about"] == "O czym" and session["slug"] == slug
    assert session["moderator"]["name"] == "Anna Żelazowska-Kosiorek"
    assert [g["name"] for g in session["guests"]] == ["Grzegorz Zmarzły"]
    assert [r["name"] for r in session["rooms"]] == ["Sala A (parter)", "Sala B", "Sala C"]
    assert [r["id"] for r in session["rooms"]][:2] == [scenario["room_a"], scenario["room_b"]]
    assert session["rooms"][0]["call_url"] == "https://meet.jit.si/sala-a"
    assert session["rooms"][1]["capacity"] == 12 and session["rooms"][2]["prompt"] == "Co dalej?"
    assert session["stream_url"] == "https://stream.example.org/live"
    assert session["assignment"] == "moderator" and session["anonymous"] is True
    # The people already in the rooms stay there.
    assert sum(r["participant_count"] for r in session["rooms"]) == 3
    assert "Changes saved" in client.get(f"/s/{slug}/moderate", headers=EN).get_data(as_text=True)
    # Sent back unchanged, the form changes nothing.
    again = _form(client, slug)
    assert again["rooms-0-call_url"] == "https://meet.jit.si/sala-a" and again["anonymous"] == "y"
    assert client.post(f"/s/{slug}/edit", data=again).status_code == 302
    assert client.get(f"/api/v1/sessions/{slug}").get_json()["rooms"] == session["rooms"]


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        (EN, "2 people are already in this room: it needs at least that many places."),
        (PL, "W tym pokoju są już 2 osoby: potrzebuje co najmniej tylu miejsc."),
    ],
)
def test_fewer_places_than_people_inside_is_refused_in_the_pages_language(client, scenario, headers, words):
    slug = scenario["slug"]
    _login(client)
    before = client.get(f"/api/v1/sessions/{slug}").get_json()
    data = _form(client, slug, headers)
    data.update({"rooms-0-capacity": "1", "title": "Zmieniony"})
    response = client.post(f"/s/{slug}/edit", data=data, headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and words in html
    assert client.get(f"/api/v1/sessions/{slug}").get_json()["title"] == before["title"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("stream_url", "http://stream.example.org"), ("rooms-0-call_url", "javascript:alert(1)")],
)
@pytest.mark.parametrize(
    ("headers", "words"),
    [(EN, "Use an https:// link"), (PL, "Użyj linku https://")],
)
def test_links_other_than_https_are_refused(client, scenario, field, value, headers, words):
    slug = scenario["slug"]
    _login(client)
    data = _form(client, slug, headers)
    data[field] = value
    response = client.post(f"/s/{slug}/edit", data=data, headers=headers)
    assert response.status_code == 400 and words in response.get_data(as_text=True)
    session = client.get(f"/api/v1/sessions/{slug}").get_json()
    assert session["stream_url"] is None and session["rooms"][0]["call_url"] is None


def test_only_the_sessions_moderators_may_edit(client, make, scenario):
    path = f"/s/{scenario['slug']}/edit"
    visitor = client.get(path)
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
    make.moderator("inna@example.org")
    _login(client, "inna@example.org")
    assert client.get(path).status_code == 403
    assert client.post(path, data={"title": "Przejęta"}).status_code == 403
    assert client.get("/s/nie-ma/edit").status_code == 404


def test_the_create_form_can_start_in_the_lobby_with_links(client, make):
    make.moderator()
    _login(client)
    data = {
        "title": "W poczekalni",
        "slug": "w-poczekalni",
        "date": "2030-05-01",
        "start": "10:00",
        "end": "11:00",
        "timezone": "Europe/Warsaw",
        "rooms-0-name": "Sala A",
        "rooms-0-call_url": "https://meet.jit.si/a",
        "stream_url": "https://stream.example.org/x",
        "assignment": "balanced",
        "start_in_lobby": "y",
    }
    assert client.post("/sessions/new", data=data).status_code == 302
    session = client.get("/api/v1/sessions/w-poczekalni").get_json()
    assert session["phase"] == "lobby" and session["assignment"] == "balanced"
    assert session["rooms"][0]["call_url"] == "https://meet.jit.si/a"
    assert session["stream_url"] == "https://stream.example.org/x" and session["anonymous"] is False


def test_the_edit_form_needs_the_csrf_token(app, client, scenario):
    app.config["WTF_CSRF_ENABLED"] = True
    with client.session_transaction() as cookie:
        cookie["moderator_id"] = scenario["moderator"]
        cookie["moderator_epoch"] = 0
    response = client.post(f"/s/{scenario['slug']}/edit", data={"title": "Bez tokenu"})
    assert response.status_code == 400
    assert client.get(f"/api/v1/sessions/{scenario['slug']}").get_json()["title"] != "Bez tokenu"
