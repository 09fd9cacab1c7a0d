"""Issue 15: a wave of joins (a room filling at the start, a venue's Wi-Fi coming back)
reaches a watching moderator as a few notices with the state they end in, not one per
join."""

import time


def _notices(client, until, limit=10.0):
    """rooms:updated notices received until `until(notices)` holds (bounded wait)."""
    notices, deadline = [], time.monotonic() + limit
    while time.monotonic() < deadline:
        notices += [e["args"][0] for e in client.get_received() if e["name"] == "rooms:updated"]
        if until(notices):
            break
        time.sleep(0.02)
    return notices


def test_a_wave_of_joins_reaches_moderators_as_few_notices_with_the_final_places(app, make, sock):
    app.config["NOTICES_DELAY_SECONDS"] = 0.3
    moderator = make.moderator()
    slug, (room_a, room_b) = make.panel(moderator)
    console = sock(make.moderator_token(moderator))
    assert console.emit("session:watch", {"slug": slug}, callback=True)["ok"]
    console.get_received()
    people = [sock(make.participant(slug, None, f"Osoba {n}")[1]) for n in range(12)]
    for person in people:
        assert person.emit("room:join", {"room_id": room_a}, callback=True)["ok"]

    def places(notice):
        return {r["id"]: r["participant_count"] for r in notice["rooms"]}

    notices = _notices(console, lambda got: got and places(got[-1])[room_a] == 12)
    assert notices and places(notices[-1]) == {room_a: 12, room_b: 0}
    assert len(notices) < len(people)
