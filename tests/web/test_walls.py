"""Issue 13 screens through Flask's test client: the short join code, the big screens
(session wall, room wall, note slides), who may see them, and that walls never show a
participant's name."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Moderator
from hybrid_sessions.models.join_code import ALPHABET, LENGTH
from hybrid_sessions.services import broadcasts, notes, panels, phases, recommendations
from tests.conftest import PASSWORD

EN = {"Accept-Language": "en"}
PL = {"Accept-Language": "pl"}


def _login(client, email="mod@example.org"):
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def _code(app, slug):
    with app.app_context():
        return panels.get_panel(slug).join_code


def _page_data(html: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S).group(1)
    )


# --- the short join code -----------------------------------------------------------------


def test_every_session_gets_a_distinct_code_people_can_type(app, make):
    moderator = make.moderator()
    codes = {_code(app, make.panel(moderator, slug=f"panel-{i}")[0]) for i in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == LENGTH and set(code) <= set(ALPHABET)
        assert not set(code) & set("0O1I")


def test_the_code_leads_to_the_join_page_in_any_case_with_or_without_a_space(app, client, scenario):
    code = _code(app, scenario["slug"])
    for typed in (code, code.lower(), f"{code[:3]}-{code[3:]}", f"{code[:3]} {code[3:].lower()}"):
        response = client.get(f"/k/{typed}")
        assert response.status_code == 302, typed
        assert response.headers["Location"].endswith(f"/s/{scenario['slug']}/join")
    typed = client.get("/k", query_string={"code": f" {code.lower()} "})
    assert typed.status_code == 302 and typed.headers["Location"].endswith(f"/s/{scenario['slug']}/join")


@pytest.mark.parametrize(
    ("headers", "words"), [(EN, "No session has the code"), (PL, "Żadna sesja nie ma kodu")]
)
def test_a_wrong_code_gets_the_form_again_with_a_kind_word(client, scenario, headers, words):
    for response in (client.get("/k/ZZZZZZ", headers=headers), client.get("/k?code=ABC", headers=headers)):
        html = response.get_data(as_text=True)
        assert response.status_code == 404 and words in html and 'name="code"' in html
    empty = client.get("/k", headers=headers)
    assert empty.status_code == 200 and words not in empty.get_data(as_text=True)


def test_the_code_is_on_the_home_page_form_the_panel_page_and_the_session_object(app, client, scenario):
    code = _code(app, scenario["slug"])
    home = client.get("/", headers=EN).get_data(as_text=True)
    assert 'action="/k"' in home and "Have a code?" in home
    panel = client.get(f"/s/{scenario['slug']}").get_data(as_text=True)
    assert f"{code[:3]} {code[3:]}" in panel and f'href="/k/{code}"' in panel
    assert client.get(f"/api/v1/sessions/{scenario['slug']}").get_json()["join_code"] == code


def test_the_migration_gives_existing_sessions_a_code(tmp_path):
    """Sessions created before the code existed get one by `flask db upgrade`."""
    import sqlalchemy as sa

    from config import TestingConfig
    from hybrid_sessions import create_app

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "c3d5e7f9a1b2"]).exit_code == 0
    with app.app_context():
        with db.engine.begin() as connection:
            for i in range(5):
                connection.execute(
                    sa.text(
                        "INSERT INTO panels (slug, title, about, join_info, starts_at, ends_at, timezone,"
                        " created_at, change_seq) VALUES (:slug, 'T', '', '', :t, :t, 'UTC', :t, 0)"
                    ),
                    {"slug": f"old-{i}", "t": datetime(2021, 11, 23, 12, 0)},
                )
        db.engine.dispose()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        codes = db.session.scalars(sa.text("SELECT join_code FROM panels")).all()
        db.session.remove()
        db.engine.dispose()
    assert len(set(codes)) == 5 and all(len(c) == LENGTH and set(c) <= set(ALPHABET) for c in codes)


# --- the session wall ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        (EN, ["Join on your phone", "Breakout rooms", "2 on site", "1 remote"]),
        (PL, ["Dołącz", "2 na sali", "1 zdalnie"]),
    ],
)
def test_the_session_wall_shows_rooms_with_presence_and_how_to_join(app, client, make, headers, words):
    moderator = make.moderator()
    slug, (room_a, room_b) = make.panel(moderator, anonymous=True)
    make.participant(slug, room_a, "Ewa Tajemnicza", "in_room")
    make.participant(slug, room_a, "Jan Ukryty", "in_room")
    make.participant(slug, room_a, "Ola Zdalna", "remote")
    response = client.get(f"/s/{slug}/wall", headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    for text in [*words, "Sala A", "Sala B", _code(app, slug)[:3]]:
        assert text in html, text
    assert f'src="/s/{slug}/qr.svg"' in html
    # The address is written out (the short one, which leads to the join page).
    assert f"/k/{_code(app, slug)}" in html
    for name in ("Ewa Tajemnicza", "Jan Ukryty", "Ola Zdalna"):
        assert name not in html
    state = client.get(f"/s/{slug}/wall.json").get_json()
    room = next(r for r in state["rooms"] if r["id"] == room_a)
    assert (room["in_room"], room["remote"], room["participant_count"]) == (2, 1, 3)
    assert "Ewa" not in json.dumps(state)


def test_the_walls_show_phase_time_and_the_latest_broadcast(app, client, scenario):
    slug = scenario["slug"]
    with app.app_context():
        panel = panels.get_panel(slug)
        moderator = db.session.get(Moderator, scenario["moderator"])
        phases.set_phase(panel, moderator, "rooms_open", minutes=2)
        broadcasts.send(panel, moderator, "Zostały dwie minuty <b>!</b>")
        broadcasts.send(panel, moderator, "Tylko dla sali B", scenario["room_b"])
    state = client.get(f"/s/{slug}/wall.json").get_json()
    assert state["phase"] == "rooms_open"
    left = datetime.fromisoformat(state["rooms_close_at"]) - datetime.fromisoformat(state["now"])
    assert timedelta(seconds=100) < left <= timedelta(minutes=2)
    assert state["broadcast"]["text"] == "Zostały dwie minuty <b>!</b>"
    html = client.get(f"/s/{slug}/wall", headers=EN).get_data(as_text=True)
    assert "Zostały dwie minuty &lt;b&gt;!&lt;/b&gt;" in html and "Tylko dla sali B" not in html
    # A room wall shows the latest message that reached its room.
    room_b = client.get(f"/s/{slug}/rooms/{scenario['room_b']}/wall.json").get_json()
    assert room_b["broadcast"]["text"] == "Tylko dla sali B"
    # A projector whose browser says Polish can still show English.
    assert "Join on your phone" in client.get(f"/s/{slug}/wall?lang=en", headers=PL).get_data(as_text=True)
    data = _page_data(client.get(f"/s/{slug}/wall", headers=PL).get_data(as_text=True))
    assert data["strings"]["last_minutes"] == "Ostatnie 2 minuty" and data["ticket"]


# --- the room wall --------------------------------------------------------------------------


def test_the_room_wall_shows_prompt_and_posts_by_support_without_names(app, client, scenario, make):
    ewa, ewa_token = scenario["ewa"]
    jan, _ = scenario["jan"]
    first = make.post(ewa, scenario["room_a"], "Ławki w parku <script>x</script>")
    second = make.post(jan, scenario["room_a"], "Więcej zieleni")
    gone = make.post(jan, scenario["room_a"], "Wycofany pomysł")
    make.post(scenario["ola"][0], scenario["room_b"], "Z innej sali")
    with app.app_context():
        from hybrid_sessions.models import Participant

        recommendations.vote(second, db.session.get(Participant, ewa))
        recommendations.withdraw(gone, db.session.get(Participant, jan))
    response = client.get(f"/s/{scenario['slug']}/rooms/{scenario['room_a']}/wall", headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Pytanie: Sala A?" in html and "Ławki w parku &lt;script&gt;" in html
    assert html.index("Więcej zieleni") < html.index("Ławki w parku")  # the most +1s first
    assert "Wycofany pomysł" not in html and "Z innej sali" not in html
    assert "Ewa" not in html and "Jan" not in html
    state = client.get(f"/s/{scenario['slug']}/rooms/{scenario['room_a']}/wall.json").get_json()
    assert [r["id"] for r in state["recommendations"]] == [second, first]
    assert state["recommendations"][0]["votes"] == 1 and "author" not in state["recommendations"][0]
    assert f'src="/s/{scenario["slug"]}/rooms/{scenario["room_a"]}/qr.svg"' in html
    assert client.get(f"/s/{scenario['slug']}/rooms/999999/wall").status_code == 404
    assert client.get(f"/s/nie-ma/rooms/{scenario['room_a']}/wall").status_code == 404


def test_the_room_qr_code_joins_that_room(app, client, scenario):
    import io

    import segno

    app.config["PUBLIC_URL"] = "https://sesje.example.org"
    buffer = io.BytesIO()
    url = f"https://sesje.example.org/s/{scenario['slug']}/join?room={scenario['room_b']}"
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2, dark="#1d2430")
    answer = client.get(
        f"/s/{scenario['slug']}/rooms/{scenario['room_b']}/qr.svg", headers={"Host": "evil.example"}
    )
    assert answer.mimetype == "image/svg+xml" and answer.data == buffer.getvalue()


def test_walls_carry_the_strict_csp_and_no_inline_script(client, scenario):
    for path in (f"/s/{scenario['slug']}/wall", f"/s/{scenario['slug']}/rooms/{scenario['room_a']}/wall"):
        response = client.get(path)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        html = response.get_data(as_text=True)
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
        assert all("src=" in attrs or 'type="application/json"' in attrs for attrs, _ in scripts)
        assert 'type="module"' in html


# --- the note as slides -----------------------------------------------------------------------


def _merge_items(app, slug, moderator_id, rec_ids):
    with app.app_context():
        panel = panels.get_panel(slug)
        moderator = db.session.get(Moderator, moderator_id)
        for i, rec_id in enumerate(rec_ids):
            notes.merge_into_note(panel, [rec_id], f"Punkt {i + 1}", "Rekomendacje", moderator, None)
        return panel, moderator


def test_the_published_note_as_slides_one_section_a_slide_long_ones_in_parts(app, client, scenario, make):
    slug = scenario["slug"]
    assert client.get(f"/s/{slug}/note/slides").status_code == 404
    ids = [make.post(scenario["ewa"][0], scenario["room_a"], f"Pomysł {i}") for i in range(7)]
    panel, moderator = _merge_items(app, slug, scenario["moderator"], ids)
    with app.app_context():
        notes.publish_note(panels.get_panel(slug), db.session.get(Moderator, scenario["moderator"]))
    html = client.get(f"/s/{slug}/note/slides", headers=EN).get_data(as_text=True)
    assert html.count('class="slide"') == 2 and "(1/2)" in html and "(2/2)" in html
    assert "Punkt 7" in html and "Ewa" not in html and "Slide {num} of {total}" in html
    assert "Previous" in html and client.get(f"/s/{slug}/note/slides", headers=PL).status_code == 200


def test_the_draft_as_slides_is_for_the_sessions_moderators_only(app, client, scenario, make):
    slug = scenario["slug"]
    rec = make.post(scenario["ewa"][0], scenario["room_a"], "Szkic")
    _merge_items(app, slug, scenario["moderator"], [rec])
    visitor = client.get(f"/s/{slug}/note/draft/slides")
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
    make.moderator("inna@example.org")
    _login(client, "inna@example.org")
    assert client.get(f"/s/{slug}/note/draft/slides").status_code == 403
    client.post("/logout")
    _login(client)
    html = client.get(f"/s/{slug}/note/draft/slides", headers=EN).get_data(as_text=True)
    assert "Punkt 1" in html and "Session note (draft)" in html


# --- the console: joining, walls, and the LAN warning ---------------------------------------------


def test_the_console_lists_the_walls_the_code_and_the_edit_form(app, client, scenario):
    _login(client)
    html = client.get(f"/s/{scenario['slug']}/moderate", headers=EN).get_data(as_text=True)
    code = _code(app, scenario["slug"])
    for text in (
        f"{code[:3]} {code[3:]}",
        f"/s/{scenario['slug']}/wall",
        f"/s/{scenario['slug']}/rooms/{scenario['room_a']}/wall",
        f"/s/{scenario['slug']}/note/draft/slides",
        f"/s/{scenario['slug']}/edit",
        'data-minutes="2"',
        'id="broadcast-form"',
    ):
        assert text in html, text


def test_opened_via_localhost_the_console_offers_the_lan_addresses(app, client, scenario, monkeypatch):
    from hybrid_sessions import links

    monkeypatch.setattr(links, "lan_addresses", lambda: ["192.168.7.20"])
    app.config.update(HOST="0.0.0.0", PORT=5000, PUBLIC_URL=None)
    _login(client)
    path = f"/s/{scenario['slug']}/moderate"
    html = client.get(path, headers=EN).get_data(as_text=True)  # the test client's host: localhost
    assert 'id="reach-warning"' in html and f'href="http://192.168.7.20:5000{path}"' in html
    polish = client.get(path, headers=PL).get_data(as_text=True)
    assert 'id="reach-warning"' in polish and "Telefony" in polish
    with app.test_request_context():
        for host in ("127.0.0.1:5000", "[::1]:5000", "LOCALHOST"):
            assert links.reachability(host) == {"kind": "lan", "addresses": ["http://192.168.7.20:5000"]}, (
                host
            )
        # Opened at the LAN address, or with PUBLIC_URL set: nothing to warn about.
        assert links.reachability("192.168.7.20:5000") is None
        app.config["PUBLIC_URL"] = "https://sesje.example.org"
        assert links.reachability("127.0.0.1:5000") is None
    assert 'id="reach-warning"' not in client.get(path).get_data(as_text=True)


def test_a_server_listening_only_on_this_machine_says_phones_cannot_reach_it(app, client, scenario):
    app.config.update(HOST="127.0.0.1", PORT=5000, PUBLIC_URL=None)
    _login(client)
    html = client.get(f"/s/{scenario['slug']}/moderate", headers=EN).get_data(as_text=True)
    assert "Phones cannot reach this server." in html and "HOST=0.0.0.0" in html


def test_lan_addresses_are_read_from_the_interfaces_without_loopback():
    from hybrid_sessions.links import lan_addresses

    addresses = lan_addresses()
    assert all(not a.startswith("127.") for a in addresses)
    assert all(re.fullmatch(r"\d+\.\d+\.\d+\.\d+", a) for a in addresses)


# --- call and stream buttons ------------------------------------------------------------------------


def test_stream_and_call_links_are_buttons_that_open_a_new_tab(app, client, make):
    moderator = make.moderator()
    start = datetime.now(UTC) + timedelta(days=1)
    with app.app_context():
        panel = panels.create_panel(
            db.session.get(Moderator, moderator),
            panels.PanelInput(
                title="Z transmisją",
                slug="z-transmisja",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                stream_url="https://stream.example.org/live",
                rooms=[
                    panels.RoomInput("Sala A", call_url="https://meet.jit.si/sala-a"),
                    panels.RoomInput("B"),
                ],
            ),
        )
        room_a = panel.rooms[0].id
    page = client.get("/s/z-transmisja", headers=EN).get_data(as_text=True)
    for url in ("https://stream.example.org/live", "https://meet.jit.si/sala-a"):
        assert re.search(rf'href="{re.escape(url)}" target="_blank" rel="noopener noreferrer"', page), url
    assert "Watch the stream" in page and "<iframe" not in page
    client.post(
        "/s/z-transmisja/join", data={"display_name": "Ewa", "attendance": "remote", "room_id": room_a}
    )
    room = client.get(f"/s/z-transmisja/rooms/{room_a}", headers=PL).get_data(as_text=True)
    assert 'href="https://meet.jit.si/sala-a" target="_blank" rel="noopener noreferrer"' in room
    assert "(otwiera się w nowej karcie)" in room and "<iframe" not in room
