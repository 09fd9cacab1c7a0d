"""The JSON API, /api/v1 (CONTRACT.md section 3). Moderator calls take a bearer token."""

from flask import Blueprint, current_app, jsonify, request

from .. import schemas
from ..error_text import error_dict
from ..extensions import limiter
from ..links import absolute_url
from ..live.broadcast import participant_joined, phase_changed, rooms_changed
from ..models.types import utcnow
from ..services import accounts, audit, notes, panels, participants, recommendations, session_edit, shapes
from ..services.errors import DomainError, Invalid, Unauthorized
from . import sign_in

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError):
    return jsonify({"error": error_dict(exc), **exc.extra}), exc.status


def _body() -> dict:
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # JSON nested thousands deep: bad input, not a server failure
        data = None
    if data is None:
        raise Invalid("the body must be JSON (Content-Type: application/json)")
    return data


def _moderator():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    moderator = accounts.moderator_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if moderator is None:
        raise Unauthorized("a moderator's bearer token is required")
    return moderator


def _session_json(panel) -> dict:
    return shapes.api_session_shape(
        panel,
        panels.room_counts(panel.id),
        panels.latest_published_version(panel.id),
        absolute_url("pages.panel", slug=panel.slug),
    )


def _limit(setting: str):
    """An HTTP rate limit per address, read from the config."""
    return limiter.limit(lambda: current_app.config[setting])


@bp.post("/auth/token")
@sign_in.per_address()
def issue_token():
    """Trade a moderator's email and password for a bearer token."""
    body = schemas.parse(schemas.TokenRequest, _body())
    moderator = sign_in.authenticate(body.email, body.password)
    days = current_app.config["MODERATOR_TOKEN_DAYS"]
    return jsonify({"token": accounts.issue_moderator_token(moderator, days)})


@bp.get("/sessions")
def list_sessions():
    """Upcoming and past sessions, by their slugs and times."""
    return jsonify(shapes.session_list_shape(*panels.list_panels(utcnow())))


@bp.post("/sessions")
def create_session():
    """Create a session with its people and rooms; the caller moderates it."""
    moderator = _moderator()
    body = schemas.parse(schemas.SessionBody, _body())
    panel = panels.create_panel(moderator, body.to_input(current_app.config["DEFAULT_TIMEZONE"]))
    return jsonify(_session_json(panel)), 201


@bp.get("/sessions/<slug>")
def get_session(slug: str):
    """A session with its rooms and how full they are."""
    return jsonify(_session_json(panels.get_panel(slug)))


@bp.patch("/sessions/<slug>")
def edit_session(slug: str):
    """Change any field of a session, add and update rooms; its link stays the same."""
    moderator = _moderator()
    panel = panels.require_moderated_panel(moderator, slug)
    body = schemas.parse(schemas.SessionPatch, _body())
    changes = body.changes()
    if session_edit.update_panel(moderator, panel, changes):
        phase_changed(panel)
    if changes.rooms is not None:
        rooms_changed(panel)
    return jsonify(_session_json(panel))


@bp.post("/sessions/<slug>/participants")
@_limit("RATE_LIMIT_JOIN_PER_ADDRESS")
def join(slug: str):
    """Join a session as a participant; the token is shown only in this answer."""
    panel = panels.get_panel(slug)
    body = schemas.parse(schemas.JoinBody, _body())
    participant, token = participants.join_panel(panel, body.display_name, body.attendance, body.room_id)
    participant_joined(panel, participant)
    return jsonify(shapes.joined_shape(participant, token)), 201


@bp.get("/sessions/<slug>/recommendations")
def list_recommendations(slug: str):
    """Every recommendation of the session (moderators of the session only)."""
    panel = panels.require_moderated_panel(_moderator(), slug)
    return jsonify({"recommendations": recommendations.panel_recommendations(panel)})


@bp.get("/sessions/<slug>/audit")
def audit_log(slug: str):
    """Who did what to the session and its note, newest first (its moderators only)."""
    panel = panels.require_moderated_panel(_moderator(), slug)
    return jsonify({"events": audit.events(panel)})


@bp.get("/sessions/<slug>/note")
def published_note(slug: str):
    """The latest published note, or `?version=N`."""
    panel = panels.get_panel(slug)
    number = request.args.get("version")
    # isdigit() alone accepts "²" and other digits int() refuses.
    if number is not None and not (number.isascii() and number.isdigit()):
        raise Invalid("version must be a positive integer")
    version = notes.get_published(panel, int(number) if number else None)
    url = absolute_url("pages.note", slug=slug, v=version.number)
    return jsonify(shapes.api_published_shape(version, url))


@bp.get("/sessions/<slug>/note/versions")
def note_versions(slug: str):
    """Every published version, newest first."""
    panel = panels.get_panel(slug)
    versions = [
        shapes.version_entry_shape(v, absolute_url("pages.note", slug=slug, v=v.number))
        for v in notes.published_versions(panel)
    ]
    return jsonify({"versions": versions})
