"""Issue 13 on a phone, in Chromium against the real server: the room page counts down on
the server's clock, warns in the last 2 minutes, says kindly that the rooms closed (text
kept, posting and +1 off), shows a broadcast until dismissed, and follows a move."""

import re

import socketio
from playwright.sync_api import expect

from harness.api import create_session, moderator_token
from harness.browser import join_in_browser, post_in_browser

PHONE = {"locale": "en-GB", "viewport": {"width": 360, "height": 740}}


def _moderator(base, token):
    client = socketio.Client(reconnection=False)
    client.connect(base, auth={"token": token}, transports=["websocket"], wait_timeout=5)
    return client


def test_countdown_warning_close_and_broadcast_on_a_phone(server, contexts, shots):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(base, {"title": "Fazy na telefonie", "rooms": [{"name": "Sala"}]}, token)
    slug, room = session["slug"], session["rooms"][0]["id"]
    page = contexts(**PHONE).new_page()
    join_in_browser(page, base, slug, "Ola", room)
    expect(page.locator("#phase-label")).to_have_text("The rooms are open.")
    expect(page.locator("#time-left-box")).to_be_hidden()
    post_in_browser(page, "Przed zamknięciem")

    moderator = _moderator(base, token)
    try:
        # 90 seconds: inside the last 2 minutes at once.
        ack = moderator.call(
            "session:phase", {"slug": slug, "phase": "rooms_open", "minutes": 1.5}, timeout=10
        )
        assert ack["ok"], ack
        expect(page.locator("#phase-bar")).to_have_class(re.compile("warning"))
        expect(page.locator("#phase-label")).to_have_text(re.compile("Less than 2 minutes left"))
        expect(page.locator("#time-left")).to_have_text(re.compile(r"^1:[0-3]\d$"))
        page.screenshot(path=str(shots / "room-phone-last-2-minutes.png"), full_page=True)

        ack = moderator.call("session:broadcast", {"slug": slug, "text": "Proszę o podsumowanie"}, timeout=10)
        assert ack["ok"], ack
        banner = page.locator("#broadcast-region .banner")
        expect(banner).to_contain_text("Proszę o podsumowanie")
        # Read out once through the page's one live region (issue 12), not a second one.
        expect(page.locator("#announce")).to_have_text("Message from the moderator: Proszę o podsumowanie")
        expect(page.locator("[aria-live]")).to_have_count(1)

        # Typed but not sent when the moderator closes early: the text stays.
        page.fill("#rec-text", "Jeszcze jedna myśl")
        assert moderator.call("session:phase", {"slug": slug, "phase": "rooms_closed"}, timeout=10)["ok"]
        expect(page.locator("#phase-label")).to_have_text("The rooms are closed.")
        expect(page.locator("#closed-note")).to_be_visible()
        expect(page.locator("#post-button")).to_be_disabled()
        expect(page.locator("#rec-text")).to_have_value("Jeszcze jedna myśl")
        expect(page.locator("#time-left-box")).to_be_hidden()
        # The posts stay readable; +1 is off.
        expect(page.locator(".rec.mine .text")).to_have_text("Przed zamknięciem")
        expect(page.locator(".rec.mine .vote")).to_be_disabled()
        page.screenshot(path=str(shots / "room-phone-closed.png"), full_page=True)

        # The banner stays until dismissed, and stays dismissed after a reload.
        page.click("#broadcast-region button")
        expect(banner).to_have_count(0)
        page.reload()
        expect(page.locator("#status")).to_have_attribute("data-state", "connected")
        expect(page.locator("#phase-label")).to_have_text("The rooms are closed.")
        expect(page.locator("#broadcast-region .banner")).to_have_count(0)
    finally:
        moderator.disconnect()


def test_the_page_closes_by_itself_when_the_timer_runs_out(server, contexts):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(base, {"title": "Minutnik", "rooms": [{"name": "Sala"}]}, token)
    slug, room = session["slug"], session["rooms"][0]["id"]
    page = contexts(**PHONE).new_page()
    join_in_browser(page, base, slug, "Ewa", room)
    moderator = _moderator(base, token)
    try:
        assert moderator.call(
            "session:phase", {"slug": slug, "phase": "rooms_open", "minutes": 0.05}, timeout=10
        )["ok"]
    finally:
        moderator.disconnect()
    expect(page.locator("#phase-label")).to_have_text("The rooms are closed.", timeout=15_000)
    expect(page.locator("#post-button")).to_be_disabled()


def test_a_moved_participant_s_page_follows_to_the_new_room(server, contexts):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(
        base, {"title": "Przenosiny", "rooms": [{"name": "Pierwsza"}, {"name": "Druga"}]}, token
    )
    slug, (first, second) = session["slug"], [r["id"] for r in session["rooms"]]
    page = contexts(**PHONE).new_page()
    join_in_browser(page, base, slug, "Jan", first)
    moderator = _moderator(base, token)
    try:
        assert moderator.call("session:watch", {"slug": slug}, timeout=10)["ok"]
        people = moderator.call("session:participants", {"slug": slug}, timeout=10)["participants"]
        jan = next(p for p in people if p["display_name"] == "Jan")
        ack = moderator.call(
            "participant:move", {"slug": slug, "participant_id": jan["id"], "room_id": second}, timeout=10
        )
        assert ack["ok"], ack
    finally:
        moderator.disconnect()
    expect(page).to_have_url(re.compile(f"/s/{slug}/rooms/{second}"))
    expect(page.locator("h1")).to_have_text("Druga")
    expect(page.get_by_text("The moderator moved you to this room.")).to_be_visible()
    expect(page.locator("#status")).to_have_attribute("data-state", "connected")
    post_in_browser(page, "W nowym pokoju")


def test_waiting_in_the_lobby_until_the_moderator_places_the_person(server, contexts):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(
        base, {"title": "Przydział", "assignment": "moderator", "rooms": [{"name": "Jedyna"}]}, token
    )
    slug, room = session["slug"], session["rooms"][0]["id"]
    page = contexts(**PHONE).new_page()
    page.goto(f"{base}/s/{slug}/join")
    expect(page.locator("input[name=room_id]")).to_have_count(0)
    page.fill("#display_name", "Zoja")
    page.check("input[name=attendance][value=in_room]")
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(f"/s/{slug}/wait$"))
    expect(page.locator("#status")).to_have_attribute("data-state", "connected")
    moderator = _moderator(base, token)
    try:
        people = moderator.call("session:participants", {"slug": slug}, timeout=10)["participants"]
        (zoja,) = people
        assert zoja["room_id"] is None and zoja["attendance"] == "in_room"
        ack = moderator.call(
            "participant:move", {"slug": slug, "participant_id": zoja["id"], "room_id": room}, timeout=10
        )
        assert ack["ok"], ack
    finally:
        moderator.disconnect()
    expect(page).to_have_url(re.compile(f"/s/{slug}/rooms/{room}"))
    expect(page.locator("#status")).to_have_attribute("data-state", "connected")
    post_in_browser(page, "Już w pokoju")
