"""A review's profile (`casegraph show`), read from its own graph: the example reviews, the minimal
review, tests/data/profile (incidents out of date order, twelve young people) and review/2 terms
written into a stored review's graph directly, so they are read whatever the loaders write yet."""
from __future__ import annotations

import pytest
import yaml

from casegraph.errors import ReviewNotFound
from casegraph.graph.loading import load_paths
from casegraph.graph.store import ReviewStore
from casegraph.ontology import concept_iri, vocabulary
from casegraph.queries.profile import Code, review_profile
from tests.conftest import DATA, EXAMPLES, MINIMAL

PROFILE = DATA / "profile" / "profile-2019.yaml"
ITEM_SECTIONS = ("people", "groups", "places", "relationships", "incidents", "contexts", "responses",
                 "challenges", "recommendations")
# Rows a profile's record counts must never have: superclasses, the review, evidence excerpts and
# alignments outside the ontology (prov:Entity, rdf:Statement), which the old `show` listed.
NEVER_ROWS = {"Entity", "Statement", "record", "person", "place", "group", "context association",
              "evidence excerpt", "review"}


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("profile") / "store"
    report = load_paths([EXAMPLES, MINIMAL, PROFILE], path)
    assert not report.failed, [str(r.error) for r in report.failed]
    return path


@pytest.fixture(scope="module")
def store(store_path):
    with ReviewStore.open(store_path) as opened:
        yield opened


def label(scheme: str, code: str) -> str:
    return vocabulary().label(concept_iri(scheme, code))


def test_scr_30_what_the_review_is(store):
    profile = review_profile(store, "scr-30-2016")
    assert (profile.id, profile.title, profile.year) == ("scr-30-2016", "SCR 30 (2016): Child M", 2016)
    assert profile.kind == Code("scr", label("review-kind", "scr"))
    # the study does not state SCR 30's harm type: not-stated, with the study's words in harm_note
    assert profile.harm_types == [Code("not-stated", label("harm-type", "not-stated"))]
    assert profile.harm_note.startswith("substantial concerns about Child M's safety")
    assert profile.source == "Firmin, Manister and Peace (2022), SCR 30"
    assert profile.summary.startswith("Child M's parents believe Mr C")
    assert profile.level == Code("local", label("review-level", "local"))  # an SCR: a local review
    assert profile.authors == [] and profile.published is None  # the study names no author or date
    # the young people first, then the roles as ROLE_ORDER puts them; names sorted within a role
    assert {role: [p.name for p in people] for role, people in profile.people.items()} == {
        "young person": ["Child M"], "family member or carer": ["Child M's father"], "unconnected adult": ["Mr C"],
        "professional": ["Social care colleagues (Surrey)", "Social care staff (Reading)"]}
    assert list(profile.people) == ["young person", "family member or carer", "unconnected adult", "professional"]
    child = profile.people["young person"][0]
    assert (child.id, child.gender) == ("child-m", label("gender", "female"))
    assert profile.people["professional"][0].agency == label("agency", "childrens-social-care")
    assert [(p.name, p.kind) for p in profile.places] == [
        ("Child M's school", "school"), ("Reading (where Child M was found)", "other place"),
        ("Vicinity of Child M's school", "public space")]
    assert profile.incidents == [] and profile.recommendations == 0
    assert profile.responses == {label("agency", "childrens-social-care"): 3}
    # 15 items in the file, each counted once under its most specific class
    assert profile.records == {"context of harm": 2, "professional": 2, "professional response": 2,
                               "relationship": 2, "case closure": 1, "family member or carer": 1,
                               "other place": 1, "public space": 1, "school": 1, "unconnected adult": 1,
                               "young person": 1}
    # 182 in the review/1 file, plus review/2's cg:reviewLevel and cg:harmNote, plus the 4
    # cg:connectedThrough derived on loading (Child M to Mr C, her father, her school and near it)
    assert profile.loaded_from.endswith("scr-30-2016.yaml") and profile.triples == 188


def test_minimal_groups_incidents_and_recommendations(store):
    profile = review_profile(store, "test-review-2016")
    assert profile.area == "Testshire"
    assert [(g.name, g.kind, g.members) for g in profile.groups] == [
        ("Men at House A", "organised adult group", ["Mr A"])]
    first, second = profile.incidents
    assert (first.id, first.date, first.earliest) == ("inc-1", "early 2015", "2015-01-01")
    assert first.victims == ["Child T"] and first.perpetrators == ["Men at House A", "Mr A"]
    assert first.places == ["House A"] and first.harm_types == [label("harm-type", "sexual-exploitation")]
    assert (second.id, second.date, second.earliest) == ("inc-2", "aged about 14", None)  # an age: undated
    assert second.places == ["park-1"]  # a place without a name goes by its id
    assert [(p.name, p.age) for p in profile.people["young person"]] == [("Child T", "about 14")]
    assert profile.people["professional"][0].name == "sw-1"
    assert profile.recommendations == 1
    assert profile.recommendations_by_level == {label("recommendation-level", "local"): 1}


def test_incidents_by_earliest_date_undated_last(store):
    profile = review_profile(store, "profile-2019")
    assert [i.id for i in profile.incidents] == ["e-may-2014", "d-early-2015", "b-2016", "a-undated", "c-aged"]
    assert [i.date for i in profile.incidents] == ["May 2014", "early 2015", "2016", None, "aged 15"]
    assert profile.incidents[2].victims == ["Young person 01", "Young person 02"]
    assert len(profile.people["young person"]) == 12 and profile.people_count == 13
    assert profile.synthetic and profile.kind.code == "thematic"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")) + [MINIMAL, PROFILE], ids=lambda p: p.stem)
def test_every_record_counted_once_under_its_own_class(store, path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    profile = review_profile(store, data["review"]["id"])
    assert sum(profile.records.values()) == sum(len(data.get(section) or []) for section in ITEM_SECTIONS)
    assert not NEVER_ROWS & set(profile.records)


def test_unknown_review_is_review_not_found(store):
    with pytest.raises(ReviewNotFound, match="no review 'scr-30-2061'.*did you mean 'scr-30-2016'"):
        review_profile(store, "scr-30-2061")


REVIEW2 = """BASE <https://w3id.org/casegraph/review/>
INSERT DATA { GRAPH <test-review-2016> {
  <test-review-2016> cg:author <test-review-2016/author-1> ;
      cg:reviewLevel <https://w3id.org/casegraph/code/review-level/national> ;
      cg:publishedText "2021-06" ; cg:commissionedText "March 2020" ;
      cg:findingsCount 8 ; cg:recommendationsCount 14 ; cg:harmNote "an intimate search at school" ;
      cg:hasCohort <test-review-2016/cohort> .
  <test-review-2016/cohort> a cg:Cohort, cg:Detail ; cg:cohortSize 60 ; cg:description "60 young people" .
  <test-review-2016/author-1> a cg:Reviewer, cg:Person, cg:Record ; rdfs:label "Jane Author" .
  <test-review-2016/child-t> cg:ethnicity "Black British" ; cg:lookedAfter true ;
      cg:hasOutcome <test-review-2016/child-t/outcome-1> .
  <test-review-2016/child-t/outcome-1> a cg:Outcome, cg:Detail ;
      cg:outcomeKind <https://w3id.org/casegraph/code/outcome-kind/died> .
  <test-review-2016/mr-a> cg:ethnicityCode <https://w3id.org/casegraph/code/ethnicity/white-british> .
  <test-review-2016/inc-2> cg:sameEventAs <other-2020/inc-9> ; cg:harmNote "an assault in the park" .
} }"""


def test_review2_terms_are_read_when_present(tmp_path):
    path = tmp_path / "store"
    assert not load_paths([MINIMAL], path).failed
    with ReviewStore.open(path, write=True) as writable:
        writable.update(REVIEW2)
    with ReviewStore.open(path) as opened:
        profile = review_profile(opened, "test-review-2016")
    assert profile.level == Code("national", label("review-level", "national"))
    assert (profile.published, profile.commissioned) == ("2021-06", "March 2020")
    assert (profile.stated_findings, profile.stated_recommendations) == (8, 14)
    assert (profile.cohort_size, profile.cohort_description) == (60, "60 young people")
    assert profile.harm_note == "an intimate search at school"
    assert profile.authors == ["Jane Author"]
    # an author, not a person in the case
    assert "Jane Author" not in {p.name for people in profile.people.values() for p in people}
    child = profile.people["young person"][0]
    assert (child.ethnicity, child.looked_after) == ("Black British", True)
    assert child.outcome == label("outcome-kind", "died")
    assert profile.people["unconnected adult"][0].ethnicity == label("ethnicity", "white-british")
    assault = profile.incidents[1]
    assert (assault.same_as, assault.harm_note) == (["other-2020/inc-9"], "an assault in the park")
    # the cohort and the outcome are details of records, not records; the author is a record
    assert sum(profile.records.values()) == 17 + 1
