"""The programme: creating, importing (create or update by slug) and reading events."""

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from ... import limits
from ...extensions import db
from ...models import Choice, Event, EventDay, Moderator, Panel, Slot, Track
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..panels import SLUG_RE, slugify
from ..text import clean_text
from .registration import fill_places, lock_tracks


@dataclass
class TrackInput:
    title: str
    lead: str = ""
    place: str = ""
    about: str = ""
    capacity: int | None = None
    session_slug: str | None = None
    # The id of the track this input updates (the browser form sends it); None: by position.
    id: int | None = None


@dataclass
class SlotInput:
    starts_at: time
    title: str
    kind: str
    ends_at: time | None = None
    about: str = ""
    tracks: list[TrackInput] = field(default_factory=list)
    id: int | None = None


@dataclass
class DayInput:
    date: date
    slots: list[SlotInput] = field(default_factory=list)
    id: int | None = None


class CapacityBelowConfirmed(Invalid):
    """A track's new capacity is below the people already confirmed in it."""

    def __init__(self, path: str, confirmed: int):
        super().__init__(
            f"{path}: {confirmed} people are confirmed in this track; the capacity cannot be lower"
        )
        self.path, self.confirmed = path, confirmed


class TrackInUse(Conflict):
    """Removing the track (or its slot or day) would drop people's registered choices."""

    def __init__(self, path: str, title: str, people: int):
        super().__init__(
            f'{path}: {people} people chose the track "{title}"; move them or let them change '
            "their choice before removing it"
        )
        self.path, self.title, self.people = path, title, people


@dataclass
class EventInput:
    title: str
    days: list[DayInput]
    slug: str | None = None
    about: str = ""
    venue: str = ""
    timezone: str = "Europe/Warsaw"
    registration_closes_at: datetime | None = None


def get_event(slug: object) -> Event:
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug)) if isinstance(slug, str) else None
    if event is None:
        raise NotFound("no such event")
    return event


def list_events() -> list[Event]:
    first_day = sa.select(sa.func.min(EventDay.date)).where(EventDay.event_id == Event.id).scalar_subquery()
    return list(db.session.scalars(sa.select(Event).order_by(first_day.desc(), Event.id.desc())))


def can_manage(moderator: Moderator | None, event: Event) -> bool:
    """Its organiser manages an event; an imported event (no organiser) any moderator."""
    if moderator is None or not moderator.is_active:
        return False
    return event.organiser_id is None or event.organiser_id == moderator.id


def require_organiser(moderator: Moderator | None, event: Event) -> Moderator:
    if not can_manage(moderator, event):
        raise Forbidden("only the event's organiser may do this")
    return moderator


# Paths under /e/ that are pages of their own: an event with such a slug could not be reached.
RESERVED_SLUGS = frozenset({"new", "import"})


def _slug(data: EventInput, title: str) -> str:
    if data.slug:
        slug = data.slug.strip()
        if not SLUG_RE.match(slug) or len(slug) > 80:
            raise Invalid("slug: use only small letters a-z, digits and dashes (at most 80)")
        if slug in RESERVED_SLUGS:
            raise Invalid(f"slug: {slug!r} is taken by a page of the site; choose another")
        return slug
    slug = slugify(title)
    return f"{slug}-event" if slug in RESERVED_SLUGS else slug


def _check(data: EventInput) -> None:
    """Every rule before anything is written, so bad input changes nothing."""
    clean_text(data.title, "title", max_len=limits.EVENT_TITLE, multiline=False)
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("timezone: unknown timezone") from None
    if not data.days:
        raise Invalid("days: an event needs at least one day")
    for d, day in enumerate(data.days):
        for s, slot in enumerate(day.slots):
            where = f"days.{d}.slots.{s}"
            clean_text(slot.title, f"{where}.title", max_len=limits.EVENT_TITLE, multiline=False)
            if slot.kind not in Slot.KINDS:
                raise Invalid(f'{where}.kind: must be "plenary", "parallel" or "break"')
            if slot.ends_at is not None and slot.ends_at <= slot.starts_at:
                raise Invalid(f"{where}.ends_at: must be after starts_at")
            if slot.kind == Slot.PARALLEL and not slot.tracks:
                raise Invalid(f"{where}.tracks: a parallel slot needs at least one track")
            if slot.kind != Slot.PARALLEL and slot.tracks:
                raise Invalid(f"{where}.tracks: only a parallel slot has tracks")
            for t, track in enumerate(slot.tracks):
                clean_text(
                    track.title, f"{where}.tracks.{t}.title", max_len=limits.EVENT_TITLE, multiline=False
                )
                if track.capacity is not None and track.capacity < 1:
                    raise Invalid(f"{where}.tracks.{t}.capacity: must be at least 1")
                if track.session_slug and not SLUG_RE.match(track.session_slug):
                    raise Invalid(f"{where}.tracks.{t}.session_slug: not a session slug")


def _matched(rows: list, inputs: list, path: str) -> tuple[list, list]:
    """Which row each input updates (None: a new row) and the rows no input keeps.

    Inputs with ids (the browser form) update those rows, wherever they moved; inputs
    without (a programme file) update by position, so importing again keeps ids."""
    if any(getattr(data, "id", None) is not None for data in inputs):
        by_id = {row.id: row for row in rows}
        pairs = []
        for position, data in enumerate(inputs):
            if data.id is not None and data.id not in by_id:
                raise Invalid(f"{path}.{position}.id: not part of this event")
            pairs.append(by_id.get(data.id) if data.id is not None else None)
        kept = {row.id for row in pairs if row is not None}
        if len(kept) != len([row for row in pairs if row is not None]):
            raise Invalid(f"{path}: the same id appears twice")
        return pairs, [row for row in rows if row.id not in kept]
    return [rows[i] if i < len(rows) else None for i in range(len(inputs))], rows[len(inputs) :]


def _active_choices(track_ids: list[int]) -> dict[int, int]:
    if not track_ids:
        return {}
    rows = db.session.execute(
        sa.select(Choice.track_id, sa.func.count())
        .where(Choice.track_id.in_(track_ids), Choice.status.in_((Choice.CONFIRMED, Choice.WAITLISTED)))
        .group_by(Choice.track_id)
    )
    return dict(rows.all())


def _check_existing(event: Event, data: EventInput) -> None:
    """The rules that depend on what is stored: a capacity never goes below the people
    confirmed in the track, and no track people chose is dropped. Checked before any row
    changes, so a refused edit changes nothing."""
    removed: list[tuple[str, Track]] = []
    kept: list[tuple[str, Track, TrackInput]] = []
    days, gone = _matched(list(event.days), data.days, "days")
    removed += [(f"days.{d.position}", t) for d in gone for s in d.slots for t in s.tracks]
    for d, (day, day_data) in enumerate(zip(days, data.days, strict=True)):
        if day is None:
            continue
        slots, gone = _matched(list(day.slots), day_data.slots, f"days.{d}.slots")
        removed += [(f"days.{d}.slots", t) for s in gone for t in s.tracks]
        for s, (slot, slot_data) in enumerate(zip(slots, day_data.slots, strict=True)):
            if slot is None:
                continue
            where = f"days.{d}.slots.{s}.tracks"
            tracks, gone = _matched(list(slot.tracks), slot_data.tracks, where)
            removed += [(where, t) for t in gone]
            kept += [
                (f"{where}.{t}", track, track_data)
                for t, (track, track_data) in enumerate(zip(tracks, slot_data.tracks, strict=True))
                if track is not None
            ]
    confirmed = lock_tracks(track.id for _path, track, _data in kept)
    for path, track, track_data in kept:
        now = confirmed.get(track.id, 0)
        if track_data.capacity is not None and track_data.capacity < now:
            raise CapacityBelowConfirmed(f"{path}.capacity", now)
    chosen = _active_choices([track.id for _path, track in removed])
    for path, track in removed:
        if chosen.get(track.id):
            raise TrackInUse(path, track.title, chosen[track.id])


def _optional(value: str, name: str, max_len: int) -> str:
    return clean_text(value, name, max_len=max_len, min_len=0) if value else ""


def _sync(rows: list, inputs: list, make, update) -> list:
    """Update rows in place (by id, or by position: see `_matched`), add what is new, drop
    what is gone: editing or importing again keeps ids (and the registrations on them)."""
    result = []
    matched, _gone = _matched(rows, inputs, "")
    for position, data in enumerate(inputs):
        row = matched[position] or make()
        update(row, data)
        row.position = position
        result.append(row)
    return result


def _update_track(track: Track, data: TrackInput) -> None:
    track.title = clean_text(data.title, "title", max_len=limits.EVENT_TITLE, multiline=False)
    track.lead = _optional(data.lead, "lead", limits.EVENT_TITLE)
    track.place = _optional(data.place, "place", limits.EVENT_TITLE)
    track.about = _optional(data.about, "about", limits.EVENT_PART_ABOUT)
    track.capacity = data.capacity
    track.session_slug = data.session_slug or None


def _update_slot(slot: Slot, data: SlotInput) -> None:
    slot.title = clean_text(data.title, "title", max_len=limits.EVENT_TITLE, multiline=False)
    slot.about = _optional(data.about, "about", limits.EVENT_PART_ABOUT)
    slot.kind = data.kind
    slot.starts_at, slot.ends_at = data.starts_at, data.ends_at
    slot.tracks = _sync(list(slot.tracks), data.tracks, lambda: Track(confirmed_count=0), _update_track)


def _update_day(day: EventDay, data: DayInput) -> None:
    day.date = data.date
    day.slots = _sync(list(day.slots), data.slots, Slot, _update_slot)


def _apply(event: Event, data: EventInput) -> None:
    event.title = clean_text(data.title, "title", max_len=limits.EVENT_TITLE, multiline=False)
    event.about = _optional(data.about, "about", limits.EVENT_ABOUT)
    event.venue = _optional(data.venue, "venue", limits.EVENT_TITLE)
    event.timezone = data.timezone
    event.registration_closes_at = data.registration_closes_at
    event.days = _sync(list(event.days), data.days, EventDay, _update_day)


def _apply_or_undo(event: Event, data: EventInput) -> None:
    """`_apply`, and on a refused value (a lead too long) nothing stays changed."""
    try:
        _apply(event, data)
    except Exception:
        db.session.rollback()
        raise


def create_event(actor: Moderator, data: EventInput) -> Event:
    """A new event organised by `actor`; an existing slug is a `conflict`."""
    _check(data)
    slug = _slug(data, data.title.strip())
    if data.slug is None:
        taken = set(db.session.scalars(sa.select(Event.slug).where(Event.slug.like(f"{slug}%"))))
        base, n = slug, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
    elif db.session.scalar(sa.select(Event.id).where(Event.slug == slug)):
        raise Conflict("an event with this slug exists")
    event = Event(slug=slug, organiser_id=actor.id)
    _apply(event, data)
    db.session.add(event)
    db.session.commit()
    return event


def import_event(data: EventInput, actor: Moderator | None = None) -> tuple[Event, bool]:
    """Create the event, or update the one with the same slug. Returns (event, created)."""
    _check(data)
    slug = _slug(data, data.title.strip())
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    created = event is None
    if created:
        event = Event(slug=slug, organiser_id=actor.id if actor else None)
        db.session.add(event)
    else:
        if actor is not None:
            require_organiser(actor, event)
        _check_existing(event, data)
    _apply_or_undo(event, data)
    if not created:
        _fill_new_places(event)
    db.session.commit()
    return event, created


def update_event(actor: Moderator, event: Event, data: EventInput) -> list:
    """Edit an event in place (the browser form): rows keep their ids, so the people
    registered in a renamed or moved track keep their places. A new slug must be free.
    Returns who moved up from a waiting list because a track got more places."""
    require_organiser(actor, event)
    _check(data)
    slug = _slug(data, data.title.strip()) if data.slug else event.slug
    if slug != event.slug and db.session.scalar(sa.select(Event.id).where(Event.slug == slug)):
        raise Conflict("an event with this slug exists")
    _check_existing(event, data)
    event.slug = slug
    _apply_or_undo(event, data)
    moved = _fill_new_places(event)
    db.session.commit()
    return moved


def _fill_new_places(event: Event) -> list:
    """More places on a track (or no limit any more): its waiting list moves up at once."""
    db.session.flush()
    waiting = waitlisted_counts(event)
    return fill_places(
        t.id
        for s in event.slots
        for t in s.tracks
        if waiting.get(t.id) and (t.capacity is None or t.capacity > t.confirmed_count)
    )


def waitlisted_counts(event: Event) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Choice.track_id, sa.func.count())
        .join(Slot, Slot.id == Choice.slot_id)
        .join(EventDay, EventDay.id == Slot.day_id)
        .where(EventDay.event_id == event.id, Choice.status == Choice.WAITLISTED)
        .group_by(Choice.track_id)
    )
    return dict(rows.all())


def linked_sessions(event: Event) -> dict[str, Panel]:
    slugs = {t.session_slug for s in event.slots for t in s.tracks if t.session_slug}
    if not slugs:
        return {}
    return {p.slug: p for p in db.session.scalars(sa.select(Panel).where(Panel.slug.in_(slugs)))}


def places_left(track: Track) -> int | None:
    return None if track.capacity is None else max(track.capacity - track.confirmed_count, 0)


def _time(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def event_shape(event: Event) -> dict:
    """The event object of the contract, with each track's counts."""
    waitlisted = waitlisted_counts(event)
    return {
        "id": event.id,
        "slug": event.slug,
        "title": event.title,
        "about": event.about,
        "venue": event.venue,
        "timezone": event.timezone,
        "registration_closes_at": event.registration_closes_at.isoformat()
        if event.registration_closes_at
        else None,
        "days": [
            {
                "id": day.id,
                "date": day.date.isoformat(),
                "slots": [
                    {
                        "id": slot.id,
                        "starts_at": _time(slot.starts_at),
                        "ends_at": _time(slot.ends_at),
                        "title": slot.title,
                        "about": slot.about,
                        "kind": slot.kind,
                        "tracks": [
                            {
                                "id": track.id,
                                "title": track.title,
                                "lead": track.lead,
                                "place": track.place,
                                "about": track.about,
                                "capacity": track.capacity,
                                "session_slug": track.session_slug,
                                "confirmed": track.confirmed_count,
                                "waitlisted": waitlisted.get(track.id, 0),
                                "places_left": places_left(track),
                            }
                            for track in slot.tracks
                        ],
                    }
                    for slot in day.slots
                ],
            }
            for day in event.days
        ],
    }


def slot_start(event: Event, slot: Slot) -> datetime:
    return datetime.combine(slot.day.date, slot.starts_at, ZoneInfo(event.timezone))


def slot_end(event: Event, slot: Slot) -> datetime | None:
    if slot.ends_at is None:
        return None
    return datetime.combine(slot.day.date, slot.ends_at, ZoneInfo(event.timezone))
