"""Issue 13, the whole walk-through in Chromium against the real server: a moderator opens
the rooms with a 2-minute timer from the console, broadcasts, moves a participant and
closes the rooms; two participants on phones (360×640) see each step live; the session
wall and a room wall follow on 1920×1080 screens. Screenshots of each wall, of a phone
in the last 2 minutes and after the close go to artifacts/screenshots/."""

import re

import socketio
from playwright.sync_api import expect

from harness.api import create_session, moderator_token
from harness.browser import join_in_browser, post_in_browser, sign_in

PHONE = {"locale": "en-GB", "viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}
SCREEN = {"locale": "pl-PL", "viewport": {"width": 1920, "height": 1080}}
DESK = {"locale": "en-GB", "viewport": {"width": 1440, "height": 1000}}


def _fits(page) -> bool:
    """No scrolling needed: the page is no taller or wider than the screen."""
    return page.evaluate(
        "document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth"
    )


def _smallest_text(page) -> float:
    """The smallest font size of any visible text on the page, in px."""
    return page.evaluate(
        """() => {
        let least = Infinity;
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
          const node = walker.currentNode;
          if (!node.textContent.trim()) continue;
          const el = node.parentElement;
          if (el.closest('.visually-hidden, [hidden], script')) continue;
          const box = el.getBoundingClientRect();
          if (!box.width || !box.height) continue;
          least = Math.min(least, parseFloat(getComputedStyle(el).fontSize));
        }
        return least;
      }"""
    )


def test_a_moderator_runs_the_rooms_phones_and_walls_follow(server, contexts, shots):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(
        base,
        {
            "title": "Sąsiedztwo: co dalej z placem?",
            "rooms": [
                {
                    "name": "Zieleń",
                    "prompt": "Co posadzić na placu?",
                    "call_url": "https://meet.jit.si/zielen",
                },
                {"name": "Ruch", "prompt": "Jak bezpiecznie dojść?"},
            ],
            "stream_url": "https://stream.example.org/plac",
        },
        token,
    )
    slug = session["slug"]
    green, traffic = (r["id"] for r in session["rooms"])

    # The screens: the session wall and the room wall of "Zieleń", in Polish.
    wall = contexts(**SCREEN).new_page()
    wall.goto(f"{base}/s/{slug}/wall")
    expect(wall.locator("#status")).to_have_attribute("data-state", "connected")
    room_wall = contexts(**SCREEN).new_page()
    room_wall.goto(f"{base}/s/{slug}/rooms/{green}/wall")
    expect(room_wall.locator("#status")).to_have_attribute("data-state", "connected")
    expect(wall.locator("#phase")).to_have_text("Pokoje są otwarte")

    # Two participants on phones, both in "Zieleń"; the walls count them.
    ewa = contexts(**PHONE).new_page()
    join_in_browser(ewa, base, slug, "Ewa", green, attendance="in_room")
    jan = contexts(**PHONE).new_page()
    join_in_browser(jan, base, slug, "Jan", green)
    expect(jan.locator("#call-link")).to_have_attribute("href", "https://meet.jit.si/zielen")
    tile = wall.locator(f".room-tile[data-id='{green}']")
    expect(tile.locator(".room-count")).to_have_text("2")
    expect(tile.locator(".room-split")).to_have_text("1 na sali · 1 zdalnie")
    expect(room_wall.locator("#people")).to_have_text("1 na sali · 1 zdalnie")

    # The moderator's console.
    console = contexts(**DESK).new_page()
    sign_in(console, base, "anna@example.org")
    console.goto(f"{base}/s/{slug}/moderate")
    expect(console.locator("#status")).to_have_attribute("data-state", "connected")
    expect(console.locator("#presence-rows tr", has_text="Zieleń")).to_contain_text("1")

    # 1. Open the rooms for 2 minutes: inside the last 2 minutes at once, everywhere.
    console.click("#run [data-minutes='2']")
    expect(console.locator("#countdown")).to_have_text(re.compile(r"^(2:00|1:[0-5]\d)$"))
    for phone in (ewa, jan):
        expect(phone.locator("#phase-bar")).to_have_class(re.compile("warning"))
        expect(phone.locator("#time-left")).to_have_text(re.compile(r"^(2:00|1:[0-5]\d)$"))
    for screen in (wall, room_wall):
        expect(screen.locator("#clock")).to_have_class(re.compile("warning"))
        expect(screen.locator("#time-left")).to_have_text(re.compile(r"^(2:00|1:[0-5]\d)$"))
        expect(screen.locator("#time-note")).to_have_text("Ostatnie 2 minuty")

    # A post reaches the room wall (without a name), with its +1 later.
    post_in_browser(ewa, "Więcej drzew owocowych")
    expect(room_wall.locator(".wall-post .text")).to_have_text(["Więcej drzew owocowych"])
    jan.locator(".rec", has_text="Więcej drzew owocowych").locator(".vote").click()
    expect(room_wall.locator(".wall-post .votes")).to_have_text(["+1"])
    assert "Ewa" not in room_wall.locator("main").inner_text()

    # 2. A broadcast to all rooms: on both phones and on the session wall.
    console.fill("#broadcast-text", "Za minutę podsumowanie w sali głównej")
    console.click("#broadcast-form button[type=submit]")
    for phone in (ewa, jan):
        expect(phone.locator("#broadcast-region .banner")).to_contain_text("Za minutę podsumowanie")
    expect(wall.locator("#broadcast-text")).to_have_text("Za minutę podsumowanie w sali głównej")
    expect(room_wall.locator("#broadcast-text")).to_have_text("Za minutę podsumowanie w sali głównej")
    expect(console.locator("#last-broadcast")).to_contain_text("Za minutę podsumowanie")
    ewa.evaluate("window.scrollTo(0, 0)")
    ewa.screenshot(path=str(shots / "screens-phone-last-2-minutes.png"))
    wall.screenshot(path=str(shots / "wall-session-1920x1080.png"))
    room_wall.screenshot(path=str(shots / "wall-room-1920x1080.png"))
    for screen in (wall, room_wall):
        assert _fits(screen), "a wall must not need scrolling at 1920×1080"
        assert _smallest_text(screen) >= 32, "wall text must be at least 32 px at 1920×1080"

    # 3. Move Jan to "Ruch": his phone follows, the walls recount.
    console.click("#people summary")
    person = console.locator(".person", has_text="Jan")
    person.locator("select").select_option(str(traffic))
    person.locator("button").click()
    expect(jan).to_have_url(re.compile(f"/s/{slug}/rooms/{traffic}(\\?moved=1)?$"))
    expect(jan.locator("h1")).to_have_text("Ruch")
    expect(wall.locator(f".room-tile[data-id='{traffic}'] .room-count")).to_have_text("1")
    expect(tile.locator(".room-count")).to_have_text("1")
    expect(room_wall.locator("#people")).to_have_text("1 na sali · 0 zdalnie")

    # 4. Close the rooms early: phones, walls and console say so.
    console.once("dialog", lambda dialog: dialog.accept())
    console.click("#close-rooms")
    for phone in (ewa, jan):
        expect(phone.locator("#phase-label")).to_have_text("The rooms are closed.")
        expect(phone.locator("#post-button")).to_be_disabled()
    for screen in (wall, room_wall):
        expect(screen.locator("#phase")).to_have_text("Pokoje są zamknięte")
        expect(screen.locator("#time-left")).to_be_hidden()
    expect(console.locator("#phase-badge")).to_have_text("Rooms closed")
    ewa.evaluate("window.scrollTo(0, 0)")
    ewa.screenshot(path=str(shots / "screens-phone-after-close.png"))
    wall.screenshot(path=str(shots / "wall-session-closed-1920x1080.png"))
    console.screenshot(path=str(shots / "console-breakout-controls.png"))

    # The note as slides, on the big screen (the published one, as the room sees it).
    moderator = socketio.Client(reconnection=False)
    moderator.connect(base, auth={"token": token}, transports=["websocket"], wait_timeout=5)
    try:
        ack = moderator.call("session:watch", {"slug": slug}, timeout=10)
        [rec] = [r for r in ack["recommendations"] if r["text"] == "Więcej drzew owocowych"]
        merged = moderator.call(
            "note:merge",
            {
                "slug": slug,
                "recommendation_ids": [rec["id"]],
                "text": "Drzewa owocowe na placu",
                "section": "Zieleń",
            },
            timeout=10,
        )
        assert merged["ok"], merged
        assert moderator.call("note:publish", {"slug": slug}, timeout=10)["ok"]
    finally:
        moderator.disconnect()
    slides = contexts(**SCREEN).new_page()
    slides.goto(f"{base}/s/{slug}/note/slides")
    expect(slides.locator("#position")).to_have_text("Slajd 1 z 2")
    slides.keyboard.press("ArrowRight")
    expect(slides.locator(".slide.current h2")).to_have_text("Zieleń")
    expect(slides.locator(".slide.current")).to_contain_text("Drzewa owocowe na placu")
    assert _fits(slides)
    slides.screenshot(path=str(shots / "wall-note-slides-1920x1080.png"))
    expect(wall.locator("#phase")).to_have_text(re.compile("Notatka jest opublikowana|Pokoje są zamknięte"))


def test_the_short_code_leads_a_phone_to_the_join_page(server, contexts):
    base = server["base"]
    session = create_session(base, {"title": "Kod na ekranie", "rooms": [{"name": "Sala"}]})
    phone = contexts(**PHONE).new_page()
    phone.goto(f"{base}/")
    code = session["join_code"]
    phone.fill("#code-main", f"{code[:3].lower()} {code[3:].lower()}")
    phone.click(".code-form button[type=submit]")
    expect(phone).to_have_url(f"{base}/s/{session['slug']}/join")
