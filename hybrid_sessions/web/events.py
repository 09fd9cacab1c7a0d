"""Events: the JSON API under /api/v1/events and the pages under /e/<slug> (CONTRACT.md §7)."""

import csv
import io
import json

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .. import cookie, schemas
from ..error_text import error_dict, error_text
from ..extensions import db, limiter
from ..links import absolute_url, shareable_url
from ..models import Choice
from ..models.types import utcnow
from ..programme_file import parse_programme
from ..services.errors import DomainError, Invalid, NotFound
from ..services.events import ics, mail, programme, report
from ..services.events import registration as reg
from . import event_form
from .api import _body, _moderator
from .formatting import parse_id
from .moderate import moderator_required

api = Blueprint("events_api", __name__, url_prefix="/api/v1/events")


@api.errorhandler(DomainError)
def domain_error(exc: DomainError):
    return jsonify({"error": error_dict(exc), **exc.extra}), exc.status


def _limit(setting: str, **options):
    """An HTTP rate limit per address, read from the config."""
    return limiter.limit(lambda: current_app.config[setting], **options)


def event_json(event) -> dict:
    shape = programme.event_shape(event)
    shape["url"] = absolute_url("events.programme_page", slug=event.slug)
    return shape


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@api.post("")
def create_event():
    """Create an event with its programme; the caller organises it."""
    moderator = _moderator()
    body = schemas.parse(schemas.EventBody, _body())
    event = programme.create_event(moderator, body.to_input(current_app.config["DEFAULT_TIMEZONE"]))
    return jsonify(event_json(event)), 201


@api.get("/<slug>")
def get_event(slug: str):
    """The event with each track's confirmed and waitlisted counts."""
    return jsonify(event_json(programme.get_event(slug)))


def mailed_personal_url(event, token: str) -> str:
    """The personal link in an email: PUBLIC_URL or this server's address, never the
    request's Host."""
    return shareable_url("events.personal", slug=event.slug, token=token)


def personal_url(event, token: str) -> str:
    return absolute_url("events.personal", slug=event.slug, token=token)


@api.post("/<slug>/registrations")
@_limit("RATE_LIMIT_REGISTER_PER_ADDRESS")
def register(slug: str):
    """Register; the token (the key to the personal page) is shown only in this answer."""
    event = programme.get_event(slug)
    body = schemas.parse(schemas.RegistrationBody, _body())
    registration, token = reg.register(
        event,
        body.name,
        body.email,
        body.organisation,
        body.attendance,
        body.choice_pairs(),
        locale=str(get_locale()),
    )
    mail.send_confirmation(event, registration, mailed_personal_url(event, token))
    return jsonify(
        {
            "registration": reg.registration_shape(registration),
            "token": token,
            "url": personal_url(event, token),
        }
    ), 201


@api.get("/<slug>/registrations/me")
def my_registration(slug: str):
    """The caller's own registration, everything kept about them (Bearer: its token)."""
    event = programme.get_event(slug)
    registration = reg.registration_for_token(event, _bearer())
    return jsonify({"registration": reg.registration_shape(registration, personal=True)})


@api.put("/<slug>/registrations/me/choices")
def change_my_choices(slug: str):
    """Replace the caller's choices (Bearer: its token)."""
    event = programme.get_event(slug)
    registration = reg.registration_for_token(event, _bearer())
    body = schemas.parse(schemas.ChoicesBody, _body())
    moved = reg.change_choices(registration, body.choice_pairs())
    mail.send_moved_up(event, moved)
    return jsonify({"registration": reg.registration_shape(registration)})


@api.delete("/<slug>/registrations/me")
def cancel_mine(slug: str):
    """Cancel (Bearer: the registration's token); its places go to the waiting lists."""
    event = programme.get_event(slug)
    registration = reg.registration_for_token(event, _bearer())
    moved = reg.erase(registration) if request.args.get("erase") == "1" else reg.cancel(registration)
    mail.send_moved_up(event, moved)
    return jsonify({"cancelled": True, "erased": registration.erased_at is not None})


def _organiser_event(slug: str):
    moderator = _moderator()
    event = programme.get_event(slug)
    programme.require_organiser(moderator, event)
    return event


@api.get("/<slug>/registrations")
def list_registrations(slug: str):
    """Every registration (the organiser only)."""
    event = _organiser_event(slug)
    positions = reg.waitlist_positions(event)
    return jsonify({"registrations": [organiser_row(r, positions) for r in reg.registrations(event)]})


@api.get("/<slug>/registrations.csv")
def registrations_csv(slug: str):
    """The same list as a spreadsheet file (the organiser only)."""
    event = _organiser_event(slug)
    return csv_response(event)


@api.post("/<slug>/registrations/<int:registration_id>/move")
def move_registration(slug: str, registration_id: int):
    """Move a person to another track of the same slot (the organiser only)."""
    event = _organiser_event(slug)
    body = schemas.parse(schemas.ChoiceBody, _body())
    registration = reg.get_registration(event, registration_id)
    moved = reg.move(registration, body.slot_id, body.track_id)
    mail.send_moved_up(event, moved)
    return jsonify({"registration": organiser_row(registration)})


@api.post("/<slug>/check-in")
def check_in(slug: str):
    """Tick a person present by `code` or `registration_id` (the organiser only)."""
    event = _organiser_event(slug)
    body = _body()
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object")
    key = body.get("code") if body.get("code") is not None else body.get("registration_id")
    if key is None:
        raise Invalid("code or registration_id is required")
    registration = reg.check_in(event, key)
    return jsonify({"registration": organiser_row(registration)})


@api.delete("/<slug>/registrations/<int:registration_id>")
def erase_registration(slug: str, registration_id: int):
    """Erase a person's data (the organiser only)."""
    event = _organiser_event(slug)
    moved = reg.erase(reg.get_registration(event, registration_id))
    mail.send_moved_up(event, moved)
    return jsonify({"erased": True})


def organiser_row(registration, positions: dict[int, int] | None = None) -> dict:
    shape = reg.registration_shape(registration, personal=True, positions=positions)
    return {
        key: shape[key]
        for key in (
            "id",
            "name",
            "email",
            "organisation",
            "attendance",
            "choices",
            "cancelled_at",
            "code",
            "checked_in_at",
        )
    }


# Spreadsheets run a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_response(event) -> Response:
    tracks = {t.id: t for s in event.slots for t in s.tracks}
    slots = event.parallel_slots
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["id", "name", "email", "organisation", "attendance", "code", "checked_in_at", "cancelled_at"]
    writer.writerow(header + [f"{s.day.date.isoformat()} {s.starts_at:%H:%M} {s.title}" for s in slots])
    for r in reg.registrations(event):
        by_slot = {c.slot_id: c for c in r.choices}
        row = [r.id, r.name, r.email, r.organisation, r.attendance, r.code, r.checked_in_at, r.cancelled_at]
        for slot in slots:
            choice = by_slot.get(slot.id)
            row.append(f"{tracks[choice.track_id].title} ({choice.status})" if choice else "")
        writer.writerow([_cell(v) for v in row])
    # The byte-order mark makes spreadsheet programs read the file as UTF-8 (Polish letters).
    body = "\ufeff" + buffer.getvalue()
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-registrations.csv"'},
    )


def personal_data_json(event, registration) -> Response:
    body = json.dumps(
        {"event": event.slug, "registration": reg.registration_shape(registration, personal=True)},
        ensure_ascii=False,
        indent=2,
    )
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-my-data.json"'},
    )


# --- Pages ---------------------------------------------------------------------------

bp = Blueprint("events", __name__)


class RegistrationForm(FlaskForm):
    name = StringField("name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("email", validators=[DataRequired(), Length(max=254)])
    organisation = StringField("organisation", validators=[Optional(), Length(max=300)])
    attendance = RadioField(
        "attendance", choices=[SelectChoice("in_room"), SelectChoice("remote")], default="in_room"
    )
    consent = BooleanField("consent", validators=[DataRequired()])


class ProgrammeForm(FlaskForm):
    programme = TextAreaField("programme", validators=[DataRequired(), Length(max=200_000)])


EXAMPLE_PROGRAMME = """title: "Organizowanie społeczności lokalnej"
slug: osl-2030
venue: Kraków
registration_closes_at: "2030-11-18T23:59:00+01:00"
days:
  - date: 2030-11-24
    slots:
      - {starts_at: "12:00", ends_at: "13:30", kind: plenary, title: "Powitanie i wprowadzenie"}
      - {starts_at: "13:30", ends_at: "14:30", kind: break, title: "Obiad"}
      - starts_at: "14:30"
        ends_at: "15:30"
        kind: parallel
        title: "Warsztaty"
        tracks:
          - {title: "Współpraca z liderami", lead: "Tomasz Stoński", capacity: 20}
          - {title: "OSLowiec w OPS", lead: "Aleksandra Skonieczna", capacity: 20}
"""


class CheckInForm(FlaskForm):
    code = StringField("code", validators=[DataRequired(), Length(max=500)])


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


@bp.post("/e/<slug>/report/merge")
@moderator_required
def report_merge(moderator, slug: str):
    """Merge published items of several sessions into one item of a report section."""
    event = _managed_or_abort(moderator, slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        report.merge_across(
            event,
            report.report_parts(event),
            request.form.getlist("item"),
            request.form.get("text", ""),
            request.form.get("section", ""),
        )
    except DomainError as exc:
        flash(error_text(exc))
    return redirect(url_for("events.report_page", slug=slug) + "#merged")


@bp.post("/e/<slug>/report/items/<int:item_id>/remove")
@moderator_required
def report_remove(moderator, slug: str, item_id: int):
    """Remove a merged item (the sessions' own notes are untouched)."""
    event = _managed_or_abort(moderator, slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        report.remove_merged_item(event, item_id)
    except DomainError as exc:
        flash(error_text(exc))
    return redirect(url_for("events.report_page", slug=slug) + "#merged")


@bp.get("/e")
def event_list():
    """Every event, by its first day (newest first)."""
    return render_template("events/index.html", events=programme.list_events())


# --- The organiser's view --------------------------------------------------------------


def _csrf_failed(form) -> bool:
    return bool(getattr(form, "csrf_token", None) and form.csrf_token.errors)


def _event_form_page(moderator, event=None):
    """The event form, to create (`event` None) or edit: save, or add/remove a row."""
    if request.method == "POST":
        form = event_form.EventForm()
    elif event is not None:
        form = event_form.EventForm(data=event_form.event_data(event))
    else:
        form = event_form.EventForm(data={"days": [{"slots": [{"kind": "plenary"}]}]})
    event_form.set_session_choices(form, event_form.session_choices())
    import_form = ProgrammeForm(prefix="import")
    if event is None and request.method == "GET":
        import_form.programme.data = EXAMPLE_PROGRAMME
    error, focus = None, None
    action = request.form.get("action", "save")
    if request.method == "POST" and action != "save":
        # Another row (or one less): nothing is saved and nothing is marked wrong yet.
        focus = event_form.change_rows(form, action)
        event_form.set_session_choices(form, event_form.session_choices())
    elif request.method == "POST":
        timezone = event.timezone if event else current_app.config["DEFAULT_TIMEZONE"]
        if form.validate_on_submit():
            try:
                data = form.to_input(timezone)
                if event is None:
                    event = programme.create_event(moderator, data)
                else:
                    mail.send_moved_up(event, programme.update_event(moderator, event, data))
            except DomainError as exc:
                db.session.rollback()
                error = event_form.show_service_error(form, exc)
            else:
                flash(_("The event is saved."))
                return redirect(url_for("events.programme_page", slug=event.slug))
        elif _csrf_failed(form):
            abort(400)
        else:
            error = _("Please correct the marked fields. Nothing was saved.")
        focus = event_form.first_error(form)
    return render_template(
        "events/form.html",
        form=form,
        import_form=import_form,
        event=event,
        error=error,
        focus=focus,
    ), (400 if error else 200)


@bp.route("/e/new", methods=["GET", "POST"])
@moderator_required
def new_event(moderator):
    """Create an event on a form: days, slots, tracks."""
    return _event_form_page(moderator)


@bp.route("/e/<slug>/edit", methods=["GET", "POST"])
@moderator_required
def edit_event(moderator, slug: str):
    """Edit an event (its organiser): rows keep their ids, so registrations stay."""
    return _event_form_page(moderator, _managed_or_abort(moderator, slug))


@bp.post("/e/import")
@moderator_required
def import_event(moderator):
    """Create an event, or update one's own, from a programme in YAML or JSON."""
    import_form = ProgrammeForm(prefix="import")
    error = None
    if import_form.validate_on_submit():
        try:
            data = parse_programme(import_form.programme.data, current_app.config["DEFAULT_TIMEZONE"])
            event, _created = programme.import_event(data, moderator)
        except DomainError as exc:
            db.session.rollback()
            error = error_text(exc)
        else:
            flash(_("The event is saved."))
            return redirect(url_for("events.programme_page", slug=event.slug))
    elif _csrf_failed(import_form):
        abort(400)
    else:
        error = _("Paste the programme.")
    form = event_form.EventForm(formdata=None)
    event_form.set_session_choices(form, event_form.session_choices())
    return render_template(
        "events/form.html",
        form=form,
        import_form=import_form,
        event=None,
        error=error,
        import_open=True,
        focus="import-programme",
    ), 400


def _managed_or_abort(moderator, slug: str):
    event = _event_or_404(slug)
    if not programme.can_manage(moderator, event):
        abort(403)
    return event


@bp.get("/e/<slug>/organise")
@moderator_required
def organise(moderator, slug: str):
    """Registrations per track, waiting lists, check-in, moves, erasure, the CSV file."""
    event = _managed_or_abort(moderator, slug)
    people = reg.registrations(event)
    by_track: dict[int, dict[str, list]] = {}
    for person in people:
        for choice in person.choices:
            if choice.status in (Choice.CONFIRMED, Choice.WAITLISTED):
                by_track.setdefault(choice.track_id, {"confirmed": [], "waitlisted": []})[
                    choice.status
                ].append((choice, person))
    for lists in by_track.values():
        lists["waitlisted"].sort(key=lambda pair: pair[0].id)
    return render_template(
        "events/organise.html",
        people=people,
        by_track=by_track,
        check_in_form=CheckInForm(),
        form=FlaskForm(),
        **_programme_context(event),
    )


def _check_in_key(event, value: str):
    """The code as typed, `#id`, or the personal link scanned from the person's QR code
    (a scanner types it into the field)."""
    if "/r/" in value:
        token = value.split("/r/", 1)[1].split("/")[0].split("?")[0]
        try:
            return reg.registration_for_token(event, token).id
        except DomainError:
            raise NotFound("no registration for this link") from None
    if value.startswith("#") and parse_id(value[1:]) is not None:
        return int(value[1:])
    return value


@bp.post("/e/<slug>/organise/check-in")
@moderator_required
def organise_check_in(moderator, slug: str):
    """Tick a person present by the code on their personal page (or their id)."""
    event = _managed_or_abort(moderator, slug)
    form = CheckInForm()
    if not form.validate_on_submit():
        flash(_("Type the person's code."))
    else:
        try:
            person = reg.check_in(event, _check_in_key(event, form.code.data.strip()))
        except NotFound:
            flash(_("No registration has this code."))
        except DomainError as exc:
            flash(error_text(exc))
        else:
            flash(_("%(name)s is checked in.", name=person.name))
    return redirect(url_for("events.organise", slug=slug))


@bp.post("/e/<slug>/organise/<int:registration_id>/move")
@moderator_required
def organise_move(moderator, slug: str, registration_id: int):
    """Move a person to another track of a slot."""
    event = _managed_or_abort(moderator, slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    value = request.form.get("track", "")
    slot_id, _sep, track_id = value.partition(":")
    try:
        person = reg.get_registration(event, registration_id)
        if parse_id(slot_id) is None or parse_id(track_id) is None:
            raise Invalid("choose a track")
        mail.send_moved_up(event, reg.move(person, int(slot_id), int(track_id)))
    except reg.TrackFull:
        flash(_("That track has no free place; the person stays where they were."))
    except DomainError as exc:
        flash(error_text(exc))
    else:
        flash(_("%(name)s is moved.", name=person.name))
    return redirect(url_for("events.organise", slug=slug))


@bp.post("/e/<slug>/organise/<int:registration_id>/erase")
@moderator_required
def organise_erase(moderator, slug: str, registration_id: int):
    """Erase a person's data."""
    event = _managed_or_abort(moderator, slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        mail.send_moved_up(event, reg.erase(reg.get_registration(event, registration_id)))
    except DomainError as exc:
        flash(error_text(exc))
    else:
        flash(_("The person's data is erased."))
    return redirect(url_for("events.organise", slug=slug))


@bp.get("/e/<slug>/organise/registrations.csv")
@moderator_required
def organise_csv(moderator, slug: str):
    """The registrations as a spreadsheet file."""
    return csv_response(_managed_or_abort(moderator, slug))
