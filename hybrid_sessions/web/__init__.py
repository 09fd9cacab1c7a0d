"""HTML pages and the JSON API."""

from urllib.parse import urlsplit

from flask import Flask, jsonify, render_template, request
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from .. import cookie, limits
from ..error_text import code_dict
from ..extensions import csrf

# No inline script anywhere: page data travels in <script type="application/json">
# blocks, which browsers never execute.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths, so ?next= cannot send anyone to another site. Control
    characters (CR/LF would split the Location header) and backslashes (browsers read
    "/\\host" as "//host") are refused too."""
    if not target or "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


def register(app: Flask) -> None:
    from . import api, auth, curation, events, exports, join_codes, moderate, pages, walls

    app.register_blueprint(pages.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(moderate.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(curation.bp)
    app.register_blueprint(join_codes.bp)
    app.register_blueprint(walls.bp)
    # The API authenticates with bearer tokens, which a foreign site cannot send (the
    # curation calls also take the console's cookie, and check CSRF themselves then).
    csrf.exempt(api.bp)
    csrf.exempt(curation.bp)
    app.register_blueprint(events.bp)
    app.register_blueprint(events.api)
    csrf.exempt(events.api)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CSP)
            # Pages come in the browser's language (flask_babel does not say so).
            response.vary.add("Accept-Language")
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            code = {
                400: "invalid",
                401: "unauthorized",
                403: "forbidden",
                404: "not_found",
                413: "invalid",
                429: "rate_limited",
            }.get(exc.code, "invalid" if exc.code < 500 else "internal")
            return jsonify({"error": code_dict(code)}), exc.code
        return render_template("error.html", error=exc), exc.code

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        if request.path.startswith("/api/"):
            return jsonify({"error": code_dict("internal")}), 500
        return render_template("error.html", error=None), 500

    @app.context_processor
    def page_globals():
        return {
            "current_locale": str(get_locale()),
            "limits": limits,
            "languages": {"pl": "Polski", "en": "English"},
            "signed_in": cookie.signed_in_moderator(),
        }
