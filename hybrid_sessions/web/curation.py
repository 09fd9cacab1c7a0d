"""Curation over HTTP (CONTRACT.md section 5): suggestions, similar posts, dismissals
and the raw-input CSV, for a bearer token or the signed-in moderator's console."""

from flask import Blueprint, Response, current_app, jsonify, request

from .. import cookie
from ..extensions import csrf
from ..live import suggestions as live_suggestions
from ..services import curation, panels
from ..services.errors import DomainError, Invalid, Unauthorized
from . import api

bp = Blueprint("curation", __name__, url_prefix="/api/v1/sessions/<slug>")
bp.register_error_handler(DomainError, api.domain_error)


def _moderated_panel(slug: str):
    """The session, if the caller moderates it: a bearer token, or else the browser's
    signed-in moderator (whose writes must carry the page's CSRF token, since a
    cookie, unlike a token, is sent by any site's form)."""
    if request.headers.get("Authorization"):
        moderator = api._moderator()
    else:
        moderator = cookie.signed_in_moderator()
        if moderator is None:
            raise Unauthorized("a moderator's bearer token or a signed-in moderator is required")
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
    return moderator, panels.require_moderated_panel(moderator, slug)


@bp.get("/recommendations/<int:rec_id>/similar")
def similar(slug: str, rec_id: int):
    """The posts most like this one, best first (`?limit=K`, default 5, at most 50)."""
    _, panel = _moderated_panel(slug)
    raw = request.args.get("limit", str(curation.DEFAULT_SIMILAR))
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 3:
        raise Invalid(f"limit must be a whole number from 1 to {curation.MAX_SIMILAR}")
    return jsonify(
        {
            "recommendation_id": rec_id,
            "similar": curation.similar(
                panel, rec_id, int(raw), live_suggestions.pause, live_suggestions.off_the_loop
            ),
        }
    )


@bp.get("/suggestions")
def suggestions(slug: str):
    """Groups of posts worth merging, best first."""
    _, panel = _moderated_panel(slug)
    return jsonify(
        {"groups": curation.suggestions(panel, live_suggestions.pause, live_suggestions.off_the_loop)}
    )


@bp.post("/suggestions/dismiss")
def dismiss(slug: str):
    """`{"recommendation_ids": [...]}` are not the same idea: never grouped together again."""
    moderator, panel = _moderated_panel(slug)
    body = api._body()
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object")
    new_pairs = curation.dismiss(panel, body.get("recommendation_ids"), moderator)
    live_suggestions.changed(panel.id)
    return jsonify({"ok": True, "dismissed_pairs": new_pairs})


@bp.get("/recommendations.csv")
def recommendations_csv(slug: str):
    """Every post of every room as a spreadsheet file."""
    _, panel = _moderated_panel(slug)
    return Response(
        curation.recommendations_csv(panel),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{panel.slug}-recommendations.csv"',
            "Cache-Control": "no-store",
        },
    )
