"""Post → rec:new latency: one process vs two processes sharing PostgreSQL and Redis.

Real python-socketio clients over WebSocket, one clock (this process). Every peer in the
room receives every post; peers are spread over the processes in the two-process case,
so most deliveries cross Redis. Prints a results table and writes JSON to
benchmarks/results/. Timings are reported, never asserted.

    python -m benchmarks.fanout_latency [--peers 20] [--posts 60] [--rate 10]
"""

import argparse
import json
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from harness.api import create_session, join, moderator_token
from harness.live import LiveClient
from harness.servers import Cluster, PostgresDatabase, ServerProcess

ROOT = Path(__file__).resolve().parents[1]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def measure(bases: list[str], peers: int, posts: int, rate: float) -> dict:
    token = moderator_token(bases[0])
    session = create_session(bases[0], {"title": "Pomiar", "rooms": [{"name": "Sala"}]}, token)
    slug, room = session["slug"], session["rooms"][0]["id"]
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    received = [0]
    lock = threading.Lock()

    def on_new(rec):
        now = time.perf_counter()
        with lock:
            if rec["client_id"] in sent_at:
                latencies.append((now - sent_at[rec["client_id"]]) * 1000)
                received[0] += 1

    clients = []
    for n in range(peers):
        base = bases[n % len(bases)]
        client = LiveClient(base, join(base, slug, f"P{n}", room), wait_timeout=10)
        client.on("rec:new", on_new)
        client.ok("room:join", {"room_id": room})
        clients.append(client)
    writers = clients  # posts come from everyone in turn (rate limits are per person)
    acks = []
    for k in range(posts):
        writer = writers[k % len(writers)]
        client_id = str(uuid.uuid4())
        with lock:
            sent_at[client_id] = time.perf_counter()
        start = time.perf_counter()
        ack = writer.call(
            "rec:post", {"room_id": room, "client_id": client_id, "text": f"pomiar {k}"}, timeout=10
        )
        acks.append((time.perf_counter() - start) * 1000)
        assert ack["ok"], ack
        time.sleep(1 / rate)
    expected = posts * peers
    deadline = time.monotonic() + 10
    while received[0] < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    for client in clients:
        client.close()
    return {
        "deliveries_expected": expected,
        "deliveries_lost": expected - received[0],
        "fanout_p50_ms": round(percentile(latencies, 50), 2),
        "fanout_p99_ms": round(percentile(latencies, 99), 2),
        "ack_p50_ms": round(statistics.median(acks), 2),
        "ack_p99_ms": round(percentile(acks, 99), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", type=int, default=20)
    parser.add_argument("--posts", type=int, default=60)
    parser.add_argument("--rate", type=float, default=10.0, help="posts per second")
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "sqlite").mkdir()
        with ServerProcess(tmp / "sqlite") as embedded:
            rows["1 process, SQLite"] = measure([embedded.base], args.peers, args.posts, args.rate)
        (tmp / "single").mkdir()
        with (
            PostgresDatabase() as database,
            ServerProcess(tmp / "single", {"DATABASE_URL": database.url, "SECRET_KEY": "bench"}) as single,
        ):
            rows["1 process, PostgreSQL"] = measure([single.base], args.peers, args.posts, args.rate)
        with Cluster(tmp / "pair") as pair:
            rows["2 processes, PostgreSQL + Redis"] = measure(
                [p.base for p in pair.processes], args.peers, args.posts, args.rate
            )
    header = (
        "| configuration | fan-out p50 ms | fan-out p99 ms | ack p50 ms | ack p99 ms | deliveries | lost |"
    )
    lines = [header, "|" + " --- |" * 7]
    for name, r in rows.items():
        lines.append(
            f"| {name} | {r['fanout_p50_ms']} | {r['fanout_p99_ms']} | {r['ack_p50_ms']} | {r['ack_p99_ms']} "
            f"| {r['deliveries_expected']} | {r['deliveries_lost']} |"
        )
    table = "\n".join(lines)
    print(table)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"fanout-{stamp}.json").write_text(json.dumps({"args": vars(args), "results": rows}, indent=2))
    (out / f"fanout-{stamp}.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
