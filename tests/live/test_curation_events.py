"""The live protocol for curation (CONTRACT.md section 5): suggestions pushed to moderators,
late duplicates, undo and redo for every moderator, restore, similar, dismiss."""

import uuid

import pytest


def _events(client, name):
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


@pytest.fixture
def live(scenario, sock):
    """A moderator watching; Ewa (room A) and Ola (room B) post the same idea in other words."""
    s = dict(scenario)
    s["mod"] = sock(scenario["moderator_token"])
    s["ewa_sock"], s["ola_sock"] = sock(scenario["ewa"][1]), sock(scenario["ola"][1])
    assert s["ewa_sock"].emit("room:join", {"room_id": s["room_a"]}, callback=True)["ok"]
    assert s["ola_sock"].emit("room:join", {"room_id": s["room_b"]}, callback=True)["ok"]
    assert s["mod"].emit("session:watch", {"slug": s["slug"]}, callback=True)["ok"]
    s["a"] = _post(s["ewa_sock"], s["room_a"], "Więcej szkoleń dla pracowników socjalnych")
    s["b"] = _post(s["ola_sock"], s["room_b"], "wiecej szkolen dla pracownikow socjalnych")
    for client in (s["mod"], s["ewa_sock"], s["ola_sock"]):
        client.get_received()
    return s


def _post(client, room_id, text):
    ack = client.emit(
        "rec:post", {"room_id": room_id, "client_id": str(uuid.uuid4()), "text": text}, callback=True
    )
    assert ack["ok"], ack
    return ack["recommendation"]["id"]


def _merge(s, ids, text="Szkolenia dla kadry", section="Narzędzia"):
    ack = s["mod"].emit(
        "note:merge",
        {"slug": s["slug"], "recommendation_ids": ids, "text": text, "section": section},
        callback=True,
    )
    assert ack["ok"], ack
    return ack


def test_suggestions_get_groups_the_same_idea_from_two_rooms(live):
    ack = live["mod"].emit("suggestions:get", {"slug": live["slug"]}, callback=True)
    assert ack["ok"], ack
    assert [sorted(g["recommendation_ids"]) for g in ack["groups"]] == [sorted([live["a"], live["b"]])]


def test_a_new_post_pushes_suggestions_to_moderators_only(live):
    third = _post(live["ewa_sock"], live["room_a"], "Szkolenia dla pracowników socjalnych, więcej!")
    pushed = _events(live["mod"], "suggestions:updated")
    assert pushed, "the moderator got no suggestions:updated"
    assert pushed[-1]["slug"] == live["slug"]
    assert set(pushed[-1]["groups"][0]["recommendation_ids"]) == {live["a"], live["b"], third}
    assert _events(live["ewa_sock"], "suggestions:updated") == []
    assert _events(live["ola_sock"], "suggestions:updated") == []


def test_a_merge_takes_its_posts_out_of_the_pushed_suggestions(live):
    _merge(live, [live["a"], live["b"]])
    pushed = _events(live["mod"], "suggestions:updated")
    assert pushed[-1]["groups"] == []


def test_dismiss_stops_a_pair_being_suggested(live):
    ack = live["mod"].emit(
        "suggestions:dismiss",
        {"slug": live["slug"], "recommendation_ids": [live["a"], live["b"]]},
        callback=True,
    )
    assert ack == {"ok": True}
    assert _events(live["mod"], "suggestions:updated")[-1]["groups"] == []
    again = live["mod"].emit("suggestions:get", {"slug": live["slug"]}, callback=True)
    assert again["groups"] == []


def test_a_late_duplicate_joins_the_item_and_every_moderator_sees_it(live):
    item = _merge(live, [live["a"]])["item"]
    live["mod"].get_received()
    ack = live["mod"].emit(
        "note:add_to_item",
        {"slug": live["slug"], "item_id": item["id"], "recommendation_ids": [live["b"]]},
        callback=True,
    )
    assert ack["ok"], ack
    assert ack["item"]["support"] == 2
    assert {s["room_id"] for s in ack["item"]["sources"]} == {live["room_a"], live["room_b"]}
    assert _events(live["mod"], "note:updated")[-1] == ack["note"]


def test_undo_and_redo_reach_every_moderator_and_say_what_they_would_do(live, sock, make):
    second = sock(live["moderator_token"])
    assert second.emit("session:watch", {"slug": live["slug"]}, callback=True)["ok"]
    merged = _merge(live, [live["a"], live["b"]])
    assert merged["note"]["history"] == {"undo": "merge", "redo": None}
    second.get_received()

    undone = live["mod"].emit("note:undo", {"slug": live["slug"]}, callback=True)
    assert undone["ok"], undone
    assert all(not s["items"] for s in undone["note"]["sections"])
    assert undone["note"]["history"] == {"undo": None, "redo": "merge"}
    assert _events(second, "note:updated")[-1] == undone["note"]

    redone = second.emit("note:redo", {"slug": live["slug"]}, callback=True)
    assert redone["ok"], redone
    items = [i for s in redone["note"]["sections"] for i in s["items"]]
    assert [i["text"] for i in items] == ["Szkolenia dla kadry"]
    assert items[0]["support"] == 2


def test_undo_with_nothing_to_undo_is_not_found(live):
    ack = live["mod"].emit("note:undo", {"slug": live["slug"]}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    ack = live["mod"].emit("note:redo", {"slug": live["slug"]}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"


def test_restore_brings_back_a_published_version(live):
    _merge(live, [live["a"], live["b"]])
    assert live["mod"].emit("note:publish", {"slug": live["slug"]}, callback=True)["ok"]
    note = live["mod"].emit("note:summary", {"slug": live["slug"], "summary": "Nowe"}, callback=True)["note"]
    item_id = note["sections"][0]["items"][0]["id"]
    assert live["mod"].emit("note:remove_item", {"slug": live["slug"], "item_id": item_id}, callback=True)[
        "ok"
    ]
    ack = live["mod"].emit("note:restore", {"slug": live["slug"], "published_version": 1}, callback=True)
    assert ack["ok"], ack
    assert [i["text"] for s in ack["note"]["sections"] for i in s["items"]] == ["Szkolenia dla kadry"]
    assert ack["note"]["summary"] == ""
    missing = live["mod"].emit("note:restore", {"slug": live["slug"], "published_version": 9}, callback=True)
    assert missing["error"]["code"] == "not_found"


def test_similar_answers_best_first(live):
    ack = live["mod"].emit(
        "rec:similar", {"slug": live["slug"], "recommendation_id": live["a"], "limit": 3}, callback=True
    )
    assert ack["ok"], ack
    assert ack["recommendation_id"] == live["a"]
    assert ack["similar"][0]["id"] == live["b"]


@pytest.mark.parametrize(
    ("event", "payload", "code"),
    [
        ("suggestions:get", {}, "invalid"),
        ("suggestions:get", {"slug": "nie-ma"}, "not_found"),
        ("suggestions:dismiss", {"slug": "{slug}", "recommendation_ids": "1,2"}, "invalid"),
        ("suggestions:dismiss", {"slug": "{slug}", "recommendation_ids": [1]}, "invalid"),
        ("rec:similar", {"slug": "{slug}", "recommendation_id": "1"}, "invalid"),
        ("rec:similar", {"slug": "{slug}", "recommendation_id": 1, "limit": 500}, "invalid"),
        ("rec:similar", {"slug": "{slug}", "recommendation_id": 999999}, "not_found"),
        ("note:add_to_item", {"slug": "{slug}", "item_id": 1, "recommendation_ids": []}, "invalid"),
        ("note:add_to_item", {"slug": "{slug}", "item_id": 999, "recommendation_ids": [1]}, "not_found"),
        ("note:undo", {"slug": "{slug}", "version": -1}, "invalid"),
        ("note:restore", {"slug": "{slug}", "published_version": "1"}, "invalid"),
        ("note:restore", ["not", "an", "object"], "invalid"),
    ],
)
def test_bad_curation_events_get_an_error_ack_and_change_nothing(live, event, payload, code):
    if isinstance(payload, dict):
        payload = {k: (live["slug"] if v == "{slug}" else v) for k, v in payload.items()}
    ack = live["mod"].emit(event, payload, callback=True)
    assert ack["ok"] is False
    assert ack["error"]["code"] == code, ack
    assert live["mod"].is_connected()
    still = live["mod"].emit("suggestions:get", {"slug": live["slug"]}, callback=True)
    assert [sorted(g["recommendation_ids"]) for g in still["groups"]] == [sorted([live["a"], live["b"]])]


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("suggestions:get", {}),
        ("suggestions:dismiss", {"recommendation_ids": ["{a}", "{b}"]}),
        ("rec:similar", {"recommendation_id": "{a}"}),
        ("note:undo", {}),
        ("note:redo", {}),
        ("note:restore", {"published_version": 1}),
        ("note:add_to_item", {"item_id": 1, "recommendation_ids": ["{a}"]}),
    ],
)
def test_participants_cannot_curate(live, event, payload):
    values = {"{a}": live["a"], "{b}": live["b"]}

    def fill(v):
        return [values.get(x, x) for x in v] if isinstance(v, list) else values.get(v, v)

    ack = live["ewa_sock"].emit(
        event, {"slug": live["slug"], **{k: fill(v) for k, v in payload.items()}}, callback=True
    )
    assert ack["ok"] is False
    assert ack["error"]["code"] in ("forbidden", "unauthorized"), ack
