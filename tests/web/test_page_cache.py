"""Anonymous visitors get kept copies of public pages; nobody else ever does."""

import threading

import pytest

from hybrid_sessions.web.page_cache import PageCache

from .test_pages import _published


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def app_config():
    return {"PAGE_CACHE_SECONDS": 2}


@pytest.fixture
def clock(app):
    clock = Clock()
    app.wsgi_app.cache = PageCache(2, timer=clock)
    return clock


def _html(client, path, **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_change_reaches_anonymous_visitors_within_the_cache_period(app, scenario, make, clock):
    visitor = app.test_client()
    panel = f"/s/{scenario['slug']}"
    assert "Drugi akapit." not in _html(visitor, panel)
    _published(app, scenario, make)
    clock.now += 1.9
    assert "Drugi akapit." not in _html(visitor, panel)
    clock.now += 0.2
    assert "Drugi akapit." in _html(visitor, panel)


def test_joined_participants_and_moderators_always_see_the_latest_page(app, scenario, make, clock):
    panel = f"/s/{scenario['slug']}"
    assert "Drugi akapit." not in _html(app.test_client(), panel)
    participant = app.test_client()
    participant.post(
        f"{panel}/join",
        data={"display_name": "Basia", "attendance": "in_room", "room_id": scenario["room_b"]},
    )
    _published(app, scenario, make)
    assert "Drugi akapit." in _html(participant, panel)
    assert "Drugi akapit." not in _html(app.test_client(), panel)


def test_anonymous_visitors_get_no_cookie_and_their_own_language(app, scenario, clock):
    visitor = app.test_client()
    panel = f"/s/{scenario['slug']}"
    for _ in range(2):
        response = visitor.get(panel, headers={"Accept-Language": "en"})
        assert "Set-Cookie" not in response.headers
        assert 'lang="en"' in response.get_data(as_text=True)
        assert "Cookie" in response.headers["Vary"] and "Accept-Language" in response.headers["Vary"]
        assert "Content-Security-Policy" in response.headers
    assert 'lang="pl"' in _html(visitor, panel, **{"Accept-Language": "pl-PL"})
    assert 'lang="pl"' in _html(visitor, f"{panel}?lang=pl", **{"Accept-Language": "en"})


def test_choosing_a_language_is_a_link_and_sticks(app, scenario, clock):
    visitor = app.test_client()
    panel = f"/s/{scenario['slug']}"
    page = _html(visitor, panel, **{"Accept-Language": "pl"})
    assert f'href="/lang/en?next={panel}"' in page
    response = visitor.get(f"/lang/en?next={panel}")
    assert response.status_code == 302 and response.headers["Location"] == panel
    assert 'lang="en"' in _html(visitor, panel, **{"Accept-Language": "pl"})
    assert visitor.get("/lang/en?next=https://example.org/").headers["Location"] == "/"


def test_errors_and_missing_pages_are_never_kept(app, scenario, make, clock):
    visitor = app.test_client()
    note = f"/s/{scenario['slug']}/note"
    assert visitor.get(note).status_code == 404
    _published(app, scenario, make)
    assert visitor.get(note).status_code == 200


def test_a_head_request_gets_the_headers_of_the_kept_copy(app, scenario, clock):
    visitor = app.test_client()
    panel = f"/s/{scenario['slug']}"
    length = len(visitor.get(panel).data)
    head = visitor.head(panel)
    assert head.status_code == 200 and head.data == b""
    assert int(head.headers["Content-Length"]) == length


def test_one_request_renders_an_expired_page_while_others_get_the_last_copy():
    clock = Clock()
    cache = PageCache(2, timer=clock)
    key = ("/s/panel", b"", "pl")
    assert cache.get(key) is None
    cache.put(key, [("Content-Type", "text/html")], b"old")
    clock.now += 2
    assert cache.get(key) is None  # this request renders
    assert cache.get(key).body == b"old"  # the others meanwhile
    cache.put(key, [("Content-Type", "text/html")], b"new")
    assert cache.get(key).body == b"new"
    # A copy more than a period past its time is not handed out even during a render.
    clock.now += 4.1
    assert cache.get(key) is None
    cache.abandon(key)  # that render failed: nothing new, and the old copy is too old
    assert cache.get(key) is None


def test_without_any_copy_the_others_wait_for_the_one_render_in_flight():
    cache = PageCache(2, timer=Clock())
    key = ("/s/panel", b"", "pl")
    assert cache.get(key) is None  # this request renders
    waiting = []
    waiter = threading.Thread(target=lambda: waiting.append(cache.get(key)))
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive() and waiting == []  # not rendering itself: waiting
    cache.put(key, [("Content-Type", "text/html")], b"first")
    waiter.join(5)
    assert [page.body for page in waiting] == [b"first"]


def test_copies_are_bounded_by_size():
    cache = PageCache(2, timer=Clock(), max_bytes=1000)
    for n in range(100):
        cache.put(("/s/panel", str(n).encode(), "pl"), [], b"x" * 100)
    kept = sum(cache.get(("/s/panel", str(n).encode(), "pl")) is not None for n in range(100))
    assert kept == 10
