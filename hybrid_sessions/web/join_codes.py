"""The short join code: `/k/<code>` leads to the session's join page; `/k?code=` is where
the "Have a code?" forms send what people typed."""

from flask import Blueprint, redirect, render_template, request, url_for

from ..services import join_codes
from ..services.errors import NotFound

bp = Blueprint("join_codes", __name__)


@bp.get("/k")
def typed():
    """What someone typed into a "Have a code?" form: on to the session, or the form
    again with a kind word (404, so a wrong guess is never mistaken for a page)."""
    typed = request.args.get("code", "")
    try:
        panel = join_codes.find_panel(typed)
    except NotFound:
        status = 404 if typed.strip() else 200
        return render_template("panels/code.html", typed=typed[:40], wrong=bool(typed.strip())), status
    return redirect(url_for("pages.join", slug=panel.slug))


@bp.get("/k/<code>")
def follow(code: str):
    """A code read off a screen, typed in the address bar: any case, with or without a
    space or dash in the middle."""
    try:
        panel = join_codes.find_panel(code)
    except NotFound:
        return render_template("panels/code.html", typed=code[:40], wrong=True), 404
    return redirect(url_for("pages.join", slug=panel.slug))
