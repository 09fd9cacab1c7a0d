"""Curation over HTTP (CONTRACT.md section 5): a bearer token or the console's cookie."""

import csv
import io
import re

import pytest

from tests.conftest import PASSWORD


def _error(response, status, code):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == code
    return response.get_json()


@pytest.fixture
def posts(scenario, make):
    ewa, ola = scenario["ewa"][0], scenario["ola"][0]
    return {
        "a": make.post(ewa, scenario["room_a"], "Więcej szkoleń dla pracowników socjalnych"),
        "b": make.post(ola, scenario["room_b"], "wiecej szkolen dla pracownikow socjalnych"),
        "c": make.post(ola, scenario["room_b"], "Kawa dla wolontariuszy"),
    }


@pytest.fixture
def bearer(scenario):
    return {"Authorization": f"Bearer {scenario['moderator_token']}"}


def test_suggestions_similar_and_dismiss_with_a_bearer_token(client, scenario, posts, bearer):
    base = f"/api/v1/sessions/{scenario['slug']}"
    groups = client.get(f"{base}/suggestions", headers=bearer).get_json()["groups"]
    assert [sorted(g["recommendation_ids"]) for g in groups] == [sorted([posts["a"], posts["b"]])]
    assert 0 < groups[0]["score"] <= 1

    similar = client.get(f"{base}/recommendations/{posts['a']}/similar?limit=1", headers=bearer).get_json()
    assert similar == {
        "recommendation_id": posts["a"],
        "similar": [{"id": posts["b"], "score": similar["similar"][0]["score"]}],
    }

    response = client.post(
        f"{base}/suggestions/dismiss", json={"recommendation_ids": [posts["a"], posts["b"]]}, headers=bearer
    )
    assert response.status_code == 200
    assert client.get(f"{base}/suggestions", headers=bearer).get_json()["groups"] == []


def test_similar_defaults_to_five_and_refuses_a_bad_limit(client, scenario, posts, bearer):
    base = f"/api/v1/sessions/{scenario['slug']}/recommendations/{posts['a']}/similar"
    assert len(client.get(base, headers=bearer).get_json()["similar"]) <= 5
    for bad in ("0", "51", "x", "²", "-1", "1000000"):
        _error(client.get(f"{base}?limit={bad}", headers=bearer), 400, "invalid")
    _error(
        client.get(f"/api/v1/sessions/{scenario['slug']}/recommendations/999999/similar", headers=bearer),
        404,
        "not_found",
    )


@pytest.mark.parametrize(
    "body",
    [None, [], {"recommendation_ids": "1,2"}, {"recommendation_ids": [1]}, {"recommendation_ids": [1, 1]}],
)
def test_dismiss_refuses_a_bad_body(client, scenario, posts, bearer, body):
    url = f"/api/v1/sessions/{scenario['slug']}/suggestions/dismiss"
    response = (
        client.post(url, json=body, headers=bearer) if body is not None else client.post(url, headers=bearer)
    )
    _error(response, 400, "invalid")
    assert client.get(f"/api/v1/sessions/{scenario['slug']}/suggestions", headers=bearer).get_json()["groups"]


def test_curation_needs_a_moderator_of_the_session(client, scenario, posts, make):
    base = f"/api/v1/sessions/{scenario['slug']}"
    _error(client.get(f"{base}/suggestions"), 401, "unauthorized")
    _error(client.get(f"{base}/recommendations.csv"), 401, "unauthorized")
    _error(client.get(f"{base}/suggestions", headers={"Authorization": "Bearer nope"}), 401, "unauthorized")
    # A participant's token is not a moderator's.
    _error(
        client.get(f"{base}/suggestions", headers={"Authorization": f"Bearer {scenario['ewa'][1]}"}),
        401,
        "unauthorized",
    )
    outsider = {"Authorization": f"Bearer {make.moderator_token(make.moderator('obcy@example.org'))}"}
    _error(client.get(f"{base}/suggestions", headers=outsider), 403, "forbidden")
    _error(client.get("/api/v1/sessions/nie-ma/suggestions", headers=outsider), 404, "not_found")


def test_the_consoles_cookie_works_and_its_writes_need_the_csrf_token(app, scenario, posts):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert (
        client.post(
            "/login", data={"email": "mod@example.org", "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 302
    )
    base = f"/api/v1/sessions/{scenario['slug']}"
    assert client.get(f"{base}/suggestions").status_code == 200
    assert client.get(f"{base}/recommendations.csv").status_code == 200
    console = client.get(f"/s/{scenario['slug']}/moderate").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', console).group(1)
    body = {"recommendation_ids": [posts["a"], posts["b"]]}
    _error(client.post(f"{base}/suggestions/dismiss", json=body), 400, "invalid")
    assert client.get(f"{base}/suggestions").get_json()["groups"], "a refused dismiss changed nothing"
    response = client.post(f"{base}/suggestions/dismiss", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert client.get(f"{base}/suggestions").get_json()["groups"] == []


def test_the_csv_is_a_download_with_a_bom_and_every_post(client, scenario, posts, bearer):
    response = client.get(f"/api/v1/sessions/{scenario['slug']}/recommendations.csv", headers=bearer)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["text"] for r in rows] == [
        "Więcej szkoleń dla pracowników socjalnych",
        "wiecej szkolen dla pracownikow socjalnych",
        "Kawa dla wolontariuszy",
    ]
    assert [r["room"] for r in rows] == ["Sala A", "Sala B", "Sala B"]
    assert {r["status"] for r in rows} == {"active"}
