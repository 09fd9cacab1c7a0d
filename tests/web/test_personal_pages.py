"""Issue 15, the reload wave: a joined participant's room page and a moderator's console
are kept per page and language, served before Flask and filled in per response
(web/personal_pages.py). What each person sees stays their own: their name, their id,
their e-mail, a CSRF token that works for them, the messages meant for them; who may
see a page is checked on every request."""

import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from flask import template_rendered

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Moderator, Panel, Participant
from hybrid_sessions.web import personal_pages
from hybrid_sessions.web.page_cache import PageCache
from tests.conftest import PASSWORD

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# The server's clock is the one value every response carries anew.
CLOCK = re.compile(r'"server_time": "[^"]+"')


@pytest.fixture
def app_config():
    return {"PAGE_CACHE_SECONDS": 2, "WTF_CSRF_ENABLED": True}


def _joined(app, scenario, name, room_id):
    browser = app.test_client()
    page = browser.get(f"/s/{scenario['slug']}/join").get_data(as_text=True)
    answer = browser.post(
        f"/s/{scenario['slug']}/join",
        data={
            "csrf_token": TOKEN.search(page).group(1),
            "display_name": name,
            "attendance": "remote",
            "room_id": room_id,
        },
    )
    assert answer.status_code == 302
    return browser


def _signed_in(app, email="mod@example.org"):
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    answer = browser.post(
        "/login", data={"csrf_token": TOKEN.search(page).group(1), "email": email, "password": PASSWORD}
    )
    assert answer.status_code == 302
    browser.get("/")  # shows (and so takes off the cookie) the message of the sign-in
    return browser


def _html(browser, path, **headers):
    response = browser.get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


class Renders:
    """Counts templates rendered: a kept page is served without any."""

    def __init__(self, app):
        self.app, self.names = app, []

    def __enter__(self):
        template_rendered.connect(self._record, self.app)
        return self.names

    def __exit__(self, *exc):
        template_rendered.disconnect(self._record, self.app)

    def _record(self, _app, template, **_):
        self.names.append(template.name)


def _fresh_render(app, browser, path):
    """The page exactly as Flask renders it when nothing is kept."""
    kept = app.extensions.pop("personal_pages")
    kept.pages = PageCache(2)
    try:
        return _html(browser, path)
    finally:
        app.extensions["personal_pages"] = kept


def test_a_kept_room_page_is_filled_in_for_each_participant(app, scenario):
    room = f"/s/{scenario['slug']}/rooms/{scenario['room_b']}"
    first = _joined(app, scenario, "Ola", scenario["room_b"])
    second = _joined(app, scenario, "Jan <b>&\"' </script>", scenario["room_b"])
    ola = _html(first, room)  # rendered and kept
    with Renders(app) as rendered:
        jan = _html(second, room)  # filled in from the kept page
    assert rendered == []
    assert "Ola" not in jan and "Jan" not in ola
    assert "Jan &lt;b&gt;&amp;&#34;&#39; &lt;/script&gt;" in jan
    assert "</script> " not in jan  # the name inside the page's JSON cannot end its block
    # Exactly what a full render for each of them gives, apart from the clock's moment.
    assert CLOCK.sub("", jan) == CLOCK.sub("", _fresh_render(app, second, room))
    assert CLOCK.sub("", ola) == CLOCK.sub("", _fresh_render(app, first, room))


def test_the_kept_room_page_carries_the_servers_clock_of_this_moment(app, scenario, monkeypatch):
    room = f"/s/{scenario['slug']}/rooms/{scenario['room_b']}"
    browser = _joined(app, scenario, "Ola", scenario["room_b"])
    _html(browser, room)
    later = datetime(2031, 5, 4, 12, 0, 7, tzinfo=UTC)
    monkeypatch.setattr(personal_pages, "utcnow", lambda: later)
    with Renders(app) as rendered:
        page = _html(browser, room)
    assert rendered == [] and '"server_time": "2031-05-04T12:00:07+00:00"' in page


def test_kept_headers_are_those_of_a_render_without_a_cookie(app, scenario):
    room = f"/s/{scenario['slug']}/rooms/{scenario['room_b']}"
    browser = _joined(app, scenario, "Ola", scenario["room_b"])
    rendered = browser.get(room)
    kept = browser.get(room)
    assert "Set-Cookie" not in kept.headers
    for name in ("Content-Type", "Content-Security-Policy", "Vary", "X-Content-Type-Options"):
        assert kept.headers[name] == rendered.headers[name]
    assert int(kept.headers["Content-Length"]) == len(kept.data)
    head = browser.head(room)
    assert head.status_code == 200 and head.data == b""


def test_a_kept_room_page_reaches_nobody_else(app, scenario, make):
    slug = scenario["slug"]
    room_b = f"/s/{slug}/rooms/{scenario['room_b']}"
    _html(_joined(app, scenario, "Ola", scenario["room_b"]), room_b)
    # A visitor who never joined, one with only a language chosen, one with a forged
    # cookie: the join page, as without a kept page.
    chose_language = app.test_client()
    chose_language.get("/lang/en?next=/")
    forged = app.test_client()
    forged.set_cookie("session", "eyJwYXJ0aWNpcGFudF90b2tlbnMiOnt9fQ.forged.signature")
    for stranger in (app.test_client(), chose_language, forged):
        response = stranger.get(room_b)
        assert response.status_code == 302 and "/join" in response.headers["Location"]
    # A participant of room A looking into room B (people choose rooms themselves here)
    # gets room B's page with their own name, rendered for them.
    in_room_a = _joined(app, scenario, "Ewa", scenario["room_a"])
    with Renders(app) as rendered:
        page = _html(in_room_a, room_b)
    assert rendered == ["rooms/room.html"] and "Ewa" in page and "Ola" not in page
    # A participant of another session with the same room number in the path.
    other_slug, (other_room, _) = make.panel(scenario["moderator"], slug="inna")
    other = _joined(app, {"slug": other_slug}, "Kasia", other_room)
    response = other.get(room_b)
    assert response.status_code == 302 and f"/s/{slug}/join" in response.headers["Location"]


def test_a_participant_moved_by_the_moderator_reloads_into_the_new_room(app, scenario, make, sock):
    slug, rooms = make.panel(scenario["moderator"], slug="balanced", assignment="balanced")
    browser = _joined(app, {"slug": slug}, "Marta", None)
    here = browser.get(f"/s/{slug}/wait").headers["Location"]  # placed by the server
    there = next(r for r in rooms if not here.endswith(f"/rooms/{r}"))
    _html(browser, here)
    _html(browser, here)  # kept
    with app.app_context():
        participant_id = db.session.scalar(
            db.select(Participant.id).where(Participant.display_name == "Marta")
        )
    moderator = sock(token=scenario["moderator_token"])
    ack = moderator.emit(
        "participant:move", {"slug": slug, "participant_id": participant_id, "room_id": there}, callback=True
    )
    assert ack["ok"], ack
    response = browser.get(here)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/rooms/{there}")


def test_a_message_meant_for_one_person_is_shown_to_them_and_kept_for_nobody(app, scenario):
    room = f"/s/{scenario['slug']}/rooms/{scenario['room_b']}"
    browser = _signed_in(app)
    page = browser.get(f"/s/{scenario['slug']}/join").get_data(as_text=True)
    browser.post(
        f"/s/{scenario['slug']}/join",
        data={
            "csrf_token": TOKEN.search(page).group(1),
            "display_name": "Ola",
            "attendance": "remote",
            "room_id": scenario["room_b"],
        },
    )
    page = _html(browser, room)
    browser.post("/logout", data={"csrf_token": TOKEN.search(page).group(1)})
    assert "Wylogowano." in _html(browser, room)  # "You are signed out."
    again = _html(browser, room)
    assert "Wylogowano." not in again and "Ola" in again
    assert "Wylogowano." not in _html(_joined(app, scenario, "Jan", scenario["room_b"]), room)


def test_each_moderator_gets_their_own_console_and_a_csrf_token_that_works(app, make, scenario):
    url = f"/s/{scenario['slug']}/moderate"
    make.moderator(email="druga@example.org")
    with app.app_context():  # the second moderator moderates the session too
        panel = db.session.scalar(db.select(Panel).where(Panel.slug == scenario["slug"]))
        panel.moderators.append(
            db.session.scalar(db.select(Moderator).where(Moderator.email == "druga@example.org"))
        )
        db.session.commit()
    first, second, third = _signed_in(app), _signed_in(app), _signed_in(app, "druga@example.org")
    pages = [_html(first, url)]
    with Renders(app) as rendered:
        pages += [_html(second, url), _html(third, url)]
    assert rendered == []
    assert 'title="mod@example.org"' in pages[1] and 'title="druga@example.org"' in pages[2]
    assert "mod@example.org" not in pages[2]
    tokens = [TOKEN.search(page).group(1) for page in pages]
    assert len(set(tokens)) == 3
    # Each page's sign-out form signs out its own browser (the token is checked).
    assert second.post("/logout", data={"csrf_token": tokens[0]}).status_code == 400
    assert second.post("/logout", data={"csrf_token": tokens[1]}).status_code == 302
    assert second.get(url).status_code == 302  # signed out: sent to the sign-in page
    # The same console as a full render, token apart.
    fresh = _fresh_render(app, third, url)
    assert TOKEN.sub("", pages[2]) == TOKEN.sub("", fresh)


def test_the_kept_console_reaches_no_one_who_may_not_moderate(app, make, scenario):
    url = f"/s/{scenario['slug']}/moderate"
    _html(_signed_in(app), url)
    make.moderator(email="obca@example.org")
    assert _signed_in(app, "obca@example.org").get(url).status_code == 403
    participant = _joined(app, scenario, "Ola", scenario["room_b"])
    assert participant.get(url).status_code == 302  # to the sign-in page
    # Signed out in one browser ends a copy of the cookie taken before (the epoch).
    browser = _signed_in(app)
    copy = app.test_client()
    copy.set_cookie("session", browser.get_cookie("session").value)
    assert copy.get(url).status_code == 200
    page = _html(browser, url)
    browser.post("/logout", data={"csrf_token": TOKEN.search(page).group(1)})
    assert copy.get(url).status_code == 302


def test_the_console_is_kept_per_host_the_addresses_depend_on_it(app, scenario):
    url = f"/s/{scenario['slug']}/moderate"
    browser = _signed_in(app)
    _html(browser, url)
    _html(browser, url)
    at_address = app.test_client()
    at_address.set_cookie("session", browser.get_cookie("session").value, domain="192.168.1.20")
    with Renders(app) as rendered:
        response = at_address.get(url, base_url="http://192.168.1.20:5000")
    assert response.status_code == 200 and rendered == ["moderate/console.html"]


def test_an_old_cookie_goes_to_flask_to_be_renewed(app, scenario, monkeypatch):
    room = f"/s/{scenario['slug']}/rooms/{scenario['room_b']}"
    browser = _joined(app, scenario, "Ola", scenario["room_b"])
    _html(browser, room)
    assert "Set-Cookie" not in browser.get(room).headers
    monkeypatch.setattr(personal_pages, "RENEW_AFTER_SECONDS", -1)
    assert "Set-Cookie" in browser.get(room).headers


def test_under_a_short_cookie_lifetime_a_visitors_cookie_is_renewed_before_it_lapses(
    app, scenario, monkeypatch
):
    # A deployment that keeps sessions for ten minutes: a participant reloading now and
    # then must have the cookie renewed well before then (by Flask), not served kept
    # pages for an hour on a cookie every other process already refuses.
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=10)
    room = f"/s/{scenario['slug']}/rooms/{scenario['room_b']}"
    browser = _joined(app, scenario, "Ola", scenario["room_b"])
    _html(browser, room)
    assert "Set-Cookie" not in browser.get(room).headers  # kept
    six_minutes_on = time.time() + 6 * 60
    monkeypatch.setattr(
        personal_pages, "time", SimpleNamespace(time=lambda: six_minutes_on, monotonic=time.monotonic)
    )
    with Renders(app) as rendered:
        response = browser.get(room)
    assert rendered == ["rooms/room.html"] and "Set-Cookie" in response.headers


def _edit(app, scenario, body):
    response = app.test_client().patch(
        f"/api/v1/sessions/{scenario['slug']}",
        json=body,
        headers={"Authorization": f"Bearer {scenario['moderator_token']}"},
    )
    assert response.status_code == 200, response.get_json()


def test_an_edit_to_what_the_pages_show_is_on_the_next_reload(app, scenario):
    # Kept pages live for a minute (PERSONAL_PAGE_SECONDS), so an edit must not wait for
    # one to expire: the room renamed, the console's room list with it.
    room = f"/s/{scenario['slug']}/rooms/{scenario['room_b']}"
    console = f"/s/{scenario['slug']}/moderate"
    participant, moderator = _joined(app, scenario, "Ola", scenario["room_b"]), _signed_in(app)
    for browser, path in ((participant, room), (moderator, console)):
        _html(browser, path)
        with Renders(app) as rendered:
            _html(browser, path)
        assert rendered == []  # kept
    _edit(app, scenario, {"rooms": [{"id": scenario["room_b"], "name": "Mieszkania <dla> seniorów"}]})
    for browser, path in ((participant, room), (moderator, console)):
        with Renders(app) as rendered:
            page = _html(browser, path)
        assert rendered and "Mieszkania &lt;dla&gt; seniorów" in page
        with Renders(app) as rendered:
            assert "Mieszkania &lt;dla&gt; seniorów" in _html(browser, path)
        assert rendered == []  # kept again, as edited
    # The session's own fields too: the title on both pages.
    _edit(app, scenario, {"title": "Nowy tytuł"})
    assert "Nowy tytuł" in _html(participant, room) and "Nowy tytuł" in _html(moderator, console)


def test_posts_votes_and_joins_leave_the_kept_pages_alone(app, scenario, sock):
    # What the live connection brings does not make a hall's reloads render again.
    room = f"/s/{scenario['slug']}/rooms/{scenario['room_b']}"
    participant = _joined(app, scenario, "Ala", scenario["room_b"])
    _html(participant, room)
    ola = sock(token=scenario["ola"][1])
    assert ola.emit("room:join", {"room_id": scenario["room_b"]}, callback=True)["ok"]
    ack = ola.emit(
        "rec:post",
        {"room_id": scenario["room_b"], "client_id": str(uuid.uuid4()), "text": "Więcej ławek"},
        callback=True,
    )
    assert ack["ok"], ack
    voter = sock(flask_client=participant)
    assert voter.emit("room:join", {"room_id": scenario["room_b"]}, callback=True)["ok"]
    vote = voter.emit("rec:vote", {"recommendation_id": ack["recommendation"]["id"]}, callback=True)
    assert vote["ok"], vote
    _joined(app, scenario, "Jan", scenario["room_b"])
    with Renders(app) as rendered:
        _html(participant, room)
    assert rendered == []


def test_the_timer_closing_the_rooms_renders_the_pages_again(app, scenario):
    from hybrid_sessions.services import phases

    room = f"/s/{scenario['slug']}/rooms/{scenario['room_b']}"
    participant = _joined(app, scenario, "Ola", scenario["room_b"])
    _edit(app, scenario, {"rooms_close_at": (datetime.now(UTC) + timedelta(minutes=5)).isoformat()})
    assert 'data-phase="rooms_open"' in _html(participant, room)
    with app.app_context():
        assert phases.expire_due(datetime.now(UTC) + timedelta(minutes=6))
    assert 'data-phase="rooms_closed"' in _html(participant, room)


def test_a_console_opened_on_the_servers_own_machine_shows_its_addresses_as_they_are_now(app, scenario):
    # On the venue laptop (PUBLIC_URL unset, opened at localhost) the console lists the
    # machine's network addresses for phones; after a change of Wi-Fi they differ, so
    # that console is kept for PAGE_CACHE_SECONDS, not for the hour the others are.
    kept = app.extensions["personal_pages"]
    clock = {"now": 1000.0}
    kept.pages._timer = lambda: clock["now"]
    room = f"/s/{scenario['slug']}/rooms/{scenario['room_b']}"
    console = f"/s/{scenario['slug']}/moderate"
    participant, moderator = _joined(app, scenario, "Ola", scenario["room_b"]), _signed_in(app)
    at_address = app.test_client()
    at_address.set_cookie("session", moderator.get_cookie("session").value, domain="192.168.1.20")

    def reload(browser, path, **kwargs):
        with Renders(app) as rendered:
            assert browser.get(path, **kwargs).status_code == 200
        return rendered

    lan = {"base_url": "http://192.168.1.20:5000"}
    reload(participant, room), reload(moderator, console), reload(at_address, console, **lan)
    clock["now"] += 60
    assert reload(moderator, console) == ["moderate/console.html"]  # addresses read anew
    assert reload(participant, room) == [] and reload(at_address, console, **lan) == []


def test_a_joined_participants_panel_page_leads_back_to_their_own_room(app, scenario):
    panel = f"/s/{scenario['slug']}"
    in_a = _joined(app, scenario, "Ewa", scenario["room_a"])
    in_b = _joined(app, scenario, "Ola", scenario["room_b"])
    page_a = _html(in_a, panel)  # rendered and kept
    with Renders(app) as rendered:
        page_b = _html(in_b, panel)  # filled in from the kept page
    assert rendered == []
    back = re.compile(r'<a class="button" href="([^"]+)">')
    assert back.search(page_a).group(1) == f"{panel}/rooms/{scenario['room_a']}"
    assert back.search(page_b).group(1) == f"{panel}/rooms/{scenario['room_b']}"
    assert page_b == _fresh_render(app, in_b, panel)
    # A visitor who has not joined, and a moderator (who gets the console link), are
    # rendered for.
    stranger, signed_in = app.test_client(), _signed_in(app)
    with Renders(app) as rendered:
        stranger = _html(stranger, panel)
        moderator = _html(signed_in, panel)
    assert rendered == ["panels/panel.html", "panels/panel.html"]
    assert f"{panel}/join" in stranger and f"{panel}/moderate" in moderator
