"""Creating and finding panel sessions; who may moderate them."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from .. import limits
from ..extensions import db
from ..models import BreakoutRoom, Moderator, Note, NoteVersion, Panel, PanelPerson, Participant
from ..models.types import utcnow
from . import audit
from .accounts import normalise_email
from .errors import Conflict, Forbidden, Invalid, NotFound
from .text import clean_text
from .web_links import clean_https_url

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ROOMS = limits.MAX_ROOMS
MAX_GUESTS = limits.MAX_GUESTS
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
    call_url: str = ""


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
    # Running the breakout phase (services/phases.py, services/placement.py).
    phase: str = Panel.ROOMS_OPEN
    rooms_close_at: datetime | None = None
    stream_url: str = ""
    assignment: str = Panel.SELF
    anonymous: bool = False


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


def person_row(data: PersonInput, role: str, position: int) -> PanelPerson:
    return PanelPerson(
        role=role,
        position=position,
        name=clean_text(data.name, "name", max_len=limits.PERSON_NAME, multiline=False),
        bio=clean_text(data.bio, "bio", max_len=limits.PERSON_BIO, min_len=0),
    )


def create_panel(actor: Moderator, data: PanelInput) -> Panel:
    """Create a session with its people and rooms; the creator moderates it."""
    title = clean_text(data.title, "title", max_len=limits.SESSION_TITLE, multiline=False)
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
        if not SLUG_RE.match(slug) or len(slug) > limits.SESSION_SLUG:
            raise Invalid("slug may hold only a-z, 0-9 and single dashes")
        if db.session.scalar(sa.select(Panel.id).where(Panel.slug == slug)):
            raise Conflict(f"the slug {slug!r} is taken")
    else:
        slug = _unique_slug(slugify(title))

    panel = Panel(
        slug=slug,
        title=title,
        about=clean_text(data.about, "about", max_len=limits.SESSION_ABOUT, min_len=0),
        join_info=clean_text(data.join_info, "join_info", max_len=limits.SESSION_JOIN_INFO, min_len=0),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        timezone=data.timezone,
    )
    people = []
    if data.host and data.host.name.strip():
        people.append(person_row(data.host, PanelPerson.HOST, 0))
    people += [person_row(g, PanelPerson.GUEST, i + 1) for i, g in enumerate(data.guests)]
    panel.people = people
    panel.rooms = [new_room(room, i) for i, room in enumerate(data.rooms)]
    if data.phase not in (Panel.LOBBY, Panel.ROOMS_OPEN):
        raise Invalid('a new session starts in "lobby" or "rooms_open"')
    if data.rooms_close_at is not None and data.phase != Panel.ROOMS_OPEN:
        raise Invalid("only rooms_open takes a closing time")
    if data.rooms_close_at is not None and data.rooms_close_at <= utcnow():
        raise Invalid("rooms_close_at must be in the future")
    panel.phase = data.phase
    panel.rooms_close_at = data.rooms_close_at
    panel.stream_url = clean_https_url(data.stream_url, "stream_url")
    panel.assignment = check_assignment(data.assignment)
    panel.anonymous = bool(data.anonymous)
    panel.moderators = [actor, *co_moderator_accounts(data.co_moderators, actor)]
    db.session.add(panel)
    db.session.flush()
    db.session.add(Note(panel_id=panel.id))
    audit.record(panel, actor, "session.create", slug=slug, title=title)
    db.session.commit()
    return panel


def check_capacity(capacity: object) -> int | None:
    lo, hi = limits.ROOM_CAPACITY_MIN, limits.ROOM_CAPACITY_MAX
    if capacity is not None and not lo <= capacity <= hi:
        raise Invalid(f"capacity must be between {lo} and {hi}")
    return capacity


def check_assignment(assignment: object) -> str:
    if assignment not in Panel.ASSIGNMENTS:
        raise Invalid("assignment must be one of " + ", ".join(Panel.ASSIGNMENTS))
    return assignment


def room_name(value: object) -> str:
    return clean_text(value, "room name", max_len=limits.ROOM_NAME, multiline=False)


def room_prompt(value: object) -> str:
    return clean_text(value, "prompt", max_len=limits.ROOM_PROMPT, min_len=0)


def room_facilitator(value: object) -> str:
    return clean_text(value, "facilitator", max_len=limits.ROOM_FACILITATOR, min_len=0, multiline=False)


def new_room(room: RoomInput, position: int) -> BreakoutRoom:
    return BreakoutRoom(
        position=position,
        name=room_name(room.name),
        prompt=room_prompt(room.prompt),
        facilitator=room_facilitator(room.facilitator),
        capacity=check_capacity(room.capacity),
        call_url=clean_https_url(room.call_url, "call_url"),
    )


def co_moderator_accounts(emails: list[str], actor: Moderator) -> list[Moderator]:
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
