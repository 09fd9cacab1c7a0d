"""The events JSON API under /api/v1/events (CONTRACT.md §7)."""

import csv
import io
import json

from flask import (
    Response,
    current_app,
    jsonify,
    request,
)
from flask_babel import get_locale

from ... import schemas
from ...error_text import error_dict
from ...extensions import limiter
from ...links import absolute_url, shareable_url
from ...services.errors import DomainError, Invalid
from ...services.events import mail, programme
from ...services.events import registration as reg
from ..api import _body, _moderator
from . import api


@api.errorhandler(DomainError)
def domain_error(exc: DomainError):
    return jsonify({"error": error_dict(exc), **exc.extra}), exc.status


def _limit(setting: str, **options):
    """An HTTP rate limit per address, read from the config."""
    return limiter.limit(lambda: current_app.config[setting], **options)


def event_json(event) -> dict:
    shape = programme.event_shape(event)
    shape["url"] = absolute_url("events.programme_page", slug=event.slug)
    return shape


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@api.post("")
def create_event():
    """Create an event with its programme; the caller organises it."""
    moderator = _moderator()
    body = schemas.parse(schemas.EventBody, _body())
    event = programme.create_event(moderator, body.to_input(current_app.config["DEFAULT_TIMEZONE"]))
    return jsonify(event_json(event)), 201


@api.get("/<slug>")
def get_event(slug: str):
    """The event with each track's confirmed and waitlisted counts."""
    return jsonify(event_json(programme.get_event(slug)))


def mailed_personal_url(event, token: str) -> str:
    """The personal link in an email: PUBLIC_URL or this server's address, never the
    request's Host."""
    return shareable_url("events.personal", slug=event.slug, token=token)


def personal_url(event, token: str) -> str:
    return absolute_url("events.personal", slug=event.slug, token=token)


@api.post("/<slug>/registrations")
@_limit("RATE_LIMIT_REGISTER_PER_ADDRESS")
def register(slug: str):
    """Register; the token (the key to the personal page) is shown only in this answer."""
    event = programme.get_event(slug)
    body = schemas.parse(schemas.RegistrationBody, _body())
    registration, token = reg.register(
        event,
        body.name,
        body.email,
        body.organisation,
        body.attendance,
        body.choice_pairs(),
        locale=str(get_locale()),
    )
    mail.send_confirmation(event, registration, mailed_personal_url(event, token))
    return jsonify(
        {
            "registration": reg.registration_shape(registration),
            "token": token,
            "url": personal_url(event, token),
        }
    ), 201


@api.get("/<slug>/registrations/me")
def my_registration(slug: str):
    """The caller's own registration, everything kept about them (Bearer: its token)."""
    event = programme.get_event(slug)
    registration = reg.registration_for_token(event, _bearer())
    return jsonify({"registration": reg.registration_shape(registration, personal=True)})


@api.put("/<slug>/registrations/me/choices")
def change_my_choices(slug: str):
    """Replace the caller's choices (Bearer: its token)."""
    event = programme.get_event(slug)
    registration = reg.registration_for_token(event, _bearer())
    body = schemas.parse(schemas.ChoicesBody, _body())
    moved = reg.change_choices(registration, body.choice_pairs())
    mail.send_moved_up(event, moved)
    return jsonify({"registration": reg.registration_shape(registration)})


@api.delete("/<slug>/registrations/me")
def cancel_mine(slug: str):
    """Cancel (Bearer: the registration's token); its places go to the waiting lists."""
    event = programme.get_event(slug)
    registration = reg.registration_for_token(event, _bearer())
    moved = reg.erase(registration) if request.args.get("erase") == "1" else reg.cancel(registration)
    mail.send_moved_up(event, moved)
    return jsonify({"cancelled": True, "erased": registration.erased_at is not None})


def _organiser_event(slug: str):
    moderator = _moderator()
    event = programme.get_event(slug)
    programme.require_organiser(moderator, event)
    return event


@api.get("/<slug>/registrations")
def list_registrations(slug: str):
    """Every registration (the organiser only)."""
    event = _organiser_event(slug)
    positions = reg.waitlist_positions(event)
    return jsonify({"registrations": [organiser_row(r, positions) for r in reg.registrations(event)]})


@api.get("/<slug>/registrations.csv")
def registrations_csv(slug: str):
    """The same list as a spreadsheet file (the organiser only)."""
    event = _organiser_event(slug)
    return csv_response(event)


@api.post("/<slug>/registrations/<int:registration_id>/move")
def move_registration(slug: str, registration_id: int):
    """Move a person to another track of the same slot (the organiser only)."""
    event = _organiser_event(slug)
    body = schemas.parse(schemas.ChoiceBody, _body())
    registration = reg.get_registration(event, registration_id)
    moved = reg.move(registration, body.slot_id, body.track_id)
    mail.send_moved_up(event, moved)
    return jsonify({"registration": organiser_row(registration)})


@api.post("/<slug>/check-in")
def check_in(slug: str):
    """Tick a person present by `code` or `registration_id` (the organiser only)."""
    event = _organiser_event(slug)
    body = _body()
    if not isinstance(body, dict):
        raise Invalid("the body must be a JSON object")
    key = body.get("code") if body.get("code") is not None else body.get("registration_id")
    if key is None:
        raise Invalid("code or registration_id is required")
    registration = reg.check_in(event, key)
    return jsonify({"registration": organiser_row(registration)})


@api.delete("/<slug>/registrations/<int:registration_id>")
def erase_registration(slug: str, registration_id: int):
    """Erase a person's data (the organiser only)."""
    event = _organiser_event(slug)
    moved = reg.erase(reg.get_registration(event, registration_id))
    mail.send_moved_up(event, moved)
    return jsonify({"erased": True})


def organiser_row(registration, positions: dict[int, int] | None = None) -> dict:
    shape = reg.registration_shape(registration, personal=True, positions=positions)
    return {
        key: shape[key]
        for key in (
            "id",
            "name",
            "email",
            "organisation",
            "attendance",
            "choices",
            "cancelled_at",
            "code",
            "checked_in_at",
        )
    }


# Spreadsheets run a cell starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_response(event) -> Response:
    tracks = {t.id: t for s in event.slots for t in s.tracks}
    slots = event.parallel_slots
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["id", "name", "email", "organisation", "attendance", "code", "checked_in_at", "cancelled_at"]
    writer.writerow(header + [f"{s.day.date.isoformat()} {s.starts_at:%H:%M} {s.title}" for s in slots])
    for r in reg.registrations(event):
        by_slot = {c.slot_id: c for c in r.choices}
        row = [r.id, r.name, r.email, r.organisation, r.attendance, r.code, r.checked_in_at, r.cancelled_at]
        for slot in slots:
            choice = by_slot.get(slot.id)
            row.append(f"{tracks[choice.track_id].title} ({choice.status})" if choice else "")
        writer.writerow([_cell(v) for v in row])
    # The byte-order mark makes spreadsheet programs read the file as UTF-8 (Polish letters).
    body = "\ufeff" + buffer.getvalue()
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-registrations.csv"'},
    )


def personal_data_json(event, registration) -> Response:
    body = json.dumps(
        {"event": event.slug, "registration": reg.registration_shape(registration, personal=True)},
        ensure_ascii=False,
        indent=2,
    )
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-my-data.json"'},
    )
