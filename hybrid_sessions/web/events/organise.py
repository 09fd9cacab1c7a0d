"""The organiser's pages: the event form, import, organise (registrations, check-in), curating the report."""

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ... import limits
from ...error_text import error_text
from ...extensions import db
from ...models import Choice
from ...programme_file import parse_programme
from ...services.errors import DomainError, Invalid, NotFound
from ...services.events import mail, programme, report
from ...services.events import registration as reg
from .. import event_form
from ..formatting import parse_id
from ..moderate import moderator_required
from . import bp
from .json_api import csv_response
from .pages import _event_or_404, _programme_context


class ProgrammeForm(FlaskForm):
    programme = TextAreaField("programme", validators=[DataRequired(), Length(max=limits.PROGRAMME_FILE)])


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
    code = StringField("code", validators=[DataRequired(), Length(max=limits.CHECK_IN_TYPED)])


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
