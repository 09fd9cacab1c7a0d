"""Registration: one choice per parallel slot, capacity, waiting lists, personal data.

Capacity holds under any concurrency because every change of a choice's status on a
track happens under that track's row lock: the first statement is an UPDATE of the
track row (PostgreSQL locks the row until commit; SQLite takes its single write lock),
so sign-ups, cancellations and moves for one track run one after another, and the
place count read under the lock is the truth. Tracks are locked in id order, so two
registrations choosing the same tracks cannot deadlock.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import Choice, Event, Registration, Slot, Track
from ...models.types import utcnow
from ..accounts import hash_token, new_token, normalise_email
from ..errors import Conflict, DomainError, Invalid, NotFound, Unauthorized
from ..lookup import by_id
from ..text import clean_text

CANCELLED = "cancelled"
# No 0/O, 1/I/L: the code is read aloud at the door.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class Closed(DomainError):
    code, status = "closed", 409


class AlreadyRegistered(DomainError):
    code, status = "already_registered", 409


class TrackFull(DomainError):
    code, status = "track_full", 409


@dataclass
class Moved:
    """Someone who moved up from a waiting list (for the notice by email)."""

    registration_id: int
    track_id: int


def is_open(event: Event, now: datetime) -> bool:
    return event.registration_closes_at is None or now < event.registration_closes_at


def _lock(track_ids) -> None:
    for track_id in sorted(set(track_ids)):
        db.session.execute(
            sa.update(Track)
            .where(Track.id == track_id)
            .values(confirmed_count=Track.confirmed_count)
            .execution_options(synchronize_session=False)
        )


def _lock_fresh(registration: Registration, extra=()) -> None:
    """Lock the tracks of the registration's choices (and `extra`), then read the
    registration and its choices again: what is decided must rest on what the locks
    protect, not on what was read before them (a double click on Cancel, a promotion
    from the waiting list in between). A track that turns up only on the second read
    is locked too."""
    locked: set[int] = set()
    while True:
        wanted = {c.track_id for c in registration.choices} | set(extra)
        missing = wanted - locked
        if not missing:
            return
        _lock(missing)
        locked |= missing
        for choice in registration.choices:
            db.session.expire(choice)
        db.session.expire(registration)


def _take_place(track_id: int) -> bool:
    """One more confirmed place if the track has one (under the track's lock)."""
    result = db.session.execute(
        sa.update(Track)
        .where(Track.id == track_id, sa.or_(Track.capacity.is_(None), Track.confirmed_count < Track.capacity))
        .values(confirmed_count=Track.confirmed_count + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _give_back(track_id: int) -> None:
    db.session.execute(
        sa.update(Track)
        .where(Track.id == track_id)
        .values(confirmed_count=Track.confirmed_count - 1)
        .execution_options(synchronize_session=False)
    )


def _waiting(track_id: int):
    return (
        sa.select(Choice)
        .where(Choice.track_id == track_id, Choice.status == Choice.WAITLISTED)
        .order_by(Choice.id)
    )


def _fill_places(track_id: int) -> list[Moved]:
    """Give free places to the first on the waiting list, in order of arrival."""
    moved = []
    while True:
        first = db.session.scalars(_waiting(track_id).limit(1)).first()
        if first is None or not _take_place(track_id):
            return moved
        first.status = Choice.CONFIRMED
        db.session.flush()
        moved.append(Moved(first.registration_id, track_id))


def lock_tracks(track_ids) -> dict[int, int]:
    """Hold the tracks' row locks for the rest of the transaction (a programme edit) and
    return their confirmed counts as they are under the lock: no sign-up slips in between
    checking a new capacity and setting it."""
    ids = sorted(set(track_ids))
    _lock(ids)
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(Track.id, Track.confirmed_count).where(Track.id.in_(ids))).all())


def fill_places(track_ids) -> list[Moved]:
    """After a track got more places (a programme edit): the first on its waiting list move up."""
    return [m for track_id in sorted(set(track_ids)) for m in _fill_places(track_id)]


def _validate_choices(event: Event, choices: list[tuple[object, object]]) -> dict[int, Track]:
    """{slot id: track} after checking each slot is a parallel slot of this event."""
    slots = {slot.id: slot for slot in event.parallel_slots}
    chosen: dict[int, Track] = {}
    for n, (slot_id, track_id) in enumerate(choices):
        slot = slots.get(slot_id) if isinstance(slot_id, int) else None
        if slot is None:
            raise Invalid(f"choices.{n}.slot_id: no such parallel slot in this event")
        if slot_id in chosen:
            raise Invalid(f"choices.{n}: one choice per slot")
        track = next((t for t in slot.tracks if t.id == track_id), None)
        if track is None:
            raise Invalid(f"choices.{n}.track_id: no such track in this slot")
        chosen[slot_id] = track
    return chosen


def _new_code(event: Event) -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
        exists = db.session.scalar(
            sa.select(Registration.id).where(Registration.event_id == event.id, Registration.code == code)
        )
        if not exists:
            return code


def register(
    event: Event,
    name: object,
    email: object,
    organisation: object,
    attendance: object,
    choices: list[tuple[object, object]],
    now: datetime | None = None,
    locale: str = "pl",
) -> tuple[Registration, str]:
    """Register a person. Returns the registration and its token (shown only once).
    `locale`: the language of the page they registered on, for their emails."""
    if not is_open(event, now or utcnow()):
        raise Closed("registration for this event is closed")
    name = clean_text(name, "name", max_len=200, multiline=False)
    email = normalise_email(email)
    organisation = clean_text(organisation or "", "organisation", max_len=300, min_len=0, multiline=False)
    if attendance not in Registration.ATTENDANCE:
        raise Invalid('attendance must be "in_room" or "remote"')
    chosen = _validate_choices(event, choices)
    if _active_with_email(event, email):
        raise AlreadyRegistered("this email is already registered for this event")
    token = new_token("hse")
    registration = Registration(
        event_id=event.id,
        name=name,
        email=email,
        organisation=organisation,
        attendance=attendance,
        token_hash=hash_token(token),
        code=_new_code(event),
        locale=locale,
    )
    try:
        _lock(t.id for t in chosen.values())
        db.session.add(registration)
        for slot_id, track in chosen.items():
            status = Choice.CONFIRMED if _take_place(track.id) else Choice.WAITLISTED
            registration.choices.append(Choice(slot_id=slot_id, track_id=track.id, status=status))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if _active_with_email(event, email):  # the same email, at the same moment
            raise AlreadyRegistered("this email is already registered for this event") from None
        raise
    except Exception:
        db.session.rollback()
        raise
    return registration, token


def _active_with_email(event: Event, email: str) -> bool:
    return bool(
        db.session.scalar(
            sa.select(Registration.id).where(
                Registration.event_id == event.id,
                Registration.email == email,
                Registration.cancelled_at.is_(None),
            )
        )
    )


def registration_for_token(event: Event, token: object) -> Registration:
    if not isinstance(token, str) or not token:
        raise Unauthorized("the registration's token is required")
    registration = db.session.scalar(
        sa.select(Registration).where(
            Registration.token_hash == hash_token(token), Registration.event_id == event.id
        )
    )
    if registration is None or registration.erased_at is not None:
        raise Unauthorized("no registration for this token")
    return registration


def get_registration(event: Event, registration_id: object) -> Registration:
    registration = by_id(Registration, registration_id, "no such registration")
    if registration.event_id != event.id:
        raise NotFound("no such registration")
    return registration


def _release(registration: Registration, slot_ids=None) -> list[int]:
    """Drop the registration's choices (of `slot_ids`, or all); returns the tracks whose
    places must go to their waiting lists. The caller holds the tracks' locks."""
    freed = []
    for choice in list(registration.choices):
        if slot_ids is not None and choice.slot_id not in slot_ids:
            continue
        if choice.status == Choice.CONFIRMED:
            _give_back(choice.track_id)
            freed.append(choice.track_id)
        choice.status = CANCELLED
    return freed


def cancel(registration: Registration, now: datetime | None = None) -> list[Moved]:
    """Cancel a registration: its places go to the first on each waiting list at once."""
    if registration.cancelled_at is not None:
        return []
    try:
        _lock_fresh(registration)
        if registration.cancelled_at is not None:  # cancelled meanwhile (a double click)
            db.session.rollback()
            return []
        freed = _release(registration)
        registration.cancelled_at = now or utcnow()
        db.session.flush()
        moved = [m for track_id in freed for m in _fill_places(track_id)]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return moved


def change_choices(
    registration: Registration, choices: list[tuple[object, object]], now: datetime | None = None
) -> list[Moved]:
    """Set the person's choices: an unchanged choice keeps its place or its turn; a new
    track is taken if it has a place, else its waiting list is joined at the end."""
    event = db.session.get(Event, registration.event_id)
    if registration.cancelled_at is not None:
        raise Conflict("this registration is cancelled")
    if not is_open(event, now or utcnow()):
        raise Closed("registration for this event is closed")
    chosen = _validate_choices(event, choices)
    try:
        _lock_fresh(registration, [t.id for t in chosen.values()])
        if registration.cancelled_at is not None:
            raise Conflict("this registration is cancelled")
        current = {c.slot_id: c for c in registration.choices if c.status != CANCELLED}
        changed = {
            s
            for s in set(current) | set(chosen)
            if s not in current or s not in chosen or current[s].track_id != chosen[s].id
        }
        if not changed:
            db.session.rollback()
            return []
        freed = []
        for slot_id in changed:
            old = current.get(slot_id)
            if old is not None:
                if old.status == Choice.CONFIRMED:
                    _give_back(old.track_id)
                    freed.append(old.track_id)
                registration.choices.remove(old)
        db.session.flush()
        for slot_id in changed:
            if slot_id in chosen:
                track = chosen[slot_id]
                status = Choice.CONFIRMED if _take_place(track.id) else Choice.WAITLISTED
                registration.choices.append(Choice(slot_id=slot_id, track_id=track.id, status=status))
        db.session.flush()
        moved = [m for track_id in freed for m in _fill_places(track_id)]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return moved


def move(registration: Registration, slot_id: object, track_id: object) -> list[Moved]:
    """The organiser moves a person to another track of the same slot. A full track
    refuses (`track_full`) and the person stays where they were."""
    event = db.session.get(Event, registration.event_id)
    chosen = _validate_choices(event, [(slot_id, track_id)])
    track = chosen[slot_id]
    if registration.cancelled_at is not None:
        raise Conflict("this registration is cancelled")
    try:
        _lock_fresh(registration, [track.id])
        if registration.cancelled_at is not None:
            raise Conflict("this registration is cancelled")
        old = next((c for c in registration.choices if c.slot_id == slot_id and c.status != CANCELLED), None)
        if old is not None and old.status == Choice.CONFIRMED and old.track_id == track.id:
            db.session.rollback()
            return []
        if not _take_place(track.id):
            raise TrackFull(f"{track.title} has no free place")
        freed = []
        if old is not None:
            if old.status == Choice.CONFIRMED:
                _give_back(old.track_id)
                freed.append(old.track_id)
            registration.choices.remove(old)
            db.session.flush()
        registration.choices.append(Choice(slot_id=slot_id, track_id=track.id, status=Choice.CONFIRMED))
        db.session.flush()
        moved = [m for t in freed for m in _fill_places(t)]
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return moved


def waitlist_position(choice: Choice) -> int | None:
    """1 for the first on the track's waiting list; None when not waitlisted."""
    if choice.status != Choice.WAITLISTED:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Choice)
        .where(
            Choice.track_id == choice.track_id,
            Choice.status == Choice.WAITLISTED,
            Choice.id < choice.id,
        )
    )
    return ahead + 1


def waitlist_positions(event: Event) -> dict[int, int]:
    """{choice id: position on its track's waiting list} for the whole event, at once."""
    rows = db.session.execute(
        sa.select(Choice.id, Choice.track_id)
        .join(Registration, Registration.id == Choice.registration_id)
        .where(Registration.event_id == event.id, Choice.status == Choice.WAITLISTED)
        .order_by(Choice.id)
    )
    seen: dict[int, int] = {}
    positions = {}
    for choice_id, track_id in rows:
        seen[track_id] = seen.get(track_id, 0) + 1
        positions[choice_id] = seen[track_id]
    return positions


def waiting_list(track: Track) -> list[Choice]:
    return list(db.session.scalars(_waiting(track.id)))


def check_in(event: Event, code_or_id: object, now: datetime | None = None) -> Registration:
    """Tick a person present, found by their code (as said at the door) or id."""
    if isinstance(code_or_id, int):
        registration = get_registration(event, code_or_id)
    else:
        code = clean_text(code_or_id, "code", max_len=20, multiline=False).upper().replace(" ", "")
        registration = db.session.scalar(
            sa.select(Registration).where(Registration.event_id == event.id, Registration.code == code)
        )
        if registration is None:
            raise NotFound("no registration with this code")
    if registration.cancelled_at is not None or registration.erased_at is not None:
        raise Conflict("this registration is cancelled")
    if registration.checked_in_at is None:
        registration.checked_in_at = now or utcnow()
        db.session.commit()
    return registration


def erase(registration: Registration, now: datetime | None = None) -> list[Moved]:
    """Erase a person's data (their wish or the organiser's): places are given up and
    name, email and organisation are gone; only the counts stay."""
    moved = cancel(registration, now)
    registration.name = ""
    registration.email = ""
    registration.organisation = ""
    registration.erased_at = now or utcnow()
    # The token stops working: a new random hash nobody holds.
    registration.token_hash = hash_token(new_token("erased"))
    db.session.commit()
    return moved


def registrations(event: Event) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.erased_at.is_(None))
            .order_by(Registration.id)
            # Every list shows each person's choices: one query for all, not one each.
            .options(so.selectinload(Registration.choices))
        )
    )


def registration_shape(
    registration: Registration, *, personal: bool = False, positions: dict[int, int] | None = None
) -> dict:
    """The contract's registration object; `personal` adds what only the person and the
    organiser see, including each waitlisted choice's `position` (1 = next to move up)."""
    shape = {
        "id": registration.id,
        "name": registration.name,
        "choices": [
            {"slot_id": c.slot_id, "track_id": c.track_id, "status": c.status} for c in registration.choices
        ],
    }
    if personal:
        for choice, data in zip(registration.choices, shape["choices"], strict=True):
            if positions is not None:
                data["position"] = positions.get(choice.id)
            else:
                data["position"] = waitlist_position(choice)
        shape.update(
            email=registration.email,
            organisation=registration.organisation,
            attendance=registration.attendance,
            code=registration.code,
            created_at=registration.created_at.isoformat(),
            cancelled_at=registration.cancelled_at.isoformat() if registration.cancelled_at else None,
            checked_in_at=registration.checked_in_at.isoformat() if registration.checked_in_at else None,
        )
    return shape


def slot_of(event: Event, slot_id: int) -> Slot | None:
    return next((s for s in event.slots if s.id == slot_id), None)
