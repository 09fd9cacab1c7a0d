"""Which recommendations say the same thing: pure text similarity, no database, no Flask.

`SimilarityIndex` holds one session's active recommendations and answers two questions
incrementally (a post arrives, a post is withdrawn): which posts are most like this one
(`similar`) and which posts the moderator might merge (`groups`). The curation service
(`services/curation.py`) feeds it from the database and keeps one per session.

How two posts are compared (why: benchmarks/README.md, "Duplicate suggestions"):

- Every post becomes one sparse TF-IDF vector made of two halves: *lemma prefixes* of its
  content words (Polish words lemmatised by morfeusz2 when it is installed, else the folded
  word itself; then cut to `PREFIX_LENGTH` letters, so "szkoleń", "szkolenia" and
  "szkolen" meet) and *character 4–5-grams* of its folded content words (typos, missing
  diacritics, English). The halves are weighted `WORD_WEIGHT` : 1 − `WORD_WEIGHT`.
- Posts that list several ideas ("plakaty, harmonogramy; ulotki w parafii") are also cut
  into parts at commas, semicolons, brackets, dashes and "oraz"/"and"; the score of two
  posts is `WHOLE_WEIGHT` × cosine(whole, whole) + (1 − `WHOLE_WEIGHT`) × the best
  cosine between a part of one and a part of the other.
- IDF comes from the session itself: words every room uses ("mieszkańcy") count little.
  It is recomputed whenever the session has doubled in size since the last time (up to
  `IDF_FROZEN_AT` posts; beyond that it hardly moves and a refresh would stall a post).
- Groups are built from the pairs scoring at least `GROUP_THRESHOLD`, kept up to date on
  every upsert/discard, joined greedily best pair first with average linkage (two groups
  join only if their posts are alike *on average*, so one shared word cannot chain
  unrelated ideas together).

Thresholds were chosen on the dev lists of `benchmarks/similarity/` and reported on the
held-out lists (`python benchmarks/similarity_eval.py`).
"""

from __future__ import annotations

import functools
import math
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

# Pairs scoring at least this may be suggested as one group (and a group is kept only
# while its members are alike on average at this level).
GROUP_THRESHOLD = 0.18
# Pairs scoring at least this are remembered between calls (for average linkage).
PAIR_FLOOR = 0.1
# Share of the lemma-prefix half in a post's vector; the rest is character n-grams.
WORD_WEIGHT = 0.75
# Share of the whole-post cosine in a score; the rest is the best part-to-part cosine.
WHOLE_WEIGHT = 0.35
# Lemmas (or, without morfeusz2, folded words) are compared by their first letters.
PREFIX_LENGTH = 5
CHAR_NGRAMS = (4, 5)
IDF_FROZEN_AT = 2048
# Set to "1" to compare without morfeusz2 even where it is installed (tests, benchmarks).
NO_MORFEUSZ_ENV = "HYBRID_SESSIONS_NO_MORFEUSZ"

_STOP_WORDS_TEXT = """
    a aby albo ale az b bo by byc c cala cale caly co czy czyli d dla do dzieki e gdy go
    i ich ile im in inne innych ja jak jaka jakie jako je jej jest jesli jeszcze juz k
    ktora ktore ktorych ktory kazdy lub m ma maja mi mie moga moze mozna mu musi musza
    my na nam nas nad nic nie niech niz np o od oraz pod po powinien powinna powinno
    powinny poza przed przez przy razem s sa sie sobie tak takze ta te tego tej ten to
    tu tym tylko tez trzeba u w we wiec wszyscy wszystko wszystkich wiecej mniej z za ze
    zeby zawsze itp itd etc tzn m.in bardzo juz jednak sam sama sami swoje swoich swoj
    an and are as at be been but by can do does for from has have if into is it its more
    no not of on only or our should so than that the their them they this to too us was
    we were what when which who will with would less all also each
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_WORD = re.compile(r"\w+", re.UNICODE)
# Where a phrase that lists several ideas is cut into parts.
_PART_SPLIT = re.compile(r"[,;:()\[\]/+•]|\s[-–—]\s|\s(?:oraz|and|a także)\s", re.IGNORECASE)


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


# --- words: lemma prefixes ---------------------------------------------------------------

_morfeusz = None  # the morfeusz2.Morfeusz instance, loaded once per process; False if absent


def morfeusz_available() -> bool:
    """Whether morfeusz2 can be used in this process (imported lazily, once)."""
    global _morfeusz
    if _morfeusz is None:
        try:
            import morfeusz2  # noqa: PLC0415 - optional, ~0.2 s to load its dictionary

            _morfeusz = morfeusz2.Morfeusz(generate=False)
        except Exception:  # ImportError, or a wheel without its dictionary
            _morfeusz = False
    return _morfeusz is not False


@functools.lru_cache(maxsize=200_000)
def _lemma_keys(word: str, lemmatise: bool) -> tuple[str, ...]:
    """The folded lemma prefix(es) of one lower-case word; () for a stop-word."""
    folded = fold(word)
    if folded in STOP_WORDS or (len(folded) < 2 and not folded.isdigit()):
        return ()
    keys: set[str] = set()
    if lemmatise and morfeusz_available() and not folded.isdigit():
        for start, _end, (_form, lemma, tag, _names, _quals) in _morfeusz.analyse(word):
            if start == 0 and tag not in ("ign", "interp"):
                lemma = fold(lemma.split(":", 1)[0])
                if lemma and lemma not in STOP_WORDS:
                    keys.add(lemma[:PREFIX_LENGTH])
    if not keys:
        keys.add(folded[:PREFIX_LENGTH])
    return tuple(sorted(keys))


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold()) if fold(w) not in STOP_WORDS]


def _features(text: str, lemmatise: bool) -> tuple[dict[str, float], dict[str, float]]:
    """Term counts of one text: (lemma-prefix features, character n-gram features)."""
    words: dict[str, float] = {}
    chars: dict[str, float] = {}
    content = _content_words(text)
    for word in content:
        keys = _lemma_keys(word, lemmatise)
        for key in keys:
            words["w" + key] = words.get("w" + key, 0.0) + 1.0 / len(keys)
    padded = " " + " ".join(fold(w) for w in content) + " "
    for n in CHAR_NGRAMS:
        for i in range(len(padded) - n + 1):
            gram = "c" + padded[i : i + n]
            chars[gram] = chars.get(gram, 0.0) + 1.0
    return words, chars


def _parts(text: str) -> list[str]:
    """The ideas a phrase lists, if it lists more than one; [] otherwise."""
    parts = [p for p in _PART_SPLIT.split(text) if _content_words(p)]
    return parts if len(parts) > 1 else []


# --- the index ---------------------------------------------------------------------------


class _Post:
    __slots__ = ("whole", "parts", "slot")

    def __init__(self, whole, parts, slot):
        self.whole = whole  # (words, chars) term counts
        self.parts = parts  # [(words, chars), ...], empty if the post is one idea
        self.slot = slot


class SimilarityIndex:
    """One session's recommendations, compared as they arrive.

    `lemmatise=False` (or the environment variable HYBRID_SESSIONS_NO_MORFEUSZ=1) compares
    folded word prefixes instead of morfeusz2 lemmas, as on machines without morfeusz2.
    """

    def __init__(self, lemmatise: bool | None = None) -> None:
        if lemmatise is None:
            lemmatise = os.environ.get(NO_MORFEUSZ_ENV) != "1"
        self.lemmatise = bool(lemmatise) and morfeusz_available()
        self._posts: dict[int, _Post] = {}
        self._pairs: dict[int, dict[int, float]] = {}  # scores >= PAIR_FLOOR, both ways
        self._df: dict[str, int] = {}  # documents (posts) per feature
        self._idf_n = 0  # posts when the IDF in use was computed
        self._idf: dict[str, float] = {}
        self._columns: dict[str, int] = {}
        self._slots: list[int | None] = []  # slot -> rec_id (None: free)
        self._free: list[int] = []
        self._matrix = None  # cached unit matrix, see _units()
        self._groups_cache = None

    def __contains__(self, rec_id: int) -> bool:
        return rec_id in self._posts

    def __len__(self) -> int:
        return len(self._posts)

    # -- updates --

    def upsert(self, rec_id: int, text: str) -> None:
        """Add a post, or replace its text; its pairs are recomputed against every other."""
        self._insert([(rec_id, text)])

    def upsert_many(self, items: Iterable[tuple[int, str]]) -> None:
        """Add or replace many posts at once (loading a session): much faster than one by one."""
        self._insert(list(items))

    def discard(self, rec_id: int) -> None:
        post = self._posts.pop(rec_id, None)
        if post is None:
            return
        for key in set(post.whole[0]) | set(post.whole[1]):
            self._df[key] -= 1
        for other in self._pairs.pop(rec_id, {}):
            self._pairs[other].pop(rec_id, None)
        self._slots[post.slot] = None
        self._free.append(post.slot)
        self._matrix = None
        self._groups_cache = None

    def _insert(self, items: list[tuple[int, str]]) -> None:
        latest = dict(items)  # the last text given for an id wins
        for rec_id in latest:
            self.discard(rec_id)
        new_ids = []
        for rec_id, text in latest.items():
            whole = _features(text, self.lemmatise)
            parts = [_features(p, self.lemmatise) for p in _parts(text)]
            for key in set(whole[0]) | set(whole[1]):
                self._df[key] = self._df.get(key, 0) + 1
            slot = self._free.pop() if self._free else len(self._slots)
            if slot == len(self._slots):
                self._slots.append(None)
            self._slots[slot] = rec_id
            self._posts[rec_id] = _Post(whole, parts, slot)
            self._pairs[rec_id] = {}
            new_ids.append(rec_id)
        self._matrix = None
        self._groups_cache = None
        n = len(self._posts)
        if self._idf_n == 0 or (n >= 2 * self._idf_n and self._idf_n < IDF_FROZEN_AT):
            self._refresh_idf()  # every pair is recomputed with the new weights
            return
        self._score_against_all(new_ids)

    def _refresh_idf(self) -> None:
        n = len(self._posts)
        self._idf_n = max(n, 1)
        self._idf = {key: math.log((1 + n) / (1 + df)) + 1.0 for key, df in self._df.items() if df > 0}
        self._columns = {}
        self._matrix = None
        for pairs in self._pairs.values():
            pairs.clear()
        self._score_against_all(list(self._posts))

    # -- vectors --

    def _vector(self, counts: tuple[dict[str, float], dict[str, float]], rows, cols, vals, row: int) -> None:
        """Append one unit's weighted, normalised vector as row `row` of a COO triple."""
        for half, share in ((counts[0], WORD_WEIGHT), (counts[1], 1.0 - WORD_WEIGHT)):
            weights = {}
            for key, tf in half.items():
                # A feature unseen when the IDF was computed is as rare as can be.
                weights[key] = tf * self._idf.get(key, math.log(1 + self._idf_n) + 1.0)
            norm = math.sqrt(sum(w * w for w in weights.values()))
            if not norm:
                continue
            scale = math.sqrt(share) / norm
            for key, w in weights.items():
                col = self._columns.get(key)
                if col is None:
                    col = self._columns[key] = len(self._columns)
                rows.append(row)
                cols.append(col)
                vals.append(w * scale)

    def _unit_rows(self, rec_ids: list[int]):
        """The units (whole post, then its parts) of `rec_ids` as a CSR matrix, with each
        row's post index (into rec_ids) and kind (True: the whole post)."""
        rows, cols, vals, owner, is_whole = [], [], [], [], []
        for k, rec_id in enumerate(rec_ids):
            post = self._posts[rec_id]
            for unit_no, counts in enumerate([post.whole, *post.parts]):
                self._vector(counts, rows, cols, vals, len(owner))
                owner.append(k)
                is_whole.append(unit_no == 0)
        matrix = sparse.csr_matrix(
            (np.asarray(vals, dtype=np.float32), (rows, cols)), shape=(len(owner), max(len(self._columns), 1))
        )
        return matrix, np.asarray(owner, dtype=np.int64), np.asarray(is_whole, dtype=bool)

    def _units(self):
        """Every post's units, cached until the next change."""
        if self._matrix is None:
            ids = list(self._posts)
            matrix, owner, is_whole = self._unit_rows(ids)
            has_parts = np.zeros(len(ids), dtype=bool)
            np.logical_or.at(has_parts, owner[~is_whole], True)
            # Rows compared part-to-part: a post's parts, or its whole if it has none.
            part_row = ~is_whole | ~has_parts[owner]
            self._matrix = (ids, matrix, owner, is_whole, part_row)
        return self._matrix

    def _scores(self, query_ids: list[int]) -> tuple[list[int], np.ndarray]:
        """(all ids, scores[len(query_ids), len(all ids)]) of each query post against every post."""
        ids, matrix, owner, is_whole, part_row = self._units()
        q_matrix, q_owner, q_whole, q_part = self._query_units(query_ids)
        cols = max(matrix.shape[1], q_matrix.shape[1])
        matrix = _widen(matrix, cols)
        q_matrix = _widen(q_matrix, cols)
        products = (q_matrix @ matrix.T).toarray()  # query units x all units
        n_q, n = len(query_ids), len(ids)
        whole = np.zeros((n_q, n), dtype=np.float32)
        whole[np.ix_(q_owner[q_whole], owner[is_whole])] = products[np.ix_(q_whole, is_whole)]
        best_part = np.zeros((n_q, n), dtype=np.float32)
        sub = products[np.ix_(q_part, part_row)]
        # max over part pairs: first over the query post's parts, then over each post's parts
        per_query = np.full((n_q, sub.shape[1]), -1.0, dtype=np.float32)
        np.maximum.at(per_query, q_owner[q_part], sub)
        np.maximum.at(best_part.T, owner[part_row], per_query.T)
        return ids, WHOLE_WEIGHT * whole + (1.0 - WHOLE_WEIGHT) * best_part

    def _query_units(self, query_ids):
        matrix, owner, is_whole = self._unit_rows(query_ids)
        has_parts = np.zeros(len(query_ids), dtype=bool)
        np.logical_or.at(has_parts, owner[~is_whole], True)
        return matrix, owner, is_whole, ~is_whole | ~has_parts[owner]

    def _score_against_all(self, new_ids: list[int]) -> None:
        """Remember the pairs (>= PAIR_FLOOR) of each new post with every post."""
        block = 256
        for start in range(0, len(new_ids), block):
            chunk = new_ids[start : start + block]
            ids, scores = self._scores(chunk)
            for k, rec_id in enumerate(chunk):
                row = scores[k]
                for j in np.nonzero(row >= PAIR_FLOOR)[0]:
                    other = ids[j]
                    if other != rec_id:
                        score = min(float(row[j]), 1.0)
                        self._pairs[rec_id][other] = score
                        self._pairs[other][rec_id] = score

    # -- questions --

    def score(self, a: int, b: int) -> float:
        """How alike two posts are (0..1); 0 if either is unknown."""
        if a not in self._posts or b not in self._posts:
            return 0.0
        if a == b:
            return 1.0
        known = self._pairs[a].get(b)
        if known is not None:
            return round(known, 4)
        ids, scores = self._scores([a])
        return round(max(0.0, min(1.0, float(scores[0][ids.index(b)]))), 4)

    def similar(self, rec_id: int, limit: int = 5) -> list[tuple[int, float]]:
        """The `limit` posts most like `rec_id`, best first, never itself; [] if unknown."""
        if rec_id not in self._posts or limit <= 0:
            return []
        ids, scores = self._scores([rec_id])
        row = scores[0]
        order = np.argsort(-row, kind="stable")
        found = []
        for j in order:
            if ids[j] == rec_id:
                continue
            score = round(float(min(row[j], 1.0)), 4)
            if score <= 0 or len(found) >= limit:
                break
            found.append((ids[j], score))
        found.sort(key=lambda pair: (-pair[1], pair[0]))
        return found

    def groups(self, exclude: Iterable[int] = (), cannot_link: Iterable[tuple[int, int]] = ()) -> list[Group]:
        """Groups of two or more posts worth merging, best first; each post in at most
        one group. `exclude`: posts left out (already in a note item); `cannot_link`:
        pairs a moderator said are not the same, never in one group."""
        excluded = frozenset(exclude)
        apart = frozenset(frozenset(pair) for pair in cannot_link)
        key = (excluded, apart)
        if self._groups_cache is not None and self._groups_cache[0] == key:
            return list(self._groups_cache[1])
        result = self._build_groups(excluded, apart)
        self._groups_cache = (key, result)
        return list(result)

    def _build_groups(self, excluded, apart) -> list[Group]:
        pairs = self._pairs
        seeds = [
            (score, a, b)
            for a, partners in pairs.items()
            if a not in excluded
            for b, score in partners.items()
            if a < b and score >= GROUP_THRESHOLD and b not in excluded and frozenset((a, b)) not in apart
        ]
        seeds.sort(key=lambda p: (-p[0], p[1], p[2]))
        group_of: dict[int, list[int]] = {}
        for _score, a, b in seeds:
            ga, gb = group_of.get(a), group_of.get(b)
            if ga is not None and ga is gb:
                continue
            left, right = ga or [a], gb or [b]
            total = 0.0
            for x in left:
                px = pairs[x]
                for y in right:
                    total += px.get(y, 0.0)
            if total / (len(left) * len(right)) < GROUP_THRESHOLD:
                continue
            if apart and any(frozenset((x, y)) in apart for x in left for y in right):
                continue
            members = left + right
            for m in members:
                group_of[m] = members
        found = {id(g): g for g in group_of.values()}.values()
        result = []
        for members in found:
            scores = [pairs[x].get(y, 0.0) for x in members for y in members if x < y]
            result.append(Group(tuple(sorted(members)), round(sum(scores) / len(scores), 4)))
        result.sort(key=lambda g: (-g.score, g.ids))
        return result


def _widen(matrix, cols: int):
    if matrix.shape[1] == cols:
        return matrix
    matrix = matrix.tocsr(copy=True)
    matrix.resize((matrix.shape[0], cols))
    return matrix
