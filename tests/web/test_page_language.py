"""Every message in the page's language: a Polish page (in every state we can reach:
forms with errors, flash messages, error pages, the live pages' string catalogues),
a Polish socket connection's acks and a Polish API call's errors contain no English
sentence from the interface's catalogue, nor WTForms' English validation messages.

Matching is by whole message (a text node, an attribute or a JSON string equal to the
English msgid, placeholders filled by anything), by label ("Rooms: …"), or, for
messages of three words or more, anywhere in the text — so short common words inside
Polish sentences or people's names never count."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po

from hybrid_sessions import error_text
from hybrid_sessions.extensions import db, socketio
from hybrid_sessions.models import Moderator
from hybrid_sessions.services import notes, panels
from hybrid_sessions.services.events import programme
from tests.conftest import PASSWORD
from tests.services.events.helpers import event_input

ROOT = Path(__file__).resolve().parents[2]
OURS = ROOT / "translations/pl/LC_MESSAGES/messages.po"
WTFORMS = Path(wtforms.__file__).parent / "locale/pl/LC_MESSAGES/wtforms.po"
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}|%[sd]")


def _english(po: Path) -> list[str]:
    """The English msgids whose Polish translation differs (so they must not show)."""
    english = []
    for message in read_po(po.open("rb"), locale="pl"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        english += [i for i in ids if i not in strings and i.strip()]
    return english


class _Matcher:
    def __init__(self, msgids: list[str]):
        self.rules = []
        for msgid in msgids:
            text = " ".join(msgid.split())
            parts = _PLACEHOLDER.split(text)
            pattern = ".+?".join(re.escape(p) for p in parts)
            whole = re.compile(pattern, re.S)
            words = len(re.findall(r"[A-Za-z]+", _PLACEHOLDER.sub("", text)))
            anywhere = re.compile(rf"(?<![\w]){pattern}(?![\w])", re.S) if words >= 3 else None
            label = text + ":" if len(parts) == 1 else None
            if words == 0:
                continue  # "+1", "{num} +1s": nothing English in it
            self.rules.append((msgid, whole, anywhere, label))

    def english_in(self, unit: str) -> list[str]:
        unit = " ".join(unit.split())
        if not unit:
            return []
        found = []
        for msgid, whole, anywhere, label in self.rules:
            labelled = label is not None and unit.startswith(label)
            if whole.fullmatch(unit) or labelled or (anywhere is not None and anywhere.search(unit)):
                found.append(msgid)
        return found


class _ServiceMessages(_Matcher):
    """Also the services' own English messages (what an error looked like before it went
    through error_text), known ones and those with names and numbers in them."""

    def __init__(self, msgids):
        super().__init__(msgids + list(error_text.KNOWN))
        self.patterns = [pattern for pattern, _ in error_text.PATTERNS]

    def english_in(self, unit):
        found = super().english_in(unit)
        unit = " ".join(unit.split())
        return found + [p.pattern for p in self.patterns if p.fullmatch(unit)]


@pytest.fixture(scope="module")
def matcher():
    return _ServiceMessages(_english(OURS) + _english(WTFORMS))


class _Units(HTMLParser):
    """What a reader (or a screen reader) meets: text nodes, labelling attributes, and the
    strings in JSON data blocks (the live pages' string catalogues)."""

    ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "content", "aria-description")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.units: list[str] = []
        self._json = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._json = tag == "script" and attrs.get("type") == "application/json"
        for name in self.ATTRIBUTES:
            if attrs.get(name):
                self.units.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.units.append(attrs["value"])

    def handle_endtag(self, tag):
        self._json = False

    def handle_data(self, data):
        if self._json:
            self.units += list(_strings(json.loads(data)))
        else:
            self.units.append(data)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _english_on(matcher, html: str) -> list[str]:
    parser = _Units()
    parser.feed(html)
    return sorted({m for unit in parser.units for m in matcher.english_in(unit)})


# --- the pages -----------------------------------------------------------------------


@pytest.fixture
def polish(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl-PL,pl;q=0.9,en;q=0.5"
    return client


@pytest.fixture
def world(app, make, scenario):
    """A session with a published note, a second one with a one-place room, and an event
    whose workshop is linked to the session."""
    with app.app_context():
        moderator = db.session.get(Moderator, scenario["moderator"])
        programme.create_event(moderator, event_input(visit_capacity=1, session_slug=scenario["slug"]))
    rec = make.post(scenario["ewa"][0], scenario["room_a"], "Więcej ławek w parku")
    with app.app_context():
        panel, moderator = (
            panels.get_panel(scenario["slug"]),
            db.session.get(Moderator, scenario["moderator"]),
        )
        notes.merge_into_note(panel, [rec], "Ławki w parku", "Przestrzeń", moderator)
        notes.publish_note(panel, moderator)
    small_slug, (small_room,) = make.panel(scenario["moderator"], slug="mala-sala", rooms=(("Mała", 1),))
    make.participant(small_slug, small_room, "Ola")
    with app.app_context():
        visit = programme.get_event("osl-2030").parallel_slots[1]
        visit_id, small = visit.id, visit.tracks[0].id
    return {
        **scenario,
        "small_slug": small_slug,
        "small_room": small_room,
        "visit": visit_id,
        "small": small,
    }


def _register(client, world, name, **extra):
    data = {
        "name": name,
        "email": f"{name.lower()}@example.org",
        "organisation": "MOPS Kraków",
        "attendance": "remote",
        f"slot-{world['visit']}": str(world["small"]),
        "consent": "y",
        **extra,
    }
    return client.post("/e/osl-2030/register", data=data)


class _FormFields(HTMLParser):
    """The fields a browser would send from a page's forms (first value of each name)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields: dict[str, str] = {}
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "checkbox", "radio"):
            self.fields.setdefault(name, attrs.get("value") or "")
        elif tag == "input" and name and "checked" in attrs:
            self.fields.setdefault(name, attrs.get("value") or "y")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in attrs or self._select not in self.fields):
            self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.setdefault(name, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def _fields(html: str) -> dict:
    parser = _FormFields()
    parser.feed(html)
    return parser.fields


def _visit_every_page(app, polish, world):
    """(what, status, html) for every page and state, as a visitor, a participant, a
    registered person and the organiser, all in Polish."""
    slug = world["slug"]
    seen = []

    def page(what, response):
        seen.append((what, response.status_code, response.get_data(as_text=True), response.request.path))

    page("index", polish.get("/"))
    page("panel", polish.get(f"/s/{slug}"))
    page("join form", polish.get(f"/s/{slug}/join"))
    page("join: nothing filled in", polish.post(f"/s/{slug}/join", data={}))
    page(
        "join: name too long",
        polish.post(
            f"/s/{slug}/join",
            data={"display_name": "x" * 61, "attendance": "remote", "room_id": world["room_a"]},
        ),
    )
    page(
        "join: room full",
        polish.post(
            f"/s/{world['small_slug']}/join",
            data={"display_name": "Jan", "attendance": "remote", "room_id": world["small_room"]},
        ),
    )
    page("note", polish.get(f"/s/{slug}/note"))
    page("not found", polish.get("/s/nie-ma-takiej"))
    page("events", polish.get("/e"))
    page("programme", polish.get("/e/osl-2030"))
    page("register form", polish.get("/e/osl-2030/register"))
    page("register: nothing filled in", polish.post("/e/osl-2030/register", data={}))
    page("register: bad email", _register(polish, world, "Ewa", email="to-nie-email"))
    first = _register(polish, world, "Ewa")
    personal = first.headers["Location"].split("?")[0]
    page("personal page, new", polish.get(personal + "?new=1"))
    page("register: the same email again", _register(polish, world, "Ewa"))
    waiting = _register(polish, world, "Jan").headers["Location"].split("?")[0]
    page("personal page, waiting", polish.get(waiting))
    page(
        "personal page: a track that is not there",
        polish.post(personal, data={f"slot-{world['visit']}": "999999"}),
    )
    page(
        "personal page: choices saved (flash)",
        polish.post(personal, data={f"slot-{world['visit']}": str(world["small"])}, follow_redirects=True),
    )
    page("personal page: cancelled (flash)", polish.post(personal + "/cancel", follow_redirects=True))
    page("report", polish.get("/e/osl-2030/report"))
    page("sign-in form", polish.get("/login"))
    page(
        "sign-in: wrong password", polish.post("/login", data={"email": "mod@example.org", "password": "złe"})
    )
    polish.post("/login", data={"email": "mod@example.org", "password": PASSWORD})
    page("index, signed in", polish.get("/"))
    page("console", polish.get(f"/s/{slug}/moderate"))
    page("new session form", polish.get("/sessions/new"))
    page("new session: nothing filled in", polish.post("/sessions/new", data={}))
    page(
        "new session: taken link",
        polish.post(
            "/sessions/new",
            data={
                "title": "Druga",
                "slug": slug,
                "date": "2030-11-23",
                "start": "13:00",
                "end": "12:00",
                "timezone": "Europe/Warsaw",
                "rooms-0-name": "Sala A",
            },
        ),
    )
    page("new event form", polish.get("/e/new"))
    page(
        "event import: bad file", polish.post("/e/import", data={"import-programme": "title: X\ndays: []\n"})
    )
    edit = polish.get("/e/osl-2030/edit")
    page("event edit form", edit)
    fields = _fields(edit.get_data(as_text=True))
    capacity = next(name for name in fields if name.endswith("-capacity"))
    start = next(name for name in fields if name.endswith("-starts_at"))
    page(
        "event edit: a bad time and no places",
        polish.post("/e/osl-2030/edit", data={**fields, capacity: "0", start: "25:99", "action": "save"}),
    )
    page(
        "new session: a room with no places",
        polish.post(
            "/sessions/new",
            data={
                "title": "Druga",
                "date": "2030-11-23",
                "start": "13:00",
                "end": "14:00",
                "timezone": "Europe/Warsaw",
                "rooms-0-name": "Sala A",
                "rooms-0-capacity": "0",
            },
        ),
    )
    page("organiser's view", polish.get("/e/osl-2030/organise"))
    page(
        "check-in: unknown code (flash)",
        polish.post("/e/osl-2030/organise/check-in", data={"code": "ZZZZZZ"}, follow_redirects=True),
    )
    page(
        "report: merge nothing (flash)",
        polish.post("/e/osl-2030/report/merge", data={"text": "x", "section": "y"}, follow_redirects=True),
    )
    page(
        "report: merge an unknown item (flash)",
        polish.post(
            "/e/osl-2030/report/merge",
            data={"item": ["1:1:999"], "text": "x", "section": "y"},
            follow_redirects=True,
        ),
    )
    page("room", _participant_client(app, polish, world).get(f"/s/{slug}/rooms/{world['room_a']}"))
    return seen


def _participant_client(app, like, world):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = like.environ_base["HTTP_ACCEPT_LANGUAGE"]
    client.post(
        f"/s/{world['slug']}/join",
        data={"display_name": "Basia", "attendance": "in_room", "room_id": world["room_a"]},
    )
    return client


def test_no_english_sentence_on_any_polish_page(app, polish, world, matcher):
    pages = _visit_every_page(app, polish, world)
    # The states were reached: each visit rendered a page (errors included).
    assert len(pages) >= 35
    assert all(status in (200, 400, 401, 404, 409) for _, status, _, _ in pages), [
        (what, status) for what, status, _, _ in pages if status not in (200, 400, 404, 409)
    ]
    found = {what: _english_on(matcher, html) for what, _, html, _ in pages}
    assert not {what: english for what, english in found.items() if english}
    for what, _, html, _ in pages:
        assert '<html lang="pl">' in html, what


def test_the_check_finds_english_where_there_is_some(app, world, matcher):
    """The same walk in English: the matcher must see the interface's sentences, or the
    test above would pass on anything."""
    english = app.test_client()
    english.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    note = _english_on(matcher, english.get(f"/s/{world['slug']}/note").get_data(as_text=True))
    assert {"Session note", "Download:", "Skip to content", "Sessions"} <= set(note)
    assert "Rooms" in note  # "Rooms: Sala A" under an item, as a label
    join = english.post(f"/s/{world['slug']}/join", data={}).get_data(as_text=True)
    assert "Please fill in your name and choose a room." in _english_on(matcher, join)
    room = _participant_client(app, english, world).get(f"/s/{world['slug']}/rooms/{world['room_a']}")
    found = _english_on(matcher, room.get_data(as_text=True))
    assert "No answer from the server. Nothing you wrote was lost; please try again." in found  # JSON strings


def test_every_page_of_the_site_is_visited_in_polish(app, polish, world):
    """A new page must be added to the walk above (or to the files below)."""
    visited = {path for *_, path in _visit_every_page(app, polish, world)}
    adapter = app.url_map.bind("localhost")
    endpoints = set()
    for path in visited:
        try:
            endpoint, _args = adapter.match(path, method="GET")
        except Exception:  # a POST-only address (its answer page was checked)
            continue
        endpoints.add(endpoint)
    not_pages = {
        "static",
        "pages.qr",
        "pages.service_worker",
        "auth.set_language",
        "events.event_ics",
        "events.organise_csv",
        "events.personal_ics",
        "events.personal_data",
        "events.personal_qr",
    }
    html_pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.rule.startswith("/api/")
        and not rule.endpoint.startswith("exports.")
        and rule.endpoint not in not_pages
    }
    assert html_pages - endpoints == set()


def test_the_error_page_for_a_missing_pdf_library_is_polish(app, polish, world, matcher, monkeypatch):
    from hybrid_sessions.services import pdf_export

    def missing():
        raise pdf_export.PdfUnavailable("no pango")

    monkeypatch.setattr(pdf_export, "_weasyprint", missing)
    response = polish.get(f"/s/{world['slug']}/note.pdf")
    assert response.status_code == 503
    assert _english_on(matcher, response.get_data(as_text=True)) == []


# --- the service's errors -------------------------------------------------------------


def test_every_service_error_has_a_polish_sentence(app):
    with app.test_request_context(headers={"Accept-Language": "pl"}):
        for english, msgid in error_text.KNOWN.items():
            polish = error_text.error_text(code="invalid", message=english)
            assert polish != msgid and polish != english, english
        for code, msgid in error_text.BY_CODE.items():
            assert error_text.error_text(code=code, message="something new") != msgid
        # Messages with names and numbers in them, and nested paths of a programme file.
        assert error_text.error_text(code="invalid", message="text must be at most 500 characters") == (
            "Za długie: najwyżej 500 znaków."
        )
        assert error_text.error_text(code="room_full", message="Sala A is full (3 places)") == (
            "W podpokoju Sala A nie ma już miejsc. Wybierz inny podpokój."
        )
        assert (
            error_text.error_text(code="invalid", message="days.0.slots.1.ends_at: must be after starts_at")
            == "days.0.slots.1.ends_at: Koniec musi być później niż początek."
        )
        assert error_text.error_text(code="invalid", message="slug: unknown timezone") == (
            "Wybierz strefę czasową z listy."
        )
        assert (
            error_text.error_text(
                code="invalid",
                message="the programme is not valid JSON or YAML: while parsing a block mapping\n"
                '  in "<unicode string>", line 3, column 1',
            )
            == "Program nie jest poprawnym plikiem YAML ani JSON (wiersz 3, kolumna 1)."
        )
        assert error_text.error_text(code="already_registered", message="a new wording") == (
            "Ten adres e-mail jest już zgłoszony na to wydarzenie."
        )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert error_text.error_text(code="forbidden", message="you cannot +1 your own recommendation") == (
            "You cannot +1 your own recommendation."
        )


def _socket(app, token, lang):
    client = socketio.test_client(app, auth={"token": token}, query_string=f"lang={lang}")
    assert client.is_connected()
    return client


def test_acks_speak_the_language_of_the_connection(app, make, scenario, matcher):
    rec = make.post(scenario["ewa"][0], scenario["room_a"], "Więcej ławek w parku")
    answers = {}
    for lang in ("pl", "en"):
        client = _socket(app, scenario["ewa"][1], lang)
        try:
            client.emit("room:join", {"room_id": scenario["room_a"]}, callback=True)
            own = client.emit("rec:vote", {"recommendation_id": rec}, callback=True)
            long = client.emit(
                "rec:post",
                {
                    "room_id": scenario["room_a"],
                    "client_id": "0b6a3f0e-3b9c-4d8e-9d7c-2f5d8e1c4a10",
                    "text": "x" * 501,
                },
                callback=True,
            )
            other = client.emit("room:join", {"room_id": 999999}, callback=True)
        finally:
            client.disconnect()
        answers[lang] = (own, long, other)
    own, long, other = answers["pl"]
    assert own["error"] == {"code": "forbidden", "message": "Nie można dać +1 własnej rekomendacji."}
    assert long["error"] == {"code": "invalid", "message": "Za długie: najwyżej 500 znaków."}
    assert other["ok"] is False and other["error"]["code"] == "not_found"
    assert matcher.english_in(other["error"]["message"]) == [], other
    own, long, _ = answers["en"]
    assert own["error"] == {"code": "forbidden", "message": "You cannot +1 your own recommendation."}
    assert long["error"]["message"] == "Too long: at most 500 characters."


def test_a_moderators_acks_are_polish_on_a_polish_console(app, scenario, matcher):
    client = _socket(app, scenario["moderator_token"], "pl")
    try:
        client.emit("session:watch", {"slug": scenario["slug"]}, callback=True)
        acks = [
            client.emit(
                "note:merge",
                {"slug": scenario["slug"], "recommendation_ids": [999999], "text": "x", "section": "y"},
                callback=True,
            ),
            client.emit("note:publish", {"slug": "nie-ma"}, callback=True),
            client.emit("session:watch", {"slug": 5}, callback=True),
        ]
    finally:
        client.disconnect()
    for ack in acks:
        assert ack["ok"] is False and ack["error"]["code"] in ("invalid", "not_found", "forbidden")
        assert ack["error"]["message"] and matcher.english_in(ack["error"]["message"]) == [], ack


def test_json_errors_follow_the_request_language(client, scenario):
    polish = client.get("/api/v1/sessions/nie-ma", headers={"Accept-Language": "pl"}).get_json()
    assert polish["error"] == {"code": "not_found", "message": "Nie ma takiej sesji."}
    english = client.get("/api/v1/sessions/nie-ma", headers={"Accept-Language": "en"}).get_json()
    assert english["error"] == {"code": "not_found", "message": "There is no such session."}
    missing = client.get("/api/v1/nie-ma-takiego-adresu", headers={"Accept-Language": "pl"}).get_json()
    assert missing["error"]["code"] == "not_found" and missing["error"]["message"] == (
        "Tego już tu nie ma: mogło zostać usunięte."
    )


def test_the_scripts_hold_no_english_sentences():
    """Words people read in the live pages come from the page's JSON strings (translated on
    the server), never from literals in the scripts."""
    sentence = re.compile(r"""["'`]([A-Z][a-z]+(?: [a-z]+){2,}[^"'`]*)["'`]""")
    found = {}
    for path in (ROOT / "static/js").rglob("*.js"):
        if "vendor" in path.parts:
            continue
        code = re.sub(r"/\*.*?\*/|//[^\n]*", "", path.read_text(), flags=re.S)
        hits = sentence.findall(code)
        if hits:
            found[str(path.relative_to(ROOT))] = hits
    assert found == {}
