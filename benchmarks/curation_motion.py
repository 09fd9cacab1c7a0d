"""Time and motion: a scripted moderator curates a generated session into a published note
(issue 11 part 6).

A real server and headless Chromium; `benchmarks.curation_session.generate` makes the
posts (realistic Polish, ~40 % near-duplicates across rooms) and people post them through
the public socket API. The moderator, with the mouse only, works through the "Suggested
merges" view top to bottom, then the posts no suggestion covered:

- a group whose posts all say one thing: one click, "Merge into new item" (the wording of
  the best-backed post, pre-filled), or "Add to item" when that idea is already in the
  note (plus a choice in the list if the offered item is not the right one);
- a post of another idea in a group: one click to leave it out first;
- a group of different ideas: one click, "Not the same";
- a post no group covered: dragged onto its idea's item (one action); an idea posted
  once: "+ Note" on the post (one action: its own wording, the remembered section); an
  idea in several posts no group caught: each clicked, then "Add to note";
- finally "Publish" (one click).

It knows the truth (each generated post's idea id) only to decide as a careful person
would; it counts actions (clicks, choices, drags, submitted edits) per note item and the
time the UI takes to show each action's result, and estimates a person's total time
with a reading allowance per decision. Screenshots of the suggested merges at 1280x800 and
1920x1080 go to artifacts/screenshots/.

    python -m benchmarks.curation_motion          # 120 posts in 8 rooms (about a minute)
    python -m benchmarks.curation_motion --full   # 300 posts in 20 rooms
"""

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

from benchmarks.curation_session import generate
from benchmarks.curation_tools import Crowd, bench_server, session_with_rooms
from harness.browser import sign_in

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"
# A person reads before acting: seconds per decision, plus per post read in a group.
READ_DECISION = 2.5
READ_POST = 1.0

STATE_JS = """() => {
  const s = window.HSConsole.store.state;
  return {
    merged: [...s.merged.entries()],
    open: [...s.recs.values()].filter(r => r.status === 'active' && !s.merged.has(r.id)).map(r => r.id),
    items: s.note ? s.note.sections.reduce((n, x) => n + x.items.length, 0) : 0,
    version: s.note ? s.note.version : 0,
  };
}"""


class Moderator:
    def __init__(self, page, cluster_of: dict[int, int]):
        self.page = page
        self.cluster_of = cluster_of
        self.actions = Counter()
        self.ui_seconds = 0.0
        self.read_seconds = 0.0

    def state(self) -> dict:
        return self.page.evaluate(STATE_JS)

    def item_of_cluster(self) -> dict[int, int]:
        """The note item already holding each idea."""
        return {self.cluster_of[rec]: item for rec, item in self.state()["merged"] if rec in self.cluster_of}

    def settle(self, condition: str, arg=None) -> None:
        """Wait for the action's visible result; the wait is the UI's (and server's) time."""
        start = time.perf_counter()
        self.page.wait_for_function(condition, arg=arg, polling="raf", timeout=30_000)
        self.ui_seconds += time.perf_counter() - start

    def note_changed(self, version: int) -> None:
        self.settle("v => window.HSConsole.store.state.note.version > v", version)

    def groups(self) -> list[dict]:
        return self.page.evaluate(
            """() => [...document.querySelectorAll('#groups li.group')].map(g => ({
                 key: g.dataset.key,
                 ids: [...g.querySelectorAll('.member')].map(m => Number(m.dataset.id)),
                 target: g.querySelector('select.target') && !g.querySelector('.add-row').hidden
                   ? Number(g.querySelector('select.target').value) : null }))"""
        )

    def work_groups(self) -> None:
        quiet_since = None
        while True:
            groups = self.groups()
            if not groups:
                # Suggestions are pushed a moment after each change: wait for a quiet spell.
                quiet_since = quiet_since or time.perf_counter()
                if time.perf_counter() - quiet_since > 1.5:
                    return
                self.page.wait_for_timeout(200)
                continue
            quiet_since = None
            try:
                self.one_group(groups[0])
            except PlaywrightTimeout:
                # The suggestions were recomputed between reading the group and acting
                # on it (it changed under the hand): read again, nothing was counted.
                continue

    def one_group(self, group: dict) -> None:
        page = self.page
        card = page.locator(f"#groups li.group[data-key='{group['key']}']")
        ideas = Counter(self.cluster_of[i] for i in group["ids"])
        idea, count = ideas.most_common(1)[0]
        self.read_seconds += READ_DECISION + READ_POST * len(group["ids"])
        version = self.state()["version"]
        if count < 2 and idea not in self.item_of_cluster():
            card.locator("button.dismiss").click(timeout=3000)
            self.actions["dismiss"] += 1
            self.settle("k => !document.querySelector(`#groups li.group[data-key='${k}']`)", group["key"])
            return
        for rec in group["ids"]:
            if self.cluster_of[rec] != idea:
                card.locator(f".member[data-id='{rec}'] input").click(timeout=3000)
                self.actions["leave a post out"] += 1
        item = self.item_of_cluster().get(idea)
        if item is not None:
            if group["target"] != item:
                card.locator("select.target").select_option(str(item), timeout=3000)
                self.actions["choose the item"] += 1
            card.locator("button.add").click(timeout=3000)
            self.actions["add to item"] += 1
        else:
            card.locator("button.merge").click(timeout=3000)
            self.actions["merge"] += 1
        self.note_changed(version)

    def work_leftovers(self) -> None:
        """Posts no suggestion covered, from the "All posts" view."""
        page = self.page
        page.click("#tab-posts")
        self.actions["switch view"] += 1
        while True:
            state = self.state()
            if not state["open"]:
                return
            rec = state["open"][0]
            idea = self.cluster_of[rec]
            item = self.item_of_cluster().get(idea)
            self.read_seconds += READ_DECISION
            post = page.locator(f"#columns li.rec[data-id='{rec}']")
            if item is not None:
                post.drag_to(page.locator(f".note-editor li[data-item-id='{item}']"))
                self.actions["drag onto an item"] += 1
                self.note_changed(state["version"])
                continue
            same = [r for r in state["open"] if self.cluster_of[r] == idea]
            if len(same) == 1:
                post.locator("button.add-one").click()
                self.actions["post as its own item"] += 1
                self.note_changed(state["version"])
                continue
            for r in same:
                page.locator(f"#columns li.rec[data-id='{r}'] .text").click()
                self.actions["select a post"] += 1
            page.click("#merge")
            self.actions["add to note"] += 1
            self.note_changed(state["version"])

    def publish(self) -> None:
        self.page.once("dialog", lambda d: d.accept())
        self.page.click("#publish")
        self.actions["publish"] += 1
        self.settle("() => /1/.test(document.getElementById('publish-state').textContent)")


def run(posts: int, rooms: int, seed: int) -> dict:
    generated = generate(posts=posts, rooms=rooms, seed=seed)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        server = bench_server(Path(tmp))
        browser = pw.chromium.launch(executable_path=CHROMIUM)
        try:
            session = session_with_rooms(server.base, "Czas i ruch", rooms)
            crowd = Crowd(server.base, session, per_room=3)
            cluster_of = {}
            for post in generated:
                rec = crowd.post(post["room"] - 1, post["text"])
                cluster_of[rec["id"]] = post["cluster"]
            context = browser.new_context(locale="pl-PL", viewport={"width": 1280, "height": 800})
            page = context.new_page()
            sign_in(page, server.base, "anna@example.org")
            page.goto(f"{server.base}/s/{session['slug']}/moderate")
            page.wait_for_function(
                "n => document.querySelectorAll('#columns li.rec').length >= n", arg=posts, timeout=60_000
            )
            page.click("#tab-suggestions")
            page.wait_for_function(
                "() => document.querySelectorAll('#groups li.group').length > 0", timeout=30_000
            )
            page.screenshot(path=str(SHOTS / "suggested-merges-1280x800.png"))
            page.set_viewport_size({"width": 1920, "height": 1080})
            page.screenshot(path=str(SHOTS / "suggested-merges-1920x1080.png"))
            page.set_viewport_size({"width": 1280, "height": 800})
            groups_at_start = len(page.locator("#groups li.group").all())

            moderator = Moderator(page, cluster_of)
            started = time.perf_counter()
            moderator.work_groups()
            page.screenshot(path=str(SHOTS / "curated-note-1280x800.png"), full_page=True)
            moderator.work_leftovers()
            moderator.publish()
            wall = time.perf_counter() - started
            items = moderator.state()["items"]
            crowd.close()
        finally:
            browser.close()
            server.stop()
    ideas = len(set(cluster_of.values()))
    total = sum(moderator.actions.values())
    return {
        "posts": posts,
        "rooms": rooms,
        "ideas": ideas,
        "groups_at_start": groups_at_start,
        "items": items,
        "actions": dict(moderator.actions),
        "total_actions": total,
        "per_item": total / max(items, 1),
        "ui_seconds": moderator.ui_seconds,
        "script_wall": wall,
        "person_minutes": (moderator.read_seconds + moderator.ui_seconds + 1.0 * total) / 60,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="300 posts in 20 rooms")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    posts, rooms = (300, 20) if args.full else (120, 8)
    r = run(posts, rooms, args.seed)
    print(
        f"\nTime and motion: {r['posts']} posts in {r['rooms']} rooms ({r['ideas']} distinct ideas), seed {args.seed}\n"
    )
    print("| measure | value | target |")
    print("| --- | ---: | --- |")
    print(f"| suggested groups at the start | {r['groups_at_start']} | |")
    print(f"| note items made | {r['items']} | one per idea ({r['ideas']}) |")
    print(f"| actions in all | {r['total_actions']} | |")
    print(f"| actions per note item | {r['per_item']:.2f} | <= 2 |")
    print(f"| time the UI took (action → result shown), total | {r['ui_seconds']:.1f} s | |")
    print(f"| time the UI took per action | {r['ui_seconds'] / max(r['total_actions'], 1) * 1000:.0f} ms | |")
    print(f"| scripted run, wall clock | {r['script_wall']:.1f} s | |")
    print(
        f"| a person's estimated time ({READ_DECISION:g} s per decision + {READ_POST:g} s per post read"
        f" + 1 s per action + UI) | {r['person_minutes']:.1f} min | <= 15 min |"
    )
    print("\n| action | count |")
    print("| --- | ---: |")
    for name, count in sorted(r["actions"].items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {count} |")


if __name__ == "__main__":
    main()
