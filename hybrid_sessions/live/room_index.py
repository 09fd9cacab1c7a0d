"""Which Socket.IO rooms each socket is in, kept as sockets enter and leave them.

python-socketio finds a socket's rooms by scanning every room of the namespace
(`BaseManager.basic_disconnect`, `get_rooms`). Every socket has a room of its own, so
with a thousand people connected each disconnect scans over a thousand rooms; when a
venue's Wi-Fi drops, a thousand disconnects do, on the one event loop, while everyone is
coming back (~0.3 ms each, 9 % of the reconnect storm's CPU: benchmarks/README.md, P8).
This keeps the reverse index, so a disconnect leaves just the socket's own rooms.

The managers are the framework's, with the index mixed in: `manager_for` builds the one
Flask-SocketIO would have built (none, or Redis), and leaves any other queue to it.
"""

import socketio


class RoomIndex:
    """Mixed into a python-socketio client manager; every change to its rooms goes
    through `basic_enter_room` and `basic_leave_room`, which keep the index."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # (namespace, sid) -> its rooms, in the order entered (a dict as an ordered set);
        # None, python-socketio's room of every connected socket, included.
        self._rooms_of: dict[tuple, dict] = {}

    def basic_enter_room(self, sid, namespace, room, eio_sid=None):
        super().basic_enter_room(sid, namespace, room, eio_sid=eio_sid)
        self._rooms_of.setdefault((namespace, sid), {})[room] = None

    def basic_leave_room(self, sid, namespace, room):
        super().basic_leave_room(sid, namespace, room)
        rooms = self._rooms_of.get((namespace, sid))
        if rooms is not None:
            rooms.pop(room, None)
            if not rooms:
                del self._rooms_of[(namespace, sid)]

    def basic_disconnect(self, sid, namespace, **kwargs):
        # As BaseManager.basic_disconnect (python-socketio 5.18), with the socket's rooms
        # taken from the index instead of a scan of every room.
        if namespace not in self.rooms:
            return
        for room in list(self._rooms_of.get((namespace, sid), ())):
            self.basic_leave_room(sid, namespace, room)
        self._rooms_of.pop((namespace, sid), None)
        if sid in self.callbacks:
            del self.callbacks[sid]
        for pending in (self.pending_connect, self.pending_disconnect):
            if namespace in pending and sid in pending[namespace]:
                pending[namespace].remove(sid)
                if not pending[namespace]:
                    del pending[namespace]

    def get_rooms(self, sid, namespace):
        return [room for room in self._rooms_of.get((namespace, sid), ()) if room is not None]


class IndexedManager(RoomIndex, socketio.Manager):
    """The single-process manager (no message queue)."""


class IndexedRedisManager(RoomIndex, socketio.RedisManager):
    """The Redis message queue's manager (several processes)."""


def manager_for(url: str | None, channel: str):
    """The client manager for this message queue URL, or None to let Flask-SocketIO
    build its own (a queue other than Redis)."""
    if not url:
        return IndexedManager()
    if url.startswith(("redis://", "rediss://")):
        return IndexedRedisManager(url, channel=channel, write_only=False)
    return None
