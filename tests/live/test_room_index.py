"""The client manager's index of each socket's rooms agrees with python-socketio's own
scan of every room, through connects, joins, leaves, closed rooms and disconnects."""

import random

import socketio
from socketio.base_manager import BaseManager

from hybrid_sessions.live.room_index import IndexedManager, manager_for

NAMESPACES = ("/", "/other")
ROOMS = [f"room-{n}" for n in range(6)]


def _scanned(manager, sid, namespace):
    return sorted(BaseManager.get_rooms(manager, sid, namespace))


def test_the_index_agrees_with_a_scan_of_every_room_through_random_traffic():
    manager = IndexedManager()
    socketio.Server(client_manager=manager, async_mode="threading")
    rng = random.Random(15)
    connected: list[tuple[str, str]] = []
    for step in range(3000):
        action = rng.random()
        if action < 0.2 or not connected:
            namespace = rng.choice(NAMESPACES)
            sid = manager.connect(f"eio-{step}", namespace)
            connected.append((sid, namespace))
        elif action < 0.6:
            sid, namespace = rng.choice(connected)
            manager.enter_room(sid, namespace, rng.choice(ROOMS))
        elif action < 0.8:
            sid, namespace = rng.choice(connected)
            manager.leave_room(sid, namespace, rng.choice(ROOMS))
        elif action < 0.85:
            manager.close_room(rng.choice(ROOMS), rng.choice(NAMESPACES))
        else:
            sid, namespace = connected.pop(rng.randrange(len(connected)))
            manager.disconnect(sid, namespace)
            # Gone from every room, its own and python-socketio's room of the connected.
            assert not any(sid in room for room in manager.rooms.get(namespace, {}).values())
            assert manager.get_rooms(sid, namespace) == []
        for sid, namespace in connected:
            assert sorted(manager.get_rooms(sid, namespace)) == _scanned(manager, sid, namespace)
    # Nothing left behind for sockets that are gone.
    assert set(manager._rooms_of) == set((namespace, sid) for sid, namespace in connected)


def test_the_manager_follows_the_message_queue_setting():
    assert type(manager_for(None, "hs")).__name__ == "IndexedManager"
    redis = manager_for("redis://127.0.0.1:6379/0", "hs")
    assert isinstance(redis, socketio.RedisManager) and redis.channel == "hs"
    # Another queue is left to Flask-SocketIO.
    assert manager_for("amqp://guest@127.0.0.1//", "hs") is None
