"""Moderators sign in and out; anyone switches the interface language."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from .. import cookie, limits
from ..services import accounts
from ..services.errors import RateLimited, Unauthorized
from . import safe_next, sign_in

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField("email", validators=[DataRequired(), Length(max=limits.EMAIL)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=limits.PASSWORD_TYPED)])


class EmptyForm(FlaskForm):
    """Carries only the CSRF token (sign-out)."""


@bp.route("/login", methods=["GET", "POST"])
@sign_in.per_address()
def login():
    """Sign in as a moderator."""
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        try:
            moderator = sign_in.authenticate(form.email.data, form.password.data)
        except Unauthorized:
            error = _("Wrong email or password.")
        except RateLimited:
            error = _("Too many failed sign-ins for this account. Try again in a while.")
            status = 429
        else:
            cookie.sign_in(moderator)
            return redirect(safe_next(request.args.get("next"), url_for("pages.index")))
    elif request.method == "POST":
        error = _("Enter your email and password.")
    if status == 200 and error and request.method == "POST":
        status = 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    """Sign out (participant places in this browser are kept)."""
    if EmptyForm().validate_on_submit():
        # The cookie is signed, not stored: popping it here would leave a copy taken
        # before sign-out valid for 14 days. The epoch bump ends every copy.
        accounts.sign_out_everywhere(cookie.sign_out())
        flash(_("You are signed out."))
    return redirect(url_for("pages.index"))


@bp.get("/lang/<code>")
def set_language(code: str):
    """Switch the interface language for this browser.

    A plain link rather than a form: a form would need a CSRF token, and a token in
    every page would give every anonymous visitor a session cookie, and pages that
    differ per visitor cannot be served from the page cache. Switching someone's
    language is harmless, so this GET may change it.
    """
    if code in current_app.config["LANGUAGES"]:
        cookie.choose_language(code)
    return redirect(safe_next(request.args.get("next"), url_for("pages.index")))
