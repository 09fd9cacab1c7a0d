"""The benchmark suite: the product against a bare Flask-SocketIO baseline measured in the
same run. One command:

    python -m benchmarks.run          # the CI scale: small, under 2 minutes
    python -m benchmarks.run --full   # the full scale (1,000 people in 100 rooms), 3 runs each

The server under test is pinned to core 0 and the load generator to core 1 (taskset /
sched_setaffinity). Every configuration runs `--runs` times (3 at full scale) and is
reported as min / median / max. Results go to benchmarks/results/ as JSON and a Markdown
table. The exit status is non-zero only when the product is broken (lost deliveries or
error acks), never because of a timing: timings are reported, not asserted.
"""

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import socketio

from benchmarks import loadgen, moderator_pushes, storm
from harness.api import moderator_token
from harness.live import LiveClient
from harness.servers import RedisServer, ServerProcess

ROOT = Path(__file__).resolve().parents[1]

SERVER_CORE, LOAD_CORE = "0", 1
# The per-person and per-address limits protect a real event; a load generator is one
# address posting for a thousand people, so the benchmark lifts them.
NO_LIMITS = {
    "RATE_LIMIT_POST": "1000000/minute",
    "RATE_LIMIT_VOTE": "1000000/minute",
    "RATE_LIMIT_LIVE_PER_ADDRESS": "100000000/minute",
    "RATE_LIMIT_JOIN_PER_ADDRESS": "100000000/minute",
    "RATE_LIMIT_SIGN_IN_PER_ADDRESS": "1000000/minute",
}


# --- targets ---------------------------------------------------------------------------


# The reconnect storm keeps the product's own limits: a venue coming back must pass
# them. Only joining (the set-up, not the storm) is lifted, so one load generator can
# seat the whole venue in a few seconds.
VENUE_LIMITS = {"RATE_LIMIT_JOIN_PER_ADDRESS": "100000000/minute"}


class Target:
    def __init__(
        self, kind: str, tmp: Path, env: dict | None = None, rooms: int = 100, limits: dict = NO_LIMITS
    ):
        self.kind = kind
        instance = tmp / f"{kind}-{time.monotonic_ns()}"
        instance.mkdir()
        pin = ("taskset", "-c", SERVER_CORE) if _can_pin() else ()
        extra = {**limits, "BASELINE_ROOMS": str(rooms), **(env or {})}
        script = "wsgi.py" if kind == "product" else "benchmarks/baseline_server.py"
        self.server = ServerProcess(instance, extra, script=script, prefix=pin)
        self.rooms = rooms

    def __enter__(self):
        if self.kind == "product":
            self.server.prepare()
        self.server.start()
        self.base = self.server.base
        self.token = moderator_token(self.base) if self.kind == "product" else "baseline-moderator"
        return self

    def __exit__(self, *exc):
        self.server.stop()

    @property
    def pid(self) -> int:
        return self.server.process.pid

    def session(self, rooms: int) -> tuple[str, list[int]]:
        body = {
            "title": "Benchmark",
            "starts_at": "2030-01-01T10:00:00+01:00",
            "ends_at": "2030-01-01T12:00:00+01:00",
            "rooms": [{"name": f"Sala {n + 1}"} for n in range(rooms)],
        }
        response = requests.post(
            f"{self.base}/api/v1/sessions", json=body, headers={"Authorization": f"Bearer {self.token}"}
        )
        assert response.status_code == 201, response.text
        created = response.json()
        return created["slug"], [r["id"] for r in created["rooms"]][:rooms]


def _can_pin() -> bool:
    return (
        os.cpu_count()
        and os.cpu_count() >= 2
        and subprocess.run(["which", "taskset"], capture_output=True).returncode == 0
    )


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_kb(pid: int) -> int:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    return int(match.group(1))


# --- scenarios -------------------------------------------------------------------------


async def _fanout(target: Target, n: int, rooms: int, m: int, rate: float, posts: int) -> dict:
    slug, room_ids = target.session(rooms)
    stats = loadgen.Stats()
    population = await loadgen.populate(target.base, slug, room_ids, n, m, target.token, stats.on_new)
    try:
        await loadgen.post_load(population, stats, rate, posts)
    finally:
        await loadgen.close(population)
    return stats.summary()


def p1_fanout(target: Target, scale: dict) -> dict:
    """P1: many people, many rooms, a steady post rate; latency at every peer."""
    return asyncio.run(_fanout(target, scale["n"], scale["rooms"], 3, scale["rate"], scale["posts"]))


def p2_burst(target: Target, scale: dict) -> dict:
    """P2: raise the post rate until p99 ack exceeds 250 ms; the last rate that held."""
    sustained, steps = 0.0, []
    for rate in scale["burst_rates"]:
        result = asyncio.run(
            _fanout(
                target, scale["burst_n"], scale["burst_rooms"], 1, rate, int(rate * scale["burst_seconds"])
            )
        )
        steps.append(
            {"rate": rate, **{k: result[k] for k in ("ack_p99_ms", "throughput_posts_s", "lost", "errors")}}
        )
        if result["ack_p99_ms"] is None or result["ack_p99_ms"] > 250 or result["errors"] or result["lost"]:
            break
        sustained = result["throughput_posts_s"]
    return {
        "sustained_posts_s": sustained,
        "steps": steps,
        "lost": sum(s["lost"] for s in steps),
        "errors": sum(s["errors"] for s in steps),
    }


def p5_memory(target: Target, scale: dict) -> dict:
    """P5: resident memory per connected, joined participant."""

    async def go():
        slug, room_ids = target.session(scale["rooms"])
        warm = await loadgen.populate(target.base, slug, room_ids, 10, 0, target.token, lambda rec: None)
        half = scale["n"] // 2
        before = _rss_kb(target.pid)
        first = await loadgen.populate(target.base, slug, room_ids, half, 0, target.token, lambda rec: None)
        middle = _rss_kb(target.pid)
        second = await loadgen.populate(target.base, slug, room_ids, half, 0, target.token, lambda rec: None)
        after = _rss_kb(target.pid)
        for population in (second, first, warm):
            await loadgen.close(population)
        return {
            "rss_before_kb": before,
            "rss_after_kb": after,
            # Everything the crowd added, including the heap the joining itself grew
            # (50 joins in flight at a time): a fixed cost, not one per person.
            "kb_per_participant": round((after - before) / (2 * half), 1),
            # What the second half added, once that heap exists: the cost of one more
            # connected, joined person.
            "kb_marginal": round((after - middle) / half, 1),
            "lost": 0,
            "errors": 0,
        }

    return asyncio.run(go())


def p6_cost_per_delivery(target: Target, scale: dict) -> dict:
    """P6: server CPU seconds per delivered rec:new, rooms of 5 vs rooms of 100."""
    out = {"lost": 0, "errors": 0}
    for size in (5, 100):
        rooms = max(1, scale["p6_people"] // size)
        posts = scale["p6_deliveries"] // size

        async def go(rooms=rooms, size=size, posts=posts):
            slug, room_ids = target.session(rooms)
            stats = loadgen.Stats()
            population = await loadgen.populate(
                target.base, slug, room_ids, rooms * size, 0, target.token, stats.on_new
            )
            cpu0 = _cpu_seconds(target.pid)
            await loadgen.post_load(population, stats, scale["p6_rate"], posts)
            cpu = _cpu_seconds(target.pid) - cpu0
            await loadgen.close(population)
            return stats.summary(), cpu

        summary, cpu = asyncio.run(go())
        out[f"room_{size}_us_per_delivery"] = round(cpu / max(1, summary["deliveries_received"]) * 1e6, 1)
        out[f"room_{size}_ms_per_post"] = round(cpu / max(1, summary["posts_acked"]) * 1e3, 3)
        out["lost"] += summary["lost"]
        out["errors"] += summary["errors"]
    # What one more person in a room costs: the growth of a post's cost per extra recipient.
    out["marginal_us_per_recipient"] = round(
        (out["room_100_ms_per_post"] - out["room_5_ms_per_post"]) / 95 * 1000, 1
    )
    return out


def _storm(target: Target, scale: dict, transports: list[str]) -> dict:
    slug, room_ids = target.session(scale["storm_rooms"])
    out = asyncio.run(
        storm.storm(
            target.base,
            slug,
            room_ids,
            scale["storm_n"],
            3,
            target.token,
            transports,
            scale["storm_window"],
            # A browser is identified by its session cookie; the bare baseline has no
            # cookies and takes the token.
            browser_cookies=transports == storm.BROWSER and target.kind == "product",
            server_cpu=lambda: _cpu_seconds(target.pid),
        )
    )
    if target.kind == "baseline":
        # The bare framework keeps no posts, so it has nothing to catch up with: its
        # "missing" posts say nothing about loss.
        out["missing_without_catch_up"] = out.pop("lost")
    return out


def p8_storm_websocket(target: Target, scale: dict) -> dict:
    """P8: every participant drops and comes back within the window, over WebSocket."""
    return _storm(target, scale, storm.WEBSOCKET)


def p9_storm_browser(target: Target, scale: dict) -> dict:
    """P9: the same storm with the browser's sequence: long-polling, then the upgrade."""
    return _storm(target, scale, storm.BROWSER)


def p10_post_now(target: Target, scale: dict) -> dict:
    """P10: "post now!": the P1 crowd posting at 200 posts/s for a few seconds."""
    return asyncio.run(
        _fanout(
            target,
            scale["n"],
            scale["rooms"],
            3,
            scale["post_now_rate"],
            int(scale["post_now_rate"] * scale["post_now_seconds"]),
        )
    )


def p11_reload_wave(target: Target, scale: dict) -> dict:
    """P11: joined participants and moderators reloading their pages (wrk, 50
    connections, each request another person's cookie)."""
    if target.kind == "baseline":
        return {"hello": _wrk(target.base + "/hello", scale["wrk_seconds"]), "lost": 0, "errors": 0}
    slug, room_ids = target.session(scale["reload_rooms"])
    people = asyncio.run(_cookies(target, slug, room_ids, scale["reload_people"]))
    moderator = _moderator_cookie(target.base)
    out = {"lost": 0, "errors": 0}
    # The room pages twice: first as after a restart, nothing kept (every room's page
    # rendered by the wave itself; reported), then as a hall reloads in the middle of a
    # session (each person opened their room page when they joined: the join form
    # redirects there), which the target is for. Then the console, and each joined
    # participant's panel page (the link back from the room page).
    rooms = [(f"/s/{slug}/rooms/{room}", cookie) for room, cookie in people]
    pages = {
        "room_restart": rooms,
        "room": rooms,
        "console": [(f"/s/{slug}/moderate", moderator)],
        "panel": [(f"/s/{slug}", cookie) for _, cookie in people],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for name, requests_ in pages.items():
            listing = Path(tmp) / f"{name}.tsv"
            listing.write_text("".join(f"{path}\t{cookie}\n" for path, cookie in requests_))
            script = ["-s", str(ROOT / "benchmarks" / "wrk_people.lua")]
            out[name] = _wrk(
                target.base + requests_[0][0], scale["wrk_seconds"], script, ["--", str(listing)]
            )
            out["errors"] += out[name]["non_2xx"]
    return out


async def _cookies(target: Target, slug: str, room_ids: list[int], n: int) -> list[tuple[int, str]]:
    import aiohttp

    gate = asyncio.Semaphore(20)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def one(k: int) -> tuple[int, str]:
            room = room_ids[k % len(room_ids)]
            async with gate:
                return room, await storm.browser_join(http, target.base, slug, room, f"Osoba {k}")

        return list(await asyncio.gather(*(one(k) for k in range(n))))


def _moderator_cookie(base: str) -> str:
    from harness.servers import MODERATORS

    http = requests.Session()
    page = http.get(f"{base}/login")
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    email, password = next(iter(MODERATORS.items()))
    answer = http.post(
        f"{base}/login",
        data={"csrf_token": csrf, "email": email, "password": password},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text
    # The sign-in flashes a message, shown (and taken off the cookie) by the next page;
    # wrk sends one cookie over and over, so it must be the one after that page.
    http.get(f"{base}/")
    return http.cookies["session"]


def p3_growth(target: Target, scale: dict) -> dict:
    """P3 (product only): ack with many stored posts, the console snapshot of a big session,
    publishing a long note."""
    stats = {}
    small = dict(n=50, rooms=10, m=1, rate=10, posts=scale["p3_posts"])

    async def ack_p50(slug, room_ids):
        s = loadgen.Stats()
        population = await loadgen.populate(
            target.base, slug, room_ids, small["n"], small["m"], target.token, s.on_new
        )
        await loadgen.post_load(population, s, small["rate"], small["posts"])
        await loadgen.close(population)
        return s.summary()

    # First on an empty database, then after a long event's worth of stored posts
    # (in other sessions, as a year of events would leave them), each in a new session.
    empty = asyncio.run(ack_p50(*target.session(10)))
    seeded = _seed(target, scale)
    full = asyncio.run(ack_p50(*target.session(10)))
    stats["ack_p50_empty_ms"], stats["ack_p50_20k_ms"] = empty["ack_p50_ms"], full["ack_p50_ms"]
    stats |= asyncio.run(_snapshot_and_publish(target, seeded, scale))
    stats["lost"] = empty["lost"] + full["lost"]
    stats["errors"] = empty["errors"] + full["errors"]
    return stats


async def _snapshot_and_publish(target: Target, seeded: dict, scale: dict) -> dict:
    # The asyncio client, like every other measurement: the threaded client's WebSocket
    # library alone took ~220 ms to receive the 1.4 MB snapshot of 5,000 posts.
    moderator = socketio.AsyncClient(reconnection=False)
    await moderator.connect(
        target.base, auth={"token": target.token}, transports=["websocket"], wait_timeout=10
    )
    try:
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            ack = await moderator.call("session:watch", {"slug": seeded["snapshot_slug"]}, timeout=60)
            times.append((time.perf_counter() - t0) * 1000)
            assert ack["ok"] and len(ack["recommendations"]) == scale["p3_snapshot"]
        t0 = time.perf_counter()
        ack = await moderator.call("note:publish", {"slug": seeded["publish_slug"]}, timeout=60)
        publish_ms = (time.perf_counter() - t0) * 1000
        assert ack["ok"], ack
    finally:
        await moderator.disconnect()
    return {"watch_snapshot_ms": round(statistics.median(times), 1), "publish_ms": round(publish_ms, 1)}


def _seed(target: Target, scale: dict) -> dict:
    """Fill the product's database directly (as a long event would): one session with
    `p3_stored` posts, one with `p3_snapshot`, one with a note of `p3_items` items."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.seed",
            str(scale["p3_stored"]),
            str(scale["p3_snapshot"]),
            str(scale["p3_items"]),
        ],
        cwd=ROOT,
        env=target.server.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def p4_pages(target: Target, scale: dict) -> dict:
    """P4: pages under 50 concurrent connections (wrk)."""
    if target.kind == "product":
        slug, _ = target.session(4)
        with LiveClient(target.base, target.token, wait_timeout=10) as moderator:
            moderator.call(
                "note:merge",
                {"slug": slug, "recommendation_ids": [], "text": "Punkt notatki", "section": "A"},
            )
            moderator.call("note:publish", {"slug": slug})
        urls = {"panel": f"/s/{slug}", "note": f"/s/{slug}/note"}
    else:
        urls = {"hello": "/hello"}
    out = {"lost": 0, "errors": 0}
    for name, path in urls.items():
        out[name] = _wrk(target.base + path, scale["wrk_seconds"])
    if target.kind == "product":
        # Anonymous visitors get the page cache's copy; anyone with a session cookie
        # (joined, signed in) gets the page rendered for them, every time.
        out["panel_rendered"] = _wrk(
            target.base + urls["panel"], scale["wrk_seconds"], ["-H", "Cookie: session=visitor"]
        )
    return out


def _wrk(url: str, seconds: int, extra: list[str] = (), after: list[str] = ()) -> dict:
    pin = ["taskset", "-c", str(LOAD_CORE)] if _can_pin() else []
    result = subprocess.run(
        [*pin, "wrk", "-t1", "-c50", f"-d{seconds}s", "--latency", *extra, url, *after],
        capture_output=True,
        text=True,
    )
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", result.stdout)
    factor = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    return {
        "rps": rps,
        "p99_ms": round(float(p99.group(1)) * factor, 2),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
    }


def p13_moderator_pushes(target: Target, scale: dict) -> dict:
    """P13: session:broadcast and session:phase delivered to every connected participant."""
    slug, room_ids = target.session(scale["p13_rooms"])
    return asyncio.run(
        moderator_pushes.run(target.base, target.token, slug, room_ids, scale["p13_n"], scale["p13_pushes"])
    )


# --- running and reporting --------------------------------------------------------------

SCALES = {
    "ci": dict(
        n=100,
        rooms=10,
        rate=20,
        posts=100,
        burst_n=60,
        burst_rooms=6,
        burst_rates=[25, 50, 100],
        burst_seconds=2,
        wrk_seconds=2,
        p6_people=100,
        p6_deliveries=1000,
        p6_rate=40,
        p3_stored=2000,
        p3_snapshot=500,
        p3_items=50,
        p3_posts=40,
        storm_n=100,
        storm_rooms=10,
        storm_window=2,
        post_now_rate=200,
        post_now_seconds=2,
        reload_rooms=10,
        reload_people=50,
        p13_n=100,
        p13_rooms=10,
        p13_pushes=5,
    ),
    "full": dict(
        n=1000,
        rooms=100,
        rate=45,
        posts=900,
        burst_n=200,
        burst_rooms=20,
        burst_rates=[25, 50, 100, 150, 200, 300, 400, 600],
        burst_seconds=4,
        wrk_seconds=10,
        p6_people=200,
        p6_deliveries=4000,
        p6_rate=40,
        p3_stored=20000,
        p3_snapshot=5000,
        p3_items=500,
        p3_posts=100,
        storm_n=1000,
        storm_rooms=100,
        storm_window=2,
        post_now_rate=200,
        post_now_seconds=10,
        reload_rooms=100,
        reload_people=1000,
        p13_n=1000,
        p13_rooms=100,
        p13_pushes=20,
    ),
}
SCENARIOS = {
    "P1": p1_fanout,
    "P2": p2_burst,
    "P3": p3_growth,
    "P4": p4_pages,
    "P5": p5_memory,
    "P6": p6_cost_per_delivery,
    "P8": p8_storm_websocket,
    "P9": p9_storm_browser,
    "P10": p10_post_now,
    "P11": p11_reload_wave,
    "P13": p13_moderator_pushes,
}
BASELINE_TOO = {"P1", "P2", "P4", "P5", "P6", "P8", "P9", "P10", "P11", "P13"}
WITH_VENUE_LIMITS = {"P8", "P9"}


def run_all(args) -> dict:
    scale = SCALES["full" if args.full else "ci"]
    runs = args.runs or (3 if args.full else 1)
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name in args.scenarios:
            for kind in ("product", "baseline") if name in BASELINE_TOO else ("product",):
                for mode in args.modes:
                    for queue in args.queues:
                        label = f"{name} {kind} {mode}" + (" +redis" if queue else "")
                        samples = []
                        for _ in range(runs):
                            env = {"ASYNC_MODE": mode}
                            redis = None
                            if queue:
                                redis = RedisServer(tmp).start()
                                env |= {
                                    "MESSAGE_QUEUE_URL": redis.url,
                                    "MESSAGE_QUEUE_CHANNEL": f"bench-{redis.port}",
                                }
                            try:
                                limits = VENUE_LIMITS if name in WITH_VENUE_LIMITS else NO_LIMITS
                                with Target(kind, tmp, env, limits=limits) as target:
                                    samples.append(SCENARIOS[name](target, scale))
                            finally:
                                if redis:
                                    redis.stop()
                        results[label] = samples
                        print(f"{label}: {json.dumps(samples[-1])[:300]}", flush=True)
    return {"scale": "full" if args.full else "ci", "runs": runs, "machine": _machine(), "results": results}


def _machine() -> dict:
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    return {
        "cores": os.cpu_count(),
        "cpu": cpu.group(1) if cpu else "?",
        "python": sys.version.split()[0],
        "pinned": bool(_can_pin()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Hybrid Sessions benchmarks (product vs bare Flask-SocketIO)"
    )
    parser.add_argument("--full", action="store_true", help="the full scale (default: the small CI scale)")
    parser.add_argument("--runs", type=int, help="runs per configuration (default 3 full, 1 CI)")
    parser.add_argument("--scenarios", nargs="+", default=None, choices=sorted(SCENARIOS))
    parser.add_argument(
        "--modes", nargs="+", default=["eventlet"], choices=["eventlet", "gevent", "threading"]
    )
    parser.add_argument(
        "--queue",
        dest="queues",
        action="store_const",
        const=[False, True],
        default=[False],
        help="also run every configuration with a Redis message queue (P7)",
    )
    args = parser.parse_args()
    args.scenarios = args.scenarios or (
        sorted(SCENARIOS) if args.full else ["P1", "P5", "P6", "P8", "P9", "P10", "P11", "P13"]
    )
    if _can_pin():
        os.sched_setaffinity(0, {LOAD_CORE})
    report = run_all(args)
    from benchmarks.report import write_report

    table, broken = write_report(report, ROOT / "benchmarks" / "results")
    print(table)
    if broken:
        print(f"BROKEN: {broken}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
