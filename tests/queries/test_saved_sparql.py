"""The library of saved questions, each run on the example reviews (and, for the questions that
follow records across reviews, on the tests/data/links fixture), against answers worked out by
hand from the YAML files. The comment on each expectation says which files and items give it."""
from __future__ import annotations

from pathlib import Path

import pytest

from casegraph.errors import QueryError
from casegraph.graph.store import ReviewStore
from casegraph.graph.loading import load_paths
from casegraph.queries import saved_queries, saved_query
from casegraph.queries.sparql import display, run_sparql, run_update
from tests.conftest import DATA, EXAMPLES

R = "https://w3id.org/casegraph/review/"
CODE = "https://w3id.org/casegraph/code/"
CG = "https://w3id.org/casegraph/ontology#"
LINKS = DATA / "links"


def ht(code: str) -> str:
    return f"{CODE}harm-type/{code}"


def fw(code: str) -> str:
    return f"{CODE}framework/{code}"


def _load(path: Path, *sources: Path) -> Path:
    report = load_paths(list(sources), path)
    assert not report.failed, [r for r in report.failed]
    return path


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    path = _load(tmp_path_factory.mktemp("examples") / "store", EXAMPLES)
    with ReviewStore.open(path) as store:
        yield store


@pytest.fixture(scope="module")
def unlinked(tmp_path_factory):
    """The three link-* reviews, without the analysts' links."""
    path = _load(tmp_path_factory.mktemp("unlinked") / "store", LINKS)
    with ReviewStore.open(path) as store:
        yield store


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """The three link-* reviews and the owl:sameAs links of links.ru, inserted by a real update."""
    path = _load(tmp_path_factory.mktemp("linked") / "store", LINKS)
    with ReviewStore.open(path, write=True) as store:
        run_update(store, (LINKS / "links.ru").read_text(encoding="utf-8"))
    with ReviewStore.open(path) as store:
        yield store


def ask(store: ReviewStore, name: str, params: dict[str, str] | None = None, columns: list[str] | None = None):
    """Rows of a saved question as tuples of plain values (full IRIs), the given columns only."""
    saved = saved_query(name)
    result = run_sparql(store, saved.text, dict(params or {}), saved=saved)
    picked = [result.columns.index(c) for c in (columns or result.columns)]
    return [tuple(display(row[i], compact=False) for i in picked) for row in result.rows]


def same(rows, expected) -> None:
    assert sorted(rows, key=repr) == sorted(expected, key=repr)


# -- the questions on the 23 example reviews ------------------------------------------------------

# Publication years (review.year) of the 23 files in examples/reviews:
# 2013: scr-49, scr-53, scr-54; 2014: scr-46, scr-48, scr-58; 2015: scr-39;
# 2016: scr-1, scr-26, scr-30, scr-31, scr-33, scr-35; 2017: scr-18, scr-19, scr-21, scr-23;
# 2018: scr-12, scr-9; 2019: scr-8; 2020: scr-2, scr-3, scr-5.
REVIEWS_PER_YEAR = [("2013", 3), ("2014", 3), ("2015", 1), ("2016", 6), ("2017", 4), ("2018", 2),
                    ("2019", 1), ("2020", 3)]

# harm_types of each review, and of each of the 16 incidents, rolled up to the Table 3 types
# (codes.ttl: sexual-assault and image-based-abuse are narrower than peer-on-peer-abuse,
# physical-assault than serious-youth-violence, online-grooming than sexual-exploitation):
# sexual-exploitation: reviews scr-19, 2, 21, 26, 48, 53, 8 (7); incidents scr-19 inc-address,
#   scr-26 inc-missing (online-grooming), scr-48 inc-cse (3).
# drug-misuse: review scr-19; incident scr-19 inc-address.
# peer-on-peer-abuse: reviews scr-21, 23, 46 (sexual-assault), scr-9 (sexual-assault,
#   image-based-abuse) (4); incidents scr-21 inc-assault, scr-23 inc-rape, scr-46 inc-rape,
#   scr-9 inc-assault and inc-footage (5).
# serious-youth-violence: reviews scr-46, 49 (physical-assault), scr-35 (3); incidents
#   scr-31 inc-father-boyfriend and inc-father-bryony, scr-35 inc-bottle, scr-46 inc-assault,
#   scr-48 inc-family, scr-49 inc-murder (6).
# intimate-partner-abuse: scr-33 and its inc-abuse; suicide: scr-54 and inc-suicide-plan.
# not-stated: reviews scr-1, 12, 18, 3, 30, 31, 39, 5, 58 (9), whose harm type the study does not
#   state (their review/1 files had inferred or placeholder sexual-exploitation, and scr-31
#   physical-assault from its father's assaults); no incident.
HARM_TYPES = [
    (ht("sexual-exploitation"), "Child exploitation via sexual abuse", 7, 3),
    (ht("serious-youth-violence"), "Serious youth violence", 3, 6),
    (ht("peer-on-peer-abuse"), "Peer-on-peer abuse", 4, 5),
    (ht("drug-misuse"), "Drug misuse", 1, 1),
    (ht("intimate-partner-abuse"), "Intimate partner abuse", 1, 1),
    (ht("suicide"), "Suicide", 1, 1),
    (ht("criminal-exploitation"), "Child exploitation via criminality", 0, 0),
    (ht("radicalisation"), "Radicalisation", 0, 0),
    (ht("harmful-sexual-behaviour"), "Young people displaying harmful sexual behaviour", 0, 0),
    # the top types casegraph adds beyond Table 3 for what real reviews record
    (ht("harm-by-professionals"), "Harm by professionals or institutions", 0, 0),
    (ht("accident"), "Accidental death or injury", 0, 0),
    (ht("victim-of-crime"), "Victim of crime (unspecified)", 0, 0),
    (ht("not-stated"), "Not stated", 9, 0),
]

# The same counts per exact code (all 23 harm-type concepts): sexual-exploitation itself is on
# 7 reviews and 2 incidents (scr-19 inc-address, scr-48 inc-cse), online-grooming only on scr-26
# inc-missing; physical-assault is on reviews scr-46, 49 and 6 incidents; serious-youth-violence
# itself only on review scr-35; sexual-assault on reviews scr-21, 23, 46, 9 and their 4 incidents;
# image-based-abuse on scr-9 and inc-footage; not-stated on the 9 reviews above.
HARM_CODES = [
    ("sexual-exploitation", "sexual-exploitation", 7, 2), ("online-grooming", "sexual-exploitation", 0, 1),
    ("criminal-exploitation", "criminal-exploitation", 0, 0), ("county-lines", "criminal-exploitation", 0, 0),
    ("drug-misuse", "drug-misuse", 1, 1), ("harmful-sexual-behaviour", "harmful-sexual-behaviour", 0, 0),
    ("peer-on-peer-abuse", "peer-on-peer-abuse", 0, 0), ("sexual-assault", "peer-on-peer-abuse", 4, 4),
    ("bullying", "peer-on-peer-abuse", 0, 0), ("image-based-abuse", "peer-on-peer-abuse", 1, 1),
    ("radicalisation", "radicalisation", 0, 0), ("intimate-partner-abuse", "intimate-partner-abuse", 1, 1),
    ("suicide", "suicide", 1, 1), ("serious-youth-violence", "serious-youth-violence", 1, 0),
    ("physical-assault", "serious-youth-violence", 2, 6),
    ("harm-by-professionals", "harm-by-professionals", 0, 0), ("intimate-search", "harm-by-professionals", 0, 0),
    ("restraint", "harm-by-professionals", 0, 0), ("adultification", "harm-by-professionals", 0, 0),
    ("accident", "accident", 0, 0), ("road-collision", "accident", 0, 0),
    ("victim-of-crime", "victim-of-crime", 0, 0), ("not-stated", "not-stated", 9, 0),
]

# review.harm_types of each example file, with the Table 3 type each falls under.
REVIEW_HARM = {
    "scr-1-2016": ["not-stated"], "scr-12-2018": ["not-stated"],
    "scr-18-2017": ["not-stated"], "scr-19-2017": ["sexual-exploitation", "drug-misuse"],
    "scr-2-2020": ["sexual-exploitation"], "scr-21-2017": ["sexual-assault", "sexual-exploitation"],
    "scr-23-2017": ["sexual-assault"], "scr-26-2016": ["sexual-exploitation"], "scr-3-2020": ["not-stated"],
    "scr-30-2016": ["not-stated"], "scr-31-2016": ["not-stated"],
    "scr-33-2016": ["intimate-partner-abuse"], "scr-35-2016": ["serious-youth-violence"],
    "scr-39-2015": ["not-stated"], "scr-46-2014": ["sexual-assault", "physical-assault"],
    "scr-48-2014": ["sexual-exploitation"], "scr-49-2013": ["physical-assault"], "scr-5-2020": ["not-stated"],
    "scr-53-2013": ["sexual-exploitation"], "scr-54-2013": ["suicide"], "scr-58-2014": ["not-stated"],
    "scr-8-2019": ["sexual-exploitation"], "scr-9-2018": ["sexual-assault", "image-based-abuse"],
}
TABLE3 = {"sexual-assault": "peer-on-peer-abuse", "image-based-abuse": "peer-on-peer-abuse",
          "physical-assault": "serious-youth-violence"}
HARM_TYPES_PER_REVIEW = [(R + review, ht(code), ht(TABLE3.get(code, code)))
                         for review, codes in REVIEW_HARM.items() for code in codes]

# contexts with dynamic: harm, per context type (reviews, contexts, young people):
# family: scr-31 ctx-family, scr-48 ctx-family, scr-49 ctx-family; peers: scr-21 ctx-peer,
# scr-23 ctx-peers, scr-33 ctx-peer, scr-35 ctx-peers, scr-46 ctx-peers; school: scr-46 ctx-school,
# scr-9 ctx-school; public-location: scr-23 ctx-park, scr-30 ctx-public, scr-35 ctx-estate;
# online-space: scr-26 ctx-online-1 (girl-1) and ctx-online-2 (girl-2); unconnected-adults: scr-1
# ctx-adults, scr-19, scr-2, scr-30, scr-49 ctx-adult(s); accommodation-service: scr-1 ctx-ymca.
CONTEXTS_OF_HARM = [("family", 3, 3, 3), ("peers", 5, 5, 5), ("school", 2, 2, 2), ("public-location", 3, 3, 3),
                    ("online-space", 1, 2, 2), ("unconnected-adults", 5, 5, 5), ("accommodation-service", 1, 1, 1),
                    ("other-context", 0, 0, 0)]
# dynamic: safety: family: scr-12, scr-3, scr-53 ctx-family-safety; peers: scr-54 ctx-peer-safety.
CONTEXTS_OF_SAFETY = [("family", 3, 3, 3), ("peers", 1, 1, 1)] + [
    (c, 0, 0, 0) for c in ("school", "public-location", "online-space", "unconnected-adults",
                           "accommodation-service", "other-context")]

# responses by target (15 in all): individual: scr-21 resp-referral, resp-assessment,
# resp-closure; scr-23 resp-cin-plan; scr-30 resp-strategy; scr-49 resp-residential, resp-foster;
# scr-5 resp-closure; scr-8 resp-assessment, resp-referral (10 in 6 reviews). family: scr-30
# resp-enquiry, resp-closure; scr-39 resp-threshold (3 in 2). context: scr-1 resp-links, scr-35
# resp-sweeps (2 in 2).
RESPONSE_TARGETS = [
    (CODE + "response-target/individual", fw("support-to-individual"), 10, 6),
    (CODE + "response-target/family", fw("family-support"), 3, 2),
    (CODE + "response-target/context", fw("contextual-intervention"), 2, 2),
]
# The same per agency: all childrens-social-care except scr-21 resp-referral (not-stated: the study
# does not say who made the referral) and scr-35 resp-sweeps (police).
RESPONSE_TARGETS_BY_AGENCY = [
    ("childrens-social-care", "individual", 9, 6), ("childrens-social-care", "family", 3, 2),
    ("childrens-social-care", "context", 1, 1), ("not-stated", "individual", 1, 1), ("police", "context", 1, 1),
]

# responses of kind case-closure: scr-21 consent-withdrawn, scr-30 parents-protective,
# scr-39 below-threshold, scr-5 not-stated (the study gives no reason); other-agency-involved and
# other-reason have none.
CLOSURES = [("below-threshold", 1, 1), ("consent-withdrawn", 1, 1), ("other-agency-involved", 0, 0),
            ("parents-protective", 1, 1), ("other-reason", 0, 0), ("not-stated", 1, 1)]

# recommendations: scr-18 rec-links (local, links); scr-26 rec-local-links (local, links) and
# rec-national-links (national, links); scr-58 rec-local-links (local, links), rec-national-links
# (national, links), rec-national-contexts (national, national-system-not-designed-for-contexts).
RECOMMENDATIONS = [("local", "systems-cannot-identify-links", 3, 3),
                   ("national", "systems-cannot-identify-links", 2, 2),
                   ("national", "national-system-not-designed-for-contexts", 1, 1)]

# challenges: scr-5 ch-closure, by health of childrens-social-care about case-closure.
CHALLENGES = [("health", "childrens-social-care", "case-closure", 1, 1)]

# Table 1 codings (cg:codedAs): review codes of scr-18 (local-not-equipped-contexts), scr-26 and
# scr-58 (local- and national-not-equipped-contexts); the contexts as above; responses coded by
# agency (childrens-social-care: social care intervention, 13 responses in scr-1, 21, 23, 30,
# 39, 49, 5, 8; police: criminal justice, scr-35; agency not-stated, scr-21 resp-referral, counts
# under no agency node, so other intervention has none), by target (as in RESPONSE_TARGETS) and by
# kind (case-closure: close of case, 4 in 4 reviews).
FRAMEWORK = {
    "local-not-equipped-contexts": (3, 3), "national-not-equipped-contexts": (2, 2),
    "poor-local-implementation": (0, 0), "local-not-equipped-efh": (0, 0),
    "local-not-equipped-adolescents": (0, 0), "national-not-equipped-efh": (0, 0),
    **{f"harm-{c}": (r, n) for c, r, n, _ in CONTEXTS_OF_HARM},
    **{f"safety-{c}": (r, n) for c, r, n, _ in CONTEXTS_OF_SAFETY},
    "social-care-intervention": (8, 13), "criminal-justice-intervention": (1, 1), "other-intervention": (0, 0),
    "support-to-individual": (6, 10), "family-support": (2, 3), "contextual-intervention": (2, 2),
    "close-of-case": (4, 4),
}

# places of the contexts of harm coded public-location: scr-23 park (park), scr-30 near-school
# (public-space), scr-35 local-estate (estate).
PUBLIC_LOCATIONS = [("estate", 1, 1), ("park", 1, 1), ("public-space", 1, 1)]

# Records per class, counted in the YAML files: 49 people (25 young people: one per file, two in
# scr-23 and scr-26), 9 groups (scr-1: 3, scr-19, scr-23, scr-35: 2, scr-46, scr-54), 26 places
# (scr-1: 2, scr-19: 2, scr-21: 2, scr-23, scr-26, scr-3, scr-30: 3, scr-35: 7, scr-46, scr-48,
# scr-49: 3, scr-5, scr-9), 16 relationships, 16 incidents, 21 + 4 contexts, 15 responses of
# which 4 closures, 1 challenge and 6 recommendations.
RECORDS_BY_CLASS = {"Review": 23, "Person": 49, "YoungPerson": 25, "Group": 9, "Place": 26, "Relationship": 16,
                    "Incident": 16, "ContextOfHarm": 21, "ContextOfSafety": 4, "ProfessionalResponse": 15,
                    "CaseClosure": 4, "Challenge": 1, "Recommendation": 6}

EXAMPLE_CASES = {
    "reviews-per-year": ({}, None, REVIEWS_PER_YEAR),
    "records-by-class": ({}, None, [(CG + c, n) for c, n in RECORDS_BY_CLASS.items()]),
    "harm-types": ({}, None, HARM_TYPES),
    "harm-codes": ({}, ["harmType", "table3Type", "reviews", "incidents"],
                   [(ht(c), ht(t), r, i) for c, t, r, i in HARM_CODES]),
    "harm-types-per-review": ({}, ["review", "harmType", "table3Type"], HARM_TYPES_PER_REVIEW),
    "contexts-of-harm": ({}, ["contextType", "frameworkNode", "reviews", "contexts", "youngPeople"],
                         [(CODE + "context-type/" + c, fw("harm-" + c), r, n, y) for c, r, n, y in CONTEXTS_OF_HARM]),
    "contexts-of-safety": ({}, ["contextType", "frameworkNode", "reviews", "contexts", "youngPeople"],
                           [(CODE + "context-type/" + c, fw("safety-" + c), r, n, y)
                            for c, r, n, y in CONTEXTS_OF_SAFETY]),
    "response-targets": ({}, ["targetLevel", "frameworkNode", "responses", "reviews"], RESPONSE_TARGETS),
    "response-targets-by-agency": ({}, ["agency", "targetLevel", "responses", "reviews"],
                                   [(a, CODE + "response-target/" + t, n, r)
                                    for a, t, n, r in RESPONSE_TARGETS_BY_AGENCY]),
    "case-closures-by-reason": ({}, None, [(CODE + "closure-reason/" + c, label, r, n) for c, r, n, label in [
        (c, r, n, {"below-threshold": "Below threshold", "consent-withdrawn": "Consent withdrawn or declined",
                   "other-agency-involved": "Other agency involved", "parents-protective": "Parents protective",
                   "other-reason": "Other reason", "not-stated": "Not stated"}[c]) for c, r, n in CLOSURES]]),
    "recommendations-by-level-and-theme": ({}, ["level", "theme", "reviews", "recommendations"], RECOMMENDATIONS),
    "challenges-by-agency-and-topic": ({}, ["by", "of", "topic", "reviews", "challenges"], CHALLENGES),
    "framework-nodes": ({}, ["node", "reviews", "items"], [(fw(n), r, i) for n, (r, i) in FRAMEWORK.items()]),
    "public-location-kinds": ({}, ["kind", "reviews", "places"], PUBLIC_LOCATIONS),
    # Only scr-19 (older-men -> yp) and scr-49 (ex-boyfriend -> christine) have an unconnected
    # adult as perpetrator, each of one young person; scr-26's males are only `involved`, and the
    # organised groups of scr-1 perpetrate no incident.
    "adults-linked-to-young-people": ({}, None, []),
    # scr-26 inc-missing has victims girl-1 and girl-2, involves males and occurred on facebook,
    # and both girls' contexts name facebook and males; no other review has two young people
    # sharing a record.
    "young-people-connected": ({}, ["connector", "kind", "reviews"],
                               [(R + "scr-26-2016/males", "unconnected-adult", 1),
                                (R + "scr-26-2016/facebook", "online-space", 1)]),
    # Every place record belongs to one review and no links are stored.
    "places-with-incidents-in-several-reviews": ({}, None, []),
    # scr-46 child-r: victim of inc-rape (by the-male) and inc-assault (by the group assailants)
    # at one step; the-male and assailants at two; the-male's intimate partner student at three.
    "within-hops-of-person": ({"person": "scr-46-2014/child-r"}, ["node", "kind"],
                              [(R + "scr-46-2014/inc-rape", "incident"), (R + "scr-46-2014/inc-assault", "incident"),
                               (R + "scr-46-2014/the-male", "peer"), (R + "scr-46-2014/assailants", "peer-group")]),
    # scr-9 yp: inc-assault ("2014") and inc-footage (no date); the review records no response.
    "incidents-of-young-person": ({"person": "scr-9-2018/yp"}, ["incident", "role", "dateText", "date", "response"],
                                  [(R + "scr-9-2018/inc-assault", "victim", "2014", "2014-01-01", None),
                                   (R + "scr-9-2018/inc-footage", "victim", None, None, None)]),
}


def test_every_saved_question_has_a_case():
    assert set(EXAMPLE_CASES) == set(saved_queries())


@pytest.mark.parametrize("name", sorted(EXAMPLE_CASES))
def test_saved_question_on_the_examples(examples, name):
    params, columns, expected = EXAMPLE_CASES[name]
    rows = ask(examples, name, params, columns)
    if name == "records-by-class":  # the classes counted by hand; the rest (superclasses, evidence) not
        rows = [row for row in rows if row[0] in {c for c, _ in expected}]
    same(rows, expected)


def test_harm_types_per_review_labels(examples):
    rows = ask(examples, "harm-types-per-review", columns=["review", "title", "year", "harmType", "label", "table3Label"])
    assert (R + "scr-9-2018", "SCR 9 (2018)", "2018", ht("image-based-abuse"), "Image-based abuse",
            "Peer-on-peer abuse") in rows
    assert [row[2] for row in rows] == sorted(row[2] for row in rows)  # in order of year


def test_response_targets_for_one_agency(examples):
    same(ask(examples, "response-targets-by-agency", {"agency": "police"}, ["agency", "targetLevel", "responses"]),
         [("police", CODE + "response-target/context", 1)])  # scr-35 resp-sweeps


@pytest.mark.parametrize("hops, nodes", [
    ("1", ["inc-rape", "inc-assault"]),
    ("2", ["inc-rape", "inc-assault", "the-male", "assailants"]),
    ("3", ["inc-rape", "inc-assault", "the-male", "assailants", "student"]),  # rel-boyfriend: the-male -> student
], ids=["hops=1", "hops=2", "hops=3"])
def test_within_hops_on_the_examples(examples, hops, nodes):
    rows = ask(examples, "within-hops-of-person", {"person": "scr-46-2014/child-r", "hops": hops}, ["node"])
    same(rows, [(R + "scr-46-2014/" + n,) for n in nodes])


def test_incidents_of_young_person_window(examples):
    # scr-49 christine: inc-murder on 12 March 2012; resp-residential (December 2007) targets her
    # but is more than 183 days before it; within 3650 days it counts. resp-foster has no date.
    columns = ["incident", "dateText", "response", "link"]
    same(ask(examples, "incidents-of-young-person", {"person": "scr-49-2013/christine"}, columns),
         [(R + "scr-49-2013/inc-murder", "12th March 2012", None, None)])
    same(ask(examples, "incidents-of-young-person", {"person": "scr-49-2013/christine", "days": "3650"}, columns),
         [(R + "scr-49-2013/inc-murder", "12th March 2012", R + "scr-49-2013/resp-residential",
           "targets the young person around the time")])


def test_incidents_of_young_person_in_date_order(examples):
    rows = ask(examples, "incidents-of-young-person", {"person": "scr-9-2018/yp"}, ["incident"])
    assert rows == [(R + "scr-9-2018/inc-assault",), (R + "scr-9-2018/inc-footage",)]  # undated last


# -- across reviews: tests/data/links ---------------------------------------------------------------
# link-a-2019: Mr X harms Anna (inc-anna, March 2019) and, through the group "men" he belongs
# to, Bea (inc-bea); both at Flat 1; Dan is Anna's friend. link-b-2020: X harms Cara (inc-cara,
# 2020) at "the flat on Hill Road". link-c-2021: Adult X harms Dee (inc-dee, 2021); C. is a victim
# of inc-cara-c (May 2021) and resp-cara (June 2021) responds to it. links.ru: X = Mr X,
# Adult X = X, Flat 1 = the flat on Hill Road, Cara = C.
A, B, C = R + "link-a-2019/", R + "link-b-2020/", R + "link-c-2021/"


def test_adults_linked_within_one_review(unlinked):
    # Without links: Mr X, 2 young people (Anna directly, Bea through "men"), 1 review, 2 incidents.
    same(ask(unlinked, "adults-linked-to-young-people"), [(A + "mr-x", "Mr X", "unconnected-adult", 2, 1, 2)])


def test_adults_linked_across_reviews(linked):
    # With links Mr X = X = Adult X (named by the smallest IRI, link-a's): Anna, Bea, Cara and Dee,
    # in 3 reviews, through inc-anna, inc-bea, inc-cara and inc-dee.
    same(ask(linked, "adults-linked-to-young-people"), [(A + "mr-x", "Mr X", "unconnected-adult", 4, 3, 4)])


def _pair(members) -> tuple:
    """An unordered pair, comparable and printable the same way however it was built."""
    return tuple(sorted(members))


def _pairs(rows):
    return [(_pair(row[:2]),) + tuple(row[2:]) for row in rows]


def test_young_people_connected_within_one_review(unlinked):
    # Anna and Bea share Mr X (Bea through "men") and Flat 1; Dan is Anna's only.
    rows = ask(unlinked, "young-people-connected", columns=["youngPerson1", "youngPerson2", "connector", "kind", "reviews"])
    same(_pairs(rows), [(_pair({A + "anna", A + "bea"}), A + "mr-x", "unconnected-adult", 1),
                        (_pair({A + "anna", A + "bea"}), A + "flat", "private-address", 1)])


def test_young_people_connected_across_reviews(linked):
    # Mr X connects Anna, Bea, Cara (through X) and Dee (through Adult X): 6 pairs; Flat 1 connects
    # Anna, Bea and Cara (the flat on Hill Road): 3 pairs. A pair counts the reviews of both sides;
    # Cara and C. are one young person, named link-b-2020/cara.
    rows = ask(linked, "young-people-connected", columns=["youngPerson1", "youngPerson2", "connector", "kind", "reviews"])
    anna, bea, cara, dee = A + "anna", A + "bea", B + "cara", C + "dee"
    expected = [(_pair(pair), A + "mr-x", "unconnected-adult", reviews) for pair, reviews in [
        ({anna, bea}, 1), ({anna, cara}, 2), ({anna, dee}, 2), ({bea, cara}, 2), ({bea, dee}, 2), ({cara, dee}, 2)]]
    expected += [(_pair(pair), A + "flat", "private-address", reviews) for pair, reviews in [
        ({anna, bea}, 1), ({anna, cara}, 2), ({bea, cara}, 2)]]
    same(_pairs(rows), expected)


def test_places_with_incidents_in_several_reviews(linked, unlinked):
    # Flat 1 (inc-anna, inc-bea) = the flat on Hill Road (inc-cara): 2 reviews, 3 incidents, 2 records.
    assert ask(unlinked, "places-with-incidents-in-several-reviews") == []
    same(ask(linked, "places-with-incidents-in-several-reviews"), [(A + "flat", "Flat 1", 2, 3, 2)])


@pytest.mark.parametrize("hops, nodes", [
    ("1", [C + "inc-dee"]),
    ("2", [C + "inc-dee", C + "adult-x"]),
    ("3", [C + "inc-dee", C + "adult-x", B + "mr-ex"]),  # owl:sameAs is a step
    ("4", [C + "inc-dee", C + "adult-x", B + "mr-ex", A + "mr-x", B + "inc-cara"]),
], ids=["hops=1", "hops=2", "hops=3", "hops=4"])
def test_within_hops_across_reviews(linked, hops, nodes):
    rows = ask(linked, "within-hops-of-person", {"person": "link-c-2021/dee", "hops": hops}, ["node", "review"])
    same(rows, [(n, n.rsplit("/", 1)[0]) for n in nodes])


def test_within_hops_default_is_two(linked):
    assert sorted(ask(linked, "within-hops-of-person", {"person": "link-c-2021/dee"}, ["node"])) == [
        (C + "adult-x",), (C + "inc-dee",)]


def test_incidents_of_young_person_across_reviews(linked):
    # Cara's inc-cara (2020) and, through C., inc-cara-c (May 2021): resp-cara responds to the
    # latter and, targeting C. in June 2021, is within 183 days of the end of 2020 for the former.
    rows = ask(linked, "incidents-of-young-person", {"person": "link-b-2020/cara"},
               ["incident", "review", "dateText", "response", "link"])
    assert rows == [
        (B + "inc-cara", R + "link-b-2020", "2020", C + "resp-cara", "targets the young person around the time"),
        (C + "inc-cara-c", R + "link-c-2021", "May 2021", C + "resp-cara", "responds to the incident"),
    ]


def test_incidents_of_young_person_responses(linked):
    # Anna's inc-anna (March 2019): resp-disrupt responds to it; resp-plan (January 2019) targets
    # her 29 days before it; resp-old (2015) is years away. Within 10 days only the first remains.
    columns = ["incident", "response", "link", "agency", "responseKind", "responseDateText", "days"]
    same(ask(linked, "incidents-of-young-person", {"person": "link-a-2019/anna"}, columns), [
        (A + "inc-anna", A + "resp-disrupt", "responds to the incident", CODE + "agency/police",
         CODE + "response-kind/disruption", "April 2019", 183),
        (A + "inc-anna", A + "resp-plan", "targets the young person around the time",
         CODE + "agency/childrens-social-care", CODE + "response-kind/plan", "January 2019", 183)])
    same(ask(linked, "incidents-of-young-person", {"person": "link-a-2019/anna", "days": "10"}, ["response"]),
         [(A + "resp-disrupt",)])


# -- the library's contract -------------------------------------------------------------------------

def test_every_saved_question_has_a_description():
    for query in saved_queries().values():
        assert query.description and len(query.description) > 20, query.name


def test_parameters_are_projected():
    # The engine binds a parameter only if the query selects its variable.
    for query in saved_queries().values():
        head = query.text[query.text.index("SELECT"):query.text.index("WHERE")]
        for param in query.params:
            if param.type != "hops":
                assert f"?{param.name}" in head, (query.name, param.name)


def test_missing_required_parameter_is_named(examples):
    saved = saved_query("within-hops-of-person")
    with pytest.raises(QueryError, match="person"):
        run_sparql(examples, saved.text, {}, saved=saved)


def test_unknown_parameter_lists_the_known_ones(examples):
    saved = saved_query("within-hops-of-person")
    with pytest.raises(QueryError) as error:
        run_sparql(examples, saved.text, {"persn": "scr-46-2014/child-r"}, saved=saved)
    assert "persn" in str(error.value) and "person" in str(error.value) and "hops" in str(error.value)


@pytest.mark.parametrize("hops", ["0", "5", "-1", "99"])
def test_hops_outside_its_range_is_refused(examples, hops):
    saved = saved_query("within-hops-of-person")
    with pytest.raises(QueryError, match="between 1 and 4"):
        run_sparql(examples, saved.text, {"person": "scr-46-2014/child-r", "hops": hops}, saved=saved)


def test_hops_must_be_an_integer(examples):
    saved = saved_query("within-hops-of-person")
    with pytest.raises(QueryError, match="hops"):
        run_sparql(examples, saved.text, {"person": "scr-46-2014/child-r", "hops": "2} ; DROP ALL ; {"}, saved=saved)


HOSTILE = ['"} ; DROP ALL ; {', "police\" } UNION { ?s ?p ?agency", "'{}'", "} ; DROP ALL ; {"]


def _size(store: ReviewStore) -> int:
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))[0].value)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_parameter_values_stay_plain_values(examples, hostile):
    before = (_size(examples), examples.review_ids())
    # A string parameter: the value is one literal, matching no agency code.
    assert ask(examples, "response-targets-by-agency", {"agency": hostile}) == []
    # An IRI parameter: not a valid IRI, refused before reaching the engine.
    saved = saved_query("incidents-of-young-person")
    with pytest.raises(QueryError, match="not a valid iri"):
        run_sparql(examples, saved.text, {"person": hostile}, saved=saved)
    assert (_size(examples), examples.review_ids()) == before
