"""Quality of the duplicate suggestions on the evaluation set (benchmarks/similarity/).

    python -m benchmarks.similarity_eval           # the table: per list, dev vs held-out, with/without morfeusz2
    python -m benchmarks.similarity_eval --tune    # grid search of the constants on the DEV lists only

Top-3: share of posts that have a gold partner (another post of their idea) for which
`similar(post, 3)` holds at least one. Pairs: every pair of posts inside one suggested
group (`groups()`) against every pair of posts of one gold idea: precision, recall, F1.
"""

from __future__ import annotations

import argparse
import itertools
import time

from benchmarks.similarity import load_lists
from hybrid_sessions.services import similarity


def evaluate(lst: dict, lemmatise: bool) -> dict:
    posts = lst["posts"]
    started = time.perf_counter()
    index = similarity.SimilarityIndex(lemmatise=lemmatise)
    index.upsert_many((p["id"], p["text"]) for p in posts)
    built = time.perf_counter() - started
    cluster = {p["id"]: p["cluster"] for p in posts}
    members: dict[int, list[int]] = {}
    for p in posts:
        members.setdefault(p["cluster"], []).append(p["id"])
    with_partner = [p["id"] for p in posts if len(members[p["cluster"]]) > 1]
    started = time.perf_counter()
    hits = sum(1 for i in with_partner if any(cluster[j] == cluster[i] for j, _s in index.similar(i, 3)))
    similar_ms = (time.perf_counter() - started) * 1000 / max(len(with_partner), 1)
    started = time.perf_counter()
    groups = index.groups()
    groups_ms = (time.perf_counter() - started) * 1000
    predicted = {pair for g in groups for pair in itertools.combinations(g.ids, 2)}
    gold = {pair for ids in members.values() for pair in itertools.combinations(sorted(ids), 2)}
    tp = len(predicted & gold)
    return {
        "posts": len(posts),
        "with_partner": len(with_partner),
        "hits": hits,
        "tp": tp,
        "predicted": len(predicted),
        "gold": len(gold),
        "build_ms": built * 1000,
        "similar_ms": similar_ms,
        "groups_ms": groups_ms,
    }


def summary(rows: list[dict]) -> dict:
    total = {k: sum(r[k] for r in rows) for k in ("posts", "with_partner", "hits", "tp", "predicted", "gold")}
    p = total["tp"] / total["predicted"] if total["predicted"] else 0.0
    r = total["tp"] / total["gold"] if total["gold"] else 0.0
    return {
        **total,
        "top3": total["hits"] / max(total["with_partner"], 1),
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "build_ms": sum(r["build_ms"] for r in rows),
        "similar_ms": max(r["similar_ms"] for r in rows),
        "groups_ms": max(r["groups_ms"] for r in rows),
    }


def table(lemmatise: bool) -> dict:
    lists = load_lists()
    print(
        f"\n### {'with morfeusz2' if lemmatise else 'without morfeusz2 (fallback: folded word prefixes)'}\n"
    )
    print("| list | split | posts | top-3 | pair P | pair R | pair F1 | build ms | similar ms | groups ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    by_split: dict[str, list[dict]] = {"dev": [], "held-out": []}
    for lst in sorted(lists, key=lambda x: (x["split"], x["name"])):
        row = evaluate(lst, lemmatise)
        by_split[lst["split"]].append(row)
        _print_row(lst["name"], lst["split"], summary([row]))
    totals = {split: summary(rows) for split, rows in by_split.items()}
    for split, s in totals.items():
        _print_row(f"**all {split}**", split, s)
    _print_row("**all**", "", summary([r for rows in by_split.values() for r in rows]))
    return totals


def _print_row(name: str, split: str, s: dict) -> None:
    print(
        f"| {name} | {split} | {s['posts']} | {s['top3']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} "
        f"| {s['f1']:.3f} | {s['build_ms']:.0f} | {s['similar_ms']:.2f} | {s['groups_ms']:.1f} |"
    )


THRESHOLDS = [0.14, 0.18, 0.2, 0.22, 0.24, 0.26, 0.3, 0.35, 0.4, 0.45, 0.5]


def pair_counts(index, posts: list[dict]) -> tuple[int, int, int]:
    cluster = {p["id"]: p["cluster"] for p in posts}
    predicted = {pair for g in index.groups() for pair in itertools.combinations(g.ids, 2)}
    tp = sum(1 for a, b in predicted if cluster[a] == cluster[b])
    return tp, len(predicted)


def ablation() -> None:
    """What each piece gives: every variant gets its own threshold by the same rule (best
    dev pair F1 with dev pair precision >= 0.5), then is reported on the held-out lists."""
    saved = {
        k: getattr(similarity, k)
        for k in ("WORD_WEIGHT", "WHOLE_WEIGHT", "GROUP_THRESHOLD", "JOIN_THRESHOLD")
    }
    variants = [
        ("char 4-5-gram TF-IDF, whole post (baseline)", {"WORD_WEIGHT": 0.0, "WHOLE_WEIGHT": 1.0}, False),
        ("char n-grams + parts", {"WORD_WEIGHT": 0.0}, False),
        ("+ folded word prefixes (fallback)", {}, False),
        ("+ morfeusz2 lemma prefixes, no parts", {"WHOLE_WEIGHT": 1.0}, True),
        ("+ morfeusz2 lemma prefixes (chosen)", {}, True),
    ]
    print("\n### What each piece gives (threshold chosen per variant on dev)\n")
    print(
        "| variant | threshold | dev top-3 | dev F1 | held-out top-3 | held-out P | held-out R | held-out F1 |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    lists = load_lists()
    try:
        for name, settings, lemmatise in variants:
            for key, value in saved.items():
                setattr(similarity, key, value)
            for key, value in settings.items():
                setattr(similarity, key, value)
            indexes = []
            for lst in lists:
                index = similarity.SimilarityIndex(lemmatise=lemmatise)
                index.upsert_many((p["id"], p["text"]) for p in lst["posts"])
                indexes.append((lst, index))
            top3 = {}
            for split in ("dev", "held-out"):
                rows = [_top3(index, lst["posts"]) for lst, index in indexes if lst["split"] == split]
                top3[split] = sum(h for h, _n in rows) / sum(n for _h, n in rows)
            figures = {}
            for threshold in THRESHOLDS:
                similarity.GROUP_THRESHOLD = similarity.JOIN_THRESHOLD = threshold
                for split in ("dev", "held-out"):
                    tp = predicted = gold = 0
                    for lst, index in indexes:
                        if lst["split"] == split:
                            index._groups_state = None
                            t, p = pair_counts(index, lst["posts"])
                            tp, predicted, gold = tp + t, predicted + p, gold + _gold_pairs(lst["posts"])
                    precision = tp / predicted if predicted else 0.0
                    recall = tp / gold
                    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
                    figures[threshold, split] = (precision, recall, f1)
            eligible = [t for t in THRESHOLDS if figures[t, "dev"][0] >= 0.5] or THRESHOLDS
            best = max(eligible, key=lambda t: figures[t, "dev"][2])
            p, r, f1 = figures[best, "held-out"]
            print(
                f"| {name} | {best} | {top3['dev']:.3f} | {figures[best, 'dev'][2]:.3f} "
                f"| {top3['held-out']:.3f} | {p:.3f} | {r:.3f} | {f1:.3f} |"
            )
    finally:
        for key, value in saved.items():
            setattr(similarity, key, value)


def _top3(index, posts: list[dict]) -> tuple[int, int]:
    cluster = {p["id"]: p["cluster"] for p in posts}
    sizes: dict[int, int] = {}
    for p in posts:
        sizes[p["cluster"]] = sizes.get(p["cluster"], 0) + 1
    ids = [p["id"] for p in posts if sizes[p["cluster"]] > 1]
    hits = sum(1 for i in ids if any(cluster[j] == cluster[i] for j, _s in index.similar(i, 3)))
    return hits, len(ids)


def _gold_pairs(posts: list[dict]) -> int:
    sizes: dict[int, int] = {}
    for p in posts:
        sizes[p["cluster"]] = sizes.get(p["cluster"], 0) + 1
    return sum(n * (n - 1) // 2 for n in sizes.values())


def tune() -> None:
    """Grid search on the DEV lists only. The rule: best dev pair F1 among settings whose
    dev pair precision is at least 0.5 (a group should be right more often than wrong)."""
    dev = [lst for lst in load_lists() if lst["split"] == "dev"]
    grid = {
        "PREFIX_LENGTH": [4, 5, 6],
        "WORD_WEIGHT": [0.6, 0.75, 0.9],
        "WHOLE_WEIGHT": [0.2, 0.35, 0.5],
    }
    results = []
    for values in itertools.product(*grid.values()):
        for name, value in zip(grid, values, strict=True):
            setattr(similarity, name, value)
        similarity._lemma_keys.cache_clear()
        for lemmatise in (True, False):
            indexes = []
            for lst in dev:
                index = similarity.SimilarityIndex(lemmatise=lemmatise)
                index.upsert_many((p["id"], p["text"]) for p in lst["posts"])
                indexes.append((lst, index))
            rows = [_top3(index, lst["posts"]) for lst, index in indexes]
            top3 = sum(h for h, _n in rows) / sum(n for _h, n in rows)
            gold = sum(_gold_pairs(lst["posts"]) for lst in dev)
            for threshold in THRESHOLDS:
                similarity.GROUP_THRESHOLD = similarity.JOIN_THRESHOLD = threshold
                tp = predicted = 0
                for lst, index in indexes:
                    index._groups_state = None
                    t, p = pair_counts(index, lst["posts"])
                    tp, predicted = tp + t, predicted + p
                precision = tp / predicted if predicted else 0.0
                recall = tp / gold
                f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
                params = dict(zip(grid, values, strict=True)) | {"GROUP_THRESHOLD": threshold}
                results.append((f1, top3, precision, lemmatise, params))
    # One setting serves both paths: best mean dev F1 among settings that keep dev pair
    # precision >= 0.5 with and without morfeusz2.
    both: dict[str, list] = {}
    for f1, top3, precision, _lemmatise, params in results:
        both.setdefault(repr(params), []).append((f1, top3, precision))
    shared = [
        (sum(r[0] for r in rows) / 2, sum(r[1] for r in rows) / 2, key)
        for key, rows in both.items()
        if len(rows) == 2 and min(r[2] for r in rows) >= 0.5
    ]
    print("best shared settings (mean dev F1, mean dev top-3):")
    for f1, top3, key in sorted(shared, reverse=True)[:8]:
        print(f"  F1 {f1:.3f}  top-3 {top3:.3f}  {key}")
    for lemmatise in (True, False):
        eligible = [r for r in results if r[3] is lemmatise and r[2] >= 0.5]
        best = sorted(eligible, key=lambda r: (-r[0], -r[1]))[:8]
        print(f"\nbest on dev with pair precision >= 0.5, lemmatise={lemmatise}:")
        for f1, top3, precision, _l, params in best:
            print(f"  F1 {f1:.3f}  P {precision:.3f}  top-3 {top3:.3f}  {params}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="grid search on the dev lists")
    args = parser.parse_args()
    if args.tune:
        tune()
        return
    started = time.perf_counter()
    print(
        f"Constants: GROUP_THRESHOLD={similarity.GROUP_THRESHOLD} WORD_WEIGHT={similarity.WORD_WEIGHT} "
        f"WHOLE_WEIGHT={similarity.WHOLE_WEIGHT} PREFIX_LENGTH={similarity.PREFIX_LENGTH}"
    )
    if similarity.morfeusz_available():
        table(lemmatise=True)
    else:
        print("\n(morfeusz2 is not installed here: only the fallback is measured)")
    table(lemmatise=False)
    if similarity.morfeusz_available():
        ablation()
    print(f"\n{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
