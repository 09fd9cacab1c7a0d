"""The event form in the browser: create, edit (keeping registrations), refusals."""

import re

import pytest

from hybrid_sessions.extensions import db
from hybrid_sessions.models import Event
from hybrid_sessions.services.events import programme
from hybrid_sessions.services.events import registration as reg
from tests.conftest import PASSWORD


@pytest.fixture
def client(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def organiser(client, make):
    moderator = make.moderator()
    client.post("/login", data={"email": "mod@example.org", "password": PASSWORD})
    return moderator


def _form(**overrides) -> dict:
    """A two-day event: a plenary, then a parallel slot of two workshop groups; a visit."""
    data = {
        "title": "Organizowanie społeczności lokalnej",
        "slug": "",
        "venue": "Kraków",
        "about": "",
        "closes_date": "2030-11-18",
        "closes_time": "23:59",
        "days-0-date": "2030-11-24",
        "days-0-slots-0-starts_at": "12:00",
        "days-0-slots-0-ends_at": "13:30",
        "days-0-slots-0-title": "Powitanie i wprowadzenie",
        "days-0-slots-0-kind": "plenary",
        "days-0-slots-1-starts_at": "14:30",
        "days-0-slots-1-ends_at": "15:30",
        "days-0-slots-1-title": "Warsztaty",
        "days-0-slots-1-kind": "parallel",
        "days-0-slots-1-tracks-0-title": "Współpraca z liderami",
        "days-0-slots-1-tracks-0-lead": "Tomasz Stoński",
        "days-0-slots-1-tracks-0-capacity": "2",
        "days-0-slots-1-tracks-1-title": "OSLowiec w OPS",
        "days-0-slots-1-tracks-1-lead": "Aleksandra Skonieczna",
        "days-1-date": "2030-11-25",
        "days-1-slots-0-starts_at": "9:30",
        "days-1-slots-0-title": "Podsumowanie",
        "days-1-slots-0-kind": "plenary",
        "action": "save",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _event(app, slug="organizowanie-spolecznosci-lokalnej") -> dict:
    with app.app_context():
        return programme.event_shape(programme.get_event(slug))


def _count(app) -> int:
    with app.app_context():
        return db.session.query(Event).count()


def test_a_moderator_creates_a_two_day_event_on_the_form(app, client, organiser):
    page = client.get("/e/new").get_data(as_text=True)
    assert 'name="days-0-slots-0-title"' in page and "Import from a file" in page
    response = client.post("/e/new", data=_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith("/e/organizowanie-spolecznosci-lokalnej")
    shape = _event(app)
    assert [d["date"] for d in shape["days"]] == ["2030-11-24", "2030-11-25"]
    workshop = shape["days"][0]["slots"][1]
    assert workshop["kind"] == "parallel" and workshop["starts_at"] == "14:30"
    assert [(t["title"], t["lead"], t["capacity"]) for t in workshop["tracks"]] == [
        ("Współpraca z liderami", "Tomasz Stoński", 2),
        ("OSLowiec w OPS", "Aleksandra Skonieczna", None),
    ]
    assert shape["registration_closes_at"] == "2030-11-18T22:59:00+00:00"  # 23:59 in Warsaw


def test_add_and_remove_buttons_work_without_javascript(app, client, organiser):
    data = _form(action="add:days-0-slots-1-tracks")
    page = client.post("/e/new", data=data).get_data(as_text=True)
    assert 'name="days-0-slots-1-tracks-2-title"' in page  # one more track, nothing saved
    assert 'id="days-0-slots-1-tracks-2-title"' in page and "autofocus" in page
    assert "OSLowiec w OPS" in page and _count(app) == 0
    page = client.post("/e/new", data=_form(action="remove:days-0-slots-1-tracks-0")).get_data(as_text=True)
    assert "Współpraca z liderami" not in page and "OSLowiec w OPS" in page
    page = client.post("/e/new", data=_form(action="add:days")).get_data(as_text=True)
    assert 'name="days-2-date"' in page and "Day 3" in page
    assert _count(app) == 0


def test_errors_are_shown_by_their_field_and_nothing_is_saved(app, client, organiser):
    response = client.post(
        "/e/new",
        data=_form(
            **{
                "title": "",
                "days-0-slots-0-ends_at": "11:00",
                "days-0-slots-1-tracks-0-capacity": "0",
                "days-1-slots-0-kind": "parallel",
            }
        ),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page
    # Each error sits by its field, which points at it and gets the focus first.
    assert re.search(r'id="title"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="title"', page)
    assert 'aria-describedby="title-error"' in page and 'id="title-error"' in page
    assert re.search(r'<input[^>]*autofocus[^>]*id="title"|<input[^>]*id="title"[^>]*autofocus', page)
    assert 'id="days-0-slots-0-ends_at-error">It must end after it starts.' in page
    assert "A whole number, at least 1." in page
    assert "A parallel slot needs at least one track" in page
    assert _count(app) == 0


def test_the_form_speaks_polish(client, organiser):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "pl"
    page = client.post("/e/new", data=_form(title="")).get_data(as_text=True)
    assert "Nowe wydarzenie" in page and "Nic nie zostało zapisane" in page


def _register(app, slug, track_title, name):
    with app.app_context():
        event = programme.get_event(slug)
        slot = event.parallel_slots[0]
        track = next(t for t in slot.tracks if t.title == track_title)
        reg.register(event, name, f"{name.lower()}@example.org", "", "in_room", [(slot.id, track.id)])


def _edit_data(page: str) -> dict:
    """The edit form as the browser would send it back, unchanged."""
    data = dict(re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', page))
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?([^<]*)</textarea>', page):
        data[name] = body
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', options)
        data[name] = next(v for v in chosen.groups() if v is not None) if chosen else ""
    data.pop("action", None)
    return data


def test_the_organiser_edits_the_event_and_registrations_stay(app, client, organiser):
    client.post("/e/new", data=_form())
    slug = "organizowanie-spolecznosci-lokalnej"
    _register(app, slug, "Współpraca z liderami", "Ewa")
    _register(app, slug, "Współpraca z liderami", "Jan")
    before = _event(app)
    programme_page = client.get(f"/e/{slug}").get_data(as_text=True)
    assert f'href="/e/{slug}/edit"' in programme_page
    assert f'href="/e/{slug}/edit"' in client.get(f"/e/{slug}/organise").get_data(as_text=True)
    page = client.get(f"/e/{slug}/edit").get_data(as_text=True)
    data = _edit_data(page)
    assert data["days-0-slots-1-tracks-0-title"] == "Współpraca z liderami"
    # Rename the track, then add a slot to the second day (a server round trip) and fill it.
    data["days-0-slots-1-tracks-0-title"] = "Współpraca z liderami lokalnymi"
    added = client.post(f"/e/{slug}/edit", data={**data, "action": "add:days-1-slots"}).get_data(as_text=True)
    assert 'name="days-1-slots-1-title"' in added
    data.update(
        {
            "days-1-slots-1-starts_at": "11:00",
            "days-1-slots-1-title": "Zakończenie",
            "days-1-slots-1-kind": "plenary",
            "action": "save",
        }
    )
    response = client.post(f"/e/{slug}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    after = _event(app)
    track = after["days"][0]["slots"][1]["tracks"][0]
    assert track["id"] == before["days"][0]["slots"][1]["tracks"][0]["id"]
    assert track["title"] == "Współpraca z liderami lokalnymi" and track["confirmed"] == 2
    assert [s["title"] for s in after["days"][1]["slots"]] == ["Podsumowanie", "Zakończenie"]


def test_a_capacity_below_the_confirmed_people_is_refused(app, client, organiser):
    client.post("/e/new", data=_form())
    slug = "organizowanie-spolecznosci-lokalnej"
    _register(app, slug, "Współpraca z liderami", "Ewa")
    _register(app, slug, "Współpraca z liderami", "Jan")
    data = _edit_data(client.get(f"/e/{slug}/edit").get_data(as_text=True))
    data.update({"days-0-slots-1-tracks-0-capacity": "1", "title": "Nowy tytuł", "action": "save"})
    response = client.post(f"/e/{slug}/edit", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (
        'id="days-0-slots-1-tracks-0-capacity-error">2 people are confirmed in this track: '
        "the capacity cannot be lower." in page
    )
    shape = _event(app)
    assert shape["title"] == "Organizowanie społeczności lokalnej"
    assert shape["days"][0]["slots"][1]["tracks"][0]["capacity"] == 2
    # Removing a track people chose is refused too.
    data = _edit_data(client.get(f"/e/{slug}/edit").get_data(as_text=True))
    for key in [k for k in data if k.startswith("days-0-slots-1-tracks-0-")]:
        del data[key]
    response = client.post(f"/e/{slug}/edit", data={**data, "action": "save"})
    assert response.status_code == 400 and "2 people chose" in response.get_data(as_text=True)
    assert len(_event(app)["days"][0]["slots"][1]["tracks"]) == 2


def test_only_the_organiser_edits(app, client, organiser, make):
    client.post("/e/new", data=_form())
    slug = "organizowanie-spolecznosci-lokalnej"
    other = app.test_client()
    assert other.get(f"/e/{slug}/edit").status_code == 302  # sign in first
    make.moderator(email="inna@example.org")
    other.post("/login", data={"email": "inna@example.org", "password": PASSWORD})
    assert other.get(f"/e/{slug}/edit").status_code == 403
    assert other.post(f"/e/{slug}/edit", data=_form(title="Przejęte")).status_code == 403
    assert f"/e/{slug}/edit" not in other.get(f"/e/{slug}").get_data(as_text=True)
    assert _event(app)["title"] == "Organizowanie społeczności lokalnej"


def test_the_form_needs_the_csrf_token(app, make):
    app.config["WTF_CSRF_ENABLED"] = True
    make.moderator()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": "mod@example.org", "password": PASSWORD, "csrf_token": token})
    assert client.post("/e/new", data=_form()).status_code == 400
    assert _count(app) == 0
    page = client.get("/e/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/e/new", data=_form(csrf_token=token)).status_code == 302
    assert _count(app) == 1


def test_the_event_list_offers_a_new_event_to_moderators(client, organiser, app):
    assert 'href="/e/new"' in client.get("/e").get_data(as_text=True)
    assert 'href="/e/new"' not in app.test_client().get("/e").get_data(as_text=True)
