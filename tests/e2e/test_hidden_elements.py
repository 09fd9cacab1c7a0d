"""Issue 9, point 3: what a page hides with the `hidden` attribute is really hidden, in a
real browser: the room page's "note is published" banner appears only after a publish."""

from playwright.sync_api import expect

from harness.api import create_session, moderator_token
from harness.browser import join_in_browser, sign_in
from harness.live import LiveClient

SHOWN_THOUGH_HIDDEN = """() => [...document.querySelectorAll('[hidden]')]
    .filter(n => n.tagName !== 'INPUT' && getComputedStyle(n).display !== 'none')
    .map(n => n.id || n.className)"""


def test_the_published_banner_shows_only_after_publish_and_nothing_hidden_is_displayed(server, contexts):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(base, {"title": "Baner przed publikacją", "rooms": [{"name": "Sala"}]}, token)
    slug, room = session["slug"], session["rooms"][0]["id"]

    page = contexts(locale="en-GB", viewport={"width": 360, "height": 740}).new_page()
    join_in_browser(page, base, slug, "Ola", room)
    expect(page.locator("#published-banner")).to_be_hidden()
    assert page.evaluate(SHOWN_THOUGH_HIDDEN) == []

    console = contexts(locale="en-GB", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(console, base, "anna@example.org")
    console.goto(f"{base}/s/{slug}/moderate")
    expect(console.locator("#note-empty")).to_be_visible()
    assert console.evaluate(SHOWN_THOUGH_HIDDEN) == []

    with LiveClient(base, token) as moderator:
        assert moderator.call("note:publish", {"slug": slug}, timeout=10)["ok"]
    expect(page.locator("#published-banner")).to_be_visible()
