"""Email for registrations, only with MAIL_SERVER set: a confirmation with the personal
link and the calendar file, and a notice when someone moves up from a waiting list;
each in the language the person registered in.

Sent after the commit on a background thread (green under eventlet), so a slow or
absent mail server never delays or fails a registration.
"""

import logging
import smtplib
import threading
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ...extensions import db
from ...links import shareable_url
from ...models import Registration, Track
from . import ics

log = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def _send(config: dict, message: EmailMessage) -> None:
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("could not send mail to %s", message["To"])


def _dispatch(message: EmailMessage) -> None:
    config = {
        k: current_app.config.get(k)
        for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD")
    }
    threading.Thread(target=_send, args=(config, message), daemon=True).start()


def _message(to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config.get("MAIL_FROM") or "hybrid-sessions@localhost"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    return message


def _language(registration: Registration) -> str:
    """The language the person registered in (their emails are written in it)."""
    languages = current_app.config.get("LANGUAGES", ("pl", "en"))
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "pl")
    return registration.locale if registration.locale in languages else default


def send_confirmation(event, registration: Registration, personal_url: str) -> None:
    if not enabled() or not registration.email:
        return
    with force_locale(_language(registration)):
        lines = [
            _("Hello %(name)s,", name=registration.name),
            "",
            _("you are registered for %(event)s.", event=event.title),
            "",
        ]
        tracks = {t.id: t for s in event.slots for t in s.tracks}
        for choice in registration.choices:
            status = _("confirmed") if choice.status == "confirmed" else _("on the waiting list")
            lines.append(f"- {tracks[choice.track_id].title}: {status}")
        lines += [
            "",
            _("Your personal page (see or change your choices, cancel): %(url)s", url=personal_url),
            _("Your check-in code: %(code)s", code=registration.code),
        ]
        message = _message(
            registration.email, _("Registration: %(event)s", event=event.title), "\n".join(lines)
        )
    message.add_attachment(
        ics.person_calendar(event, registration),
        maintype="text",
        subtype="calendar",
        filename=f"{event.slug}.ics",
    )
    _dispatch(message)


def send_moved_up(event, moved) -> None:
    if not enabled() or not moved:
        return
    for entry in moved:
        registration = db.session.get(Registration, entry.registration_id)
        track = db.session.get(Track, entry.track_id)
        if registration is None or not registration.email:
            continue
        with force_locale(_language(registration)):
            text = "\n".join(
                [
                    _("Hello %(name)s,", name=registration.name),
                    "",
                    _(
                        "a place became free: you moved up from the waiting list "
                        "and are confirmed for %(track)s.",
                        track=track.title,
                    ),
                    "",
                    _("Event: %(event)s", event=event.title),
                    # Sent to someone else than the asker: never the request's Host.
                    shareable_url("events.programme_page", slug=event.slug),
                ]
            )
            message = _message(registration.email, _("You have a place: %(track)s", track=track.title), text)
        _dispatch(message)
