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
  It is recomputed (with every pair) once `IDF_REFRESH_SHARE` of the posts have been
  added or withdrawn since the last time, up to `IDF_FROZEN_AT` posts: beyond that it
  hardly moves, and recomputing would stall a post for about a second.
- Groups are built from the pairs scoring at least `GROUP_THRESHOLD`, kept up to date on
  every upsert/discard, joined greedily best pair first with average linkage (two groups
  join only if their posts are alike *on average*, so one shared word cannot chain
  unrelated ideas together).

Thresholds were chosen on the dev lists of `benchmarks/similarity/` and reported on the
held-out lists (`python -m benchmarks.similarity_eval`).
"""

from __future__ import annotations

import functools
import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

# Pairs scoring at least this may be suggested as one group (and a group is kept only
# while its members are alike on average at this level). Chosen for precision, where it
# peaks on the dev lists: in the console a wrong group member costs the moderator a
# click, a missed duplicate one drag (benchmarks/README.md, "Raised to 0.30").
GROUP_THRESHOLD = 0.30
# A post joins a group of two or more (or two groups join) only if their cross pairs
# average at least this. A stricter value than GROUP_THRESHOLD gave nothing on dev.
JOIN_THRESHOLD = GROUP_THRESHOLD
# Pairs scoring at least this are remembered between calls (for average linkage), at
# most PAIR_LIMIT per post from its own comparison (its best ones), so that memory and
# `groups()` stay linear in the session's size.
PAIR_FLOOR = 0.1
PAIR_LIMIT = 24
# Share of the lemma-prefix half in a post's vector; the rest is character n-grams.
WORD_WEIGHT = 0.6
# Share of the whole-post cosine in a score; the rest is the best part-to-part cosine.
WHOLE_WEIGHT = 0.5
# Lemmas (or, without morfeusz2, folded words) are compared by their first letters.
PREFIX_LENGTH = 5
CHAR_NGRAMS = (4, 5)
IDF_REFRESH_SHARE = 0.25
# Up to this many posts every change regroups the whole session (exact, ~50 ms at 1,000); above,
# only the groups around the changed posts are regrouped (a close approximation).
FULL_REGROUP_UP_TO = 1000
# Features in more than this share of the posts (and more than MAX_DF_MIN posts) are ignored.
MAX_DF_SHARE = 0.1
MAX_DF_MIN = 100
IDF_FROZEN_AT = 1500
# Set to "1" to compare without morfeusz2 even where it is installed (tests, benchmarks).
NO_MORFEUSZ_ENV = "HYBRID_SESSIONS_NO_MORFEUSZ"

# Polish and English function words, and the meta words of seminar posts ("Proponujemy:",
# "zgoda całej grupy", "koniecznie"), which say nothing about the idea but made unrelated
# posts of one session look alike.
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
    proponujemy proponuje postulujemy postulat postulaty rekomendujemy rekomendacja
    rekomendacje uwazamy uwaza zgoda calej calego cala koniecznie najwazniejsze
    najwazniejszy jednoglosnie propose suggest recommend recommendation important
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

# Words that say nothing about an idea, as (folded) lemmas: checked after morfeusz2.
_STOP_LEMMAS_TEXT = """
    byc miec moc musiec chciec trzeba nalezec warto powinien potrzeba potrzebny dobry
    wazny duzy maly nowy rozny wszystek inny kazdy swoj sam taki ktory ten jaki zrobic
    robic dac dawac zeby ktos cos wiecej bardzo
    proponowac postulowac postulat rekomendowac rekomendacja uwazac zgoda zgadzac caly
    koniecznie konieczny najwazniejszy jednoglosnie
"""
STOP_LEMMAS = frozenset(_STOP_LEMMAS_TEXT.split())
_WORD = re.compile(r"\w+", re.UNICODE)
# Where a phrase that lists several ideas is cut into parts.
_PART_SPLIT = re.compile(r"[,;()\[\]/+•]|\s[-–—]\s|\s(?:oraz|and|a także)\s", re.IGNORECASE)


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
    folded = _fold_word(word)
    if folded in STOP_WORDS or (len(folded) < 2 and not folded.isdigit()):
        return ()
    keys: set[str] = set()
    if lemmatise and morfeusz_available() and not folded.isdigit():
        known = False
        for start, _end, (_form, lemma, tag, _names, _quals) in _morfeusz.analyse(word):
            if start == 0 and tag not in ("ign", "interp"):
                known = True
                lemma = fold(lemma.split(":", 1)[0])
                if lemma and lemma not in STOP_WORDS and lemma not in STOP_LEMMAS:
                    keys.add(lemma[:PREFIX_LENGTH])
        if known and not keys:
            return ()  # every reading is a stop-word ("musi" -> musieć)
    if not keys:
        keys.add(folded[:PREFIX_LENGTH])
    return tuple(sorted(keys))


@functools.lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    return fold(word)


def _content_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.casefold()) if _fold_word(w) not in STOP_WORDS]


def _features(text: str, lemmatise: bool) -> tuple[dict[str, float], dict[str, float]]:
    """Term counts of one text: (lemma-prefix features, character n-gram features)."""
    words: dict[str, float] = {}
    content = _content_words(text)
    for word in content:
        keys = _lemma_keys(word, lemmatise)
        for key in keys:
            # "#" keeps a lemma prefix apart from a character n-gram of the same letters.
            words["#" + key] = words.get("#" + key, 0.0) + 1.0 / len(keys)
    padded = " " + " ".join(_fold_word(w) for w in content) + " "
    chars = Counter(padded[i : i + n] for n in CHAR_NGRAMS for i in range(len(padded) - n + 1))
    return words, chars


def _parts(text: str) -> list[str]:
    """The ideas a phrase lists, if it lists more than one; [] otherwise."""
    # A part of one word ("Proponujemy", "koniecznie") would match every post with that
    # word, so a part needs two content words; a lone word stays in the whole post only.
    parts = [p for p in _PART_SPLIT.split(text) if len(_content_words(p)) >= 2]
    return parts if len(parts) > 1 else []


# --- the index ---------------------------------------------------------------------------


class _Post:
    """A post's units (the whole post, then its parts if it lists several ideas) as raw
    term counts: one entry per (unit, feature), features as matrix columns."""

    __slots__ = ("cols", "tf", "unit", "half", "n_units", "doc_cols")

    def __init__(self, cols, tf, unit, half, n_units, doc_cols):
        self.cols = cols  # feature columns
        self.tf = tf  # term counts
        self.unit = unit  # 0 = the whole post, 1.. = its parts
        self.half = half  # 0 = lemma prefix, 1 = character n-gram
        self.n_units = n_units
        self.doc_cols = doc_cols  # the whole post's distinct features (for document frequency)


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
        self._df: dict[int, int] = {}  # posts per feature column
        self._idf_n = 0  # posts when the IDF in use was computed
        self._changes = 0  # posts added or withdrawn since
        self._idf = np.zeros(0, dtype=np.float32)  # per column; longer columns: as rare as can be
        self._columns: dict[str, int] = {}  # feature -> column (kept across refreshes)
        self._matrix = None  # every post's unit vectors, see _units()
        self._layout_cache = None
        # The last groups() answer (excluded, apart, groups), and the posts whose pairs
        # changed since: only the groups around those are recomputed.
        self._groups_state = None
        self._dirty: set[int] = set()

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
        for col in post.doc_cols:
            self._df[col] -= 1
        self._changes += 1
        for other in self._pairs.pop(rec_id, {}):
            self._pairs[other].pop(rec_id, None)
            self._dirty.add(other)
        self._dirty.add(rec_id)
        self._matrix = None

    def _insert(self, items: list[tuple[int, str]]) -> None:
        latest = dict(items)  # the last text given for an id wins
        if not latest:
            return
        for rec_id in latest:
            if rec_id in self._posts:
                self.discard(rec_id)
        for rec_id, text in latest.items():
            post = self._post(text)
            for col in post.doc_cols:
                self._df[col] = self._df.get(col, 0) + 1
            self._posts[rec_id] = post
            self._pairs[rec_id] = {}
            self._changes += 1
        if self._idf_n == 0 or (
            self._changes >= IDF_REFRESH_SHARE * self._idf_n and self._idf_n < IDF_FROZEN_AT
        ):
            self.refresh()
            return
        new_ids = list(latest)
        self._append_units(new_ids)
        self._score_against_all(new_ids)
        for rec_id in new_ids:
            self._dirty.add(rec_id)
            self._dirty.update(self._pairs[rec_id])

    def refresh(self) -> None:
        """Recompute the IDF from the posts now in the session, and with it every pair.
        Done by itself as the session grows; O(n²/block), ~1 s at 2,000 posts."""
        n = len(self._posts)
        self._changes = 0
        self._idf_n = max(n, 1)
        df = np.zeros(len(self._columns), dtype=np.float32)
        if self._df:
            counted = np.fromiter(self._df.keys(), dtype=np.int64)
            df[counted] = np.fromiter(self._df.values(), dtype=np.float32)
        self._idf = (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
        # Features in a large share of the posts say little and cost the most to compare.
        self._idf[df > max(MAX_DF_SHARE * n, MAX_DF_MIN)] = 0.0
        self._matrix = None
        for pairs in self._pairs.values():
            pairs.clear()
        self._score_against_all(list(self._posts))
        self._groups_state = None  # every score moved: regroup everything

    # -- vectors --

    def _post(self, text: str) -> _Post:
        cols: list[int] = []
        tf: list[float] = []
        unit: list[int] = []
        half: list[int] = []
        units = [_features(text, self.lemmatise)] + [_features(p, self.lemmatise) for p in _parts(text)]
        columns = self._columns
        for unit_no, counts in enumerate(units):
            for half_no, terms in enumerate(counts):
                # setdefault gives a new feature the next free column.
                cols.extend([columns.setdefault(key, len(columns)) for key in terms])
                tf.extend(terms.values())
                unit.extend([unit_no] * len(terms))
                half.extend([half_no] * len(terms))
        doc_cols = [self._columns[key] for terms in units[0] for key in terms]
        return _Post(
            np.asarray(cols, dtype=np.int64),
            np.asarray(tf, dtype=np.float32),
            np.asarray(unit, dtype=np.int64),
            np.asarray(half, dtype=np.int64),
            len(units),
            doc_cols,
        )

    def _unit_rows(self, rec_ids: list[int]):
        """The units of `rec_ids` as one CSR matrix of TF-IDF rows (each half normalised
        and weighted by its share, so a dot product is the blended cosine), with each
        row's post index (into rec_ids), whether it is the whole post, and whether it
        takes part in the part-to-part comparison (a post's parts, or its whole if it has
        no parts)."""
        posts = [self._posts[rec_id] for rec_id in rec_ids]
        per_post = np.fromiter((p.n_units for p in posts), dtype=np.int64, count=len(posts))
        n_units = int(per_post.sum())
        offsets = np.concatenate(([0], np.cumsum(per_post)[:-1])).astype(np.int64)
        owner = np.repeat(np.arange(len(posts)), per_post)
        is_whole = np.zeros(n_units, dtype=bool)
        is_whole[offsets] = True
        part_row = ~is_whole | (per_post[owner] == 1)
        if not posts:
            empty = sparse.csr_matrix((0, max(len(self._columns), 1)), dtype=np.float32)
            return empty, owner, is_whole, part_row
        cols = np.concatenate([p.cols for p in posts])
        tf = np.concatenate([p.tf for p in posts])
        half = np.concatenate([p.half for p in posts])
        row = np.concatenate([p.unit + off for p, off in zip(posts, offsets.tolist(), strict=True)])
        # A feature unseen when the IDF was computed is as rare as can be.
        rare = np.float32(math.log(1 + self._idf_n) + 1.0)
        known = cols < len(self._idf)
        idf = np.full(len(cols), rare, dtype=np.float32)
        idf[known] = self._idf[cols[known]]
        weights = tf * idf
        segment = row * 2 + half
        norms = np.sqrt(np.bincount(segment, weights=weights * weights, minlength=2 * n_units))
        shares = np.sqrt(np.array([WORD_WEIGHT, 1.0 - WORD_WEIGHT], dtype=np.float32))
        with np.errstate(invalid="ignore", divide="ignore"):
            vals = np.nan_to_num(weights * shares[half] / norms[segment]).astype(np.float32)
        keep = vals != 0
        if not keep.all():
            cols, vals, row = cols[keep], vals[keep], row[keep]
        indptr = np.concatenate(([0], np.cumsum(np.bincount(row, minlength=n_units))))
        matrix = sparse.csr_matrix((vals, cols, indptr), shape=(n_units, max(len(self._columns), 1)))
        return matrix, owner, is_whole, part_row

    def _units(self):
        """Every post's units, kept between calls (appended to, rebuilt after a discard)."""
        if self._matrix is None:
            ids = list(self._posts)
            self._matrix = (ids, *self._unit_rows(ids))
        return self._matrix

    def _append_units(self, new_ids: list[int]) -> None:
        if self._matrix is None:
            return  # built on next use
        ids, matrix, owner, is_whole, part_row = self._matrix
        add, add_owner, add_whole, add_part = self._unit_rows(new_ids)
        cols = max(matrix.shape[1], add.shape[1])
        self._matrix = (
            ids + new_ids,
            sparse.vstack([_widen(matrix, cols), _widen(add, cols)], format="csr"),
            np.concatenate([owner, add_owner + len(ids)]),
            np.concatenate([is_whole, add_whole]),
            np.concatenate([part_row, add_part]),
        )

    def _layout(self):
        """What scoring needs about every post's units, cached with them: the transposed
        matrix, each post's whole row, and for posts with parts their part rows."""
        if self._layout_cache is None or self._layout_cache[0] is not self._matrix:
            ids, matrix, owner, is_whole, part_row = self._units()
            multi = np.zeros(len(ids), dtype=bool)
            np.logical_or.at(multi, owner[~is_whole], True)
            multi_cols = np.flatnonzero(part_row & multi[owner])
            self._layout_cache = (
                self._matrix,
                matrix.T.tocsr(),
                np.flatnonzero(is_whole),
                np.flatnonzero(multi),
                multi_cols,
                _run_starts(owner[multi_cols]),
            )
        return self._layout_cache[1:]

    def _scores(self, query_ids: list[int]) -> tuple[list[int], np.ndarray]:
        """(all ids, scores[len(query_ids), len(all ids)]) of each query post against every post."""
        ids = self._units()[0]
        matrix_t, whole_rows, multi_posts, multi_cols, multi_starts = self._layout()
        q_matrix, q_owner, q_whole, q_part = self._unit_rows(query_ids)
        cols = max(matrix_t.shape[0], q_matrix.shape[1])
        if matrix_t.shape[0] < cols:
            matrix_t = matrix_t.tocsr(copy=True)
            matrix_t.resize((cols, matrix_t.shape[1]))
        products = (_widen(q_matrix, cols) @ matrix_t).toarray()  # query units x all units
        whole = products[q_whole][:, whole_rows]
        # Best part-to-part cosine: first over the query post's parts (its units are
        # contiguous rows, each post has at least one part row), then over each post's:
        # a post without parts is its whole row; the others are reduced over their parts.
        q_rows = np.flatnonzero(q_part)
        starts = _run_starts(q_owner[q_rows])
        per_query = products[q_rows[starts]]
        for k in np.flatnonzero(np.diff(np.append(starts, len(q_rows))) > 1).tolist():
            end = starts[k + 1] if k + 1 < len(starts) else len(q_rows)
            per_query[k] = products[q_rows[starts[k] : end]].max(axis=0)
        best_part = per_query[:, whole_rows]
        if len(multi_posts):
            best_part[:, multi_posts] = np.maximum.reduceat(per_query[:, multi_cols], multi_starts, axis=1)
        return ids, WHOLE_WEIGHT * whole + (1.0 - WHOLE_WEIGHT) * best_part

    def _score_against_all(self, new_ids: list[int]) -> None:
        """Remember the pairs (>= PAIR_FLOOR) of each new post with every post."""
        block = 128
        for start in range(0, len(new_ids), block):
            chunk = new_ids[start : start + block]
            ids, scores = self._scores(chunk)
            if scores.shape[1] > PAIR_LIMIT + 1:
                # Keep each post's best PAIR_LIMIT + 1 (itself among them) before the floor.
                cut = np.partition(scores, -(PAIR_LIMIT + 1), axis=1)[:, -(PAIR_LIMIT + 1)]
                scores = np.where(scores >= cut[:, None], scores, 0.0)
            rows, cols = np.nonzero(scores >= PAIR_FLOOR)
            values = np.minimum(scores[rows, cols], 1.0).tolist()
            for k, j, score in zip(rows.tolist(), cols.tolist(), values, strict=True):
                rec_id, other = chunk[k], ids[j]
                if other != rec_id:
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
        take = min(len(row), limit + 1)
        best = np.argpartition(-row, take - 1)[:take] if take < len(row) else np.arange(len(row))
        found = [(ids[j], round(float(min(row[j], 1.0)), 4)) for j in best if ids[j] != rec_id]
        found = [pair for pair in found if pair[1] > 0]
        found.sort(key=lambda pair: (-pair[1], pair[0]))
        return found[:limit]

    def groups(self, exclude: Iterable[int] = (), cannot_link: Iterable[tuple[int, int]] = ()) -> list[Group]:
        """Groups of two or more posts worth merging, best first; each post in at most
        one group. `exclude`: posts left out (already in a note item); `cannot_link`:
        pairs a moderator said are not the same, never in one group."""
        excluded = frozenset(exclude)
        apart = frozenset(frozenset(pair) for pair in cannot_link if pair[0] != pair[1])
        state = self._groups_state
        if state is not None and state[0] == excluded and state[1] == apart and not self._dirty:
            result = state[2]
        elif state is None or len(self._posts) <= FULL_REGROUP_UP_TO:
            result = self._build_groups(None, excluded, apart)
        else:
            result = self._regroup_around_changes(state, excluded, apart)
        self._dirty.clear()
        self._groups_state = (excluded, apart, result)
        return list(result)

    def _regroup_around_changes(self, state, excluded, apart) -> list[Group]:
        """Keep the groups no change reaches; regroup the changed posts, their partners
        and the groups those were in. Cheap at any session size: a new post touches its
        few dozen partners, not the session. Not always what regrouping everything would
        give (greedy joining depends on the order of all pairs), but close, and every
        rule holds: no excluded or withdrawn post, no cannot-link pair inside a group."""
        prev_excluded, prev_apart, prev = state
        touched = self._dirty | (excluded ^ prev_excluded)
        for pair in apart ^ prev_apart:
            touched |= pair
        if not touched:
            return prev
        nodes: set[int] = set()
        for rec_id in touched:
            if rec_id in self._posts and rec_id not in excluded:
                nodes.add(rec_id)
                partners = self._pairs[rec_id].items()
                nodes.update(b for b, sc in partners if sc >= GROUP_THRESHOLD and b not in excluded)
        group_at = {m: k for k, g in enumerate(prev) for m in g.ids}
        dissolved: set[int] = set()
        frontier = set(nodes) | touched
        while frontier:
            found = {group_at[m] for m in frontier if m in group_at} - dissolved
            dissolved |= found
            frontier = set()
            for k in found:
                for m in prev[k].ids:
                    if m in self._posts and m not in excluded and m not in nodes:
                        nodes.add(m)
                        frontier.add(m)
        kept = [g for k, g in enumerate(prev) if k not in dissolved]
        result = kept + self._build_groups(nodes, excluded, apart)
        result.sort(key=lambda g: (-g.score, g.ids))
        return result

    def _build_groups(self, nodes: set[int] | None, excluded, apart) -> list[Group]:
        """Average-linkage agglomeration of `nodes` (None: every post), best pair first:
        two groups join only if the mean score over all their cross pairs (unremembered
        pairs count as 0) reaches GROUP_THRESHOLD and no cannot-link pair would end up
        inside."""
        pairs = self._pairs

        def eligible(b: int) -> bool:
            return b not in excluded and (nodes is None or b in nodes)

        seeds = [
            (score, a, b)
            for a in (pairs if nodes is None else nodes)
            if eligible(a)
            for b, score in pairs[a].items()
            if a < b and score >= GROUP_THRESHOLD and eligible(b)
        ]
        seeds.sort(key=lambda p: (-p[0], p[1], p[2]))
        group_of: dict[int, int] = {}  # post -> its group's key (a member)
        members: dict[int, list[int]] = {}
        links: dict[int, dict[int, float]] = {}  # group -> other group -> sum of cross scores
        inner: dict[int, float] = {}  # group -> sum of its internal pair scores
        forbidden: dict[int, set[int]] = {}  # group -> posts it must not take
        for pair in apart:
            x, y = tuple(pair)
            forbidden.setdefault(x, set()).add(y)
            forbidden.setdefault(y, set()).add(x)

        def start(a: int) -> int:
            if a not in group_of:
                group_of[a] = a
                members[a] = [a]
                links[a] = {b: s for b, s in pairs[a].items() if eligible(b)}
                inner[a] = 0.0
            return group_of[a]

        for _score, a, b in seeds:
            ga, gb = start(a), start(b)
            if ga == gb:
                continue
            cross = links[ga].get(gb, 0.0)
            size_a, size_b = len(members[ga]), len(members[gb])
            if cross / (size_a * size_b) < (GROUP_THRESHOLD if size_a == size_b == 1 else JOIN_THRESHOLD):
                continue
            if len(members[ga]) < len(members[gb]):
                ga, gb = gb, ga
            fa, fb = forbidden.get(ga), forbidden.get(gb)
            if fa and not fa.isdisjoint(members[gb]):
                continue
            # Merge gb into ga.
            for other, s in links.pop(gb).items():
                if other == ga:
                    continue
                back = links.get(other)
                if back is not None:
                    back.pop(gb, None)
                    back[ga] = back.get(ga, 0.0) + s
                links[ga][other] = links[ga].get(other, 0.0) + s
            links[ga].pop(gb, None)
            inner[ga] += inner.pop(gb) + cross
            for m in members[gb]:
                group_of[m] = ga
            members[ga].extend(members.pop(gb))
            if fb:
                forbidden[ga] = (fa or set()) | fb
        result = []
        for key, ids in members.items():
            if len(ids) > 1:
                n_pairs = len(ids) * (len(ids) - 1) / 2
                result.append(Group(tuple(sorted(ids)), round(min(inner[key] / n_pairs, 1.0), 4)))
        result.sort(key=lambda g: (-g.score, g.ids))
        return result


def _run_starts(owners: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in a non-decreasing array."""
    return np.flatnonzero(np.diff(owners, prepend=-1))


def _widen(matrix, cols: int):
    if matrix.shape[1] == cols:
        return matrix
    matrix = matrix.tocsr(copy=True)
    matrix.resize((matrix.shape[0], cols))
    return matrix
