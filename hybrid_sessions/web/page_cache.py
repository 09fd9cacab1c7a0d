"""Anonymous visitors' copies of public pages, kept for a few seconds.

When a session is announced, hundreds of people open the same panel page within
minutes, and almost all of them are anonymous: each gets exactly the same bytes.
Rendering the panel page (Jinja, translations, four queries) costs about 3 ms; handing
out a kept copy in front of Flask costs a few hundredths of that, so one process serves
many times more visitors with a steady latency (benchmarks/README.md, P4). This is the
"micro-cache" a proxy would add, built in so the one-process setup has it too.

Copies expire instead of being invalidated, because a change made in one process (a
publish, a join that takes a free place) must reach visitors of every process: each
change is visible to anonymous visitors within PAGE_CACHE_SECONDS everywhere. Anyone
with a session cookie — a joined participant, a signed-in moderator, someone who chose a
language — is never served a copy, so the people who make changes see them at once.
"""

import threading
import time
from dataclasses import dataclass
from functools import wraps

from cachetools import LRUCache
from flask import Flask, request
from werkzeug.wrappers import Request

from .. import cookie

# Copies are bounded by their total size, so a flood of distinct query strings only
# evicts copies; it cannot grow the process.
MAX_BYTES = 16 * 1024 * 1024
# A view that agrees to share its page says so here (see `for_visitors`). A mutable
# slot, because Flask-SocketIO hands Flask a copy of the environ.
OFFER = "hybrid_sessions.page_cache.offer"


@dataclass(frozen=True, slots=True)
class Page:
    headers: list
    body: bytes
    kept_at: float
    seconds: float  # how long it is fresh


class PageCache:
    """Complete responses (status 200, headers, body) by key, fresh for `seconds`.

    When a copy expires under load, every request in flight would miss at once and
    render the same page (fifty renders in a row stall a process for 150 ms). Instead
    the first one renders while the others get the just-expired copy, for at most one
    more period. When there is no copy at all — the first wave after a quiet spell, the
    moment a hall reloads together — the others wait for that one render (up to
    `seconds`) instead of each rendering the page again.
    """

    def __init__(self, seconds: float, timer=time.monotonic, max_bytes: int = MAX_BYTES):
        self.seconds = seconds
        self._timer = timer
        self._pages: LRUCache = LRUCache(maxsize=max_bytes, getsizeof=lambda page: len(page.body))
        # Key -> set when its render is kept or abandoned. (Green under eventlet and
        # gevent, which monkey-patch threading; real threads under ASYNC_MODE=threading.)
        self._rendering: dict = {}
        # cachetools is not thread-safe (ASYNC_MODE=threading serves requests in threads).
        self._lock = threading.Lock()

    def get(self, key) -> Page | None:
        """A copy to serve, or None: render the page (and `put` or `abandon` it)."""
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                age = self._timer() - page.kept_at
                if age < page.seconds or (key in self._rendering and age < 2 * page.seconds):
                    return page
            rendering = self._rendering.get(key)
            if rendering is None:
                self._rendering[key] = threading.Event()
                return None
        if rendering.wait(self.seconds):
            with self._lock:
                page = self._pages.get(key)
                if page is not None and self._timer() - page.kept_at < 2 * page.seconds:
                    return page
        return None  # rendered alongside (not claimed: the one in flight still is)

    def renew(self, key) -> bool:
        """Claim the render of a copy known to be out of date: True if this request is to
        render it (then `put` or `abandon` it), False if that render is already in flight."""
        with self._lock:
            if key in self._rendering:
                return False
            self._rendering[key] = threading.Event()
            return True

    def put(self, key, headers, body, seconds: float | None = None) -> None:
        """Keep a copy, fresh for `seconds` (the cache's own period unless given)."""
        with self._lock:
            if len(body) <= self._pages.maxsize:
                self._pages[key] = Page(headers, body, self._timer(), seconds or self.seconds)
            self._release(key)

    def abandon(self, key) -> None:
        with self._lock:
            self._release(key)

    def _release(self, key) -> None:
        rendering = self._rendering.pop(key, None)
        if rendering is not None:
            rendering.set()


def answered(wsgi_app, environ, start_response):
    """Run `wsgi_app`, passing its response on; returns its body chunks and a dict that
    holds the `status` and `headers` it started its response with (to decide, after
    Flask has answered, whether to keep the page)."""
    answer = {}

    def remember(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, headers
        return start_response(status, headers, exc_info)

    return wsgi_app(environ, remember), answer


class PageCacheMiddleware:
    """Serves kept copies before Flask runs; keeps the copies views offer."""

    def __init__(self, wsgi_app, cache: PageCache, session_cookie: str, locale_for):
        self.wsgi_app = wsgi_app
        self.cache = cache
        self.session_cookie = session_cookie
        # (query `lang`, accepted languages) -> locale: the app's own choice for a
        # visitor without a session, so a copy is never served in the wrong language.
        self.locale_for = locale_for

    def __call__(self, environ, start_response):
        # Live connections (long-polling, WebSocket upgrades) pass straight through.
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("PATH_INFO", "").startswith(
            "/socket.io/"
        ):
            return self.wsgi_app(environ, start_response)
        # Most requests with a session cookie are told apart without parsing anything.
        if self.session_cookie + "=" in environ.get("HTTP_COOKIE", ""):
            return self.wsgi_app(environ, start_response)
        visitor = Request(environ)
        if self.session_cookie in visitor.cookies:
            return self.wsgi_app(environ, start_response)
        key = (
            visitor.path,
            visitor.query_string,
            self.locale_for(visitor.args.get("lang"), visitor.accept_languages),
        )
        page = self.cache.get(key)
        if page is not None:
            start_response("200 OK", list(page.headers))
            return [b"" if environ["REQUEST_METHOD"] == "HEAD" else page.body]
        return self._render(key, environ, start_response)

    def _render(self, key, environ, start_response):
        offer = environ[OFFER] = {"shared": False}
        try:
            chunks, answer = answered(self.wsgi_app, environ, start_response)
        except BaseException:
            self.cache.abandon(key)
            raise
        shareable = (
            offer["shared"]
            and environ["REQUEST_METHOD"] == "GET"
            and answer.get("status", "").startswith("200")
            and not any(name.lower() == "set-cookie" for name, _ in answer["headers"])
        )
        if not shareable:
            self.cache.abandon(key)
            return chunks
        try:
            body = b"".join(chunks)
        except BaseException:
            self.cache.abandon(key)
            raise
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        self.cache.put(key, list(answer["headers"]), body)
        return [body]


def init_app(app: Flask, locale_for) -> None:
    seconds = app.config["PAGE_CACHE_SECONDS"]
    if seconds > 0:
        # Pages for visitors with a session, kept with markers for what is theirs
        # (inside: the anonymous copies pass every request with a cookie straight on).
        from .personal_pages import PersonalPages

        app.extensions["personal_pages"] = PersonalPages(
            app, app.wsgi_app, app.config["PERSONAL_PAGE_SECONDS"] or seconds, briefly=seconds
        )
        app.wsgi_app = PageCacheMiddleware(
            app.extensions["personal_pages"],
            PageCache(seconds),
            app.config["SESSION_COOKIE_NAME"],
            locale_for,
        )


def for_visitors(view):
    """Offer the view's page to the cache when the visitor has no session."""

    @wraps(view)
    def serve(**kwargs):
        response = view(**kwargs)
        offer = request.environ.get(OFFER)
        if offer is not None and cookie.is_empty():
            offer["shared"] = True
        return response

    return serve
