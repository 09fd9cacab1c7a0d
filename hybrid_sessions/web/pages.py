"""Public pages: the session list, the panel page, joining, the live room, the note."""

import hashlib
import io
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from .. import cookie, limits
from ..error_text import error_text
from ..extensions import limiter
from ..links import shareable_url
from ..live.broadcast import participant_joined, presence_changed
from ..models import Panel
from ..models.types import utcnow
from ..services import notes, panels, participants, snapshots
from ..services.errors import DomainError, NotFound, RoomFull
from ..services.shapes import published_shape
from . import page_cache, personal_pages
from .formatting import content_lang_attribute, moment, session_when

bp = Blueprint("pages", __name__)


@bp.app_template_filter("when")
def _when(panel) -> str:
    return session_when(panel)


@bp.app_template_filter("content_lang")
def _content_lang(owner) -> str:
    return content_lang_attribute(owner)


@bp.app_template_filter("moment")
def _moment(value, tz=None) -> str:
    return moment(value, tz)


def _panel_or_404(slug: str):
    try:
        return panels.get_panel(slug)
    except NotFound:
        abort(404)


@bp.get("/")
@page_cache.for_visitors
def index():
    """Upcoming and past sessions."""
    upcoming, past = panels.list_panels(utcnow())
    return render_template("panels/index.html", upcoming=upcoming, past=past)


@bp.get("/s/<slug>")
@page_cache.for_visitors
def panel(slug: str):
    """The panel page: what, when, who, how to join, and the note once published."""
    panel = _panel_or_404(slug)
    try:
        published = notes.get_published(panel)
    except NotFound:
        published = None
    moderator = cookie.signed_in_moderator()
    participant = cookie.joined_participant(panel)
    context = {
        "panel": panel,
        "note": published_shape(published) if published else None,
        "counts": panels.room_counts(panel.id),
        "can_moderate": panels.can_moderate(moderator, panel),
    }
    kept = personal_pages.for_this_request()
    in_a_room = participant is not None and participant.room_id is not None
    if kept is None or not in_a_room or moderator is not None:
        room_url = url_for("pages.room", slug=slug, room_id=participant.room_id) if in_a_room else None
        return render_template("panels/panel.html", participant=participant, room_url=room_url, **context)
    # A joined participant's page differs from everyone else's only by the way back to
    # their room: rendered once per session and language with a marker there, kept as
    # briefly as the anonymous copies (the places left and the note change with no edit).
    mark = kept.marks
    any_room = url_for("pages.room", slug=slug, room_id=0)
    body = render_template(
        "panels/panel.html",
        participant=SimpleNamespace(room_id=mark("room_id")),
        room_url=any_room.removesuffix("0") + mark("room_id"),
        **context,
    )
    kept_page = kept.offer(("panel", slug, str(get_locale())), body, panel, briefly=True)
    return kept_page.fill({"room_id": participant.room_id})


class JoinForm(FlaskForm):
    display_name = StringField("display_name", validators=[DataRequired(), Length(max=limits.DISPLAY_NAME)])
    attendance = RadioField(
        "attendance",
        choices=[SelectChoice("in_room"), SelectChoice("remote")],
        validators=[InputRequired()],
    )
    room_id = RadioField("room_id", coerce=int, validators=[InputRequired()])


@bp.route("/s/<slug>/join", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATE_LIMIT_JOIN_PER_ADDRESS"], methods=["POST"])
def join(slug: str):
    """Join as a participant: a name, in the room or remote, and a breakout room."""
    panel = _panel_or_404(slug)
    participant = cookie.joined_participant(panel)
    chooses_room = panel.assignment == Panel.SELF
    if participant is not None and not chooses_room:
        # The server or the moderator places people here: nothing to choose.
        return redirect(_place_of(panel, participant))
    form = JoinForm()
    if chooses_room:
        form.room_id.choices = [SelectChoice(r.id, r.name) for r in panel.rooms]
    else:
        del form.room_id
    if request.method == "GET" and chooses_room:
        wanted = request.args.get("room", type=int)
        if wanted in {r.id for r in panel.rooms}:
            form.room_id.data = wanted
        if participant is not None:
            form.display_name.data = participant.display_name
            form.attendance.data = participant.attendance
            form.room_id.data = form.room_id.data or participant.room_id
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            newcomer = participant is None
            participant, token = participants.join_or_move(
                panel,
                participant,
                form.display_name.data,
                form.attendance.data,
                form.room_id.data if chooses_room else None,
            )
            if token is not None:
                cookie.remember_participant(panel, token)
        except RoomFull:
            if chooses_room:
                error, status = _("This room is full. Please choose another one."), 409
            else:
                error, status = _("Every room is full. Please ask the moderator."), 409
        except DomainError as exc:
            error, status = error_text(exc), exc.status
        else:
            if newcomer:
                participant_joined(panel, participant)
            else:
                presence_changed(panel)
            return redirect(_place_of(panel, participant))
    elif request.method == "POST":
        error, status = _("Please correct the marked fields."), 400
    return render_template(
        "panels/join.html",
        panel=panel,
        form=form,
        error=error,
        problems=_join_problems(form) if request.method == "POST" else {},
        participant=participant,
        counts=panels.room_counts(panel.id),
        chooses_room=chooses_room,
    ), status


def _join_problems(form: JoinForm) -> dict[str, str]:
    """What is missing, said next to the field it is about (not one generic line)."""
    problems = {}
    if form.display_name.errors:
        problems["display_name"] = (
            _("Your name can be at most %(num)d characters.", num=limits.DISPLAY_NAME)
            if form.display_name.data and len(form.display_name.data) > limits.DISPLAY_NAME
            else _("Enter your name.")
        )
    if form.attendance.errors:
        problems["attendance"] = _("Choose whether you are in the room or remote.")
    room = getattr(form, "room_id", None)  # absent where the moderator or the server places people
    if room is not None and room.errors:
        problems["room_id"] = _("Choose a room.")
    return problems


def _place_of(panel, participant) -> str:
    """Where a participant's page is: their room, or the lobby while they wait."""
    if participant.room_id is None:
        return url_for("pages.wait", slug=panel.slug)
    return url_for("pages.room", slug=panel.slug, room_id=participant.room_id)


@bp.get("/s/<slug>/wait")
def wait(slug: str):
    """The lobby of a session where the moderator places people: wait for a room; the
    page follows room:moved."""
    panel = _panel_or_404(slug)
    participant = cookie.joined_participant(panel)
    if participant is None:
        return redirect(url_for("pages.join", slug=slug))
    if participant.room_id is not None:
        return redirect(url_for("pages.room", slug=slug, room_id=participant.room_id))
    return render_template(
        "rooms/wait.html", panel=panel, participant=participant, session_state=snapshots.session_state(panel)
    )


@bp.get("/s/<slug>/rooms/<int:room_id>")
def room(slug: str, room_id: int):
    """The live breakout room."""
    panel = _panel_or_404(slug)
    try:
        room = participants.get_panel_room(panel, room_id)
    except NotFound:
        abort(404)
    participant = cookie.joined_participant(panel)
    if participant is None:
        return redirect(url_for("pages.join", slug=slug, room=room_id))
    # Placed elsewhere (or not yet) by the server or the moderator: go there. (An
    # unplaced participant of a balanced session may still enter a room themselves.)
    placed_elsewhere = participant.room_id is not None or panel.assignment == Panel.BY_MODERATOR
    if panel.assignment != Panel.SELF and participant.room_id != room.id and placed_elsewhere:
        return redirect(_place_of(panel, participant))
    context = {
        "panel": panel,
        "room": room,
        "counts": panels.room_counts(panel.id),
        "session_state": snapshots.session_state(panel),
        "moved": request.args.get("moved") == "1",
    }
    kept = personal_pages.for_this_request()
    if kept is None or cookie.signed_in_moderator():
        return render_template("rooms/room.html", participant=participant, **context)
    # Rendered once for everyone in this room (and language), with markers where this
    # participant's own values go (web/personal_pages.py).
    mark = kept.marks
    body = render_template(
        "rooms/room.html",
        **{**context, "session_state": {**context["session_state"], "server_time": mark("server_time")}},
        participant=SimpleNamespace(id=mark("participant_id"), display_name=mark("name")),
    )
    kept_page = kept.offer(("room", slug, room.id, str(get_locale())), body, panel, room.id)
    return kept_page.fill(
        {
            "name": participant.display_name,
            "participant_id": participant.id,
            "server_time": context["session_state"]["server_time"],
        },
    )


def _published_or_404(panel):
    number = request.args.get("v", type=int)
    try:
        return notes.get_published(panel, number)
    except NotFound:
        abort(404)


def published_note_or_404(slug: str):
    """The session, its published version (`?v=N`, else the latest) and the note's shape;
    404 for the public before the first publish, as for the page."""
    panel = _panel_or_404(slug)
    version = _published_or_404(panel)
    return panel, version, published_shape(version)


def note_page_html(panel, version) -> str:
    """The note page, also the print view the PDF is made from (web/exports.py)."""
    return render_template(
        "notes/note.html",
        panel=panel,
        note=published_shape(version),
        version=version,
        versions=notes.published_versions(panel),
    )


@bp.get("/s/<slug>/note")
@page_cache.for_visitors
def note(slug: str):
    """The published note, printable, with no participant names (`?v=N` for older);
    downloads as Markdown, DOCX and PDF are in web/exports.py."""
    panel, version, _shape = published_note_or_404(slug)
    return note_page_html(panel, version)


_OFFLINE_ASSETS = (
    "css/app.css",
    "js/common.js",
    "vendor/socket.io-4.8.4.min.js",
    "img/logo.svg",
    "favicon.svg",
)


@cache
def _offline_assets(static_folder: str) -> tuple[tuple[str, ...], str]:
    """The files the service worker caches (the room page's ES modules, whichever there
    are, included), and a hash of them, so a deploy with new assets replaces the old
    cache. Computed once per process: browsers ask for /sw.js on every room page load,
    and the files only change with a deploy (and a restart)."""
    room_modules = sorted(f"js/room/{p.name}" for p in (Path(static_folder) / "js" / "room").glob("*.js"))
    names = (*_OFFLINE_ASSETS, *room_modules)
    digest = hashlib.sha256()
    for name in names:
        digest.update((Path(static_folder) / name).read_bytes())
    return names, digest.hexdigest()[:16]


@bp.get("/sw.js")
def service_worker():
    """The service worker that lets a room page reload offline (served at the root so
    its scope covers every page)."""
    names, version = _offline_assets(current_app.static_folder)
    body = render_template(
        "sw.js", version=version, assets=[url_for("static", filename=name) for name in names]
    )
    return Response(body, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.get("/s/<slug>/qr.svg")
def qr(slug: str):
    """A QR code of the join link, to put on the projector."""
    panel = _panel_or_404(slug)
    return qr_response(shareable_url("pages.join", slug=panel.slug))


def qr_response(url: str) -> Response:
    """An SVG QR code of `url` (made here: no outside service, works offline)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2, dark="#1d2430")
    return Response(buffer.getvalue(), mimetype="image/svg+xml")
