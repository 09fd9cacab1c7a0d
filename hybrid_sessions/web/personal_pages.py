"""Kept pages for visitors with a session: a joined participant's room page and a
moderator's console, served before Flask runs.

When the Wi-Fi comes back, or the moderator says "reload", every phone in the hall asks
for its room page at once. A full render is Jinja with ~40 translated strings and five
queries, and Flask's own stack around it (the session cookie decoded and re-signed, the
locale, the request context) cost as much again: ~140 pages a second, with phones
waiting most of a second (benchmarks/README.md, P11). Most of such a page is the same
for everyone in the room: only the name, the participant's id and the server's clock
differ (and, on the console, the moderator's e-mail, the CSRF token and the
addresses, which depend on the Host the console was opened at).

So the view renders a page once per page, language (and Host) with markers where those
values go and offers it here; this middleware keeps it for PERSONAL_PAGE_SECONDS (an
hour) and, for the next visitor, checks the signed cookie itself, checks who may see
the page with one query, fills the markers in and answers. That query also reads the
session's page revision, which every edit to what the pages show moves on
(models/page_revision.py): a copy rendered before a room was renamed or the phase
changed is rendered again by the next request, in every process. What the page's live
connection brings anyway — posts, the people in each room, the clock — may be as old as
the copy, and room:join and session:watch correct it at once. A hundred rooms' copies
re-rendered every 2 s took half the one event loop of a hall of 1,000 reloading
(benchmarks/README.md, P11 at full scale); now each renders once an hour, or once after
an edit. Who may see the page is checked on every request, against the database, never
kept. Anything unusual — no kept copy yet, a query string, flashed messages waiting, a
cookie that Flask should refresh, a participant placed elsewhere, a moderator who is
also a participant of the page — goes to Flask for a full render, which is always right.

The markers carry a random per-process nonce, so no text anyone types can pose as one.
A marker in double quotes is a value inside the page's JSON (`tojson`) and is replaced,
quotes included, by its JSON; a bare one is HTML text and is replaced by its escaped
text.
"""

import re
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header, parse_cookie

from .. import cookie, quick_reads
from ..models import Moderator, Panel, Participant, panel_moderators
from ..models.types import utcnow
from ..services import accounts
from .page_cache import PageCache, answered

# The key a view's offer travels under in the WSGI environ (a dict: Flask-SocketIO hands
# Flask a copy of the environ, so the slot must be mutable).
OFFER = "hybrid_sessions.personal_pages.offer"

ROOM_PATH = re.compile(r"/s/([^/]+)/rooms/([0-9]+)\Z")
CONSOLE_PATH = re.compile(r"/s/([^/]+)/moderate\Z")
PANEL_PATH = re.compile(r"/s/([^/]+)\Z")
PATHS = (("room", ROOM_PATH), ("console", CONSOLE_PATH), ("panel", PANEL_PATH))

# Flask re-signs a permanent session cookie on every response, which is what keeps it
# alive for PERMANENT_SESSION_LIFETIME after the last visit. A kept page sends no cookie,
# so a cookie signed longer ago than this (or than half the lifetime, if that is shorter)
# goes to Flask, which renews it: an active visitor's cookie never lapses, at the cost
# of one full render an hour.
RENEW_AFTER_SECONDS = 3600
# Cookies whose signature was checked, remembered (a hall's worth, many times over).
VERIFIED_COOKIES = 20_000


@dataclass(frozen=True, slots=True)
class Facts:
    """What the middleware needs besides the body: the final headers of the rendered
    response (without its cookie and length) and the ids the access check uses."""

    headers: tuple
    panel_id: int
    room_id: int | None = None
    # The session's page_revision the page was rendered at (models/page_revision.py).
    revision: int = 0


class Markers:
    def __init__(self):
        self.prefix = f"hs{secrets.token_hex(8)}"
        self._pattern = re.compile(rf'"{self.prefix}([a-z_]+)Z"|{self.prefix}([a-z_]+)Z')

    def __call__(self, name: str) -> str:
        return f"{self.prefix}{name}Z"

    def split(self, body: str) -> "MarkedPage":
        """The page as kept: its text cut at the markers once, so filling it in for each
        visitor is a join, not a search through the whole page."""
        parts, at = [], 0
        for match in self._pattern.finditer(body):
            parts.append(body[at : match.start()].encode("utf-8"))
            parts.append((match.group(1), True) if match.group(1) is not None else (match.group(2), False))
            at = match.end()
        parts.append(body[at:].encode("utf-8"))
        return MarkedPage(tuple(parts), sum(len(part) for part in parts if isinstance(part, bytes)))


def _as_json(value) -> str:
    # The same text Jinja's `tojson` writes (HTML-safe JSON).
    return str(htmlsafe_json_dumps(value))


@dataclass(frozen=True, slots=True)
class MarkedPage:
    parts: tuple  # bytes, and (name, is_json) where a visitor's value goes
    size: int

    def __len__(self) -> int:  # what the cache's size bound counts
        return self.size

    def fill(self, values: dict) -> bytes:
        return b"".join(
            part
            if isinstance(part, bytes)
            else (_as_json(values[part[0]]) if part[1] else str(escape(values[part[0]]))).encode("utf-8")
            for part in self.parts
        )


class PersonalPages:
    """WSGI middleware: kept personal pages in front of `wsgi_app`."""

    def __init__(self, app: Flask, wsgi_app, seconds: float, briefly: float):
        self.wsgi_app = wsgi_app
        self.pages = PageCache(seconds)
        # How long a page that shows what may change without an edit is kept.
        self.briefly = briefly
        self.marks = Markers()
        self._app = app
        self._serializer: URLSafeTimedSerializer | None = None
        self._verified: dict = {}
        self._reads: quick_reads.Reads | None = None
        self._csrf_tokens: dict = {}
        # Prebuilt once: building a statement costs more than running it.
        self._participant = (
            sa.select(
                Participant.id,
                Participant.panel_id,
                Participant.room_id,
                Participant.display_name,
                Panel.page_revision,
            )
            .join(Panel, Panel.id == Participant.panel_id)
            .where(Participant.token_hash == sa.bindparam("token_hash"))
        )
        self._moderator = (
            sa.select(Moderator.email, Panel.page_revision)
            .join(panel_moderators, panel_moderators.c.moderator_id == Moderator.id)
            .join(Panel, Panel.id == panel_moderators.c.panel_id)
            .where(
                Moderator.id == sa.bindparam("moderator_id"),
                Moderator.session_epoch == sa.bindparam("epoch"),
                Moderator.is_active,
                panel_moderators.c.panel_id == sa.bindparam("panel_id"),
            )
        )

    # --- the view's side (inside Flask) ------------------------------------------------

    def offer(
        self, key: tuple, body: str, panel: Panel, room_id: int | None = None, briefly: bool = False
    ) -> "MarkedPage":
        """Keep `body` (rendered with markers from `panel` as loaded) under `key` once
        Flask has answered 200 — for PAGE_CACHE_SECONDS only if `briefly` (it shows
        something no edit changes, which may change meanwhile); returns it cut at the
        markers, for the view to fill in for this visitor."""
        page = self.marks.split(body)
        slot = request.environ.get(OFFER)
        if slot is not None:
            # The revision as loaded, before rendering: an edit committed meanwhile
            # makes this copy out of date at once, not after it expires.
            slot.update(
                key=key,
                page=page,
                panel_id=panel.id,
                room_id=room_id,
                revision=panel.page_revision,
                seconds=self.briefly if briefly else None,
            )
            # The app's quick reads (its engine is known only inside an app context).
            if self._reads is None:
                self._reads = quick_reads.of(self._app)
        return page

    # --- the middleware ----------------------------------------------------------------

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        kind, match = next(
            ((kind, match) for kind, pattern in PATHS if (match := pattern.match(path)) is not None),
            (None, None),
        )
        if match is None:
            # Every other request (the live connections' long-polling among them)
            # passes straight on.
            return self.wsgi_app(environ, start_response)
        answer = self._kept(environ, start_response, kind, match)
        if answer is not None:
            return answer
        return self._through(environ, start_response)

    def _kept(self, environ, start_response, kind: str, match):
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        data = self._cookie(environ)
        if data is None:
            return None
        visitor = cookie.KeptVisitor.of(data)
        if visitor is None:
            return None
        locale = self._locale(environ, visitor.lang)
        if kind == "console":
            if visitor.moderator_id is None or visitor.csrf is None:
                return None
            key = ("console", match.group(1), locale, environ.get("HTTP_HOST", ""))
        elif visitor.moderator_id is not None:
            return None  # the page then carries a sign-out form: Flask renders it
        elif kind == "room":
            key = ("room", match.group(1), int(match.group(2)), locale)
        else:
            key = ("panel", match.group(1), locale)
        page = self.pages.get(key)
        if page is None:
            environ[OFFER + ".claimed"] = key
            return None
        facts: Facts = page.headers
        found = self._values(visitor, facts, kind)
        if found is None:
            return None
        values, revision = found
        # An edit since this copy was rendered (a room renamed, the phase changed): the
        # first request to see it renders the page again; the others keep getting this
        # copy for the moment that takes.
        if revision != facts.revision and self.pages.renew(key):
            environ[OFFER + ".claimed"] = key
            return None
        body = page.body.fill(values)
        start_response("200 OK", [*facts.headers, ("Content-Length", str(len(body)))])
        return [b"" if method == "HEAD" else body]

    def _values(self, visitor, facts: Facts, kind: str) -> tuple[dict, int] | None:
        """This visitor's values and the session's page revision, or None if the kept
        page is not theirs to see."""
        if self._reads is None:
            return None
        if kind != "console":
            token = visitor.tokens.get(str(facts.panel_id))
            if not accounts.plausible_token(token):
                return None
            row = self._reads.first(self._participant, {"token_hash": accounts.hash_token(token)})
            if row is None or row[1] != facts.panel_id:
                return None
            if kind == "panel":  # the way back to their room; in none, Flask renders
                return ({"room_id": row[2]}, row[4]) if row[2] is not None else None
            # Placed in another room (or none): the view redirects; Flask does it.
            if row[2] != facts.room_id:
                return None
            return {"participant_id": row[0], "name": row[3], "server_time": utcnow().isoformat()}, row[4]
        row = self._reads.first(
            self._moderator,
            {"moderator_id": visitor.moderator_id, "epoch": visitor.epoch, "panel_id": facts.panel_id},
        )
        if row is None:
            return None
        return {"email": row[0], "csrf_token": self._csrf(visitor.csrf)}, row[1]

    def _through(self, environ, start_response):
        """Flask renders; a page its view offered is kept once the answer is a 200."""
        claimed = environ.pop(OFFER + ".claimed", None)
        slot = environ[OFFER] = {}
        try:
            chunks, answer = answered(self.wsgi_app, environ, start_response)
        except BaseException:
            if claimed is not None:
                self.pages.abandon(claimed)
            raise
        kept = False
        if slot.get("key") is not None and answer.get("status", "").startswith("200"):
            headers = tuple(
                (name, value)
                for name, value in answer["headers"]
                if name.lower() not in ("set-cookie", "content-length")
            )
            facts = Facts(headers, slot["panel_id"], slot["room_id"], slot["revision"])
            self.pages.put(slot["key"], facts, slot["page"], slot["seconds"])
            kept = slot["key"] == claimed
        if claimed is not None and not kept:
            self.pages.abandon(claimed)
        return chunks

    # --- the cookie, the language, the CSRF token: as Flask and Flask-WTF do them -----

    def _cookie(self, environ) -> dict | None:
        raw = parse_cookie(environ).get(self._app.config["SESSION_COOKIE_NAME"])
        if not raw:
            return None
        verified = self._verified.get(raw)
        if verified is None:
            if self._serializer is None:
                self._serializer = self._app.session_interface.get_signing_serializer(self._app)
            try:
                data, signed_at = self._serializer.loads(
                    raw,
                    max_age=int(self._app.permanent_session_lifetime.total_seconds()),
                    return_timestamp=True,
                )
            except BadSignature:
                return None  # Flask refuses it (a fresh session) in its own words
            if not isinstance(data, dict):
                return None
            # The same bytes always verify the same way, so a cookie checked once need
            # not be checked again (its age still is, below). Bounded: a flood of
            # distinct cookies only empties the memo.
            if len(self._verified) >= VERIFIED_COOKIES:
                self._verified.clear()
            verified = self._verified[raw] = (data, signed_at.timestamp())
        data, signed_at = verified
        # Also bounds a remembered cookie by the lifetime it was checked against once.
        lifetime = self._app.permanent_session_lifetime.total_seconds()
        if time.time() - signed_at > min(RENEW_AFTER_SECONDS, lifetime / 2):
            return None
        return data

    @staticmethod
    def _locale(environ, chosen) -> str:
        from .. import choose_locale

        accepted = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
        return choose_locale(None, accepted, chosen)

    def _csrf(self, raw: str) -> str:
        """Flask-WTF's generate_csrf: the session's raw token, signed with a timestamp.
        A token signed in the last minute is handed out again: Flask-WTF accepts it for
        WTF_CSRF_TIME_LIMIT (an hour, or for ever) and signing is a tenth of the work."""
        now = time.monotonic()
        made = self._csrf_tokens.get(raw)
        if made is not None and now - made[1] < 60:
            return made[0]
        config = self._app.config
        secret = config.get("WTF_CSRF_SECRET_KEY") or self._app.secret_key
        token = URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)
        if len(self._csrf_tokens) >= VERIFIED_COOKIES:
            self._csrf_tokens.clear()
        self._csrf_tokens[raw] = (token, now)
        return token


def for_this_request() -> PersonalPages | None:
    """This app's kept personal pages, if this request's page may be kept: None when
    copies are off, or the request has a query string or flashed messages waiting (meant
    for this visitor only), as the middleware passes such requests to Flask."""
    if request.query_string or cookie.has_waiting_messages():
        return None
    return current_app.extensions.get("personal_pages")
