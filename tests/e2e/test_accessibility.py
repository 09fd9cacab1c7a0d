"""axe-core on every page and state, in Polish and English, at 1280 px and 360 px:
zero WCAG 2.2 A/AA (and best-practice) violations.

axe-core is vendored under tests/e2e/vendor/axe-core (never served by the app) and put
into each page with an init script, so the pages keep their strict CSP. One server (with
the demo loaded and generous posting limits, to fill a console with 300 posts) and one
browser serve the whole module; each language is one signed-in browser context (moderator and
participant) plus one anonymous visitor context, made once; each page is checked at
1280 px and then narrowed to 360 px.

Each run's counts, per page, language and width, go to artifacts/axe/counts.json
(the closing note of issue 12 quotes the counts before and after the fixes).

TO CHECK A NEW PAGE OR STATE, APPEND ONE LINE TO `VIEWS` below, e.g.
    View("wall", "/s/{demo}/wall", ready="#wall li"),
    View("session-edit", "/s/{a11y}/edit"),
    View("console-help", "/s/{big}/moderate", ready=CONNECTED, act=lambda p: p.keyboard.press("?")),
`path` is formatted with the `world` dict (slugs, ids and tokens made in `world()`),
`who` is "member" (signed-in moderator who also joined rooms) or "visitor" (nobody),
`ready` a selector to wait for, `act` what a person does before the check (open a
dialog, go offline and post...), `after` what undoes it.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from benchmarks.curation_tools import BENCH_ENV, Crowd
from harness.api import create_session
from harness.live import LiveClient
from harness.servers import ServerProcess

AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA (axe tags its rules by the version that added them) and best practice.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
COUNTS = Path(__file__).resolve().parents[2] / "artifacts" / "axe" / "counts.json"
CONNECTED = "#status[data-state=connected]"
WAIT = 20_000  # ms for each expectation here: a shared CI machine may be slow
DEMO_EMAIL = "moderator@demo.hybrid-sessions.local"
EVENT = "osl-krakow-2014"


# --- what a person does before a check --------------------------------------------------


# A form post navigates: axe runs once the answer's stylesheet has loaded (its "load"
# event), not as soon as the new page's markup is there, when its links are still
# unstyled and too small to tap.
def submit_empty(page):
    with page.expect_navigation():
        page.click("main button[type=submit]")


def bad_sign_in(page):
    page.fill("#email", "nikt@example.org")
    page.fill("#password", "to nie jest hasło")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page.locator(".alert.error")).to_be_visible(timeout=WAIT)


def post_offline(page):
    page.context.set_offline(True)
    expect(page.locator("#status")).to_have_attribute("data-state", "offline", timeout=WAIT)
    page.fill("#rec-text", "Wpis napisany bez sieci, czeka na wysłanie")
    page.click("#post-button")
    expect(page.locator(".rec.pending")).to_have_count(1, timeout=WAIT)


def back_online(page):
    page.context.set_offline(False)
    expect(page.locator(".rec.pending")).to_have_count(0, timeout=WAIT)


def type_near_limit(page):
    page.fill("#rec-text", "Długi wpis. " * 40)


def open_item_editor(page):
    page.locator(".note-editor li[data-item-id] button", has_text=re.compile("^(Edit|Edytuj)$")).first.click()
    expect(page.locator(".item-editor textarea")).to_be_focused(timeout=WAIT)


def select_two_posts(page):
    posts = page.locator(".column .rec")
    posts.nth(0).click()
    posts.nth(1).click()
    expect(page.locator("#selected-list li")).to_have_count(2, timeout=WAIT)


def suggestions_view(page):
    page.click("#tab-suggestions")
    expect(page.locator("#groups li.group").first).to_be_visible(timeout=WAIT)


def help_dialog(page):
    page.click("#open-help")
    expect(page.locator("dialog#help")).to_be_visible(timeout=WAIT)


@dataclass(frozen=True)
class View:
    name: str
    path: str
    who: str = "member"
    ready: str | None = None
    act: Callable | None = None
    after: Callable | None = None


# Every page and state. One line each; see the module docstring.
VIEWS = [
    View("home", "/"),
    View("panel", "/s/{demo}"),
    View("panel-visitor", "/s/{a11y}", who="visitor"),
    View("join", "/s/{quiet}/join", who="visitor"),
    View("join-error", "/s/{quiet}/join", who="visitor", act=submit_empty),
    View("join-again", "/s/{a11y}/join"),
    View("room-empty", "/s/{quiet}/rooms/{quiet_room}", ready=CONNECTED),
    View("room-posts", "/s/{a11y}/rooms/{a11y_room}", ready=".rec.mine .badge.ok"),
    View("room-near-limit", "/s/{a11y}/rooms/{a11y_room}", ready=".rec.mine .badge.ok", act=type_near_limit),
    View(
        "room-offline-pending",
        "/s/{a11y}/rooms/{a11y_room}",
        ready=".rec.mine .badge.ok",
        act=post_offline,
        after=back_online,
    ),
    View("note", "/s/{demo}/note"),
    View("note-visitor", "/s/{a11y}/note", who="visitor"),
    View("login", "/login", who="visitor"),
    View("login-error", "/login", who="visitor", act=bad_sign_in),
    View("new-session", "/sessions/new"),
    View("new-session-errors", "/sessions/new", act=submit_empty),
    View("console-demo", "/s/{demo}/moderate", ready=CONNECTED),
    View("console-demo-editor", "/s/{demo}/moderate", ready=CONNECTED, act=open_item_editor),
    View("console-300", "/s/{big}/moderate", ready=".column .rec >> nth=299"),
    View("console-300-editor", "/s/{big}/moderate", ready=".column .rec >> nth=299", act=open_item_editor),
    View("console-300-selected", "/s/{big}/moderate", ready=".column .rec >> nth=299", act=select_two_posts),
    View("console-suggestions", "/s/{big}/moderate", ready=CONNECTED, act=suggestions_view),
    View("console-help", "/s/{a11y}/moderate", ready=CONNECTED, act=help_dialog),
    View("events", "/e"),
    View("event", "/e/{event}"),
    View("event-register", "/e/{event}/register", who="visitor"),
    View("event-register-errors", "/e/{event}/register", who="visitor", act=submit_empty),
    View("event-personal", "/e/{event}/r/{registration}", who="visitor"),
    View("event-report", "/e/{event}/report"),
    View("event-new", "/e/new"),
    View("event-edit", "/e/{event}/edit"),
    View("event-organise", "/e/{event}/organise"),
    # Issue 13's pages: the short join code, the session edit form, the walls and slides.
    View("join-code", "/k", who="visitor"),
    View("join-code-wrong", "/k?code=ZZZZZZ", who="visitor"),
    View("lobby", "/s/{lobby}/wait", ready=CONNECTED),
    View("session-edit", "/s/{a11y}/edit"),
    View("wall-session", "/s/{demo}/wall", who="visitor", ready=CONNECTED),
    View("wall-room", "/s/{a11y}/rooms/{a11y_room}/wall", who="visitor", ready=CONNECTED),
    View("note-slides", "/s/{demo}/note/slides", who="visitor"),
    View("not-found", "/s/no-such-session"),
    View("not-found-event", "/e/no-such-event", who="visitor"),
]
LANGUAGES = ["pl", "en"]
WIDTHS = [(1280, 900), (360, 640)]


# --- one server, one browser, a few contexts ----------------------------------------------


@pytest.fixture(scope="module")
def a11y_server(tmp_path_factory):
    process = ServerProcess(tmp_path_factory.mktemp("a11y"), env=BENCH_ENV)
    process.prepare()
    process.flask("load-demo")  # before start: a busy machine may take long over it
    process.start()
    try:
        yield process
    finally:
        process.stop()


def _token(base: str, email: str, password: str) -> str:
    response = requests.post(
        f"{base}/api/v1/auth/token", json={"email": email, "password": password}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


# Posts for the 300-post console: some say the same thing in different rooms, so the
# suggested-merges view has groups.
ALIKE = (
    "Elastyczne godziny otwarcia biblioteki wieczorami",
    "Więcej ławek i zieleni w parku miejskim",
    "Spotkania sąsiedzkie raz w miesiącu w świetlicy",
)


@pytest.fixture(scope="module")
def world(a11y_server):
    """The demo (panel with its published note, the 2014 event), a quiet session, a
    session with a few posts and a published note, a session with 300 posts, and a
    registration for the personal page."""
    base = a11y_server.base
    password = (a11y_server.instance / "demo-moderator.txt").read_text().strip()
    token = _token(base, DEMO_EMAIL, password)
    quiet = create_session(base, {"title": "Cicha sala", "rooms": [{"name": "Pokój ciszy"}]}, token)
    lobby = create_session(
        base, {"title": "Poczekalnia", "assignment": "moderator", "rooms": [{"name": "Sala później"}]}, token
    )
    a11y = create_session(
        base,
        {
            "title": "Dostępność w praktyce",
            "about": "Jak sprawić, by każdy mógł wziąć udział: w sali i przy telefonie.",
            "rooms": [{"name": "Sala A", "prompt": "Co pomaga wziąć udział?"}, {"name": "Sala B"}],
        },
        token,
    )
    big = create_session(
        base,
        {"title": "Trzysta wpisów", "rooms": [{"name": f"Sala {n + 1}", "capacity": 500} for n in range(6)]},
        token,
    )
    crowd = Crowd(base, a11y, per_room=2)
    try:
        first = crowd.post(0, "Napisy na żywo na ekranie w sali")
        crowd.post(0, "Mikrofon dla każdego, kto zabiera głos")
        crowd.vote(a11y["rooms"][0]["id"], first["id"], 1)
        crowd.post(1, "Przerwy co 45 minut")
    finally:
        crowd.close()
    crowd = Crowd(base, big, per_room=5)
    try:
        posted = []
        for n in range(300):
            text = f"{ALIKE[n % 3]}" if n < 12 else f"Pomysł numer {n}: {ALIKE[n % 3].split()[0].lower()} {n}"
            posted.append(crowd.post(n, text))
        for rec in posted[:20]:
            crowd.vote(rec["room_id"], rec["id"], 2)
    finally:
        crowd.close()
    _merge_and_publish(base, token, a11y["slug"], [first["id"]])
    _merge_and_publish(base, token, big["slug"], [posted[20]["id"], posted[21]["id"]], publish=False)
    registration = requests.post(
        f"{base}/api/v1/events/{EVENT}/registrations",
        json={"name": "Ewa Nowak", "email": "ewa@example.org", "attendance": "remote"},
        timeout=10,
    )
    assert registration.status_code == 201, registration.text
    return {
        "base": base,
        "password": password,
        "demo": "od-klienta-do-wspolgospodarza",
        "quiet": quiet["slug"],
        "lobby": lobby["slug"],
        "quiet_room": quiet["rooms"][0]["id"],
        "a11y": a11y["slug"],
        "a11y_room": a11y["rooms"][0]["id"],
        "big": big["slug"],
        "event": EVENT,
        "registration": registration.json()["token"],
    }


def _merge_and_publish(base, token, slug, rec_ids, publish=True):
    moderator = LiveClient(base, token, wait_timeout=10)
    try:
        moderator.ok("session:watch", {"slug": slug}, timeout=30)
        text = "Napisy i mikrofony dla wszystkich"
        payload = {"slug": slug, "recommendation_ids": rec_ids, "text": text, "section": "Sala"}
        moderator.ok("note:merge", payload, timeout=30)
        if publish:
            moderator.ok("note:publish", {"slug": slug}, timeout=30)
    finally:
        moderator.close()


@pytest.fixture(scope="module")
def a11y_contexts(browser, world):
    """(language, who) -> a browser context with axe in every page, made on first use."""
    made = {}

    def get(lang, who):
        key = (lang, who)
        if key not in made:
            context = browser.new_context(
                locale={"pl": "pl-PL", "en": "en-GB"}[lang],
                viewport={"width": WIDTHS[0][0], "height": WIDTHS[0][1]},
                reduced_motion="reduce",
            )
            context.set_default_timeout(20_000)
            context.add_init_script(path=str(AXE))
            if who == "member":
                _become_member(context.new_page(), world)
            made[key] = context
        return made[key]

    yield get
    for context in made.values():
        context.close()


def _become_member(page, world):
    """Sign in as the demo moderator, join two rooms, post and +1 (a post of one's own
    with its withdraw button, a pressed +1)."""
    base = world["base"]
    page.goto(f"{base}/login")
    page.fill("#email", DEMO_EMAIL)
    page.fill("#password", world["password"])
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{base}/", timeout=WAIT)
    for slug, room in ((world["quiet"], world["quiet_room"]), (world["a11y"], world["a11y_room"])):
        page.goto(f"{base}/s/{slug}/join")
        page.fill("#display_name", "Ola")
        page.check("input[name=attendance][value=in_room]")
        page.check(f"input[name=room_id][value='{room}']")
        page.click("main button[type=submit]")
        expect(page).to_have_url(re.compile(f"/rooms/{room}$"), timeout=WAIT)
    expect(page.locator(CONNECTED)).to_be_visible(timeout=WAIT)
    room_page = page.url
    # A session where the moderator places people: joined, waiting in the lobby.
    page.goto(f"{base}/s/{world['lobby']}/join")
    page.fill("#display_name", "Ola")
    page.check("input[name=attendance][value=remote]")
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile("/wait$"), timeout=WAIT)
    page.goto(room_page)
    expect(page.locator(CONNECTED)).to_be_visible(timeout=WAIT)
    page.fill("#rec-text", "Pętla indukcyjna dla osób z aparatami słuchowymi")
    page.click("#post-button")
    expect(page.locator(".rec.mine .badge.ok")).to_be_visible(timeout=WAIT)
    page.locator(".rec", has_text="Napisy na żywo").locator("button.vote").click()
    expect(page.locator(".rec", has_text="Napisy na żywo").locator("button.vote")).to_have_attribute(
        "aria-pressed", "true", timeout=WAIT
    )
    page.close()


# --- the check ------------------------------------------------------------------------------

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary, html: n.html.slice(0, 160) })),
  }));
}"""

_counts: dict[str, dict] = {}


@pytest.fixture(scope="module", autouse=True)
def _write_counts():
    yield
    if _counts:
        COUNTS.parent.mkdir(parents=True, exist_ok=True)
        total = sum(c["nodes"] for c in _counts.values())
        rules: dict[str, int] = {}
        for c in _counts.values():
            for rule, n in c["rules"].items():
                rules[rule] = rules.get(rule, 0) + n
        COUNTS.write_text(
            json.dumps(
                {"total_nodes": total, "by_rule": rules, "pages": _counts}, indent=1, ensure_ascii=False
            )
        )


def _describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} element(s)")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html']}")
            lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
    return "\n".join(lines)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("view", VIEWS, ids=[v.name for v in VIEWS])
def test_no_axe_violations(a11y_contexts, world, view, lang):
    """Checked at 1280 px, then the same page narrowed to 360 px (one load, one act)."""
    page = a11y_contexts(lang, view.who).new_page()
    found = []
    try:
        page.goto(world["base"] + view.path.format(**world))
        expect(page.locator("html")).to_have_attribute("lang", lang, timeout=WAIT)
        if view.ready:
            expect(page.locator(view.ready)).to_be_attached(timeout=WAIT)
        if view.act:
            view.act(page)
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            violations = page.evaluate(RUN_AXE, TAGS)
            _counts[f"{view.name} {lang} {width}"] = {
                "nodes": sum(len(v["nodes"]) for v in violations),
                "rules": {v["id"]: len(v["nodes"]) for v in violations},
            }
            if violations:
                found.append(f"{view.name} ({lang}, {width} px):\n" + _describe(violations))
        if view.after:
            view.after(page)
        assert not found, "\n".join(found)
    finally:
        page.close()
