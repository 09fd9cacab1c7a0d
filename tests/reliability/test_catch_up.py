"""Point 3: a client that was away resyncs by sequence and its view equals the database."""

import uuid


def _post(client, room, text):
    ack = client.emit(
        "rec:post", {"room_id": room, "client_id": str(uuid.uuid4()), "text": text}, callback=True
    )
    assert ack["ok"], ack
    return ack["recommendation"]


def _apply(view: dict, recs: list[dict]) -> dict:
    """What a client does with a delta: newer versions replace older ones, by id."""
    merged = dict(view)
    for rec in recs:
        merged[rec["id"]] = rec
    return merged


def test_a_participant_back_after_a_break_gets_what_it_missed_and_nothing_else(scenario, sock):
    s = scenario
    ewa, jan = sock(s["ewa"][1]), sock(s["jan"][1])
    first = ewa.emit("room:join", {"room_id": s["room_a"]}, callback=True)
    jan.emit("room:join", {"room_id": s["room_a"]}, callback=True)
    mine = _post(ewa, s["room_a"], "Mój wpis przed przerwą")
    old = _post(jan, s["room_a"], "Stary wpis Jana")
    view = {
        r["id"]: r for r in ewa.emit("room:join", {"room_id": s["room_a"]}, callback=True)["recommendations"]
    }
    seen = max(r["seq"] for r in view.values())
    ewa.disconnect()

    # While Ewa is away: a new post, a +1 on hers, a withdrawal, and a publish.
    new = _post(jan, s["room_a"], "Nowy wpis")
    assert jan.emit("rec:vote", {"recommendation_id": mine["id"]}, callback=True)["ok"]
    assert jan.emit("rec:withdraw", {"recommendation_id": old["id"]}, callback=True)["ok"]
    assert sock(s["moderator_token"]).emit("note:publish", {"slug": s["slug"]}, callback=True)["ok"]

    back = sock(s["ewa"][1])
    delta = back.emit("room:join", {"room_id": s["room_a"], "since": seen}, callback=True)
    assert delta["ok"] and delta["since"] == seen and delta["seq"] > seen
    assert sorted(r["id"] for r in delta["recommendations"]) == sorted([mine["id"], old["id"], new["id"]])
    assert delta["published"]["version"] == 1
    full = back.emit("room:join", {"room_id": s["room_a"]}, callback=True)["recommendations"]
    assert _apply(view, delta["recommendations"]) == {r["id"]: r for r in full}
    assert first["ok"]


def test_a_moderator_console_back_after_a_break_gets_the_changes_and_the_current_note(scenario, sock):
    s = scenario
    mod = sock(s["moderator_token"])
    ola = sock(s["ola"][1])
    ola.emit("room:join", {"room_id": s["room_b"]}, callback=True)
    before = _post(ola, s["room_b"], "Przed przerwą")
    watch = mod.emit("session:watch", {"slug": s["slug"]}, callback=True)
    view = {r["id"]: r for r in watch["recommendations"]}
    mod.disconnect()

    after = _post(ola, s["room_b"], "W czasie przerwy")
    other = sock(s["moderator_token"])
    merged = other.emit(
        "note:merge",
        {"slug": s["slug"], "recommendation_ids": [before["id"]], "text": "Punkt", "section": "A"},
        callback=True,
    )
    assert merged["ok"]

    back = sock(s["moderator_token"])
    delta = back.emit("session:watch", {"slug": s["slug"], "since": watch["seq"]}, callback=True)
    assert [r["id"] for r in delta["recommendations"]] == [after["id"]]
    assert delta["note"] == merged["note"]
    full = back.emit("session:watch", {"slug": s["slug"]}, callback=True)
    assert _apply(view, delta["recommendations"]) == {r["id"]: r for r in full["recommendations"]}


def test_since_must_be_a_non_negative_integer(scenario, sock):
    ewa = sock(scenario["ewa"][1])
    for since in ("5", -1, 1.5, [1]):
        ack = ewa.emit("room:join", {"room_id": scenario["room_a"], "since": since}, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid"
