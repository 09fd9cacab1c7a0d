"""Creating and finding panel sessions; who may moderate them."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from ..extensions import db
from ..models import BreakoutRoom, Moderator, Note, NoteVersion, Panel, PanelPerson, Participant
from . import audit
from .accounts import normalise_email
from .errors import Conflict, Forbidden, Invalid, NotFound
from .text import clean_text

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A 1,000-person session in 100 rooms is the product's design point; 200 leaves room.
MAX_ROOMS = 200
MAX_GUESTS = 20
# Letters that NFKD does not split into a base letter and a mark.
_TRANSLIT = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d"})


@dataclass
class PersonInput:
    name: str
    bio: str = ""


@dataclass
class RoomInput:
    name: str
    prompt: str = ""
    facilitator: str = ""
    capacity: int | None = None


@dataclass
class PanelInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    rooms: list[RoomInput]
    slug: str | None = None
    about: str = ""
    join_info: str = ""
    timezone: str = "Europe/Warsaw"
    # The panel's host as shown on its page (the contract's `moderator` person), not an
    # account: the accounts that run the session are `actor` and `co_moderators`.
    host: PersonInput | None = None
    guests: list[PersonInput] = field(default_factory=list)
    # Emails of other moderator accounts who run this session too.
    co_moderators: list[str] = field(default_factory=list)


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLIT))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:60].rstrip("-") or "session"


def _unique_slug(base: str) -> str:
    taken = set(db.session.scalars(sa.select(Panel.slug).where(Panel.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _person(data: PersonInput, role: str, position: int) -> PanelPerson:
    return PanelPerson(
        role=role,
        position=position,
        name=clean_text(data.name, "name", max_len=200, multiline=False),
        bio=clean_text(data.bio, "bio", max_len=5000, min_len=0),
    )


def create_panel(actor: Moderator, data: PanelInput) -> Panel:
    """Create a session with its people and rooms; the creator moderates it."""
    title = clean_text(data.title, "title", max_len=300, multiline=False)
    try:
        ZoneInfo(data.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("timezone is not a known IANA timezone") from None
    if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
        raise Invalid("times need an offset, e.g. 2021-11-23T13:00:00+01:00")
    if data.ends_at <= data.starts_at:
        raise Invalid("ends_at must be after starts_at")
    if not data.rooms:
        raise Invalid("a session needs at least one breakout room")
    if len(data.rooms) > MAX_ROOMS:
        raise Invalid(f"at most {MAX_ROOMS} rooms")
    if len(data.guests) > MAX_GUESTS:
        raise Invalid(f"at most {MAX_GUESTS} guests")

    if data.slug:
        slug = data.slug.strip().lower()
        if not SLUG_RE.match(slug) or len(slug) > 80:
            raise Invalid("slug may hold only a-z, 0-9 and single dashes")
        if db.session.scalar(sa.select(Panel.id).where(Panel.slug == slug)):
            raise Conflict(f"the slug {slug!r} is taken")
    else:
        slug = _unique_slug(slugify(title))

    panel = Panel(
        slug=slug,
        title=title,
        about=clean_text(data.about, "about", max_len=20000, min_len=0),
        join_info=clean_text(data.join_info, "join_info", max_len=5000, min_len=0),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        timezone=data.timezone,
    )
    people = []
    if data.host and data.host.name.strip():
        people.append(_person(data.host, PanelPerson.HOST, 0))
    people += [_person(g, PanelPerson.GUEST, i + 1) for i, g in enumerate(data.guests)]
    panel.people = people
    rooms = []
    for i, room in enumerate(data.rooms):
        if room.capacity is not None and not 1 <= room.capacity <= 10000:
            raise Invalid("capacity must be between 1 and 10000")
        rooms.append(
            BreakoutRoom(
                position=i,
                name=clean_text(room.name, "room name", max_len=200, multiline=False),
                prompt=clean_text(room.prompt, "prompt", max_len=1000, min_len=0),
                facilitator=clean_text(
                    room.facilitator, "facilitator", max_len=200, min_len=0, multiline=False
                ),
                capacity=room.capacity,
            )
        )
    panel.rooms = rooms
    panel.moderators = [actor, *_co_moderators(data.co_moderators, actor)]
    db.session.add(panel)
    db.session.flush()
    db.session.add(Note(panel_id=panel.id))
    audit.record(panel, actor, "session.create", slug=slug, title=title)
    db.session.commit()
    return panel


def _co_moderators(emails: list[str], actor: Moderator) -> list[Moderator]:
    wanted = {normalise_email(e) for e in emails} - {actor.email}
    if not wanted:
        return []
    found = db.session.scalars(sa.select(Moderator).where(Moderator.email.in_(wanted))).all()
    missing = wanted - {m.email for m in found}
    if missing:
        raise Invalid(f"no moderator account for {', '.join(sorted(missing))}")
    return list(found)


def get_panel(slug: object) -> Panel:
    panel = db.session.scalar(sa.select(Panel).where(Panel.slug == slug)) if isinstance(slug, str) else None
    if panel is None:
        raise NotFound("no such session")
    return panel


def find_panel_by_id(panel_id: int) -> Panel | None:
    """The session, or None (a background task whose session was deleted meanwhile)."""
    return db.session.get(Panel, panel_id)


def list_panels(now: datetime) -> tuple[list[Panel], list[Panel]]:
    """(upcoming or running, soonest first; past, latest first)."""
    upcoming = db.session.scalars(
        sa.select(Panel).where(Panel.ends_at >= now).order_by(Panel.starts_at)
    ).all()
    past = db.session.scalars(
        sa.select(Panel).where(Panel.ends_at < now).order_by(Panel.starts_at.desc())
    ).all()
    return list(upcoming), list(past)


def can_moderate(moderator: Moderator | None, panel: Panel) -> bool:
    return moderator is not None and moderator.is_active and moderator in panel.moderators


def require_moderator(moderator: Moderator | None, panel: Panel) -> Moderator:
    if moderator is None:
        raise Forbidden("moderators only")
    if not can_moderate(moderator, panel):
        raise Forbidden("you do not moderate this session")
    return moderator


def require_moderated_panel(moderator: Moderator | None, slug: object) -> Panel:
    """The session `slug`, if `moderator` moderates it: NotFound or Forbidden otherwise.
    Every moderator call (API, socket event, console page) starts here."""
    panel = get_panel(slug)
    require_moderator(moderator, panel)
    return panel


def room_counts(panel_id: int) -> dict[int, int]:
    """Participants placed in each room of the session, in one query."""
    rows = db.session.execute(
        sa.select(Participant.room_id, sa.func.count())
        .where(Participant.panel_id == panel_id, Participant.room_id.is_not(None))
        .group_by(Participant.room_id)
    )
    return {room_id: n for room_id, n in rows}


def latest_published_version(panel_id: int) -> int | None:
    return db.session.scalar(
        sa.select(sa.func.max(NoteVersion.number))
        .join(Note, Note.id == NoteVersion.note_id)
        .where(Note.panel_id == panel_id)
    )
