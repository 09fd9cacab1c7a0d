"""The room page through a dropped connection: the state shows it, posts wait, nothing is lost."""

import re
import uuid

import requests
from playwright.sync_api import expect

from harness.api import create_session, join, moderator_token
from harness.browser import join_in_browser
from harness.live import LiveClient


def test_a_post_typed_offline_is_sent_once_when_the_connection_returns(server, contexts):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(base, {"title": "Zerwane Wi-Fi", "rooms": [{"name": "Sala"}]}, token)
    slug, room = session["slug"], session["rooms"][0]["id"]
    context = contexts(locale="en-GB", viewport={"width": 360, "height": 740})
    page = context.new_page()
    join_in_browser(page, base, slug, "Ola", room, "in_room")
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


def test_a_page_back_online_shows_what_happened_meanwhile(server, contexts):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(base, {"title": "Przerwa w zasięgu", "rooms": [{"name": "Sala"}]}, token)
    slug, room = session["slug"], session["rooms"][0]["id"]
    context = contexts(locale="en-GB", viewport={"width": 360, "height": 740})
    page = context.new_page()
    join_in_browser(page, base, slug, "Ola", room, "remote")
    page.fill("#rec-text", "Wpis Oli")
    page.click("#post-button")
    expect(page.locator(".rec.mine .badge.ok")).to_be_visible()

    other = LiveClient(base, join(base, slug, "Jan", room, "in_room"))
    try:
        assert other.call("room:join", {"room_id": room}, timeout=10)["ok"]
        old = other.call(
            "rec:post", {"room_id": room, "client_id": str(uuid.uuid4()), "text": "Do wycofania"}, timeout=10
        )
        expect(page.locator("#recs")).to_contain_text("Do wycofania")

        context.set_offline(True)
        expect(page.locator("#status")).to_have_attribute("data-state", re.compile("offline|reconnecting"))
        ola_rec = next(
            r
            for r in requests.get(
                f"{base}/api/v1/sessions/{slug}/recommendations", headers={"Authorization": f"Bearer {token}"}
            ).json()["recommendations"]
            if r["text"] == "Wpis Oli"
        )
        assert other.call(
            "rec:post",
            {"room_id": room, "client_id": str(uuid.uuid4()), "text": "Nowy, w czasie przerwy"},
            timeout=10,
        )["ok"]
        assert other.call("rec:vote", {"recommendation_id": ola_rec["id"]}, timeout=10)["ok"]
        assert other.call("rec:withdraw", {"recommendation_id": old["recommendation"]["id"]}, timeout=10)[
            "ok"
        ]
        with LiveClient(base, token) as moderator:
            assert moderator.call("note:publish", {"slug": slug}, timeout=10)["ok"]
    finally:
        other.close()

    context.set_offline(False)
    expect(page.locator("#status")).to_have_attribute("data-state", "connected", timeout=20_000)
    expect(page.locator("#recs")).to_contain_text("Nowy, w czasie przerwy")
    expect(page.locator(".rec", has_text="Wpis Oli").locator(".vote .count")).to_have_text("1")
    expect(page.locator(".rec.withdrawn", has_text="Do wycofania")).to_be_visible()
    expect(page.locator("#published-banner")).to_be_visible()
    # The page now shows exactly what the database holds.
    recs = requests.get(
        f"{base}/api/v1/sessions/{slug}/recommendations", headers={"Authorization": f"Bearer {token}"}
    ).json()["recommendations"]
    shown = page.eval_on_selector_all(
        "#recs .rec", "nodes => nodes.map(n => n.querySelector('.text').textContent)"
    )
    assert sorted(shown) == sorted(r["text"] for r in recs)


def test_a_post_survives_a_reload_while_offline_and_arrives_once(server, contexts):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(base, {"title": "Przeładowanie bez sieci", "rooms": [{"name": "Sala"}]}, token)
    slug, room = session["slug"], session["rooms"][0]["id"]
    context = contexts(locale="en-GB", viewport={"width": 360, "height": 740})
    page = context.new_page()
    join_in_browser(page, base, slug, "Ola", room, "in_room")
    # The page is cached for offline use once its service worker says so.
    expect(page.locator("html")).to_have_attribute("data-offline-ready", "1")

    context.set_offline(True)
    page.fill("#rec-text", "Przetrwam przeładowanie")
    page.click("#post-button")
    expect(page.locator(".rec.pending", has_text="Przetrwam przeładowanie")).to_be_visible()
    page.reload()
    expect(page.locator(".rec.pending", has_text="Przetrwam przeładowanie")).to_be_visible()
    expect(page.locator("#status")).not_to_have_attribute("data-state", "connected")

    context.set_offline(False)
    expect(page.locator("#status")).to_have_attribute("data-state", "connected", timeout=20_000)
    sent = page.locator(".rec.mine", has_text="Przetrwam przeładowanie")
    expect(sent.locator(".badge.ok")).to_be_visible()
    expect(sent).to_have_count(1)
    recs = requests.get(
        f"{base}/api/v1/sessions/{slug}/recommendations", headers={"Authorization": f"Bearer {token}"}
    ).json()["recommendations"]
    assert [r["text"] for r in recs] == ["Przetrwam przeładowanie"]
