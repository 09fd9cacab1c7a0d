"""Point 2: an ack means committed. SIGKILL the server right after acks; after a restart
every acked post is there, none twice. Point 9: an oversized frame closes only its own
connection."""

import os
import queue
import threading
import uuid

import pytest
import requests

from harness.api import create_session, join, moderator_token
from harness.live import LiveClient
from harness.servers import PostgresDatabase, ServerProcess


@pytest.fixture
def server(tmp_path):
    """The embedded SQLite server; on PostgreSQL when the suite runs against it."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        with (
            PostgresDatabase() as database,
            ServerProcess(tmp_path, {"DATABASE_URL": database.url, "SECRET_KEY": "durability"}) as process,
        ):
            yield process
    else:
        with ServerProcess(tmp_path) as process:
            yield process


def test_every_acked_post_survives_sigkill_and_retries_add_nothing(server):
    base = server.base
    token = moderator_token(base)
    session = create_session(base, {"title": "Awaria zasilania", "rooms": [{"name": "Sala"}]}, token)
    slug, room = session["slug"], session["rooms"][0]["id"]
    tokens = [join(base, slug, f"Osoba {n}", room) for n in range(10)]
    writers = [LiveClient(base, t) for t in tokens]
    for client in writers:
        assert client.call("room:join", {"room_id": room}, timeout=10)["ok"]

    acked, sent = queue.Queue(), {}

    def write(n, client):
        for k in range(5):
            client_id, text = str(uuid.uuid4()), f"osoba {n} wpis {k}"
            sent[client_id] = n
            ack = client.call("rec:post", {"room_id": room, "client_id": client_id, "text": text}, timeout=10)
            assert ack["ok"], ack
            acked.put(ack["recommendation"])

    threads = [threading.Thread(target=write, args=(n, c)) for n, c in enumerate(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    server.kill()  # the moment the last ack arrived: no graceful shutdown
    for client in writers:
        client.close()
    acked_recs = {r["client_id"]: r for r in (acked.get_nowait() for _ in range(acked.qsize()))}
    assert len(acked_recs) == 50

    server.start()
    headers = {"Authorization": f"Bearer {token}"}
    stored = requests.get(f"{base}/api/v1/sessions/{slug}/recommendations", headers=headers).json()[
        "recommendations"
    ]
    assert {r["id"]: r["text"] for r in stored} == {r["id"]: r["text"] for r in acked_recs.values()}

    # A client that saw only the first half catches up on the rest after the restart.
    ordered = sorted(acked_recs.values(), key=lambda r: r["seq"])
    midpoint = ordered[24]["seq"]
    late = LiveClient(base, tokens[0])
    delta = late.call("room:join", {"room_id": room, "since": midpoint}, timeout=10)
    assert sorted(r["id"] for r in delta["recommendations"]) == sorted(r["id"] for r in ordered[25:])
    late.close()

    # Every participant comes back and resends everything, as after lost acks.
    for n, participant_token in enumerate(tokens):
        client = LiveClient(base, participant_token)
        for client_id in [c for c, owner in sent.items() if owner == n]:
            ack = client.call(
                "rec:post", {"room_id": room, "client_id": client_id, "text": "ponownie"}, timeout=10
            )
            assert ack["duplicate"] is True and ack["recommendation"]["id"] == acked_recs[client_id]["id"]
        client.close()
    again = requests.get(f"{base}/api/v1/sessions/{slug}/recommendations", headers=headers).json()[
        "recommendations"
    ]
    assert len(again) == 50 and len({r["client_id"] for r in again}) == 50


def test_a_frame_over_the_size_limit_closes_only_that_connection(server):
    base = server.base
    session = create_session(base, {"title": "Za duża ramka", "rooms": [{"name": "Sala"}]})
    slug, room = session["slug"], session["rooms"][0]["id"]
    attacker, bystander = (
        LiveClient(base, join(base, slug, "Napastnik", room)),
        LiveClient(base, join(base, slug, "Ktoś", room)),
    )
    closed = threading.Event()
    attacker.on("disconnect", lambda *args: closed.set())
    assert bystander.call("room:join", {"room_id": room}, timeout=10)["ok"]
    attacker.emit("rec:post", {"room_id": room, "client_id": str(uuid.uuid4()), "text": "x" * 200_000})
    assert closed.wait(timeout=10), "the server kept a connection that sent a 200 KB frame"
    ack = bystander.call(
        "rec:post", {"room_id": room, "client_id": str(uuid.uuid4()), "text": "Dalej działa"}, timeout=10
    )
    assert ack["ok"]
    bystander.close()
    assert requests.get(base + "/").status_code == 200
