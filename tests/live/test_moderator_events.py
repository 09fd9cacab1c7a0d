"""The live protocol for moderators: watching, merging, editing and publishing the note."""

import uuid

import pytest


def _events(client, name):
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


@pytest.fixture
def live(scenario, sock, make):
    """Two moderators of one session watching; Ewa (room A) and Ola (room B) have posted."""
    second = make.moderator("druga@example.org")
    from hybrid_sessions.extensions import db
    from hybrid_sessions.models import Moderator
    from hybrid_sessions.services import panels

    with make.app.app_context():
        panel = panels.get_panel(scenario["slug"])
        panel.moderators.append(db.session.get(Moderator, second))
        db.session.commit()
    s = dict(scenario)
    s["mod1"], s["mod2"] = sock(scenario["moderator_token"]), sock(make.moderator_token(second))
    s["ewa_sock"], s["ola_sock"] = sock(scenario["ewa"][1]), sock(scenario["ola"][1])
    assert s["ewa_sock"].emit("room:join", {"room_id": s["room_a"]}, callback=True)["ok"]
    assert s["ola_sock"].emit("room:join", {"room_id": s["room_b"]}, callback=True)["ok"]
    s["rec_a"] = s["ewa_sock"].emit(
        "rec:post",
        {"room_id": s["room_a"], "client_id": str(uuid.uuid4()), "text": "Dłuższe godziny"},
        callback=True,
    )["recommendation"]
    s["rec_b"] = s["ola_sock"].emit(
        "rec:post",
        {"room_id": s["room_b"], "client_id": str(uuid.uuid4()), "text": "Otwarte wieczorami"},
        callback=True,
    )["recommendation"]
    for mod in (s["mod1"], s["mod2"]):
        ack = mod.emit("session:watch", {"slug": s["slug"]}, callback=True)
        assert ack["ok"], ack
    s["watch"] = ack
    for client in (s["mod1"], s["mod2"], s["ewa_sock"], s["ola_sock"]):
        client.get_received()
    return s


def _merge(mod, s, ids, text="Elastyczne godziny", section="Sposoby", **extra):
    return mod.emit(
        "note:merge",
        {"slug": s["slug"], "recommendation_ids": ids, "text": text, "section": section, **extra},
        callback=True,
    )


def test_watch_answers_rooms_recommendations_and_the_note(live):
    ack = live["watch"]
    assert [r["name"] for r in ack["rooms"]] == ["Sala A", "Sala B"]
    assert {r["id"] for r in ack["recommendations"]} == {live["rec_a"]["id"], live["rec_b"]["id"]}
    assert (
        ack["note"]["slug"] == live["slug"] and ack["note"]["sections"] == [] and ack["note"]["summary"] == ""
    )


def test_watching_needs_a_moderator_of_that_session(live, make, sock):
    outsider = sock(make.moderator_token(make.moderator("obcy@example.org")))
    ack = outsider.emit("session:watch", {"slug": live["slug"]}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert (
        live["mod1"].emit("session:watch", {"slug": "nie-ma"}, callback=True)["error"]["code"] == "not_found"
    )
    assert live["mod1"].emit("session:watch", {"slug": 5}, callback=True)["error"]["code"] == "invalid"


def test_a_merge_from_two_rooms_reaches_both_moderators(live):
    s = live
    ack = _merge(s["mod1"], s, [s["rec_a"]["id"], s["rec_b"]["id"]])
    assert ack["ok"] is True
    item = ack["item"]
    assert item["text"] == "Elastyczne godziny" and item["section"] == "Sposoby" and item["support"] == 2
    assert [src["room_id"] for src in item["sources"]] == [s["room_a"], s["room_b"]]
    assert ack["note"]["sections"][0]["items"] == [item]
    for mod in (s["mod1"], s["mod2"]):
        [note] = _events(mod, "note:updated")
        assert note == ack["note"]
    assert _events(s["ewa_sock"], "note:updated") == []


def test_merging_a_merged_recommendation_is_already_merged(live):
    s = live
    assert _merge(s["mod1"], s, [s["rec_a"]["id"]])["ok"]
    ack = _merge(s["mod2"], s, [s["rec_b"]["id"], s["rec_a"]["id"]])
    assert ack["ok"] is False and ack["error"]["code"] == "already_merged"
    note = s["mod2"].emit("session:watch", {"slug": s["slug"]}, callback=True)["note"]
    assert [len(sec["items"]) for sec in note["sections"]] == [1]


def test_two_moderators_on_the_same_version_one_wins_the_other_gets_conflict(live):
    s = live
    version = s["watch"]["note"]["version"]
    first = _merge(s["mod1"], s, [s["rec_a"]["id"]], text="Pierwszy", version=version)
    second = _merge(s["mod2"], s, [s["rec_b"]["id"]], text="Drugi", version=version)
    assert first["ok"] is True
    assert second["ok"] is False and second["error"]["code"] == "conflict"
    assert second["note"] == first["note"]
    edit = s["mod2"].emit(
        "note:summary", {"slug": s["slug"], "summary": "Stare", "version": version}, callback=True
    )
    assert edit["error"]["code"] == "conflict" and edit["note"]["summary"] == ""


def test_items_can_be_edited_moved_and_removed_live(live):
    s = live
    a = _merge(s["mod1"], s, [s["rec_a"]["id"]], text="A", section="Pierwsza")["item"]
    b = _merge(s["mod1"], s, [], text="B (od moderacji)", section="Pierwsza")["item"]
    _merge(s["mod1"], s, [s["rec_b"]["id"]], text="C", section="Druga")
    slug = s["slug"]
    assert s["mod1"].emit(
        "note:edit_item", {"slug": slug, "item_id": a["id"], "text": "A, przeredagowane"}, callback=True
    )["ok"]
    assert s["mod1"].emit("note:move_item", {"slug": slug, "item_id": b["id"], "position": 0}, callback=True)[
        "ok"
    ]
    note = s["mod1"].emit("session:watch", {"slug": slug}, callback=True)["note"]
    second = note["sections"][1]["id"]
    assert s["mod1"].emit(
        "note:move_section", {"slug": slug, "section_id": second, "position": 0}, callback=True
    )["ok"]
    assert s["mod1"].emit(
        "note:rename_section", {"slug": slug, "section_id": second, "title": "Na początek"}, callback=True
    )["ok"]
    removed = s["mod2"].emit("note:remove_item", {"slug": slug, "item_id": a["id"]}, callback=True)
    assert removed["ok"]
    assert [(sec["title"], [i["text"] for i in sec["items"]]) for sec in removed["note"]["sections"]] == [
        ("Na początek", ["C"]),
        ("Pierwsza", ["B (od moderacji)"]),
    ]
    # Ewa's post is free again after its item was removed.
    assert _merge(s["mod1"], s, [s["rec_a"]["id"]], text="A znowu")["ok"]
    summary = s["mod1"].emit("note:summary", {"slug": slug, "summary": "Akapit.\n\nDrugi."}, callback=True)
    assert summary["ok"] and summary["note"]["summary"] == "Akapit.\n\nDrugi."
    assert _events(s["mod2"], "note:updated")[-1] == summary["note"]


@pytest.mark.parametrize(
    "event, payload",
    [
        ("note:merge", {"recommendation_ids": "1", "text": "t", "section": "s"}),
        ("note:merge", {"recommendation_ids": [1], "text": "", "section": "s"}),
        ("note:merge", {"recommendation_ids": [1], "text": "t"}),
        ("note:merge", {"recommendation_ids": [999999], "text": "t", "section": "s"}),
        ("note:edit_item", {"item_id": 999999, "text": "t"}),
        ("note:edit_item", {"item_id": "x", "text": "t"}),
        ("note:remove_item", {"item_id": None}),
        ("note:move_item", {"item_id": 1, "position": -1}),
        ("note:move_section", {"section_id": 999999, "position": 0}),
        ("note:rename_section", {"section_id": 999999, "title": "t"}),
        ("note:delete_section", {"section_id": 999999}),
        ("note:summary", {"summary": None}),
        ("note:summary", {"summary": "x" * 20001}),
        ("note:publish", {}),
    ],
)
def test_bad_note_events_get_error_acks_and_change_nothing(live, event, payload):
    s = live
    payload = {"slug": s["slug"], **payload} if event != "note:publish" else payload
    ack = s["mod1"].emit(event, payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] in ("invalid", "not_found")
    assert s["mod1"].is_connected()
    assert _events(s["mod2"], "note:updated") == []
    assert s["mod1"].emit("session:watch", {"slug": s["slug"]}, callback=True)["note"] == s["watch"]["note"]


def test_publishing_tells_everyone_in_the_session(live):
    s = live
    _merge(s["mod1"], s, [s["rec_a"]["id"], s["rec_b"]["id"]])
    ack = s["mod1"].emit("note:publish", {"slug": s["slug"]}, callback=True)
    assert ack["ok"] is True and ack["version"] == 1
    assert ack["url"].endswith(f"/s/{s['slug']}/note")
    for client in (s["ewa_sock"], s["ola_sock"], s["mod1"], s["mod2"]):
        assert _events(client, "note:published") == [{"version": 1, "url": ack["url"]}]
    again = s["mod2"].emit("note:publish", {"slug": s["slug"]}, callback=True)
    assert again["version"] == 2


def test_a_participant_connected_later_learns_of_the_publish_on_join(live, sock):
    s = live
    s["mod1"].emit("note:publish", {"slug": s["slug"]}, callback=True)
    late = sock(s["jan"][1])
    ack = late.emit("room:join", {"room_id": s["room_a"]}, callback=True)
    assert ack["published"]["version"] == 1


def test_a_disabled_moderator_loses_powers_on_an_open_socket(live, app, runner):
    s = live
    result = runner.invoke(args=["disable-moderator", "druga@example.org"])
    assert result.exit_code == 0
    ack = _merge(s["mod2"], s, [s["rec_a"]["id"]])
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"


@pytest.mark.parametrize(
    "payload, code", [({"slug": "nie-ma"}, "not_found"), ({"slug": None}, "invalid"), (None, "invalid")]
)
def test_publishing_an_unknown_session_or_garbage_is_refused(live, payload, code):
    ack = live["mod1"].emit("note:publish", payload, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == code
    assert _events(live["ewa_sock"], "note:published") == []
