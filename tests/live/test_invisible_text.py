"""Issue 9, point 12: bidi overrides, zero-width characters and lookalike letters do not
get into names and posts; emoji (ZWJ sequences included) and Polish arrive intact."""

import uuid

import pytest

EMOJI_AND_POLISH = "👩‍💻 🏳️‍🌈 ❤️‍🔥 🧑🏽‍💻 👨‍👩‍👧 1️⃣ 🇵🇱 🏴󠁧󠁢󠁳󠁣󠁴󠁿 Zażółć gęślą jaźń, ŻÓŁW!"


def _post(client, room, text):
    return client.emit(
        "rec:post", {"room_id": room, "client_id": str(uuid.uuid4()), "text": text}, callback=True
    )


@pytest.fixture
def ewa(scenario, sock):
    client = sock(scenario["ewa"][1])
    assert client.emit("room:join", {"room_id": scenario["room_a"]}, callback=True)["ok"]
    return client


def test_emoji_sequences_and_polish_arrive_exactly_as_typed(scenario, ewa):
    ack = _post(ewa, scenario["room_a"], EMOJI_AND_POLISH)
    assert ack["ok"] and ack["recommendation"]["text"] == EMOJI_AND_POLISH


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Więcej \u202eawka\u202c ławek", "Więcej awka ławek"),  # right-to-left override
        ("\u2067Sala A\u2069 jest lepsza", "Sala A jest lepsza"),  # isolates
        ("ukry\u200bty\u2060 tekst\ufeff", "ukryty tekst"),  # zero-width space, word joiner, BOM
        ("mięk\u00adki", "miękki"),  # soft hyphen
        ("a\u200db", "ab"),  # a joiner between letters joins nothing visible
    ],
)
def test_invisible_and_direction_characters_are_removed_from_posts(scenario, ewa, typed, stored):
    ack = _post(ewa, scenario["room_a"], typed)
    assert ack["ok"] and ack["recommendation"]["text"] == stored


@pytest.mark.parametrize("typed", ["\u200b\u200b\u200b", "\u2800\u2800", "\u3164", "\u202e\u202c", "\ufe0f"])
def test_a_post_that_would_look_empty_is_refused(scenario, ewa, typed):
    ack = _post(ewa, scenario["room_a"], typed)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"


def test_names_lose_direction_tricks_and_lookalike_letters(client, scenario):
    url = f"/api/v1/sessions/{scenario['slug']}/participants"
    cases = {
        "Ewa\u202e rotaredoM": "Ewa rotaredoM",  # would show as "Moderator ewE"
        "𝐀𝐧𝐧𝐚 Ｋｏｗａｌｓｋａ": "Anna Kowalska",  # mathematical and fullwidth letters
        "Zofia 👩‍🔬": "Zofia 👩‍🔬",
    }
    for typed, stored in cases.items():
        response = client.post(url, json={"display_name": typed, "attendance": "remote"})
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["participant"]["display_name"] == stored
    response = client.post(url, json={"display_name": "\u200b\u2066\u2069", "attendance": "remote"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid"
