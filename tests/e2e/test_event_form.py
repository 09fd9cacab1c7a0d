"""The event form in a real browser: an organiser builds a two-day programme on a 360 px
phone with the add-row buttons, then edits it on a 1280 px laptop."""

import re

from playwright.sync_api import expect

from harness.browser import sign_in

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
SLUG = "e2e-formularz-2030"


def test_build_a_programme_on_the_form_then_edit_it(server, contexts, shots):
    base = server["base"]
    phone = contexts(**PHONE, locale="pl-PL").new_page()
    sign_in(phone, base, "anna@example.org")
    phone.goto(f"{base}/e")
    phone.get_by_role("link", name="Nowe wydarzenie").click()
    expect(phone).to_have_url(f"{base}/e/new")
    phone.fill("#title", "Seminarium „Wspólnie w gminie”")
    phone.fill("#slug", SLUG)
    phone.fill("#venue", "Kraków, ul. Floriańska 3")
    phone.fill("#days-0-date", "2030-11-24")
    phone.fill("#days-0-slots-0-starts_at", "10:00")
    phone.fill("#days-0-slots-0-ends_at", "11:00")
    phone.fill("#days-0-slots-0-title", "Powitanie")
    # A second slot (the page comes back with one row more, the new row focused) …
    phone.click("button[value='add:days-0-slots']")
    expect(phone.locator("#days-0-slots-1-starts_at")).to_be_focused()
    expect(phone.locator("#days-0-slots-1-starts_at")).to_have_value("11:00")  # where the last one ended
    phone.fill("#days-0-slots-1-title", "Warsztaty w grupach")
    phone.fill("#days-0-slots-1-ends_at", "12:30")
    phone.select_option("#days-0-slots-1-kind", "parallel")
    # … with two tracks.
    for n in (0, 1):
        phone.click("button[value='add:days-0-slots-1-tracks']")
        expect(phone.locator(f"#days-0-slots-1-tracks-{n}-title")).to_be_focused()
    phone.fill("#days-0-slots-1-tracks-0-title", "Współpraca z liderami")
    phone.fill("#days-0-slots-1-tracks-0-lead", "Tomasz Stoński")
    phone.fill("#days-0-slots-1-tracks-0-capacity", "20")
    phone.fill("#days-0-slots-1-tracks-1-title", "OSLowiec w OPS")
    phone.fill("#days-0-slots-1-tracks-1-place", "Sala 2")
    assert phone.locator("#days-0-slots-0-starts_at").input_value() == "10:00"  # nothing typed is lost
    # A second day.
    phone.click("button[value='add:days']")
    phone.fill("#days-1-date", "2030-11-25")
    phone.click("button[value='add:days-1-slots']")
    phone.fill("#days-1-slots-0-starts_at", "09:30")
    phone.fill("#days-1-slots-0-title", "Podsumowanie")
    phone.screenshot(path=str(shots / "event-form-phone.png"), full_page=True)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the form scrolls sideways on a phone ({width}px)"
    phone.click("main form button[type=submit][value=save]:not(.visually-hidden)")
    expect(phone).to_have_url(f"{base}/e/{SLUG}")
    expect(phone.locator("main")).to_contain_text("Współpraca z liderami")
    expect(phone.locator("main")).to_contain_text("Podsumowanie")

    # On a laptop: a capacity of 0 is marked by its field and focused; then fixed and saved.
    laptop = contexts(viewport={"width": 1280, "height": 900}, locale="en-GB").new_page()
    sign_in(laptop, base, "anna@example.org")
    laptop.goto(f"{base}/e/{SLUG}")
    laptop.get_by_role("link", name="Edit event").click()
    expect(laptop).to_have_url(f"{base}/e/{SLUG}/edit")
    laptop.fill("#days-0-slots-1-tracks-1-title", "OSLowiec w ośrodku pomocy społecznej")
    laptop.fill("#days-0-slots-1-tracks-1-capacity", "0")
    laptop.click("main form button[type=submit][value=save]:not(.visually-hidden)")
    field = laptop.locator("#days-0-slots-1-tracks-1-capacity")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-describedby", re.compile("days-0-slots-1-tracks-1-capacity-error"))
    laptop.screenshot(path=str(shots / "event-form-desktop.png"), full_page=True)
    field.fill("12")
    laptop.click("main form button[type=submit][value=save]:not(.visually-hidden)")
    expect(laptop).to_have_url(f"{base}/e/{SLUG}")
    expect(laptop.locator("main")).to_contain_text("OSLowiec w ośrodku pomocy społecznej")
