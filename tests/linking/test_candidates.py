"""find_candidates proposes the pairs that may be one entity, explains each, and stays sub-quadratic."""
from __future__ import annotations

import dataclasses
import math
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casegraph.graph.store import ReviewStore
from casegraph.linking import candidates as cand
from casegraph.linking.candidates import (DEFAULT_THRESHOLD, Candidate, blocked_pairs, candidate_id,
                                          find_candidates, kind_family)
from casegraph.linking.reading import link_records
from casegraph.graph.loading import load_paths
from casegraph.synthetic import generate_corpus
from tests.linking.conftest import iri


def pair(left: str, right: str) -> frozenset[str]:
    return frozenset((iri(left), iri(right)))


# Above the default threshold, best first; pairs on one line score the same.
EXPECTED = [
    {pair("tl-a-2018/men", "tl-b-2019/elm-men")},  # two shared members (Jason Holt, Smokey), counted together
    {pair("tl-a-2018/child-m", "tl-b-2019/young-person-b")},  # alias "Em", age, school, area
    {pair("tl-a-2018/mr-x", "tl-b-2019/adult-2")},  # alias "Smokey", a birth range few records fit
    {pair("tl-a-2018/jason-holt", "tl-b-2019/jason-holt")},
    {pair("tl-a-2018/elm-park", "tl-b-2019/park")},
    {pair("tl-a-2018/hillside", "tl-b-2019/school")},
    {pair("tl-a-2018/jason-holt", "tl-c-2020/jason-holt"), pair("tl-b-2019/jason-holt", "tl-c-2020/jason-holt")},
    {pair("tl-a-2018/snapchat", "tl-b-2019/snapchat"), pair("tl-a-2018/snapchat", "tl-d-2020/snapchat"),
     pair("tl-b-2019/snapchat", "tl-d-2020/snapchat")},
    {pair("tl-a-2018/elm-park", "tl-c-2020/elm-park"), pair("tl-b-2019/park", "tl-c-2020/elm-park")},
    {pair("tl-c-2020/jason-holt", "tl-c-2020/mr-h")},  # one review's "Mr H", alias "Jason Holt"
]


@pytest.fixture(scope="module")
def proposed(records) -> list[Candidate]:
    return find_candidates(records)


def test_exact_candidates_above_the_default_threshold_in_order(proposed):
    assert all(c.score >= DEFAULT_THRESHOLD for c in proposed)
    assert [c.score for c in proposed] == sorted((c.score for c in proposed), reverse=True)
    tiers: list[set[frozenset[str]]] = []
    scores: list[float] = []
    for candidate in proposed:
        if scores and math.isclose(candidate.score, scores[-1], rel_tol=1e-9):
            tiers[-1].add(frozenset((candidate.left, candidate.right)))
        else:
            tiers.append({frozenset((candidate.left, candidate.right))})
            scores.append(candidate.score)
    assert tiers == EXPECTED


@pytest.mark.parametrize("left, right", [
    ("tl-a-2018/elm-park", "tl-d-2020/elm-park"),  # another town's Elm Park
    ("tl-a-2018/elm-park", "tl-c-2020/elm-street"),  # a street, not the park
    ("tl-a-2018/jason-holt", "tl-d-2020/jason-holt"),  # the same name, 20 years older, elsewhere
    ("tl-a-2018/mr-x", "tl-d-2020/mr-c"),  # the same alias, 35 years older, elsewhere
    ("tl-a-2018/child-m", "tl-d-2020/child-d"),  # "Child M" twice is no evidence
    ("tl-a-2018/child-m", "tl-b-2019/yp1"),  # the same school, but two years younger
])
def test_look_alikes_score_below_the_threshold(records, left, right):
    scores = {frozenset((c.left, c.right)): c.score for c in find_candidates(records, threshold=0.0)}
    assert scores.get(pair(left, right), 0.0) < DEFAULT_THRESHOLD


def test_the_explanation_lists_every_attribute_with_its_outcome(proposed):
    [holt] = [c for c in proposed if {c.left, c.right} == pair("tl-a-2018/jason-holt", "tl-c-2020/jason-holt")]
    outcomes = {c.attribute: c.outcome for c in holt.comparisons}
    assert outcomes == {"name": "agree", "gender": "agree", "birth": "agree", "area": "agree",
                        "years": "partial", "harm": "disagree", "linked": "agree",
                        "incident": "missing",  # the hand-made reviews date incidents to the year
                        "pseudonym": "missing", "outcome": "missing"}  # a named adult; nobody died
    weights = {c.attribute: c.weight for c in holt.comparisons}
    assert weights["name"] > 0 and weights["birth"] > 0 and weights["harm"] < 0
    assert "jason holt" in holt.comparisons[0].detail
    assert (holt.kind, holt.left_review, holt.right_review, holt.left_label) == ("adult", "tl-a-2018", "tl-c-2020",
                                                                                   "Jason Holt")
    assert holt.score == pytest.approx(cand.probability(holt.weight))
    assert holt.left < holt.right and holt.id == candidate_id(holt.right, holt.left)


def test_every_candidate_scores_what_its_explanation_adds_up_to(records):
    for candidate in find_candidates(records, threshold=0.0):
        assert candidate.score == pytest.approx(cand.probability(candidate.weight), abs=1e-9)
        assert [c.attribute for c in candidate.comparisons] == list(cand.attributes_of(candidate.kind))
        assert all(c.weight == 0.0 for c in candidate.comparisons if c.outcome == "missing")


def test_decided_pairs_are_not_proposed_again(records, proposed):
    decided = {frozenset((proposed[0].left, proposed[0].right)), frozenset((proposed[3].right, proposed[3].left))}
    again = find_candidates(records, exclude=decided)
    assert {c.id for c in again} == {c.id for c in proposed} - {proposed[0].id, proposed[3].id}


def test_one_reviews_records_pair_only_when_one_kind_shares_a_name(records):
    same_review = {frozenset((c.left, c.right)) for c in find_candidates(records, threshold=0.0)
                   if c.left_review == c.right_review}
    # Mr H's alias is "Jason Holt": the review may not have seen that they were one man. Elm Park and
    # Elm Street in that review share the word "elm" but are different kinds.
    assert same_review == {pair("tl-c-2020/jason-holt", "tl-c-2020/mr-h")}


def test_kinds_chooses_the_families_compared(records):
    assert {c.kind for c in find_candidates(records, kinds={"adult"})} == {"adult"}
    assert {c.kind for c in find_candidates(records, kinds={"place"})} == {"place:public-space", "place:school",
                                                                            "place:online-space"}
    assert {c.kind for c in find_candidates(records, kinds={"park", "school"})} == {"place:public-space",
                                                                                   "place:school"}


def test_kind_families(by_iri):
    assert kind_family(by_iri[iri("tl-a-2018/child-m")]) == kind_family(by_iri[iri("tl-b-2019/young-person-b")])
    assert kind_family(by_iri[iri("tl-a-2018/elm-park")]) == kind_family(by_iri[iri("tl-c-2020/elm-street")])
    assert kind_family(by_iri[iri("tl-a-2018/elm-park")]) != kind_family(by_iri[iri("tl-a-2018/hillside")])


def test_candidates_are_reproducible(records, proposed):
    assert find_candidates(list(reversed(records))) == proposed


@given(st.text(min_size=1), st.text(min_size=1))
def test_candidate_id_is_short_stable_and_order_independent(left, right):
    found = candidate_id(left, right)
    assert found == candidate_id(right, left)
    assert len(found) == 11 and found[0] == "c" and int(found[1:], 16) >= 0


@pytest.mark.parametrize("name, code", [("Child M", True), ("YP3", True), ("Young Person 4", True), ("Mr C", True),
                                        ("Adult 2", True), ("Group 1", True), ("Smokey", False),
                                        ("Jason Holt", False), ("Elm Park", False)])
def test_code_names_are_not_evidence(name, code):
    assert cand.is_code_name(cand.normalise_name(name)) is code


# -- the model's weights -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def adult_model(records):
    features = cand.feature_families(records, {"adult"})["adult"]
    model = cand.Model("adult", features, cand.Comparer(cand.Frequencies(features)), cand.random.Random(0))
    return model, features


def test_agreeing_never_counts_less_than_disagreeing(records):
    for family, features in cand.feature_families(records, None).items():
        model = cand.Model(family, features, cand.Comparer(cand.Frequencies(features)), cand.random.Random(0))
        for weights, m in zip(model.weights, model.m):
            possible = [w for w, chance in zip(weights, m) if chance > 0]
            assert possible == sorted(possible, reverse=True), (family, weights)


chances = st.tuples(*[st.floats(0, 1)] * 3)


@given(chances, chances)
def test_crossing_outcomes_are_pooled_never_raised_to_a_rarer_ones_ratio(m, u):
    weights = cand.ordered_weights(m, u)
    possible = [w for w, chance in zip(weights, m) if chance > 0]
    assert possible == sorted(possible, reverse=True)
    raw = [math.log2(max(a, cand.M_FLOOR) / max(b, cand.M_FLOOR)) for a, b in zip(m, u)]
    if [w for w, chance in zip(raw, m) if chance > 0] == possible:
        assert weights == raw  # nothing crossed: nothing changed
    assert max(possible, default=0) <= max(raw) + 1e-9


def test_a_school_agreeing_on_kind_with_every_school_counts_nothing():
    """Among schools every pair agrees on kind; partly agreeing never happens, so its ratio is huge.
    Agreement must not borrow it (it once counted 5.6 bits for every pair of schools)."""
    agree, partial, _ = cand.ordered_weights((0.95, 0.05, 0.0), (0.999, 0.001, 0.0))
    assert agree == partial == pytest.approx(0.0, abs=1e-9)


def _place(iri: str, review: str, name: str, kind: str = "park", area: str | None = None,
           review_area: str = "Northbridge", places=frozenset(), people=frozenset()) -> cand.LinkRecord:
    return cand.LinkRecord(iri=iri, review=review, kind=kind, label=name, root="Place", names=(name,), area=area,
                           review_area=review_area, places=frozenset(places), people=frozenset(people))


def test_a_place_named_in_a_town_is_in_that_town_unless_the_record_says_otherwise():
    records = [_place("a", "r1", "Elmwood Park in Ambervale"), _place("b", "r2", "Elmwood Park", review_area="Ambervale"),
               _place("c", "r3", "Elmwood Park in Ambervale", area="Fernbury"),
               _place("d", "r4", "Ambervale Road", review_area="Fernbury")]
    features = {f.record.iri: f for f in cand.feature_families(records, None)["place:public-space"]}
    assert [features[i].area for i in "abcd"] == ["ambervale", "ambervale", "fernbury", "ambervale"]
    assert features["a"].names == features["b"].names == {"elmwood"}


def test_a_place_named_only_by_what_it_is_is_named_by_that_unless_coded_or_indefinite():
    records = [_place("a", "r1", "the bus station, Ravensholt", kind="transport-hub"),
               _place("b", "r2", "Ravensholt bus station", kind="transport-hub", review_area="Ravensholt"),
               _place("c", "r3", "House K", kind="private-address"), _place("d", "r4", "an address in Ravensholt",
                                                                           kind="private-address")]
    families = cand.feature_families(records, None)
    hubs = {f.record.iri: f for f in families["place:public-space"]}
    assert hubs["a"].names == hubs["b"].names == {"bus station"} and hubs["a"].area == hubs["b"].area == "ravensholt"
    assert all(not f.names for f in families["place:private-address"])


def test_places_prior_is_measured_from_pairs_sharing_a_name_and_shrunk_when_few():
    def parks(reviews: int) -> list:
        records = [_place(f"{r}-{n}", f"r{r}", f"{n} Park", area="Northbridge")
                   for r in range(reviews) for n in ("Ashfield", "Millbrook")]
        return cand.feature_families(records, None)["place:public-space"]

    def expected(features) -> float:
        named = [(i, j) for i, j, rule in cand.rule_pairs(features) if rule < cand.NAME_RULES]
        return cand.expected_matches("place:public-space", features, named)

    many, few = parks(20), parks(2)  # each park in every review: 19 and 1 other records of it
    assert expected(many) > 10 * cand.EXPECTED_MATCHES
    assert cand.EXPECTED_MATCHES <= expected(few) < 2 * cand.EXPECTED_MATCHES
    people = [cand.Features(cand.LinkRecord(iri=f"{r}", review=f"r{r}", kind="unconnected-adult", label="Jamal Lowe",
                                             names=("Jamal Lowe",), area="Northbridge"), frozenset()) for r in range(20)]
    assert cand.expected_matches("adult", people, [(0, 1)]) == cand.EXPECTED_MATCHES


def test_groups_sharing_more_members_match_more_strongly():
    def group(iri: str, review: str, members: set) -> cand.LinkRecord:
        return cand.LinkRecord(iri=iri, review=review, kind="gang", label="Group 1", root="Group", area="Northbridge",
                               people=frozenset(members))

    records = [group("a", "r1", {"jamal lowe", "big smokey", "dean slater"}), group("b", "r2", {"jamal lowe", "big smokey"}),
               group("c", "r3", {"jamal lowe", "kai brown"})] + [
        group(f"x{i}", f"q{i}", {f"member {i}", "jamal lowe" if i < 3 else f"other {i}"}) for i in range(20)]
    features = {f.record.iri: f for f in cand.feature_families(records, None)["group"]}
    joint = cand.Comparer(cand.Frequencies(list(features.values())), joint_linked=True)
    single = cand.Comparer(cand.Frequencies(list(features.values())))
    (_, two), (_, one) = joint.linked(features["a"], features["b"]), joint.linked(features["a"], features["c"])
    assert two < one and two < single.linked(features["a"], features["b"])[1]
    assert "'big smokey'" in joint.detail("linked", features["a"], features["b"]) and "product" in \
        joint.detail("linked", features["a"], features["b"])


ATTRIBUTES = ("gender", "birth_months", "area", "years", "harm_types")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ATTRIBUTES), st.integers(0, 30), st.integers(0, 30))
def test_score_is_monotone_in_agreements(adult_model, attribute, first, second):
    """Making one more attribute of b agree with a never lowers the pair's evidence."""
    model, features = adult_model
    a = features[first % len(features)].record
    b = features[second % len(features)].record
    agreeing = dataclasses.replace(b, **{attribute: getattr(a, attribute)})
    stop = cand.stop_words([a, b])
    fa, fb, fagree = (cand.Features(r, stop) for r in (a, b, agreeing))
    assert model.evidence(fa, fagree) >= model.evidence(fa, fb) - 1e-9


# -- blocking on a generated corpus --------------------------------------------------------------

@pytest.fixture(scope="module")
def generated_records(tmp_path_factory) -> list:
    work = tmp_path_factory.mktemp("generated")
    corpus = generate_corpus(work / "corpus", reviews=120, seed=3)
    assert not load_paths([work / "corpus" / "reviews"], work / "store").failed
    assert corpus.reviews == 120
    with ReviewStore.open(work / "store") as store:
        return link_records(store)


def test_blocking_compares_far_fewer_pairs_than_all(generated_records):
    sizes = Counter(kind_family(r) for r in generated_records)
    all_pairs = sum(n * (n - 1) // 2 for n in sizes.values())  # already only pairs within a family
    compared = list(blocked_pairs(generated_records))
    assert len(compared) == len(set(compared))  # each pair once
    assert len(compared) < 0.05 * all_pairs
    families = {r.iri: kind_family(r) for r in generated_records}
    assert all(families[left] == families[right] for left, right in compared)


def test_blocked_pairs_are_the_pairs_scored(generated_records):
    scored = {frozenset((c.left, c.right)) for c in find_candidates(generated_records, threshold=0.0,
                                                                   kinds={"adult", "group"})}
    blocked = {frozenset(p) for p in blocked_pairs(generated_records, kinds={"adult", "group"})}
    assert scored == blocked


def test_the_linking_package_imports_nothing_heavy():
    import subprocess
    import sys

    code = ("import sys, casegraph.linking\n"
            "print(sorted(m for m in sys.modules if m.startswith(('pyoxigraph', 'rdflib', 'yaml', 'casegraph.linking.'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2]).stdout
    assert out.strip() == "[]"


# -- comparisons of names and births ---------------------------------------------------------------

@pytest.mark.parametrize("label, kind, forms", [
    ("Jamal Lowe", "unconnected-adult", {"j lowe"}),
    ("J. Lowe", "unconnected-adult", {"j lowe"}),
    ("Jamaal LOWE", "unconnected-adult", {"j lowe"}),
    ("Mr C", "unconnected-adult", set()),  # a code name, no surname
    ("Adult 2", "unconnected-adult", set()),
    ("Jamal Lowe", "peer", {"j lowe"}),  # a full name is a name, whoever carries it
    ("Christine", "young-person", set()),  # one name given to a child: the review's pseudonym
    ("Child M's mother", "family-member", set()),
])
def test_a_persons_name_also_compares_as_initial_and_surname(label, kind, forms):
    record = cand.LinkRecord(iri="x", review="r", kind=kind, label=label, names=(label,))
    assert cand.initial_forms(record) == forms


def test_spelling_variants_of_one_name_agree_through_the_initial_form():
    stop = frozenset()
    one, other = (cand.Features(cand.LinkRecord(iri=i, review=i, kind="unconnected-adult", label=n, names=(n,)), stop)
                  for i, n in (("a", "Jamal Lowe"), ("b", "Jamaal Lowe")))
    comparer = cand.Comparer(cand.Frequencies([one, other]))
    assert comparer.name(one, other)[0] == cand.AGREE
    assert "j lowe" in comparer.detail("name", one, other)


@pytest.mark.parametrize("one, other, outcome", [
    ("Owen Rowe", "Omar Rowe", cand.PARTIAL),  # one surname and initial, two first names
    ("O. Rowe", "Owen Rowe", cand.AGREE),  # an initial says nothing against
    ("Mohammed Rowe", "Muhammad Rowe", cand.AGREE),  # one name, two spellings
    ("Vicky Rowe", "Vikki Rowe", cand.AGREE),
])
def test_initial_and_surname_agree_unless_both_spell_out_other_first_names(one, other, outcome):
    first, second = (cand.Features(cand.LinkRecord(iri=i, review=i, kind="unconnected-adult", label=n, names=(n,)),
                                    frozenset()) for i, n in (("a", one), ("b", other)))
    comparer = cand.Comparer(cand.Frequencies([first, second]))
    assert comparer.name(first, second)[0] == outcome
    if outcome == cand.PARTIAL:
        assert comparer.detail("name", first, second) == "'o rowe', but first names 'owen' / 'omar'"


@given(st.text("abcdehijklmnorsuyz", min_size=2, max_size=8), st.text("abcdehijklmnorsuyz", min_size=2, max_size=8))
def test_spelling_variants_is_symmetric_and_reflexive(one, other):
    from casegraph.linking.names import spelling_variants

    assert spelling_variants(one, one)
    assert spelling_variants(one, other) == spelling_variants(other, one)


def _born(iri: str, months: tuple[int, int]) -> "cand.Features":
    record = cand.LinkRecord(iri=iri, review=iri, kind="peer", label=iri, area="Northbridge", birth_months=months)
    return cand.Features(record, frozenset())


def test_a_birth_month_on_both_counts_more_than_an_age_in_some_year():
    crowd = [_born(f"r{i}", (24000 + i % 60, 24000 + i % 60 + 12)) for i in range(300)]
    exact, exact2 = _born("a", (24030, 24030)), _born("b", (24030, 24030))
    wide, wide2 = _born("c", (24020, 24032)), _born("d", (24025, 24037))
    comparer = cand.Comparer(cand.Frequencies([]), cand.Births(crowd + [exact, exact2, wide, wide2]))
    (o1, share_exact), (o2, share_wide) = comparer.birth(exact, exact2), comparer.birth(wide, wide2)
    assert o1 == o2 == cand.AGREE and share_exact < share_wide
    assert comparer.birth(exact, wide)[1] == comparer.births.share(("northbridge",), wide.birth)  # the wider range
    assert comparer.birth(exact, _born("e", (24042, 24042)))[0] == cand.PARTIAL  # a year out
    assert comparer.birth(exact, _born("f", (24060, 24060)))[0] == cand.DISAGREE
    assert "2002-07" in comparer.detail("birth", exact, exact2)


def test_a_birth_month_is_a_blocking_key_and_a_year_with_a_linked_name_is_another():
    record = cand.LinkRecord(iri="a", review="r", kind="peer", label="YP1", gender="female", area="Northbridge",
                             birth_months=(24030, 24030), places=frozenset({"ashfield academy"}))
    keys = dict(zip(cand.BLOCKING_RULES, cand.blocking_keys(cand.Features(record, frozenset()))))
    assert keys["birth-month"] == {("northbridge", "female", 24030)}
    assert keys["linked-birth"] == {("northbridge", "ashfield", 2002)}


def _victim(iri: str, review: str, events=frozenset(), months=(24026, 24037), linked=frozenset()) -> "cand.Features":
    record = cand.LinkRecord(iri=iri, review=review, kind="peer", label=iri, gender="female", area="Northbridge",
                             birth_months=months, events=frozenset(events), places=frozenset(linked))
    return cand.Features(record, frozenset())


ASSAULT = ("victim", "physical-assault", 24196)  # a victim of a physical assault in May 2016


def test_one_incident_recorded_by_two_reviews_is_evidence_and_stands_for_its_harm_and_years():
    one, other, stranger = _victim("a", "r1", {ASSAULT}), _victim("b", "r2", {ASSAULT}), _victim("c", "r3", {
        ("perpetrator", "physical-assault", 24196)})
    comparer = cand.Comparer(cand.Frequencies([one, other, stranger]))
    assert comparer.incident(one, other)[0] == cand.AGREE
    assert comparer.incident(one, stranger)[0] == cand.DISAGREE  # harming is not being harmed
    assert comparer.incident(one, _victim("d", "r4"))[0] == cand.MISSING
    one.harms = other.harms = frozenset({"physical-assault"})
    one.years = other.years = (2016, 2016)
    assert comparer.harm(one, other)[0] == comparer.years(one, other)[0] == cand.MISSING  # counted once
    assert cand.blocking_keys(one)[cand.BLOCKING_RULES.index("incident")] == {("northbridge", ASSAULT)}
    assert "both victim of physical-assault in 2016-05" in comparer.detail("incident", one, other)


def test_an_incident_two_of_one_reviews_records_share_a_role_in_says_neither_is_who():
    records = [cand.LinkRecord(iri=i, review=r, kind="peer", label=i, events=frozenset({ASSAULT}))
               for i, r in (("a", "r1"), ("b", "r1"), ("c", "r2"))]
    families = cand.feature_families(records, None)
    assert {f.record.iri: bool(f.events) for f in families["young-person"]} == {"a": False, "b": False, "c": True}


def test_a_linked_name_counts_among_children_born_when_both_were_when_that_is_more():
    school = frozenset({"ashfield"})
    same_age = [_victim(f"s{i}", f"r{i}", linked=school) for i in range(6)]
    others = [_victim(f"o{i}", f"q{i}", months=(22000, 22011), linked=frozenset({"millbrook"})) for i in range(30)]
    frequencies = cand.Frequencies(same_age + others)
    across, _ = frequencies.share(("northbridge",), "l", school)
    within, _ = frequencies.share(("northbridge",), "l", school, cand.birth_cohort(same_age[0], same_age[1]))
    assert cand.birth_cohort(same_age[0], same_age[1]) == range(2002, 2004)
    assert within > across  # most children of that age there go to that school


def test_m_is_measured_on_pairs_sharing_a_rare_name_less_the_pairs_that_are_not_one_entity(monkeypatch):
    monkeypatch.setattr(cand, "TRAINING_SHARE", 0.01)  # a handle of one person among 800 records
    people = []
    for i in range(400):  # each person twice, in two reviews, with a handle of their own; births always agree
        for review in ("r1", "r2"):
            record = cand.LinkRecord(iri=f"{review}-{i}", review=review, kind="peer", label="YP", aliases=(f"h{i}x",),
                                     names=(f"h{i}x",), area="Northbridge", gender="female",
                                     birth_months=(24000 + i % 50, 24000 + i % 50))
            people.append(cand.Features(record, frozenset()))
    comparer = cand.Comparer(cand.Frequencies(people), cand.Births(people))
    named = [(i, j) for i, j, rule in cand.rule_pairs(people) if rule < cand.NAME_RULES]
    model = cand.Model("young-person", people, comparer, random.Random(0), named)
    birth = model.m[model.attributes.index("birth")]
    assert birth[cand.AGREE] > cand.PRIOR_M["birth"][cand.AGREE] and birth[cand.DISAGREE] < cand.PRIOR_M["birth"][cand.DISAGREE]
    assert model.m[model.attributes.index("name")] == cand.PRIOR_M["name"]  # chosen by it, so not measured on it


def test_the_candidate_cache_depends_on_every_matching_module():
    """A change to any module the matcher is made of must invalidate cached candidates."""
    import pkgutil

    import casegraph.linking as linking
    from casegraph.linking.candidate_cache import MATCHING_MODULES

    not_matching = {"candidate_cache", "cards", "clusters", "cluster_decisions", "cluster_effort", "deciding",
                    "decisions", "entities", "explain", "patterns", "quality"}
    modules = {f"casegraph.linking.{m.name}" for m in pkgutil.iter_modules(linking.__path__)} - {
        f"casegraph.linking.{name}" for name in not_matching}
    assert set(MATCHING_MODULES) == modules
