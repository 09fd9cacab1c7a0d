"""Fill a product database the way a long event would, for P3 (run with the server's
environment): prints the slugs and rooms it made as one JSON line.

    python -m benchmarks.seed STORED SNAPSHOT ITEMS
"""

import json
import sys
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from hybrid_sessions import create_app
from hybrid_sessions.extensions import db
from hybrid_sessions.models import (
    Moderator,
    NoteItem,
    NoteItemSource,
    NoteSection,
    Panel,
    Participant,
    Recommendation,
)
from hybrid_sessions.services import notes, panels, participants


def session_with_posts(moderator, title: str, count: int, rooms: int = 10, people: int = 200):
    start = datetime.now(UTC) + timedelta(days=1)
    panel = panels.create_panel(
        moderator,
        panels.PanelInput(
            title=title,
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            rooms=[panels.RoomInput(f"Sala {n + 1}") for n in range(rooms)],
        ),
    )
    room_ids = [r.id for r in panel.rooms]
    authors = [
        participants.join_panel(panel, f"Osoba {k}", "remote", room_ids[k % rooms])[0] for k in range(people)
    ]
    rows = []
    for n in range(count):
        author = authors[n % people]
        rows.append(
            {
                "panel_id": panel.id,
                "room_id": author.room_id,
                "author_id": author.id,
                "client_id": str(uuid.uuid4()),
                "text": f"Zapisana rekomendacja {n}",
                "status": "active",
                "vote_count": 0,
                "seq": n + 1,
                "created_at": datetime.now(UTC),
            }
        )
    for chunk in range(0, len(rows), 2000):
        db.session.execute(sa.insert(Recommendation), rows[chunk : chunk + 2000])
    db.session.execute(sa.update(Panel).where(Panel.id == panel.id).values(change_seq=count))
    db.session.commit()
    return panel, room_ids


def main() -> None:
    stored, snapshot, items = (int(a) for a in sys.argv[1:4])
    app = create_app()
    with app.app_context():
        moderator = db.session.scalar(sa.select(Moderator).where(Moderator.email == "anna@example.org"))
        growth, growth_rooms = session_with_posts(moderator, "Historia", stored, rooms=100, people=1000)
        big, _ = session_with_posts(moderator, "Migawka", snapshot)
        long_note, _ = session_with_posts(moderator, "Długa notatka", items)
        note = notes.get_or_create_note(long_note)
        rec_ids = list(
            db.session.scalars(sa.select(Recommendation.id).where(Recommendation.panel_id == long_note.id))
        )
        sections = [NoteSection(note_id=note.id, title=f"Sekcja {s + 1}", position=s) for s in range(5)]
        db.session.add_all(sections)
        db.session.flush()
        for n, rec_id in enumerate(rec_ids):
            item = NoteItem(section_id=sections[n % 5].id, text=f"Punkt {n}", position=n // 5)
            db.session.add(item)
            db.session.flush()
            db.session.add(NoteItemSource(item_id=item.id, recommendation_id=rec_id))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) >= 600
        print(
            json.dumps(
                {
                    "growth_slug": growth.slug,
                    "growth_rooms": growth_rooms,
                    "snapshot_slug": big.slug,
                    "publish_slug": long_note.slug,
                }
            )
        )


if __name__ == "__main__":
    main()
