"""The participant's pages of CONTRACT.md §6: joining without a room choice, the lobby of
moderator placement, the room page's phase, clock, call and stream buttons."""

import json
import re

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Moderator, Participant
from hybrid_sessions.services import panels, placement


def _page_data(html: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)[1]
    )


def _join(client, slug, **extra):
    return client.post(f"/s/{slug}/join", data={"display_name": "Zoś", "attendance": "in_room", **extra})


def test_balanced_join_offers_no_room_choice_and_places_the_person(client, make):
    slug, (a, b) = make.panel(make.moderator(), assignment="balanced")
    make.participant(slug, a, "Ewa")
    page = client.get(f"/s/{slug}/join", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'name="room_id"' not in page and "free places" in page
    response = _join(client, slug)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/s/{slug}/rooms/{b}")
    # The join page of someone placed leads to their room; another room's page too.
    assert client.get(f"/s/{slug}/join").headers["Location"].endswith(f"/rooms/{b}")
    assert client.get(f"/s/{slug}/rooms/{a}").headers["Location"].endswith(f"/rooms/{b}")


def test_moderator_placement_waits_in_the_lobby_until_moved(client, make):
    moderator = make.moderator()
    slug, (a, _) = make.panel(moderator, assignment="moderator")
    response = _join(client, slug)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/s/{slug}/wait")
    page = client.get(f"/s/{slug}/wait", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "You are in the lobby" in page and "js/room/wait.js" in page
    assert _page_data(page)["room_id"] is None
    # A room's page is not for someone not placed yet.
    assert client.get(f"/s/{slug}/rooms/{a}").headers["Location"].endswith(f"/s/{slug}/wait")
    with make.app.app_context():
        panel = panels.get_panel(slug)
        who = db.session.query(Participant).one()
        placement.move(panel, db.session.get(Moderator, moderator), who.id, a)
    assert client.get(f"/s/{slug}/wait").headers["Location"].endswith(f"/s/{slug}/rooms/{a}")
    moved = client.get(f"/s/{slug}/rooms/{a}?moved=1", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "The moderator moved you to this room." in moved


def test_the_wait_page_sends_strangers_to_join(client, make):
    slug, _ = make.panel(make.moderator(), assignment="moderator")
    assert client.get(f"/s/{slug}/wait").headers["Location"].endswith(f"/s/{slug}/join")


def test_the_room_page_shows_the_phase_clock_and_the_call_and_stream_buttons(client, make):
    slug, (a, b) = make.panel(make.moderator(), stream_url="https://youtube.com/live/x", phase="lobby")
    with make.app.app_context():
        panels.get_panel(slug).rooms[0].call_url = "https://meet.jit.si/sala-a"
        db.session.commit()
    _join(client, slug, room_id=a)
    page = client.get(f"/s/{slug}/rooms/{a}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "The rooms are not open yet." in page
    assert 'href="https://meet.jit.si/sala-a"' in page and 'href="https://youtube.com/live/x"' in page
    assert 'rel="noopener noreferrer"' in page and 'role="status" aria-live="polite"' in page
    data = _page_data(page)
    assert data["session"]["phase"] == "lobby" and data["session"]["server_time"]
    assert data["strings"]["closed"] and data["strings"]["warning"]
    # No call link for a room without one: the button is there but hidden.
    other = client.get(f"/s/{slug}/rooms/{b}").get_data(as_text=True)
    assert re.search(r'id="call-link"[^>]*hidden', other)


def test_the_room_page_is_in_polish_too(client, make):
    slug, (a, _) = make.panel(make.moderator())
    _join(client, slug, room_id=a)
    page = client.get(f"/s/{slug}/rooms/{a}", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert "Pokoje są otwarte." in page
    assert _page_data(page)["strings"]["warning"].startswith("Zostały niecałe 2 minuty")
