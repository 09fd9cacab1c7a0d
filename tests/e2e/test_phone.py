"""The phone in the room (360×640): joining fits one screen, one's own new post is in
sight right after sending, +1 and withdraw made offline are queued like posts and take
effect exactly once; screenshots of the join page, the room and a focused +1 in
forced-colours mode."""

import re

import requests
from playwright.sync_api import expect

from benchmarks.curation_tools import Person
from harness.api import create_session, moderator_token

PHONE = {
    "viewport": {"width": 360, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def _recs(base, slug, token):
    response = requests.get(
        f"{base}/api/v1/sessions/{slug}/recommendations",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return {r["text"]: r for r in response.json()["recommendations"]}


def test_join_in_one_screen_and_own_post_in_sight(server, contexts, shots):
    base = server["base"]
    session = create_session(
        base,
        {
            "title": "Od klienta do współgospodarza",
            "rooms": [
                {"name": "Pomoc społeczna", "prompt": "Co pomaga otworzyć ośrodek na mieszkańców?"},
                {"name": "Kultura", "prompt": "Jak działać razem z mieszkańcami?"},
                {"name": "Sport"},
            ],
        },
        moderator_token(base),
    )
    slug, room = session["slug"], session["rooms"][0]["id"]
    later = create_session(
        base, {"title": "Następna sesja", "rooms": [{"name": "Sala"}]}, moderator_token(base)
    )
    others = [Person(base, slug, room, "Jan"), Person(base, slug, room, "Ula")]
    try:
        for n in range(6):
            others[n % 2].post(f"Wcześniejszy wpis numer {n + 1}, żeby lista była dłuższa niż ekran")
        page = contexts(locale="pl-PL", **PHONE).new_page()
        page.goto(f"{base}/s/{slug}/join")
        # Everything needed to join, the button included, without scrolling.
        for field in ("#display_name", "input[name=attendance] >> nth=1", "input[name=room_id] >> nth=2"):
            expect(page.locator(field)).to_be_in_viewport()
        expect(page.locator("main button[type=submit]")).to_be_in_viewport()
        assert page.evaluate("getComputedStyle(document.body).fontSize") == "16px"
        page.screenshot(path=str(shots / "phone-join-360.png"))

        # A clear error, next to what is missing, in Polish.
        page.fill("#display_name", "Ewa")
        page.click("main button[type=submit]")
        expect(page.locator(".alert.error")).to_contain_text("Wybierz podpokój")
        expect(page.locator("input[name=attendance] >> nth=0")).to_be_focused()  # the first thing missing
        expect(page.locator("#display_name")).to_have_value("Ewa")
        page.screenshot(path=str(shots / "phone-join-error-360.png"))

        page.check("input[name=attendance][value=in_room]")
        page.check(f"input[name=room_id][value='{room}']")
        page.click("main button[type=submit]")
        expect(page).to_have_url(re.compile(f"/rooms/{room}$"))
        expect(page.locator("#status")).to_have_attribute("data-state", "connected")
        page.locator("#rec-text").tap()
        page.keyboard.type("Dyżury wieczorne raz w tygodniu")
        page.locator("#post-button").tap()
        mine = page.locator(".rec.mine", has_text="Dyżury wieczorne")
        expect(mine.locator(".badge.ok")).to_be_visible()
        expect(mine).to_be_in_viewport(ratio=1)
        expect(page.locator("#announce")).to_have_text("Wpis wysłany.")
        page.screenshot(path=str(shots / "phone-room-360.png"))

        # "In the room / remote" is asked once: the next session on this phone has it chosen.
        page.goto(f"{base}/s/{later['slug']}/join")
        expect(page.locator("input[name=attendance][value=in_room]")).to_be_checked()
    finally:
        for person in others:
            person.close()


def test_votes_and_withdrawals_made_offline_are_sent_once(server, contexts):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(base, {"title": "Bez sieci", "rooms": [{"name": "Sala"}]}, token)
    slug, room = session["slug"], session["rooms"][0]["id"]
    jan = Person(base, slug, room, "Jan")
    try:
        jan.post("Głos do poparcia")
        jan.post("Głos poparty i cofnięty")
        context = contexts(locale="pl-PL", **PHONE)
        page = context.new_page()
        page.goto(f"{base}/s/{slug}/join")
        page.fill("#display_name", "Ola")
        page.check("input[name=attendance][value=remote]")
        page.check(f"input[name=room_id][value='{room}']")
        page.click("main button[type=submit]")
        expect(page.locator("#status")).to_have_attribute("data-state", "connected")
        page.fill("#rec-text", "Mój wpis do wycofania")
        page.click("#post-button")
        own = page.locator(".rec.mine", has_text="Mój wpis do wycofania")
        expect(own.locator(".badge.ok")).to_be_visible()
        # The page is cached for offline use once its service worker says so.
        expect(page.locator("html")).to_have_attribute("data-offline-ready", "1")

        context.set_offline(True)
        expect(page.locator("#status")).to_have_attribute("data-state", "offline")
        supported = page.locator(".rec", has_text="Głos do poparcia").locator("button.vote")
        supported.tap()
        # Shown at once, marked as waiting, read out as such; nothing was sent.
        expect(supported).to_have_attribute("aria-pressed", "true")
        expect(supported).to_have_class(re.compile("queued"))
        expect(supported).to_have_attribute("aria-label", re.compile("1 osoba.*czeka na wysłanie", re.I))
        expect(page.locator("#announce")).to_contain_text("Brak połączenia")
        # +1 then taken back while offline: nothing to send.
        toggled = page.locator(".rec", has_text="Głos poparty i cofnięty").locator("button.vote")
        toggled.tap()
        toggled.tap()
        expect(toggled).to_have_attribute("aria-pressed", "false")
        page.once("dialog", lambda dialog: dialog.accept())
        own.get_by_role("button", name="Wycofaj").tap()
        expect(own).to_have_class(re.compile("withdrawn"))
        recs = _recs(base, slug, token)
        assert recs["Głos do poparcia"]["votes"] == 0 and recs["Mój wpis do wycofania"]["status"] == "active"

        # A reload while offline keeps the wishes (localStorage), like posts.
        page.reload()
        expect(page.locator("#status")).not_to_have_attribute("data-state", "connected")
        queued = page.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('hs-actions:')).map(k => JSON.parse(localStorage.getItem(k)))"
        )
        assert sorted(entry["wish"] for entry in queued[0].values()) == ["unvote", "vote", "withdraw"]

        context.set_offline(False)
        expect(page.locator("#status")).to_have_attribute("data-state", "connected", timeout=20_000)
        expect(supported).not_to_have_class(re.compile("queued"))
        expect(own.locator(".badge", has_text="Wycofana przez autora")).to_be_visible()
        recs = _recs(base, slug, token)
        assert recs["Głos do poparcia"]["votes"] == 1
        assert recs["Głos poparty i cofnięty"]["votes"] == 0
        assert recs["Mój wpis do wycofania"]["status"] == "withdrawn"
        # Reconnecting again sends nothing more: the queue is empty, the count stays.
        assert page.evaluate(
            "Object.keys(localStorage).filter(k => k.startsWith('hs-actions:')).map(k => localStorage.getItem(k))"
        ) == ["{}"]
        page.reload()
        expect(page.locator("#status")).to_have_attribute("data-state", "connected")
        expect(supported).to_have_attribute("aria-pressed", "true")
        assert _recs(base, slug, token)["Głos do poparcia"]["votes"] == 1
    finally:
        jan.close()


def test_a_focused_pressed_vote_in_forced_colours(server, contexts, shots):
    base = server["base"]
    session = create_session(
        base, {"title": "Wysoki kontrast", "rooms": [{"name": "Sala"}]}, moderator_token(base)
    )
    slug, room = session["slug"], session["rooms"][0]["id"]
    jan = Person(base, slug, room, "Jan")
    try:
        jan.post("Wpis z poparciem")
        jan.post("Wpis bez poparcia")
        page = contexts(locale="pl-PL", **PHONE).new_page()
        page.emulate_media(forced_colors="active")
        page.goto(f"{base}/s/{slug}/join")
        page.fill("#display_name", "Ola")
        page.check("input[name=attendance][value=remote]")
        page.check(f"input[name=room_id][value='{room}']")
        page.click("main button[type=submit]")
        expect(page.locator("#status")).to_have_attribute("data-state", "connected")
        pressed = page.locator(".rec", has_text="Wpis z poparciem").locator("button.vote")
        unpressed = page.locator(".rec", has_text="Wpis bez poparcia").locator("button.vote")
        pressed.click()
        expect(pressed).to_have_attribute("aria-pressed", "true")
        pressed.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard, so the focus ring shows
        expect(pressed).to_be_focused()

        # Pressed and not pressed differ in forced colours: border width and the tick.
        def look(button):
            return button.evaluate(
                """b => { const s = getComputedStyle(b);
                          return [s.borderTopWidth, s.backgroundColor, getComputedStyle(b, '::before').content]; }"""
            )

        assert look(pressed) != look(unpressed)
        assert look(pressed)[2] == '"✓"'
        page.locator(".rec", has_text="Wpis z poparciem").screenshot(
            path=str(shots / "forced-colours-focused-vote.png")
        )
        page.screenshot(path=str(shots / "forced-colours-room-360.png"))
    finally:
        jan.close()
