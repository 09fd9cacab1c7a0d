"""Point 13: every moderator action is recorded with who and when, for that session's
moderators. Point 7's security log line names the event and a token hash, never the token."""

import logging
import uuid

from tests.conftest import PASSWORD  # noqa: F401 - fixtures share the moderator password


def test_every_note_action_is_in_the_audit_log_with_who_and_when(client, scenario, sock):
    s = scenario
    mod = sock(s["moderator_token"])
    ewa = sock(s["ewa"][1])
    ewa.emit("room:join", {"room_id": s["room_a"]}, callback=True)
    rec = ewa.emit(
        "rec:post", {"room_id": s["room_a"], "client_id": str(uuid.uuid4()), "text": "Ławki"}, callback=True
    )
    slug = s["slug"]
    item = mod.emit(
        "note:merge",
        {
            "slug": slug,
            "recommendation_ids": [rec["recommendation"]["id"]],
            "text": "Więcej ławek",
            "section": "Przestrzeń",
        },
        callback=True,
    )["item"]
    mod.emit("note:edit_item", {"slug": slug, "item_id": item["id"], "text": "Ławki w cieniu"}, callback=True)
    mod.emit("note:summary", {"slug": slug, "summary": "Krótko."}, callback=True)
    mod.emit("note:publish", {"slug": slug}, callback=True)
    mod.emit("note:remove_item", {"slug": slug, "item_id": item["id"]}, callback=True)

    headers = {"Authorization": f"Bearer {s['moderator_token']}"}
    events = client.get(f"/api/v1/sessions/{slug}/audit", headers=headers).get_json()["events"]
    assert [e["action"] for e in events] == [
        "note.remove_item",
        "note.publish",
        "note.summary",
        "note.edit_item",
        "note.merge",
        "session.create",
    ]
    assert all(e["moderator"] == "Moderatorka" and e["at"].endswith("+00:00") for e in events)
    removed = events[0]["details"]
    assert removed["text"] == "Ławki w cieniu" and removed["recommendation_ids"] == [
        rec["recommendation"]["id"]
    ]
    assert events[3]["details"]["before"]["text"] == "Więcej ławek"
    # The same log over the socket, for the console.
    assert mod.emit("session:audit", {"slug": slug}, callback=True)["events"] == events


def test_the_audit_log_is_for_the_sessions_moderators_only(client, make, scenario, sock):
    url = f"/api/v1/sessions/{scenario['slug']}/audit"
    assert client.get(url).status_code == 401
    outsider = make.moderator_token(make.moderator("obcy@example.org"))
    assert client.get(url, headers={"Authorization": f"Bearer {outsider}"}).status_code == 403
    ack = sock(scenario["ewa"][1]).emit("session:audit", {"slug": scenario["slug"]}, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"


def test_a_refused_action_is_not_in_the_audit_log(client, scenario, sock):
    mod = sock(scenario["moderator_token"])
    ack = mod.emit(
        "note:merge",
        {"slug": scenario["slug"], "recommendation_ids": [999999], "text": "x", "section": "y"},
        callback=True,
    )
    assert ack["ok"] is False
    events = client.get(
        f"/api/v1/sessions/{scenario['slug']}/audit",
        headers={"Authorization": f"Bearer {scenario['moderator_token']}"},
    ).get_json()["events"]
    assert [e["action"] for e in events] == ["session.create"]


def test_a_forbidden_event_leaves_a_security_line_with_a_token_hash_not_the_token(scenario, sock, caplog):
    token = scenario["ewa"][1]
    participant = sock(token)
    with caplog.at_level(logging.WARNING, logger="hybrid_sessions.live.events"):
        ack = participant.emit("note:publish", {"slug": scenario["slug"]}, callback=True)
    assert ack["error"]["code"] == "forbidden"
    [line] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("security:")]
    assert "note:publish" in line and "forbidden" in line
    import hashlib

    assert hashlib.sha256(token.encode()).hexdigest()[:12] in line
    assert token not in caplog.text and token.split("_", 1)[1] not in caplog.text
