"""Fixtures for every layer: the app on a fresh database, clients, and factories."""

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config import TestingConfig
from hybrid_sessions import create_app, quick_reads
from hybrid_sessions.extensions import db, socketio
from hybrid_sessions.live import suggestions
from hybrid_sessions.models import Moderator, Participant
from hybrid_sessions.services import accounts, curation, notes, panels, participants, recommendations

PASSWORD = "correct horse battery"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pytest_configure(config):
    """Under pytest-xdist (scripts/test runs two workers) each worker gets its own copy of
    the PostgreSQL database of TEST_DATABASE_URL: every test recreates the tables there,
    and two workers doing that in one database would pull them from under each other."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not url.startswith("postgresql"):
        return
    import sqlalchemy as sa

    shared = sa.make_url(url)
    own = shared.set(database=f"{shared.database}_{worker}")
    admin = sa.create_engine(shared, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{own.database}"')
    admin.dispose()
    os.environ["TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """A test that uses the browser is marked `browser` (deselected by a plain `pytest`), so
    no test has to remember the marker; tests that start PostgreSQL databases, Redis or
    nginx carry their markers themselves (tests/infra)."""
    for item in items:
        if "browser" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
        # A module's tests that share a module- or class-scoped fixture (a server with a
        # world built once, a file written when the module ends) stay on one xdist worker
        # (scripts/test runs `--dist loadgroup`); split over two, each worker would build
        # the fixture again and write only its half of the file. Other tests spread freely.
        if _shares_a_fixture(item):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def _shares_a_fixture(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(defs and defs[-1].scope in ("module", "class") for defs in info.name2fixturedefs.values())


@pytest.fixture
def app_config():
    """Config overrides for the `app` fixture; a test module redefines it when needed."""
    return {}


@pytest.fixture
def app(tmp_path, app_config):
    """The app on its own database: a fresh SQLite file, or TEST_DATABASE_URL."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=url, **app_config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    # The quick reads keep connections of their own, outside the pool: closed, or a
    # PostgreSQL run runs out of connections a few hundred tests in.
    quick_reads.close(app)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    # Session ids repeat from one test database to the next: no cached state may outlive one.
    curation.forget_indexes()
    suggestions.reset()


@pytest.fixture
def ctx(app):
    """An app context for calling services directly, as the CLI and handlers do."""
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Factory:
    """Creates rows through the services (Indico-style factories), inside an app context."""

    def __init__(self, app):
        self.app = app

    def moderator(self, email="mod@example.org", password=PASSWORD, name="Moderatorka"):
        with self.app.app_context():
            moderator, _ = accounts.create_or_update_moderator(email, password, name)
            return moderator.id

    def moderator_token(self, moderator_id):
        with self.app.app_context():
            return accounts.issue_moderator_token(db.session.get(Moderator, moderator_id))

    def panel(self, moderator_id, slug="panel", rooms=(("Sala A", None), ("Sala B", None)), **extra):
        start = extra.pop("starts_at", datetime.now(UTC) + timedelta(days=1))
        with self.app.app_context():
            moderator = db.session.get(Moderator, moderator_id)
            panel = panels.create_panel(
                moderator,
                panels.PanelInput(
                    title=extra.pop("title", "Od klienta do współgospodarza"),
                    slug=slug,
                    starts_at=start,
                    ends_at=start + timedelta(hours=1, minutes=30),
                    rooms=[panels.RoomInput(name, f"Pytanie: {name}?", "", cap) for name, cap in rooms],
                    **extra,
                ),
            )
            return panel.slug, [r.id for r in panel.rooms]

    def participant(self, slug, room_id=None, name="Ewa", attendance="remote"):
        """Returns (participant id, token)."""
        with self.app.app_context():
            participant, token = participants.join_panel(panels.get_panel(slug), name, attendance, room_id)
            return participant.id, token

    def post(self, participant_id, room_id, text="Więcej ławek w parku"):
        with self.app.app_context():
            room = participants.get_room_by_id(room_id)
            participant = db.session.get(Participant, participant_id)
            rec, _ = recommendations.post_recommendation(room, participant, str(uuid.uuid4()), text)
            return rec.id

    def published_note(
        self, slug, moderator_id, rec_ids, text="Więcej ławek", section="Przestrzeń", summary=None
    ):
        """The moderator merges the posts into one note item and publishes the note."""
        with self.app.app_context():
            panel, actor = panels.get_panel(slug), db.session.get(Moderator, moderator_id)
            if summary is not None:
                notes.set_summary(panel, summary, actor)
            notes.merge_into_note(panel, list(rec_ids), text, section, actor)
            notes.publish_note(panel, actor)


@pytest.fixture
def make(app):
    return Factory(app)


@pytest.fixture
def scenario(make):
    """A moderator, a session with two rooms, and three participants (two in room A)."""
    moderator = make.moderator()
    slug, (room_a, room_b) = make.panel(moderator)
    ewa, ewa_token = make.participant(slug, room_a, "Ewa")
    jan, jan_token = make.participant(slug, room_a, "Jan")
    ola, ola_token = make.participant(slug, room_b, "Ola")
    return {
        "moderator": moderator,
        "moderator_token": make.moderator_token(moderator),
        "slug": slug,
        "room_a": room_a,
        "room_b": room_b,
        "ewa": (ewa, ewa_token),
        "jan": (jan, jan_token),
        "ola": (ola, ola_token),
    }


@pytest.fixture
def sock(app):
    """Open Socket.IO test clients; all disconnected at the end."""
    opened = []

    def connect(token=None, flask_client=None):
        kwargs = {"auth": {"token": token}} if token else {}
        client = socketio.test_client(app, flask_test_client=flask_client, **kwargs)
        opened.append(client)
        return client

    yield connect
    for client in opened:
        if client.is_connected():
            client.disconnect()


# --- headless Chromium (end-to-end and infra tests) -----------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def contexts(browser):
    """New isolated browser contexts (separate cookies and storage), closed afterwards."""
    opened = []

    def new(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield new
    for context in opened:
        context.close()


@pytest.fixture(scope="session")
def shots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
