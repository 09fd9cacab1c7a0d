"""Several `python wsgi.py` processes sharing PostgreSQL and a Redis message queue."""

import queue
import uuid

import pytest
import requests

from harness.api import create_session, join, moderator_token
from harness.live import LiveClient
from harness.servers import Cluster

# Two processes on a fresh PostgreSQL database and a private Redis (harness.servers.Cluster).
pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def cluster(tmp_path):
    """Processes A and B on one PostgreSQL database and one password-protected Redis."""
    with Cluster(tmp_path) as running:
        a, b = running.processes
        yield {"a": a, "b": b, "redis": running.redis}


def _setup(cluster):
    a = cluster["a"]
    token = moderator_token(a.base)
    session = create_session(
        a.base, {"title": "Dwa procesy", "rooms": [{"name": "Sala 1"}, {"name": "Sala 2"}]}, token
    )
    return token, session["slug"], [r["id"] for r in session["rooms"]]


def test_participants_on_one_process_and_moderators_on_another_see_each_other_live(cluster):
    a, b = cluster["a"], cluster["b"]
    token, slug, (room1, room2) = _setup(cluster)
    ewa = LiveClient(a.base, join(a.base, slug, "Ewa", room1))
    jan = LiveClient(b.base, join(b.base, slug, "Jan", room1))
    mod_b = LiveClient(b.base, token)
    mod_a = LiveClient(a.base, token)
    try:
        ewa.ok("room:join", {"room_id": room1})
        jan.ok("room:join", {"room_id": room1})
        mod_b.ok("session:watch", {"slug": slug})
        mod_a.ok("session:watch", {"slug": slug})

        rec = ewa.ok("rec:post", {"room_id": room1, "client_id": str(uuid.uuid4()), "text": "Z procesu A"})[
            "recommendation"
        ]
        assert jan.next("rec:new") == rec  # a peer on the other process
        assert mod_b.next("rec:new") == rec
        assert ewa.next("rec:new") == rec
        jan.ok("rec:vote", {"recommendation_id": rec["id"]})
        assert ewa.next("rec:updated")["votes"] == 1

        merged = mod_b.ok(
            "note:merge", {"slug": slug, "recommendation_ids": [rec["id"]], "text": "Punkt", "section": "A"}
        )
        assert mod_a.next("note:updated") == merged["note"]
        published = mod_b.ok("note:publish", {"slug": slug})
        assert ewa.next("note:published") == {"version": published["version"], "url": published["url"]}
        assert jan.next("note:published")["version"] == 1
    finally:
        for client in (ewa, jan, mod_a, mod_b):
            client.close()


def test_a_process_killed_mid_session_loses_no_acked_post_and_its_clients_catch_up_elsewhere(cluster):
    a, b = cluster["a"], cluster["b"]
    token, slug, (room1, _) = _setup(cluster)
    ewa_token = join(a.base, slug, "Ewa", room1)
    ewa = LiveClient(a.base, ewa_token)
    jan = LiveClient(b.base, join(b.base, slug, "Jan", room1))
    try:
        seen = ewa.ok("room:join", {"room_id": room1})["seq"]
        jan.ok("room:join", {"room_id": room1})
        acked = [
            ewa.ok("rec:post", {"room_id": room1, "client_id": str(uuid.uuid4()), "text": f"wpis {n}"})[
                "recommendation"
            ]
            for n in range(4)
        ]
        a.kill()
        ewa.close()
        # While Ewa is away, Jan (on B) posts.
        missed = jan.ok(
            "rec:post", {"room_id": room1, "client_id": str(uuid.uuid4()), "text": "w czasie awarii"}
        )
        # Ewa's page reconnects to the surviving process (the proxy sends her there).
        ewa = LiveClient(b.base, ewa_token)
        delta = ewa.ok("room:join", {"room_id": room1, "since": seen})
        assert sorted(r["id"] for r in delta["recommendations"]) == sorted(
            [r["id"] for r in acked] + [missed["recommendation"]["id"]]
        )
        stored = requests.get(
            f"{b.base}/api/v1/sessions/{slug}/recommendations", headers={"Authorization": f"Bearer {token}"}
        ).json()["recommendations"]
        assert len(stored) == 5
    finally:
        ewa.close()
        jan.close()


def test_a_redis_restart_loses_nothing_and_live_delivery_resumes(cluster):
    a, b, redis = cluster["a"], cluster["b"], cluster["redis"]
    token, slug, (room1, _) = _setup(cluster)
    ewa = LiveClient(a.base, join(a.base, slug, "Ewa", room1))
    mod = LiveClient(b.base, token)
    try:
        ewa.ok("room:join", {"room_id": room1})
        seen = mod.ok("session:watch", {"slug": slug})["seq"]
        redis.stop()
        # Saved and acked even with the queue down; only the live copy to B is lost.
        during = ewa.ok("rec:post", {"room_id": room1, "client_id": str(uuid.uuid4()), "text": "bez kolejki"})
        redis.start()
        # The console's periodic catch-up (or any reconnect) gets it from the database.
        delta = mod.ok("session:watch", {"slug": slug, "since": seen})
        assert [r["id"] for r in delta["recommendations"]] == [during["recommendation"]["id"]]
        # Both processes reconnect to Redis by themselves; live delivery resumes.
        deadline_posts = 0
        while True:
            deadline_posts += 1
            after = ewa.ok(
                "rec:post", {"room_id": room1, "client_id": str(uuid.uuid4()), "text": f"po {deadline_posts}"}
            )
            try:
                got = mod.next("rec:new", timeout=3)
                while got["id"] != after["recommendation"]["id"]:
                    got = mod.next("rec:new", timeout=3)
                break
            except queue.Empty:
                assert deadline_posts < 10, "live delivery did not resume within 30 s of Redis coming back"
    finally:
        ewa.close()
        mod.close()
