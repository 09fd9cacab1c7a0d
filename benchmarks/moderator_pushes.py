"""P13: a moderator's broadcast and phase change reaching every connected participant.

N participants in R rooms (joined through the public API, as in P1) and one moderator.
The moderator sends `session:broadcast` (to the whole session) and `session:phase`
(rooms closed / open again) one at a time; every participant records when the push
arrives. Delivery = arrival − the moment the moderator sent the event, on one clock in
this process. The next push waits until every participant has the previous one (or
10 s), so each is measured on its own. The same code drives the product and the bare
baseline (benchmarks/baseline_server.py), which relays the same events with one emit.
"""

import asyncio
import statistics
import time

from benchmarks import loadgen


class Deliveries:
    def __init__(self):
        self.started = 0.0
        self.expected = 0
        self.received = 0
        self.ms: list[float] = []
        self.errors: list[str] = []

    def arrived(self, _payload=None) -> None:
        self.ms.append((time.perf_counter() - self.started) * 1000)
        self.received += 1

    def summary(self, prefix: str) -> dict:
        def pct(q):
            if not self.ms:
                return None
            ordered = sorted(self.ms)
            return round(ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))], 2)

        return {
            f"{prefix}_p50_ms": round(statistics.median(self.ms), 2) if self.ms else None,
            f"{prefix}_p99_ms": pct(99),
            f"{prefix}_max_ms": round(max(self.ms), 2) if self.ms else None,
            f"{prefix}_lost": self.expected - self.received,
            f"{prefix}_errors": len(self.errors),
        }


async def _push_all(population, moderator, event: str, payloads: list[dict], stats: Deliveries, n: int):
    for payload in payloads:
        stats.expected += n
        target = stats.received + n
        stats.started = time.perf_counter()
        ack = await moderator.call(event, payload, timeout=30)
        if not ack.get("ok"):
            stats.errors.append(str(ack.get("error")))
            stats.expected -= n
            continue
        deadline = time.perf_counter() + 10
        while stats.received < target and time.perf_counter() < deadline:
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.1)


async def run(base: str, token: str, slug: str, room_ids: list[int], n: int, pushes: int) -> dict:
    broadcasts, phase_changes = Deliveries(), Deliveries()
    population = await loadgen.populate(base, slug, room_ids, n, 1, token, lambda rec: None)
    try:
        moderator = population.moderators[0].client
        # An unmeasured first push warms both servers up, as the posts of P1 do.
        warm = Deliveries()
        for peer in population.participants:
            peer.client.on("session:broadcast", warm.arrived)
            peer.client.on("session:phase", phase_changes.arrived)
        await _push_all(
            population, moderator, "session:broadcast", [{"slug": slug, "text": "rozgrzewka"}], warm, n
        )
        for peer in population.participants:
            peer.client.on("session:broadcast", broadcasts.arrived)
        await _push_all(
            population,
            moderator,
            "session:broadcast",
            [{"slug": slug, "text": f"Ogłoszenie {k}: zostało 5 minut"} for k in range(pushes)],
            broadcasts,
            n,
        )
        phases = ["rooms_closed" if k % 2 == 0 else "rooms_open" for k in range(pushes)]
        await _push_all(
            population,
            moderator,
            "session:phase",
            [{"slug": slug, "phase": phase} for phase in phases],
            phase_changes,
            n,
        )
    finally:
        await loadgen.close(population)
    out = {**broadcasts.summary("broadcast"), **phase_changes.summary("phase")}
    out["lost"] = out["broadcast_lost"] + out["phase_lost"]
    out["errors"] = out["broadcast_errors"] + out["phase_errors"]
    out["participants"] = n
    return out
