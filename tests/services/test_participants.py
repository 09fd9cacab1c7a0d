"""Joining without an account, room capacity, and the tokens participants get."""

import pytest
import sqlalchemy as sa

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Participant
from hybrid_sessions.services import accounts, panels, participants
from hybrid_sessions.services.errors import Invalid, NotFound, RoomFull


def test_join_places_the_participant_and_stores_only_a_hash_of_the_token(ctx, make):
    slug, (room, _) = make.panel(make.moderator())
    participant, token = participants.join_panel(panels.get_panel(slug), " Zoś ", "in_room", room)
    assert participant.display_name == "Zoś" and participant.room_id == room
    assert token not in participant.token_hash
    # 256 random bits, URL-safe base64 after the prefix.
    assert len(token.split("_", 1)[1]) >= 43
    assert accounts.participant_for_token(token).id == participant.id


def test_tokens_are_unique(ctx, make):
    slug, (room, _) = make.panel(make.moderator())
    panel = panels.get_panel(slug)
    tokens = {participants.join_panel(panel, f"P{i}", "remote", room)[1] for i in range(20)}
    assert len(tokens) == 20


def test_a_full_room_refuses_and_writes_nothing(ctx, make):
    slug, (small, big) = make.panel(make.moderator(), rooms=(("Wizyta", 2), ("Sala", None)))
    panel = panels.get_panel(slug)
    participants.join_panel(panel, "A", "remote", small)
    participants.join_panel(panel, "B", "remote", small)
    with pytest.raises(RoomFull, match=r"Wizyta is full \(2 places\)"):
        participants.join_panel(panel, "C", "remote", small)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 2
    assert panels.room_counts(panel.id) == {small: 2}


def test_moving_rooms_respects_capacity_but_returning_to_ones_own_room_works(ctx, make):
    slug, (small, big) = make.panel(make.moderator(), rooms=(("Wizyta", 1), ("Sala", None)))
    panel = panels.get_panel(slug)
    first, _ = participants.join_panel(panel, "A", "remote", small)
    second, _ = participants.join_panel(panel, "B", "remote", big)
    with pytest.raises(RoomFull, match=r"Wizyta is full \(1 places\)"):
        participants.enter_room(second, participants.get_panel_room(panel, small))
    assert participants.enter_room(first, participants.get_panel_room(panel, small)) == (False, None)
    moved, left = participants.enter_room(first, participants.get_panel_room(panel, big))
    assert moved and left.id == small
    assert panels.room_counts(panel.id) == {big: 2}


@pytest.mark.parametrize(
    "name, attendance, message",
    [
        ("", "remote", "display_name must not be empty"),
        ("x" * 61, "remote", "display_name must be at most 60 characters"),
        ("Ewa", "online", 'attendance must be "remote" or "in_room"'),
        (None, "remote", "display_name must be a string"),
        ("Ewa", None, 'attendance must be "remote" or "in_room"'),
    ],
)
def test_bad_join_details_are_refused(ctx, make, name, attendance, message):
    slug, _ = make.panel(make.moderator())
    with pytest.raises(Invalid, match=message):
        participants.join_panel(panels.get_panel(slug), name, attendance)


def test_a_room_of_another_session_is_not_found(ctx, make):
    moderator = make.moderator()
    slug, _ = make.panel(moderator)
    _, (foreign, _) = make.panel(moderator, slug="inny")
    with pytest.raises(NotFound, match="no such room in this session"):
        participants.join_panel(panels.get_panel(slug), "Ewa", "remote", foreign)
