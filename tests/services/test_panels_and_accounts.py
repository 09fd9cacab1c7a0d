"""Creating sessions, moderator accounts and tokens."""

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Moderator
from hybrid_sessions.services import accounts, panels
from hybrid_sessions.services.errors import Conflict, Invalid, Unauthorized
from hybrid_sessions.services.markdown_export import escape

START = datetime(2021, 11, 23, 13, 0, tzinfo=timezone(timedelta(hours=1)))


def _input(**changes):
    data = dict(
        title="Od klienta do współgospodarza. Jak przejść?",
        starts_at=START,
        ends_at=START + timedelta(minutes=90),
        rooms=[panels.RoomInput("Kultura")],
    )
    data.update(changes)
    return panels.PanelInput(**data)


def _actor(make):
    return db.session.get(Moderator, make.moderator())


def test_slug_is_made_from_a_polish_title_and_kept_unique(ctx, make):
    actor = _actor(make)
    first = panels.create_panel(actor, _input())
    second = panels.create_panel(actor, _input())
    assert first.slug == "od-klienta-do-wspolgospodarza-jak-przejsc"
    assert second.slug == "od-klienta-do-wspolgospodarza-jak-przejsc-2"
    assert panels.slugify("Łódź — Żółć") == "lodz-zolc"


def test_a_given_slug_that_is_taken_is_a_conflict(ctx, make):
    actor = _actor(make)
    panels.create_panel(actor, _input(slug="panel"))
    with pytest.raises(Conflict, match="the slug 'panel' is taken"):
        panels.create_panel(actor, _input(slug="panel"))


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"ends_at": START}, "ends_at must be after starts_at"),
        ({"rooms": []}, "a session needs at least one breakout room"),
        ({"title": "  "}, "title must not be empty"),
        ({"slug": "Nie Slug!"}, "slug may hold only a-z, 0-9 and single dashes"),
        ({"timezone": "Mars/Olympus"}, "timezone is not a known IANA timezone"),
        ({"starts_at": datetime(2021, 11, 23, 13, 0)}, "times need an offset"),
        ({"rooms": [panels.RoomInput("A", capacity=0)]}, "capacity must be between 1 and 10000"),
        ({"co_moderators": ["nobody@example.org"]}, "no moderator account for nobody@example.org"),
    ],
)
def test_invalid_sessions_are_refused(ctx, make, changes, message):
    with pytest.raises(Invalid, match=re.escape(message)):
        panels.create_panel(_actor(make), _input(**changes))


def test_the_creator_and_co_moderators_moderate_the_session(ctx, make):
    actor = _actor(make)
    other = db.session.get(Moderator, make.moderator("druga@example.org"))
    outsider = db.session.get(Moderator, make.moderator("obcy@example.org"))
    panel = panels.create_panel(actor, _input(co_moderators=["DRUGA@example.org"]))
    assert panels.can_moderate(actor, panel) and panels.can_moderate(other, panel)
    assert not panels.can_moderate(outsider, panel)


def test_times_keep_their_offset_in_the_sessions_timezone(ctx, make):
    panel = panels.create_panel(_actor(make), _input())
    from hybrid_sessions.services.shapes import panel_shape

    assert panel_shape(panel, {}, None)["starts_at"] == "2021-11-23T13:00:00+01:00"


def test_upcoming_and_past_sessions(ctx, make):
    actor = _actor(make)
    past = panels.create_panel(actor, _input(slug="dawny"))
    soon = datetime.now(UTC) + timedelta(days=2)
    future = panels.create_panel(
        actor, _input(slug="nowy", starts_at=soon, ends_at=soon + timedelta(hours=1))
    )
    upcoming, done = panels.list_panels(datetime.now(UTC))
    assert [p.slug for p in upcoming] == [future.slug] and [p.slug for p in done] == [past.slug]


def test_moderator_accounts_authenticate_and_can_be_disabled(ctx):
    moderator, created = accounts.create_or_update_moderator("Anna@Example.org", "dlugie-haslo")
    assert created and moderator.email == "anna@example.org"
    assert accounts.authenticate("anna@example.org", "dlugie-haslo").id == moderator.id
    with pytest.raises(Unauthorized, match="wrong email or password"):
        accounts.authenticate("anna@example.org", "zle-haslo")
    token = accounts.issue_moderator_token(moderator)
    assert accounts.moderator_for_token(token).id == moderator.id
    accounts.set_moderator_active("anna@example.org", False)
    with pytest.raises(Unauthorized, match="wrong email or password"):
        accounts.authenticate("anna@example.org", "dlugie-haslo")
    assert accounts.moderator_for_token(token) is None
    _, created_again = accounts.create_or_update_moderator("anna@example.org", "nowe-haslo-1")
    assert not created_again
    assert accounts.authenticate("anna@example.org", "nowe-haslo-1")


@pytest.mark.parametrize("password", ["", "short", None])
def test_weak_passwords_are_refused(ctx, password):
    with pytest.raises(Invalid, match="password must be at least 8 characters"):
        accounts.create_or_update_moderator("a@example.org", password)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("# Nagłówek", "\\# Nagłówek"),
        ("[klik](javascript:alert(1))", "\\[klik\\](javascript:alert(1))"),
        ("<script>alert(1)</script>", "\\<script\\>alert(1)\\</script\\>"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("**gruby** i _kursywa_", "\\*\\*gruby\\*\\* i \\_kursywa\\_"),
        ("1. lista", "1\\. lista"),
        ("linia\n\n# druga", "linia # druga"),
        ("zwykły tekst, z kropką. I (nawiasem).", "zwykły tekst, z kropką. I (nawiasem)."),
    ],
)
def test_markdown_export_escapes_user_text_into_plain_text(text, expected):
    assert escape(text) == expected
