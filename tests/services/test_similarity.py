"""The duplicate-suggestion engine (services/similarity.py): pure, no database."""

from __future__ import annotations

import itertools
import random

import pytest

from benchmarks.similarity import load_lists
from hybrid_sessions.services import similarity
from hybrid_sessions.services.similarity import SimilarityIndex

# Both the morfeusz2 path (where installed) and the fallback every other machine uses.
MODES = [pytest.param(True, id="morfeusz2"), pytest.param(False, id="fallback")]


def session(name: str, lemmatise: bool = True) -> tuple[SimilarityIndex, dict[str, int]]:
    """A real-sized session: one list of the evaluation set; and its ids by text."""
    lst = next(x for x in load_lists() if x["name"] == name)
    index = SimilarityIndex(lemmatise=lemmatise)
    index.upsert_many((p["id"], p["text"]) for p in lst["posts"])
    return index, {p["text"]: p["id"] for p in lst["posts"]}


def group_containing(groups, rec_id):
    return next((g for g in groups if rec_id in g.ids), None)


# (list, a post, how another room put it, a post on another idea sharing words with them)
PARAPHRASES = [
    (
        "otwieranie-2021",
        "Elastyczny grafik, otwarte do późna wieczorami i w weekendy",
        "Otwarte także w weekend, gdy ludzie mają czas",
        "Oferta dla rodzin w weekendy zamiast zajęć w tygodniu",
    ),
    (
        "otwieranie-2021",
        "Stworzyć stanowisko animatora w strukturze instytucji",
        "Etat animatora społeczności w strukturze ośrodka",
        "Podział zadań między koordynatorem miejsca a animatorem",
    ),
    (
        "otwieranie-2021",
        "W kalendarzu zostawić miejsce na działania mieszkańców, nie przeładowywać oferty",
        "nie przeladowywac oferty - zostawic luz w kalendarzu dla mieszkancow",
        "Różnorodna oferta dla różnych grup wiekowych i rodzin",
    ),
    (
        "otwieranie-2021",
        "Plakaty i harmonogramy w wielu miejscach, przyciągające wzrok",
        "plakaty, harmonogramy, ogloszenia w parafii",
        "Media społecznościowe i komunikacja z otoczeniem",
    ),
    (
        "seniorzy",
        "Uniwersytet Trzeciego Wieku w gminie",
        "Filia uniwersytetu trzeciego wieku na wsi",
        "Gminna rada seniorów, żeby starsi mieli głos w sprawach gminy",
    ),
    (
        "seniorzy",
        "Aktywność fizyczna: gimnastyka, nordic walking, basen",
        "gimnastyka dla seniorow i nordic walking",
        "Zajęcia komputerowe i z obsługi smartfona dla seniorów",
    ),
]


@pytest.mark.parametrize("lemmatise", MODES)
@pytest.mark.parametrize(("name", "post", "paraphrase", "unrelated"), PARAPHRASES)
def test_a_paraphrase_is_the_most_similar_post_and_grouped(lemmatise, name, post, paraphrase, unrelated):
    index, ids = session(name, lemmatise)
    a, b, c = ids[post], ids[paraphrase], ids[unrelated]
    assert index.similar(a, 1)[0][0] == b
    assert index.similar(b, 1)[0][0] == a
    assert index.score(a, b) > index.score(a, c)
    groups = index.groups()
    assert group_containing(groups, a) is not None
    assert group_containing(groups, a) is group_containing(groups, b)
    assert group_containing(groups, c) is not group_containing(groups, a)


@pytest.mark.parametrize("lemmatise", MODES)
def test_unrelated_posts_that_share_words_are_not_grouped(lemmatise):
    index, ids = session("otwieranie-2021", lemmatise)
    apart = [
        "Szkolenie z pierwszej pomocy dla wolontariuszy",
        "Wspólne szkolenia dla pracowników różnych instytucji i liderów",
        "Remont budynku z funduszy unijnych",
        "Lokal w centrum wsi, łatwo dostępny, bez barier architektonicznych",
        "Skrzynka na pomysły przy wejściu",
    ]
    groups = index.groups()
    for x, y in itertools.combinations(apart, 2):
        gx = group_containing(groups, ids[x])
        assert gx is None or ids[y] not in gx.ids


def test_similar_is_best_first_never_itself_scores_in_range_and_unknown_is_empty():
    index, _ids = session("seniorzy")
    for rec_id in (1, 10, 30):
        found = index.similar(rec_id, 50)
        assert found and all(other != rec_id for other, _s in found)
        assert [s for _i, s in found] == sorted((s for _i, s in found), reverse=True)
        assert all(0 < s <= 1 for _i, s in found)
        assert len(index.similar(rec_id, 2)) == 2
    assert index.similar(999) == []


def test_identical_posts_score_one_and_empty_text_is_harmless():
    index, _ids = session("seniorzy")
    index.upsert(901, "Bus gminny dla seniorów")
    index.upsert(902, "Bus gminny dla seniorów")
    index.upsert(903, "")
    index.upsert(904, "!!! ?")
    assert index.score(901, 902) == pytest.approx(1.0, abs=1e-3)
    assert index.similar(901, 1)[0][0] == 902
    assert index.similar(903) == [] and index.similar(904) == []
    assert group_containing(index.groups(), 901) is group_containing(index.groups(), 902)
    assert group_containing(index.groups(), 903) is None


@pytest.mark.parametrize("name", ["otwieranie-2021", "seniorzy", "osl-katowice"])
def test_each_post_is_in_at_most_one_group_and_groups_have_two_or_more(name):
    groups = session(name)[0].groups()
    assert groups
    ids = [i for g in groups for i in g.ids]
    assert len(ids) == len(set(ids))
    assert all(len(g.ids) >= 2 and list(g.ids) == sorted(g.ids) for g in groups)
    assert [g.score for g in groups] == sorted((g.score for g in groups), reverse=True)


def test_cannot_link_pairs_never_share_a_group():
    index, _ids = session("otwieranie-2021")
    before = index.groups()
    apart = [g.ids[:2] for g in before[:5]] + [(g.ids[0], g.ids[-1]) for g in before[5:10]]
    after = index.groups(cannot_link=apart)
    for x, y in apart:
        gx = group_containing(after, x)
        assert gx is None or y not in gx.ids


def test_excluded_posts_are_left_out():
    index, _ids = session("otwieranie-2021")
    before = index.groups()
    excluded = list(before[0].ids) + [before[1].ids[0]]
    after = index.groups(exclude=excluded)
    assert not {i for g in after for i in g.ids} & set(excluded)
    assert index.groups() == before  # leaving out is per call


def test_discard_removes_a_post_everywhere():
    index, _ids = session("seniorzy")
    pair = next(g for g in index.groups() if len(g.ids) == 2)
    gone, partner = pair.ids
    n = len(index)
    index.discard(gone)
    index.discard(gone)  # twice is harmless
    assert gone not in index and len(index) == n - 1
    assert all(rec_id != gone for rec_id, _s in index.similar(partner, 50))
    assert all(gone not in g.ids for g in index.groups())
    assert group_containing(index.groups(), partner) is None


def test_upsert_of_an_existing_id_replaces_its_text():
    index, ids = session("seniorzy")
    bus = ids["Bus gminny, który dowozi seniorów na zajęcia"]
    n = len(index)
    index.upsert(bus, "Uniwersytet trzeciego wieku w naszej gminie")
    assert len(index) == n
    assert index.similar(bus, 1)[0][0] in {ids["Uniwersytet Trzeciego Wieku w gminie"]}
    assert group_containing(index.groups(), bus) is group_containing(
        index.groups(), ids["Uniwersytet Trzeciego Wieku w gminie"]
    )


def _live_session(name: str, lemmatise: bool, check=None):
    """Posts of a list arrive one by one in random order (groups asked after each, so
    cached groups are repaired around each change); some are edited or withdrawn;
    exclusions and dismissals come and go. Returns the index and the final texts."""
    lst = next(x for x in load_lists() if x["name"] == name)
    posts = [(p["id"], p["text"]) for p in lst["posts"]]
    rnd = random.Random(3)
    rnd.shuffle(posts)
    live = SimilarityIndex(lemmatise=lemmatise)
    final: dict[int, str] = {}
    for n, (rec_id, text) in enumerate(posts):
        live.upsert(rec_id, text)
        final[rec_id] = text
        if n % 7 == 3:
            victim = rnd.choice(sorted(final))
            live.discard(victim)
            del final[victim]
        if n % 11 == 5:
            other = rnd.choice(posts)[1]
            live.upsert(rec_id, other)  # an edit
            final[rec_id] = other
        exclude = sorted(final)[:3] if n % 2 else []
        apart = [tuple(sorted(final)[-2:])] if n % 3 and len(final) > 1 else []
        groups = live.groups(exclude=exclude, cannot_link=apart)
        if check:
            check(groups, set(final), set(exclude), apart)
    return live, final


@pytest.mark.parametrize("lemmatise", MODES)
def test_incremental_changes_give_the_groups_of_a_rebuild(lemmatise):
    live, final = _live_session("seniorzy", lemmatise)
    assert all(set(partners) <= set(final) for partners in live._pairs.values())
    # Once the word weights are recomputed from the final posts (as the live index does
    # by itself as the session grows), the groups are those of a new index.
    live.refresh()
    rebuilt = SimilarityIndex(lemmatise=lemmatise)
    rebuilt.upsert_many(sorted(final.items()))
    for kwargs in ({}, {"exclude": [4, 5]}, {"cannot_link": [(1, 2)]}):
        assert live.groups(**kwargs) == rebuilt.groups(**kwargs)
        assert [live.similar(i, 3) for i in sorted(final)] == [rebuilt.similar(i, 3) for i in sorted(final)]


def test_regrouping_around_changes_keeps_every_rule_and_stays_close(monkeypatch):
    """Big sessions regroup only around each change (forced here on a small list)."""
    monkeypatch.setattr(similarity, "FULL_REGROUP_UP_TO", 0)

    def check(groups, live_ids, excluded, apart):
        ids = [i for g in groups for i in g.ids]
        assert len(ids) == len(set(ids))
        assert set(ids) <= live_ids and not set(ids) & excluded
        assert all(len(g.ids) >= 2 for g in groups)
        for x, y in apart:
            gx = group_containing(groups, x)
            assert gx is None or y not in gx.ids

    live, _final = _live_session("otwieranie-2021", True, check)
    repaired = live.groups()
    live._groups_state = None
    full = live.groups()

    def pairs(groups):
        return {pair for g in groups for pair in itertools.combinations(g.ids, 2)}

    agreement = len(pairs(repaired) & pairs(full)) / len(pairs(repaired) | pairs(full))
    assert agreement >= 0.8


def test_fallback_is_forced_by_the_environment(monkeypatch):
    monkeypatch.setenv(similarity.NO_MORFEUSZ_ENV, "1")
    assert SimilarityIndex().lemmatise is False
    monkeypatch.delenv(similarity.NO_MORFEUSZ_ENV)
    assert SimilarityIndex().lemmatise is similarity.morfeusz_available()


def test_fallback_works_without_morfeusz2(monkeypatch):
    """As on a machine where morfeusz2 cannot be imported."""
    monkeypatch.setattr(similarity, "_morfeusz", False)
    similarity._lemma_keys.cache_clear()
    try:
        assert SimilarityIndex().lemmatise is False
        index, ids = session("seniorzy", lemmatise=None)
        assert index.lemmatise is False
        a, b = ids["Uniwersytet Trzeciego Wieku w gminie"], ids["Filia uniwersytetu trzeciego wieku na wsi"]
        assert index.similar(a, 1)[0][0] == b
        assert group_containing(index.groups(), a) is group_containing(index.groups(), b) is not None
    finally:
        similarity._lemma_keys.cache_clear()
        monkeypatch.undo()


def _held_out_figures(lemmatise: bool) -> tuple[float, float]:
    with_partner = hits = tp = predicted = gold = 0
    for lst in load_lists():
        if lst["split"] != "held-out":
            continue
        index = SimilarityIndex(lemmatise=lemmatise)
        index.upsert_many((p["id"], p["text"]) for p in lst["posts"])
        cluster = {p["id"]: p["cluster"] for p in lst["posts"]}
        members: dict[int, list[int]] = {}
        for p in lst["posts"]:
            members.setdefault(p["cluster"], []).append(p["id"])
        for p in lst["posts"]:
            if len(members[p["cluster"]]) > 1:
                with_partner += 1
                hits += any(cluster[j] == p["cluster"] for j, _s in index.similar(p["id"], 3))
        pairs = {pair for g in index.groups() for pair in itertools.combinations(g.ids, 2)}
        gold_pairs = {pair for ids in members.values() for pair in itertools.combinations(sorted(ids), 2)}
        tp += len(pairs & gold_pairs)
        predicted += len(pairs)
        gold += len(gold_pairs)
    precision, recall = tp / predicted, tp / gold
    return hits / with_partner, precision, 2 * precision * recall / (precision + recall)


@pytest.mark.parametrize("lemmatise", MODES)
def test_held_out_quality_does_not_regress(lemmatise):
    """Floors a little under what benchmarks/similarity_eval.py measures on the held-out
    lists (see benchmarks/README.md), so a change that makes suggestions worse fails."""
    top3, precision, f1 = _held_out_figures(lemmatise)
    assert top3 >= 0.74
    # Groups are tuned for precision (a wrong member costs the moderator a click).
    assert precision >= 0.68
    assert f1 >= 0.24
