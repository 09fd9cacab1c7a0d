"""Registration rules without Flask: capacity, waiting lists in order, moves, erasure."""

from datetime import UTC, datetime, timedelta

import pytest

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Moderator, Registration
from hybrid_sessions.services.errors import Conflict, Invalid, Unauthorized
from hybrid_sessions.services.events import programme
from hybrid_sessions.services.events import registration as reg

from .helpers import event_input


@pytest.fixture
def event(ctx, make):
    moderator = db.session.get(Moderator, make.moderator())
    return programme.create_event(moderator, event_input())


def _visit(event):
    slot = event.parallel_slots[1]
    return slot, slot.tracks[0], slot.tracks[1]


def _sign_up(event, name, track=None):
    slot, small, _ = _visit(event)
    registration, token = reg.register(
        event, name, f"{name.lower()}@example.org", "MOPS", "in_room", [(slot.id, (track or small).id)]
    )
    return registration, token


def _status(registration):
    db.session.refresh(registration)
    return [c.status for c in registration.choices]


def test_a_full_track_puts_the_choice_on_its_waiting_list_in_order(event):
    ewa, _ = _sign_up(event, "Ewa")
    jan, _ = _sign_up(event, "Jan")
    ola, _ = _sign_up(event, "Ola")
    piotr, _ = _sign_up(event, "Piotr")
    assert [_status(r) for r in (ewa, jan, ola, piotr)] == [
        ["confirmed"],
        ["confirmed"],
        ["waitlisted"],
        ["waitlisted"],
    ]
    assert [reg.waitlist_position(ola.choices[0]), reg.waitlist_position(piotr.choices[0])] == [1, 2]
    shape = programme.event_shape(event)
    track = shape["days"][1]["slots"][0]["tracks"][0]
    assert (track["confirmed"], track["waitlisted"], track["places_left"]) == (2, 2, 0)


def test_cancelling_moves_the_first_waitlisted_up_at_once(event):
    ewa, _ = _sign_up(event, "Ewa")
    _sign_up(event, "Jan")
    ola, _ = _sign_up(event, "Ola")
    piotr, _ = _sign_up(event, "Piotr")
    moved = reg.cancel(ewa)
    assert [m.registration_id for m in moved] == [ola.id]
    assert _status(ola) == ["confirmed"]
    assert _status(piotr) == ["waitlisted"]
    assert reg.waitlist_position(piotr.choices[0]) == 1
    assert _status(ewa) == ["cancelled"]
    _, small, _ = _visit(event)
    db.session.refresh(small)
    assert small.confirmed_count == 2


def test_changing_a_choice_gives_the_place_away_and_joins_the_end_of_the_new_list(event):
    slot, small, big = _visit(event)
    ewa, _ = _sign_up(event, "Ewa")
    _sign_up(event, "Jan")
    ola, _ = _sign_up(event, "Ola")
    reg.change_choices(ewa, [(slot.id, big.id)])
    assert _status(ewa) == ["confirmed"]
    assert _status(ola) == ["confirmed"]
    # Back to the full track: the end of its waiting list, not the old place.
    piotr, _ = _sign_up(event, "Piotr")
    reg.change_choices(ewa, [(slot.id, small.id)])
    assert _status(ewa) == ["waitlisted"]
    assert reg.waitlist_position(ewa.choices[0]) == 2
    assert _status(piotr) == ["waitlisted"]


def test_keeping_a_choice_keeps_its_turn(event):
    slot, small, _ = _visit(event)
    _sign_up(event, "Ewa")
    _sign_up(event, "Jan")
    ola, _ = _sign_up(event, "Ola")
    _sign_up(event, "Piotr")
    reg.change_choices(ola, [(slot.id, small.id)])
    assert reg.waitlist_position(ola.choices[0]) == 1


def test_the_organiser_moves_a_person_only_into_a_free_place(event):
    slot, small, big = _visit(event)
    ewa, _ = _sign_up(event, "Ewa", big)
    _sign_up(event, "Jan")
    _sign_up(event, "Ola")
    with pytest.raises(reg.TrackFull, match="Po sąsiedzku has no free place"):
        reg.move(ewa, slot.id, small.id)
    assert [(c.track_id, c.status) for c in ewa.choices] == [(big.id, "confirmed")]
    jan = db.session.scalar(db.select(Registration).where(Registration.name == "Jan"))
    reg.move(jan, slot.id, big.id)
    # Jan's place in the small visit went to Ola, the first waiting.
    ola = db.session.scalar(db.select(Registration).where(Registration.name == "Ola"))
    assert _status(ola) == ["confirmed"]


def test_after_the_deadline_registration_is_closed(ctx, make):
    moderator = db.session.get(Moderator, make.moderator())
    event = programme.create_event(moderator, event_input(closes_at=datetime.now(UTC) - timedelta(minutes=1)))
    with pytest.raises(reg.Closed, match="registration for this event is closed"):
        reg.register(event, "Ewa", "ewa@example.org", "", "remote", [])
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 0


def test_bad_choices_change_nothing(event):
    slot, small, _ = _visit(event)
    other = event.parallel_slots[0]
    with pytest.raises(Invalid, match=r"choices\.0\.track_id: no such track in this slot"):
        reg.register(event, "Ewa", "ewa@example.org", "", "remote", [(slot.id, other.tracks[0].id)])
    with pytest.raises(Invalid, match=r"choices\.1: one choice per slot"):
        reg.register(
            event, "Ewa", "ewa@example.org", "", "remote", [(slot.id, small.id), (slot.id, small.id)]
        )
    with pytest.raises(Invalid, match="email is not an email address"):
        reg.register(event, "Ewa", "not-an-email", "", "remote", [])
    assert db.session.scalar(db.select(db.func.count()).select_from(Registration)) == 0
    db.session.refresh(small)
    assert small.confirmed_count == 0


def test_check_in_by_code_and_erasure(event):
    ewa, token = _sign_up(event, "Ewa")
    ola, _ = _sign_up(event, "Ola")
    _sign_up(event, "Jan")
    _sign_up(event, "Piotr")
    assert reg.check_in(event, ewa.code.lower()).checked_in_at is not None
    reg.erase(ola)
    assert (ola.name, ola.email, ola.organisation) == ("", "", "")
    assert _status(ola) == ["cancelled"]
    with pytest.raises(Unauthorized, match="no registration for this token"):
        reg.registration_for_token(event, "hse_wrong")
    assert reg.registration_for_token(event, token).id == ewa.id
    assert [r.name for r in reg.registrations(event)] == ["Ewa", "Jan", "Piotr"]
    with pytest.raises(Conflict, match="this registration is cancelled"):
        reg.check_in(event, ola.id)


def test_importing_again_updates_by_slug_and_keeps_registrations(event):
    ewa, _ = _sign_up(event, "Ewa")
    data = event_input(visit_capacity=5)
    data.title = "Nowy tytuł"
    again, created = programme.import_event(data)
    assert not created and again.id == event.id and again.title == "Nowy tytuł"
    _, small, _ = _visit(again)
    assert small.capacity == 5 and ewa.choices[0].track_id == small.id
    assert db.session.scalar(db.select(db.func.count()).select_from(type(event))) == 1


def test_one_active_registration_per_email_and_cancelling_frees_it(event):
    ewa, _ = _sign_up(event, "Ewa")
    with pytest.raises(reg.AlreadyRegistered, match="this email is already registered for this event"):
        _sign_up(event, "Ewa")
    reg.cancel(ewa)
    again, _ = _sign_up(event, "Ewa")
    assert _status(again) == ["confirmed"]
