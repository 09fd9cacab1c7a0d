"""The browser form for an event: title, venue, deadline, then days → slots → tracks.

Rows are WTForms FieldLists. Without JavaScript the "add"/"remove" buttons are submit
buttons (`action=add:<list name>` / `action=remove:<entry name>`) that re-render the form
with one row more or less, saving nothing; saving (`action=save`) goes through the same
programme service as the API and the import command.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..error_text import error_text
from ..extensions import db
from ..models import Event, Panel, Slot
from ..services import panels
from ..services.errors import Conflict, DomainError
from ..services.events import programme
from ..services.events.programme import DayInput, EventInput, SlotInput, TrackInput
from .formatting import parse_id
from .subforms import SubForm

_REQUIRED = _l("Please fill this in.")


def _row_id(value) -> int | None:
    return parse_id(value)


class TrackForm(SubForm):
    id = HiddenField()
    title = StringField(validators=[DataRequired(_REQUIRED), Length(max=300)])
    lead = StringField(validators=[Optional(), Length(max=300)])
    place = StringField(validators=[Optional(), Length(max=300)])
    capacity = IntegerField(
        validators=[Optional(), NumberRange(1, 100_000, _l("A whole number, at least 1."))]
    )
    session_slug = SelectField(default="", choices=[SelectChoice("", "")])
    about = TextAreaField(validators=[Optional(), Length(max=5000)])


class SlotForm(SubForm):
    id = HiddenField()
    starts_at = TimeField(validators=[DataRequired(_REQUIRED)])
    ends_at = TimeField(validators=[Optional()])
    title = StringField(validators=[DataRequired(_REQUIRED), Length(max=300)])
    kind = SelectField(
        choices=[
            SelectChoice(Slot.PLENARY, _l("Plenary")),
            SelectChoice(Slot.PARALLEL, _l("Parallel tracks")),
            SelectChoice(Slot.BREAK, _l("Break")),
        ],
        default=Slot.PLENARY,
    )
    about = TextAreaField(validators=[Optional(), Length(max=5000)])
    tracks = FieldList(FormField(TrackForm), min_entries=0, max_entries=50)

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_("It must end after it starts."))

    def validate_kind(self, field):
        if field.data == Slot.PARALLEL and not self.tracks.entries:
            raise ValidationError(_("A parallel slot needs at least one track: add one."))
        if field.data != Slot.PARALLEL and self.tracks.entries:
            raise ValidationError(_("Only a parallel slot has tracks: remove them, or choose “parallel”."))


class DayForm(SubForm):
    id = HiddenField()
    date = DateField(validators=[DataRequired(_REQUIRED)])
    slots = FieldList(FormField(SlotForm), min_entries=0, max_entries=40)


class EventForm(FlaskForm):
    title = StringField(validators=[DataRequired(_REQUIRED), Length(max=300)])
    slug = StringField(
        validators=[
            Optional(),
            Length(max=80),
            Regexp(panels.SLUG_RE, message=_l("Use only small letters a–z, digits and dashes.")),
        ]
    )
    about = TextAreaField(validators=[Optional(), Length(max=20000)])
    venue = StringField(validators=[Optional(), Length(max=300)])
    closes_date = DateField(validators=[Optional()])
    closes_time = TimeField(validators=[Optional()])
    days = FieldList(FormField(DayForm), min_entries=1, max_entries=60)

    def validate_closes_date(self, field):
        if self.closes_time.data and not field.data:
            raise ValidationError(_("Give the date too."))

    def to_input(self, timezone: str) -> EventInput:
        closes = None
        if self.closes_date.data:
            closes = datetime.combine(
                self.closes_date.data, self.closes_time.data or time(23, 59), tzinfo=ZoneInfo(timezone)
            )
        return EventInput(
            title=self.title.data,
            slug=self.slug.data or None,
            about=self.about.data or "",
            venue=self.venue.data or "",
            timezone=timezone,
            registration_closes_at=closes,
            days=[
                DayInput(
                    date=day.date.data,
                    id=_row_id(day.id.data),
                    slots=[
                        SlotInput(
                            starts_at=slot.starts_at.data,
                            ends_at=slot.ends_at.data,
                            title=slot.title.data,
                            about=slot.about.data or "",
                            kind=slot.kind.data,
                            id=_row_id(slot.id.data),
                            tracks=[
                                TrackInput(
                                    title=track.title.data,
                                    lead=track.lead.data or "",
                                    place=track.place.data or "",
                                    about=track.about.data or "",
                                    capacity=track.capacity.data,
                                    session_slug=track.session_slug.data or None,
                                    id=_row_id(track.id.data),
                                )
                                for track in _forms(slot.tracks)
                            ],
                        )
                        for slot in _forms(day.slots)
                    ],
                )
                for day in _forms(self.days)
            ],
        )


def _forms(field_list) -> list:
    return [entry.form for entry in field_list.entries]


def event_data(event: Event) -> dict:
    """The form's data for an existing event (times in its own timezone)."""
    closes = event.registration_closes_at
    if closes is not None:
        closes = closes.astimezone(ZoneInfo(event.timezone))
    return {
        "title": event.title,
        "slug": event.slug,
        "about": event.about,
        "venue": event.venue,
        "closes_date": closes.date() if closes else None,
        "closes_time": closes.time().replace(second=0, microsecond=0) if closes else None,
        "days": [
            {
                "id": str(day.id),
                "date": day.date,
                "slots": [
                    {
                        "id": str(slot.id),
                        "starts_at": slot.starts_at,
                        "ends_at": slot.ends_at,
                        "title": slot.title,
                        "kind": slot.kind,
                        "about": slot.about,
                        "tracks": [
                            {
                                "id": str(track.id),
                                "title": track.title,
                                "lead": track.lead,
                                "place": track.place,
                                "capacity": track.capacity,
                                "session_slug": track.session_slug or "",
                                "about": track.about,
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


def session_choices() -> list[SelectChoice]:
    """Every session, newest first, to link a track to (the session list is public)."""
    rows = db.session.execute(sa.select(Panel.slug, Panel.title).order_by(Panel.starts_at.desc()))
    return [SelectChoice(slug, f"{title} (/s/{slug})") for slug, title in rows]


def set_session_choices(form: EventForm, sessions: list[SelectChoice]) -> None:
    """Each track's select: no session, every session, and the one it links to already
    (an imported programme may name a session that is not here yet)."""
    known = {choice.value for choice in sessions}
    for day in _forms(form.days):
        for slot in _forms(day.slots):
            for track in _forms(slot.tracks):
                current = track.session_slug.data
                extra = [SelectChoice(current, f"/s/{current}")] if current and current not in known else []
                track.session_slug.choices = [SelectChoice("", _("No linked session")), *extra, *sessions]


def _lists(field_list, found: dict) -> dict:
    """Every FieldList of the form by name, and every entry by name: the targets of the
    add/remove buttons."""
    found[field_list.name] = (field_list, None)
    for entry in field_list.entries:
        found[entry.name] = (field_list, entry)
        for sub in entry.form:
            if isinstance(sub, FieldList):
                _lists(sub, found)
    return found


def change_rows(form: EventForm, action: str) -> str | None:
    """Add or remove a row for `action`; the id of the field to focus next, or None when the
    action names no row. Gaps left in the numbering are fine: WTForms reads the indices
    that are there."""
    verb, _sep, name = action.partition(":")
    target = _lists(form.days, {}).get(name)
    if target is None:
        return None
    field_list, entry = target
    if verb == "add" and entry is None:
        if len(field_list.entries) >= (field_list.max_entries or 1000):
            return None
        new = field_list.append_entry()
        if isinstance(new.form, SlotForm) and field_list.entries[:-1]:
            # A new slot starts where the last one ended, so times are typed less often.
            before = field_list.entries[-2].form
            new.form.starts_at.data = before.ends_at.data
        return next(f.id for f in new.form if not isinstance(f, HiddenField))
    if verb == "remove" and entry is not None:
        field_list.entries.remove(entry)
        return f"{field_list.id}-list"
    return None


def first_error(form: EventForm) -> str | None:
    """The id of the first field (in page order) with an error, to focus it."""

    def walk(fields):
        for f in fields:
            if isinstance(f, FieldList):
                for entry in f.entries:
                    found = walk(entry.form)
                    if found:
                        return found
                if any(isinstance(e, str) for e in f.errors):
                    return f.id + "-list"
            elif isinstance(f, FormField):
                found = walk(f.form)
                if found:
                    return found
            elif f.errors and f.type != "CSRFTokenField":
                return f.id
        return None

    return walk(form)


def _field_at(form: EventForm, path: str):
    """The form field a service error names, e.g. `days.0.slots.2.tracks.1.capacity`."""
    node, parts = form, path.split(".")
    try:
        for i, part in enumerate(parts):
            if part.isdigit():
                node = node.entries[int(part)].form
            elif i == len(parts) - 1 or not parts[i + 1].isdigit():
                return node[part]
            else:
                node = node[part]
    except (IndexError, KeyError, AttributeError):
        return None
    return None


def show_service_error(form: EventForm, exc: DomainError) -> str:
    """Put a refusal of the programme service next to its field, in the page's language;
    the message for the top of the page."""
    if isinstance(exc, programme.CapacityBelowConfirmed):
        field = _field_at(form, exc.path)
        message = _(
            "%(num)d people are confirmed in this track: the capacity cannot be lower.", num=exc.confirmed
        )
    elif isinstance(exc, programme.TrackInUse):
        field = None
        message = _(
            "%(num)d people chose “%(title)s”: move them to another track (Registrations) before "
            "removing it. Nothing was saved.",
            num=exc.people,
            title=exc.title,
        )
        return message
    elif isinstance(exc, Conflict) and "slug" in exc.message:
        field, message = form.slug, _("This link is already taken; choose another one.")
    else:
        path = exc.message.split(":", 1)[0]
        field, message = _field_at(form, path) if ":" in exc.message else None, error_text(exc)
    if field is not None and not isinstance(field, FieldList):
        field.errors = [*field.errors, message]
        return _("Please correct the marked fields. Nothing was saved.")
    return message
