"""Which recommendations say the same thing: pure text similarity, no database, no Flask.

`SimilarityIndex` holds one session's active recommendations and answers two questions
incrementally (a post arrives, a post is withdrawn): which posts are most like this one
(`similar`) and which posts the moderator might merge (`groups`). The curation service
(`services/curation.py`) feeds it from the database and keeps one per session.

This first version compares character trigram sets with diacritics folded; it is the
interface the rest of the product builds on.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Pairs at or above this score may be grouped as merge suggestions.
GROUP_THRESHOLD = 0.45


@dataclass(frozen=True)
class Group:
    """Recommendations suggested for merging, best-supported first; `score` is how alike
    they are (0..1)."""

    ids: tuple[int, ...]
    score: float


def fold(text: str) -> str:
    """Lower case, Polish diacritics folded (ł → l too), whitespace collapsed."""
    text = text.casefold().replace("ł", "l")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(text.split())


def _features(text: str) -> frozenset[str]:
    padded = f" {fold(text)} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


class SimilarityIndex:
    """One session's recommendations, compared as they arrive."""

    def __init__(self) -> None:
        self._features: dict[int, frozenset[str]] = {}

    def __contains__(self, rec_id: int) -> bool:
        return rec_id in self._features

    def __len__(self) -> int:
        return len(self._features)

    def upsert(self, rec_id: int, text: str) -> None:
        self._features[rec_id] = _features(text)

    def discard(self, rec_id: int) -> None:
        self._features.pop(rec_id, None)

    def similar(self, rec_id: int, limit: int = 5) -> list[tuple[int, float]]:
        """The `limit` posts most like `rec_id`, best first, never itself; [] if unknown."""
        mine = self._features.get(rec_id)
        if mine is None:
            return []
        scored = [(other, _jaccard(mine, f)) for other, f in self._features.items() if other != rec_id]
        scored = [(other, round(score, 4)) for other, score in scored if score > 0]
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        return scored[:limit]

    def groups(self, exclude: Iterable[int] = (), cannot_link: Iterable[tuple[int, int]] = ()) -> list[Group]:
        """Groups of two or more posts worth merging, best first; each post in at most
        one group. `exclude`: posts left out (already in a note item); `cannot_link`:
        pairs a moderator said are not the same, never in one group."""
        excluded = set(exclude)
        apart = {frozenset(pair) for pair in cannot_link}
        ids = sorted(i for i in self._features if i not in excluded)
        pairs = []
        for n, a in enumerate(ids):
            for b in ids[n + 1 :]:
                score = _jaccard(self._features[a], self._features[b])
                if score >= GROUP_THRESHOLD and frozenset((a, b)) not in apart:
                    pairs.append((score, a, b))
        pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
        group_of: dict[int, list[int]] = {}
        found: list[list[int]] = []
        for _score, a, b in pairs:
            ga, gb = group_of.get(a), group_of.get(b)
            if ga is not None and ga is gb:
                continue
            members = (ga or [a]) + (gb or [b])
            if any(frozenset((x, y)) in apart for x in members for y in members if x < y):
                continue
            for old in (ga, gb):
                if old is not None and old in found:
                    found.remove(old)
            found.append(members)
            for m in members:
                group_of[m] = members
        result = []
        for members in found:
            scores = [
                _jaccard(self._features[x], self._features[y]) for x in members for y in members if x < y
            ]
            result.append(Group(tuple(sorted(members)), round(sum(scores) / len(scores), 4)))
        result.sort(key=lambda g: (-g.score, g.ids))
        return result
