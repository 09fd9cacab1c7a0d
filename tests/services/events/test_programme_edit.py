"""Editing a programme in place (the form by ids, a file by position): people's places stay."""

import pytest

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Moderator
from hybrid_sessions.services.errors import Invalid
from hybrid_sessions.services.events import programme
from hybrid_sessions.services.events import registration as reg

from .helpers import event_input


@pytest.fixture
def organiser(ctx, make):
    return db.session.get(Moderator, make.moderator())


def _with_ids(event, data):
    """The input as the form sends it: each row with the id it edits."""
    for day, day_data in zip(event.days, data.days, strict=True):
        day_data.id = day.id
        for slot, slot_data in zip(day.slots, day_data.slots, strict=True):
            slot_data.id = slot.id
            for track, track_data in zip(slot.tracks, slot_data.tracks, strict=True):
                track_data.id = track.id
    return data


def test_tracks_swapped_on_the_form_keep_their_ids_and_people(organiser):
    event = programme.create_event(organiser, event_input(visit_capacity=5))
    visit = event.parallel_slots[1]
    small, big = visit.tracks
    registration, _token = reg.register(
        event, "Ewa", "ewa@example.org", "", "in_room", [(visit.id, small.id)]
    )
    data = _with_ids(event, event_input(visit_capacity=5))
    tracks = data.days[1].slots[0].tracks
    tracks.reverse()
    programme.update_event(organiser, event, data)
    db.session.expire_all()
    assert [t.id for t in event.parallel_slots[1].tracks] == [big.id, small.id]
    assert registration.choices[0].track.title == "Po sąsiedzku"


def test_an_import_below_the_confirmed_or_dropping_a_chosen_track_changes_nothing(organiser):
    event = programme.create_event(organiser, event_input(visit_capacity=5))
    visit = event.parallel_slots[1]
    for name in ("Ewa", "Jan"):
        reg.register(
            event, name, f"{name.lower()}@example.org", "", "in_room", [(visit.id, visit.tracks[1].id)]
        )
    lower = event_input(visit_capacity=5)
    lower.title = "Changed"
    lower.days[1].slots[0].tracks[1].capacity = 1
    with pytest.raises(
        programme.CapacityBelowConfirmed,
        match="2 people are confirmed in this track; the capacity cannot be lower",
    ) as refused:
        programme.import_event(lower, organiser)
    assert refused.value.path == "days.1.slots.0.tracks.1.capacity" and refused.value.confirmed == 2
    dropped = event_input(visit_capacity=5)
    dropped.days[1].slots[0].tracks.pop()
    with pytest.raises(programme.TrackInUse, match='people chose the track "Po prostu ZiK"'):
        programme.import_event(dropped, organiser)
    db.session.expire_all()
    assert event.title == "Organizowanie społeczności lokalnej"
    assert [t.capacity for t in event.parallel_slots[1].tracks] == [5, 20]


def test_an_id_from_another_event_is_refused(organiser):
    event = programme.create_event(organiser, event_input())
    other = programme.create_event(organiser, event_input(slug="inne"))
    data = _with_ids(event, event_input())
    data.days[0].slots[0].id = other.days[0].slots[0].id
    with pytest.raises(Invalid, match=r"days\.0\.slots\.0\.id: not part of this event"):
        programme.update_event(organiser, event, data)


def test_more_places_move_the_waiting_list_up_at_once(organiser):
    event = programme.create_event(organiser, event_input(visit_capacity=1))
    visit = event.parallel_slots[1]
    people = [
        reg.register(
            event, name, f"{name.lower()}@example.org", "", "in_room", [(visit.id, visit.tracks[0].id)]
        )[0]
        for name in ("Ewa", "Jan", "Ola")
    ]
    data = _with_ids(event, event_input(visit_capacity=2))
    moved = programme.update_event(organiser, event, data)
    assert [m.registration_id for m in moved] == [people[1].id]
    db.session.expire_all()
    assert [p.choices[0].status for p in people] == ["confirmed", "confirmed", "waitlisted"]
    assert event.parallel_slots[1].tracks[0].confirmed_count == 2
