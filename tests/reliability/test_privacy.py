"""Point 14: participants withdraw their posts; moderators erase a participant; the
published note never names participants."""

import os
import uuid

import pytest

from hybrid_sessions.extensions import db


def _events(client, name):
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_a_moderator_erases_a_participant_and_items_keep_their_wording(client, scenario, sock):
    s = scenario
    ewa, jan, mod = sock(s["ewa"][1]), sock(s["jan"][1]), sock(s["moderator_token"])
    for c in (ewa, jan):
        c.emit("room:join", {"room_id": s["room_a"]}, callback=True)
    assert mod.emit("session:watch", {"slug": s["slug"]}, callback=True)["ok"]
    posts = [
        ewa.emit(
            "rec:post", {"room_id": s["room_a"], "client_id": str(uuid.uuid4()), "text": t}, callback=True
        )["recommendation"]
        for t in ("Mój adres to Lipowa 5", "Drugi wpis Ewy")
    ]
    jan.emit("rec:vote", {"recommendation_id": posts[0]["id"]}, callback=True)
    merged = mod.emit(
        "note:merge",
        {
            "slug": s["slug"],
            "recommendation_ids": [posts[0]["id"]],
            "text": "Lepsze oznakowanie ulic",
            "section": "Przestrzeń",
        },
        callback=True,
    )
    assert merged["ok"]
    jan.get_received()

    ack = mod.emit("participant:erase", {"slug": s["slug"], "participant_id": s["ewa"][0]}, callback=True)
    assert ack == {"ok": True, "erased": 2}
    updated = _events(jan, "rec:updated")
    assert {r["id"] for r in updated} == {p["id"] for p in posts}
    assert all(
        r["text"] == "" and r["erased"] and r["status"] == "withdrawn" and r["author"]["display_name"] == ""
        for r in updated
    )

    note = mod.emit("session:watch", {"slug": s["slug"]}, callback=True)["note"]
    [item] = note["sections"][0]["items"]
    assert item["text"] == "Lepsze oznakowanie ulic"
    assert item["sources"] == [
        {"recommendation_id": posts[0]["id"], "room_id": s["room_a"], "room_name": "Sala A"}
    ]
    recs = client.get(
        f"/api/v1/sessions/{s['slug']}/recommendations",
        headers={"Authorization": f"Bearer {s['moderator_token']}"},
    ).get_json()["recommendations"]
    assert "Lipowa" not in repr(recs) and "Ewa" not in repr(recs)
    audit = client.get(
        f"/api/v1/sessions/{s['slug']}/audit", headers={"Authorization": f"Bearer {s['moderator_token']}"}
    ).get_json()["events"]
    assert audit[0]["action"] == "participant.erase" and "Ewa" not in repr(audit[0])
    # The erased identity is gone: its token no longer connects.
    assert not sock(s["ewa"][1]).is_connected()


def test_only_the_sessions_moderators_erase_and_only_its_participants(make, scenario, sock):
    s = scenario
    ack = sock(s["jan"][1]).emit(
        "participant:erase", {"slug": s["slug"], "participant_id": s["ewa"][0]}, callback=True
    )
    assert ack["error"]["code"] == "forbidden"
    other_slug, (other_room, _) = make.panel(s["moderator"], slug="inna")
    stranger, _ = make.participant(other_slug, other_room)
    mod = sock(s["moderator_token"])
    ack = mod.emit("participant:erase", {"slug": s["slug"], "participant_id": stranger}, callback=True)
    assert ack["error"]["code"] == "not_found"
    assert (
        mod.emit("participant:erase", {"slug": s["slug"], "participant_id": "1"}, callback=True)["error"][
            "code"
        ]
        == "invalid"
    )


def test_erasing_a_participant_ends_their_open_socket_and_frees_their_place(make, sock):
    moderator = make.moderator()
    slug, (room, _) = make.panel(moderator, rooms=(("Mała sala", 2), ("Duża sala", None)))
    ewa, ewa_token = make.participant(slug, room, "Ewa")
    jan, jan_token = make.participant(slug, room, "Jan")
    ewa_socket, jan_socket = sock(ewa_token), sock(jan_token)
    for c in (ewa_socket, jan_socket):
        assert c.emit("room:join", {"room_id": room}, callback=True)["ok"]
    mod = sock(make.moderator_token(moderator))
    assert mod.emit("session:watch", {"slug": slug}, callback=True)["rooms"][0]["participant_count"] == 2

    assert mod.emit("participant:erase", {"slug": slug, "participant_id": ewa}, callback=True)["ok"]
    # Her socket is closed at once: it no longer posts nor receives the room's posts.
    assert not ewa_socket.is_connected()
    rooms = [e["args"][0] for e in mod.get_received() if e["name"] == "rooms:updated"][-1]["rooms"]
    assert rooms[0]["participant_count"] == 1
    # The place is free for someone else right away.
    newcomer, newcomer_token = make.participant(slug, room, "Ola")
    ola = sock(newcomer_token)
    assert ola.emit("room:join", {"room_id": room}, callback=True)["ok"]
    ack = ola.emit(
        "rec:post", {"room_id": room, "client_id": str(uuid.uuid4()), "text": "Ławki"}, callback=True
    )
    assert ack["ok"]
    assert [e for e in jan_socket.get_received() if e["name"] == "rec:new"]


def test_an_erased_name_and_post_are_gone_from_the_sqlite_files(app, make, sock):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        pytest.skip("the embedded SQLite file only")
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    moderator = make.moderator()
    slug, (room, _) = make.panel(moderator)
    zofia, _ = make.participant(slug, room, "Zofia Wyjątkowska")
    make.post(zofia, room, "Mój numer to 600-100-200")
    mod = sock(make.moderator_token(moderator))
    assert mod.emit("participant:erase", {"slug": slug, "participant_id": zofia}, callback=True)["ok"]

    def on_disk() -> bytes:
        return b"".join(open(p, "rb").read() for p in (path, path + "-wal") if os.path.exists(p))

    contents = on_disk()
    assert "Wyjątkowska".encode() not in contents
    assert b"600-100-200" not in contents
    with app.app_context():
        assert db.session.execute(db.text("PRAGMA secure_delete")).scalar() == 1
