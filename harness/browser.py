"""What a person does in the browser (Playwright), step by step: end-to-end tests and the
browser benchmarks."""

import re

from playwright.sync_api import expect

from .servers import MODERATORS


def join_in_browser(page, base, slug, name, room_id, attendance="remote"):
    page.goto(f"{base}/s/{slug}/join")
    page.fill("#display_name", name)
    page.check(f"input[name=attendance][value={attendance}]")
    page.check(f"input[name=room_id][value='{room_id}']")
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(f"/s/{slug}/rooms/{room_id}$"))
    expect(page.locator("#status")).to_have_attribute("data-state", "connected")


def post_in_browser(page, text):
    page.fill("#rec-text", text)
    page.click("#post-button")
    expect(page.locator(".rec.mine", has_text=text).locator(".badge.ok")).to_be_visible()


def sign_in(page, base, email):
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", MODERATORS[email])
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{base}/")
