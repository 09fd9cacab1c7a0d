"""The cost of a post does not grow with the room: the same few statements per rec:post
whether the room has 2 people or 60, and 0 or 300 posts already."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Panel
from hybrid_sessions.services import snapshots


@pytest.fixture
def count_statements(app):
    counted = []

    def listener(conn, cursor, statement, *args):
        counted.append(statement.split()[0].upper())

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    yield counted
    sa.event.remove(engine, "before_cursor_execute", listener)


def _statements_for_one_post(make, sock, count_statements, people: int, existing: int) -> list[str]:
    moderator = make.moderator(f"m{people}@example.org")
    slug, (room, _) = make.panel(moderator, slug=f"sala-{people}")
    tokens = [make.participant(slug, room, f"Osoba {n}") for n in range(people)]
    for n in range(existing):
        make.post(tokens[n % people][0], room, f"wcześniejszy {n}")
    clients = [sock(token) for _, token in tokens]
    for client in clients:
        assert client.emit("room:join", {"room_id": room}, callback=True)["ok"]
    count_statements.clear()
    ack = clients[0].emit(
        "rec:post", {"room_id": room, "client_id": str(uuid.uuid4()), "text": "pomiar"}, callback=True
    )
    assert ack["ok"]
    return list(count_statements)


def test_a_post_costs_the_same_statements_in_a_small_and_a_big_room(make, sock, count_statements):
    small = _statements_for_one_post(make, sock, count_statements, people=2, existing=0)
    big = _statements_for_one_post(make, sock, count_statements, people=60, existing=300)
    assert small == big
    # The room with the participant, the sequence bump, the insert: nothing per reader,
    # no re-read.
    assert [s for s in small if s in ("SELECT", "INSERT", "UPDATE", "DELETE")] == [
        "SELECT",
        "UPDATE",
        "INSERT",
    ]


def test_a_retry_after_moving_rooms_still_gets_the_saved_post_back(scenario, sock):
    s = scenario
    ewa = sock(s["ewa"][1])
    ewa.emit("room:join", {"room_id": s["room_a"]}, callback=True)
    client_id = str(uuid.uuid4())
    first = ewa.emit(
        "rec:post", {"room_id": s["room_a"], "client_id": client_id, "text": "Zapisane"}, callback=True
    )
    assert ewa.emit("room:join", {"room_id": s["room_b"]}, callback=True)["ok"]
    again = ewa.emit(
        "rec:post", {"room_id": s["room_a"], "client_id": client_id, "text": "Zapisane"}, callback=True
    )
    assert (
        again["ok"] and again["duplicate"] and again["recommendation"]["id"] == first["recommendation"]["id"]
    )
    # A new post into the old room is refused, as before.
    refused = ewa.emit(
        "rec:post", {"room_id": s["room_a"], "client_id": str(uuid.uuid4()), "text": "Nowe"}, callback=True
    )
    assert refused["error"]["code"] == "forbidden"


def test_coming_back_to_ones_room_costs_few_statements_however_much_changed(
    app, make, sock, count_statements
):
    # The venue's Wi-Fi back: a thousand of these within two seconds (issue 15).
    moderator = make.moderator()
    slug, (room, _) = make.panel(moderator)
    (_, ewa_token), (jan, _) = make.participant(slug, room, "Ewa"), make.participant(slug, room, "Jan")
    client = sock(ewa_token)
    joined = client.emit("room:join", {"room_id": room}, callback=True)
    seq, ewa = joined["seq"], joined["participant"]["id"]
    for n in range(30):
        make.post(jan, room, f"w czasie przerwy {n}")
    # What else the ack carries, each with a value a quick read must convert: the
    # rooms' closing time, an anonymous session's 0/1, a broadcast's time.
    with app.app_context():
        panel = db.session.scalar(sa.select(Panel).where(Panel.slug == slug))
        panel.phase, panel.anonymous = Panel.ROOMS_OPEN, True
        panel.rooms_close_at = datetime.now(UTC) + timedelta(minutes=10)
        db.session.commit()
    mod = sock(make.moderator_token(moderator))
    assert mod.emit("session:broadcast", {"slug": slug, "text": "Zostało 10 minut"}, callback=True)["ok"]
    count_statements.clear()
    ack = client.emit("room:join", {"room_id": room, "since": seq}, callback=True)
    assert ack["session"]["anonymous"] is True and ack["session"]["rooms_close_at"]
    assert ack["broadcast"]["text"] == "Zostało 10 minut" and ack["broadcast"]["sent_at"].endswith("+00:00")
    assert ack["ok"] and len(ack["recommendations"]) == 30
    # A participant's socket reads past the ORM: nothing through its session.
    assert [s for s in count_statements if s in ("SELECT", "INSERT", "UPDATE", "DELETE")] == []
    # Through the ORM (a browser that joined several sessions): room, session (sequence,
    # phase, whether a broadcast reached the room), the room's presence and participant
    # in one; the posts with one's +1s in one; the broadcast, as there is one, in a third.
    # The same answer.
    with app.test_request_context():
        count_statements.clear()
        panel_id, through_orm = snapshots.room_return(room, [ewa], seq)
    assert [s for s in count_statements if s in ("SELECT", "INSERT", "UPDATE", "DELETE")] == ["SELECT"] * 3
    assert {**through_orm, "session": {**through_orm["session"], "server_time": 0}} == {
        **{k: v for k, v in ack.items() if k != "ok"},
        "session": {**ack["session"], "server_time": 0},
    }


def test_a_participants_connection_reads_its_place_without_a_session(make, sock, count_statements):
    # A thousand of these within two seconds when the venue's Wi-Fi comes back (issue 15):
    # the token's place is read past the ORM (no checkout ping, no transaction).
    moderator = make.moderator()
    slug, (room, _) = make.panel(moderator)
    (_, ewa_token) = make.participant(slug, room, "Ewa")
    count_statements.clear()
    client = sock(ewa_token)
    assert client.is_connected()
    assert count_statements == []
    # The identity it found is the participant's: they can enter their room.
    assert client.emit("room:join", {"room_id": room}, callback=True)["ok"]
    # A moderator's token is not a participant's: found by the full lookup.
    assert sock(make.moderator_token(moderator)).is_connected()
    # An unknown one is still refused.
    assert not sock("not-a-token").is_connected()
