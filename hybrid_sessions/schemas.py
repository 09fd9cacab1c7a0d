"""Payload schemas: one per API body and per socket event.

They check shape and types only (a string where a string belongs, no missing field);
the services check the domain rules (lengths after trimming, who may do what).
Numbers and strings are strict: "3" is not a room id, 3 is not a name.
"""

from datetime import date, time
from typing import Annotated, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt, StrictStr
from pydantic import ValidationError as _ValidationError

from .services.errors import Invalid
from .services.events.programme import DayInput, EventInput, SlotInput, TrackInput
from .services.lookup import MAX_ID
from .services.panels import PanelInput, PersonInput, RoomInput

# Generous upper bounds at the shape level; the services enforce the real limits
# with clearer messages (e.g. 500 characters for a post, counted after trimming).
Str = Annotated[StrictStr, Field(max_length=20000)]
ShortStr = Annotated[StrictStr, Field(max_length=1000)]
# Ids, versions and sequence numbers live in INTEGER columns: a larger number could only
# overflow the database's comparison (PostgreSQL refuses it), so it is invalid here.
MAX_INT = MAX_ID
Id = Annotated[StrictInt, Field(ge=1, le=MAX_INT)]
Version = Annotated[StrictInt, Field(ge=0, le=MAX_INT)] | None


class Schema(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# --- JSON API -------------------------------------------------------------------------


class TokenRequest(Schema):
    email: ShortStr
    password: ShortStr


class PersonBody(Schema):
    name: ShortStr
    bio: Str = ""


class RoomBody(Schema):
    name: ShortStr
    prompt: Str = ""
    facilitator: ShortStr = ""
    capacity: Annotated[StrictInt, Field(ge=1, le=10000)] | None = None


class SessionBody(Schema):
    title: ShortStr
    slug: ShortStr | None = None
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    timezone: ShortStr | None = None
    about: Str = ""
    join_info: Str = ""
    moderator: PersonBody | None = None
    guests: Annotated[list[PersonBody], Field(max_length=20)] = []
    rooms: Annotated[list[RoomBody], Field(min_length=1, max_length=200)]
    co_moderators: Annotated[list[ShortStr], Field(max_length=20)] = []

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
            rooms=[RoomInput(r.name, r.prompt, r.facilitator, r.capacity) for r in self.rooms],
            co_moderators=list(self.co_moderators),
        )


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


class RecRef(Schema):
    recommendation_id: Id


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
