"""`LiveClient`: one real python-socketio client of a running server, for every test and
benchmark that talks Socket.IO to `python wsgi.py` (the test client of Flask-SocketIO is
the `sock` fixture in tests/conftest.py instead)."""

import queue
import threading

import socketio


class LiveClient:
    """Connects with a bearer token (a participant's or a moderator's), records every event
    it receives in order, and answers `call` with the server's ack. No reconnection: a test
    that wants one connects again, as the page would."""

    def __init__(
        self,
        base: str,
        token: str | None = None,
        *,
        transports: tuple[str, ...] = ("websocket",),
        headers: dict | None = None,
        wait_timeout: float = 5,
    ):
        self.sio = socketio.Client(reconnection=False)
        self._inbox: dict[str, queue.Queue] = {}
        self._lock = threading.Lock()
        self.sio.on("*", self._record)
        self.sio.connect(
            base,
            auth={"token": token} if token else None,
            transports=list(transports),
            headers=headers or {},
            wait_timeout=wait_timeout,
        )

    def _box(self, event: str) -> queue.Queue:
        with self._lock:
            return self._inbox.setdefault(event, queue.Queue())

    def _record(self, event: str, *args) -> None:
        self._box(event).put(args[0] if len(args) == 1 else args)

    def on(self, event: str, handler) -> None:
        """Also call `handler(data)` for each `event` (e.g. to time a delivery as it arrives);
        the event is still recorded (python-socketio skips its catch-all for named events)."""

        def record_and_handle(*args):
            self._record(event, *args)
            handler(*args)

        self.sio.on(event, record_and_handle)

    def call(self, event: str, payload: dict, timeout: float = 10) -> dict:
        """The ack, whatever it says."""
        return self.sio.call(event, payload, timeout=timeout)

    def ok(self, event: str, payload: dict, timeout: float = 10) -> dict:
        """The ack, which must be a success."""
        ack = self.call(event, payload, timeout)
        assert ack["ok"], ack
        return ack

    def emit(self, event: str, payload) -> None:
        """Send without waiting for an ack (e.g. a frame the server should refuse)."""
        self.sio.emit(event, payload)

    def next(self, event: str, timeout: float = 10):
        """The next `event` received (waits for it)."""
        return self._box(event).get(timeout=timeout)

    def nothing_more(self, event: str) -> bool:
        return self._box(event).empty()

    @property
    def connected(self) -> bool:
        return self.sio.connected

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()

    def __enter__(self) -> "LiveClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
