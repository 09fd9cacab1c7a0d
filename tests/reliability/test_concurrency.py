"""Concurrent writers on the embedded SQLite database and racing moderators.

Real threads against a real database file: the failures these tests look for (locked
databases, a recommendation in two items) only happen under true concurrency.
"""

import contextlib
import threading
import uuid

import pytest
import sqlalchemy as sa

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Moderator, NoteItemSource, Participant, Recommendation, Vote
from hybrid_sessions.services import notes, panels, participants, recommendations
from hybrid_sessions.services.errors import AlreadyMerged, Conflict, Forbidden


def _run_together(app, workers):
    """Start every worker at once (a barrier, not a sleep); collect unexpected errors."""
    barrier = threading.Barrier(len(workers))
    errors = []

    def run(work):
        with app.app_context():
            barrier.wait()
            try:
                work()
            except Exception as exc:  # noqa: BLE001 - the test reports every failure
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_twenty_concurrent_writers_never_see_a_locked_database(app, make):
    moderator = make.moderator()
    slug, (room, _) = make.panel(moderator, rooms=(("Sala", None), ("Druga", None)))
    people = [make.participant(slug, room, f"Osoba {n}")[0] for n in range(14)]
    seeded = [make.post(p, room, f"Pomysł {n}") for n, p in enumerate(people[:6])]

    def poster(participant_id):
        def work():
            room_row = participants.get_room_by_id(room)
            author = db.session.get(Participant, participant_id)
            for n in range(5):
                recommendations.post_recommendation(room_row, author, str(uuid.uuid4()), f"wpis {n}")

        return work

    def voter(participant_id):
        def work():
            voter_row = db.session.get(Participant, participant_id)
            for rec_id in seeded:
                # One's own post is refused by design, not by the database.
                with contextlib.suppress(Forbidden):
                    recommendations.vote(rec_id, voter_row)

        return work

    def merger(rec_id):
        def work():
            panel = panels.get_panel(slug)
            actor = db.session.get(Moderator, moderator)
            # A concurrent note change is answered with conflict, by design.
            with contextlib.suppress(Conflict):
                notes.merge_into_note(panel, [rec_id], f"Punkt {rec_id}", "Sposoby", actor)

        return work

    workers = [poster(p) for p in people[6:14]] + [voter(p) for p in people[:6]] + [merger(r) for r in seeded]
    assert len(workers) == 20
    errors = _run_together(app, workers)
    assert errors == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation)) == 6 + 8 * 5
        # Every +1 counted exactly once, in the row and in the votes table alike.
        for rec in db.session.scalars(sa.select(Recommendation)):
            votes = db.session.scalar(
                sa.select(sa.func.count()).select_from(Vote).where(Vote.recommendation_id == rec.id)
            )
            assert rec.vote_count == votes


@pytest.mark.parametrize("attempt", range(3))
def test_a_recommendation_cannot_end_up_in_two_items_by_a_race(app, make, attempt):
    moderator = make.moderator()
    second = make.moderator("druga@example.org")
    slug, (room, _) = make.panel(moderator, co_moderators=["druga@example.org"])
    author, _ = make.participant(slug, room)
    rec = make.post(author, room, "Jedna rekomendacja")
    outcomes = []

    def merge(actor_id, text):
        def work():
            try:
                notes.merge_into_note(
                    panels.get_panel(slug), [rec], text, "Sekcja", db.session.get(Moderator, actor_id)
                )
                outcomes.append("merged")
            except (AlreadyMerged, Conflict) as exc:
                outcomes.append(exc.code)

        return work

    errors = _run_together(app, [merge(moderator, "Pierwsza wersja"), merge(second, "Druga wersja")])
    assert errors == []
    assert sorted(outcomes) in (["already_merged", "merged"], ["conflict", "merged"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NoteItemSource)) == 1
