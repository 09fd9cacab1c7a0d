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


def test_coming_back_to_ones_room_answers_what_a_full_join_would(scenario, sock, make):
    # A return with `since` takes a short path (issue 15: a thousand arrive at once when
    # the venue's Wi-Fi comes back); since=0 must answer exactly what a full join does.
    s = scenario
    # Someone in the venue's room too, so the presence counts both kinds of attendance.
    make.participant(s["slug"], s["room_a"], "Ala", attendance="in_room")
    ewa, jan = sock(s["ewa"][1]), sock(s["jan"][1])
    ewa.emit("room:join", {"room_id": s["room_a"]}, callback=True)
    jan.emit("room:join", {"room_id": s["room_a"]}, callback=True)
    hers = _post(ewa, s["room_a"], "Wpis Ewy")
    his = _post(jan, s["room_a"], "Wpis Jana")
    _post(sock(s["ola"][1]), s["room_b"], "Wpis z innego pokoju")
    assert ewa.emit("rec:vote", {"recommendation_id": his["id"]}, callback=True)["ok"]
    assert sock(s["moderator_token"]).emit("note:publish", {"slug": s["slug"]}, callback=True)["ok"]

    full = ewa.emit("room:join", {"room_id": s["room_a"]}, callback=True)
    back = ewa.emit("room:join", {"room_id": s["room_a"], "since": 0}, callback=True)
    assert back["ok"] and back["since"] == 0

    def same(ack):  # the server's clock moves between the two answers
        return {
            **{k: v for k, v in ack.items() if k != "since"},
            "session": {**ack["session"], "server_time": 0},
        }

    assert same(back) == same(full)
    assert back["voted"] == [his["id"]] and back["room"]["participant_count"] == 3
    assert [r["id"] for r in back["recommendations"]] == [hers["id"], his["id"]]


def test_an_erased_participant_coming_back_with_since_is_refused(scenario, sock, app):
    # Erased on another process: this socket was not closed, its next catch-up must fail.
    from hybrid_sessions.extensions import db
    from hybrid_sessions.models import Moderator
    from hybrid_sessions.services import panels, privacy

    s = scenario
    ewa = sock(s["ewa"][1])
    seq = ewa.emit("room:join", {"room_id": s["room_a"]}, callback=True)["seq"]
    with app.app_context():
        privacy.erase_participant(
            panels.get_panel(s["slug"]), s["ewa"][0], db.session.get(Moderator, s["moderator"])
        )
    ack = ewa.emit("room:join", {"room_id": s["room_a"], "since": seq}, callback=True)
    assert not ack["ok"] and ack["error"]["code"] == "forbidden"


def test_since_with_another_room_still_moves_and_tells_the_moderators(scenario, sock):
    s = scenario
    moderator = sock(s["moderator_token"])
    assert moderator.emit("session:watch", {"slug": s["slug"]}, callback=True)["ok"]
    ewa = sock(s["ewa"][1])
    seq = ewa.emit("room:join", {"room_id": s["room_a"]}, callback=True)["seq"]
    moderator.get_received()
    ack = ewa.emit("room:join", {"room_id": s["room_b"], "since": seq}, callback=True)
    assert ack["ok"] and ack["room"]["id"] == s["room_b"]
    counts = [e["args"][0]["rooms"] for e in moderator.get_received() if e["name"] == "rooms:updated"]
    assert counts and {r["id"]: r["participant_count"] for r in counts[-1]}[s["room_b"]] == 2
