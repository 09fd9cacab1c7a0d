"""Payload schemas: one per API body and per socket event.

They check shape and types only (a string where a string belongs, no missing field);
the services check the domain rules (lengths after trimming, who may do what).
Numbers and strings are strict: "3" is not a room id, 3 is not a name.
"""

from datetime import date, time
from typing import Annotated, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic import ValidationError as _ValidationError

from . import limits
from .services.errors import Invalid
from .services.events.programme import DayInput, EventInput, SlotInput, TrackInput
from .services.lookup import MAX_ID
from .services.panels import PanelInput, PersonInput, RoomInput
from .services.session_edit import PanelChanges, RoomChange

# Generous upper bounds at the shape level; the services enforce the real limits
# with clearer messages (e.g. 500 characters for a post, counted after trimming).
Str = Annotated[StrictStr, Field(max_length=20000)]
ShortStr = Annotated[StrictStr, Field(max_length=1000)]
# Ids, versions and sequence numbers live in INTEGER columns: a larger number could only
# overflow the database's comparison (PostgreSQL refuses it), so it is invalid here.
MAX_INT = MAX_ID
Id = Annotated[StrictInt, Field(ge=1, le=MAX_INT)]
Version = Annotated[StrictInt, Field(ge=0, le=MAX_INT)] | None


Capacity = Annotated[StrictInt, Field(ge=limits.ROOM_CAPACITY_MIN, le=limits.ROOM_CAPACITY_MAX)]


class Schema(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# --- JSON API -------------------------------------------------------------------------


class TokenRequest(Schema):
    email: ShortStr
    password: ShortStr


class PersonBody(Schema):
    name: ShortStr
    bio: Str = ""


Capacity = Annotated[StrictInt, Field(ge=1, le=10000)] | None
Url = Annotated[StrictStr, Field(max_length=4000)] | None
Phase = Literal["lobby", "rooms_open", "rooms_closed", "published"]
Assignment = Literal["self", "balanced", "moderator"]


class RoomBody(Schema):
    name: ShortStr
    prompt: Str = ""
    facilitator: ShortStr = ""
    capacity: Capacity | None = None
    call_url: Url = None


class SessionBody(Schema):
    title: ShortStr
    slug: ShortStr | None = None
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    timezone: ShortStr | None = None
    about: Str = ""
    join_info: Str = ""
    moderator: PersonBody | None = None
    guests: Annotated[list[PersonBody], Field(max_length=limits.MAX_GUESTS)] = []
    rooms: Annotated[list[RoomBody], Field(min_length=1, max_length=limits.MAX_ROOMS)]
    co_moderators: Annotated[list[ShortStr], Field(max_length=limits.MAX_CO_MODERATORS)] = []
    # Running the breakout phase (CONTRACT.md §6).
    phase: Literal["lobby", "rooms_open"] = "rooms_open"
    rooms_close_at: AwareDatetime | None = None
    stream_url: Url = None
    assignment: Assignment = "self"
    anonymous: StrictBool = False

    def to_input(self, default_timezone: str = "Europe/Warsaw") -> PanelInput:
        return PanelInput(
            title=self.title,
            slug=self.slug,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            timezone=self.timezone or default_timezone,
            about=self.about,
            join_info=self.join_info,
            host=PersonInput(self.moderator.name, self.moderator.bio) if self.moderator else None,
            guests=[PersonInput(g.name, g.bio) for g in self.guests],
            rooms=[
                RoomInput(r.name, r.prompt, r.facilitator, r.capacity, r.call_url or "") for r in self.rooms
            ],
            co_moderators=list(self.co_moderators),
            phase=self.phase,
            rooms_close_at=self.rooms_close_at,
            stream_url=self.stream_url or "",
            assignment=self.assignment,
            anonymous=self.anonymous,
        )


class RoomPatch(Schema):
    """A room in PATCH: with `id` only the fields given change; without, a new room."""

    id: Id | None = None
    name: ShortStr | None = None
    prompt: Str | None = None
    facilitator: ShortStr | None = None
    capacity: Capacity = None
    call_url: Url = None

    def change(self) -> RoomChange:
        return RoomChange(self.id, {k: getattr(self, k) for k in self.model_fields_set if k != "id"})


class SessionPatch(Schema):
    """PATCH /api/v1/sessions/<slug>: every field optional; only those given change."""

    title: ShortStr | None = None
    slug: ShortStr | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    timezone: ShortStr | None = None
    about: Str | None = None
    join_info: Str | None = None
    moderator: PersonBody | None = None
    guests: Annotated[list[PersonBody], Field(max_length=20)] | None = None
    rooms: Annotated[list[RoomPatch], Field(max_length=200)] | None = None
    co_moderators: Annotated[list[ShortStr], Field(max_length=20)] | None = None
    stream_url: Url = None
    assignment: Assignment | None = None
    anonymous: StrictBool | None = None
    phase: Phase | None = None
    rooms_close_at: AwareDatetime | None = None

    def changes(self) -> PanelChanges:
        fields = {}
        for name in self.model_fields_set - {"rooms"}:
            value = getattr(self, name)
            if name == "moderator":
                value = PersonInput(value.name, value.bio) if value else None
            elif name == "guests":
                value = [PersonInput(g.name, g.bio) for g in value or []]
            elif name == "co_moderators":
                value = list(value or [])
            elif value is None and name in ("title", "starts_at", "ends_at", "assignment", "anonymous"):
                raise Invalid(f"{name} cannot be null")
            fields[name] = value
        rooms = [r.change() for r in self.rooms] if self.rooms is not None else None
        return PanelChanges(fields=fields, rooms=rooms)


class JoinBody(Schema):
    display_name: ShortStr
    attendance: Literal["remote", "in_room"]
    room_id: Id | None = None


# --- Events (CONTRACT.md section 7) ---------------------------------------------------


class TrackBody(Schema):
    title: ShortStr
    lead: ShortStr = ""
    place: ShortStr = ""
    about: Str = ""
    capacity: Annotated[StrictInt, Field(ge=1, le=100000)] | None = None
    session_slug: ShortStr | None = None


class SlotBody(Schema):
    starts_at: time
    ends_at: time | None = None
    title: ShortStr
    about: Str = ""
    kind: Literal["plenary", "parallel", "break"]
    tracks: Annotated[list[TrackBody], Field(max_length=100)] = []


class DayBody(Schema):
    date: date
    slots: Annotated[list[SlotBody], Field(max_length=100)] = []


class EventBody(Schema):
    title: ShortStr
    slug: ShortStr | None = None
    about: Str = ""
    venue: ShortStr = ""
    timezone: ShortStr | None = None
    registration_closes_at: AwareDatetime | None = None
    days: Annotated[list[DayBody], Field(min_length=1, max_length=60)]

    def to_input(self, default_timezone: str = "Europe/Warsaw") -> EventInput:
        return EventInput(
            title=self.title,
            slug=self.slug,
            about=self.about,
            venue=self.venue,
            timezone=self.timezone or default_timezone,
            registration_closes_at=self.registration_closes_at,
            days=[
                DayInput(
                    date=d.date,
                    slots=[
                        SlotInput(
                            starts_at=s.starts_at,
                            ends_at=s.ends_at,
                            title=s.title,
                            about=s.about,
                            kind=s.kind,
                            tracks=[
                                TrackInput(t.title, t.lead, t.place, t.about, t.capacity, t.session_slug)
                                for t in s.tracks
                            ],
                        )
                        for s in d.slots
                    ],
                )
                for d in self.days
            ],
        )


class ChoiceBody(Schema):
    slot_id: Id
    track_id: Id


class RegistrationBody(Schema):
    name: ShortStr
    email: ShortStr
    organisation: ShortStr = ""
    attendance: Literal["in_room", "remote"]
    choices: Annotated[list[ChoiceBody], Field(max_length=100)] = []

    def choice_pairs(self) -> list[tuple[int, int]]:
        return [(c.slot_id, c.track_id) for c in self.choices]


class ChoicesBody(Schema):
    choices: Annotated[list[ChoiceBody], Field(max_length=100)]

    def choice_pairs(self) -> list[tuple[int, int]]:
        return [(c.slot_id, c.track_id) for c in self.choices]


# --- Socket.IO events -----------------------------------------------------------------


Seq = Annotated[StrictInt, Field(ge=0, le=MAX_INT)] | None


class RoomJoin(Schema):
    room_id: Id
    # The highest `seq` the client has seen: the answer then holds only what changed.
    since: Seq = None


class RecPost(Schema):
    room_id: Id
    client_id: Annotated[StrictStr, Field(max_length=64)]
    text: Str
    # When the post was typed, in server time (the page's clock plus its offset): a post
    # queued before the rooms closed is still taken for a grace (services/phases.py).
    queued_at: AwareDatetime | None = None


class RecRef(Schema):
    recommendation_id: Id
    queued_at: AwareDatetime | None = None


class SessionPhase(Schema):
    slug: ShortStr
    phase: Phase
    rooms_close_at: AwareDatetime | None = None
    # Additions: minutes from now, or minutes added to the running timer.
    minutes: Annotated[float, Field(gt=0, le=24 * 60)] | None = None
    extend_minutes: Annotated[float, Field(gt=0, le=24 * 60)] | None = None


class SessionBroadcast(Schema):
    slug: ShortStr
    text: ShortStr
    room_id: Id | None = None


class ParticipantMove(Schema):
    slug: ShortStr
    participant_id: Id
    room_id: Id


class SessionRef(Schema):
    slug: ShortStr


class SessionWatch(Schema):
    slug: ShortStr
    since: Seq = None


class NoteMerge(Schema):
    slug: ShortStr
    recommendation_ids: Annotated[list[Id], Field(max_length=200)]
    text: Str
    section: ShortStr
    version: Version = None


class NoteEditItem(Schema):
    slug: ShortStr
    item_id: Id
    text: Str | None = None
    section: ShortStr | None = None
    version: Version = None


class NoteItemRef(Schema):
    slug: ShortStr
    item_id: Id
    version: Version = None


class NoteMoveItem(Schema):
    slug: ShortStr
    item_id: Id
    position: Annotated[StrictInt, Field(ge=0, le=100000)]
    section_id: Id | None = None
    version: Version = None


class NoteMoveSection(Schema):
    slug: ShortStr
    section_id: Id
    position: Annotated[StrictInt, Field(ge=0, le=100000)]
    version: Version = None


class NoteRenameSection(Schema):
    slug: ShortStr
    section_id: Id
    title: ShortStr
    version: Version = None


class NoteSectionRef(Schema):
    slug: ShortStr
    section_id: Id
    version: Version = None


class ParticipantRef(Schema):
    slug: ShortStr
    participant_id: Id


class NoteSummary(Schema):
    slug: ShortStr
    summary: Str
    version: Version = None


class NoteAddToItem(Schema):
    slug: ShortStr
    item_id: Id
    recommendation_ids: Annotated[list[Id], Field(min_length=1, max_length=200)]
    version: Version = None


class NoteHistoryStep(Schema):
    """note:undo and note:redo."""

    slug: ShortStr
    version: Version = None


class NoteRestore(Schema):
    slug: ShortStr
    published_version: Id
    version: Version = None


class SuggestionsDismiss(Schema):
    slug: ShortStr
    recommendation_ids: Annotated[list[Id], Field(max_length=1000)]


class RecSimilar(Schema):
    slug: ShortStr
    recommendation_id: Id
    limit: StrictInt = 5


S = TypeVar("S", bound=Schema)


def parse(schema: type[S], payload: object) -> S:
    """Validate a payload or raise Invalid naming the first bad field."""
    if not isinstance(payload, dict):
        raise Invalid("the payload must be a JSON object")
    try:
        return schema.model_validate(payload)
    except _ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in error["loc"]) or "payload"
        raise Invalid(f"{where}: {error['msg']}") from None
