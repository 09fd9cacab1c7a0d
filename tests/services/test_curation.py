"""Curation rules without Flask requests: undo/redo, late duplicates, restoring a published
version, merge suggestions, dismissals, similar posts and the raw-input CSV."""

import csv
import io

import pytest

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Moderator, Participant
from hybrid_sessions.services import curation, note_history, notes, panels, privacy, recommendations
from hybrid_sessions.services.errors import AlreadyMerged, Conflict, Invalid, NotFound
from hybrid_sessions.services.shapes import note_shape


@pytest.fixture
def curate(ctx, make, scenario):
    """The scenario's session with posts from both rooms, some saying the same thing."""
    ewa, jan, ola = scenario["ewa"][0], scenario["jan"][0], scenario["ola"][0]
    texts = {
        "a1": (ewa, scenario["room_a"], "Więcej szkoleń dla pracowników socjalnych"),
        "b1": (ola, scenario["room_b"], "wiecej szkolen dla pracownikow socjalnych!"),
        "a2": (jan, scenario["room_a"], "Wspólne planowanie budżetu z mieszkańcami"),
        "b2": (ola, scenario["room_b"], "Wspolne planowanie budzetu z mieszkancami"),
        "a3": (ewa, scenario["room_a"], "Kawa dla wolontariuszy"),
    }
    ids = {key: make.post(pid, room, text) for key, (pid, room, text) in texts.items()}
    return {
        "panel": panels.get_panel(scenario["slug"]),
        "actor": db.session.get(Moderator, scenario["moderator"]),
        "ids": ids,
        "scenario": scenario,
    }


def _items(panel):
    note = notes.get_or_create_note(panel)
    db.session.refresh(note)
    shape = note_shape(note, panel.slug, None)
    return [
        (s["title"], i["text"], sorted(x["recommendation_id"] for x in i["sources"]))
        for s in shape["sections"]
        for i in s["items"]
    ]


def test_undo_and_redo_walk_back_and_forth_through_every_kind_of_change(curate):
    panel, actor, ids = curate["panel"], curate["actor"], curate["ids"]
    item = notes.merge_into_note(panel, [ids["a1"], ids["b1"]], "Szkolenia", "Narzędzia", actor)
    notes.edit_item(panel, item.id, actor, text="Szkolenia dla kadry")
    notes.set_summary(panel, "Podsumowanie", actor)
    after_all = _items(panel)
    assert after_all == [("Narzędzia", "Szkolenia dla kadry", sorted([ids["a1"], ids["b1"]]))]

    notes.undo(panel, actor)  # the summary
    assert notes.get_or_create_note(panel).summary == ""
    notes.undo(panel, actor)  # the edit
    assert _items(panel) == [("Narzędzia", "Szkolenia", sorted([ids["a1"], ids["b1"]]))]
    notes.undo(panel, actor)  # the merge: the posts are free again
    assert _items(panel) == []
    assert curation.merged_ids(panel) == set()
    with pytest.raises(NotFound, match="nothing to undo"):
        notes.undo(panel, actor)

    for _ in range(3):
        notes.redo(panel, actor)
    assert _items(panel) == after_all
    assert notes.get_or_create_note(panel).summary == "Podsumowanie"
    with pytest.raises(NotFound, match="nothing to redo"):
        notes.redo(panel, actor)


def test_a_new_change_after_undo_ends_redo(curate):
    panel, actor, ids = curate["panel"], curate["actor"], curate["ids"]
    notes.merge_into_note(panel, [ids["a1"]], "Szkolenia", "Narzędzia", actor)
    notes.undo(panel, actor)
    assert note_history.available(notes.get_or_create_note(panel).id) == {"undo": None, "redo": "merge"}
    notes.merge_into_note(panel, [ids["a2"]], "Budżet", "Narzędzia", actor)
    assert note_history.available(notes.get_or_create_note(panel).id) == {"undo": "merge", "redo": None}
    with pytest.raises(NotFound, match="nothing to redo"):
        notes.redo(panel, actor)


def test_undo_of_a_removal_brings_the_item_back_with_its_sources_and_support(curate):
    panel, actor, ids = curate["panel"], curate["actor"], curate["ids"]
    item = notes.merge_into_note(panel, [ids["a1"], ids["b1"]], "Szkolenia", "Narzędzia", actor)
    before = note_shape(notes.get_or_create_note(panel), panel.slug, None)["sections"][0]["items"][0]
    notes.remove_item(panel, item.id, actor)
    notes.undo(panel, actor)
    restored = note_shape(notes.get_or_create_note(panel), panel.slug, None)["sections"][0]["items"][0]
    assert restored["text"] == before["text"]
    assert restored["sources"] == before["sources"]
    assert restored["support"] == before["support"] == 2
    # The restored item still holds its posts: merging them again is refused.
    with pytest.raises(AlreadyMerged, match="a recommendation is already in a note item"):
        notes.merge_into_note(panel, [ids["a1"]], "x", "Narzędzia", actor)


def test_undo_keeps_the_optimistic_lock(curate):
    panel, actor, ids = curate["panel"], curate["actor"], curate["ids"]
    notes.merge_into_note(panel, [ids["a1"]], "Szkolenia", "Narzędzia", actor)
    stale = notes.get_or_create_note(panel).revision - 1
    with pytest.raises(Conflict, match="someone changed the note first"):
        notes.undo(panel, actor, expected_version=stale)
    assert len(_items(panel)) == 1


def test_history_keeps_the_last_fifty_changes(curate):
    panel, actor = curate["panel"], curate["actor"]
    for n in range(note_history.HISTORY_LIMIT + 5):
        notes.set_summary(panel, f"wersja {n}", actor)
    for _ in range(note_history.HISTORY_LIMIT):
        notes.undo(panel, actor)
    assert notes.get_or_create_note(panel).summary == "wersja 4"
    with pytest.raises(NotFound, match="nothing to undo"):
        notes.undo(panel, actor)


def test_a_late_duplicate_joins_an_existing_item(curate):
    panel, actor, ids = curate["panel"], curate["actor"], curate["ids"]
    item = notes.merge_into_note(panel, [ids["a1"]], "Szkolenia", "Narzędzia", actor)
    notes.add_to_item(panel, item.id, [ids["b1"]], actor)
    (entry,) = note_shape(notes.get_or_create_note(panel), panel.slug, None)["sections"][0]["items"]
    assert entry["text"] == "Szkolenia"
    assert {s["room_id"] for s in entry["sources"]} == {
        curate["scenario"]["room_a"],
        curate["scenario"]["room_b"],
    }
    assert entry["support"] == 2
    notes.undo(panel, actor)
    assert _items(panel) == [("Narzędzia", "Szkolenia", [ids["a1"]])]


@pytest.mark.parametrize(
    ("rec_ids", "error", "match"),
    [
        ([], Invalid, "at least one"),
        ("a1", Invalid, "list of ids"),
        ([10**6], NotFound, "not in this session"),
    ],
)
def test_add_to_item_refuses_bad_input_and_changes_nothing(curate, rec_ids, error, match):
    panel, actor, ids = curate["panel"], curate["actor"], curate["ids"]
    item = notes.merge_into_note(panel, [ids["a1"]], "Szkolenia", "Narzędzia", actor)
    revision = notes.get_or_create_note(panel).revision
    with pytest.raises(error, match=match):
        notes.add_to_item(panel, item.id, rec_ids, actor)
    assert notes.get_or_create_note(panel).revision == revision
    assert _items(panel) == [("Narzędzia", "Szkolenia", [ids["a1"]])]


def test_add_to_item_refuses_a_post_already_in_an_item_or_withdrawn(curate):
    panel, actor, ids = curate["panel"], curate["actor"], curate["ids"]
    first = notes.merge_into_note(panel, [ids["a1"]], "Szkolenia", "Narzędzia", actor)
    notes.merge_into_note(panel, [ids["b1"]], "Szkolenia 2", "Narzędzia", actor)
    with pytest.raises(AlreadyMerged, match="a recommendation is already in a note item"):
        notes.add_to_item(panel, first.id, [ids["b1"]], actor)
    ewa = db.session.get(Participant, curate["scenario"]["ewa"][0])
    recommendations.withdraw(ids["a3"], ewa)
    with pytest.raises(Invalid, match="withdrawn"):
        notes.add_to_item(panel, first.id, [ids["a3"]], actor)
    with pytest.raises(NotFound, match="no such item"):
        notes.add_to_item(panel, 10**6, [ids["a2"]], actor)


def test_an_earlier_published_version_can_be_restored_into_the_draft(curate):
    panel, actor, ids = curate["panel"], curate["actor"], curate["ids"]
    notes.merge_into_note(panel, [ids["a1"], ids["b1"]], "Szkolenia", "Narzędzia", actor)
    notes.set_summary(panel, "Pierwsza wersja", actor)
    notes.publish_note(panel, actor)
    published = _items(panel)
    item = notes.merge_into_note(panel, [ids["a2"]], "Budżet", "Inne", actor)
    notes.remove_item(panel, notes.get_or_create_note(panel).sections[0].items[0].id, actor)
    notes.set_summary(panel, "Druga", actor)
    assert item.id

    notes.restore_published(panel, 1, actor)
    assert _items(panel) == published
    assert notes.get_or_create_note(panel).summary == "Pierwsza wersja"
    notes.undo(panel, actor)
    assert notes.get_or_create_note(panel).summary == "Druga"
    with pytest.raises(NotFound, match="no such version"):
        notes.restore_published(panel, 7, actor)


def test_suggestions_group_the_same_idea_across_rooms_and_leave_merged_posts_out(curate):
    panel, actor, ids = curate["panel"], curate["actor"], curate["ids"]
    groups = curation.suggestions(panel)
    as_sets = [set(g["recommendation_ids"]) for g in groups]
    assert {ids["a1"], ids["b1"]} in as_sets
    assert {ids["a2"], ids["b2"]} in as_sets
    assert all(ids["a3"] not in s for s in as_sets)
    assert all(0 <= g["score"] <= 1 for g in groups)

    notes.merge_into_note(panel, [ids["a1"]], "Szkolenia", "Narzędzia", actor)
    as_sets = [set(g["recommendation_ids"]) for g in curation.suggestions(panel)]
    assert all(ids["a1"] not in s for s in as_sets)


def test_a_new_post_and_a_withdrawal_reach_the_suggestions(curate, make):
    panel, ids, scenario = curate["panel"], curate["ids"], curate["scenario"]
    assert all(ids["a3"] not in g["recommendation_ids"] for g in curation.suggestions(panel))
    late = make.post(scenario["ola"][0], scenario["room_b"], "Kawa dla wolontariuszy!")
    assert {ids["a3"], late} in [set(g["recommendation_ids"]) for g in curation.suggestions(panel)]
    ola = db.session.get(Participant, scenario["ola"][0])
    recommendations.withdraw(late, ola)
    assert all(late not in g["recommendation_ids"] for g in curation.suggestions(panel))


def test_erased_posts_take_no_part(curate):
    panel, actor, ids, scenario = curate["panel"], curate["actor"], curate["ids"], curate["scenario"]
    privacy.erase_participant(panel, scenario["ola"][0], actor)
    every_id = {i for g in curation.suggestions(panel) for i in g["recommendation_ids"]}
    assert ids["b1"] not in every_id and ids["b2"] not in every_id
    assert curation.similar(panel, ids["b1"]) == []


def test_dismissed_posts_are_never_grouped_together_again(curate):
    panel, actor, ids = curate["panel"], curate["actor"], curate["ids"]
    assert curation.dismiss(panel, [ids["b1"], ids["a1"]], actor) == 1
    assert curation.dismiss(panel, [ids["a1"], ids["b1"]], actor) == 0  # once is enough
    as_sets = [set(g["recommendation_ids"]) for g in curation.suggestions(panel)]
    assert not any({ids["a1"], ids["b1"]} <= s for s in as_sets)
    assert {ids["a2"], ids["b2"]} in as_sets


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        ([1], Invalid, "2 to 50"),
        ("1,2", Invalid, "2 to 50"),
        ([1, True], Invalid, "2 to 50"),
        (list(range(1, 60)), Invalid, "2 to 50"),
        ([10**6, 10**6 + 1], NotFound, "not in this session"),
    ],
)
def test_dismiss_refuses_bad_input(curate, value, error, match):
    with pytest.raises(error, match=match):
        curation.dismiss(curate["panel"], value, curate["actor"])


def test_dismiss_refuses_an_id_given_twice(curate):
    a1 = curate["ids"]["a1"]
    with pytest.raises(Invalid, match="twice"):
        curation.dismiss(curate["panel"], [a1, a1], curate["actor"])


def test_similar_is_best_first_never_itself_and_bounded(curate):
    panel, ids = curate["panel"], curate["ids"]
    found = curation.similar(panel, ids["a1"], 3)
    assert found[0]["id"] == ids["b1"]
    assert ids["a1"] not in [f["id"] for f in found]
    assert [f["score"] for f in found] == sorted((f["score"] for f in found), reverse=True)
    assert len(found) <= 3
    for bad in (0, 51, "5", True):
        with pytest.raises(Invalid, match="limit"):
            curation.similar(panel, ids["a1"], bad)
    with pytest.raises(NotFound, match="no such recommendation in this session"):
        curation.similar(panel, 10**6)


def test_similar_refuses_a_post_of_another_session(curate, make):
    other_slug, (room,) = make.panel(curate["scenario"]["moderator"], slug="inny", rooms=(("X", None),))
    person, _ = make.participant(other_slug, room, "Zofia")
    foreign = make.post(person, room, "Więcej szkoleń dla pracowników socjalnych")
    with pytest.raises(NotFound, match="no such recommendation in this session"):
        curation.similar(curate["panel"], foreign)
    assert foreign not in [s["id"] for s in curation.similar(curate["panel"], curate["ids"]["a1"], 50)]


def test_the_csv_holds_every_post_with_its_room_item_and_neutralised_formulas(curate, make):
    panel, actor, ids, scenario = curate["panel"], curate["actor"], curate["ids"], curate["scenario"]
    make.post(scenario["jan"][0], scenario["room_a"], '=HYPERLINK("http://zlo")')
    notes.merge_into_note(panel, [ids["a1"], ids["b1"]], "Szkolenia dla kadry", "Narzędzia", actor)
    privacy.erase_participant(panel, scenario["ola"][0], actor)
    text = curation.recommendations_csv(panel)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 6
    by_text = {r["text"]: r for r in rows}
    first = by_text["Więcej szkoleń dla pracowników socjalnych"]
    assert (first["room"], first["author"], first["note_item"], first["section"]) == (
        "Sala A",
        "Ewa",
        "Szkolenia dla kadry",
        "Narzędzia",
    )
    assert '\'=HYPERLINK("http://zlo")' in by_text
    erased = [r for r in rows if r["author"] == "erased"]
    assert len(erased) == 2 and all(r["text"] == "" and r["status"] == "erased" for r in erased)
