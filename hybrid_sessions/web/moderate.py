"""Moderator pages: creating a session and the live console."""

from datetime import datetime
from functools import wraps
from types import SimpleNamespace
from zoneinfo import ZoneInfo, available_timezones

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from .. import cookie, limits
from ..error_text import error_text
from ..links import reachability, shareable_url
from ..live.broadcast import rooms_changed
from ..models import Panel
from ..services import panels, session_edit
from ..services.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from ..services.panels import PanelInput, PersonInput, RoomInput
from ..services.session_edit import PanelChanges, RoomChange
from ..services.web_links import clean_https_url
from . import personal_pages
from .formatting import parse_id
from .subforms import SubForm

bp = Blueprint("moderate", __name__)


def moderator_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        moderator = cookie.signed_in_moderator()
        if moderator is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(moderator, *args, **kwargs)

    return wrapped


class PersonForm(SubForm):
    name = StringField("name", validators=[Optional(), Length(max=limits.PERSON_NAME)])
    bio = TextAreaField("bio", validators=[Optional(), Length(max=limits.PERSON_BIO)])


def https_link(form, field):
    """Call and stream links: https only (they open in a new tab from every page)."""
    try:
        field.data = clean_https_url(field.data, field.name)
    except Invalid:
        raise ValidationError(_("Use an https:// link (Jitsi, BigBlueButton, Zoom, Teams…).")) from None


class RoomForm(SubForm):
    # Set for a room that exists (the edit form); empty for a new one.
    id = HiddenField("id")
    name = StringField("name", validators=[Optional(), Length(max=limits.ROOM_NAME)])
    prompt = TextAreaField("prompt", validators=[Optional(), Length(max=limits.ROOM_PROMPT)])
    facilitator = StringField("facilitator", validators=[Optional(), Length(max=limits.ROOM_FACILITATOR)])
    capacity = IntegerField(
        "capacity",
        validators=[
            Optional(),
            NumberRange(
                limits.ROOM_CAPACITY_MIN,
                limits.ROOM_CAPACITY_MAX,
                message=_l("From 1 to 10,000 places, or empty for no limit."),
            ),
        ],
    )
    call_url = StringField("call_url", validators=[Optional(), Length(max=limits.URL), https_link])


class SessionForm(FlaskForm):
    title = StringField("title", validators=[DataRequired(), Length(max=limits.SESSION_TITLE)])
    slug = StringField(
        "slug",
        validators=[
            Optional(),
            Length(max=limits.SESSION_SLUG),
            Regexp(panels.SLUG_RE, message=_l("Use only small letters a–z, digits and dashes.")),
        ],
    )
    date = DateField("date", validators=[DataRequired()])
    start = TimeField("start", validators=[DataRequired()])
    end = TimeField("end", validators=[DataRequired()])
    timezone = SelectField("timezone", validators=[DataRequired()])
    about = TextAreaField("about", validators=[Optional(), Length(max=limits.SESSION_ABOUT)])
    join_info = TextAreaField("join_info", validators=[Optional(), Length(max=limits.SESSION_JOIN_INFO)])
    host = FormField(PersonForm)
    guests = FieldList(FormField(PersonForm), min_entries=2, max_entries=limits.MAX_GUESTS)
    rooms = FieldList(FormField(RoomForm), min_entries=4, max_entries=limits.MAX_ROOMS)
    co_moderators = StringField(
        "co_moderators", validators=[Optional(), Length(max=limits.CO_MODERATORS_TEXT)]
    )
    stream_url = StringField("stream_url", validators=[Optional(), Length(max=limits.URL), https_link])
    assignment = RadioField(
        "assignment",
        choices=[SelectChoice(Panel.SELF), SelectChoice(Panel.BALANCED), SelectChoice(Panel.BY_MODERATOR)],
        default=Panel.SELF,
    )
    anonymous = BooleanField("anonymous")
    # Only when creating: afterwards the console sets the phase.
    start_in_lobby = BooleanField("start_in_lobby")

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_("The session must end after it starts."))

    def validate_rooms(self, field):
        if not any((entry.form.name.data or "").strip() for entry in field.entries):
            raise ValidationError(_("Add at least one breakout room."))

    def to_input(self) -> PanelInput:
        tz = ZoneInfo(self.timezone.data)
        starts = datetime.combine(self.date.data, self.start.data, tzinfo=tz)
        ends = datetime.combine(self.date.data, self.end.data, tzinfo=tz)
        filled = lambda entries: [e.form for e in entries if (e.form.name.data or "").strip()]  # noqa: E731
        return PanelInput(
            title=self.title.data,
            slug=self.slug.data or None,
            starts_at=starts,
            ends_at=ends,
            timezone=self.timezone.data,
            about=self.about.data or "",
            join_info=self.join_info.data or "",
            host=PersonInput(self.host.form.name.data or "", self.host.form.bio.data or "")
            if (self.host.form.name.data or "").strip()
            else None,
            guests=[PersonInput(g.name.data, g.bio.data or "") for g in filled(self.guests)],
            rooms=[
                RoomInput(
                    r.name.data,
                    r.prompt.data or "",
                    r.facilitator.data or "",
                    r.capacity.data,
                    r.call_url.data or "",
                )
                for r in filled(self.rooms)
            ],
            co_moderators=self._emails(),
            stream_url=self.stream_url.data or "",
            assignment=self.assignment.data or Panel.SELF,
            anonymous=bool(self.anonymous.data),
            phase=Panel.LOBBY if self.start_in_lobby.data else Panel.ROOMS_OPEN,
        )

    def _emails(self) -> list[str]:
        return [e.strip() for e in (self.co_moderators.data or "").replace(";", ",").split(",") if e.strip()]

    def to_changes(self) -> PanelChanges:
        """Every field of the edit form, for session_edit.update_panel (the link and
        the phase are not on it: the link never changes, the console sets the phase)."""
        data = self.to_input()
        rooms = []
        for entry in self.rooms.entries:
            room = entry.form
            room_id = parse_id(room.id.data)
            if room_id is None and not (room.name.data or "").strip():
                continue  # an empty row for a new room, left empty
            rooms.append(
                RoomChange(
                    room_id,
                    {
                        "name": room.name.data or "",
                        "prompt": room.prompt.data or "",
                        "facilitator": room.facilitator.data or "",
                        "capacity": room.capacity.data,
                        "call_url": room.call_url.data or "",
                    },
                )
            )
        return PanelChanges(
            fields={
                "title": data.title,
                "starts_at": data.starts_at,
                "ends_at": data.ends_at,
                "timezone": data.timezone,
                "about": data.about,
                "join_info": data.join_info,
                "moderator": data.host,
                "guests": data.guests,
                "co_moderators": data.co_moderators,
                "stream_url": data.stream_url,
                "assignment": data.assignment,
                "anonymous": data.anonymous,
            },
            rooms=rooms,
        )


_COMMON_ZONES = ["Europe/Warsaw", "Europe/London", "Europe/Berlin", "Europe/Kyiv", "UTC"]


def _timezone_choices() -> list[SelectChoice]:
    others = sorted(z for z in available_timezones() if "/" in z and z not in _COMMON_ZONES)
    return [SelectChoice(z) for z in _COMMON_ZONES + others]


@bp.route("/sessions/new", methods=["GET", "POST"])
@moderator_required
def new_session(moderator):
    """Create a panel session with its people and breakout rooms."""
    form = SessionForm()
    form.timezone.choices = _timezone_choices()
    if request.method == "GET":
        form.timezone.data = current_app.config["DEFAULT_TIMEZONE"]
    error = None
    if form.validate_on_submit():
        try:
            panel = panels.create_panel(moderator, form.to_input())
        except Conflict:
            error = _("This link is already taken; choose another one.")
        except DomainError as exc:
            error = error_text(exc)
        else:
            return redirect(url_for("moderate.console", slug=panel.slug))
    elif request.method == "POST":
        error = _("Please correct the marked fields.")
    return render_template("moderate/new_session.html", form=form, error=error), (400 if error else 200)


def _moderated_or_abort(moderator, slug: str):
    try:
        panel = panels.require_moderated_panel(moderator, slug)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    return panel


def _fill(form: SessionForm, panel) -> None:
    """The edit form as the session is now, with two empty rows for new rooms."""
    tz = ZoneInfo(panel.timezone)
    starts, ends = panel.starts_at.astimezone(tz), panel.ends_at.astimezone(tz)
    form.title.data, form.timezone.data = panel.title, panel.timezone
    form.date.data, form.start.data, form.end.data = starts.date(), starts.time(), ends.time()
    form.about.data, form.join_info.data = panel.about, panel.join_info
    if panel.host:
        form.host.form.name.data, form.host.form.bio.data = panel.host.name, panel.host.bio
    while len(form.guests.entries) < len(panel.guests):
        form.guests.append_entry()
    for entry, guest in zip(form.guests.entries, panel.guests, strict=False):
        entry.form.name.data, entry.form.bio.data = guest.name, guest.bio
    while form.rooms.entries:
        form.rooms.pop_entry()
    for room in panel.rooms:
        entry = form.rooms.append_entry()
        entry.form.id.data = str(room.id)
        entry.form.name.data, entry.form.prompt.data = room.name, room.prompt
        entry.form.facilitator.data, entry.form.capacity.data = room.facilitator, room.capacity
        entry.form.call_url.data = room.call_url
    for _new in range(2):
        form.rooms.append_entry()
    form.co_moderators.data = ", ".join(m.email for m in panel.moderators[1:])
    form.stream_url.data = panel.stream_url
    form.assignment.data = panel.assignment
    form.anonymous.data = panel.anonymous


def _capacity_errors(form: SessionForm, panel) -> bool:
    """Mark rooms whose new number of places is below the people already in them (in
    the page's language; the service refuses the same, in English, for the API)."""
    taken = panels.room_counts(panel.id)
    wrong = False
    for entry in form.rooms.entries:
        room_id, capacity = parse_id(entry.form.id.data), entry.form.capacity.data
        inside = taken.get(room_id, 0) if room_id else 0
        if capacity is not None and capacity < inside:
            entry.form.capacity.errors = [
                *entry.form.capacity.errors,
                ngettext(
                    "%(num)d person is already in this room: it needs at least that many places.",
                    "%(num)d people are already in this room: it needs at least that many places.",
                    inside,
                ),
            ]
            wrong = True
    return wrong


@bp.route("/s/<slug>/edit", methods=["GET", "POST"])
@moderator_required
def edit_session(moderator, slug: str):
    """Edit every field of a session after it was created; its link stays the same."""
    panel = _moderated_or_abort(moderator, slug)
    form = SessionForm()
    form.timezone.choices = _timezone_choices()
    if request.method == "GET":
        _fill(form, panel)
    error = None
    if request.method == "POST":
        if form.validate_on_submit() and not _capacity_errors(form, panel):
            try:
                session_edit.update_panel(moderator, panel, form.to_changes())
            except DomainError as exc:
                error = _("The session could not be saved: %(reason)s", reason=error_text(exc))
            else:
                # New places, renamed or added rooms: the console and walls show them now.
                rooms_changed(panel)
                flash(_("Changes saved. The session's link is the same."))
                return redirect(url_for("moderate.console", slug=panel.slug))
        else:
            error = _("Please correct the marked fields.")
    return render_template("moderate/new_session.html", form=form, error=error, editing=panel), (
        400 if error else 200
    )


@bp.get("/s/<slug>/moderate")
@moderator_required
def console(moderator, slug: str):
    """The moderator console: every room live, the note being written."""
    panel = _moderated_or_abort(moderator, slug)
    context = {
        "panel": panel,
        "moderator": moderator,
        "reachability": reachability(request.host),
        "join_url": shareable_url("pages.join", slug=panel.slug),
    }
    kept = personal_pages.for_this_request()
    if kept is None:
        return render_template("moderate/console.html", **context)
    # Rendered once per session, language and Host (the addresses shown depend on it),
    # with markers for this moderator's e-mail and CSRF token (web/personal_pages.py).
    mark = kept.marks
    body = render_template(
        "moderate/console.html",
        **context,
        signed_in=SimpleNamespace(email=mark("email")),
        csrf_token=lambda: mark("csrf_token"),
    )
    # Opened on the server's own machine, the console lists the addresses the machine
    # has now (the venue laptop may change networks): kept for a moment only.
    local = context["reachability"] is not None
    kept_page = kept.offer(("console", slug, str(get_locale()), request.host), body, panel, briefly=local)
    return kept_page.fill({"email": moderator.email, "csrf_token": generate_csrf()})
