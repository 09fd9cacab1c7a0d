"""Point 11: user text with scripts, event handlers, javascript: links and Markdown tricks
is inert everywhere it is shown: room page, console, published page, exports."""

import re
import uuid

import requests
from playwright.sync_api import expect

from harness.api import create_session, join, moderator_token
from harness.browser import join_in_browser, sign_in
from harness.live import LiveClient

HOSTILE = [
    "<script>window.__xss = 1</script>",
    '<img src=x onerror="window.__xss = 2">',
    "[kliknij](javascript:window.__xss=3)",
    '<a href="javascript:window.__xss=4">link</a>',
    '"><svg onload="window.__xss=5">',
    "# Nagłówek **gruby** _kursywa_ `kod` > cytat",
]


def test_hostile_text_is_shown_literally_and_runs_nothing(server, contexts):
    base = server["base"]
    token = moderator_token(base)
    session = create_session(
        base, {"title": "Wrogi tekst", "about": HOSTILE[1], "rooms": [{"name": HOSTILE[0]}]}, token
    )
    slug, room = session["slug"], session["rooms"][0]["id"]
    dialogs = []

    reader = contexts(locale="pl-PL").new_page()
    reader.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    join_in_browser(reader, base, slug, '<b onmouseover="x()">Czytelnik</b>', room)

    ids = []
    # Two writers: one person's six posts in a row would meet the posting rate limit.
    for name, texts in ((HOSTILE[1], HOSTILE[:3]), (HOSTILE[4], HOSTILE[3:])):
        with LiveClient(base, join(base, slug, name, room)) as writer:
            assert writer.call("room:join", {"room_id": room}, timeout=10)["ok"]
            for text in texts:
                ack = writer.call(
                    "rec:post", {"room_id": room, "client_id": str(uuid.uuid4()), "text": text}, timeout=10
                )
                ids.append(ack["recommendation"]["id"])
    for text in HOSTILE:
        expect(reader.locator("#recs")).to_contain_text(text)

    moderator = contexts(locale="en-GB", viewport={"width": 1400, "height": 900}).new_page()
    moderator.on(
        "dialog", lambda d: (dialogs.append(d.message), d.dismiss()) if d.type != "confirm" else d.accept()
    )
    sign_in(moderator, base, "anna@example.org")
    moderator.goto(f"{base}/s/{slug}/moderate")
    expect(moderator.locator("#status")).to_have_attribute("data-state", "connected")
    for text in HOSTILE:
        expect(moderator.locator("#columns")).to_contain_text(text)

    with LiveClient(base, token) as mod_client:
        for rec_id, text in zip(ids, HOSTILE, strict=True):
            assert mod_client.call(
                "note:merge",
                {"slug": slug, "recommendation_ids": [rec_id], "text": text, "section": HOSTILE[4]},
                timeout=10,
            )["ok"]
        assert mod_client.call("note:summary", {"slug": slug, "summary": "\n\n".join(HOSTILE)}, timeout=10)[
            "ok"
        ]
        assert mod_client.call("note:publish", {"slug": slug}, timeout=10)["ok"]
    expect(moderator.locator(".note-editor")).to_contain_text(HOSTILE[5])

    note = contexts(locale="pl-PL").new_page()
    note.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    note.goto(f"{base}/s/{slug}/note")
    for text in HOSTILE:
        expect(note.locator("main")).to_contain_text(text)
    note.goto(f"{base}/s/{slug}")
    expect(note.locator("h2", has_text="Notatka z sesji")).to_be_visible()

    for page in (reader, moderator, note):
        assert page.evaluate("window.__xss") is None
        # No link anywhere points at javascript:.
        assert page.eval_on_selector_all("a[href^='javascript']", "links => links.length") == 0
    assert dialogs == []

    markdown = requests.get(f"{base}/s/{slug}/note.md").text
    # Every <, [ and ] of user text is backslash-escaped, so no tag and no link forms.
    assert not re.search(r"(?<!\\)[<\[\]]", markdown)
    assert "\\<script\\>" in markdown and "\\[kliknij\\](javascript:" in markdown
    assert not re.search(r"^#{1,6} Nagłówek", markdown, re.M)
    exported = requests.get(f"{base}/api/v1/sessions/{slug}/note")
    assert exported.headers["Content-Type"] == "application/json"
    assert exported.headers["X-Content-Type-Options"] == "nosniff"
    assert [i["text"] for i in exported.json()["sections"][0]["items"]] == HOSTILE
