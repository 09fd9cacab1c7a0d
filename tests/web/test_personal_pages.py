"""Issue 15, the reload wave: pages for people with a session are kept per page and
language and filled in per response. What each person sees stays their own: their
email, a CSRF token that works for them, messages meant for them."""

import re

import pytest

from tests.conftest import PASSWORD

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def app_config():
    return {"PAGE_CACHE_SECONDS": 2, "WTF_CSRF_ENABLED": True}


def _signed_in(app, email):
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    answer = browser.post(
        "/login", data={"csrf_token": TOKEN.search(page).group(1), "email": email, "password": PASSWORD}
    )
    assert answer.status_code == 302
    return browser


def test_each_moderator_gets_their_own_console_and_a_csrf_token_that_works(app, make, scenario):
    url = f"/s/{scenario['slug']}/moderate"
    first = _signed_in(app, "mod@example.org")
    second = _signed_in(app, "mod@example.org")  # the same account in another browser
    pages = [first.get(url).get_data(as_text=True), second.get(url).get_data(as_text=True)]
    tokens = [TOKEN.search(page).group(1) for page in pages]
    assert tokens[0] != tokens[1] and all('title="mod@example.org"' in page for page in pages)
    # Each page's sign-out form signs out its own browser (the token is checked).
    assert second.post("/logout", data={"csrf_token": tokens[0]}).status_code == 400
    assert second.post("/logout", data={"csrf_token": tokens[1]}).status_code == 302
    assert second.get(url).status_code == 302  # signed out: sent to the sign-in page


def test_a_message_meant_for_one_person_is_shown_to_them_and_kept_for_nobody(app, make, scenario):
    room = f"/s/{scenario['slug']}/rooms/{scenario['room_b']}"
    browser = _signed_in(app, "mod@example.org")
    page = browser.get(f"/s/{scenario['slug']}/join").get_data(as_text=True)
    browser.post(
        f"/s/{scenario['slug']}/join",
        data={
            "csrf_token": TOKEN.search(page).group(1),
            "display_name": "Ola",
            "attendance": "remote",
            "room_id": scenario["room_b"],
        },
    )
    page = browser.get(room).get_data(as_text=True)
    browser.post("/logout", data={"csrf_token": TOKEN.search(page).group(1)})
    assert "Wylogowano." in browser.get(room).get_data(as_text=True)  # "You are signed out."
    again = browser.get(room).get_data(as_text=True)
    assert "Wylogowano." not in again and "Ola" in again
    assert "Wylogowano." not in _joined_page(app, scenario, room)


def _joined_page(app, scenario, room):
    other = app.test_client()
    page = other.get(f"/s/{scenario['slug']}/join").get_data(as_text=True)
    other.post(
        f"/s/{scenario['slug']}/join",
        data={
            "csrf_token": TOKEN.search(page).group(1),
            "display_name": "Jan",
            "attendance": "remote",
            "room_id": scenario["room_b"],
        },
    )
    return other.get(room).get_data(as_text=True)
