"""Email with MAIL_SERVER set, against a real SMTP server (aiosmtpd) on a free port:
the confirmation with the personal link and the calendar file, and the notice when
someone moves up from a waiting list."""

import email
import email.header
import queue

import pytest
from aiosmtpd.controller import Controller

from harness.servers import free_port
from tests.web.test_events_api import PROGRAMME, _auth, _create, _visit


class Inbox:
    def __init__(self):
        self.port = free_port()
        self.messages: queue.Queue = queue.Queue()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.put(email.message_from_bytes(envelope.content))
        return "250 OK"

    def next(self):
        """The next message delivered (waits for the background sender, up to 10 s)."""
        return self.messages.get(timeout=10)


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def app_config(inbox):
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": inbox.port,
        "MAIL_FROM": "konferencja@example.org",
        "PUBLIC_URL": "https://konferencja.example.org",
    }


def test_confirmation_and_moved_up_notice(client, make, inbox):
    token = make.moderator_token(make.moderator())
    event = _create(client, token, PROGRAMME)
    slot_id, small, _ = _visit(event)

    def register(name):
        return client.post(
            "/api/v1/events/osl-2030/registrations",
            json={
                "name": name,
                "email": f"{name.lower()}@example.org",
                "attendance": "remote",
                "choices": [{"slot_id": slot_id, "track_id": small}],
            },
        ).get_json()

    ewa = register("Ewa")
    confirmation = inbox.next()
    assert confirmation["To"] == "ewa@example.org" and confirmation["From"] == "konferencja@example.org"
    parts = list(confirmation.walk())
    text = next(p for p in parts if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    # The emailed link is the site's address (PUBLIC_URL), never the request's Host.
    assert "https://konferencja.example.org/e/osl-2030/r/" + ewa["token"] in text and "Po sąsiedzku" in text
    calendar = next(p for p in parts if p.get_content_type() == "text/calendar")
    assert b"BEGIN:VCALENDAR" in calendar.get_payload(decode=True)

    register("Jan")
    assert inbox.next()["To"] == "jan@example.org"  # his confirmation: on the waiting list
    assert (
        client.delete("/api/v1/events/osl-2030/registrations/me", headers=_auth(ewa["token"])).status_code
        == 200
    )
    notice = inbox.next()
    assert notice["To"] == "jan@example.org"
    assert "Po sąsiedzku" in notice.get_payload(decode=True).decode()


def test_without_a_mail_server_the_page_says_to_save_the_link(app, client, make):
    app.config["MAIL_SERVER"] = None
    token = make.moderator_token(make.moderator())
    _create(client, token, PROGRAMME)
    answer = client.post(
        "/api/v1/events/osl-2030/registrations",
        json={"name": "Ewa", "email": "ewa@example.org", "attendance": "remote", "choices": []},
    ).get_json()
    page = client.get(answer["url"].split("localhost")[-1], headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Save this link" in page and "no email is sent" in page


def _subject(message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"])))


def _text(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def test_each_person_gets_email_in_the_language_they_registered_in(client, make, inbox):
    token = make.moderator_token(make.moderator())
    event = _create(client, token, PROGRAMME)
    slot_id, small, _ = _visit(event)

    def register(name, language):
        return client.post(
            "/api/v1/events/osl-2030/registrations",
            json={
                "name": name,
                "email": f"{name.lower()}@example.org",
                "attendance": "remote",
                "choices": [{"slot_id": slot_id, "track_id": small}],
            },
            headers={"Accept-Language": language},
        ).get_json()

    ewa = register("Ewa", "en")
    english = inbox.next()
    assert _subject(english).startswith("Registration: ")
    assert "Hello Ewa," in _text(english) and "you are registered for" in _text(english)
    assert "Dzień dobry" not in _text(english)
    register("Jan", "pl")
    polish = inbox.next()
    assert _subject(polish).startswith("Zgłoszenie: ")
    assert "Dzień dobry, Jan," in _text(polish) and "zapisano Cię na wydarzenie" in _text(polish)
    # Ewa cancels in English; Jan, who registered in Polish, moves up: his notice is Polish.
    client.delete(
        "/api/v1/events/osl-2030/registrations/me",
        headers={**_auth(ewa["token"]), "Accept-Language": "en"},
    )
    notice = inbox.next()
    assert notice["To"] == "jan@example.org" and _subject(notice).startswith("Masz miejsce: ")
    assert "zwolniło się miejsce" in notice.get_payload(decode=True).decode()
