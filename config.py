"""Settings, read from the environment (see README and docs/deploy.md)."""

import os


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


class Config:
    # None means "the embedded SQLite file under instance/", resolved by create_app
    # because only the app knows where its instance folder is.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # None means "generate one and keep it under instance/" (refused with DATABASE_URL).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    MESSAGE_QUEUE_URL = os.environ.get("MESSAGE_QUEUE_URL") or None
    # Redis pub/sub channels are server-wide: two deployments sharing one Redis need
    # two channel names, or each would deliver the other's events.
    MESSAGE_QUEUE_CHANNEL = os.environ.get("MESSAGE_QUEUE_CHANNEL") or "hybrid-sessions"
    # How many reverse proxies (nginx) stand in front and set X-Forwarded-For/-Proto:
    # the client's address for rate limits then comes from them. 0: none, trust nothing.
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))
    # The site's address as people reach it (e.g. https://sesje.example.org), for links
    # sent to others and QR codes. Unset: relative links, and QR codes name HOST:PORT
    # (the LAN address when HOST is 0.0.0.0). Never taken from a request's Host header.
    PUBLIC_URL = os.environ.get("PUBLIC_URL") or None
    HOST = os.environ.get("HOST", "127.0.0.1")
    PORT = int(os.environ.get("PORT", "5000"))
    # Connection caps of `python wsgi.py` under eventlet (docs/deploy.md): a flood of
    # idle sockets gets a 503 instead of the process's last file descriptor. 0 total
    # means "what the file limit allows, less a reserve". Per address the default
    # leaves room for a whole venue of 1,000 behind one NAT address (a page and a
    # socket each); behind a proxy (PROXY_HOPS) every connection comes from the proxy,
    # so the per-address cap is left to nginx's limit_conn there.
    MAX_CONNECTIONS = int(os.environ.get("MAX_CONNECTIONS", "0"))
    MAX_CONNECTIONS_PER_ADDRESS = int(os.environ.get("MAX_CONNECTIONS_PER_ADDRESS", "2000"))
    # A connection that sends no request line for this long is closed.
    CONNECTION_IDLE_SECONDS = float(os.environ.get("CONNECTION_IDLE_SECONDS", "30"))
    LOAD_DEMO = _flag("LOAD_DEMO", True)
    # eventlet (the default), gevent or threading; wsgi.py monkey-patches to match.
    ASYNC_MODE = os.environ.get("ASYNC_MODE") or "eventlet"

    LANGUAGES = ("pl", "en")
    BABEL_DEFAULT_LOCALE = "pl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Warsaw"
    # Timezone given to sessions created without one; times are shown in it.
    DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE", "Europe/Warsaw")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", False)
    # A participant joins once and keeps their place for the whole event.
    PERMANENT_SESSION_LIFETIME = 14 * 24 * 3600
    WTF_CSRF_TIME_LIMIT = None
    # How moderator passwords are hashed (werkzeug's method string). Deliberately not
    # read from the environment: production is always scrypt; only TestingConfig sets a
    # cheap one (tests/web/test_config.py checks both).
    PASSWORD_HASH_METHOD = "scrypt"
    # Days a moderator's API token (POST /api/v1/auth/token) stays valid.
    MODERATOR_TOKEN_DAYS = float(os.environ.get("MODERATOR_TOKEN_DAYS", "30"))
    # The largest legitimate body is a session with its rooms and bios.
    MAX_CONTENT_LENGTH = 256 * 1024
    # One Socket.IO message: a 500-character post is far below this.
    SOCKETIO_MAX_HTTP_BUFFER_SIZE = 64 * 1024

    # Anonymous visitors of the panel and note pages get a copy at most this old
    # (hybrid_sessions/web/page_cache.py); 0 turns the copies off.
    PAGE_CACHE_SECONDS = float(os.environ.get("PAGE_CACHE_SECONDS", "2"))
    # A joined participant's room page and a moderator's console, rendered once per room
    # (or session) and language, are kept this long (web/personal_pages.py): an edit to
    # what they show renders them again at once (models/page_revision.py), and what the
    # live connection brings (posts, counts, the clock) is not waited for, so a hall's
    # reload in the middle of a session finds the copies its joining made. Off with the
    # copies (PAGE_CACHE_SECONDS=0).
    PERSONAL_PAGE_SECONDS = float(os.environ.get("PERSONAL_PAGE_SECONDS", "3600"))

    # Rate limits (docs/reliability.md explains the choices). Per participant they are
    # keyed by the participant, not the socket, so a reconnect does not reset them; per
    # address they stay high enough for a whole venue behind one NAT address.
    # swept-memory:// is limits' memory:// with its clean-up run once a second instead of
    # after every hit (hybrid_sessions/rate_limit_storage.py); redis://… to share counters.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or "swept-memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATE_LIMIT_POST = os.environ.get("RATE_LIMIT_POST") or "20/minute;5/5second"
    RATE_LIMIT_VOTE = os.environ.get("RATE_LIMIT_VOTE") or "120/minute"
    # Every socket event of one person (participant or moderator), junk included.
    RATE_LIMIT_LIVE_PER_IDENTITY = os.environ.get("RATE_LIMIT_LIVE_PER_IDENTITY") or "300/minute"
    RATE_LIMIT_LIVE_PER_ADDRESS = os.environ.get("RATE_LIMIT_LIVE_PER_ADDRESS") or "6000/minute"
    RATE_LIMIT_JOIN_PER_ADDRESS = os.environ.get("RATE_LIMIT_JOIN_PER_ADDRESS") or "1200/minute"
    # One budget for the sign-in page and the token endpoint together.
    RATE_LIMIT_SIGN_IN_PER_ADDRESS = os.environ.get("RATE_LIMIT_SIGN_IN_PER_ADDRESS") or "30/minute"
    # Event registrations (API and form): high enough for a venue behind one NAT address.
    RATE_LIMIT_REGISTER_PER_ADDRESS = os.environ.get("RATE_LIMIT_REGISTER_PER_ADDRESS") or "1200/minute"
    # Failed sign-ins per account, from any address (distributed guessing).
    RATE_LIMIT_SIGN_IN_PER_ACCOUNT = os.environ.get("RATE_LIMIT_SIGN_IN_PER_ACCOUNT") or "10/minute;30/hour"
    # Merge suggestions reach moderators this long after a post (one recomputation
    # covers a burst); 0: at once, in the same handler (tests).
    SUGGESTIONS_DELAY_SECONDS = float(os.environ.get("SUGGESTIONS_DELAY_SECONDS", "0.2"))
    # Joins and room changes reach the moderators' console and the walls as one
    # rooms:updated per this many seconds (a venue arriving at once is a few messages,
    # not a thousand); 0: at once (tests).
    PRESENCE_COALESCE_SECONDS = float(os.environ.get("PRESENCE_COALESCE_SECONDS", "0.5"))
    # How often each process looks for rooms whose timer has run out, to announce the
    # close (posting is refused from the closing second regardless); 0: never (tests
    # call live.phase_timer.tick() themselves).
    PHASE_TICK_SECONDS = float(os.environ.get("PHASE_TICK_SECONDS", "1"))
    # Email for event registrations (confirmation, moved up from a waiting list); none
    # without MAIL_SERVER: the pages then ask people to save their personal link.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_FROM = os.environ.get("MAIL_FROM") or "hybrid-sessions@localhost"
    MAIL_USE_TLS = _flag("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    # How often open pages catch up by sequence, in case a live event was lost.
    RESYNC_SECONDS = 30
    # How often open moderator sockets are checked against their accounts: a disabled
    # moderator's sockets are closed within this many seconds (0: never, for tests).
    MODERATOR_RECHECK_SECONDS = 5


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    MESSAGE_QUEUE_URL = None
    LOAD_DEMO = False
    # The test clients need no server loop; the real servers of the e2e and infra
    # tests run wsgi.py, which uses the default.
    ASYNC_MODE = "threading"
    MODERATOR_RECHECK_SECONDS = 0
    SUGGESTIONS_DELAY_SECONDS = 0
    # Tests that want the page cache turn it on themselves.
    PAGE_CACHE_SECONDS = 0
    PRESENCE_COALESCE_SECONDS = 0
    PHASE_TICK_SECONDS = 0
    WTF_CSRF_ENABLED = False
    SERVER_NAME = None
    MAIL_SERVER = None
    # One PBKDF2 round instead of scrypt: hashing dominated test set-up (tests/live
    # 26 s -> 15 s). Tests only; never in Config.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"
