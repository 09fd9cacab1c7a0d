"""An event in real browsers: a person registers on a 360 px phone, lands on a waiting
list, moves up when someone cancels, and sees it on the personal page."""

import re

import requests
from playwright.sync_api import expect

from harness.api import moderator_token
from harness.browser import sign_in

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
SLUG = "e2e-osl-2030"


def _create_event(base: str, token: str) -> dict:
    body = {
        "title": "Organizowanie społeczności lokalnej – nowa jakość, perspektywa, wyzwanie",
        "slug": SLUG,
        "venue": "Kraków",
        "about": "Konferencja o praktyce organizowania społeczności lokalnej. Udział jest bezpłatny.",
        "days": [
            {
                "date": "2030-11-24",
                "slots": [
                    {
                        "starts_at": "12:00",
                        "ends_at": "13:30",
                        "title": "Powitanie i wprowadzenie",
                        "kind": "plenary",
                    },
                    {"starts_at": "13:30", "ends_at": "14:30", "title": "Obiad", "kind": "break"},
                    {
                        "starts_at": "14:30",
                        "ends_at": "15:30",
                        "title": "Warsztaty „Dylematy OSLowca…”",
                        "kind": "parallel",
                        "tracks": [
                            {
                                "title": "Współpraca z liderami w społeczności lokalnej",
                                "lead": "Tomasz Stoński, OPS Radlin",
                            },
                            {"title": "OSLowiec w OPS", "lead": "Aleksandra Skonieczna, OPS Tłuszcz"},
                        ],
                    },
                ],
            },
            {
                "date": "2030-11-25",
                "slots": [
                    {
                        "starts_at": "09:30",
                        "ends_at": "11:30",
                        "title": "Wizyty studyjne – dobre praktyki w Krakowie",
                        "kind": "parallel",
                        "tracks": [
                            {
                                "title": "Inicjatywa społeczna „Po sąsiedzku”",
                                "place": "Galeria „2 światy”, ul. Brzozowa 14, Kazimierz",
                                "capacity": 1,
                            },
                            {
                                "title": "Program Aktywności Lokalnej „Nasze sprawy”",
                                "place": "ul. Modrzejewskiej 8",
                                "capacity": 15,
                            },
                        ],
                    }
                ],
            },
        ],
    }
    response = requests.post(
        f"{base}/api/v1/events", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_register_on_a_phone_wait_and_move_up(server, contexts, shots):
    base = server["base"]
    token = moderator_token(base)
    event = _create_event(base, token)
    visits = event["days"][1]["slots"][0]
    small = visits["tracks"][0]["id"]

    # Someone takes the only place of the small visit first (through the API).
    first = requests.post(
        f"{base}/api/v1/events/{SLUG}/registrations",
        json={
            "name": "Ewa Nowak",
            "email": "ewa@example.org",
            "attendance": "in_room",
            "choices": [{"slot_id": visits["id"], "track_id": small}],
        },
        timeout=10,
    ).json()
    assert first["registration"]["choices"][0]["status"] == "confirmed"

    phone = contexts(locale="pl-PL", **PHONE).new_page()
    phone.goto(f"{base}/e/{SLUG}")
    expect(phone.locator("h1")).to_contain_text("Organizowanie społeczności lokalnej")
    expect(phone.locator("main")).to_contain_text("Tomasz Stoński, OPS Radlin")
    phone.screenshot(path=str(shots / "event-programme-phone.png"), full_page=True)
    phone.emulate_media(media="print")
    phone.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    phone.screenshot(path=str(shots / "event-programme-print.png"), full_page=True)
    phone.emulate_media(media="screen")
    phone.set_viewport_size(PHONE["viewport"])

    phone.get_by_role("link", name="Zapisz się").first.click()
    expect(phone).to_have_url(f"{base}/e/{SLUG}/register")
    phone.fill("#name", "Jan Kowalski")
    phone.fill("#email", "jan@example.org")
    phone.fill("#organisation", "MOPS Katowice")
    phone.check("input[name=attendance][value=remote]")
    phone.check(f"input[name=slot-{visits['id']}][value='{small}']")
    # Forgot the consent: the form says so and keeps what was typed.
    phone.click("main button[type=submit]")
    expect(phone.locator("#consent-error")).to_be_visible()
    expect(phone.locator("#name")).to_have_value("Jan Kowalski")
    phone.screenshot(path=str(shots / "event-register-form-phone.png"), full_page=True)
    phone.check("#consent")
    phone.click("main button[type=submit]")

    expect(phone).to_have_url(re.compile(f"/e/{SLUG}/r/hse_[^/]+\\?new=1$"))
    waiting = phone.locator(".my-choice[data-status=waitlisted]")
    expect(waiting).to_contain_text("Jesteś 1. na liście rezerwowej")
    expect(phone.locator(".save-link")).to_contain_text("Zachowaj ten link")
    personal = phone.url.split("?")[0]

    # Ewa cancels through the API: Jan moves up at once.
    gone = requests.delete(
        f"{base}/api/v1/events/{SLUG}/registrations/me",
        headers={"Authorization": f"Bearer {first['token']}"},
        timeout=10,
    )
    assert gone.status_code == 200
    phone.goto(personal)
    expect(phone.locator(".my-choice[data-status=confirmed]")).to_contain_text("Potwierdzone: masz miejsce")
    expect(phone.locator(".my-choice[data-status=waitlisted]")).to_have_count(0)
    phone.screenshot(path=str(shots / "event-personal-phone.png"), full_page=True)

    # The organiser's list (a co-organiser signs in on a laptop).
    laptop = contexts(locale="pl-PL", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(laptop, base, "anna@example.org")
    laptop.goto(f"{base}/e/{SLUG}/organise")
    expect(laptop.locator("main")).to_contain_text("jan@example.org")
    laptop.screenshot(path=str(shots / "event-organiser-list.png"), full_page=True)
