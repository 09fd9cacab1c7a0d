"""The room page through a dropped connection: the state shows it, posts wait, nothing is lost."""

import re

import requests
from playwright.sync_api import expect

from tests.e2e.conftest import create_session, moderator_token


def test_a_post_typed_offline_is_sent_once_when_the_connection_returns(server, contexts):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(base, {"title": "Zerwane Wi-Fi", "rooms": [{"name": "Sala"}]}, token)
    slug, room = session["slug"], session["rooms"][0]["id"]
    context = contexts(locale="en-GB", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{base}/s/{slug}/join")
    page.fill("#display_name", "Ola")
    page.check("input[name=attendance][value=in_room]")
    page.check(f"input[name=room_id][value='{room}']")
    page.click("main button[type=submit]")
    status = page.locator("#status")
    expect(status).to_have_attribute("data-state", "connected")

    context.set_offline(True)
    expect(status).to_have_attribute("data-state", re.compile("offline|reconnecting"))
    page.fill("#rec-text", "Napisane bez zasięgu")
    page.click("#post-button")
    pending = page.locator(".rec.pending", has_text="Napisane bez zasięgu")
    expect(pending).to_be_visible()

    context.set_offline(False)
    expect(status).to_have_attribute("data-state", "connected", timeout=20_000)
    expect(page.locator(".rec.mine", has_text="Napisane bez zasięgu").locator(".badge.ok")).to_be_visible()
    expect(page.locator(".rec", has_text="Napisane bez zasięgu")).to_have_count(1)
    # The server holds it exactly once, too.
    recs = requests.get(
        f"{base}/api/v1/sessions/{slug}/recommendations", headers={"Authorization": f"Bearer {token}"}
    ).json()["recommendations"]
    assert [r["text"] for r in recs] == ["Napisane bez zasięgu"]
