"""P8, the reconnect storm (issue 15): the venue's Wi-Fi drops and everyone comes back.

N participants in R rooms (one client address, as behind a venue NAT) are connected and
joined; moderators watch the session. Then every participant's connection is cut at
once (the TCP connection aborted, no goodbye) and each comes back at a random moment
within `window` seconds, with a new connection and `room:join` with `since` (the last
sequence number it saw), as the room page does. One more participant per room stays
connected and posts once during the outage, so each returning participant has
something to catch up on.

Two ways back: WebSocket only, and the browser's own sequence (long-polling first, then
the upgrade to WebSocket; with the product, identified by the session cookie of the
join form, as a browser is). Measured: re-join time per participant (new connection to
the `room:join` ack), the time until everyone is back, posts missing at the end (lost),
connections refused and acks refused by rate limits, the kernel's dropped connection
attempts (ListenOverflows, /proc/net/netstat: machine-wide, so another program's
overflow would count too), and the notices moderators received meanwhile.

The product runs with its default rate limits here: a real venue's reconnect must pass
them.
"""

import asyncio
import contextlib
import logging
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import socketio

# A cut connection makes each client log its own end; a thousand of them hide the table.
logging.getLogger("engineio.client").setLevel(logging.CRITICAL)
logging.getLogger("socketio.client").setLevel(logging.CRITICAL)

WEBSOCKET = ["websocket"]
BROWSER = ["polling", "websocket"]


@dataclass
class Person:
    room_id: int
    token: str
    cookie: str | None = None
    client: socketio.AsyncClient | None = None
    seen: int = 0
    known: set[int] = field(default_factory=set)
    rejoin_ms: float | None = None
    connect_ms: float | None = None
    back_at: float | None = None
    refusals: int = 0


def listen_overflows() -> dict[str, int]:
    """The kernel's counters of connection attempts dropped at a full accept queue."""
    lines = [line.split() for line in Path("/proc/net/netstat").read_text().splitlines()]
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names[0] == "TcpExt:":
            table = dict(zip(names[1:], map(int, values[1:]), strict=False))
            return {k: table.get(k, 0) for k in ("ListenOverflows", "ListenDrops")}
    return {"ListenOverflows": 0, "ListenDrops": 0}


async def _join_api(http, base, slug, room_id, k) -> str:
    async with http.post(
        f"{base}/api/v1/sessions/{slug}/participants",
        json={"display_name": f"Osoba {k}", "attendance": "remote", "room_id": room_id},
    ) as r:
        assert r.status == 201, await r.text()
        return (await r.json())["token"]


def _session_cookie(response) -> str | None:
    for value in response.headers.getall("Set-Cookie", []):
        match = re.match(r"session=([^;]*)", value)
        if match:
            return match.group(1)
    return None


async def browser_join(http, base: str, slug: str, room_id: int, name: str) -> str:
    """Join through the join form, as a browser does; returns the session cookie."""
    async with http.get(f"{base}/s/{slug}/join") as r:
        assert r.status == 200, r.status
        csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', await r.text()).group(1)
        cookie = _session_cookie(r)
    async with http.post(
        f"{base}/s/{slug}/join",
        data={"csrf_token": csrf, "display_name": name, "attendance": "remote", "room_id": str(room_id)},
        headers={"Cookie": f"session={cookie}"},
        allow_redirects=False,
    ) as r:
        assert r.status == 302, (r.status, await r.text())
        return _session_cookie(r) or cookie


async def _connect(base: str, person: Person, transports: list[str], on_new) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    client.on("rec:new", on_new)
    if person.cookie:
        await client.connect(
            base, headers={"Cookie": f"session={person.cookie}"}, transports=transports, wait_timeout=30
        )
    else:
        await client.connect(base, auth={"token": person.token}, transports=transports, wait_timeout=30)
    return client


def _take(person: Person, recs: list[dict]) -> None:
    for rec in recs:
        person.known.add(rec["id"])
        person.seen = max(person.seen, rec.get("seq") or 0)


async def _join_room(person: Person, since: int | None) -> dict:
    payload = {"room_id": person.room_id} if since is None else {"room_id": person.room_id, "since": since}
    ack = await person.client.call("room:join", payload, timeout=60)
    if ack.get("ok"):
        _take(person, ack["recommendations"])
        person.seen = max(person.seen, ack.get("seq") or 0)
    return ack


def _abort(client: socketio.AsyncClient) -> None:
    """Cut the connection as a dropped Wi-Fi would: no close frame, no disconnect packet."""
    eio = client.eio
    connection = eio.ws._response.connection if eio.current_transport == "websocket" and eio.ws else None
    if connection is not None and connection.transport is not None:
        connection.transport.abort()


async def storm(
    base: str,
    slug: str,
    room_ids: list[int],
    n: int,
    moderators: int,
    moderator_token: str,
    transports: list[str],
    window: float,
    browser_cookies: bool,
    seed: int = 1,
    server_cpu=None,
) -> dict:
    """`server_cpu`, when given, reads the server process's CPU seconds: the storm then
    reports the server's CPU per returning participant (what bounds the return on one core)."""
    rng = random.Random(seed)
    people = [Person(room_ids[k % len(room_ids)], "") for k in range(n)]
    stayers = [Person(room_id, "") for room_id in room_ids]
    gate = asyncio.Semaphore(50)
    errors: list[str] = []
    # Events moderators received during the storm, by name (posts and note changes
    # aside): what each join or leave costs every watching moderator.
    notices: dict[str, int] = {}
    storming = {"now": False}
    content = ("rec:", "note:", "suggestions:")

    def live(person: Person):
        def on_new(rec):
            if rec.get("room_id") == person.room_id:
                _take(person, [rec])

        return on_new

    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def setup(k: int, person: Person) -> None:
            async with gate:
                if browser_cookies:
                    person.cookie = await browser_join(http, base, slug, person.room_id, f"Osoba {k}")
                else:
                    person.token = await _join_api(http, base, slug, person.room_id, k)
                person.client = await _connect(base, person, transports, live(person))
                ack = await _join_room(person, None)
                assert ack["ok"], ack

        await asyncio.gather(*(setup(k, p) for k, p in enumerate(people + stayers)))

    watchers = []
    for _ in range(moderators):
        watcher = socketio.AsyncClient(reconnection=False)

        def count(event, *_):
            if storming["now"] and not event.startswith(content):
                notices[event] = notices.get(event, 0) + 1

        watcher.on("*", count)
        await watcher.connect(base, auth={"token": moderator_token}, transports=WEBSOCKET, wait_timeout=30)
        ack = await watcher.call("session:watch", {"slug": slug}, timeout=60)
        assert ack["ok"], ack
        watchers.append(watcher)

    # One post per room before the drop (everyone has it live), so `since` is real.
    truth: dict[int, set[int]] = {room_id: set() for room_id in room_ids}

    async def post(stayer: Person, text: str) -> None:
        try:
            ack = await stayer.client.call(
                "rec:post",
                {"room_id": stayer.room_id, "client_id": str(uuid.uuid4()), "text": text},
                timeout=60,
            )
        except Exception as exc:  # noqa: BLE001 - counted: a benchmark reports
            errors.append(f"post: {type(exc).__name__}")
            return
        if ack.get("ok"):
            truth[stayer.room_id].add(ack["recommendation"]["id"])
        else:
            errors.append(f"post: {ack.get('error')}")

    await asyncio.gather(*(post(s, "Przed przerwą") for s in stayers))
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline and any(truth[p.room_id] - p.known for p in people):
        await asyncio.sleep(0.05)

    # The drop: every participant's connection cut at once.
    kernel_before = listen_overflows()
    storming["now"] = True
    cpu_before = server_cpu() if server_cpu else None
    t0 = time.perf_counter()
    old = [p.client for p in people]
    # Connections the server already closed before the drop (a missed ping on a loaded
    # machine): they come back like the rest, and are counted.
    closed_before = sum(1 for client in old if not client.connected)
    for client in old:
        _abort(client)

    async def come_back(person: Person, delay: float) -> None:
        await asyncio.sleep(delay)
        start = time.perf_counter()
        while True:
            try:
                person.client = await _connect(base, person, transports, live(person))
                break
            except Exception as exc:  # noqa: BLE001 - a browser retries; counted
                person.refusals += 1
                if person.refusals > 20:
                    errors.append(f"connect: {exc}")
                    return
                await asyncio.sleep(1)
        person.connect_ms = (time.perf_counter() - start) * 1000
        try:
            ack = await _join_room(person, person.seen)
        except Exception as exc:  # noqa: BLE001 - no ack within a minute: counted
            errors.append(f"room:join: {type(exc).__name__}")
            return
        if not ack.get("ok"):
            errors.append(f"room:join: {ack.get('error')}")
            return
        person.back_at = time.perf_counter()
        person.rejoin_ms = (person.back_at - start) * 1000

    async def post_during(stayer: Person, delay: float) -> None:
        await asyncio.sleep(delay)
        await post(stayer, "W czasie przerwy")

    await asyncio.gather(
        *(come_back(p, rng.uniform(0, window)) for p in people),
        *(post_during(s, rng.uniform(0, window)) for s in stayers),
    )
    all_back_s = max((p.back_at or t0) for p in people) - t0
    cpu_storm = server_cpu() - cpu_before if server_cpu else None
    # Anything still on its way live arrives now; what is missing after that is lost.
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline and any(truth[p.room_id] - p.known for p in people):
        await asyncio.sleep(0.05)
    storming["now"] = False
    kernel_after = listen_overflows()

    for client in old:
        with contextlib.suppress(Exception):  # already cut; this only frees its resources
            await client.eio.disconnect(abort=True)
        with contextlib.suppress(Exception):
            await client.eio.http.close()
    await asyncio.gather(
        *(p.client.disconnect() for p in people + stayers if p.client and p.client.connected),
        *(w.disconnect() for w in watchers),
        return_exceptions=True,
    )

    rejoin = sorted(p.rejoin_ms for p in people if p.rejoin_ms is not None)

    def pct(q):
        return (
            round(rejoin[min(len(rejoin) - 1, int(round(q / 100 * (len(rejoin) - 1))))], 1)
            if rejoin
            else None
        )

    connects = sorted(p.connect_ms for p in people if p.connect_ms is not None)
    rate_limited = sum(1 for e in errors if "rate_limited" in e)
    return {
        "rejoin_p50_ms": pct(50),
        "rejoin_p99_ms": pct(99),
        "all_back_s": round(all_back_s, 2),
        # Of the re-join: the new connection alone (handshake, authentication).
        "connect_p50_ms": round(connects[len(connects) // 2], 1) if connects else None,
        "back": len(rejoin),
        "lost": sum(len(truth[p.room_id] - p.known) for p in people) + (n - len(rejoin)),
        "errors": len(errors),
        "error_samples": errors[:3],
        "refused_connections": sum(p.refusals for p in people),
        "closed_before_the_drop": closed_before,
        "refused_by_rate_limits": rate_limited,
        "listen_overflows": kernel_after["ListenOverflows"] - kernel_before["ListenOverflows"],
        "listen_drops": kernel_after["ListenDrops"] - kernel_before["ListenDrops"],
        # Connect, room:join with since, the posts made meanwhile and their deliveries.
        "server_cpu_ms_per_return": round(cpu_storm * 1000 / n, 2) if cpu_storm is not None else None,
        "moderator_notices": round(sum(notices.values()) / max(1, moderators), 1),
        "moderator_notices_by_event": notices,
    }
