"""The load generator: N participants in R rooms plus M moderators, as real Socket.IO
clients over WebSocket (python-socketio's asyncio client), joining through the public
API of CONTRACT.md and posting at a Poisson rate.

It measures, on one clock in this process, the time from sending `rec:post` to its ack
and to `rec:new` at every room peer and every moderator, and counts every expected
delivery (lost = expected − received). The same code drives the product and the
baseline server: they speak the same protocol.
"""

import asyncio
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field

import aiohttp
import socketio


@dataclass
class Population:
    base: str
    slug: str
    room_ids: list[int]
    moderator_token: str | None
    participants: list["Peer"] = field(default_factory=list)
    moderators: list["Peer"] = field(default_factory=list)


@dataclass
class Peer:
    client: socketio.AsyncClient
    room_id: int | None


class Stats:
    def __init__(self):
        self.sent_at: dict[str, float] = {}
        self.expected = 0
        self.received = 0
        self.fanout_ms: list[float] = []
        self.ack_ms: list[float] = []
        self.errors: list[str] = []
        self.acked = 0
        self.first_send = None
        self.last_ack = None

    def on_new(self, rec: dict) -> None:
        t0 = self.sent_at.get(rec.get("client_id"))
        if t0 is not None:
            self.fanout_ms.append((time.perf_counter() - t0) * 1000)
            self.received += 1

    def summary(self) -> dict:
        def pct(values, q):
            if not values:
                return None
            ordered = sorted(values)
            return round(ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))], 2)

        span = (self.last_ack - self.first_send) if self.first_send and self.last_ack else 0
        return {
            "posts_acked": self.acked,
            "deliveries_expected": self.expected,
            "deliveries_received": self.received,
            "lost": self.expected - self.received,
            "errors": len(self.errors),
            "error_samples": self.errors[:3],
            "fanout_p50_ms": pct(self.fanout_ms, 50),
            "fanout_p99_ms": pct(self.fanout_ms, 99),
            "ack_p50_ms": round(statistics.median(self.ack_ms), 2) if self.ack_ms else None,
            "ack_p99_ms": pct(self.ack_ms, 99),
            "throughput_posts_s": round(self.acked / span, 1) if span else None,
        }


async def _connect(base: str, token: str, on_new) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    client.on("rec:new", on_new)
    await client.connect(base, auth={"token": token}, transports=["websocket"], wait_timeout=30)
    return client


async def populate(
    base: str,
    slug: str,
    room_ids: list[int],
    n: int,
    m: int,
    moderator_token: str | None,
    on_new,
    concurrency: int = 50,
) -> Population:
    """Join n participants (spread over the rooms) through the API and m moderators."""
    population = Population(base, slug, room_ids, moderator_token)
    gate = asyncio.Semaphore(concurrency)

    async with aiohttp.ClientSession() as http:

        async def one(k: int) -> Peer:
            room = room_ids[k % len(room_ids)]
            async with gate:
                async with http.post(
                    f"{base}/api/v1/sessions/{slug}/participants",
                    json={"display_name": f"Osoba {k}", "attendance": "remote", "room_id": room},
                ) as r:
                    assert r.status == 201, await r.text()
                    token = (await r.json())["token"]
                client = await _connect(base, token, on_new)
                ack = await client.call("room:join", {"room_id": room}, timeout=30)
                assert ack["ok"], ack
                return Peer(client, room)

        population.participants = list(await asyncio.gather(*(one(k) for k in range(n))))

    for _ in range(m):
        client = await _connect(base, moderator_token or "baseline-moderator", on_new)
        ack = await client.call("session:watch", {"slug": slug}, timeout=60)
        assert ack["ok"], ack
        population.moderators.append(Peer(client, None))
    return population


async def close(population: Population) -> None:
    await asyncio.gather(*(p.client.disconnect() for p in population.participants + population.moderators))


async def warm_up(population: Population, posts: int = 10) -> None:
    """A few unmeasured posts first, for the product and the baseline alike: the first
    uses of each code path (query compilation, imports) are not the steady state."""
    for k in range(posts):
        peer = population.participants[k % len(population.participants)]
        await peer.client.call(
            "rec:post",
            {"room_id": peer.room_id, "client_id": str(uuid.uuid4()), "text": f"rozgrzewka {k}"},
            timeout=30,
        )


async def post_load(population: Population, stats: Stats, rate: float, posts: int, seed: int = 1) -> None:
    """Send `posts` posts from random participants with exponential gaps (a Poisson
    process of `rate` posts/s), then wait for every expected delivery (10 s at most)."""
    await warm_up(population)
    rng = random.Random(seed)
    room_sizes: dict[int, int] = {}
    for p in population.participants:
        room_sizes[p.room_id] = room_sizes.get(p.room_id, 0) + 1
    tasks = []

    async def one(peer: Peer, k: int) -> None:
        client_id = str(uuid.uuid4())
        t0 = time.perf_counter()
        stats.sent_at[client_id] = t0
        stats.first_send = stats.first_send or t0
        try:
            ack = await peer.client.call(
                "rec:post",
                {
                    "room_id": peer.room_id,
                    "client_id": client_id,
                    "text": f"Rekomendacja {k}: więcej ławek i cienia",
                },
                timeout=30,
            )
        except Exception as exc:  # noqa: BLE001 - counted, not raised: a benchmark reports
            stats.errors.append(f"{type(exc).__name__}: {exc}")
            return
        now = time.perf_counter()
        if ack.get("ok"):
            stats.acked += 1
            stats.ack_ms.append((now - t0) * 1000)
            stats.last_ack = now
        else:
            stats.errors.append(str(ack.get("error")))
            stats.expected -= room_sizes[peer.room_id] + len(population.moderators)

    next_at = time.perf_counter()
    for k in range(posts):
        peer = rng.choice(population.participants)
        stats.expected += room_sizes[peer.room_id] + len(population.moderators)
        tasks.append(asyncio.create_task(one(peer, k)))
        next_at += rng.expovariate(rate)
        delay = next_at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
    await asyncio.gather(*tasks)
    deadline = time.perf_counter() + 10
    while stats.received < stats.expected and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
