"""Guarantee 28: closing the rooms loses nothing typed. A post typed before the close,
still in a phone's outbox when the rooms close, is accepted when it arrives within the
grace; one typed after the close is refused with `closed`; a retry of a saved post gets
it back in every phase."""

import uuid
from datetime import timedelta

import sqlalchemy as sa

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Recommendation
from hybrid_sessions.models.types import utcnow
from hybrid_sessions.services import panels, phases


def _post(client, room, text, queued_at=None, client_id=None):
    payload = {"room_id": room, "client_id": client_id or str(uuid.uuid4()), "text": text}
    if queued_at is not None:
        payload["queued_at"] = queued_at.isoformat()
    return client.emit("rec:post", payload, callback=True)


def _texts(app):
    with app.app_context():
        return set(db.session.scalars(sa.select(Recommendation.text)))


def test_a_post_queued_before_the_close_is_accepted_after_it_and_one_typed_after_is_not(scenario, sock, make):
    s = scenario
    moderator, ewa = sock(s["moderator_token"]), sock(s["ewa"][1])
    assert ewa.emit("room:join", {"room_id": s["room_a"]}, callback=True)["ok"]
    saved = _post(ewa, s["room_a"], "Zapisane przed zamknięciem")["recommendation"]
    # The phone typed this while the rooms were open; its socket was reconnecting.
    typed_before = utcnow() - timedelta(seconds=5)
    assert moderator.emit("session:phase", {"slug": s["slug"], "phase": "rooms_closed"}, callback=True)["ok"]

    late = _post(ewa, s["room_a"], "Z kolejki telefonu", typed_before)
    assert late["ok"], late
    refused = _post(ewa, s["room_a"], "Napisane po zamknięciu", utcnow())
    assert refused == {**refused, "ok": False} and refused["error"]["code"] == "closed"
    unstamped = _post(ewa, s["room_a"], "Bez znacznika")
    assert unstamped["error"]["code"] == "closed"
    # A retry of a post already saved is answered with it, not refused.
    retry = _post(ewa, s["room_a"], saved["text"], client_id=saved["client_id"])
    assert retry["ok"] and retry["duplicate"] and retry["recommendation"]["id"] == saved["id"]

    assert _texts(make.app) == {"Zapisane przed zamknięciem", "Z kolejki telefonu"}


def test_the_grace_ends(scenario, sock, make):
    s = scenario
    moderator, ewa = sock(s["moderator_token"]), sock(s["ewa"][1])
    assert ewa.emit("room:join", {"room_id": s["room_a"]}, callback=True)["ok"]
    assert moderator.emit("session:phase", {"slug": s["slug"], "phase": "rooms_closed"}, callback=True)["ok"]
    # The rooms closed longer ago than the grace.
    closed = utcnow() - timedelta(seconds=phases.GRACE_SECONDS + 5)
    with make.app.app_context():
        panel = panels.get_panel(s["slug"])
        panel.closed_at = closed
        db.session.commit()
    refused = _post(ewa, s["room_a"], "Za późno z kolejki", closed - timedelta(seconds=1))
    assert refused["error"]["code"] == "closed"
    assert _texts(make.app) == set()


def test_a_timer_that_ran_out_closes_posting_before_anyone_announces_it(scenario, sock, make):
    s = scenario
    ewa = sock(s["ewa"][1])
    assert ewa.emit("room:join", {"room_id": s["room_a"]}, callback=True)["ok"]
    with make.app.app_context():
        panel = panels.get_panel(s["slug"])
        panel.rooms_close_at = utcnow() - timedelta(seconds=2)
        db.session.commit()
    assert _post(ewa, s["room_a"], "Po czasie", utcnow())["error"]["code"] == "closed"
    # Typed before the timer ran out: within the grace.
    assert _post(ewa, s["room_a"], "Tuż przed czasem", utcnow() - timedelta(seconds=3))["ok"]
    assert _texts(make.app) == {"Tuż przed czasem"}
