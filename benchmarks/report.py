"""Turning benchmark samples into the results table, with the targets of issue 5."""

import json
import statistics
import time
from pathlib import Path


def _spread(values: list) -> tuple | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return min(values), statistics.median(values), max(values)


def _fmt(spread: tuple | None) -> str:
    if spread is None:
        return "—"
    low, mid, high = spread
    if low == high:
        return f"{mid:g}"
    return f"{mid:g} ({low:g}–{high:g})"


def _get(samples: list[dict], path: str) -> list:
    out = []
    for sample in samples:
        value = sample
        for key in path.split("."):
            value = value.get(key) if isinstance(value, dict) else None
        out.append(value)
    return out


def _p7_rows(results: dict) -> list[str]:
    """P7: every async mode against eventlet, and a Redis queue against none."""
    rows = []

    def median(label: str, path: str):
        spread = _spread(_get(results.get(label, []), path))
        return spread[1] if spread else None

    def fmt(value) -> str:
        return "—" if value is None else f"{value:g}"

    modes = sorted({label.split()[2] for label in results if label.startswith(("P1 ", "P2 "))})
    for mode in modes:
        for queue in ("", " +redis"):
            config = f"{mode}{queue}"
            for kind in ("product", "baseline"):
                posts = median(f"P2 {kind} {config}", "sustained_posts_s")
                p50 = median(f"P1 {kind} {config}", "fanout_p50_ms")
                p99 = median(f"P1 {kind} {config}", "fanout_p99_ms")
                lost = median(f"P1 {kind} {config}", "lost")
                if posts is None and p50 is None:
                    continue
                rows.append(
                    f"| P7 | {kind}, {config}: P2 posts/s · P1 p50 / p99 ms · lost | "
                    f"{fmt(posts)} · {fmt(p50)} / {fmt(p99)} · {fmt(lost)} | | | (reported) | — |"
                )
    for mode in modes:
        if mode == "eventlet":
            continue
        mine, ref = (
            median(f"P2 product {mode}", "sustained_posts_s"),
            median("P2 product eventlet", "sustained_posts_s"),
        )
        if mine is not None and ref:
            verdict = "PASS" if mine >= 0.7 * ref else "FAIL"
            rows.append(
                f"| P7 | P2 posts/s, {mode} vs eventlet | {mine:g} | {ref:g} (eventlet) | "
                f"{mine / ref:.2f} | ≥ 0.7× | {verdict} |"
            )
    for mode in modes:
        plain, queued = (
            median(f"P2 product {mode}", "sustained_posts_s"),
            median(f"P2 product {mode} +redis", "sustained_posts_s"),
        )
        if plain and queued is not None:
            verdict = "PASS" if queued >= 0.7 * plain else "FAIL"
            rows.append(
                f"| P7 | P2 posts/s, {mode} + Redis queue vs none | {queued:g} | {plain:g} (no queue) | "
                f"{queued / plain:.2f} | ≥ 0.7× | {verdict} |"
            )
        plain, queued = (
            median(f"P1 product {mode}", "fanout_p50_ms"),
            median(f"P1 product {mode} +redis", "fanout_p50_ms"),
        )
        if plain is not None and queued is not None:
            verdict = "PASS" if queued - plain <= 2 else "FAIL"
            rows.append(
                f"| P7 | P1 post→peer p50 ms, {mode} + Redis queue vs none | {queued:g} | {plain:g} (no queue) | "
                f"{queued - plain:+.2f} ms | ≤ 2 ms added | {verdict} |"
            )
    return rows


def render(report: dict) -> tuple[str, list[str]]:
    results = report["results"]
    rows, broken = [], []
    for label, samples in results.items():
        if " product " in f" {label} " and any(
            (s.get("lost") or 0) or (s.get("errors") or 0) for s in samples
        ):
            broken.append(label)

    def row(scenario, metric, path, target_text, check, label_suffix=" eventlet", base_path=None):
        prod = _spread(_get(results.get(f"{scenario} product{label_suffix}", []), path))
        base_path = base_path or path
        base = _spread(_get(results.get(f"{scenario} baseline{label_suffix}", []), base_path))
        ratio = round(prod[1] / base[1], 2) if prod and base and base[1] else None
        if prod is None or target_text.startswith("("):  # reported, not judged
            verdict = "—"
        else:
            verdict = "PASS" if check(prod[1], base[1] if base else None, ratio) else "FAIL"
        rows.append(
            f"| {scenario} | {metric} | {_fmt(prod)} | {_fmt(base)} | {ratio if ratio is not None else '—'} "
            f"| {target_text} | {verdict} |"
        )

    row(
        "P1",
        "post→peer p99 ms",
        "fanout_p99_ms",
        "≤ 3× baseline and ≤ 50 ms",
        lambda p, b, r: p <= 50 and (b is None or p <= 3 * b),
    )
    row("P1", "post→peer p50 ms", "fanout_p50_ms", "(reported)", lambda p, b, r: True)
    row("P1", "ack p99 ms", "ack_p99_ms", "(reported)", lambda p, b, r: True)
    row("P1", "lost deliveries", "lost", "0", lambda p, b, r: p == 0)
    row(
        "P2",
        "sustained posts/s (p99 ack ≤ 250 ms)",
        "sustained_posts_s",
        "≥ 0.5× baseline",
        lambda p, b, r: b is not None and p >= 0.5 * b,
    )
    row("P3", "ack p50 ms, empty", "ack_p50_empty_ms", "(reference)", lambda p, b, r: True)
    row(
        "P3",
        "ack p50 ms, with stored posts",
        "ack_p50_20k_ms",
        "≤ 1.3× empty",
        lambda p, b, r: (
            p <= 1.3 * _spread(_get(results.get("P3 product eventlet", []), "ack_p50_empty_ms"))[1]
        ),
    )
    row("P3", "session:watch snapshot ms", "watch_snapshot_ms", "< 300 ms", lambda p, b, r: p < 300)
    row("P3", "note:publish ms", "publish_ms", "< 500 ms", lambda p, b, r: p < 500)

    def at_least_30_percent(p, b, r):
        return b is not None and p >= 0.3 * b

    row(
        "P4", "panel page req/s", "panel.rps", "≥ 0.3× bare hello", at_least_30_percent, base_path="hello.rps"
    )
    row(
        "P4", "panel page p99 ms", "panel.p99_ms", "< 30 ms", lambda p, b, r: p < 30, base_path="hello.p99_ms"
    )
    row(
        "P4",
        "published note req/s",
        "note.rps",
        "≥ 0.3× bare hello",
        at_least_30_percent,
        base_path="hello.rps",
    )
    row(
        "P4",
        "published note p99 ms",
        "note.p99_ms",
        "< 30 ms",
        lambda p, b, r: p < 30,
        base_path="hello.p99_ms",
    )
    row(
        "P4",
        "panel page req/s, rendered (visitor with a session)",
        "panel_rendered.rps",
        "(reported)",
        lambda p, b, r: True,
        base_path="hello.rps",
    )
    row(
        "P4",
        "panel page p99 ms, rendered (visitor with a session)",
        "panel_rendered.p99_ms",
        "(reported)",
        lambda p, b, r: True,
        base_path="hello.p99_ms",
    )
    row("P5", "RSS KB per joined participant, whole crowd", "kb_per_participant", "(reported)", None)
    row(
        "P5",
        "RSS KB per joined participant, marginal (second half)",
        "kb_marginal",
        "≤ 50 KB",
        lambda p, b, r: p <= 50,
    )
    row(
        "P6", "CPU µs per delivery, rooms of 5", "room_5_us_per_delivery", "(reference)", lambda p, b, r: True
    )
    row(
        "P6",
        "CPU µs per delivery, rooms of 100",
        "room_100_us_per_delivery",
        "within ±25 % of rooms of 5",
        lambda p, b, r: (
            abs(p / _spread(_get(results.get("P6 product eventlet", []), "room_5_us_per_delivery"))[1] - 1)
            <= 0.25
        ),
    )
    row(
        "P6",
        "CPU µs per extra recipient (marginal)",
        "marginal_us_per_recipient",
        "(reported: flat = no cliff)",
        lambda p, b, r: True,
    )
    # Issue 15: the venue moments.
    for name, how in (("P8", "WebSocket"), ("P9", "polling, then upgrade")):
        row(
            name,
            f"storm ({how}): re-join p99 ms",
            "rejoin_p99_ms",
            "≤ 3× baseline",
            lambda p, b, r: b is not None and p <= 3 * b,
        )
        row(
            name,
            f"storm ({how}): everyone back, s",
            "all_back_s",
            "≤ 1.5× baseline",
            lambda p, b, r: b is not None and p <= 1.5 * b,
        )
        row(name, f"storm ({how}): re-join p50 ms", "rejoin_p50_ms", "(reported)", None)
        row(name, f"storm ({how}): lost posts", "lost", "0", lambda p, b, r: p == 0)
        row(
            name,
            f"storm ({how}): refused by rate limits",
            "refused_by_rate_limits",
            "0",
            lambda p, b, r: p == 0,
        )
        row(
            name,
            f"storm ({how}): dropped SYNs (ListenOverflows)",
            "listen_overflows",
            "0",
            lambda p, b, r: p == 0,
        )
        row(name, f"storm ({how}): notices per moderator", "moderator_notices", "(reported)", None)
        row(name, f"storm ({how}): server CPU per return, ms", "server_cpu_ms_per_return", "(reported)", None)
    row(
        "P10",
        "post now (200 posts/s): post→peer p99 ms",
        "fanout_p99_ms",
        "≤ 3× baseline",
        lambda p, b, r: b is not None and p <= 3 * b,
    )
    row("P10", "post now: ack p99 ms", "ack_p99_ms", "(reported)", None)
    row("P10", "post now: lost deliveries", "lost", "0", lambda p, b, r: p == 0)
    for page, what in (
        ("room_restart", "room page, after a restart (nothing kept)"),
        ("room", "room page, joined participant"),
        ("console", "console, moderator"),
        ("panel", "panel page, joined participant"),
    ):
        if page == "room_restart":
            row("P11", f"{what}: req/s", f"{page}.rps", "(reported)", None, base_path="hello.rps")
            row("P11", f"{what}: p99 ms", f"{page}.p99_ms", "(reported)", None, base_path="hello.p99_ms")
            continue
        row(
            "P11",
            f"{what}: req/s",
            f"{page}.rps",
            "≥ 0.3× bare hello",
            at_least_30_percent,
            base_path="hello.rps",
        )
        row(
            "P11",
            f"{what}: p99 ms",
            f"{page}.p99_ms",
            "< 100 ms",
            lambda p, b, r: p < 100,
            base_path="hello.p99_ms",
        )
    for event in ("broadcast", "phase"):
        row(
            "P13",
            f"session:{event} → every participant, p99 ms",
            f"{event}_p99_ms",
            "(reported)",
            lambda p, b, r: True,
        )
        row("P13", f"session:{event} p50 ms", f"{event}_p50_ms", "(reported)", lambda p, b, r: True)
        row("P13", f"session:{event} lost deliveries", f"{event}_lost", "0", lambda p, b, r: p == 0)
    rows.extend(_p7_rows(results))
    rows = [r for r in rows if "| — | — | — |" not in r]
    header = (
        f"Scale: {report['scale']}, {report['runs']} run(s) each; machine: {report['machine']['cores']} cores, "
        f"{report['machine']['cpu']}, Python {report['machine']['python']}, "
        f"{'server on core 0, load on core 1' if report['machine']['pinned'] else 'not pinned'}.\n"
        "Values: median (min–max).\n\n"
        "| scenario | metric | product | baseline | ratio | target | result |\n| --- | --- | --- | --- | --- | --- | --- |"
    )
    return "\n".join([header, *rows]), broken


def write_report(report: dict, out_dir: Path) -> tuple[str, list[str]]:
    """The table, and the runs that lost deliveries or got errors; saved as JSON and Markdown."""
    table, broken = render(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out_dir / f"bench-{report['scale']}-{stamp}.json").write_text(json.dumps(report, indent=2))
    (out_dir / f"bench-{report['scale']}-{stamp}.md").write_text(table + "\n")
    (out_dir / f"latest-{report['scale']}.md").write_text(table + "\n")
    return table, broken


if __name__ == "__main__":
    import sys

    # Re-render a saved run: python -m benchmarks.report benchmarks/results/bench-….json
    print(render(json.loads(Path(sys.argv[1]).read_text()))[0])
