"""Registrations are rate limited per address, like joining a session."""

import pytest

from tests.web.test_events_api import PROGRAMME, _create, _visit


@pytest.fixture
def app_config():
    return {"RATE_LIMIT_REGISTER_PER_ADDRESS": "2/minute"}


def test_registering_beyond_the_limit_is_refused_and_stores_nothing(client, make):
    event = _create(client, make.moderator_token(make.moderator()), PROGRAMME)
    slot_id, _, big = _visit(event)

    def register(n):
        return client.post(
            "/api/v1/events/osl-2030/registrations",
            json={
                "name": f"Osoba {n}",
                "email": f"osoba{n}@example.org",
                "attendance": "remote",
                "choices": [{"slot_id": slot_id, "track_id": big}],
            },
        )

    assert [register(n).status_code for n in range(2)] == [201, 201]
    refused = register(3)
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
    track = client.get("/api/v1/events/osl-2030").get_json()["days"][0]["slots"][2]["tracks"][1]
    assert track["confirmed"] == 2
