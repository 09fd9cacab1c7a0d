"""Running the breakout phase: phases and the timer, the closed rule and its grace,
broadcasts, placement and moves, presence, anonymity, call links and editing."""

import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from hybrid_sessions.extensions import db
from hybrid_sessions.models import AuditEvent, Moderator, Panel, Participant
from hybrid_sessions.models.types import utcnow
from hybrid_sessions.services import (
    broadcasts,
    panels,
    participants,
    phases,
    placement,
    recommendations,
    session_edit,
)
from hybrid_sessions.services.errors import Closed, Forbidden, Invalid, NotFound, RoomFull
from hybrid_sessions.services.shapes import anonymised, panel_shape, rec_shape


@pytest.fixture
def mod(ctx, make):
    return db.session.get(Moderator, make.moderator())


def _panel(make, mod, **extra):
    slug, rooms = make.panel(mod.id, **extra)
    return panels.get_panel(slug), rooms


def _actions(panel):
    return list(
        db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.panel_id == panel.id).order_by(AuditEvent.id)
        )
    )


def _post(room_id, participant_id, queued_at=None, client_id=None):
    room = participants.get_room_by_id(room_id)
    return recommendations.post_recommendation(
        room, db.session.get(Participant, participant_id), client_id or str(uuid.uuid4()), "Ławki", queued_at
    )


# --- phases and time --------------------------------------------------------------------


def test_a_new_session_starts_with_rooms_open_unless_created_in_the_lobby(make, mod):
    panel, _ = _panel(make, mod)
    assert panel.phase == "rooms_open" and panel.rooms_close_at is None
    lobby, _ = _panel(make, mod, slug="lobby", phase="lobby")
    assert phases.effective_phase(lobby) == "lobby"
    with pytest.raises(Invalid, match="a new session starts in"):
        _panel(make, mod, slug="bad", phase="rooms_closed")


def test_the_timer_closes_the_rooms_when_its_time_passes_even_before_the_ticker(make, mod):
    panel, _ = _panel(make, mod)
    now = utcnow()
    phases.set_phase(panel, mod, "rooms_open", minutes=15, now=now)
    assert panel.rooms_close_at == now + timedelta(minutes=15)
    assert phases.effective_phase(panel, now + timedelta(minutes=14)) == "rooms_open"
    assert phases.effective_phase(panel, now + timedelta(minutes=15)) == "rooms_closed"
    # The ticker writes it down once, whoever runs it.
    assert phases.expire_due(now + timedelta(minutes=14)) == []
    assert [p.id for p in phases.expire_due(now + timedelta(minutes=16))] == [panel.id]
    assert phases.expire_due(now + timedelta(minutes=17)) == []
    db.session.refresh(panel)
    assert panel.phase == "rooms_closed" and panel.closed_at == now + timedelta(minutes=15)
    assert _actions(panel)[-2:] == ["session.phase", "session.phase"]


def test_extend_and_close_early(make, mod):
    panel, _ = _panel(make, mod)
    now = utcnow()
    phases.set_phase(panel, mod, "rooms_open", minutes=10, now=now)
    phases.set_phase(panel, mod, "rooms_open", extend_minutes=5, now=now + timedelta(minutes=1))
    assert panel.rooms_close_at == now + timedelta(minutes=15)
    # Opening again without a time keeps the running timer.
    phases.set_phase(panel, mod, "rooms_open", now=now + timedelta(minutes=2))
    assert panel.rooms_close_at == now + timedelta(minutes=15)
    phases.set_phase(panel, mod, "rooms_closed", now=now + timedelta(minutes=3))
    assert panel.phase == "rooms_closed" and panel.rooms_close_at is None
    assert panel.closed_at == now + timedelta(minutes=3)
    assert phases.phase_shape(panel)["rooms_close_at"] is None


def test_bad_phase_changes_are_refused(make, mod):
    panel, _ = _panel(make, mod)
    now = utcnow()
    for kwargs, message in (
        ({"phase": "open"}, "phase must be one of"),
        ({"phase": "rooms_closed", "minutes": 5}, "only rooms_open takes a closing time"),
        ({"phase": "rooms_open", "rooms_close_at": now - timedelta(seconds=1)}, "must be in the future"),
        ({"phase": "rooms_open", "minutes": 60 * 25}, "at most 24 hours"),
        ({"phase": "rooms_open", "minutes": 5, "extend_minutes": 5}, "not several"),
    ):
        with pytest.raises(Invalid, match=message):
            phases.set_phase(panel, mod, now=now, **kwargs)
    db.session.rollback()
    assert panel.phase == "rooms_open"


def test_posting_and_voting_are_closed_outside_rooms_open(make, mod):
    panel, (room, _) = _panel(make, mod, phase="lobby")
    ewa, _ = make.participant(panel.slug, room, "Ewa")
    jan, _ = make.participant(panel.slug, room, "Jan")
    with pytest.raises(Closed, match="not open yet"):
        _post(room, ewa)
    phases.set_phase(panel, mod, "rooms_open")
    rec, _ = _post(room, ewa)
    phases.set_phase(panel, mod, "rooms_closed")
    with pytest.raises(Closed, match="the rooms are closed"):
        _post(room, ewa)
    with pytest.raises(Closed, match="the rooms are closed"):
        recommendations.vote(rec.id, db.session.get(Participant, jan))
    # The author can still take a post back.
    recommendations.withdraw(rec.id, db.session.get(Participant, ewa))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(recommendations.Recommendation)) == 1


def test_grace_takes_posts_queued_before_the_close_for_a_while(make, mod):
    panel, (room, _) = _panel(make, mod)
    ewa, _ = make.participant(panel.slug, room, "Ewa")
    closed = utcnow()
    phases.set_phase(panel, mod, "rooms_closed", now=closed)
    before, after = closed - timedelta(seconds=30), closed + timedelta(seconds=1)
    # Queued before the close, arriving now (within the grace): taken.
    rec, created = _post(room, ewa, queued_at=before)
    assert created
    # Typed after the close: refused.
    with pytest.raises(Closed, match="the rooms are closed"):
        _post(room, ewa, queued_at=after)
    # Queued before, but arriving after the grace: refused (the page keeps the text).
    with pytest.raises(Closed, match="the rooms are closed"):
        phases.check_open(panel, before, now=closed + timedelta(seconds=phases.GRACE_SECONDS + 1))
    # A retry of a saved post is answered with it, whatever the phase.
    again, created = _post(room, ewa, client_id=rec.client_id)
    assert again.id == rec.id and not created


# --- broadcasts ---------------------------------------------------------------------------


def test_broadcast_is_stored_audited_and_the_latest_is_found(make, mod):
    panel, (room_a, room_b) = _panel(make, mod)
    first = broadcasts.send(panel, mod, "  Zostało 5 minut  ")
    assert first.text == "Zostało 5 minut" and first.room_id is None
    to_a = broadcasts.send(panel, mod, "Sala A: proszę o podsumowanie", room_a)
    assert broadcasts.latest(panel).id == first.id
    assert broadcasts.latest(panel, room_a).id == to_a.id
    assert broadcasts.latest(panel, room_b).id == first.id
    assert _actions(panel)[-2:] == ["session.broadcast", "session.broadcast"]
    for bad, message in (
        ("", "must not be empty"),
        ("   ", "must not be empty"),
        ("x" * 281, "at most 280 characters"),
        (5, "must be a string"),
    ):
        with pytest.raises(Invalid, match=message):
            broadcasts.send(panel, mod, bad)
    other, (foreign, _) = _panel(make, mod, slug="inny")
    with pytest.raises(NotFound, match="no such room in this session"):
        broadcasts.send(panel, mod, "Hej", foreign)
    assert panel_shape(panel, {}, None)["broadcast"]["text"] == "Zostało 5 minut"


# --- placement, moves, presence -------------------------------------------------------------


def test_balanced_places_in_the_room_with_most_free_places_spreading_both_kinds(make, mod):
    panel, (a, b) = _panel(make, mod, rooms=(("A", 4), ("B", 4)), assignment="balanced")
    placed = []
    for i, kind in enumerate(["in_room", "in_room", "remote", "remote", "in_room", "remote"]):
        p, _ = participants.join_panel(panel, f"P{i}", kind)
        placed.append((p.room_id, kind))
    counts = placement.presence(panel.id)
    assert counts[a] == placement.Presence(2, 1) or counts[a] == placement.Presence(1, 2)
    assert counts[a].total == counts[b].total == 3
    assert counts[a].in_room + counts[b].in_room == 3
    assert abs(counts[a].in_room - counts[b].in_room) <= 1
    participants.join_panel(panel, "X", "remote")
    participants.join_panel(panel, "Y", "remote")
    with pytest.raises(RoomFull, match="every room is full"):
        participants.join_panel(panel, "Z", "remote")


def test_balanced_prefers_more_free_places(make, mod):
    panel, (small, big) = _panel(make, mod, rooms=(("Mała", 2), ("Duża", 10)), assignment="balanced")
    rooms = [participants.join_panel(panel, f"P{i}", "remote")[0].room_id for i in range(3)]
    assert rooms == [big, big, big]


def test_moderator_placement_waits_unplaced_until_moved(make, mod):
    panel, (a, b) = _panel(make, mod, rooms=(("A", 1), ("B", None)), assignment="moderator")
    ewa, _ = participants.join_panel(panel, "Ewa", "in_room", a)  # a chosen room is ignored
    jan, _ = participants.join_panel(panel, "Jan", "remote")
    assert ewa.room_id is None and placement.unplaced_count(panel.id) == 2
    # They cannot place themselves.
    with pytest.raises(Forbidden, match="the moderator moves people"):
        participants.enter_room(ewa, participants.get_room_by_id(a))
    moved, did = placement.move(panel, mod, ewa.id, a)
    assert did and moved.room_id == a
    with pytest.raises(RoomFull, match="A is full"):
        placement.move(panel, mod, jan.id, a)
    placement.move(panel, mod, jan.id, b)
    assert placement.presence(panel.id) == {a: placement.Presence(1, 0), b: placement.Presence(0, 1)}
    assert placement.unplaced_count(panel.id) == 0
    assert _actions(panel).count("participant.move") == 2


def test_moves_work_in_self_mode_and_refuse_strangers(make, mod):
    panel, (a, b) = _panel(make, mod)
    ewa, _ = make.participant(panel.slug, a, "Ewa")
    moved, did = placement.move(panel, mod, ewa, b)
    assert did and moved.room_id == b
    assert placement.move(panel, mod, ewa, b)[1] is False
    other, (foreign, _) = _panel(make, mod, slug="inny")
    stranger, _ = make.participant(other.slug, foreign, "Obcy")
    with pytest.raises(NotFound, match="no such participant in this session"):
        placement.move(panel, mod, stranger, a)
    with pytest.raises(NotFound, match="no such room in this session"):
        placement.move(panel, mod, ewa, foreign)


# --- anonymity ------------------------------------------------------------------------------


def test_anonymous_hides_other_authors_names_but_not_ones_own(make, mod):
    panel, (room, _) = _panel(make, mod, anonymous=True)
    ewa, _ = make.participant(panel.slug, room, "Ewa")
    rec = rec_shape(db.session.get(recommendations.Recommendation, make.post(ewa, room)))
    assert anonymised(rec, viewer_id=ewa)["author"]["display_name"] == "Ewa"
    assert anonymised(rec, viewer_id=ewa + 1)["author"] == {"id": ewa, "display_name": None}
    assert rec["author"]["display_name"] == "Ewa"  # the moderators' copy is untouched


# --- links and editing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://meet.jit.si/x", "must be an https:// link"),
        ("javascript:alert(1)", "must be an https:// link"),
        ("https://", "must be an https:// link"),
        ("https://a b.pl/", "without spaces"),
        ("https://user:pw@zoom.us/j/1", "must not carry a user name or password"),
        ("ftp://x.pl", "must be an https:// link"),
        ("https://x.pl:99999/", "is not a valid link"),
        ("https://x.pl/" + "a" * 2000, "longer than 2000"),
    ],
)
def test_call_links_must_be_https(make, mod, url, message):
    panel, (room, _) = _panel(make, mod)
    change = session_edit.PanelChanges(rooms=[session_edit.RoomChange(room, {"call_url": url})])
    with pytest.raises(Invalid, match=message):
        session_edit.update_panel(mod, panel, change)


def test_a_call_link_is_trimmed(make, mod):
    panel, (room, _) = _panel(make, mod)
    change = session_edit.RoomChange(room, {"call_url": "  https://meet.jit.si/sala \n"})
    session_edit.update_panel(mod, panel, session_edit.PanelChanges(rooms=[change]))
    assert panel.rooms[0].call_url == "https://meet.jit.si/sala"


def test_editing_changes_fields_and_rooms_and_keeps_the_link(make, mod):
    panel, (a, b) = _panel(make, mod, rooms=(("A", 5), ("B", None)))
    make.participant(panel.slug, a, "Ewa")
    make.participant(panel.slug, a, "Jan")
    changes = session_edit.PanelChanges(
        fields={
            "title": "Nowy tytuł",
            "stream_url": "https://youtube.com/live/x",
            "assignment": "balanced",
            "anonymous": True,
        },
        rooms=[
            session_edit.RoomChange(
                a, {"name": "Sala A2", "capacity": 2, "call_url": "https://meet.jit.si/a"}
            ),
            session_edit.RoomChange(None, {"name": "Sala C", "capacity": 3}),
        ],
    )
    session_edit.update_panel(mod, panel, changes)
    db.session.refresh(panel)
    assert (panel.slug, panel.title, panel.assignment, panel.anonymous) == (
        "panel",
        "Nowy tytuł",
        "balanced",
        True,
    )
    assert [(r.name, r.capacity, r.call_url) for r in panel.rooms] == [
        ("Sala A2", 2, "https://meet.jit.si/a"),
        ("B", None, ""),
        ("Sala C", 3, ""),
    ]
    assert _actions(panel)[-1] == "session.edit"


def test_editing_refuses_capacity_below_the_people_in_and_changes_nothing(make, mod):
    panel, (a, b) = _panel(make, mod, rooms=(("A", 5), ("B", None)))
    make.participant(panel.slug, a, "Ewa")
    make.participant(panel.slug, a, "Jan")
    changes = session_edit.PanelChanges(
        fields={"title": "Zmieniony"}, rooms=[session_edit.RoomChange(a, {"capacity": 1})]
    )
    with pytest.raises(Invalid, match="already has 2 people"):
        session_edit.update_panel(mod, panel, changes)
    panel = panels.get_panel("panel")
    assert panel.title != "Zmieniony" and panel.rooms[0].capacity == 5
    with pytest.raises(Invalid, match="slug cannot be edited"):
        session_edit.update_panel(mod, panel, session_edit.PanelChanges(fields={"slug": "inny-link"}))
    with pytest.raises(NotFound, match="no room 999"):
        session_edit.update_panel(
            mod, panel, session_edit.PanelChanges(rooms=[session_edit.RoomChange(999, {})])
        )


def test_the_session_object_carries_the_new_fields(make, mod):
    panel, (a, b) = _panel(make, mod, stream_url="https://youtube.com/live/x", assignment="moderator")
    make.participant(panel.slug, None, "Ewa", "in_room")
    placement.move(panel, mod, db.session.scalar(sa.select(Participant.id)), a)
    shape = panel_shape(panel, panels.room_counts(panel.id), None)
    assert shape["phase"] == "rooms_open" and shape["rooms_close_at"] is None
    assert shape["stream_url"] == "https://youtube.com/live/x"
    assert (shape["assignment"], shape["anonymous"], shape["unplaced_count"]) == ("moderator", False, 0)
    assert shape["rooms"][0]["in_room_count"] == 1 and shape["rooms"][0]["remote_count"] == 0
    assert shape["rooms"][0]["call_url"] is None
    assert shape["server_time"]
    assert Panel.PHASES == ("lobby", "rooms_open", "rooms_closed", "published")
