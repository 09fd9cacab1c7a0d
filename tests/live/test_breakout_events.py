"""The live protocol of CONTRACT.md §6: phases and the timer, broadcasts, moves,
presence, anonymity — every new event, its acks and errors, and who gets the pushes."""

import uuid
from datetime import timedelta

import pytest

from hybrid_sessions.extensions import db
from hybrid_sessions.live import phase_timer
from hybrid_sessions.models import AuditEvent, Panel
from hybrid_sessions.models.types import utcnow
from hybrid_sessions.services import panels


def _events(client, name):
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def _post(client, room_id, text="Więcej ławek", **extra):
    return client.emit(
        "rec:post", {"room_id": room_id, "client_id": str(uuid.uuid4()), "text": text, **extra}, callback=True
    )


@pytest.fixture
def live(scenario, sock, make):
    """The moderator watching; Ewa and Jan in room A, Ola in room B; a stranger in another
    session."""
    s = dict(scenario)
    s["mod"] = sock(scenario["moderator_token"])
    assert s["mod"].emit("session:watch", {"slug": s["slug"]}, callback=True)["ok"]
    for name, room in (("ewa", "room_a"), ("jan", "room_a"), ("ola", "room_b")):
        s[f"{name}_sock"] = sock(scenario[name][1])
        assert s[f"{name}_sock"].emit("room:join", {"room_id": s[room]}, callback=True)["ok"]
    other_slug, (other_room, _) = make.panel(scenario["moderator"], slug="inny")
    _, stranger_token = make.participant(other_slug, other_room, "Obcy")
    s["stranger"] = sock(stranger_token)
    assert s["stranger"].emit("room:join", {"room_id": other_room}, callback=True)["ok"]
    for key in ("mod", "ewa_sock", "jan_sock", "ola_sock", "stranger"):
        s[key].get_received()
    return s


def test_phase_change_is_acked_with_the_session_and_pushed_to_everyone_in_the_session(live):
    ack = live["mod"].emit(
        "session:phase", {"slug": live["slug"], "phase": "rooms_open", "minutes": 15}, callback=True
    )
    assert ack["ok"], ack
    assert ack["session"]["phase"] == "rooms_open" and ack["session"]["rooms_close_at"]
    for key in ("mod", "ewa_sock", "jan_sock", "ola_sock"):
        (push,) = _events(live[key], "session:phase")
        assert push["phase"] == "rooms_open"
        assert push["rooms_close_at"] == ack["session"]["rooms_close_at"]
        assert push["server_time"]
    assert _events(live["stranger"], "session:phase") == []


def test_while_closed_posting_and_voting_get_closed_and_withdrawing_still_works(live):
    rec = _post(live["ewa_sock"], live["room_a"])["recommendation"]
    assert live["mod"].emit("session:phase", {"slug": live["slug"], "phase": "rooms_closed"}, callback=True)[
        "ok"
    ]
    refused = _post(live["ewa_sock"], live["room_a"], "Za późno")
    assert refused["ok"] is False and refused["error"]["code"] == "closed"
    vote = live["jan_sock"].emit("rec:vote", {"recommendation_id": rec["id"]}, callback=True)
    assert vote["error"]["code"] == "closed"
    assert live["ewa_sock"].emit("rec:withdraw", {"recommendation_id": rec["id"]}, callback=True)["ok"]
    # Opening again lets people post.
    assert live["mod"].emit("session:phase", {"slug": live["slug"], "phase": "rooms_open"}, callback=True)[
        "ok"
    ]
    assert _post(live["ewa_sock"], live["room_a"], "Znowu otwarte")["ok"]


@pytest.mark.parametrize(
    "payload",
    [
        {"phase": "open"},
        {"phase": "rooms_closed", "minutes": 5},
        {"phase": "rooms_open", "rooms_close_at": "2001-01-01T10:00:00+00:00"},
        {"phase": "rooms_open", "rooms_close_at": "jutro"},
        {"phase": "rooms_open", "minutes": -1},
    ],
)
def test_bad_phase_changes_are_invalid_and_change_nothing(live, payload):
    ack = live["mod"].emit("session:phase", {"slug": live["slug"], **payload}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert _events(live["ewa_sock"], "session:phase") == []


def test_participants_cannot_use_the_moderator_events(live):
    for name, payload in (
        ("session:phase", {"slug": live["slug"], "phase": "rooms_closed"}),
        ("session:broadcast", {"slug": live["slug"], "text": "Hej"}),
        (
            "participant:move",
            {"slug": live["slug"], "participant_id": live["ola"][0], "room_id": live["room_a"]},
        ),
        ("session:participants", {"slug": live["slug"]}),
    ):
        ack = live["ewa_sock"].emit(name, payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", name
    assert _events(live["ola_sock"], "room:moved") == []


def test_the_timer_closes_rooms_and_the_ticker_announces_it_once(live, make):
    assert live["mod"].emit(
        "session:phase", {"slug": live["slug"], "phase": "rooms_open", "minutes": 1}, callback=True
    )["ok"]
    for key in ("mod", "ewa_sock", "ola_sock"):
        live[key].get_received()
    with make.app.app_context():
        panel = panels.get_panel(live["slug"])
        panel.rooms_close_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    # Closed from the closing second, before anything is announced.
    assert _post(live["ewa_sock"], live["room_a"])["error"]["code"] == "closed"
    with make.app.app_context():
        assert phase_timer.tick() == 1
        assert phase_timer.tick() == 0
    for key in ("mod", "ewa_sock", "ola_sock"):
        (push,) = _events(live[key], "session:phase")
        assert push == {**push, "phase": "rooms_closed", "rooms_close_at": None}


def test_broadcast_to_all_reaches_every_participant_and_moderator_of_the_session(live, make):
    ack = live["mod"].emit(
        "session:broadcast", {"slug": live["slug"], "text": " Zostało 5 minut "}, callback=True
    )
    assert ack["ok"], ack
    for key in ("mod", "ewa_sock", "jan_sock", "ola_sock"):
        (push,) = _events(live[key], "session:broadcast")
        assert (push["text"], push["room_id"]) == ("Zostało 5 minut", None) and push["sent_at"]
    assert _events(live["stranger"], "session:broadcast") == []
    with make.app.app_context():
        assert db.session.query(AuditEvent).filter_by(action="session.broadcast").count() == 1


def test_broadcast_to_one_room_reaches_that_room_and_the_moderators_only(live, sock):
    ack = live["mod"].emit(
        "session:broadcast",
        {"slug": live["slug"], "text": "Sala B: podsumujcie", "room_id": live["room_b"]},
        callback=True,
    )
    assert ack["ok"], ack
    assert [p["text"] for p in _events(live["ola_sock"], "session:broadcast")] == ["Sala B: podsumujcie"]
    assert len(_events(live["mod"], "session:broadcast")) == 1
    assert _events(live["ewa_sock"], "session:broadcast") == []
    # A page opened later shows it: the room:join ack carries the latest broadcast.
    late = sock(live["ola"][1])
    join = late.emit("room:join", {"room_id": live["room_b"]}, callback=True)
    assert join["broadcast"]["text"] == "Sala B: podsumujcie"
    assert live["ewa_sock"].emit("room:join", {"room_id": live["room_a"]}, callback=True)["broadcast"] is None
    # Coming back with `since` (a dropped Wi-Fi, the page's catch-up) answers the same.
    seq = join["seq"]
    assert late.emit("room:join", {"room_id": live["room_b"], "since": seq}, callback=True)["broadcast"][
        "text"
    ] == ("Sala B: podsumujcie")
    back = live["ewa_sock"].emit("room:join", {"room_id": live["room_a"], "since": seq}, callback=True)
    assert back["ok"] and back["broadcast"] is None
    # A later one to everyone is the latest in both rooms.
    assert live["mod"].emit("session:broadcast", {"slug": live["slug"], "text": "Wracamy"}, callback=True)[
        "ok"
    ]
    for client, room in ((late, live["room_b"]), (live["ewa_sock"], live["room_a"])):
        back = client.emit("room:join", {"room_id": room, "since": seq}, callback=True)
        assert back["broadcast"]["text"] == "Wracamy"


@pytest.mark.parametrize("text", ["", "   ", "x" * 281])
def test_bad_broadcasts_are_invalid(live, text):
    ack = live["mod"].emit("session:broadcast", {"slug": live["slug"], "text": text}, callback=True)
    assert ack["error"]["code"] == "invalid"
    assert _events(live["ewa_sock"], "session:broadcast") == []


def test_move_tells_the_moved_participant_only_and_their_page_follows(live):
    ack = live["mod"].emit(
        "participant:move",
        {"slug": live["slug"], "participant_id": live["ewa"][0], "room_id": live["room_b"]},
        callback=True,
    )
    assert ack == {"ok": True, "participant": {"id": live["ewa"][0], "room_id": live["room_b"]}}
    (moved,) = _events(live["ewa_sock"], "room:moved")
    assert moved["room_id"] == live["room_b"] and moved["room"]["name"] == "Sala B"
    assert _events(live["jan_sock"], "room:moved") == _events(live["ola_sock"], "room:moved") == []
    (rooms,) = _events(live["mod"], "rooms:updated")
    assert [r["participant_count"] for r in rooms["rooms"]] == [1, 2]
    # The page follows: it joins the new room and hears its posts, not the old room's.
    join = live["ewa_sock"].emit("room:join", {"room_id": live["room_b"]}, callback=True)
    assert join["ok"] and join["room"]["id"] == live["room_b"]
    live["ewa_sock"].get_received()
    assert _post(live["jan_sock"], live["room_a"], "W sali A")["ok"]
    assert _post(live["ola_sock"], live["room_b"], "W sali B")["ok"]
    assert [r["text"] for r in _events(live["ewa_sock"], "rec:new")] == ["W sali B"]
    # Posting into the old room is refused now.
    assert _post(live["ewa_sock"], live["room_a"])["error"]["code"] == "forbidden"


def test_move_into_a_full_room_or_of_a_stranger_is_refused(live, make):
    with make.app.app_context():
        panel = panels.get_panel(live["slug"])
        panel.rooms[1].capacity = 1
        db.session.commit()
    ack = live["mod"].emit(
        "participant:move",
        {"slug": live["slug"], "participant_id": live["ewa"][0], "room_id": live["room_b"]},
        callback=True,
    )
    assert ack["error"]["code"] == "room_full"
    ack = live["mod"].emit(
        "participant:move",
        {"slug": live["slug"], "participant_id": 999999, "room_id": live["room_b"]},
        callback=True,
    )
    assert ack["error"]["code"] == "not_found"
    assert _events(live["ewa_sock"], "room:moved") == []


def test_moderator_placement_people_wait_and_cannot_choose(live, make, sock):
    with make.app.app_context():
        panels.get_panel(live["slug"]).assignment = Panel.BY_MODERATOR
        db.session.commit()
    response = make.app.test_client().post(
        f"/api/v1/sessions/{live['slug']}/participants",
        json={"display_name": "Nowa", "attendance": "in_room", "room_id": live["room_a"]},
    )
    assert response.status_code == 201 and response.json["participant"]["room_id"] is None
    (rooms,) = _events(live["mod"], "rooms:updated")
    (joined,) = rooms["joined"]
    assert joined["display_name"] == "Nowa" and joined["room_id"] is None
    assert rooms["unplaced_count"] == 1
    waiting = sock(response.json["token"])
    ack = waiting.emit("room:join", {"room_id": live["room_a"]}, callback=True)
    assert ack["error"]["code"] == "forbidden"
    # The moderator places her; her waiting page hears it.
    who = live["mod"].emit("session:participants", {"slug": live["slug"]}, callback=True)["participants"]
    newcomer = next(p for p in who if p["display_name"] == "Nowa")
    assert live["mod"].emit(
        "participant:move",
        {"slug": live["slug"], "participant_id": newcomer["id"], "room_id": live["room_a"]},
        callback=True,
    )["ok"]
    assert [m["room_id"] for m in _events(waiting, "room:moved")] == [live["room_a"]]
    assert waiting.emit("room:join", {"room_id": live["room_a"]}, callback=True)["ok"]


def test_presence_counts_in_room_and_remote_reach_the_console(live, make):
    client = make.app.test_client()
    for name, attendance in (("A", "in_room"), ("B", "in_room"), ("C", "remote")):
        assert (
            client.post(
                f"/api/v1/sessions/{live['slug']}/participants",
                json={"display_name": name, "attendance": attendance, "room_id": live["room_b"]},
            ).status_code
            == 201
        )
    latest = _events(live["mod"], "rooms:updated")[-1]
    room_b = next(r for r in latest["rooms"] if r["id"] == live["room_b"])
    # Ola joined remote (the factory's default), then two in the room and one remote.
    assert (room_b["in_room_count"], room_b["remote_count"], room_b["participant_count"]) == (2, 2, 4)
    watch = live["mod"].emit("session:watch", {"slug": live["slug"]}, callback=True)
    assert next(r for r in watch["rooms"] if r["id"] == live["room_b"])["in_room_count"] == 2
    assert watch["session"]["phase"] == "rooms_open"


def test_anonymous_sessions_hide_names_from_other_participants_not_from_moderators(live, make):
    with make.app.app_context():
        panels.get_panel(live["slug"]).anonymous = True
        db.session.commit()
    ack = _post(live["ewa_sock"], live["room_a"], "Anonimowo")
    assert ack["recommendation"]["author"]["display_name"] == "Ewa"
    (seen_by_jan,) = _events(live["jan_sock"], "rec:new")
    assert seen_by_jan["author"] == {"id": live["ewa"][0], "display_name": None}
    (seen_by_mod,) = _events(live["mod"], "rec:new")
    assert seen_by_mod["author"]["display_name"] == "Ewa"
    join = live["jan_sock"].emit("room:join", {"room_id": live["room_a"]}, callback=True)
    assert {r["author"]["display_name"] for r in join["recommendations"]} == {None}
    own = live["ewa_sock"].emit("room:join", {"room_id": live["room_a"]}, callback=True)
    assert {r["author"]["display_name"] for r in own["recommendations"]} == {"Ewa"}
    assert join["session"]["anonymous"] is True


def test_a_wave_of_joins_reaches_the_console_as_one_rooms_update(live, make, monkeypatch):
    """Presence is coalesced: joins within PRESENCE_COALESCE_SECONDS schedule one
    rooms:updated, which carries the counts as they are when it is sent."""
    from hybrid_sessions.extensions import socketio

    scheduled = []
    monkeypatch.setitem(make.app.config, "PRESENCE_COALESCE_SECONDS", 0.5)
    monkeypatch.setattr(socketio, "start_background_task", lambda fn, *a: scheduled.append(fn))
    monkeypatch.setattr(socketio, "sleep", lambda seconds: None)
    client = make.app.test_client()
    for n in range(20):
        response = client.post(
            f"/api/v1/sessions/{live['slug']}/participants",
            json={"display_name": f"Osoba {n}", "attendance": "in_room", "room_id": live["room_b"]},
        )
        assert response.status_code == 201
    assert len(scheduled) == 1
    assert _events(live["mod"], "rooms:updated") == []
    scheduled[0]()
    (update,) = _events(live["mod"], "rooms:updated")
    assert [p["display_name"] for p in update["joined"]] == [f"Osoba {n}" for n in range(20)]
    room_b = next(r for r in update["rooms"] if r["id"] == live["room_b"])
    assert (room_b["participant_count"], room_b["in_room_count"]) == (21, 20)
    # Once sent, the next join schedules the next update.
    client.post(
        f"/api/v1/sessions/{live['slug']}/participants",
        json={"display_name": "Później", "attendance": "remote", "room_id": live["room_a"]},
    )
    assert len(scheduled) == 2
