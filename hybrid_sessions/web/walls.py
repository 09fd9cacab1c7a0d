"""Big screens for a projector: the session wall, a room's wall, and the note as slides.

Who may see them (docs/api.md, "Big screens"): the walls and the published note's
slides are public like the panel page (they show what anyone who joins sees, and never
a participant's name); the draft note's slides are for the session's moderators.
"""

from flask import (
    Blueprint,
    abort,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from .. import cookie
from ..links import shareable_url
from ..live import walls as wall_tickets
from ..services import join_codes, notes, panels, participants, walls
from ..services.errors import NotFound
from ..services.shapes import published_shape
from .pages import qr_response

bp = Blueprint("walls", __name__)


@bp.app_template_filter("spaced_code")
def _spaced_code(code: str) -> str:
    return join_codes.spaced(code)


def _panel_or_404(slug: str):
    try:
        return panels.get_panel(slug)
    except NotFound:
        abort(404)


def _room_or_404(panel, room_id: int):
    try:
        return participants.get_panel_room(panel, room_id)
    except NotFound:
        abort(404)


def _joining(panel, room=None) -> dict:
    """How to get in, as the wall writes it out under the QR code."""
    values = {"room": room.id} if room is not None else {}
    return {
        "url": shareable_url("pages.join", slug=panel.slug, **values),
        "short_url": shareable_url("join_codes.follow", code=panel.join_code),
        "code": panel.join_code,
    }


def phase_labels() -> dict[str, str]:
    """What each phase is called on screens (the console and walls say the same)."""
    return {
        "lobby": _("Rooms open soon"),
        "rooms_open": _("Rooms are open"),
        "rooms_closed": _("Rooms are closed"),
        "published": _("The note is published"),
    }


def _no_store(response):
    # A wall's state is live: a copy from a cache would show an old countdown.
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/s/<slug>/wall")
def session_wall(slug: str):
    """Title, phase and time left, every room's people, the latest broadcast, join QR."""
    panel = _panel_or_404(slug)
    state = walls.session_wall(panel)
    return _no_store(
        render_template(
            "walls/session.html",
            panel=panel,
            state=state,
            joining=_joining(panel),
            ticket=wall_tickets.ticket(panel.id),
            phase_labels=phase_labels(),
            state_url=url_for("walls.session_wall_state", slug=slug),
        )
    )


@bp.get("/s/<slug>/wall.json")
def session_wall_state(slug: str):
    """The session wall's state, for its page to catch up after a reconnection."""
    return _no_store(jsonify(walls.session_wall(_panel_or_404(slug))))


@bp.get("/s/<slug>/rooms/<int:room_id>/wall")
def room_wall(slug: str, room_id: int):
    """A room's prompt, its live posts with their +1s, time left, join QR."""
    panel = _panel_or_404(slug)
    room = _room_or_404(panel, room_id)
    return _no_store(
        render_template(
            "walls/room.html",
            panel=panel,
            room=room,
            state=walls.room_wall(room),
            joining=_joining(panel, room),
            ticket=wall_tickets.ticket(panel.id, room.id),
            phase_labels=phase_labels(),
            state_url=url_for("walls.room_wall_state", slug=slug, room_id=room.id),
        )
    )


@bp.get("/s/<slug>/rooms/<int:room_id>/wall.json")
def room_wall_state(slug: str, room_id: int):
    panel = _panel_or_404(slug)
    return _no_store(jsonify(walls.room_wall(_room_or_404(panel, room_id))))


@bp.get("/s/<slug>/rooms/<int:room_id>/qr.svg")
def room_qr(slug: str, room_id: int):
    """A QR code of the join link with this room chosen."""
    panel = _panel_or_404(slug)
    room = _room_or_404(panel, room_id)
    return qr_response(shareable_url("pages.join", slug=panel.slug, room=room.id))


@bp.get("/s/<slug>/note/slides")
def published_slides(slug: str):
    """The published note (`?v=N` for an older version), one section per slide."""
    panel = _panel_or_404(slug)
    try:
        version = notes.get_published(panel, request.args.get("v", type=int))
    except NotFound:
        abort(404)
    note = published_shape(version)
    return render_template("walls/slides.html", panel=panel, note=note, deck=walls.slides(note), draft=False)


@bp.get("/s/<slug>/note/draft/slides")
def draft_slides(slug: str):
    """The note being written, as slides: for the session's moderators only (it may hold
    wording nobody has agreed to yet)."""
    panel = _panel_or_404(slug)
    moderator = cookie.signed_in_moderator()
    if moderator is None:
        return redirect(url_for("auth.login", next=request.path))
    if not panels.can_moderate(moderator, panel):
        abort(403)
    note = notes.current_note_shape(panel)
    return render_template("walls/slides.html", panel=panel, note=note, deck=walls.slides(note), draft=True)
