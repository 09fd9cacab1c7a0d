"""The event pages: programme, registration form, personal page, organiser's view, report."""

import json
import re

import pytest
from icalendar import Calendar

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Moderator
from hybrid_sessions.services import notes, panels
from hybrid_sessions.services.events import programme
from tests.conftest import PASSWORD
from tests.services.events.helpers import event_input


@pytest.fixture
def client(app):
    """Pages in English (the default is Polish), so the tests read the English strings."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def event(app, make, scenario):
    """The test event; its first workshop track is linked to the scenario's session."""
    with app.app_context():
        moderator = db.session.get(Moderator, scenario["moderator"])
        event = programme.create_event(
            moderator, event_input(visit_capacity=1, session_slug=scenario["slug"])
        )
        visit = event.parallel_slots[1]
        workshop = event.parallel_slots[0]
        return {
            "slug": event.slug,
            "visit": visit.id,
            "small": visit.tracks[0].id,
            "big": visit.tracks[1].id,
            "workshop": workshop.id,
            "leaders": workshop.tracks[0].id,
        }


def _register(client, event, name="Ewa", track=None, consent="y", **extra):
    data = {
        "name": name,
        "email": f"{name.lower()}@example.org",
        "organisation": "MOPS Kraków",
        "attendance": "remote",
        f"slot-{event['visit']}": str(track or event["small"]),
        "consent": consent,
        **extra,
    }
    return client.post(f"/e/{event['slug']}/register", data=data)


def _personal_path(response) -> str:
    assert response.status_code == 302, response.data[:500]
    return response.headers["Location"].split("?")[0]


def test_the_programme_reads_like_a_printed_one(client, event):
    page = client.get(f"/e/{event['slug']}").get_data(as_text=True)
    assert "Powitanie i wprowadzenie" in page and "Obiad" in page
    assert "Tomasz Stoński" in page and "ul. Brzozowa 14" in page
    assert "1 place left" in page
    assert "/s/panel" in page  # the linked session
    assert 'href="/static/css/events.css"' in page
    assert client.get("/e/nope").status_code == 404


def test_registering_on_the_form_lands_on_the_personal_page(client, event):
    path = _personal_path(_register(client, event, "Ewa"))
    page = client.get(path + "?new=1").get_data(as_text=True)
    assert "Ewa" in page and "Save this link" in page
    assert re.search(r"Confirmed", page)
    waiting = client.get(_personal_path(_register(client, event, "Jan"))).get_data(as_text=True)
    assert "You are number 1 on the waiting list" in waiting
    # Nothing personal on the public programme.
    programme_page = client.get(f"/e/{event['slug']}").get_data(as_text=True)
    assert "Ewa" not in programme_page and "ewa@example.org" not in programme_page
    assert "1 person on the waiting list" in programme_page


def test_the_form_says_what_is_wrong_and_registers_nobody(client, event):
    response = _register(client, event, "Ewa", consent="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please agree" in page and 'aria-invalid="true"' in page
    response = _register(client, event, "Ewa", track=999999)
    assert response.status_code == 400 and "Choose one of the listed options" in response.get_data(
        as_text=True
    )
    # Not a number to int(), though str.isdigit() says so; and beyond the id columns.
    for crafted in ("²", "9" * 30):
        response = _register(client, event, "Ewa", track=crafted)
        assert response.status_code == 400, crafted
    track = client.get(f"/api/v1/events/{event['slug']}").get_json()["days"][1]["slots"][0]["tracks"][0]
    assert track["confirmed"] == 0


def test_the_form_needs_the_csrf_token(app, event):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = _register(client, event, "Ewa")
    assert response.status_code == 400
    track = (
        app.test_client()
        .get(f"/api/v1/events/{event['slug']}")
        .get_json()["days"][1]["slots"][0]["tracks"][0]
    )
    assert track["confirmed"] == 0


def test_the_person_changes_cancels_downloads_and_deletes(client, event):
    ewa = _personal_path(_register(client, event, "Ewa"))
    jan = _personal_path(_register(client, event, "Jan"))
    # Ewa moves to the big visit: her place goes to Jan at once.
    assert client.post(ewa, data={f"slot-{event['visit']}": str(event["big"])}).status_code == 302
    assert "Confirmed" in client.get(jan).get_data(as_text=True)
    data = json.loads(client.get(ewa + "/data.json").data)
    assert data["registration"]["email"] == "ewa@example.org"
    calendar = Calendar.from_ical(client.get(ewa + "/calendar.ics").data)
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert "Wizyty studyjne: Po prostu ZiK" in summaries and "Powitanie i wprowadzenie" in summaries
    assert client.post(ewa + "/cancel").status_code == 302
    assert "This registration is cancelled" in client.get(ewa).get_data(as_text=True)
    assert client.post(ewa + "/delete").status_code == 302
    assert client.get(ewa).status_code == 404
    assert client.get(ewa + "/data.json").status_code == 404


def test_the_event_calendar_lists_every_slot(client, event):
    response = client.get(f"/e/{event['slug']}/calendar.ics")
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    starts = [e.decoded("dtstart").isoformat() for e in calendar.walk("VEVENT")]
    assert starts[0] == "2030-11-24T12:00:00+01:00" and len(starts) == 4


def test_the_organiser_sees_lists_checks_in_moves_and_erases(client, event, scenario):
    _personal_path(_register(client, event, "Ewa"))
    jan_link = _personal_path(_register(client, event, "Jan"))
    assert client.get(f"/e/{event['slug']}/organise").status_code == 302  # sign in first
    client.post("/login", data={"email": "mod@example.org", "password": PASSWORD})
    page = client.get(f"/e/{event['slug']}/organise").get_data(as_text=True)
    assert "ewa@example.org" in page and "Waiting list" in page
    listed = client.get(
        f"/api/v1/events/{event['slug']}/registrations",
        headers={"Authorization": f"Bearer {scenario['moderator_token']}"},
    ).get_json()
    ewa, jan = listed["registrations"]
    response = client.post(
        f"/e/{event['slug']}/organise/check-in", data={"code": ewa["code"].lower()}, follow_redirects=True
    )
    assert "Ewa is checked in" in response.get_data(as_text=True)
    # The personal link, as a scanner reads it from the QR code on Jan's phone.
    scanned = client.post(
        f"/e/{event['slug']}/organise/check-in",
        data={"code": "http://localhost" + jan_link},
        follow_redirects=True,
    )
    assert "Jan is checked in" in scanned.get_data(as_text=True)
    response = client.post(
        f"/e/{event['slug']}/organise/{jan['id']}/move",
        data={"track": f"{event['visit']}:{event['small']}"},
        follow_redirects=True,
    )
    assert "no free place" in response.get_data(as_text=True)
    client.post(
        f"/e/{event['slug']}/organise/{ewa['id']}/move", data={"track": f"{event['visit']}:{event['big']}"}
    )
    client.post(f"/e/{event['slug']}/organise/{ewa['id']}/erase")
    csv_text = client.get(f"/e/{event['slug']}/organise/registrations.csv").data.decode("utf-8-sig")
    assert "ewa@example.org" not in csv_text and "Jan" in csv_text and "Po sąsiedzku (confirmed)" in csv_text


def test_the_report_gathers_published_notes_in_programme_order(app, client, event, scenario, make):
    rec = make.post(scenario["ewa"][0], scenario["room_a"], "Więcej ławek w parku")
    with app.app_context():
        panel = panels.get_panel(scenario["slug"])
        moderator = db.session.get(Moderator, scenario["moderator"])
        notes.merge_into_note(
            panel, [rec], "Ławki w parku [x](javascript:alert(1))", "Dla samorządu", moderator
        )
    page = client.get(f"/e/{event['slug']}/report").get_data(as_text=True)
    assert "No session of this event has a published note yet" in page
    with app.app_context():
        notes.publish_note(
            panels.get_panel(scenario["slug"]), db.session.get(Moderator, scenario["moderator"])
        )
    page = client.get(f"/e/{event['slug']}/report").get_data(as_text=True)
    assert "Współpraca z liderami" in page and "Dla samorządu" in page and "Ławki w parku" in page
    assert "Ewa" not in page  # participants are not named
    markdown = client.get(f"/e/{event['slug']}/report.md").get_data(as_text=True)
    assert markdown.startswith("# Organizowanie społeczności lokalnej")
    assert "## Współpraca z liderami" in markdown and "### Dla samorządu" in markdown
    assert "\\[x\\](javascript" in markdown


def test_the_report_as_docx_and_the_event_list(app, client, event, scenario, make):
    import io

    from docx import Document

    rec = make.post(scenario["ewa"][0], scenario["room_a"], "Więcej ławek w parku")
    make.published_note(scenario["slug"], scenario["moderator"], [rec], "Ławki w parku", "Dla samorządu")
    response = client.get(f"/e/{event['slug']}/report.docx")
    assert response.mimetype.endswith("wordprocessingml.document")
    text = [p.text for p in Document(io.BytesIO(response.data)).paragraphs]
    assert "Współpraca z liderami" in text and "Dla samorządu" in text
    assert any(t.startswith("Ławki w parku") for t in text)
    page = client.get("/e").get_data(as_text=True)
    assert "Organizowanie społeczności lokalnej" in page and f"/e/{event['slug']}" in page


def test_a_moderator_imports_and_updates_an_event_from_a_pasted_file(client, scenario):
    assert client.get("/e/new").status_code == 302  # sign in first
    assert client.post("/e/import", data={"import-programme": "x"}).status_code == 302
    client.post("/login", data={"email": "mod@example.org", "password": PASSWORD})
    form = client.get("/e/new").get_data(as_text=True)
    assert "Import from a file" in form and "Powitanie i wprowadzenie" in form  # an example to start from
    yaml_text = (
        "title: Seminarium OSL\nslug: seminarium\ndays:\n  - date: 2030-10-22\n    slots:\n"
        "      - {starts_at: 10:00, title: Otwarcie, kind: plenary}\n"
    )
    response = client.post("/e/import", data={"import-programme": yaml_text})
    assert response.status_code == 302 and response.headers["Location"].endswith("/e/seminarium")
    client.post("/e/import", data={"import-programme": yaml_text.replace("Otwarcie", "Powitanie")})
    event = client.get("/api/v1/events/seminarium").get_json()
    assert event["days"][0]["slots"][0]["title"] == "Powitanie"
    bad = client.post("/e/import", data={"import-programme": "title: X\ndays: []\n"})
    assert bad.status_code == 400 and "days" in bad.get_data(as_text=True)


def test_registering_twice_with_one_email_says_where_the_first_one_is(client, event):
    _personal_path(_register(client, event, "Ewa"))
    again = _register(client, event, "Ewa")
    assert again.status_code == 400
    assert "already registered for this event" in again.get_data(as_text=True)


def test_the_organiser_merges_items_across_sessions_into_the_report(app, client, make, scenario):
    # Two sessions, each linked to a workshop track, each with a published note.
    with app.app_context():
        moderator = db.session.get(Moderator, scenario["moderator"])
        data = event_input(session_slug=scenario["slug"])
        other_slug, (other_room, _) = make.panel(scenario["moderator"], slug="drugi-panel")
        data.days[0].slots[2].tracks[1].session_slug = other_slug
        programme.create_event(moderator, data)
    first = make.post(scenario["ewa"][0], scenario["room_a"], "Ławki w parku")
    person, _ = make.participant(other_slug, other_room, "Ola")
    second = make.post(person, other_room, "Więcej ławek")
    for slug, rec in ((scenario["slug"], first), (other_slug, second)):
        make.published_note(slug, scenario["moderator"], [rec], "Ławki w parku", "Dla samorządu")
    client.post("/login", data={"email": "mod@example.org", "password": PASSWORD})
    page = client.get("/e/osl-2030/report").get_data(as_text=True)
    keys = re.findall(r'name="item" value="([^"]+)"', page)
    assert len(keys) == 2
    response = client.post(
        "/e/osl-2030/report/merge",
        data={"item": keys, "text": "Ławki w parkach", "section": "Korzyści dla samorządu"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Merged across sessions" in page and "Korzyści dla samorządu" in page
    assert "Groups: Współpraca z liderami, OSLowiec w OPS" in page and "backed by 2 people" in page
    markdown = client.get("/e/osl-2030/report.md").get_data(as_text=True)
    assert "### Korzyści dla samorządu" in markdown and "Ławki w parkach" in markdown
    bad = client.post(
        "/e/osl-2030/report/merge",
        data={"item": ["1:1:999"], "text": "x", "section": "y"},
        follow_redirects=True,
    )
    assert "not in a published note" in bad.get_data(as_text=True)
    item_id = re.search(r"/report/items/(\d+)/remove", page).group(1)
    client.post(f"/e/osl-2030/report/items/{item_id}/remove")
    assert "Korzyści dla samorządu" not in client.get("/e/osl-2030/report").get_data(as_text=True)
