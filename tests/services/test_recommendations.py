"""Posting, +1 and withdrawing: the domain rules, without Flask requests."""

import uuid

import pytest
import sqlalchemy as sa

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Moderator, Panel, Participant, Recommendation, Vote
from hybrid_sessions.services import participants, privacy, recommendations
from hybrid_sessions.services.errors import Forbidden, Invalid, NotFound


def _rows(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _post(participant_id, room_id, text, client_id=None):
    room = participants.get_room_by_id(room_id)
    participant = db.session.get(Participant, participant_id)
    return recommendations.post_recommendation(room, participant, client_id or str(uuid.uuid4()), text)


def test_post_is_trimmed_committed_and_counted_in_code_points(ctx, scenario):
    rec, created = _post(scenario["ewa"][0], scenario["room_a"], "  Więcej ławek 🌳\n ")
    assert created and rec.text == "Więcej ławek 🌳"
    db.session.remove()  # a fresh session sees only what was committed
    assert db.session.get(Recommendation, rec.id).text == "Więcej ławek 🌳"


def test_retry_with_the_same_client_id_returns_the_first_post(ctx, scenario):
    client_id = str(uuid.uuid4())
    first, created = _post(scenario["ewa"][0], scenario["room_a"], "Pierwsza", client_id)
    again, created_again = _post(scenario["ewa"][0], scenario["room_a"], "Druga", client_id.upper())
    assert created and not created_again
    assert again.id == first.id and again.text == "Pierwsza"
    assert _rows(Recommendation) == 1


def test_the_same_client_id_from_two_people_makes_two_posts(ctx, scenario):
    client_id = str(uuid.uuid4())
    _post(scenario["ewa"][0], scenario["room_a"], "Ewa", client_id)
    _post(scenario["jan"][0], scenario["room_a"], "Jan", client_id)
    assert _rows(Recommendation) == 2


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "text must not be empty"),
        ("   \n\t ", "text must not be empty"),
        ("x" * 501, "text must be at most 500 characters"),
        (42, "text must be a string"),
        (None, "text must be a string"),
        (["a"], "text must be a string"),
    ],
)
def test_bad_text_is_refused_and_nothing_is_written(ctx, scenario, text, message):
    with pytest.raises(Invalid, match=message):
        _post(scenario["ewa"][0], scenario["room_a"], text)
    assert _rows(Recommendation) == 0


def test_500_characters_after_trimming_is_the_limit(ctx, scenario):
    rec, _ = _post(scenario["ewa"][0], scenario["room_a"], "  " + "ż" * 499 + "🌳  ")
    assert len(rec.text) == 500


@pytest.mark.parametrize("client_id", ["nope", "", "1234", 7, None, "x" * 100])
def test_client_id_must_be_a_uuid(ctx, scenario, client_id):
    room = participants.get_room_by_id(scenario["room_a"])
    with pytest.raises(Invalid, match="client_id must be a UUID string"):
        recommendations.post_recommendation(
            room, db.session.get(Participant, scenario["ewa"][0]), client_id, "tekst"
        )
    assert _rows(Recommendation) == 0


def test_posting_into_a_room_one_is_not_in_is_forbidden(ctx, scenario):
    with pytest.raises(Forbidden, match="you are not in this room"):
        _post(scenario["ola"][0], scenario["room_a"], "Nie mój pokój")
    assert _rows(Recommendation) == 0


def test_a_vote_counts_once_per_person(ctx, scenario):
    rec, _ = _post(scenario["ewa"][0], scenario["room_a"], "Ławki")
    jan = db.session.get(Participant, scenario["jan"][0])
    rec1, changed1 = recommendations.vote(rec.id, jan)
    rec2, changed2 = recommendations.vote(rec.id, jan)
    assert (changed1, changed2) == (True, False)
    assert rec2.vote_count == 1 and _rows(Vote) == 1


def test_unvote_takes_the_vote_back(ctx, scenario):
    rec, _ = _post(scenario["ewa"][0], scenario["room_a"], "Ławki")
    jan = db.session.get(Participant, scenario["jan"][0])
    recommendations.vote(rec.id, jan)
    rec, changed = recommendations.unvote(rec.id, jan)
    assert changed and rec.vote_count == 0 and _rows(Vote) == 0
    _, changed_again = recommendations.unvote(rec.id, jan)
    assert not changed_again


def test_one_cannot_vote_for_ones_own_post_or_in_another_room(ctx, scenario):
    rec, _ = _post(scenario["ewa"][0], scenario["room_a"], "Ławki")
    with pytest.raises(Forbidden, match=r"you cannot \+1 your own recommendation"):
        recommendations.vote(rec.id, db.session.get(Participant, scenario["ewa"][0]))
    with pytest.raises(Forbidden, match="you are not in this room"):
        recommendations.vote(rec.id, db.session.get(Participant, scenario["ola"][0]))
    assert _rows(Vote) == 0


def test_only_the_author_withdraws_and_withdrawn_posts_take_no_votes(ctx, scenario):
    rec, _ = _post(scenario["ewa"][0], scenario["room_a"], "Ławki")
    jan = db.session.get(Participant, scenario["jan"][0])
    with pytest.raises(Forbidden, match="only the author can withdraw a recommendation"):
        recommendations.withdraw(rec.id, jan)
    rec, changed = recommendations.withdraw(rec.id, db.session.get(Participant, scenario["ewa"][0]))
    assert changed and rec.status == "withdrawn"
    with pytest.raises(Invalid, match="this recommendation was withdrawn"):
        recommendations.vote(rec.id, jan)


def test_a_participant_of_another_session_cannot_see_a_post(ctx, make, scenario):
    other_slug, (other_room, _) = make.panel(scenario["moderator"], slug="inny")
    stranger, _ = make.participant(other_slug, other_room, "Obcy")
    rec, _ = _post(scenario["ewa"][0], scenario["room_a"], "Ławki")
    from hybrid_sessions.services.errors import NotFound

    with pytest.raises(NotFound, match="no such recommendation"):
        recommendations.vote(rec.id, db.session.get(Participant, stranger))


def test_lists_of_posts_have_the_same_shape_as_single_posts(ctx, scenario):
    # Lists (a room on join, a moderator's snapshot) are read as plain rows, single posts
    # (acks, broadcasts) from ORM objects: a client must not tell them apart.
    from hybrid_sessions.services import panels
    from hybrid_sessions.services.shapes import rec_shape

    jan = db.session.get(Participant, scenario["jan"][0])
    first, _ = _post(scenario["ewa"][0], scenario["room_a"], "Ławki <b>pod</b> drzewami")
    second, _ = _post(scenario["ola"][0], scenario["room_b"], "Poidełka")
    recommendations.vote(first.id, jan)
    recommendations.withdraw(second.id, db.session.get(Participant, scenario["ola"][0]))
    singles = [rec_shape(recommendations.get_recommendation(r.id)) for r in (first, second)]
    assert recommendations.panel_recommendations(panels.get_panel(scenario["slug"])) == singles
    room_a = participants.get_room_by_id(scenario["room_a"])
    assert recommendations.room_recommendations(room_a) == singles[:1]
    assert singles[0]["votes"] == 1 and singles[1]["status"] == "withdrawn"


def test_the_room_a_post_goes_to_is_read_with_the_poster_of_that_session(ctx, scenario, make):
    s = scenario
    ewa, ola = s["ewa"][0], s["ola"][0]
    room, poster = recommendations.get_posting_room(s["room_a"], [ewa])
    assert (room.id, poster.id, poster.room_id, poster.display_name) == (s["room_a"], ewa, s["room_a"], "Ewa")
    # Ola sits in the other room of the same session: she is read (the post then refuses her).
    assert recommendations.get_posting_room(s["room_a"], [ola])[1].room_id == s["room_b"]
    with pytest.raises(NotFound):
        recommendations.get_posting_room(999_999, [ewa])
    with pytest.raises(NotFound):
        recommendations.get_posting_room("1; DROP TABLE rooms", [ewa])
    # A participant of another session, or none at all, may not post here.
    other_slug, (other_room, _) = make.panel(s["moderator"], slug="inna")
    stranger, _ = make.participant(other_slug, other_room, "Obcy")
    for ids in ([stranger], []):
        with pytest.raises(Forbidden):
            recommendations.get_posting_room(s["room_a"], ids)
    # An erased participant's socket (still open on another process) posts nothing.
    moderator = db.session.get(Moderator, s["moderator"])
    privacy.erase_participant(db.session.get(Panel, room.panel_id), ewa, moderator)
    with pytest.raises(Forbidden):
        recommendations.get_posting_room(s["room_a"], [ewa])
