"""The escalation timeline: one lane per person around a young person, an adult or a group, every
review's incidents and responses on one axis, linked records as one, missed links among them."""
from __future__ import annotations

import pytest

from casegraph.analysis.entities import PatternError
from casegraph.analysis.escalation import display_name, escalation
from casegraph.graph.store import ReviewStore
from casegraph.graph.view import build_view
from tests.viz.conftest import load_corpus


@pytest.fixture(scope="module")
def corpus_view(tmp_path_factory):
    """The picture tests' corpus: the examples and the link reviews, Mr X one man across three."""
    with ReviewStore.open(load_corpus(tmp_path_factory.mktemp("escalation") / "store")) as store:
        return build_view(store.review_quads())


@pytest.fixture(scope="module")
def adult_x(corpus_view):
    return escalation(corpus_view, person="link-a-2019/mr-x")


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_one_lane_per_person_across_every_review(adult_x):
    lanes = {lane.name: lane for lane in adult_x.lanes}
    assert adult_x.lanes[0].name == "Mr X" and adult_x.lanes[0].role == "adult"
    assert adult_x.lanes[0].reviews == ("link-a-2019", "link-b-2020", "link-c-2021")  # three records, one man
    assert {"Anna", "Cara", "Dee"} <= set(lanes) and lanes["Cara"].reviews == ("link-b-2020", "link-c-2021")


def test_incidents_on_everyone_in_them_responses_on_whom_they_serve(adult_x):
    incidents = [e for e in adult_x.events if e.kind == "incident"]
    assert [(e.when, sorted(short(l) for l in e.lanes)) for e in incidents] == [
        ("March 2019", ["anna", "mr-x"]), ("2020", ["cara", "mr-x"]), ("2021", ["dee", "mr-x"])]
    responses = [e for e in adult_x.events if e.kind != "incident"]
    assert all("mr-x" not in {short(l) for l in e.lanes} for e in responses)  # a response serves the victim
    assert "Police · Disruption" in {e.detail for e in responses}  # labels, not codes


def test_events_in_date_order_and_missed_links_between_them(adult_x):
    dated = [e.earliest for e in adult_x.events if e.earliest]
    assert dated == sorted(dated)
    assert {(short(a), short(b), reason) for a, b, reason in adult_x.missed} == {
        ("inc-anna", "inc-cara", "different-reviews"), ("inc-anna", "inc-dee", "different-reviews"),
        ("inc-cara", "inc-dee", "different-reviews")}


def test_without_the_links_each_record_stands_alone(corpus_view):
    raw = escalation(corpus_view, person="link-a-2019/mr-x", merged=False)
    assert raw.lanes[0].reviews == ("link-a-2019",) and not raw.missed


def test_one_person_or_one_group(corpus_view):
    with pytest.raises(PatternError, match="one person"):
        escalation(corpus_view)
    with pytest.raises(PatternError, match="one person"):
        escalation(corpus_view, person="link-a-2019/mr-x", group="link-a-2019/men")


def test_a_group_timeline_has_its_members_first(corpus_view):
    found = escalation(corpus_view, group="link-a-2019/men")
    assert found.title.startswith("Escalation timeline of") and found.lanes


def test_the_most_identifying_name_is_shown():
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.add_node("e", names=["Mr H", "Adil Harper", "H"], name="Mr H")
    assert display_name(graph, "e") == "Adil Harper"
