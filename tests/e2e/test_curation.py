"""Curation at volume in a real browser: suggested merges across rooms, one action per
note item, by keyboard; a late duplicate joins an item; dismiss; undo and redo; a live
post does not move or unfocus what the moderator is on."""

from playwright.sync_api import expect

from benchmarks.curation_tools import Crowd, session_with_rooms
from harness.browser import sign_in

LIBRARY = (
    "Elastyczne godziny otwarcia biblioteki wieczorami",
    "Elastyczne godziny otwarcia biblioteki, także wieczorami",
)
BENCHES = ("Więcej ławek i zieleni w parku miejskim", "Więcej ławek i zieleni w parku")
LATE = ("Biblioteka otwarta wieczorami do późna", "Biblioteka otwarta wieczorami, do późna!")


def _group(page, text):
    return page.locator("#groups li.group", has_text=text)


def test_suggested_merges_by_keyboard_with_undo_and_a_late_duplicate(server, contexts, shots):
    base = server["base"]
    session = session_with_rooms(base, "Kuratorka", 2)
    room1, room2 = (r["id"] for r in session["rooms"])
    crowd = Crowd(base, session, per_room=3)
    try:
        library = crowd.post(0, LIBRARY[0])
        crowd.post(1, LIBRARY[1])
        crowd.post(0, BENCHES[0])
        crowd.post(1, BENCHES[1])
        crowd.vote(room1, library["id"], 1)

        page = contexts(locale="en-GB", viewport={"width": 1280, "height": 800}).new_page()
        sign_in(page, base, "anna@example.org")
        page.goto(f"{base}/s/{session['slug']}/moderate")
        expect(page.locator("#status")).to_have_attribute("data-state", "connected")
        expect(page.locator("#groups-count")).to_have_text("2")

        # Keyboard only: v (the suggestions), j (first group: the best backed), m (merge).
        page.keyboard.press("v")
        expect(page.locator("#tab-suggestions")).to_have_attribute("aria-selected", "true")
        page.keyboard.press("j")
        first = _group(page, LIBRARY[0])
        expect(first).to_be_focused()
        expect(first.locator("textarea.wording")).to_have_value(LIBRARY[0])  # the most supported wording
        page.keyboard.press("m")
        item = page.locator(".note-editor li[data-item-id]", has_text=LIBRARY[0])
        expect(item).to_contain_text("Sala 1")
        expect(item).to_contain_text("Sala 2")
        expect(item).to_contain_text("3 people")  # two authors and a +1
        expect(page.locator("#undo")).to_have_text("Undo: merge")

        # Focus went on to the next group; a live post (here two alike, a new group) arrives
        # and nothing moves under the moderator, nor does focus go anywhere.
        benches = _group(page, BENCHES[0])
        expect(benches).to_be_focused()
        before = benches.bounding_box()
        crowd.post(0, LATE[0])
        crowd.post(1, LATE[1])
        late = _group(page, LATE[0])
        expect(late).to_be_visible()
        expect(benches).to_be_focused()
        assert benches.bounding_box()["y"] == before["y"]
        page.screenshot(path=str(shots / "console-suggestions.png"))

        # d: these are not the same; the group goes and focus moves to the late pair.
        page.keyboard.press("d")
        expect(benches).to_have_count(0)
        expect(late).to_be_focused()
        # a: the late duplicates join the most similar existing item.
        expect(late.locator("select.target option:checked")).to_contain_text(LIBRARY[0])
        page.keyboard.press("a")
        expect(item).to_contain_text("5 people")
        expect(page.locator("#groups li.group")).to_have_count(0)

        # u undoes the addition, Shift+U redoes it; the note follows each time.
        page.keyboard.press("u")
        expect(item).to_contain_text("3 people")
        expect(page.locator("#redo")).to_have_text("Redo: add to item")
        page.keyboard.press("Shift+U")
        expect(item).to_contain_text("5 people")

        # Shortcuts stay out of the way while typing in a field.
        page.keyboard.press("/")
        expect(page.locator("#search")).to_be_focused()
        page.keyboard.type("dum")
        expect(page.locator("#search")).to_have_value("dum")
        expect(item).to_contain_text("5 people")
    finally:
        crowd.close()
