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

from .. import cookie
from ..extensions import limiter
from ..links import shareable_url
from ..live.broadcast import rooms_changed
from ..models.types import utcnow
from ..services import notes, panels, participants
from ..services.errors import DomainError, NotFound, RoomFull
from ..services.markdown_export import note_markdown
from ..services.shapes import published_shape
from . import page_cache
from .formatting import moment, session_when

bp = Blueprint("pages", __name__)


@bp.app_template_filter("when")
def _when(panel) -> str:
    return session_when(panel)


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
    return render_template(
        "panels/panel.html",
        panel=panel,
        note=published_shape(published) if published else None,
        participant=cookie.joined_participant(panel),
        counts=panels.room_counts(panel.id),
        can_moderate=panels.can_moderate(moderator, panel),
    )


class JoinForm(FlaskForm):
    display_name = StringField("display_name", validators=[DataRequired(), Length(max=60)])
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
    form = JoinForm()
    form.room_id.choices = [SelectChoice(r.id, r.name) for r in panel.rooms]
    if request.method == "GET":
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
            participant, token = participants.join_or_move(
                panel, participant, form.display_name.data, form.attendance.data, form.room_id.data
            )
            if token is not None:
                cookie.remember_participant(panel, token)
        except RoomFull:
            error, status = _("This room is full. Please choose another one."), 409
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            rooms_changed(panel)
            return redirect(url_for("pages.room", slug=slug, room_id=participant.room_id))
    elif request.method == "POST":
        error, status = _("Please fill in your name and choose a room."), 400
    return render_template(
        "panels/join.html",
        panel=panel,
        form=form,
        error=error,
        participant=participant,
        counts=panels.room_counts(panel.id),
    ), status


@bp.get("/s/<slug>/rooms/<int:room_id>")
def room(slug: str, room_id: int):
    """The live breakout room.

    Kept once per room and language with markers for the participant's name and id
    (page_cache.PersonalPages): a reload wave costs a cookie check and one query per
    page instead of a render. A signed-in moderator (whose header differs) gets a render.
    """
    kept_pages = page_cache.personal()
    if cookie.signed_in_moderator() is not None:
        kept_pages = None
    key = ("room", request.full_path, str(get_locale()))
    if kept_pages is not None:
        kept = kept_pages.get(key)
        if kept is not None:
            participant = cookie.joined_participant_name(kept.headers["panel_id"])
            if participant is None:
                return redirect(url_for("pages.join", slug=slug, room=room_id))
            return _fill_room(kept_pages, kept.body, participant)
    try:
        return _room_page(slug, room_id, kept_pages, key)
    finally:
        if kept_pages is not None:
            kept_pages.abandon(key)  # nothing, if it was kept


def _room_page(slug: str, room_id: int, kept_pages, key):
    panel = _panel_or_404(slug)
    try:
        room = participants.get_panel_room(panel, room_id)
    except NotFound:
        abort(404)
    participant = cookie.joined_participant(panel)
    if participant is None:
        return redirect(url_for("pages.join", slug=slug, room=room_id))
    if kept_pages is None:
        return _render_room(panel, room, participant, _me(participant.id, participant.display_name))
    body = _render_room(
        panel,
        room,
        SimpleNamespace(display_name=kept_pages.html("name")),
        _me(kept_pages.json("id"), kept_pages.json("name")),
    )
    kept_pages.keep(key, body, {"panel_id": panel.id})
    return _fill_room(kept_pages, body, participant)


def _me(participant_id, display_name) -> dict:
    return {"id": participant_id, "display_name": display_name}


def _render_room(panel, room, shown, me) -> str:
    # `shown` is what the page prints of the participant, `me` what its script reads:
    # the participant's own values, or a kept page's markers for them.
    return render_template("rooms/room.html", panel=panel, room=room, participant=shown, me=me)


def _fill_room(kept_pages, body: str, participant) -> str:
    return kept_pages.fill(
        body,
        html={"name": participant.display_name},
        json={"id": participant.id, "name": participant.display_name},
    )


def _published_or_404(panel):
    number = request.args.get("v", type=int)
    try:
        return notes.get_published(panel, number)
    except NotFound:
        abort(404)


@bp.get("/s/<slug>/note")
@page_cache.for_visitors
def note(slug: str):
    """The published note, printable, with no participant names (`?v=N` for older)."""
    panel = _panel_or_404(slug)
    version = _published_or_404(panel)
    return render_template(
        "notes/note.html",
        panel=panel,
        note=published_shape(version),
        version=version,
        versions=notes.published_versions(panel),
    )


@bp.get("/s/<slug>/note.md")
def note_markdown_export(slug: str):
    """The published note as Markdown."""
    panel = _panel_or_404(slug)
    version = _published_or_404(panel)
    text = note_markdown(
        version.content,
        version=version.number,
        published_at=version.published_at,
        tz=panel.timezone,
        locale=str(get_locale()),
        labels={
            "note": _("Session note"),
            "version": _("version"),
            "rooms": _("Rooms"),
            "support": _("Support"),
        },
    )
    filename = f"{panel.slug}-v{version.number}.md"
    return Response(
        text,
        mimetype="text/markdown",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


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
    buffer = io.BytesIO()
    segno.make(shareable_url("pages.join", slug=panel.slug), error="m").save(
        buffer, kind="svg", scale=8, border=2, dark="#1d2430"
    )
    return Response(buffer.getvalue(), mimetype="image/svg+xml")
