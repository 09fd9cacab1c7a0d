"""Point 9: random payloads at every event. The answer is an error ack or a success,
never an unexpected exception, and the database never holds a half-written change."""

from datetime import UTC

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hybrid_sessions.extensions import db
from hybrid_sessions.models import (
    BreakoutRoom,
    Note,
    NoteItem,
    NoteItemSource,
    NoteSection,
    Participant,
    Recommendation,
    Vote,
)

KNOWN_CODES = {
    "invalid",
    "unauthorized",
    "forbidden",
    "not_found",
    "room_full",
    "already_merged",
    "conflict",
    "rate_limited",
    "closed",
}
PARTICIPANT_EVENTS = ["room:join", "rec:post", "rec:vote", "rec:unvote", "rec:withdraw"]
MODERATOR_EVENTS = [
    "session:watch",
    "session:audit",
    "note:merge",
    "note:edit_item",
    "note:remove_item",
    "note:move_item",
    "note:move_section",
    "note:rename_section",
    "note:delete_section",
    "note:summary",
    "note:publish",
    "session:phase",
    "session:broadcast",
    "participant:move",
    "session:participants",
]
FIELDS = [
    "room_id",
    "client_id",
    "text",
    "recommendation_id",
    "recommendation_ids",
    "slug",
    "section",
    "item_id",
    "section_id",
    "position",
    "title",
    "summary",
    "version",
    "since",
    "phase",
    "rooms_close_at",
    "minutes",
    "extend_minutes",
    "participant_id",
    "queued_at",
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True)
    | st.text(max_size=600),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=20,
)


def templates(w) -> dict:
    """A valid payload per event, as strategies over the test world's real ids."""
    text = st.text(min_size=0, max_size=520)
    slug = st.just(w["slug"])
    recs = st.sampled_from([w["rec"], w["mine"]])
    rooms = st.sampled_from([w["room_a"], w["room_b"]])
    moments = st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()) | st.text(max_size=30)
    item = {"slug": slug, "item_id": st.just(w["item"])}
    return {
        "room:join": {"room_id": st.sampled_from([w["room_a"], w["room_b"]]), "since": st.integers(0, 50)},
        "rec:post": {
            "room_id": st.just(w["room_a"]),
            "client_id": st.uuids().map(str),
            "text": text,
            "queued_at": moments,
        },
        "rec:vote": {"recommendation_id": recs, "queued_at": moments},
        "rec:unvote": {"recommendation_id": recs},
        "rec:withdraw": {"recommendation_id": recs},
        "session:watch": {"slug": slug, "since": st.integers(0, 50)},
        "session:audit": {"slug": slug},
        "note:publish": {"slug": slug},
        "note:merge": {
            "slug": slug,
            "recommendation_ids": st.lists(recs, max_size=2),
            "text": text,
            "section": text,
        },
        "note:edit_item": {**item, "text": text, "section": text},
        "note:remove_item": item,
        "note:move_item": {**item, "position": st.integers(0, 5)},
        "note:move_section": {
            "slug": slug,
            "section_id": st.just(w["section"]),
            "position": st.integers(0, 5),
        },
        "note:rename_section": {"slug": slug, "section_id": st.just(w["section"]), "title": text},
        "note:delete_section": {"slug": slug, "section_id": st.just(w["section"])},
        "note:summary": {"slug": slug, "summary": st.text(max_size=300), "version": st.integers(0, 50)},
        "session:phase": {
            "slug": slug,
            "phase": st.sampled_from(["lobby", "rooms_open", "rooms_closed", "published"]),
            "rooms_close_at": moments,
            "minutes": st.floats(-5, 2000),
        },
        "session:broadcast": {"slug": slug, "text": text, "room_id": rooms},
        "participant:move": {"slug": slug, "participant_id": st.sampled_from(w["people"]), "room_id": rooms},
        "session:participants": {"slug": slug},
    }


def payloads(template: dict):
    """Mostly valid payloads with some fields swapped for junk, plus pure junk."""
    junk = st.integers(-5, 10**6) | st.uuids().map(str) | json_values
    near_valid = st.fixed_dictionaries(
        {key: st.one_of(value, value, value, junk) for key, value in template.items()}
    )
    return near_valid | near_valid | st.dictionaries(st.sampled_from(FIELDS), junk, max_size=6) | json_values


@pytest.fixture
def app_config():
    # The limits are tested elsewhere; here they would only turn junk into rate_limited.
    return {"RATE_LIMIT_POST": "100000/minute", "RATE_LIMIT_VOTE": "100000/minute"}


@pytest.fixture
def world(scenario, sock, make):
    s = scenario
    participant, moderator = sock(s["ewa"][1]), sock(s["moderator_token"])
    assert participant.emit("room:join", {"room_id": s["room_a"]}, callback=True)["ok"]
    rec = make.post(s["jan"][0], s["room_a"], "Cudzy wpis")
    mine = make.post(s["ewa"][0], s["room_a"], "Mój wpis")
    merged = moderator.emit(
        "note:merge",
        {"slug": s["slug"], "recommendation_ids": [rec], "text": "Punkt", "section": "A"},
        callback=True,
    )
    return {
        "participant": participant,
        "moderator": moderator,
        "slug": s["slug"],
        "room_a": s["room_a"],
        "room_b": s["room_b"],
        "rec": rec,
        "mine": mine,
        "item": merged["item"]["id"],
        "section": merged["note"]["sections"][0]["id"],
        "people": [s["ewa"][0], s["jan"][0], s["ola"][0]],
    }


def _assert_consistent():
    session = db.session
    for rec in session.scalars(sa.select(Recommendation)):
        votes = session.scalar(
            sa.select(sa.func.count()).select_from(Vote).where(Vote.recommendation_id == rec.id)
        )
        assert rec.vote_count == votes
        assert (1 <= len(rec.text) <= 500 or rec.erased_at) and rec.status in ("active", "withdrawn")
    for source in session.scalars(sa.select(NoteItemSource)):
        item = session.get(NoteItem, source.item_id)
        note = session.get(Note, session.get(NoteSection, item.section_id).note_id)
        assert session.get(Recommendation, source.recommendation_id).panel_id == note.panel_id
    for room in session.scalars(sa.select(BreakoutRoom)):
        inside = session.scalar(
            sa.select(sa.func.count()).select_from(Participant).where(Participant.room_id == room.id)
        )
        assert room.capacity is None or inside <= room.capacity
    for section in session.scalars(sa.select(NoteSection)):
        positions = [i.position for i in section.items]
        assert positions == list(range(len(positions)))


@pytest.mark.parametrize("event", PARTICIPANT_EVENTS + MODERATOR_EVENTS)
def test_random_payloads_get_an_answer_and_leave_the_database_consistent(app, world, event):
    client = world["moderator"] if event in MODERATOR_EVENTS else world["participant"]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(payload=payloads(templates(world)[event]))
    def check(payload):
        ack = client.emit(event, payload, callback=True)
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
        if not ack["ok"]:
            assert ack["error"]["code"] in KNOWN_CODES, ack
            assert isinstance(ack["error"]["message"], str) and ack["error"]["message"]
        assert client.is_connected()
        with app.app_context():
            _assert_consistent()

    check()
