"""Pages for people, through Flask's test client: what they show and who may see them."""

import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD


def _login(client, email="mod@example.org", password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_the_panel_page_reads_like_the_2021_panel_page(client, make):
    moderator = make.moderator()
    make.panel(
        moderator,
        slug="od-klienta",
        about="Rewolucyjne metamorfozy czy ciche ewolucje?",
        join_info="Sala konferencyjna, parter.",
        host=__import__("hybrid_sessions.services.panels", fromlist=["x"]).PersonInput(
            "Anna Żelazowska-Kosiorek", "Trenerka, facylitatorka."
        ),
        guests=[
            __import__("hybrid_sessions.services.panels", fromlist=["x"]).PersonInput(
                "Grzegorz Zmarzły", "Animator i koordynator."
            )
        ],
    )
    html = client.get("/s/od-klienta", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    for text in (
        "Od klienta do współgospodarza",
        "Rewolucyjne metamorfozy",
        "Anna Żelazowska-Kosiorek",
        "Trenerka, facylitatorka.",
        "Grzegorz Zmarzły",
        "Sala konferencyjna, parter.",
        "/s/od-klienta/join",
        "Sala A",
        "Pytanie: Sala A?",
    ):
        assert text in html
    assert client.get("/s/nie-ma").status_code == 404


def test_the_index_lists_sessions(client, make):
    make.panel(make.moderator(), slug="jutro", title="Panel jutro")
    html = client.get("/").get_data(as_text=True)
    assert "Panel jutro" in html and "/s/jutro" in html


def test_joining_sets_a_cookie_and_leads_to_the_room(client, scenario):
    response = client.post(
        f"/s/{scenario['slug']}/join",
        data={"display_name": "Zoś", "attendance": "in_room", "room_id": scenario["room_b"]},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/s/{scenario['slug']}/rooms/{scenario['room_b']}")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    room = client.get(f"/s/{scenario['slug']}/rooms/{scenario['room_b']}").get_data(as_text=True)
    assert "Pytanie: Sala B?" in room and "Zoś" in room and "socket.io-4.8.4.min.js" in room
    # Back on the panel page, the main button leads straight to one's room.
    panel = client.get(f"/s/{scenario['slug']}").get_data(as_text=True)
    assert f'href="/s/{scenario["slug"]}/rooms/{scenario["room_b"]}"' in panel


def test_the_room_page_sends_strangers_to_the_join_page(client, scenario):
    response = client.get(f"/s/{scenario['slug']}/rooms/{scenario['room_a']}")
    assert response.status_code == 302
    assert f"/s/{scenario['slug']}/join?room={scenario['room_a']}" in response.headers["Location"]


def test_a_full_room_says_so_on_the_join_page(client, make):
    slug, (small, _) = make.panel(make.moderator(), rooms=(("Wizyta studyjna", 1), ("Sala", None)))
    make.participant(slug, small, "Pierwsza")
    page = client.get(f"/s/{slug}/join", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Full" in page
    response = client.post(
        f"/s/{slug}/join",
        data={"display_name": "Druga", "attendance": "remote", "room_id": small},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 409 and "This room is full" in response.get_data(as_text=True)


def test_an_incomplete_join_form_is_refused_and_nothing_is_created(client, scenario):
    response = client.post(f"/s/{scenario['slug']}/join", data={"display_name": "", "attendance": "remote"})
    assert response.status_code == 400
    counts = client.get(f"/api/v1/sessions/{scenario['slug']}").get_json()["rooms"]
    assert sum(r["participant_count"] for r in counts) == 3


def test_user_text_is_escaped_in_pages(client, make):
    moderator = make.moderator()
    slug, _ = make.panel(moderator, about='<script>alert("x")</script><img src=x onerror=alert(1)>')
    html = client.get(f"/s/{slug}").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html


def test_html_pages_have_a_strict_content_security_policy(client, scenario):
    csp = client.get(f"/s/{scenario['slug']}").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp


def test_the_console_is_for_the_sessions_moderators_only(client, make, scenario):
    url = f"/s/{scenario['slug']}/moderate"
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    make.moderator("obcy@example.org")
    assert _login(client, "obcy@example.org").status_code == 302
    assert client.get(url).status_code == 403
    client.post("/logout")
    assert _login(client).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "console/main.js" in html and scenario["slug"] in html


def test_wrong_credentials_stay_on_the_login_page(client, make):
    make.moderator()
    response = _login(client, password="wrong-password")
    assert response.status_code == 401
    assert client.get("/sessions/new").status_code == 302


def test_login_only_redirects_within_the_site(client, make):
    make.moderator()
    response = client.post(
        "/login?next=https://evil.example/", data={"email": "mod@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    response = client.post(
        "/login?next=/sessions/new", data={"email": "mod@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/sessions/new"


def test_a_moderator_creates_a_session_with_the_form(client, make):
    make.moderator()
    _login(client)
    response = client.post(
        "/sessions/new",
        data={
            "title": "Warsztaty OSL",
            "date": "2026-12-01",
            "start": "10:00",
            "end": "12:00",
            "timezone": "Europe/Warsaw",
            "about": "O czym",
            "join_info": "Sala 2",
            "host-name": "Tomasz Stoński",
            "host-bio": "OPS Radlin",
            "guests-0-name": "Katarzyna Żukowska-Koc",
            "guests-0-bio": "MOPS Łapy",
            "guests-1-name": "",
            "rooms-0-name": "Współpraca z liderami",
            "rooms-0-prompt": "Jak?",
            "rooms-0-facilitator": "Tomasz",
            "rooms-0-capacity": "12",
            "rooms-1-name": "Dokumentowanie zmiany",
            "rooms-2-name": "",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/s/warsztaty-osl/moderate"
    session = client.get("/api/v1/sessions/warsztaty-osl").get_json()
    assert session["starts_at"] == "2026-12-01T10:00:00+01:00"
    assert [(r["name"], r["capacity"]) for r in session["rooms"]] == [
        ("Współpraca z liderami", 12),
        ("Dokumentowanie zmiany", None),
    ]
    assert [g["name"] for g in session["guests"]] == ["Katarzyna Żukowska-Koc"]


def test_the_new_session_form_reports_errors(client, make):
    make.moderator()
    _login(client)
    response = client.post(
        "/sessions/new",
        data={
            "title": "Bez pokoi",
            "date": "2026-12-01",
            "start": "10:00",
            "end": "09:00",
            "timezone": "Europe/Warsaw",
            "rooms-0-name": "A",
        },
    )
    assert response.status_code == 400


def _published(app, scenario, make):
    rec = make.post(scenario["ewa"][0], scenario["room_a"], "Ławki [klik](javascript:alert(1))")
    make.published_note(
        scenario["slug"],
        scenario["moderator"],
        [rec],
        "# Więcej ławek <b>teraz</b>",
        summary="Pierwszy akapit.\n\nDrugi akapit.",
    )


def test_the_published_note_page_names_no_participant(app, client, scenario, make):
    assert client.get(f"/s/{scenario['slug']}/note").status_code == 404
    assert client.get(f"/s/{scenario['slug']}/note.md").status_code == 404
    _published(app, scenario, make)
    html = client.get(f"/s/{scenario['slug']}/note", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Drugi akapit." in html and "# Więcej ławek &lt;b&gt;teraz&lt;/b&gt;" in html
    assert "Sala A" in html and "backed by 1 person" in html
    for name in ("Ewa", "Jan", "Ola"):
        assert name not in html
    panel_html = client.get(f"/s/{scenario['slug']}").get_data(as_text=True)
    assert "Drugi akapit." in panel_html


def test_the_markdown_export_is_inert_text(app, client, scenario, make):
    _published(app, scenario, make)
    response = client.get(f"/s/{scenario['slug']}/note.md", headers={"Accept-Language": "en"})
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    text = response.get_data(as_text=True)
    assert text.startswith("# Od klienta do współgospodarza")
    assert "## Przestrzeń" in text
    assert "- \\# Więcej ławek \\<b\\>teraz\\</b\\>" in text
    assert "Ewa" not in text


def test_the_interface_speaks_polish_and_english(client, scenario):
    polish = client.get(f"/s/{scenario['slug']}", headers={"Accept-Language": "pl-PL,pl;q=0.9"}).get_data(
        as_text=True
    )
    english = client.get(f"/s/{scenario['slug']}", headers={"Accept-Language": "en-GB"}).get_data(
        as_text=True
    )
    assert "Dołącz" in polish and 'lang="pl"' in polish
    assert "Join" in english and 'lang="en"' in english
    # The switch wins over the browser's language, for this browser.
    client.get(f"/lang/en?next=/s/{scenario['slug']}")
    again = client.get(f"/s/{scenario['slug']}", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert 'lang="en"' in again


def test_the_qr_code_points_at_the_join_page(client, scenario):
    response = client.get(f"/s/{scenario['slug']}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert re.search(rb"<svg", response.data)


STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.mark.parametrize(
    "path",
    sorted(
        "/static/" + p.relative_to(STATIC).as_posix()
        for p in STATIC.rglob("*")
        if p.is_file() and p.suffix in (".js", ".css", ".svg", ".woff2")
    ),
)
def test_every_asset_is_served_by_the_app(client, path):
    """No CDN: every script, style and image a page loads comes from the app itself."""
    assert client.get(path).status_code == 200


def test_the_new_session_form_explains_its_errors_in_polish(client, make):
    make.moderator()
    _login(client)
    response = client.post(
        "/sessions/new",
        headers={"Accept-Language": "pl"},
        data={
            "title": "Bez sensu",
            "slug": "Zły Slug",
            "date": "2026-12-01",
            "start": "10:00",
            "end": "09:00",
            "timezone": "Europe/Warsaw",
            "rooms-0-name": "",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in (
        "Sesja musi skończyć się po rozpoczęciu.",
        "Dodaj co najmniej jeden podpokój.",
        "Używaj tylko małych liter a–z, cyfr i myślników.",
    ):
        assert message in html


def test_forms_need_the_csrf_token(app, make):
    app.config["WTF_CSRF_ENABLED"] = True
    make.moderator()
    client = app.test_client()
    assert client.post("/login", data={"email": "mod@example.org", "password": PASSWORD}).status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": "mod@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "path, data",
    [
        ("/logout", {}),
        ("/s/{slug}/join", {"display_name": "Ewa", "attendance": "remote", "room_id": "{room}"}),
        (
            "/sessions/new",
            {
                "title": "T",
                "date": "2026-12-01",
                "start": "10:00",
                "end": "11:00",
                "timezone": "Europe/Warsaw",
                "rooms-0-name": "A",
            },
        ),
    ],
)
def test_every_form_refuses_a_post_without_the_csrf_token(app, make, scenario, path, data):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["moderator_id"] = scenario["moderator"]
        cookie["moderator_epoch"] = 0
    path = path.format(slug=scenario["slug"])
    data = {k: v.format(room=scenario["room_a"]) for k, v in data.items()}
    before = client.get("/api/v1/sessions").get_json()
    assert client.post(path, data=data).status_code == 400
    assert client.get("/api/v1/sessions").get_json() == before
    assert (
        sum(
            r["participant_count"]
            for r in client.get(f"/api/v1/sessions/{scenario['slug']}").get_json()["rooms"]
        )
        == 3
    )


def test_the_service_worker_is_served_from_the_root_with_a_content_version(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert (
        "/static/vendor/socket.io-4.8.4.min.js" in body
        and "/static/js/room/main.js" in body
        and "/static/js/room/outbox.js" in body
    )
    assert re.search(r'const VERSION = "[0-9a-f]{16}";', body)


def test_error_pages_carry_the_same_security_headers(client):
    response = client.get("/s/nie-ma-takiej")
    assert response.status_code == 404
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("target", ["/x%0d%0aSet-Cookie:%20a=b", "/%0a", "/\\evil.example/", "/x%00"])
def test_a_crafted_next_is_ignored_not_a_500(client, make, target):
    make.moderator()
    response = client.post(f"/login?next={target}", data={"email": "mod@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    response = client.get(f"/lang/en?next={target}")
    assert response.status_code == 302 and response.headers["Location"] == "/"
