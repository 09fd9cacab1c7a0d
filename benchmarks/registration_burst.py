"""Registration burst: many people registering for an event within one minute, against
a real server (`python wsgi.py`, eventlet, embedded SQLite unless --database-url).

    python -m benchmarks.registration_burst            # small: 150 sign-ups in 5 s (< 30 s in all)
    python -m benchmarks.registration_burst --full     # 1,000 sign-ups arriving within 60 s

Each person chooses one of the seven study visits of the 2014 Kraków programme (12–20
places each, so most land on waiting lists) at a uniformly random moment of the window.
Prints a table: response times (p50/p95/p99/max), confirmed and waitlisted per visit, and
the check that no visit got more confirmations than places and that every waiting list is
numbered 1..n. The exit status is non-zero only for over-booking, a broken waiting list
or a failed request — never for a timing.
"""

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import requests

from harness.api import moderator_token
from harness.servers import ServerProcess

CAPACITIES = [20, 12, 20, 15, 15, 15, 15]


def _event(slug: str) -> dict:
    return {
        "title": "Wizyty studyjne – benchmark",
        "slug": slug,
        "days": [
            {
                "date": "2030-11-25",
                "slots": [
                    {
                        "starts_at": "09:30",
                        "ends_at": "11:30",
                        "title": "Wizyty studyjne",
                        "kind": "parallel",
                        "tracks": [
                            {"title": f"Wizyta {n + 1}", "capacity": c} for n, c in enumerate(CAPACITIES)
                        ],
                    }
                ],
            }
        ],
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


async def burst(base: str, slug: str, slot: dict, people: int, window: float, seed: int) -> tuple[list, list]:
    rng = random.Random(seed)
    tracks = [t["id"] for t in slot["tracks"]]
    latencies: list[float] = []
    failures: list[str] = []
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as http:
        start = time.perf_counter()

        async def one(n: int) -> None:
            await asyncio.sleep(rng.uniform(0, window) - (time.perf_counter() - start))
            body = {
                "name": f"Osoba {n}",
                "email": f"osoba{n}@example.org",
                "attendance": "in_room",
                "choices": [{"slot_id": slot["id"], "track_id": rng.choice(tracks)}],
            }
            sent = time.perf_counter()
            try:
                async with http.post(f"{base}/api/v1/events/{slug}/registrations", json=body) as response:
                    await response.read()
                    if response.status != 201:
                        failures.append(f"{response.status}")
            except aiohttp.ClientError as exc:
                failures.append(repr(exc))
                return
            latencies.append((time.perf_counter() - sent) * 1000)

        await asyncio.gather(*(one(n) for n in range(people)))
    return latencies, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="1,000 sign-ups within 60 s")
    parser.add_argument("--people", type=int)
    parser.add_argument("--window", type=float, help="seconds over which the sign-ups arrive")
    parser.add_argument("--database-url", help="PostgreSQL URL (an empty database); default embedded SQLite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    people = args.people or (1000 if args.full else 150)
    window = args.window or (60.0 if args.full else 5.0)

    # One load generator is one address registering for everybody: lift the per-address limit.
    env = {"RATE_LIMIT_REGISTER_PER_ADDRESS": "1000000/minute"}
    if args.database_url:
        env |= {"DATABASE_URL": args.database_url, "SECRET_KEY": "benchmark"}
    with tempfile.TemporaryDirectory() as tmp, ServerProcess(Path(tmp), env) as server:
        token = moderator_token(server.base)
        created = requests.post(
            f"{server.base}/api/v1/events",
            json=_event("burst"),
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        created.raise_for_status()
        slot = created.json()["days"][0]["slots"][0]
        began = time.perf_counter()
        latencies, failures = asyncio.run(burst(server.base, "burst", slot, people, window, args.seed))
        took = time.perf_counter() - began
        event = requests.get(f"{server.base}/api/v1/events/burst", timeout=10).json()
        listed = requests.get(
            f"{server.base}/api/v1/events/burst/registrations",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ).json()["registrations"]

    tracks = event["days"][0]["slots"][0]["tracks"]
    overbooked = [t["title"] for t in tracks if t["confirmed"] > t["capacity"]]
    chosen = {t["id"]: 0 for t in tracks}
    positions: dict[int, list[int]] = {t["id"]: [] for t in tracks}
    for person in listed:
        choice = person["choices"][0]
        chosen[choice["track_id"]] += 1
        if choice["status"] == "waitlisted":
            positions[choice["track_id"]].append(choice["position"])
    unfilled = [t["title"] for t in tracks if t["confirmed"] != min(t["capacity"], chosen[t["id"]])]
    broken_lists = [
        t["title"] for t in tracks if sorted(positions[t["id"]]) != list(range(1, t["waitlisted"] + 1))
    ]

    print(
        f"\n## Registration burst: {people} sign-ups arriving within {window:.0f} s ({took:.1f} s in all)\n"
    )
    print("| metric | value |")
    print("| --- | --- |")
    if latencies:
        print(f"| response p50 | {statistics.median(latencies):.1f} ms |")
        print(f"| response p95 | {percentile(latencies, 95):.1f} ms |")
        print(f"| response p99 | {percentile(latencies, 99):.1f} ms |")
        print(f"| response max | {max(latencies):.1f} ms |")
    print(f"| failed requests | {len(failures)} |")
    print(f"| over-booked visits | {len(overbooked)} |")
    print(f"| visits not filled while people wait | {len(unfilled)} |")
    print(f"| broken waiting lists | {len(broken_lists)} |")
    print("\n| visit | places | chosen by | confirmed | waitlisted |")
    print("| --- | --- | --- | --- | --- |")
    for track in tracks:
        print(
            f"| {track['title']} | {track['capacity']} | {chosen[track['id']]} | "
            f"{track['confirmed']} | {track['waitlisted']} |"
        )
    ok = not (failures or overbooked or unfilled or broken_lists)
    print(
        "\nOK: no over-booking" if ok else f"\nBROKEN: {failures[:5]} {overbooked} {unfilled} {broken_lists}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
