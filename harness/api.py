"""The public JSON API as a client script uses it: a moderator's token, a session, a
participant's join."""

import requests

from .servers import MODERATORS


def moderator_token(base: str, email: str = "anna@example.org") -> str:
    response = requests.post(
        f"{base}/api/v1/auth/token", json={"email": email, "password": MODERATORS[email]}
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def create_session(base: str, body: dict, token: str | None = None) -> dict:
    """Create a session through the public API; returns the session object."""
    defaults = {"starts_at": "2030-11-23T13:00:00+01:00", "ends_at": "2030-11-23T14:30:00+01:00"}
    response = requests.post(
        f"{base}/api/v1/sessions",
        json={**defaults, **body},
        headers={"Authorization": f"Bearer {token or moderator_token(base)}"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def join(base: str, slug: str, name: str, room_id: int | None = None, attendance: str = "remote") -> str:
    """A participant's token."""
    response = requests.post(
        f"{base}/api/v1/sessions/{slug}/participants",
        json={"display_name": name, "attendance": attendance, "room_id": room_id},
    )
    assert response.status_code == 201, response.text
    return response.json()["token"]
