"""Shared by the curation benchmarks and e2e tests: a real server with generous posting
limits, a session with N rooms, and people who post through the public socket API."""

import itertools
import uuid
from pathlib import Path

import requests

from harness.api import create_session
from harness.live import LiveClient
from harness.servers import ServerProcess

# A benchmark posts thousands of times from few people: the per-person limits would
# only measure the rate limiter.
BENCH_ENV = {
    "RATE_LIMIT_POST": "100000/minute",
    "RATE_LIMIT_VOTE": "100000/minute",
    "RATE_LIMIT_LIVE_PER_ADDRESS": "1000000/minute",
    "RATE_LIMIT_LIVE_PER_IDENTITY": "1000000/minute",
    "RATE_LIMIT_JOIN_PER_ADDRESS": "100000/minute",
}


def bench_server(instance: Path, suggestions: bool = True) -> ServerProcess:
    script = "wsgi.py" if suggestions else "benchmarks/server_without_suggestions.py"
    return ServerProcess(instance, env=BENCH_ENV, script=script).prepare().start()


def session_with_rooms(base: str, title: str, rooms: int) -> dict:
    return create_session(
        base,
        {"title": title, "rooms": [{"name": f"Sala {n + 1}", "capacity": 500} for n in range(rooms)]},
    )


class Person:
    """One participant, joined to one room over a real Socket.IO connection."""

    def __init__(self, base: str, slug: str, room_id: int, name: str):
        token = requests.post(
            f"{base}/api/v1/sessions/{slug}/participants",
            json={"display_name": name, "attendance": "remote", "room_id": room_id},
            timeout=30,
        ).json()["token"]
        self.room_id, self.base, self.token = room_id, base, token
        self.connect()

    def connect(self) -> None:
        self.client = LiveClient(self.base, self.token, wait_timeout=10)
        self.client.ok("room:join", {"room_id": self.room_id}, timeout=30)

    def post(self, text: str) -> dict:
        # A busy server (thousands of posts being loaded) may have dropped an idle
        # connection; a person would simply reconnect.
        if not self.client.connected:
            self.connect()
        ack = self.client.ok(
            "rec:post", {"room_id": self.room_id, "client_id": str(uuid.uuid4()), "text": text}, timeout=120
        )
        return ack["recommendation"]

    def vote(self, rec_id: int) -> None:
        self.client.ok("rec:vote", {"recommendation_id": rec_id}, timeout=30)

    def close(self) -> None:
        self.client.close()


class Crowd:
    """`per_room` people in each room of a session; posts go round-robin among them."""

    def __init__(self, base: str, session: dict, per_room: int = 2):
        self.rooms = [r["id"] for r in session["rooms"]]
        self.people = {
            room: [Person(base, session["slug"], room, f"Osoba {room}-{k}") for k in range(per_room)]
            for room in self.rooms
        }
        self._turn = {room: itertools.cycle(people) for room, people in self.people.items()}

    def post(self, room_index: int, text: str) -> dict:
        room = self.rooms[room_index % len(self.rooms)]
        return next(self._turn[room]).post(text)

    def vote(self, room_id: int, rec_id: int, count: int) -> None:
        """`count` +1s from people of the room (never the author: they are skipped)."""
        done = 0
        for person in self.people[room_id]:
            if done >= count:
                break
            try:
                person.vote(rec_id)
                done += 1
            except AssertionError:
                continue  # one's own post

    def close(self) -> None:
        for people in self.people.values():
            for person in people:
                person.close()
