"""Curation at scale: duplicate suggestions across rooms, dismissals, the raw-input export.

The similarity itself is pure (`similarity.py`); this module feeds it. Each process keeps
one index per session and brings it up to date by the session's change sequence, the
same catch-up the pages use: whatever process or moment a post was committed in, the
next read sees it, so several processes behind a message queue stay correct without
telling each other anything.
"""

import csv
import functools
import io
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from cachetools import LRUCache
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    BreakoutRoom,
    Moderator,
    NoteItem,
    NoteItemSource,
    NoteSection,
    Panel,
    Participant,
    Recommendation,
    SuggestionDismissal,
)
from . import audit
from .errors import Invalid, NotFound
from .lookup import by_id
from .recommendations import current_seq
from .similarity import SimilarityIndex

T = TypeVar("T")
MAX_SIMILAR = 50
DEFAULT_SIMILAR = 5
MAX_DISMISS = 50
# How many posts an index reads between two pauses while it catches up: building the
# index of a big session must not hold up every other connection of the process.
CATCH_UP_BATCH = 200


@dataclass
class _SessionIndex:
    index: SimilarityIndex = field(default_factory=SimilarityIndex)
    texts: dict[int, str] = field(default_factory=dict)
    seq: int | None = None  # the change sequence read up to; None: nothing read yet
    # Held while the index is read or changed: under ASYNC_MODE=threading two requests
    # may use one session's index at once. Re-entrant, so a reader can catch it up first.
    lock: threading.RLock = field(default_factory=threading.RLock)


# Sessions being curated at once are few; the least recently used index is dropped
# (and rebuilt from the database if its session is curated again).
_indexes: LRUCache = LRUCache(maxsize=64)
_indexes_lock = threading.Lock()


def forget_indexes() -> None:
    """Drop every cached index (tests that reuse ids across databases need this)."""
    with _indexes_lock:
        _indexes.clear()


def _entry(panel_id: int) -> _SessionIndex:
    with _indexes_lock:
        entry = _indexes.get(panel_id)
        if entry is None:
            entry = _indexes[panel_id] = _SessionIndex()
        return entry


# How the CPU-heavy steps (comparing new posts, grouping) are run: `compute(fn)` returns
# `fn()`. The live layer passes one that runs them on a worker thread, so a server on
# eventlet keeps answering everyone else meanwhile.
Compute = Callable[[Callable[[], T]], T]


def _here(fn: Callable[[], T]) -> T:
    return fn()


@contextmanager
def _caught_up(
    panel: Panel, pause: Callable[[], None] | None = None, compute: Compute = _here
) -> Iterator[SimilarityIndex]:
    """The session's index, caught up, held for this caller alone while in use."""
    entry = _entry(panel.id)
    with entry.lock:
        yield index_for(panel, pause, compute)


def index_for(
    panel: Panel, pause: Callable[[], None] | None = None, compute: Compute = _here
) -> SimilarityIndex:
    """The session's index of active posts, caught up with every committed change.

    `pause` is called between batches while catching up (the live layer yields to
    other connections there); `compute` runs the comparisons (see `Compute`).
    """
    entry = _entry(panel.id)
    with entry.lock:
        # Read the high-water mark first: a change committed meanwhile is then both in
        # the rows and above `seq`, and is read again next time (upsert is idempotent).
        seq = current_seq(panel.id)
        if seq == entry.seq:
            return entry.index
        criteria = [Recommendation.panel_id == panel.id]
        if entry.seq is not None:
            criteria.append(Recommendation.seq > entry.seq)
        rows = db.session.execute(
            sa.select(Recommendation.id, Recommendation.text, Recommendation.status, Recommendation.erased_at)
            .where(*criteria)
            .order_by(Recommendation.id)
        ).all()
        changed: list[tuple[int, str]] = []
        for n, (rec_id, text, status, erased_at) in enumerate(rows, start=1):
            if status == Recommendation.ACTIVE and erased_at is None:
                # A +1 changes the sequence too; only new wording needs comparing again.
                if entry.texts.get(rec_id) != text:
                    changed.append((rec_id, text))
                    entry.texts[rec_id] = text
            elif rec_id in entry.texts:
                entry.index.discard(rec_id)
                del entry.texts[rec_id]
            if n % CATCH_UP_BATCH == 0 or n == len(rows):
                # A batch is compared in one go: ~100x faster than post by post when
                # a big session's index is built from the database.
                compute(functools.partial(entry.index.upsert_many, changed))
                changed = []
                if pause:
                    pause()
        entry.seq = seq
        return entry.index


def _panel_recommendation(panel: Panel, rec_id: object) -> Recommendation:
    rec = by_id(Recommendation, rec_id, "no such recommendation in this session")
    if rec.panel_id != panel.id:
        raise NotFound("no such recommendation in this session")
    return rec


def similar(
    panel: Panel,
    rec_id: object,
    limit: object = DEFAULT_SIMILAR,
    pause: Callable[[], None] | None = None,
    compute: Compute = _here,
) -> list[dict]:
    """The active posts most like this one, best first (never itself). A withdrawn or
    erased post has none: it takes no part in curation."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_SIMILAR:
        raise Invalid(f"limit must be a whole number from 1 to {MAX_SIMILAR}")
    rec = _panel_recommendation(panel, rec_id)
    with _caught_up(panel, pause, compute) as index:
        found = index.similar(rec.id, limit)
    return [{"id": other, "score": score} for other, score in found]


def merged_ids(panel: Panel) -> set[int]:
    """Recommendations of the session that are already in a note item."""
    return set(
        db.session.scalars(
            sa.select(NoteItemSource.recommendation_id)
            .join(Recommendation, Recommendation.id == NoteItemSource.recommendation_id)
            .where(Recommendation.panel_id == panel.id)
        )
    )


def dismissed_pairs(panel: Panel) -> list[tuple[int, int]]:
    rows = db.session.execute(
        sa.select(SuggestionDismissal.first_id, SuggestionDismissal.second_id).where(
            SuggestionDismissal.panel_id == panel.id
        )
    )
    return [(first, second) for first, second in rows]


def suggestions(
    panel: Panel, pause: Callable[[], None] | None = None, compute: Compute = _here
) -> list[dict]:
    """Groups of posts the moderator might merge, best first; posts already in a note
    item and pairs dismissed as "not the same" are left out."""
    exclude, apart = merged_ids(panel), dismissed_pairs(panel)
    with _caught_up(panel, pause, compute) as index:
        groups = compute(lambda: index.groups(exclude=exclude, cannot_link=apart))
    return [{"recommendation_ids": list(group.ids), "score": group.score} for group in groups]


def dismiss(panel: Panel, recommendation_ids: object, actor: Moderator) -> int:
    """Say these posts are not the same idea: no suggestion groups any two of them
    again. Returns how many pairs were new."""
    if (
        not isinstance(recommendation_ids, list)
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in recommendation_ids)
        or not 2 <= len(recommendation_ids) <= MAX_DISMISS
    ):
        raise Invalid(f"recommendation_ids must list 2 to {MAX_DISMISS} recommendation ids")
    ids = sorted(set(recommendation_ids))
    if len(ids) != len(recommendation_ids):
        raise Invalid("recommendation_ids lists an id twice")
    found = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Recommendation)
        .where(Recommendation.id.in_(ids), Recommendation.panel_id == panel.id)
    )
    if found != len(ids):
        raise NotFound("a recommendation is not in this session")
    wanted = {(a, b) for n, a in enumerate(ids) for b in ids[n + 1 :]}
    for attempt in (1, 2):
        rows = db.session.execute(
            sa.select(SuggestionDismissal.first_id, SuggestionDismissal.second_id).where(
                SuggestionDismissal.first_id.in_(ids), SuggestionDismissal.second_id.in_(ids)
            )
        )
        known = {(first, second) for first, second in rows}
        new = sorted(wanted - known)
        db.session.add_all(
            SuggestionDismissal(panel_id=panel.id, first_id=a, second_id=b, moderator_id=actor.id)
            for a, b in new
        )
        audit.record(panel, actor, "suggestions.dismiss", recommendation_ids=ids)
        try:
            db.session.commit()
            return len(new)
        except IntegrityError:
            # Another moderator dismissed an overlapping set at the same instant: read
            # what they stored and add only the rest.
            db.session.rollback()
            if attempt == 2:
                raise
    return 0  # pragma: no cover - the loop returns or raises


# --- the raw input as a file ----------------------------------------------------------

CSV_HEADER = ("room", "author", "text", "votes", "status", "note_item", "section", "created_at")
# A cell starting with one of these is a formula to a spreadsheet: a post "=HYPERLINK(...)"
# must stay text. Tab and carriage return start formulas in some spreadsheets too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def recommendations_csv(panel: Panel) -> str:
    """Every post of every room, oldest first, as CSV text starting with a UTF-8 BOM
    (so spreadsheets read Polish letters right)."""
    rows = db.session.execute(
        sa.select(
            BreakoutRoom.name,
            Participant.display_name,
            Participant.erased_at,
            Recommendation.text,
            Recommendation.vote_count,
            Recommendation.status,
            Recommendation.erased_at,
            NoteItem.text,
            NoteSection.title,
            Recommendation.created_at,
        )
        .join(BreakoutRoom, BreakoutRoom.id == Recommendation.room_id)
        .join(Participant, Participant.id == Recommendation.author_id)
        .outerjoin(NoteItemSource, NoteItemSource.recommendation_id == Recommendation.id)
        .outerjoin(NoteItem, NoteItem.id == NoteItemSource.item_id)
        .outerjoin(NoteSection, NoteSection.id == NoteItem.section_id)
        .where(Recommendation.panel_id == panel.id)
        .order_by(Recommendation.id)
    )
    tz = ZoneInfo(panel.timezone)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for room, name, person_erased, text, votes, status, erased_at, item, section, created_at in rows:
        erased = erased_at is not None or person_erased is not None
        author = "erased" if erased else (name or "anonymous")
        writer.writerow(
            [
                _cell(room),
                _cell(author),
                _cell(text),
                votes,
                "erased" if erased_at is not None else status,
                _cell(item),
                _cell(section),
                created_at.astimezone(tz).isoformat(timespec="seconds"),
            ]
        )
    return out.getvalue()
