"""The corpus overview's data: a row per review, a line per pair of reviews that share entities
through accepted links (with those entities) or have undecided candidates between them."""
from __future__ import annotations

from collections import Counter

import pytest

from casegraph.linking.results import Candidate
from casegraph.ontology import record_iri
from casegraph.viz.network import picture_graph
from casegraph.viz.overview import overview_data
from tests.viz.conftest import with_areas


@pytest.fixture(scope="module")
def picture(corpus_view):
    return picture_graph(corpus_view)


def _overview(corpus_view, picture, candidates=()):
    index = {node: i for i, node in enumerate(picture)}
    reviews = sorted({r for _, rs in picture.nodes(data="reviews") for r in rs})
    return overview_data(corpus_view, picture, index, reviews, candidates, 0.8), index, reviews


def test_one_row_per_review_sized_by_its_people(corpus_view, picture):
    data, _, reviews = _overview(corpus_view, picture)
    assert [row[1] for row in data["reviews"]] == reviews
    people = Counter(r for _, d in picture.nodes(data=True) if d["style"].family == "Person" for r in d["reviews"])
    assert {row[1]: row[4] for row in data["reviews"]} == {r: people[r] for r in reviews}
    row = next(row for row in data["reviews"] if row[1] == "scr-30-2016")
    assert row[3] == 2016 and row[2] == "SCR 30 (2016): Child M"
    biggest = max(data["reviews"], key=lambda r: r[4])
    assert biggest[8] == max(r[8] for r in data["reviews"])  # the most people, the biggest node


def test_accepted_links_join_the_reviews_that_share_an_entity(corpus_view, picture):
    data, index, reviews = _overview(corpus_view, picture)
    accepted = {(reviews[a], reviews[b]): (count, shared) for a, b, kind, count, _, shared in data["links"]
                if kind == "accepted"}
    mr_x = index[picture.graph["entity_of"][record_iri("link-a-2019/mr-x")]]
    # Mr X, X and Adult X are one adult across the three link reviews; Flat 1 is one place in a and b
    assert mr_x in accepted[("link-a-2019", "link-b-2020")][1]
    assert mr_x in accepted[("link-a-2019", "link-c-2021")][1]
    assert mr_x in accepted[("link-b-2020", "link-c-2021")][1]
    for count, shared in accepted.values():
        assert count == len(shared)
        assert all(len(picture.nodes[list(picture)[i]]["reviews"]) >= 2 for i in shared)


def test_candidates_draw_a_line_of_their_own(corpus_view, picture):
    left, right = record_iri("scr-30-2016/child-m"), record_iri("scr-49-2013/christine")
    candidate = Candidate("c1", left, right, "young-person", 0.93, (), "scr-30-2016", "scr-49-2013")
    within = Candidate("c2", left, record_iri("scr-30-2016/child-m"), "young-person", 0.95, (),
                       "scr-30-2016", "scr-30-2016")  # one review: no line
    linked = Candidate("c3", record_iri("link-a-2019/mr-x"), record_iri("link-b-2020/mr-ex"), "adult", 0.99, (),
                       "link-a-2019", "link-b-2020")  # already one entity through the analysts' links: no line
    data, index, reviews = _overview(corpus_view, picture, [candidate, within, linked])
    lines = [link for link in data["links"] if link[2] == "candidate"]
    assert [(reviews[a], reviews[b], count) for a, b, _, count, _, _ in lines] == [("scr-30-2016", "scr-49-2013", 1)]
    entity_of = picture.graph["entity_of"]
    assert lines[0][5] == sorted({index[entity_of[left]], index[entity_of[right]]})
    assert "0.93" in lines[0][4] and data["threshold"] == 0.8


def test_an_entity_in_many_reviews_is_a_hub_not_a_clique(corpus_view, picture):
    many = picture.copy()
    flat = many.graph["entity_of"][record_iri("link-a-2019/flat")]
    many.nodes[flat]["reviews"] = ["link-a-2019", "link-b-2020", "link-c-2021", "scr-30-2016", "scr-49-2013"]
    data, index, reviews = _overview(corpus_view, many)
    hub = next(h for h in data["hubs"] if h[4] == index[flat])
    assert hub[1] == "Flat 1" and [reviews[i] for i in hub[3]] == sorted(many.nodes[flat]["reviews"])
    assert hub[0] == len(reviews)  # hubs are numbered after the reviews
    assert all(index[flat] not in link[5] for link in data["links"])  # no line between each pair for it
    assert "one entity in 5 reviews" in hub[8]


def test_reviews_of_one_area_are_drawn_together_in_a_named_circle(corpus_view, picture):
    import math

    reviews = sorted({r for _, rs in picture.nodes(data="reviews") for r in rs})
    north, south = reviews[:4], reviews[4:7]
    areas = {**dict.fromkeys(north, "Northbridge"), **dict.fromkeys(south, "Saltmere"), reviews[7]: "Fernbury"}
    data, _, _ = _overview(with_areas(corpus_view, areas), picture)
    circles = {row[0]: row for row in data["areas"]}
    # Fernbury has one review: drawn with the reviews naming no area, not in a circle of its own
    assert set(circles) == {"Northbridge", "Saltmere", "other areas, or none given"}
    assert [reviews[i] for i in circles["Northbridge"][5]] == north and circles["Northbridge"][4] == 4
    assert reviews[7] in [reviews[i] for i in circles["other areas, or none given"][5]]
    row_of = {row[1]: row for row in data["reviews"]}
    for name, (_, x, y, r, _, ids) in circles.items():
        assert all(math.dist(row_of[reviews[i]][6:8], (x, y)) + row_of[reviews[i]][8] <= r + 1 for i in ids), name


def test_no_areas_named_no_circles(corpus_view, picture):
    data, _, _ = _overview(corpus_view, picture)
    assert data["areas"] == []
