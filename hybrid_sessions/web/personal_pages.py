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
values go and offers it here; this middleware keeps it for PAGE_CACHE_SECONDS and, for
the next visitor, checks the signed cookie itself, checks who may see the page with one
query, fills the markers in and answers. What everyone shares may be up to
PAGE_CACHE_SECONDS old, like the anonymous copies (web/page_cache.py), and the page's
live connection corrects it at once (room:join and session:watch carry the state as it
is); who may see the page is checked on every request, against the database, never
kept. Anything unusual — no kept copy yet, a query string, flashed messages waiting, a
cookie that Flask should refresh, a participant placed elsewhere, a moderator who is
also a participant of the page — goes to Flask for a full render, which is always
right.

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

from .. import cookie
from ..models import Moderator, Participant, panel_moderators
from ..models.types import utcnow
from ..services import accounts
from .page_cache import PageCache

# The key a view's offer travels under in the WSGI environ (a dict: Flask-SocketIO hands
# Flask a copy of the environ, so the slot must be mutable).
OFFER = "hybrid_sessions.personal_pages.offer"

ROOM_PATH = re.compile(r"/s/([^/]+)/rooms/([0-9]+)\Z")
CONSOLE_PATH = re.compile(r"/s/([^/]+)/moderate\Z")

# Flask re-signs a permanent session cookie on every response, which is what keeps it
# alive for PERMANENT_SESSION_LIFETIME after the last visit. A kept page sends no cookie,
# so a cookie signed longer ago than this goes to Flask, which renews it: an active
# visitor's cookie never lapses, at the cost of one full render an hour.
RENEW_AFTER_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class Facts:
    """What the middleware needs besides the body: the final headers of the rendered
    response (without its cookie and length) and the ids the access check uses."""

    headers: tuple
    panel_id: int
    room_id: int | None = None


class Markers:
    def __init__(self):
        self.prefix = f"hs{secrets.token_hex(8)}"
        self._pattern = re.compile(rf'"{self.prefix}([a-z_]+)Z"|{self.prefix}([a-z_]+)Z')

    def __call__(self, name: str) -> str:
        return f"{self.prefix}{name}Z"

    def fill(self, body: str, values: dict) -> str:
        def value(match):
            if match.group(1) is not None:
                # The same text Jinja's `tojson` writes (HTML-safe JSON).
                return str(htmlsafe_json_dumps(values[match.group(1)]))
            return str(escape(values[match.group(2)]))

        return self._pattern.sub(value, body)


class PersonalPages:
    """WSGI middleware: kept personal pages in front of `wsgi_app`."""

    def __init__(self, app: Flask, wsgi_app, seconds: float):
        self.wsgi_app = wsgi_app
        self.pages = PageCache(seconds)
        self.marks = Markers()
        self._app = app
        self._serializer: URLSafeTimedSerializer | None = None
        self._engine = None
        # Prebuilt once: building a statement costs more than running it.
        self._participant = sa.select(
            Participant.id, Participant.panel_id, Participant.room_id, Participant.display_name
        ).where(Participant.token_hash == sa.bindparam("token_hash"))
        self._moderator = (
            sa.select(Moderator.email)
            .join(panel_moderators, panel_moderators.c.moderator_id == Moderator.id)
            .where(
                Moderator.id == sa.bindparam("moderator_id"),
                Moderator.session_epoch == sa.bindparam("epoch"),
                Moderator.is_active,
                panel_moderators.c.panel_id == sa.bindparam("panel_id"),
            )
        )

    # --- the view's side (inside Flask) ------------------------------------------------

    def offer(self, key: tuple, body: str, panel_id: int, room_id: int | None = None) -> None:
        """Keep `body` (rendered with markers) under `key` once Flask has answered 200."""
        slot = request.environ.get(OFFER)
        if slot is not None:
            slot.update(key=key, body=body, panel_id=panel_id, room_id=room_id)
            # The engine of this app (known only inside an app context).
            if self._engine is None:
                from ..extensions import db

                self._engine = db.engine

    # --- the middleware ----------------------------------------------------------------

    def __call__(self, environ, start_response):
        answer = self._kept(environ, start_response)
        if answer is not None:
            return answer
        return self._through(environ, start_response)

    def _kept(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        path = environ.get("PATH_INFO", "")
        room = ROOM_PATH.match(path)
        console = None if room else CONSOLE_PATH.match(path)
        if room is None and console is None:
            return None
        data = self._cookie(environ)
        if data is None:
            return None
        visitor = cookie.KeptVisitor.of(data)
        if visitor is None:
            return None
        locale = self._locale(environ, visitor.lang)
        if room is not None:
            if visitor.moderator_id is not None:
                return None  # the page then carries a sign-out form: Flask renders it
            key = ("room", room.group(1), int(room.group(2)), locale)
        else:
            if visitor.moderator_id is None or visitor.csrf is None:
                return None
            key = ("console", console.group(1), locale, environ.get("HTTP_HOST", ""))
        page = self.pages.get(key)
        if page is None:
            environ[OFFER + ".claimed"] = key
            return None
        facts: Facts = page.headers
        values = self._values(visitor, facts, room is not None)
        if values is None:
            return None
        body = self.marks.fill(page.body, values).encode("utf-8")
        start_response("200 OK", [*facts.headers, ("Content-Length", str(len(body)))])
        return [b"" if method == "HEAD" else body]

    def _values(self, visitor, facts: Facts, is_room: bool) -> dict | None:
        """This visitor's values, or None if the kept page is not theirs to see."""
        if self._engine is None:
            return None
        with self._engine.connect() as connection:
            if is_room:
                token = visitor.tokens.get(str(facts.panel_id))
                if not isinstance(token, str) or not token or len(token) > 200:
                    return None
                row = connection.execute(
                    self._participant, {"token_hash": accounts.hash_token(token)}
                ).first()
                # Placed in another room (or none): the view redirects; Flask does it.
                if row is None or row.panel_id != facts.panel_id or row.room_id != facts.room_id:
                    return None
                return {
                    "name": row.display_name,
                    "participant_id": row.id,
                    "server_time": utcnow().isoformat(),
                }
            email = connection.execute(
                self._moderator,
                {"moderator_id": visitor.moderator_id, "epoch": visitor.epoch, "panel_id": facts.panel_id},
            ).scalar()
            if email is None:
                return None
            return {"email": email, "csrf_token": self._csrf(visitor.csrf)}

    def _through(self, environ, start_response):
        """Flask renders; a page its view offered is kept once the answer is a 200."""
        claimed = environ.pop(OFFER + ".claimed", None)
        slot = environ[OFFER] = {}
        answer = {}

        def remember(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return start_response(status, headers, exc_info)

        try:
            chunks = self.wsgi_app(environ, remember)
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
            self.pages.put(slot["key"], Facts(headers, slot["panel_id"], slot["room_id"]), slot["body"])
            kept = slot["key"] == claimed
        if claimed is not None and not kept:
            self.pages.abandon(claimed)
        return chunks

    # --- the cookie, the language, the CSRF token: as Flask and Flask-WTF do them -----

    def _cookie(self, environ) -> dict | None:
        raw = parse_cookie(environ).get(self._app.config["SESSION_COOKIE_NAME"])
        if not raw:
            return None
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
        if time.time() - signed_at.timestamp() > RENEW_AFTER_SECONDS or not isinstance(data, dict):
            return None
        return data

    @staticmethod
    def _locale(environ, chosen) -> str:
        from .. import choose_locale

        accepted = parse_accept_header(environ.get("HTTP_ACCEPT_LANGUAGE"), LanguageAccept)
        return choose_locale(None, accepted, chosen)

    def _csrf(self, raw: str) -> str:
        # Flask-WTF's generate_csrf: the session's raw token, signed with a timestamp.
        config = self._app.config
        secret = config.get("WTF_CSRF_SECRET_KEY") or self._app.secret_key
        return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)


def current() -> PersonalPages | None:
    """This app's kept personal pages, or None when copies are off."""
    return current_app.extensions.get("personal_pages")
