"""The command line of CONTRACT.md section 1 and the schema migrations."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from config import TestingConfig
from hybrid_sessions import create_app
from hybrid_sessions.extensions import db
from hybrid_sessions.services import accounts


def test_create_moderator_creates_then_updates(app, runner):
    result = runner.invoke(args=["create-moderator", "Anna@Example.org", "--password", "dlugie-haslo"])
    assert result.exit_code == 0 and "Created" in result.output
    result = runner.invoke(args=["create-moderator", "anna@example.org", "--password", "inne-haslo-2"])
    assert result.exit_code == 0 and "Updated" in result.output
    with app.app_context():
        assert accounts.authenticate("anna@example.org", "inne-haslo-2").email == "anna@example.org"


def test_create_moderator_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-moderator", "anna@example.org", "--password", "krotkie"])
    assert result.exit_code != 0 and "at least" in result.output


def test_db_upgrade_builds_the_schema_the_models_describe(tmp_path):
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'empty.db'}")
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {
            "panels",
            "breakout_rooms",
            "participants",
            "recommendations",
            "notes",
            "note_versions",
        } <= tables
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], "models changed without a migration: flask --app wsgi db migrate"
        db.engine.dispose()


def test_load_demo_loads_the_2021_panel_once(app, runner):
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    client = app.test_client()
    session = client.get("/api/v1/sessions/od-klienta-do-wspolgospodarza").get_json()
    assert session["title"].startswith("Od klienta do współgospodarza")
    assert session["moderator"]["name"] == "Anna Żelazowska-Kosiorek"
    assert [g["name"] for g in session["guests"]] == ["Magdalena Popłońska-Kowalska", "Grzegorz Zmarzły"]
    assert 3 <= len(session["rooms"]) <= 4
    assert session["starts_at"] == "2021-11-23T13:00:00+01:00"
    note = client.get("/api/v1/sessions/od-klienta-do-wspolgospodarza/note").get_json()
    assert note["version"] == 1 and "Ośrodkiem MOCy Społecznej" in note["summary"]
    assert len(client.get("/api/v1/sessions").get_json()["past"]) == 1


def test_a_database_url_needs_a_secret_key(tmp_path):
    class WithDatabase(TestingConfig):
        SECRET_KEY = None

    import pytest

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(WithDatabase, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'x.db'}")


def test_without_a_database_url_the_secret_key_is_generated_once(tmp_path, monkeypatch):
    class Embedded(TestingConfig):
        SECRET_KEY = None
        SQLALCHEMY_DATABASE_URI = None

    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    first = create_app(Embedded).config["SECRET_KEY"]
    assert create_app(Embedded).config["SECRET_KEY"] == first and len(first) >= 64
    assert (tmp_path / "hybrid_sessions.db").parent == tmp_path
