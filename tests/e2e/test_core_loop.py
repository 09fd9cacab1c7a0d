"""The core loop in real browsers: panel page → join → live rooms → merge → publish."""

import re

import requests
from playwright.sync_api import expect

from harness.api import create_session
from harness.browser import join_in_browser, post_in_browser, sign_in

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
HOSTILE = '<img src=x onerror="window.__xss=1">'


def _create_session(base: str) -> dict:
    return create_session(
        base,
        {
            "title": "Od klienta do współgospodarza",
            "slug": "e2e-panel",
            "starts_at": "2030-11-23T13:00:00+01:00",
            "ends_at": "2030-11-23T14:30:00+01:00",
            "about": "Rewolucyjne metamorfozy czy ciche ewolucje? Czego trzeba, by otworzyć miejsce na pomysły mieszkańców?",
            "join_info": "Sala konferencyjna, parter. Zdalnie: link wideo w zaproszeniu.",
            "moderator": {"name": "Anna Żelazowska-Kosiorek", "bio": "Trenerka, facylitatorka, badaczka."},
            "guests": [
                {"name": "Magdalena Popłońska-Kowalska", "bio": "Dyrektor OPS w Dopiewie."},
                {"name": "Grzegorz Zmarzły", "bio": "Dyrektor Ośrodka Kultury i Sportu w Bierutowie."},
            ],
            "rooms": [
                {
                    "name": "Pomoc społeczna",
                    "prompt": "Co pomaga otworzyć ośrodek na mieszkańców?",
                    "capacity": 12,
                },
                {"name": "Kultura", "prompt": "Jak działać razem z mieszkańcami?", "capacity": 12},
            ],
            "co_moderators": ["piotr@example.org"],
        },
    )


def test_the_whole_core_loop(server, contexts, shots):
    base = server["base"]
    session = _create_session(base)
    slug = session["slug"]
    room1, room2 = (r["id"] for r in session["rooms"])

    # Anyone: the panel page.
    visitor = contexts(locale="pl-PL", viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(f"{base}/s/{slug}")
    expect(visitor.locator("h1")).to_have_text("Od klienta do współgospodarza")
    expect(visitor.locator("main")).to_contain_text("Magdalena Popłońska-Kowalska")
    expect(visitor.locator("main")).to_contain_text("Dyrektor Ośrodka Kultury i Sportu w Bierutowie.")
    visitor.screenshot(path=str(shots / "panel-page.png"), full_page=True)

    # Two moderators, in two consoles.
    moderator = contexts(locale="en-GB", viewport={"width": 1440, "height": 1000}).new_page()
    sign_in(moderator, base, "anna@example.org")
    moderator.goto(f"{base}/s/{slug}/moderate")
    expect(moderator.locator("#status")).to_have_attribute("data-state", "connected")
    second = contexts(locale="pl-PL", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(second, base, "piotr@example.org")
    second.goto(f"{base}/s/{slug}/moderate")
    expect(second.locator("#status")).to_have_attribute("data-state", "connected")

    # Participant A on a phone, in the room; participant B on a laptop, remote; same room.
    a = contexts(locale="pl-PL", **PHONE).new_page()
    b = contexts(locale="pl-PL", viewport={"width": 1280, "height": 900}).new_page()
    join_in_browser(a, base, slug, "Ewa", room1, "in_room")
    join_in_browser(b, base, slug, "Jan", room1, "remote")

    # A's post appears on B's page without a reload, and in both consoles.
    post_in_browser(a, "Elastyczne godziny otwarcia, także wieczorami")
    expect(b.locator("#recs")).to_contain_text("Elastyczne godziny otwarcia, także wieczorami")
    expect(moderator.locator(f".column[data-room-id='{room1}']")).to_contain_text(
        "Elastyczne godziny otwarcia"
    )
    expect(second.locator(f".column[data-room-id='{room1}']")).to_contain_text("Elastyczne godziny otwarcia")

    # B +1s it; A sees the count change live.
    b.locator(".rec", has_text="Elastyczne godziny").locator("button.vote").click()
    expect(a.locator(".rec", has_text="Elastyczne godziny").locator("button.vote")).to_have_text(
        re.compile(r"1$")
    )

    # User text stays text: a hostile post is shown literally and runs nothing.
    post_in_browser(a, HOSTILE)
    expect(b.locator("#recs")).to_contain_text(HOSTILE)
    expect(moderator.locator("#columns")).to_contain_text(HOSTILE)
    assert b.evaluate("window.__xss") is None and moderator.evaluate("window.__xss") is None

    # B moves to the other room and posts the same idea in other words.
    b.goto(f"{base}/s/{slug}/join?room={room2}")
    b.click("main button[type=submit]")
    expect(b).to_have_url(re.compile(f"/rooms/{room2}$"))
    expect(b.locator("#status")).to_have_attribute("data-state", "connected")
    post_in_browser(b, "Otwarte do późna i w weekendy")
    a.screenshot(path=str(shots / "room-phone-360.png"), full_page=True)

    # The moderator merges the two posts from two rooms into one item, in a new section.
    moderator.locator(".column .rec", has_text="Elastyczne godziny otwarcia").click()
    moderator.locator(".column .rec", has_text="Otwarte do późna").click()
    expect(moderator.locator("#selected-list li")).to_have_count(2)
    moderator.fill("#merge-text", "Elastyczny grafik: czynne do późna wieczorami i w weekendy.")
    moderator.select_option("#merge-section", "")
    moderator.fill("#new-section", "Sposoby uczestników")
    moderator.click("#merge")
    item = moderator.locator(".note-editor li", has_text="Elastyczny grafik")
    expect(item).to_contain_text("Pomoc społeczna")
    expect(item).to_contain_text("Kultura")
    expect(item).to_contain_text("2 people")  # Ewa posted, Jan +1-ed and posted: 2 distinct people
    # The other moderator's console follows.
    expect(second.locator(".note-editor li", has_text="Elastyczny grafik")).to_contain_text("2 osób")
    moderator.fill("#summary", "Uczestnicy dzielili się sposobami na otwieranie instytucji.")
    moderator.click("#save-summary")
    expect(moderator.locator("#summary-state")).to_have_text("Saved")
    moderator.screenshot(path=str(shots / "moderator-console.png"), full_page=True)

    # Publish: both participants are told live and can open the note.
    moderator.once("dialog", lambda dialog: dialog.accept())
    moderator.click("#publish")
    expect(moderator.locator("#publish-state")).to_have_text("Published: version 1")
    for page in (a, b):
        expect(page.locator("#published-banner")).to_be_visible()
    a.click("#published-link")
    expect(a).to_have_url(f"{base}/s/{slug}/note")
    note = a.locator("main")
    expect(note).to_contain_text("Elastyczny grafik: czynne do późna wieczorami i w weekendy.")
    expect(note).to_contain_text("Uczestnicy dzielili się sposobami")
    for name in ("Ewa", "Jan"):
        expect(note).not_to_contain_text(name)
    b.goto(f"{base}/s/{slug}/note")
    expect(b.locator("main")).to_contain_text("Sposoby uczestników")
    b.screenshot(path=str(shots / "published-note.png"), full_page=True)
    markdown = requests.get(f"{base}/s/{slug}/note.md").text
    assert "## Sposoby uczestników" in markdown and "Elastyczny grafik" in markdown


def test_a_full_room_says_so_and_the_panel_page_is_comfortable_on_a_phone(server, contexts, shots):
    base = server["base"]
    session = create_session(
        base,
        {
            "title": "Wizyty studyjne",
            "starts_at": "2030-11-24T10:00:00+01:00",
            "ends_at": "2030-11-24T12:00:00+01:00",
            "rooms": [{"name": "Wizyta w CAL", "capacity": 1}, {"name": "Wizyta w OPS", "capacity": 20}],
        },
    )
    full, free = (r["id"] for r in session["rooms"])
    requests.post(
        f"{base}/api/v1/sessions/{session['slug']}/participants",
        json={"display_name": "Pierwsza", "attendance": "remote", "room_id": full},
    )
    page = contexts(locale="pl-PL", **PHONE).new_page()
    page.goto(f"{base}/s/{session['slug']}/join")
    expect(page.locator(f"input[name=room_id][value='{full}']")).to_be_disabled()
    expect(page.locator("label.choice.full")).to_contain_text("Brak miejsc")
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(shots / "join-phone-360.png"), full_page=True)
    join_in_browser(page, base, session["slug"], "Druga", free)
