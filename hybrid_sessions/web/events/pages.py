"""The pages people use: programme, registration, personal page, report."""

import io

import segno
from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ... import cookie, limits
from ...error_text import error_text
from ...links import shareable_url
from ...models.types import utcnow
from ...services.errors import DomainError, NotFound
from ...services.events import ics, mail, programme, report
from ...services.events import registration as reg
from ..formatting import parse_id
from . import bp
from .json_api import _limit, mailed_personal_url, personal_data_json, personal_url


class RegistrationForm(FlaskForm):
    name = StringField("name", validators=[DataRequired(), Length(max=limits.REGISTRANT_NAME)])
    email = EmailField("email", validators=[DataRequired(), Length(max=limits.EMAIL)])
    organisation = StringField(
        "organisation", validators=[Optional(), Length(max=limits.REGISTRANT_ORGANISATION)]
    )
    attendance = RadioField(
        "attendance", choices=[SelectChoice("in_room"), SelectChoice("remote")], default="in_room"
    )
    consent = BooleanField("consent", validators=[DataRequired()])


def _event_or_404(slug: str):
    try:
        return programme.get_event(slug)
    except NotFound:
        abort(404)


def _registration_or_404(event, token: str):
    try:
        return reg.registration_for_token(event, token)
    except DomainError:
        abort(404)


def _slot_choices(event) -> tuple[list[tuple[int, int]], dict[int, str]]:
    """The form's `slot-<id>` fields: the choices and, per slot, an error."""
    pairs, errors = [], {}
    for slot in event.parallel_slots:
        value = request.form.get(f"slot-{slot.id}", "")
        if value in ("", "none"):
            continue
        if parse_id(value) is None or not any(t.id == int(value) for t in slot.tracks):
            errors[slot.id] = _("Choose one of the listed options.")
            continue
        pairs.append((slot.id, int(value)))
    return pairs, errors


def _programme_context(event) -> dict:
    return {
        "event": event,
        "waitlisted": programme.waitlisted_counts(event),
        "sessions": programme.linked_sessions(event),
        "places_left": programme.places_left,
        "is_open": reg.is_open(event, utcnow()),
        "can_manage": programme.can_manage(cookie.signed_in_moderator(), event),
    }


@bp.get("/e/<slug>")
def programme_page(slug: str):
    """The programme, printable: days, slots, tracks with lead, place and places left."""
    event = _event_or_404(slug)
    return render_template(
        "events/programme.html",
        programme_link=shareable_url("events.programme_page", slug=event.slug),
        **_programme_context(event),
    )


@bp.get("/e/<slug>/calendar.ics")
def event_ics(slug: str):
    """The whole programme as a calendar file."""
    event = _event_or_404(slug)
    return Response(
        ics.event_calendar(event),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}.ics"'},
    )


@bp.route("/e/<slug>/register", methods=["GET", "POST"])
@_limit("RATE_LIMIT_REGISTER_PER_ADDRESS", methods=["POST"])
def register_page(slug: str):
    """The registration form: who, how, and one choice per parallel slot."""
    event = _event_or_404(slug)
    form = RegistrationForm()
    error, slot_errors = None, {}
    if request.method == "POST":
        pairs, slot_errors = _slot_choices(event)
        if form.validate_on_submit() and not slot_errors:
            try:
                registration, token = reg.register(
                    event,
                    form.name.data,
                    form.email.data,
                    form.organisation.data or "",
                    form.attendance.data,
                    pairs,
                    locale=str(get_locale()),
                )
            except reg.Closed:
                error = _("Registration for this event is closed.")
            except reg.AlreadyRegistered:
                error = _(
                    "This email is already registered for this event. Open the personal link you "
                    "saved (or got by email), or ask the organisers."
                )
            except DomainError as exc:
                error = _field_message(exc)
            else:
                mail.send_confirmation(event, registration, mailed_personal_url(event, token))
                return redirect(url_for("events.personal", slug=event.slug, token=token, new=1))
        else:
            error = _("Please correct the marked fields.")
    return render_template(
        "events/register.html",
        form=form,
        error=error,
        slot_errors=slot_errors,
        selected={k: v for k, v in request.form.items() if k.startswith("slot-")},
        **_programme_context(event),
    ), (400 if error else 200)


def _field_message(exc: DomainError) -> str:
    message = exc.message
    if message.startswith("email"):
        return _("The email address does not look right.")
    if message.startswith("name"):
        return _("Please give your name.")
    return error_text(exc)


@bp.route("/e/<slug>/r/<token>", methods=["GET", "POST"])
def personal(slug: str, token: str):
    """A person's own page: choices with their status, waiting-list positions, change or cancel."""
    event = _event_or_404(slug)
    registration = _registration_or_404(event, token)
    error = None
    if request.method == "POST":
        form = FlaskForm()
        pairs, slot_errors = _slot_choices(event)
        if not form.validate_on_submit() or slot_errors:
            error = _("Please correct the marked fields.")
        else:
            try:
                moved = reg.change_choices(registration, pairs)
            except reg.Closed:
                error = _("Registration for this event is closed: choices cannot change now.")
            except DomainError as exc:
                error = error_text(exc)
            else:
                mail.send_moved_up(event, moved)
                flash(_("Your choices are saved."))
                return redirect(url_for("events.personal", slug=slug, token=token))
    tracks = {t.id: t for s in event.slots for t in s.tracks}
    choices = [
        {
            "choice": c,
            "slot": reg.slot_of(event, c.slot_id),
            "track": tracks[c.track_id],
            "position": reg.waitlist_position(c),
        }
        for c in registration.choices
        if c.status != reg.CANCELLED
    ]
    return render_template(
        "events/personal.html",
        registration=registration,
        token=token,
        choices=choices,
        selected={f"slot-{c['choice'].slot_id}": str(c["choice"].track_id) for c in choices},
        new=request.args.get("new") == "1",
        mail_enabled=mail.enabled(),
        personal_link=personal_url(event, token),
        form=FlaskForm(),
        error=error,
        **_programme_context(event),
    ), (400 if error else 200)


@bp.post("/e/<slug>/r/<token>/cancel")
def personal_cancel(slug: str, token: str):
    """Cancel one's registration; places go to the waiting lists at once."""
    event = _event_or_404(slug)
    registration = _registration_or_404(event, token)
    if not FlaskForm().validate_on_submit():
        abort(400)
    mail.send_moved_up(event, reg.cancel(registration))
    flash(_("Your registration is cancelled."))
    return redirect(url_for("events.personal", slug=slug, token=token))


@bp.post("/e/<slug>/r/<token>/delete")
def personal_delete(slug: str, token: str):
    """Delete one's data: the registration is cancelled and name, email and organisation erased."""
    event = _event_or_404(slug)
    registration = _registration_or_404(event, token)
    if not FlaskForm().validate_on_submit():
        abort(400)
    mail.send_moved_up(event, reg.erase(registration))
    flash(_("Your data is deleted."))
    return redirect(url_for("events.programme_page", slug=slug))


@bp.get("/e/<slug>/r/<token>/data.json")
def personal_data(slug: str, token: str):
    """Everything kept about the person, as a JSON file."""
    event = _event_or_404(slug)
    return personal_data_json(event, _registration_or_404(event, token))


@bp.get("/e/<slug>/r/<token>/calendar.ics")
def personal_ics(slug: str, token: str):
    """The person's own programme as a calendar file."""
    event = _event_or_404(slug)
    registration = _registration_or_404(event, token)
    return Response(
        ics.person_calendar(event, registration),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-my-programme.ics"'},
    )


@bp.get("/e/<slug>/r/<token>/qr.svg")
def personal_qr(slug: str, token: str):
    """A QR code of the personal link: scanned at the door, or to open it on a phone."""
    event = _event_or_404(slug)
    _registration_or_404(event, token)
    buffer = io.BytesIO()
    segno.make(mailed_personal_url(event, token), error="m").save(
        buffer, kind="svg", scale=6, border=2, dark="#1d2430"
    )
    return Response(
        buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"}
    )


def report_page_html(event, manager=None) -> str:
    """The report page; without a `manager`, as the public sees it (and as the PDF's
    print view, web/exports.py)."""
    return render_template(
        "events/report.html",
        event=event,
        parts=report.report_parts(event),
        merged=report.merged_sections(event),
        item_key=report.item_key,
        can_manage=programme.can_manage(manager, event) if manager else False,
        form=FlaskForm(),
    )


@bp.get("/e/<slug>/report")
def report_page(slug: str):
    """Every published session note of the event, in programme order (downloads as
    Markdown, DOCX and PDF: web/exports.py)."""
    event = _event_or_404(slug)
    return report_page_html(event, cookie.signed_in_moderator())


@bp.get("/e")
def event_list():
    """Every event, by its first day (newest first)."""
    return render_template("events/index.html", events=programme.list_events())
