"""The in-process store of rate-limit counters (`RATELIMIT_STORAGE_URI=swept-memory://`,
the default of one process).

limits' own `memory://` storage starts a timer after every hit that, 10 ms later, walks
every counter it holds to drop the expired ones — one per participant and limit, so with
a thousand people in the hall each walk takes ~1.2 ms, up to a hundred times a second
during a "post now!" burst, on the same event loop as the posts (issue 15; the handlers'
profiles do not show it, since the walk runs outside them). Counters expire on read
anyway (`MemoryStorage.get`), so the walk only frees memory: here it runs once a second.
Everything else is limits' storage as it is.
"""

import threading

from limits.storage import MemoryStorage

SWEEP_SECONDS = 1.0


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["swept-memory"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timer.cancel()  # limits' first 10 ms timer
        self._start_sweep()

    # limits calls this (a name-mangled private of MemoryStorage) after every hit.
    def _MemoryStorage__schedule_expiry(self) -> None:
        if not self.timer.is_alive():
            self._start_sweep()

    def _start_sweep(self) -> None:
        self.timer = threading.Timer(SWEEP_SECONDS, self._MemoryStorage__expire_events)
        self.timer.daemon = True
        self.timer.start()
