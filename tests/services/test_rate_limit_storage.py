"""The default store of rate-limit counters: limits' memory storage, cleaned up once a
second instead of after every hit (hybrid_sessions/rate_limit_storage.py). A limit still
refuses exactly as before, and expired counters still go."""

import limits
import limits.storage.memory

from hybrid_sessions.rate_limit_storage import SWEEP_SECONDS, SweptMemoryStorage


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def time(self):
        return self.now


def test_a_limit_refuses_the_hit_over_it_and_allows_again_after_its_window(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    monkeypatch.setattr(limits.strategies, "time", clock, raising=False)
    storage = limits.storage.storage_from_string("swept-memory://")
    assert isinstance(storage, SweptMemoryStorage)
    limiter = limits.strategies.FixedWindowRateLimiter(storage)
    five_a_minute = limits.parse("5/minute")
    assert [limiter.hit(five_a_minute, "participant", "7") for _ in range(6)] == [True] * 5 + [False]
    assert limiter.hit(five_a_minute, "participant", "8")  # someone else's allowance
    clock.now += 61
    assert limiter.hit(five_a_minute, "participant", "7")


def test_expired_counters_are_dropped_by_the_sweep_which_runs_once_a_second(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    storage = SweptMemoryStorage()
    for person in range(1000):
        storage.incr(f"participant/{person}", expiry=60)
    assert storage.timer.interval == SWEEP_SECONDS  # not limits' 10 ms after every hit
    clock.now += 61
    storage._MemoryStorage__expire_events()
    assert len(storage.storage) == 0 and len(storage.expirations) == 0
