"""Speed of the duplicate suggestions at session size (issue 11: suggestions within 1 s of
a post at 5,000 posts).

    python -m benchmarks.similarity_speed [--posts 5000]

Posts come from `curation_session.generate` (the evaluation set's ideas, varied). Prints:
building the index in one go (`upsert_many`, as when a session is loaded), one more post
(`upsert`) followed by `groups()`, and `similar()`; with and without morfeusz2. Targets:
build < 3 s, upsert + groups well under 300 ms, similar < 50 ms. Wall time on a shared
machine can be twice the CPU time; both are printed for the build.
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.curation_session import generate
from hybrid_sessions.services import similarity


def measure(n: int, lemmatise: bool) -> dict:
    posts = generate(posts=n + 20, rooms=100, seed=7)
    first, extra = posts[:n], posts[n:]
    similarity._lemma_keys.cache_clear()  # a fresh process: nothing analysed yet
    started, cpu = time.perf_counter(), time.process_time()
    index = similarity.SimilarityIndex(lemmatise=lemmatise)
    index.upsert_many((i, p["text"]) for i, p in enumerate(first))
    build, build_cpu = time.perf_counter() - started, time.process_time() - cpu
    index.groups()
    update = []
    for k, post in enumerate(extra):
        started = time.perf_counter()
        index.upsert(n + k, post["text"])
        groups = index.groups()
        update.append(time.perf_counter() - started)
    withdraw = []
    for rec_id in range(0, n, max(1, n // 10)):
        started = time.perf_counter()
        index.discard(rec_id)
        index.groups()
        index.similar(rec_id + 1, 5)  # the first question after a withdrawal rebuilds the matrix
        withdraw.append(time.perf_counter() - started)
    similar = []
    for rec_id in range(1, n, max(1, n // 20)):
        started = time.perf_counter()
        index.similar(rec_id, 5)
        similar.append(time.perf_counter() - started)
    return {
        "build_s": build,
        "build_cpu_s": build_cpu,
        "update_ms": [t * 1000 for t in update],
        "similar_ms": [t * 1000 for t in similar],
        "withdraw_ms": [t * 1000 for t in withdraw],
        "groups": len(groups),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000)
    args = parser.parse_args()
    print(f"{args.posts} posts\n")
    print(
        "| lemmas | build wall / CPU (s) | upsert + groups median / max (ms) "
        "| discard + groups + similar median / max (ms) | similar median / max (ms) | groups |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    modes = [True, False] if similarity.morfeusz_available() else [False]
    for lemmatise in modes:
        r = measure(args.posts, lemmatise)
        print(
            f"| {'morfeusz2' if lemmatise else 'fallback'} | {r['build_s']:.2f} / {r['build_cpu_s']:.2f} "
            f"| {statistics.median(r['update_ms']):.0f} / {max(r['update_ms']):.0f} "
            f"| {statistics.median(r['withdraw_ms']):.0f} / {max(r['withdraw_ms']):.0f} "
            f"| {statistics.median(r['similar_ms']):.1f} / {max(r['similar_ms']):.1f} | {r['groups']} |"
        )


if __name__ == "__main__":
    main()
