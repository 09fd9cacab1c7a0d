"""Merging recommendations into the note, editing it, and publishing versions."""

import pytest
import sqlalchemy as sa

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Moderator, NoteItem, NoteItemSource, Participant
from hybrid_sessions.services import notes, panels, recommendations
from hybrid_sessions.services.errors import AlreadyMerged, Conflict, Invalid, NotFound


@pytest.fixture
def posts(ctx, make, scenario):
    """Ewa and Ola said the same thing in two rooms; Jan +1-ed Ewa's post."""
    ewa = make.post(scenario["ewa"][0], scenario["room_a"], "Dłuższe godziny otwarcia")
    ola = make.post(scenario["ola"][0], scenario["room_b"], "Otwarte wieczorami")
    recommendations.vote(ewa, db.session.get(Participant, scenario["jan"][0]))
    return {
        **scenario,
        "panel": panels.get_panel(scenario["slug"]),
        "ewa_rec": ewa,
        "ola_rec": ola,
        "actor": db.session.get(Moderator, scenario["moderator"]),
    }


def _shape(s):
    return notes.current_note_shape(s["panel"])


def test_merge_from_two_rooms_keeps_sources_and_counts_distinct_supporters(posts):
    s = posts
    item = notes.merge_into_note(
        s["panel"], [s["ewa_rec"], s["ola_rec"]], "Elastyczne godziny", "Sposoby", s["actor"]
    )
    note = _shape(s)
    [section] = note["sections"]
    [shaped] = section["items"]
    assert section["title"] == "Sposoby" and shaped["id"] == item.id
    assert {src["room_id"] for src in shaped["sources"]} == {s["room_a"], s["room_b"]}
    # Ewa (author), Jan (+1) and Ola (author): three distinct people.
    assert shaped["support"] == 3


def test_support_counts_a_person_once_even_behind_several_sources(posts, make):
    s = posts
    second = make.post(s["jan"][0], s["room_a"], "Wieczory!")
    recommendations.vote(second, db.session.get(Participant, s["ewa"][0]))
    notes.merge_into_note(s["panel"], [s["ewa_rec"], second], "Wieczory", "Sposoby", s["actor"])
    assert _shape(s)["sections"][0]["items"][0]["support"] == 2  # Ewa and Jan


def test_a_recommendation_goes_into_one_item_only(posts):
    s = posts
    notes.merge_into_note(s["panel"], [s["ewa_rec"]], "Pierwsze", "A", s["actor"])
    with pytest.raises(AlreadyMerged, match="a recommendation is already in a note item"):
        notes.merge_into_note(s["panel"], [s["ola_rec"], s["ewa_rec"]], "Drugie", "A", s["actor"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NoteItem)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NoteItemSource)) == 1


def test_a_stale_version_is_a_conflict_carrying_the_current_note(posts):
    s = posts
    seen = _shape(s)["version"]
    notes.merge_into_note(s["panel"], [s["ewa_rec"]], "Pierwszy", "A", s["actor"], seen)
    with pytest.raises(Conflict, match="someone changed the note first") as raised:
        notes.merge_into_note(s["panel"], [s["ola_rec"]], "Drugi", "A", s["actor"], seen)
    current = raised.value.extra["note"]
    assert current["version"] == seen + 1
    assert [i["text"] for i in current["sections"][0]["items"]] == ["Pierwszy"]


def test_every_change_bumps_the_version(posts):
    s = posts
    v0 = _shape(s)["version"]
    item = notes.merge_into_note(s["panel"], [s["ewa_rec"]], "Tekst", "A", s["actor"])
    notes.edit_item(s["panel"], item.id, s["actor"], text="Nowy tekst")
    notes.set_summary(s["panel"], "Podsumowanie", s["actor"])
    assert _shape(s)["version"] == v0 + 3


def test_removing_an_item_frees_its_recommendations(posts):
    s = posts
    item = notes.merge_into_note(s["panel"], [s["ewa_rec"]], "Tekst", "A", s["actor"])
    notes.remove_item(s["panel"], item.id, s["actor"])
    again = notes.merge_into_note(s["panel"], [s["ewa_rec"]], "Jeszcze raz", "A", s["actor"])
    assert [i["id"] for i in _shape(s)["sections"][0]["items"]] == [again.id]


def test_edit_rewords_and_moves_to_a_new_or_existing_section(posts):
    s = posts
    item = notes.merge_into_note(s["panel"], [s["ewa_rec"]], "Tekst", "Kultura", s["actor"])
    notes.edit_item(s["panel"], item.id, s["actor"], text="Lepszy tekst", section="Pomoc społeczna")
    note = _shape(s)
    assert [(sec["title"], [i["text"] for i in sec["items"]]) for sec in note["sections"]] == [
        ("Kultura", []),
        ("Pomoc społeczna", ["Lepszy tekst"]),
    ]


def test_sections_match_by_title_ignoring_case(posts):
    s = posts
    notes.merge_into_note(s["panel"], [s["ewa_rec"]], "Jeden", "Sposoby", s["actor"])
    notes.merge_into_note(s["panel"], [s["ola_rec"]], "Dwa", "sposoby", s["actor"])
    assert len(_shape(s)["sections"]) == 1


def test_items_and_sections_can_be_reordered(posts):
    s = posts
    a = notes.merge_into_note(s["panel"], [], "A", "Pierwsza", s["actor"])
    b = notes.merge_into_note(s["panel"], [], "B", "Pierwsza", s["actor"])
    notes.merge_into_note(s["panel"], [], "C", "Druga", s["actor"])
    notes.move_item(s["panel"], b.id, 0, s["actor"])
    second = _shape(s)["sections"][1]["id"]
    notes.move_section(s["panel"], second, 0, s["actor"])
    notes.move_item(s["panel"], a.id, 99, s["actor"], section_id=second)
    note = _shape(s)
    assert [(sec["title"], [i["text"] for i in sec["items"]]) for sec in note["sections"]] == [
        ("Druga", ["C", "A"]),
        ("Pierwsza", ["B"]),
    ]


def test_a_section_with_items_is_not_deleted(posts):
    s = posts
    notes.merge_into_note(s["panel"], [], "A", "Pierwsza", s["actor"])
    section = _shape(s)["sections"][0]["id"]
    with pytest.raises(Invalid, match="move or remove this section's items first"):
        notes.delete_section(s["panel"], section, s["actor"])
    notes.rename_section(s["panel"], section, "Nowa nazwa", s["actor"])
    assert _shape(s)["sections"][0]["title"] == "Nowa nazwa"


@pytest.mark.parametrize(
    "ids, text, section, error, message",
    [
        ("1", "t", "s", Invalid, "recommendation_ids must be a list of ids"),
        ([1, 1], "t", "s", Invalid, "recommendation_ids lists an id twice"),
        ([True], "t", "s", Invalid, "recommendation_ids must be a list of ids"),
        ([999999], "t", "s", NotFound, "a recommendation is not in this session"),
        ([], "", "s", Invalid, "text must not be empty"),
        ([], "t", "   ", Invalid, "section must not be empty"),
        ([], "x" * 2001, "s", Invalid, "text must be at most 2000 characters"),
    ],
)
def test_bad_merges_change_nothing(posts, ids, text, section, error, message):
    s = posts
    before = _shape(s)
    with pytest.raises(error, match=message):
        notes.merge_into_note(s["panel"], ids, text, section, s["actor"])
    assert _shape(s) == before


def test_withdrawn_or_foreign_recommendations_are_not_merged(posts, make):
    s = posts
    recommendations.withdraw(s["ola_rec"], db.session.get(Participant, s["ola"][0]))
    with pytest.raises(Invalid, match="a withdrawn recommendation cannot be merged"):
        notes.merge_into_note(s["panel"], [s["ola_rec"]], "t", "s", s["actor"])
    other_slug, (other_room, _) = make.panel(s["moderator"], slug="inny")
    stranger, _ = make.participant(other_slug, other_room)
    foreign = make.post(stranger, other_room)
    with pytest.raises(NotFound, match="a recommendation is not in this session"):
        notes.merge_into_note(s["panel"], [foreign], "t", "s", s["actor"])


def test_publishing_freezes_versions_and_names_no_participant(posts):
    s = posts
    item = notes.merge_into_note(s["panel"], [s["ewa_rec"], s["ola_rec"]], "Wieczory", "Sposoby", s["actor"])
    notes.merge_into_note(s["panel"], [], "Pusta sekcja zostaje w szkicu", "Szkic", s["actor"])
    notes.remove_item(
        s["panel"], notes.current_note_shape(s["panel"])["sections"][1]["items"][0]["id"], s["actor"]
    )
    first = notes.publish_note(s["panel"], s["actor"])
    notes.edit_item(s["panel"], item.id, s["actor"], text="Zmienione później")
    second = notes.publish_note(s["panel"], s["actor"])
    assert (first.number, second.number) == (1, 2)
    v1 = notes.get_published(s["panel"], 1).content
    assert v1["sections"][0]["items"][0]["text"] == "Wieczory"
    assert [sec["title"] for sec in v1["sections"]] == ["Sposoby"]  # the empty one is left out
    assert notes.get_published(s["panel"]).number == 2
    for name in ("Ewa", "Jan", "Ola"):
        assert name not in repr(v1)


def test_the_note_is_not_published_until_it_is(posts):
    with pytest.raises(NotFound, match="the note has not been published"):
        notes.get_published(posts["panel"])
