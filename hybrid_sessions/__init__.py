"""Hybrid Sessions: panel pages, live breakout rooms and the session note."""

import logging
import os
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config

from . import cookie
from .extensions import babel, csrf, db, limiter, migrate, socketio
from .instance import private_database_file, private_folder, write_private
from .live.packet import TextPacket

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)


def _secret_key(app: Flask) -> str:
    """Generated once and kept under instance/, so sessions survive restarts."""
    if app.config.get("DATABASE_URL_GIVEN"):
        raise RuntimeError("SECRET_KEY must be set when DATABASE_URL is set")
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        write_private(path, secrets.token_hex(32))
    return path.read_text().strip()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers work while one writer commits; the busy timeout makes a writer
    # wait for the lock instead of failing with "database is locked"; NORMAL sync in
    # WAL keeps every commit through a process crash.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Erased names and posts are overwritten with zeros in the file, whatever the
    # platform's compile-time default (docs/reliability.md, erasure).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def choose_locale(asked: str | None, accepted, chosen: str | None = None) -> str:
    """`?lang=` first, then the language chosen in this browser, then its preferences."""
    languages = Config.LANGUAGES
    if asked in languages:
        return asked
    if chosen in languages:
        return chosen
    return accepted.best_match(languages) or Config.BABEL_DEFAULT_LOCALE


def select_locale() -> str:
    return choose_locale(request.args.get("lang"), request.accept_languages, cookie.language())


def create_app(config_class: type = Config, **overrides) -> Flask:
    app = Flask(
        __name__,
        # INSTANCE_PATH moves the SQLite file, secret key and demo password elsewhere
        # (the end-to-end tests give each server a fresh one).
        instance_path=os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    private_folder(Path(app.instance_path))

    app.config["DATABASE_URL_GIVEN"] = bool(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        database = Path(app.instance_path) / "hybrid_sessions.db"
        private_database_file(database)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _secret_key(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "connect_args": {"timeout": 10},
        }

    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "translations"),
    )
    csrf.init_app(app)
    limiter.init_app(app)
    from . import cli, live, web
    from .web import page_cache

    # Handlers must be declared before the first init_app: Flask-SocketIO keeps them
    # for later apps (every test makes one) only if no server existed at declaration.
    live.register(app)
    from .live.room_index import manager_for
    from .live.socket_session import SocketAwareSessionInterface

    app.session_interface = SocketAwareSessionInterface()

    manager = manager_for(app.config["MESSAGE_QUEUE_URL"], app.config["MESSAGE_QUEUE_CHANNEL"])
    # Ours (the framework's, with an index of each socket's rooms), or Flask-SocketIO's own.
    queue = (
        {"client_manager": manager}
        if manager is not None
        else {"channel": app.config["MESSAGE_QUEUE_CHANNEL"]}
    )
    socketio.init_app(
        app,
        message_queue=app.config["MESSAGE_QUEUE_URL"],
        **queue,
        max_http_buffer_size=app.config["SOCKETIO_MAX_HTTP_BUFFER_SIZE"],
        serializer=TextPacket,
        async_mode=app.config.get("ASYNC_MODE"),
        # Same-origin only: browsers from other sites are refused at the handshake.
        cors_allowed_origins=None,
    )

    from . import logs

    logs.install()
    web.register(app)
    cli.register(app)
    # In front of Flask (but behind ProxyFix, which it does not need).
    page_cache.init_app(app, choose_locale)
    if app.config["PROXY_HOPS"]:
        # Outermost, so Socket.IO sees the client's address and scheme too.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    return app
