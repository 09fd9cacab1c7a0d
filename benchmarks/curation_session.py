"""A generated curation session: realistic Polish posts from many rooms, with cross-room
near-duplicates, for benchmarks of the console and the suggestions.

    from benchmarks.curation_session import generate
    posts = generate(posts=300, rooms=20, seed=1)   # [{"room": 7, "text": "...", "cluster": 12}, ...]

Posts are drawn from the Polish lists of the duplicate-suggestion evaluation set
(`benchmarks/similarity/`), whose ideas have gold cluster ids. About 40 % of the posts
repeat an idea already posted in another room (other wording from the same idea, plus
typos, missing diacritics, a prefix such as "Proponujemy:" or a dropped clause); the
rest are ideas posted once. `cluster` is the gold idea id: posts with the same id say the
same thing. Deterministic for a given seed.
"""

from __future__ import annotations

import random
import unicodedata

from benchmarks.similarity import load_lists

DUPLICATE_SHARE = 0.4
PREFIXES = ["Proponujemy: ", "Rekomendacja: ", "Nasza grupa: ", "Postulat: ", "Pokój uważa, że: ", ""]
SUFFIXES = [" - to najważniejsze", "!", " (ważne!)", ", koniecznie", " - zgoda całej grupy", ""]


def _strip_diacritics(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(text: str, rnd: random.Random) -> str:
    spots = [i for i in range(1, len(text) - 2) if text[i].isalpha() and text[i + 1].isalpha()]
    if not spots:
        return text
    i = rnd.choice(spots)
    if rnd.random() < 0.5:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # swapped letters
    return text[:i] + text[i + 1 :]  # a dropped letter


def vary(text: str, rnd: random.Random, strength: int = 1) -> str:
    """`text` as another room might type it: 0..`strength`+1 small changes."""
    for _ in range(rnd.randint(0, strength + 1)):
        change = rnd.randrange(6)
        if change == 0:
            text = _strip_diacritics(text)
        elif change == 1:
            text = _typo(text, rnd)
        elif change == 2:
            text = text.lower()
        elif change == 3:
            text = rnd.choice(PREFIXES) + text[:1].lower() + text[1:]
        elif change == 4:
            text = text.rstrip(".!") + rnd.choice(SUFFIXES)
        elif change == 5 and ", " in text:
            text = text.rsplit(", ", 1)[0]  # the room wrote only the first ideas
    return text


def _clusters() -> list[list[str]]:
    """Every Polish idea of the evaluation set as the list of its wordings."""
    found: list[list[str]] = []
    for lst in load_lists():
        if lst["name"].endswith("-en"):
            continue
        by_cluster: dict[int, list[str]] = {}
        for post in lst["posts"]:
            by_cluster.setdefault(post["cluster"], []).append(post["text"])
        found.extend(by_cluster.values())
    return found


def generate(posts: int = 300, rooms: int = 20, seed: int = 1) -> list[dict]:
    """`posts` posts in rooms 1..`rooms`, shuffled as they might arrive:
    [{"room", "text", "cluster"}]."""
    rnd = random.Random(seed)
    ideas = _clusters()
    order = list(range(len(ideas)))
    rnd.shuffle(order)
    out: list[dict] = []
    n_repeats = round(posts * DUPLICATE_SHARE)
    n_ideas = posts - n_repeats
    multi = [c for c in order if len(ideas[c]) >= 2]
    # Ideas that several rooms had: the multi-wording ones first, two to five posts each.
    repeated = multi[: max(1, n_repeats // 2)]
    ideas_used = 0
    cursor = 0
    while ideas_used < n_ideas:
        cluster = order[cursor % len(order)]
        strength = 1 + cursor // len(order)  # beyond the set, reuse ideas with more variation
        cursor += 1
        ideas_used += 1
        room = rnd.randrange(1, rooms + 1)
        out.append(
            {"room": room, "text": vary(rnd.choice(ideas[cluster]), rnd, strength), "cluster": cluster}
        )
    for k in range(n_repeats):
        cluster = repeated[k % len(repeated)] if k < len(repeated) * 3 else rnd.choice(repeated)
        taken = {p["room"] for p in out if p["cluster"] == cluster}
        free = [r for r in range(1, rooms + 1) if r not in taken] or list(range(1, rooms + 1))
        wordings = ideas[cluster]
        # Mostly another room's own wording of the idea, sometimes the same one retyped.
        wording = wordings[k // len(repeated) % len(wordings)] if rnd.random() < 0.7 else rnd.choice(wordings)
        out.append({"room": rnd.choice(free), "text": vary(wording, rnd), "cluster": cluster})
    rnd.shuffle(out)
    return out


if __name__ == "__main__":
    import collections
    import sys

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    session = generate(n)
    sizes = collections.Counter(p["cluster"] for p in session)
    for post in session[:15]:
        print(f"room {post['room']:>2}  idea {post['cluster']:>3}  {post['text']}")
    in_multi = sum(1 for p in session if sizes[p["cluster"]] > 1)
    print(f"{len(session)} posts, {len(sizes)} ideas, {in_multi} posts in ideas posted more than once")
