"""What people read when something is refused: a service's error in the language of the
page (or of the socket connection, chosen when it connected), never in English on a
Polish page.

Services raise a `DomainError` with a code from the contract (`invalid`, `room_full`, …)
and an English message meant for developers and logs; the code never changes here.
Everything shown to a person — acks' `message`, JSON errors, flash messages, form
errors — goes through `error_text`, which looks the service's message up in the table
below (translated with gettext), then in the patterns (messages with a name or number
in them), and else says the code's own sentence. A new service message therefore shows
up in the reader's language at once, if less precisely, until it is added here.
"""

import re

from flask_babel import gettext

from .services.errors import DomainError


def N_(message: str) -> str:  # noqa: N802 - the gettext convention pybabel extracts
    """Marks a message for translation; it is translated where it is shown."""
    return message


# The code's own sentence, when the message itself is not known.
BY_CODE = {
    "invalid": N_("This was not accepted: please check what you entered."),
    "unauthorized": N_("Please sign in, or join the session first."),
    "forbidden": N_("You are not allowed to do this."),
    "not_found": N_("This is no longer here: it may have been removed."),
    "room_full": N_("This room is full. Please choose another one."),
    "already_merged": N_("One of these recommendations is already in the note."),
    "conflict": N_("Someone else changed this first. Have a look and try again."),
    "rate_limited": N_("Slow down a little: too many requests in a short time."),
    "closed": N_("This is closed at the moment."),
    "already_registered": N_("This email address is already registered for this event."),
    "internal": N_("Something went wrong on our side. Nothing you wrote was lost; please try again."),
    "timeout": N_("No answer from the server. Nothing you wrote was lost; please try again."),
}

# A service's message (after a "field.path: " prefix, if any) → what people read.
KNOWN = {
    # Posting, +1 and rooms
    "you are not in this room": N_("You are not in this room. Choose it on the join page first."),
    "this room belongs to another session": N_("This room belongs to another session."),
    "no such recommendation": N_("This recommendation is no longer here."),
    "no such recommendation in this session": N_("This recommendation is not in this session."),
    "you cannot +1 your own recommendation": N_("You cannot +1 your own recommendation."),
    "this recommendation was withdrawn": N_("This recommendation was withdrawn by its author."),
    "only the author can withdraw a recommendation": N_("Only the author can withdraw a recommendation."),
    "client_id must be a UUID string": N_("The post could not be identified; please reload the page."),
    "no such room": N_("There is no such room."),
    "no such room in this session": N_("There is no such room in this session."),
    'attendance must be "remote" or "in_room"': N_("Please say whether you are in the room or remote."),
    'attendance must be "in_room" or "remote"': N_("Please say whether you are in the room or remote."),
    "join this session as a participant first": N_("Join this session first."),
    "sign in or join a session first": N_("Please sign in, or join the session first."),
    "unknown or revoked token": N_("Your sign-in is no longer valid. Please sign in or join again."),
    "this connection is not signed in": N_("Please sign in, or join the session first."),
    "no such participant": N_("There is no such participant."),
    "no such participant in this session": N_("There is no such participant in this session."),
    # The note
    "someone changed the note first; here is the current version": N_(
        "Another moderator changed the note first. You now see their version; your text is kept, try again."
    ),
    "no such item in this note": N_("This item is no longer in the note."),
    "no such section in this note": N_("This section is no longer in the note."),
    "a recommendation is not in this session": N_("One of the recommendations is not in this session."),
    "a withdrawn recommendation cannot be merged": N_(
        "A withdrawn recommendation cannot be added to the note."
    ),
    "a recommendation is already in a note item": N_("One of these recommendations is already in the note."),
    "give at least one recommendation": N_("Choose at least one recommendation."),
    "give text or section to change": N_("Change the wording or the section."),
    "position must be an integer": N_("This position is not valid."),
    "another section has this title": N_("Another section has this title."),
    "move or remove this section's items first": N_("Move or remove this section's items first."),
    "no such version": N_("There is no such version of the note."),
    "the note has not been published": N_("The note has not been published yet."),
    "nothing to undo": N_("Nothing to undo."),
    "nothing to redo": N_("Nothing to redo."),
    "published_version must be an integer": N_("There is no such version of the note."),
    "recommendation_ids lists an id twice": N_("A recommendation is chosen twice."),
    # Sessions and moderators
    "no such session": N_("There is no such session."),
    "moderators only": N_("Only moderators can do this."),
    "you do not moderate this session": N_("You do not moderate this session."),
    "timezone is not a known IANA timezone": N_("Choose a time zone from the list."),
    "times need an offset, e.g. 2021-11-23T13:00:00+01:00": N_("Give the times with their time zone."),
    "ends_at must be after starts_at": N_("The end must be after the start."),
    "a session needs at least one breakout room": N_("A session needs at least one breakout room."),
    "slug may hold only a-z, 0-9 and single dashes": N_(
        "The link may hold only small letters a-z, digits and single dashes."
    ),
    "capacity must be between 1 and 10000": N_("The number of places must be between 1 and 10,000."),
    "email is not an email address": N_("The email address does not look right."),
    "no moderator with that email": N_("There is no moderator with that email address."),
    "wrong email or password": N_("Wrong email or password."),
    "too many failed sign-ins for this account; try again later": N_(
        "Too many failed sign-ins for this account. Please try again later."
    ),
    # The breakout phase, walls, short codes, editing a session
    "the rooms are not open yet": N_("The rooms are not open yet."),
    "the rooms are closed; posting and +1 have ended": N_("The rooms are closed: posting and +1 have ended."),
    "in this session the moderator moves people between rooms": N_(
        "In this session the moderator moves people between rooms."
    ),
    "every room is full": N_("Every room is full."),
    "no session has this code": N_("No session has this code."),
    "a new room needs a name": N_("A new room needs a name."),
    "rooms_close_at must be in the future": N_("The closing time must be in the future."),
    "rooms can be opened for at most 24 hours at a time": N_(
        "Rooms can be open for at most 24 hours at a time."
    ),
    "unknown or expired wall ticket": N_("This wall's link is no longer valid."),
    "not a wall ticket": N_("This wall's link is no longer valid."),
    "the link of a session never changes: slug cannot be edited": N_("A session's link never changes."),
    # Events, registration and the report
    "no such event": N_("There is no such event."),
    "only the event's organiser may do this": N_("Only the event's organiser can do this."),
    "use only small letters a-z, digits and dashes (at most 80)": N_(
        "Use only small letters a-z, digits and dashes (at most 80)."
    ),
    "unknown timezone": N_("Choose a time zone from the list."),
    "an event needs at least one day": N_("An event needs at least one day."),
    'must be "plenary", "parallel" or "break"': N_("Choose plenary, parallel or break."),
    "must be after starts_at": N_("Must be after the start time."),
    "a parallel slot needs at least one track": N_("A parallel slot needs at least one track."),
    "only a parallel slot has tracks": N_("Only a parallel slot has tracks."),
    "must be at least 1": N_("Must be at least 1."),
    "not a session slug": N_("There is no session with this link."),
    "not part of this event": N_("This is not part of this event."),
    "the same id appears twice": N_("The same entry appears twice."),
    "an event with this slug exists": N_("This link is already taken; choose another one."),
    "no such parallel slot in this event": N_("There is no such parallel slot in this event."),
    "one choice per slot": N_("Choose one track per slot."),
    "no such track in this slot": N_("There is no such track in this slot."),
    "the registration's token is required": N_("Open your personal link from the email again."),
    "no registration for this token": N_("There is no registration for this link."),
    "no registration for this link": N_("There is no registration for this link."),
    "no such registration": N_("There is no such registration."),
    "no registration with this code": N_("No registration has this code."),
    "this registration is cancelled": N_("This registration is cancelled."),
    "registration for this event is closed": N_("Registration for this event is closed."),
    "this email is already registered for this event": N_(
        "This email address is already registered for this event."
    ),
    "code or registration_id is required": N_("Type the person's code."),
    "choose a track": N_("Choose a track."),
    "choose at least one published item": N_("Choose at least one published item."),
    "an item is not in a published note of this event": N_(
        "An item is not in a published note of this event."
    ),
    "no such report item": N_("This item is no longer in the report."),
    # Requests from programs (shown to people only if a page passes them on)
    "the body must be JSON (Content-Type: application/json)": N_("The request must be JSON."),
    "the body must be a JSON object": N_("The request must be a JSON object."),
    "the payload must be a JSON object": N_("The request must be a JSON object."),
    "a moderator's bearer token is required": N_("A moderator's token is required."),
    "a moderator's bearer token or a signed-in moderator is required": N_("Please sign in as a moderator."),
    "version must be a positive integer": N_("There is no such version of the note."),
}

# Messages with a name or a number in them: (pattern, msgid with the same placeholders).
PATTERNS = [
    (re.compile(r"(?P<field>\w+) must not be empty"), N_("Please fill this in.")),
    (re.compile(r"(?P<field>\w+) is too short"), N_("This is too short.")),
    (re.compile(r"(?P<field>\w+) must be a string"), N_("This must be text.")),
    (
        re.compile(r"(?P<field>\w+) must be at most (?P<max>\d+) characters"),
        N_("Too long: at most %(max)s characters."),
    ),
    (
        re.compile(r"password must be at least (?P<min>\d+) characters"),
        N_("The password needs at least %(min)s characters."),
    ),
    (
        re.compile(r"(?P<room>.+) is full \((?P<num>\d+) places\)"),
        N_("%(room)s is full. Please choose another room."),
    ),
    (re.compile(r"too many requests; at most .*"), BY_CODE["rate_limited"]),
    (re.compile(r"at most (?P<max>\d+) rooms"), N_("A session has at most %(max)s rooms.")),
    (re.compile(r"at most (?P<max>\d+) guests"), N_("A session has at most %(max)s guests.")),
    (re.compile(r"the slug '(?P<slug>.+)' is taken"), N_("This link is already taken; choose another one.")),
    (
        re.compile(r"'(?P<slug>.+)' is taken by a page of the site; choose another"),
        N_("This link is already taken; choose another one."),
    ),
    (re.compile(r"no moderator account for (?P<emails>.+)"), N_("No moderator account for %(emails)s.")),
    (
        re.compile(r"(?P<room>.+) already has (?P<num>\d+) people; its capacity cannot be (?P<capacity>\d+)"),
        N_("%(room)s already has %(num)s people: it cannot have fewer places than that."),
    ),
    (
        re.compile(r"(?P<field>\w+) must be an https:// link \(Jitsi, BigBlueButton, Zoom, Teams\.\.\.\)"),
        N_("Use an https:// link (Jitsi, BigBlueButton, Zoom, Teams…)."),
    ),
    (re.compile(r"(?P<field>\w+) is not a valid link"), N_("This is not a valid link.")),
    (re.compile(r"(?P<field>\w+) must be a link without spaces"), N_("This is not a valid link.")),
    (
        re.compile(r"(?P<field>\w+) must not carry a user name or password"),
        N_("A link must not carry a user name or password."),
    ),
    (
        re.compile(r"(?P<field>\w+) is longer than (?P<max>\d+) characters"),
        N_("Too long: at most %(max)s characters."),
    ),
    (re.compile(r"no room (?P<id>\d+) in this session"), N_("There is no such room in this session.")),
    (re.compile(r"room (?P<id>\d+) is given twice"), N_("The same room is given twice.")),
    (
        re.compile(r"capacity must be between (?P<min>\d+) and (?P<max>\d+)"),
        N_("The number of places must be between %(min)s and %(max)s."),
    ),
    (re.compile(r"an item has at most (?P<max>\d+) sources"), N_("An item has at most %(max)s sources.")),
    (re.compile(r"(?P<field>\w+) holds at most (?P<max>\d+) ids"), N_("Choose at most %(max)s.")),
    (re.compile(r"(?P<field>\w+) lists an id twice"), N_("A recommendation is chosen twice.")),
    (re.compile(r"(?P<field>\w+) must be a list of ids"), BY_CODE["invalid"]),
    (re.compile(r"limit must be a whole number from 1 to (?P<max>\d+)"), BY_CODE["invalid"]),
    (
        re.compile(r"recommendation_ids must list 2 to (?P<max>\d+) recommendation ids"),
        N_("Choose from 2 to %(max)s recommendations."),
    ),
]

# "days.0.slots.1.ends_at: must be after starts_at": where, then what.
_PATH = re.compile(r"^(?P<path>[a-z_]+(?:\.[a-z_0-9]+)*): (?P<rest>.+)$", re.S)


# An imported programme that is not JSON or YAML; the parser's detail names the place.
_NOT_A_PROGRAMME = re.compile(r".+ is not valid JSON or YAML: (?P<detail>.*)", re.S)
_LINE = re.compile(r"line (?P<line>\d+), column (?P<column>\d+)")


def _translate(message: str, code: str) -> str | None:
    if message in KNOWN:
        return gettext(KNOWN[message])
    if match := _NOT_A_PROGRAMME.fullmatch(message):
        where = _LINE.search(match["detail"])
        if where:
            return gettext(
                "The programme is not valid YAML or JSON (line %(line)s, column %(column)s).",
                **where.groupdict(),
            )
        return gettext("The programme is not valid YAML or JSON.")
    for pattern, msgid in PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            return gettext(msgid, **match.groupdict())
    return None


def error_text(error: DomainError | None = None, *, code: str | None = None, message: str = "") -> str:
    """The error as a sentence in the current language (the request's, or the socket
    connection's): from the message when it is known, else from the code."""
    if error is not None:
        code, message = error.code, error.message
    code = code or "invalid"
    text = _translate(message, code)
    if text is None:
        where = _PATH.match(message)
        rest = _translate(where["rest"], code) if where else None
        if rest is not None:
            # A nested path ("days.0.slots.1.ends_at") says where to look in an imported
            # programme file; a plain field name ("slug") is the field the form marks.
            text = f"{where['path']}: {rest}" if "." in where["path"] else rest
    if text is None:
        text = gettext(BY_CODE.get(code, BY_CODE["invalid"]))
    return text


def error_dict(error: DomainError) -> dict:
    """`{"code", "message"}` for acks and JSON errors: the contract's code, the message in
    the reader's language."""
    return {"code": error.code, "message": error_text(error)}


def code_dict(code: str) -> dict:
    return {"code": code, "message": gettext(BY_CODE.get(code, BY_CODE["invalid"]))}
