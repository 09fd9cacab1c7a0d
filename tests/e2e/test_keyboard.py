"""Keyboard only, as a screen-reader user works: join → post → +1 → withdraw in a room,
and select → merge → publish in the console, with others posting and voting live all
the while. Focus never falls to <body>, and each event is one short sentence in the
page's one live region (never the list read again)."""

import re

import requests
from playwright.sync_api import expect

from benchmarks.curation_tools import Person
from harness.api import create_session, moderator_token


def tab_to(page, locator, limit=60, key="Tab"):
    """Press Tab until `locator` has focus: proves it is reachable by keyboard, in order."""
    for _ in range(limit):
        if locator.evaluate("node => node === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{locator} not reached by {key} in {limit} presses")


# The focus ring's contrast with white (WCAG 2.4.13 / 1.4.11 ask >= 3:1) and its width.
FOCUS_RING = """node => {
  const s = getComputedStyle(node);
  const rgb = s.outlineColor.match(/\\d+/g).slice(0, 3).map(Number);
  const lum = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const l = 0.2126 * lum(rgb[0]) + 0.7152 * lum(rgb[1]) + 0.0722 * lum(rgb[2]);
  return { contrast: 1.05 / (l + 0.05), width: parseFloat(s.outlineWidth), style: s.outlineStyle };
}"""


def assert_visible_focus(locator):
    ring = locator.evaluate(FOCUS_RING)
    assert ring["style"] != "none" and ring["width"] >= 2 and ring["contrast"] >= 3, ring


def focus_not_lost(page):
    assert page.evaluate("document.activeElement && document.activeElement !== document.body")


def test_a_participant_joins_posts_votes_and_withdraws_by_keyboard(server, contexts):
    base = server["base"]
    session = create_session(
        base,
        {"title": "Klawiatura", "rooms": [{"name": "Sala A"}, {"name": "Sala B"}]},
        moderator_token(base),
    )
    slug, room = session["slug"], session["rooms"][0]["id"]
    jan = Person(base, slug, room, "Jan")
    ewa = Person(base, slug, room, "Ewa")
    try:
        jans = jan.post("Tłumacz języka migowego na sali")
        page = contexts(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{base}/s/{slug}/join")

        # The skip link is the first stop and shows itself when focused.
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        expect(skip).to_be_focused()
        box = skip.bounding_box()
        assert box["width"] > 40 and box["height"] > 20 and box["y"] >= 0

        # Join: name, "where are you" (arrow keys in the radio group), room, Enter.
        tab_to(page, page.locator("#display_name"))
        assert_visible_focus(page.locator("#display_name"))  # text fields: was a 1.15:1 ring
        page.keyboard.type("Ola")
        page.keyboard.press("Tab")
        expect(page.locator("input[name=attendance]").first).to_be_focused()
        assert_visible_focus(page.locator("input[name=attendance]").first)  # radios too
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        expect(page.locator("input[name=room_id]").first).to_be_focused()
        page.keyboard.press("Space")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(f"/rooms/{room}$"))
        expect(page.locator("#status")).to_have_attribute("data-state", "connected")
        announce = page.locator("#announce")
        # One live region on the page, and it is not the list.
        expect(page.locator("[aria-live]")).to_have_count(1)
        expect(page.locator("#recs")).not_to_have_attribute("aria-live", re.compile(".*"))

        # Post with Ctrl+Enter: focus stays in the field, the post is there, one sentence.
        tab_to(page, page.locator("#rec-text"))
        page.keyboard.type("Pętla indukcyjna przy scenie")
        page.keyboard.press("Control+Enter")
        mine = page.locator(".rec.mine", has_text="Pętla indukcyjna")
        expect(mine.locator(".badge.ok")).to_be_visible()
        expect(announce).to_have_text("Your post was sent.")
        expect(page.locator("#rec-text")).to_be_focused()

        # Someone else posts: announced by name; focus stays in the field.
        ewa.post("Napisy na ekranie")
        expect(announce).to_have_text("New recommendation from Ewa.")
        expect(page.locator("#rec-text")).to_be_focused()

        # +1 Jan's post: a full name, pressed, one sentence, focus on the same button.
        vote = page.locator(f"#rec-{jans['id']} button.vote")
        expect(vote).to_have_attribute("aria-label", "+1, 0 people support this")
        tab_to(page, vote)
        page.keyboard.press("Space")
        expect(vote).to_have_attribute("aria-pressed", "true")
        expect(vote).to_have_attribute("aria-label", "+1, 1 person supports this")
        expect(announce).to_have_text("+1 counted.")
        expect(vote).to_be_focused()
        assert_visible_focus(vote)
        # Others vote and post meanwhile: the button is updated where it is, still focused.
        ewa.vote(jans["id"])
        expect(vote).to_have_attribute("aria-label", "+1, 2 people support this")
        jan.post("Druga sprawa od Jana")
        expect(page.locator(".rec", has_text="Druga sprawa od Jana")).to_be_visible()
        expect(vote).to_be_focused()
        page.keyboard.press("Space")  # take it back
        expect(vote).to_have_attribute("aria-pressed", "false")
        expect(announce).to_have_text("+1 taken back.")
        expect(vote).to_be_focused()

        # Withdraw one's own post: after the confirmation, focus is on that post.
        page.once("dialog", lambda dialog: dialog.accept())
        withdraw = mine.get_by_role("button", name="Withdraw")
        tab_to(page, withdraw, key="Shift+Tab")
        page.keyboard.press("Enter")
        expect(mine).to_have_class(re.compile("withdrawn"))
        expect(announce).to_have_text("Your post was withdrawn.")
        expect(mine).to_be_focused()

        # The counter speaks only near the limit, once per step, not on every key.
        tab_to(page, page.locator("#rec-text"), key="Shift+Tab")
        page.fill("#rec-text", "a" * 440)
        page.keyboard.type("bbbbbbbbb")  # 449: 51 left, still quiet
        expect(announce).to_have_text("Your post was withdrawn.")
        page.keyboard.type("c")  # 450: 50 left
        expect(announce).to_have_text("50 characters left.")
        page.keyboard.type("d")  # 49 left: same step, nothing new
        page.wait_for_function("document.getElementById('counter').textContent.startsWith('451')")
        expect(announce).to_have_text("50 characters left.")
        expect(page.locator("#counter")).not_to_have_attribute("aria-live", re.compile(".*"))
    finally:
        jan.close()
        ewa.close()


def test_a_moderator_selects_merges_and_publishes_by_keyboard(server, contexts):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(
        base, {"title": "Klawiatura w konsoli", "rooms": [{"name": "Sala 1"}, {"name": "Sala 2"}]}, token
    )
    slug = session["slug"]
    room1, room2 = (r["id"] for r in session["rooms"])
    ola, jan = Person(base, slug, room1, "Ola"), Person(base, slug, room2, "Jan")
    ewa = Person(base, slug, room1, "Ewa")
    try:
        first = ola.post("Rampy przy wejściu")
        ola.post("Cichy pokój na przerwy")
        jan.post("Podjazd dla wózków")
        page = contexts(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{base}/login?next=/s/{slug}/moderate")
        tab_to(page, page.locator("#email"))
        page.keyboard.type("anna@example.org")
        page.keyboard.press("Tab")
        page.keyboard.type("haslo-anny-123")
        page.keyboard.press("Enter")
        expect(page.locator("#status")).to_have_attribute("data-state", "connected")
        expect(page.locator(".column .rec")).to_have_count(3)

        # j moves along posts, x selects; a live +1 on the selected post keeps focus on it.
        page.keyboard.press("j")
        post = page.locator(".column .rec", has_text="Rampy przy wejściu")
        while not post.evaluate("n => n === document.activeElement"):
            page.keyboard.press("j")
        page.keyboard.press("x")
        expect(post).to_have_class(re.compile("selected"))
        jan_post = page.locator(".column .rec", has_text="Podjazd dla wózków")
        jan_post.focus()  # (the other column: j walks columns in reading order)
        page.keyboard.press("x")
        expect(page.locator("#selected-list li")).to_have_count(2)
        ewa.vote(first["id"])
        expect(post.locator(".badge", has_text="+1")).to_be_visible()
        expect(jan_post).to_be_focused()

        # m: the merge form; type the wording, Tab to the section, a new section, Enter.
        page.keyboard.press("m")
        expect(page.locator("#merge-text")).to_be_focused()
        page.keyboard.type("Dostęp bez progów: rampy i podjazdy")
        tab_to(page, page.locator("#new-section"))
        page.keyboard.type("Dostępność")
        page.keyboard.press("Enter")
        item = page.locator(".note-editor li[data-item-id]", has_text="Dostęp bez progów")
        expect(item).to_contain_text("Sala 1")
        expect(item).to_contain_text("Sala 2")
        expect(page.locator("#announce")).to_have_text("Merged 2 posts into a new item.")
        focus_not_lost(page)

        # Edit the item: Enter on Edit, the text box (labelled) takes focus; Ctrl+Enter saves
        # and focus is back on that item's Edit button, not <body>.
        item = page.locator(f".note-editor li[data-item-id='{item.get_attribute('data-item-id')}']")
        edit = item.get_by_role("button", name="Edit")
        tab_to(page, edit)
        page.keyboard.press("Enter")
        box = item.get_by_role("textbox", name="Edit")
        expect(box).to_be_focused()
        expect(item.get_by_role("combobox")).to_have_accessible_name(re.compile("Section"))
        page.keyboard.press("End")
        page.keyboard.type(" (także windy)")
        page.keyboard.press("Control+Enter")
        expect(item).to_contain_text("rampy i podjazdy (także windy)")
        expect(edit).to_be_focused()

        # A new post elsewhere is announced by room; focus stays where it was.
        before = page.evaluate("document.activeElement.id || document.activeElement.className")
        ola.post("Tłumacz migowy")
        expect(page.locator("#announce")).to_have_text("New recommendation from room Sala 1.")
        assert page.evaluate("document.activeElement.id || document.activeElement.className") == before

        # Publish: Tab to the button, Enter, confirm.
        page.once("dialog", lambda dialog: dialog.accept())
        tab_to(page, page.locator("#publish"), key="Shift+Tab", limit=120)
        page.keyboard.press("Enter")
        expect(page.locator("#publish-state")).to_have_text("Published: version 1")
        focus_not_lost(page)
        note = requests.get(f"{base}/s/{slug}/note.md", timeout=10).text
        assert "## Dostępność" in note and "Dostęp bez progów" in note
    finally:
        for person in (ola, jan, ewa):
            person.close()
