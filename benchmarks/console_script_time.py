"""Script time per incoming post in the browser, with many posts on screen (issue 11 part 4).

A real server, headless Chromium, the moderator console (all rooms' posts shown) and a
participant's room page. With N posts already there, K more arrive one by one; the
Chrome DevTools Protocol's `Performance.getMetrics` gives the main thread's
ScriptDuration (JavaScript) and TaskDuration (script + style + layout + paint work)
before and after, divided by K. Target: script <= 16 ms per post at 5,000 posts.

    python -m benchmarks.console_script_time          # 500 posts (about a minute)
    python -m benchmarks.console_script_time --full   # 500 and 5,000 posts
"""

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import sync_playwright

from benchmarks.curation_session import generate
from benchmarks.curation_tools import Crowd, Person, bench_server, session_with_rooms
from harness.browser import join_in_browser, sign_in

CHROMIUM = "/usr/bin/chromium"
ARRIVING = 20  # posts measured per run
LIVE = [p["text"] for p in generate(posts=ARRIVING, rooms=20, seed=99)]
GAP = 0.15  # seconds between them: each is handled on its own, as in a real session


def seed(crowd: Crowd, count: int) -> None:
    """`count` realistic posts (the generated curation session) over the crowd's rooms,
    one thread per room."""
    rooms = len(crowd.rooms)
    posts = generate(posts=count, rooms=rooms, seed=7)

    def room_posts(r: int) -> None:
        for post in posts:
            if post["room"] - 1 == r:
                crowd.post(r, post["text"])

    with ThreadPoolExecutor(max_workers=min(rooms, 8)) as pool:
        list(pool.map(room_posts, range(rooms)))


def metrics(cdp) -> dict:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def measure(
    page, base: str, slug: str, crowd: Crowd, count_js: str, expected: int, room_index: int | None
) -> tuple[float, float]:
    """Script and task milliseconds per arriving post."""
    print(f"  measuring with {expected} posts…", file=sys.stderr, flush=True)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Performance.enable")
    page.wait_for_function(f"n => ({count_js}) >= n", arg=expected, polling=500, timeout=300_000)
    page.wait_for_timeout(1500)  # let the first render and any pending suggestions settle
    # Fresh connections for the arriving posts: the seeding ones sat idle while the
    # page loaded thousands of posts, and a busy server may have timed them out.
    rooms = [crowd.rooms[room_index]] if room_index is not None else crowd.rooms[:4]
    live = [Person(base, slug, room, f"Na żywo {n}") for n, room in enumerate(rooms)]
    print("  live people connected", file=sys.stderr, flush=True)
    before = metrics(cdp)
    for k in range(ARRIVING):
        live[k % len(live)].post(LIVE[k % len(LIVE)])
        time.sleep(GAP)
    page.wait_for_function(f"n => ({count_js}) >= n", arg=expected + ARRIVING, polling=500, timeout=60_000)
    page.wait_for_timeout(800)  # the debounced suggestions update, too
    after = metrics(cdp)
    for person in live:
        person.close()
    script = (after["ScriptDuration"] - before["ScriptDuration"]) * 1000 / ARRIVING
    task = (after["TaskDuration"] - before["TaskDuration"]) * 1000 / ARRIVING
    return script, task


def run(sizes: list[int], suggestions: bool = True) -> list[tuple]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        server = bench_server(Path(tmp), suggestions)
        browser = pw.chromium.launch(executable_path=CHROMIUM)
        try:
            for size in sizes:
                # The console: 20 rooms, every post shown in its room's column.
                session = session_with_rooms(server.base, f"Konsola {size}", 20)
                crowd = Crowd(server.base, session, per_room=2)
                seed(crowd, size)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                sign_in(page, server.base, "anna@example.org")
                page.goto(f"{server.base}/s/{session['slug']}/moderate")
                script, task = measure(
                    page,
                    server.base,
                    session["slug"],
                    crowd,
                    "document.querySelectorAll('#columns li.rec').length",
                    size,
                    None,
                )
                rows.append(("console", size, script, task))
                print(
                    f"  console {size}: script {script:.1f} ms, task {task:.1f} ms",
                    file=sys.stderr,
                    flush=True,
                )
                page.close()
                crowd.close()
                # The room page: one room holding all the posts.
                session = session_with_rooms(server.base, f"Sala {size}", 1)
                crowd = Crowd(server.base, session, per_room=4)
                seed(crowd, size)
                page = browser.new_page(viewport={"width": 390, "height": 844})
                join_in_browser(page, server.base, session["slug"], "Czytelnik", session["rooms"][0]["id"])
                script, task = measure(
                    page,
                    server.base,
                    session["slug"],
                    crowd,
                    "document.querySelectorAll('#recs li.rec').length",
                    size,
                    0,
                )
                rows.append(("room page", size, script, task))
                print(
                    f"  room page {size}: script {script:.1f} ms, task {task:.1f} ms",
                    file=sys.stderr,
                    flush=True,
                )
                page.close()
                crowd.close()
        except Exception:
            print(server.log_path.read_text()[-4000:], file=sys.stderr)
            raise
        finally:
            browser.close()
            server.stop()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--full", action="store_true", help="also 5,000 posts")
    parser.add_argument(
        "--no-suggestions",
        action="store_true",
        help="server with merge suggestions off (benchmarks/server_without_suggestions.py)",
    )
    parser.add_argument("--sizes", type=int, nargs="*", help="posts on screen, e.g. --sizes 5000")
    args = parser.parse_args()
    sizes = args.sizes or ([500, 5000] if args.full else [500])
    rows = run(sizes, not args.no_suggestions)
    off = ", merge suggestions off" if args.no_suggestions else ""
    print(f"\nScript time per incoming post ({ARRIVING} posts arriving, {GAP * 1000:.0f} ms apart{off})\n")
    print("| page | posts on screen | script ms/post | main-thread task ms/post | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    for page, size, script, task in rows:
        target = "<= 16 ms" if size >= 5000 else ""
        print(f"| {page} | {size:,} | {script:.1f} | {task:.1f} | {target} |")


if __name__ == "__main__":
    main()
