"""Capacity under concurrency (CONTRACT.md §7): two hundred people choosing the same
12-place study visit at the same moment get exactly 12 confirmations, and the other 188
wait in order of arrival.

Real threads against two real server processes sharing one database (the embedded
SQLite file, or PostgreSQL when the suite runs against it), so the sign-ups race in two
processes at once, not only inside one event loop.
"""

import os
import threading

import pytest
import requests
import sqlalchemy as sa

from harness.api import moderator_token
from harness.servers import ServerProcess

PEOPLE = 200
PLACES = 12


def _reset(url: str) -> None:
    """An empty schema for `flask db upgrade` (the database of TEST_DATABASE_URL is this
    suite's own; the other tests recreate their tables anyway)."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture
def servers(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL", "")
    env = {}
    if url.startswith("postgresql"):
        _reset(url)
        env = {"DATABASE_URL": url, "SECRET_KEY": "event-capacity"}
    # Both processes use one instance folder: one embedded SQLite file, or one PostgreSQL.
    first = ServerProcess(tmp_path, env)
    second = ServerProcess(tmp_path, env)
    first.prepare().start()
    try:
        second.start()
        yield first, second
    finally:
        second.stop()
        first.stop()
        if url.startswith("postgresql"):
            _reset(url)


def test_two_hundred_at_once_for_twelve_places(servers):
    first, second = servers
    token = moderator_token(first.base)
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "title": "Wizyty studyjne",
        "slug": "wizyty",
        "days": [
            {
                "date": "2030-11-25",
                "slots": [
                    {
                        "starts_at": "09:30",
                        "ends_at": "11:30",
                        "title": "Wizyty studyjne",
                        "kind": "parallel",
                        "tracks": [{"title": "Po sąsiedzku", "capacity": PLACES}, {"title": "Nasze sprawy"}],
                    }
                ],
            }
        ],
    }
    created = requests.post(f"{first.base}/api/v1/events", json=body, headers=headers, timeout=10)
    assert created.status_code == 201, created.text
    slot = created.json()["days"][0]["slots"][0]
    choice = {"slot_id": slot["id"], "track_id": slot["tracks"][0]["id"]}

    barrier = threading.Barrier(PEOPLE)
    answers: dict[int, dict] = {}
    errors: list[str] = []

    def sign_up(n: int) -> None:
        base = (first, second)[n % 2].base
        payload = {
            "name": f"Osoba {n}",
            "email": f"osoba{n}@example.org",
            "attendance": "in_room",
            "choices": [choice],
        }
        with requests.Session() as http:
            barrier.wait()
            try:
                response = http.post(f"{base}/api/v1/events/wizyty/registrations", json=payload, timeout=60)
            except requests.RequestException as exc:
                errors.append(repr(exc))
                return
        if response.status_code != 201:
            errors.append(f"{response.status_code} {response.text[:200]}")
        else:
            answers[n] = response.json()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    statuses = [a["registration"]["choices"][0]["status"] for a in answers.values()]
    assert statuses.count("confirmed") == PLACES
    assert statuses.count("waitlisted") == PEOPLE - PLACES

    track = requests.get(f"{first.base}/api/v1/events/wizyty", timeout=10).json()["days"][0]["slots"][0][
        "tracks"
    ][0]
    assert (track["confirmed"], track["waitlisted"]) == (PLACES, PEOPLE - PLACES)

    # The waiting list is in order of arrival: the order in which the database took the
    # sign-ups (registration ids), numbered 1..188 without gaps or ties.
    listed = requests.get(
        f"{second.base}/api/v1/events/wizyty/registrations", headers=headers, timeout=30
    ).json()
    waiting = [r for r in listed["registrations"] if r["choices"][0]["status"] == "waitlisted"]
    assert [r["choices"][0]["position"] for r in sorted(waiting, key=lambda r: r["id"])] == list(
        range(1, PEOPLE - PLACES + 1)
    )
    confirmed_ids = sorted(
        r["id"] for r in listed["registrations"] if r["choices"][0]["status"] == "confirmed"
    )
    assert max(confirmed_ids) < min(r["id"] for r in waiting)

    # One cancellation: the first on the waiting list moves up at once, nobody else.
    first_waiting = min(waiting, key=lambda r: r["choices"][0]["position"])
    someone = next(a for a in answers.values() if a["registration"]["choices"][0]["status"] == "confirmed")
    gone = requests.delete(
        f"{first.base}/api/v1/events/wizyty/registrations/me",
        headers={"Authorization": f"Bearer {someone['token']}"},
        timeout=10,
    )
    assert gone.status_code == 200
    mover = next(a for a in answers.values() if a["registration"]["id"] == first_waiting["id"])
    mine = requests.get(
        f"{second.base}/api/v1/events/wizyty/registrations/me",
        headers={"Authorization": f"Bearer {mover['token']}"},
        timeout=10,
    ).json()["registration"]
    assert mine["choices"][0]["status"] == "confirmed"
    track = requests.get(f"{first.base}/api/v1/events/wizyty", timeout=10).json()["days"][0]["slots"][0][
        "tracks"
    ][0]
    assert (track["confirmed"], track["waitlisted"]) == (PLACES, PEOPLE - PLACES - 1)


def test_a_cancel_sent_many_times_at_once_frees_its_place_once(servers):
    """A double click on Cancel (or a client's retries) racing in two processes: the
    place goes to the first waiting person once, and the track never holds more than
    its capacity (each cancel decides on what it reads under the track's lock)."""
    first, second = servers
    headers = {"Authorization": f"Bearer {moderator_token(first.base)}"}
    body = {
        "title": "Wizyta",
        "slug": "wizyta",
        "days": [
            {
                "date": "2030-11-25",
                "slots": [
                    {
                        "starts_at": "09:30",
                        "ends_at": "11:30",
                        "title": "Wizyta studyjna",
                        "kind": "parallel",
                        "tracks": [{"title": "Po sąsiedzku", "capacity": 2}, {"title": "Inna"}],
                    }
                ],
            }
        ],
    }
    created = requests.post(f"{first.base}/api/v1/events", json=body, headers=headers, timeout=10)
    assert created.status_code == 201, created.text
    slot = created.json()["days"][0]["slots"][0]
    choice = {"slot_id": slot["id"], "track_id": slot["tracks"][0]["id"]}
    tokens = []
    for n in range(4):  # two confirmed, two waiting
        answer = requests.post(
            f"{first.base}/api/v1/events/wizyta/registrations",
            json={
                "name": f"Osoba {n}",
                "email": f"o{n}@example.org",
                "attendance": "remote",
                "choices": [choice],
            },
            timeout=10,
        )
        assert answer.status_code == 201, answer.text
        tokens.append(answer.json()["token"])

    tries = 12
    barrier = threading.Barrier(tries)
    codes: list[int] = []

    def cancel(n: int) -> None:
        base = (first, second)[n % 2].base
        with requests.Session() as http:
            barrier.wait()
            response = http.delete(
                f"{base}/api/v1/events/wizyta/registrations/me",
                headers={"Authorization": f"Bearer {tokens[0]}"},
                timeout=60,
            )
        codes.append(response.status_code)

    threads = [threading.Thread(target=cancel, args=(n,)) for n in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(codes) == tries and all(code < 500 for code in codes), codes

    track = requests.get(f"{first.base}/api/v1/events/wizyta", timeout=10).json()["days"][0]["slots"][0][
        "tracks"
    ][0]
    assert (track["confirmed"], track["waitlisted"]) == (2, 1)
