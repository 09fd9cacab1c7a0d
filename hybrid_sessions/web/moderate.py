"""Moderator pages: creating a session and the live console."""

from datetime import datetime
from functools import wraps
from types import SimpleNamespace
from zoneinfo import ZoneInfo, available_timezones

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
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

from .. import cookie
from ..services import panels
from ..services.errors import Conflict, DomainError, Forbidden, NotFound
from ..services.panels import PanelInput, PersonInput, RoomInput
from . import page_cache

bp = Blueprint("moderate", __name__)


def moderator_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        moderator = cookie.signed_in_moderator()
        if moderator is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(moderator, *args, **kwargs)

    return wrapped


class PersonForm(Form):
    name = StringField("name", validators=[Optional(), Length(max=200)])
    bio = TextAreaField("bio", validators=[Optional(), Length(max=5000)])


class RoomForm(Form):
    name = StringField("name", validators=[Optional(), Length(max=200)])
    prompt = TextAreaField("prompt", validators=[Optional(), Length(max=1000)])
    facilitator = StringField("facilitator", validators=[Optional(), Length(max=200)])
    capacity = IntegerField("capacity", validators=[Optional(), NumberRange(1, 10000)])


class SessionForm(FlaskForm):
    title = StringField("title", validators=[DataRequired(), Length(max=300)])
    slug = StringField(
        "slug",
        validators=[
            Optional(),
            Length(max=80),
            Regexp(panels.SLUG_RE, message=_l("Use only small letters a–z, digits and dashes.")),
        ],
    )
    date = DateField("date", validators=[DataRequired()])
    start = TimeField("start", validators=[DataRequired()])
    end = TimeField("end", validators=[DataRequired()])
    timezone = SelectField("timezone", validators=[DataRequired()])
    about = TextAreaField("about", validators=[Optional(), Length(max=20000)])
    join_info = TextAreaField("join_info", validators=[Optional(), Length(max=5000)])
    host = FormField(PersonForm)
    guests = FieldList(FormField(PersonForm), min_entries=2, max_entries=20)
    rooms = FieldList(FormField(RoomForm), min_entries=4, max_entries=200)
    co_moderators = StringField("co_moderators", validators=[Optional(), Length(max=2000)])

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
                RoomInput(r.name.data, r.prompt.data or "", r.facilitator.data or "", r.capacity.data)
                for r in filled(self.rooms)
            ],
            co_moderators=[
                e.strip() for e in (self.co_moderators.data or "").replace(";", ",").split(",") if e.strip()
            ],
        )


_COMMON_ZONES = ["Europe/Warsaw", "Europe/London", "Europe/Berlin", "Europe/Kyiv", "UTC"]


@bp.route("/sessions/new", methods=["GET", "POST"])
@moderator_required
def new_session(moderator):
    """Create a panel session with its people and breakout rooms."""
    form = SessionForm()
    others = sorted(z for z in available_timezones() if "/" in z and z not in _COMMON_ZONES)
    form.timezone.choices = [SelectChoice(z) for z in _COMMON_ZONES + others]
    if request.method == "GET":
        form.timezone.data = current_app.config["DEFAULT_TIMEZONE"]
    error = None
    if form.validate_on_submit():
        try:
            panel = panels.create_panel(moderator, form.to_input())
        except Conflict:
            error = _("This link is already taken; choose another one.")
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(url_for("moderate.console", slug=panel.slug))
    elif request.method == "POST":
        error = _("Please correct the marked fields.")
    return render_template("moderate/new_session.html", form=form, error=error), (400 if error else 200)


@bp.get("/s/<slug>/moderate")
@moderator_required
def console(moderator, slug: str):
    """The moderator console: every room live, the note being written."""
    try:
        panel = panels.require_moderated_panel(moderator, slug)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)
    # Kept per session and language with markers for the moderator's own values (the
    # email in the header, the sign-out form's CSRF token), filled in per response:
    # consoles reopened together after a dropped connection cost no render each.
    # Access is checked above on every request.
    kept_pages = page_cache.personal()
    if kept_pages is None:
        return render_template("moderate/console.html", panel=panel, moderator=moderator)
    key = ("console", request.full_path, str(get_locale()))
    kept = kept_pages.get(key)
    if kept is None:
        try:
            body = render_template(
                "moderate/console.html",
                panel=panel,
                signed_in=SimpleNamespace(email=kept_pages.html("email")),
                csrf_token=lambda: kept_pages.html("csrf"),
            )
        except BaseException:
            kept_pages.abandon(key)
            raise
        kept_pages.keep(key, body, {})
    else:
        body = kept.body
    return kept_pages.fill(body, html={"email": moderator.email, "csrf": generate_csrf()})
