"""Point 12: a disabled moderator loses moderator powers on sockets that are already open."""

import uuid

from hybrid_sessions.live.connection import revalidate_moderators


def test_disabling_an_account_closes_its_open_console_within_one_check(app, runner, make, scenario, sock):
    s = scenario
    second = make.moderator("druga@example.org")
    other = sock(make.moderator_token(second))
    mine = sock(s["moderator_token"])
    # The second moderator watches a session of their own; the first watches theirs.
    slug2, (room2, _) = make.panel(second, slug="druga-sesja")
    assert other.emit("session:watch", {"slug": slug2}, callback=True)["ok"]
    assert mine.emit("session:watch", {"slug": s["slug"]}, callback=True)["ok"]

    assert runner.invoke(args=["disable-moderator", "druga@example.org"]).exit_code == 0
    with app.app_context():
        closed = revalidate_moderators()
    assert len(closed) == 1
    assert not other.is_connected() and mine.is_connected()

    # The working console still hears its session; the disabled account cannot come back.
    _, token = make.participant(s["slug"], s["room_a"], "Nowa")
    poster = sock(token)
    poster.emit("room:join", {"room_id": s["room_a"]}, callback=True)
    mine.get_received()
    poster.emit(
        "rec:post", {"room_id": s["room_a"], "client_id": str(uuid.uuid4()), "text": "Dalej"}, callback=True
    )
    assert [e["name"] for e in mine.get_received()] == ["rec:new"]
    assert sock(make.moderator_token(second)).is_connected() is False


def test_a_check_with_every_account_active_closes_nothing(app, scenario, sock):
    client = sock(scenario["moderator_token"])
    with app.app_context():
        assert revalidate_moderators() == []
    assert client.is_connected()
