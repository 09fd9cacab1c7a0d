"""Showing times in the session's own timezone and the reader's language, and marking
what people wrote with the language it is in."""

from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from flask_babel import get_locale
from markupsafe import Markup

from ..services.lookup import MAX_ID


def session_when(panel) -> str:
    """E.g. "23 listopada 2021, 13:00–14:30" in the session's timezone."""
    tz = ZoneInfo(panel.timezone)
    start, end = panel.starts_at.astimezone(tz), panel.ends_at.astimezone(tz)
    locale = str(get_locale())
    if start.date() == end.date():
        return (
            f"{format_date(start, 'long', locale=locale)}, "
            f"{format_time(start, 'HH:mm', locale=locale)}–{format_time(end, 'HH:mm', locale=locale)}"
        )
    return f"{format_datetime(start, 'long', locale=locale)} – {format_datetime(end, 'long', locale=locale)}"


def moment(value, tz: str | None = None) -> str:
    zone = ZoneInfo(tz) if tz else None
    return format_datetime(value.astimezone(zone), "d MMM y, HH:mm", locale=str(get_locale()))


def parse_id(text: object) -> int | None:
    """An id typed into a form or URL: ASCII digits within the INTEGER columns, else None
    ("²".isdigit() is true, and int() of it fails)."""
    if not isinstance(text, str) or not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


# Letters only Polish uses among the interface's languages. Sessions and events carry no
# language of their own; what their organisers wrote (title, description, room names and
# prompts) says it: any of these letters and the content is Polish.
_POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


def content_language(*texts: str | None) -> str | None:
    """ "pl" when the texts are Polish, None when unknown (then the page's language holds)."""
    return "pl" if any(_POLISH_LETTERS.intersection(t) for t in texts if t) else None


def content_lang_attribute(owner) -> Markup:
    """` lang="pl"` for the elements holding a session's or event's own texts (a screen
    reader then reads Polish titles, rooms and posts in Polish on the English interface);
    nothing when the language is not known. Cached on the object for one request."""
    lang = getattr(owner, "_content_lang", False)
    if lang is False:
        texts = [getattr(owner, "title", None), getattr(owner, "about", None)]
        for room in getattr(owner, "rooms", None) or []:
            texts += [room.name, room.prompt]
        lang = content_language(*texts)
        owner._content_lang = lang
    return Markup(f' lang="{lang}"') if lang else Markup("")
