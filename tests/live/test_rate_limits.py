"""Rate limits: per participant (surviving reconnects) and per address, live and HTTP."""

import uuid

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def app_config():
    return {
        "RATE_LIMIT_POST": "3/minute",
        "RATE_LIMIT_VOTE": "2/minute",
        "RATE_LIMIT_LIVE_PER_ADDRESS": "6000/minute",
        "RATE_LIMIT_SIGN_IN_PER_ADDRESS": "3/minute",
    }


def _post(client, room, text):
    return client.emit(
        "rec:post", {"room_id": room, "client_id": str(uuid.uuid4()), "text": text}, callback=True
    )


def test_posting_beyond_the_limit_is_rate_limited_and_writes_nothing(scenario, sock):
    ewa = sock(scenario["ewa"][1])
    ewa.emit("room:join", {"room_id": scenario["room_a"]}, callback=True)
    for n in range(3):
        assert _post(ewa, scenario["room_a"], f"wpis {n}")["ok"]
    ack = _post(ewa, scenario["room_a"], "jeden za dużo")
    assert ack["ok"] is False and ack["error"]["code"] == "rate_limited"
    assert ewa.is_connected()
    # A new socket is the same participant: the allowance is not reset.
    ewa.disconnect()
    again = sock(scenario["ewa"][1])
    assert _post(again, scenario["room_a"], "po ponownym połączeniu")["error"]["code"] == "rate_limited"
    texts = [
        r["text"]
        for r in again.emit("room:join", {"room_id": scenario["room_a"]}, callback=True)["recommendations"]
    ]
    assert texts == ["wpis 0", "wpis 1", "wpis 2"]
    # Others in the same room (and from the same address) still post.
    assert _post(sock(scenario["jan"][1]), scenario["room_a"], "Jan może")["ok"]


def test_votes_are_limited_per_participant(scenario, sock, make):
    recs = [make.post(scenario["ewa"][0], scenario["room_a"], f"r{n}") for n in range(3)]
    jan = sock(scenario["jan"][1])
    results = [jan.emit("rec:vote", {"recommendation_id": r}, callback=True) for r in recs]
    assert [r["ok"] for r in results] == [True, True, False]
    assert results[2]["error"]["code"] == "rate_limited"


def test_token_requests_are_limited_per_address(client, make):
    make.moderator()
    codes = [
        client.post(
            "/api/v1/auth/token", json={"email": "mod@example.org", "password": "wrong-password"}
        ).status_code
        for _ in range(3)
    ]
    assert codes == [401, 401, 401]
    response = client.post("/api/v1/auth/token", json={"email": "mod@example.org", "password": PASSWORD})
    assert response.status_code == 429 and response.get_json()["error"]["code"] == "rate_limited"


def test_a_whole_venue_behind_one_address_can_join_at_once(client, scenario):
    """The contract: at least 500 joins a minute from one address."""
    url = f"/api/v1/sessions/{scenario['slug']}/participants"
    statuses = {
        client.post(url, json={"display_name": f"Osoba {n}", "attendance": "in_room"}).status_code
        for n in range(500)
    }
    assert statuses == {201}


def test_one_participants_junk_cannot_exhaust_the_address_nor_starve_the_moderator(app, scenario, sock):
    app.config["RATE_LIMIT_LIVE_PER_IDENTITY"] = "20/minute"
    app.config["RATE_LIMIT_LIVE_PER_ADDRESS"] = "8/minute"
    s = scenario
    jan, ewa, ola = sock(s["jan"][1]), sock(s["ewa"][1]), sock(s["ola"][1])
    # Junk counts against Jan's own budget only, not the address everyone shares.
    codes = [jan.emit("rec:post", {"junk": n}, callback=True)["error"]["code"] for n in range(40)]
    assert codes[:20] == ["invalid"] * 20 and set(codes[20:]) == {"rate_limited"}
    assert ewa.emit("room:join", {"room_id": s["room_a"]}, callback=True)["ok"]
    assert _post(ewa, s["room_a"], "Ewa nadal pisze")["ok"]
    # Valid participant writes do use the coarse address budget up...
    acks = [ola.emit("room:join", {"room_id": s["room_b"]}, callback=True) for _ in range(10)]
    assert acks[-1]["error"]["code"] == "rate_limited"
    # ...yet the moderator, behind the same address, still publishes.
    mod = sock(s["moderator_token"])
    assert mod.emit("note:publish", {"slug": s["slug"]}, callback=True)["ok"]


def test_the_sign_in_page_and_the_token_endpoint_share_one_budget_per_address(client, make):
    make.moderator()
    wrong = {"email": "mod@example.org", "password": "wrong-password"}
    assert client.post("/login", data=wrong).status_code == 401
    assert client.post("/login", data=wrong).status_code == 401
    assert client.post("/api/v1/auth/token", json=wrong).status_code == 401
    response = client.post("/api/v1/auth/token", json={"email": "mod@example.org", "password": PASSWORD})
    assert response.status_code == 429 and response.get_json()["error"]["code"] == "rate_limited"


def test_failed_sign_ins_are_limited_per_account_from_any_address(app, client, make):
    app.config["RATE_LIMIT_SIGN_IN_PER_ADDRESS"] = "1000/minute"
    app.config["RATE_LIMIT_SIGN_IN_PER_ACCOUNT"] = "5/minute"
    make.moderator()
    make.moderator("druga@example.org")

    def attempt(n, email="mod@example.org", password="wrong-password", page=False):
        environ = {"REMOTE_ADDR": f"198.51.100.{n}"}
        if page:
            return client.post(
                "/login",
                data={"email": email, "password": password},
                environ_base=environ,
                headers={"Accept-Language": "en"},
            )
        return client.post(
            "/api/v1/auth/token", json={"email": email, "password": password}, environ_base=environ
        )

    assert [attempt(n).status_code for n in range(5)] == [401] * 5
    # Guessing from ever new addresses gets nowhere: even the right password waits now.
    response = attempt(10, email="MOD@example.org ", password=PASSWORD)
    assert response.status_code == 429 and response.get_json()["error"]["code"] == "rate_limited"
    page = attempt(11, password=PASSWORD, page=True)
    assert page.status_code == 429 and "Too many failed sign-ins" in page.get_data(as_text=True)
    # Another account is not affected.
    assert attempt(12, email="druga@example.org", password=PASSWORD).status_code == 200
