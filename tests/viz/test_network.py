"""The drawable graph and its views, on the examples, the linked link-* reviews and the hostile review."""
from __future__ import annotations

import pytest

from casegraph.analysis.entities import PatternError
from casegraph.ontology import record_iri, short_id
from casegraph.viz.network import VizError, iris_in, measure, picture_graph, select, tooltip
from casegraph.viz.style import PALETTE, class_styles, legend_class


@pytest.fixture(scope="module")
def picture(corpus_view):
    return picture_graph(corpus_view)


def ids(graph) -> list[str]:
    return sorted(short_id(node) for node in graph)


def test_linked_records_are_one_entity_with_every_review(picture):
    mr_x = picture.graph["entity_of"][record_iri("link-c-2021/adult-x")]
    assert short_id(mr_x) == "link-a-2019/mr-x"
    assert picture.nodes[mr_x]["reviews"] == ["link-a-2019", "link-b-2020", "link-c-2021"]
    assert [short_id(r) for r, _ in picture.nodes[mr_x]["records"]] == [
        "link-a-2019/mr-x", "link-b-2020/mr-ex", "link-c-2021/adult-x"]


def test_raw_picture_keeps_every_record(corpus_view, picture):
    raw = picture_graph(corpus_view, merged=False)
    # Mr X's three records, the flat's two and Cara's two are 4 entities fewer when linked.
    assert raw.number_of_nodes() == picture.number_of_nodes() + 4
    assert not [n for n, reviews in raw.nodes(data="reviews") if len(reviews) > 1]


def test_relationship_records_are_edges_not_nodes(corpus_view, picture):
    assert not [iri for iri, node in corpus_view.nodes.items() if "Relationship" in node.labels]  # edges in the view
    dan, anna = record_iri("link-a-2019/dan"), record_iri("link-a-2019/anna")
    assert picture.has_edge(dan, anna, key="FRIEND_OF")
    friends = [r for r in corpus_view.relationships if r.type == "FRIEND_OF" and r.start == dan]
    assert friends and friends[0].properties["iri"].startswith(record_iri("link-a-2019/"))  # the record, on its edge


def test_cross_review_view_is_the_linked_entities(picture):
    assert ids(select(picture, "cross-review", hops=0)) == ["link-a-2019/flat", "link-a-2019/mr-x", "link-b-2020/cara"]
    around = select(picture, "cross-review")  # one step by default
    assert ids(around) == ["link-a-2019/flat", "link-a-2019/inc-anna", "link-a-2019/inc-bea", "link-a-2019/men",
                           "link-a-2019/mr-x", "link-b-2020/cara", "link-b-2020/inc-cara", "link-c-2021/inc-cara-c",
                           "link-c-2021/inc-dee"]


def test_cross_review_view_of_the_raw_graph_is_empty(corpus_view):
    assert len(select(picture_graph(corpus_view, merged=False), "cross-review")) == 0


def test_review_view_includes_entities_linked_from_other_reviews(picture):
    assert ids(select(picture, "review", review="link-b-2020")) == [
        "link-a-2019/flat", "link-a-2019/mr-x", "link-b-2020/cara", "link-b-2020/inc-cara"]


def test_unknown_review_names_a_close_one(picture):
    with pytest.raises(VizError, match="no review 'scr-30' in the stored reviews; did you mean 'scr-30-2016'"):
        select(picture, "review", review="scr-30")


def test_ego_view_follows_connections_not_responses(picture):
    assert ids(select(picture, "ego", person="link-a-2019/anna", hops=1)) == [
        "link-a-2019/anna", "link-a-2019/dan", "link-a-2019/inc-anna"]
    two = ids(select(picture, "ego", person="link-a-2019/anna", hops=2))
    assert "link-a-2019/mr-x" in two and "link-a-2019/flat" in two
    assert not [n for n in two if "/resp" in n]


def test_ego_view_of_an_unknown_person(picture):
    with pytest.raises(PatternError, match="no person 'link-a-2019/ana'.*did you mean 'link-a-2019/anna'"):
        select(picture, "ego", person="link-a-2019/ana")
    with pytest.raises(VizError, match="needs a person"):
        select(picture, "ego")


def test_records_view_takes_the_entities_of_query_results(picture):
    rows = [[record_iri("link-c-2021/adult-x"), "Adult X"], [{"iri": record_iri("link-a-2019/anna")}]]
    assert ids(select(picture, "records", records=iris_in(rows))) == ["link-a-2019/anna", "link-a-2019/mr-x"]
    with pytest.raises(VizError, match="names no record"):
        select(picture, "records", records=["https://example.org/nothing"])


def test_unknown_view(picture):
    with pytest.raises(VizError, match="unknown view 'everything'"):
        select(picture, "everything")


def test_people_and_places_take_harm_types_and_years_of_their_incidents(picture):
    street = picture.nodes[record_iri("hostile-2022/brace")]
    # county-lines is coded; its Table 3 type criminal-exploitation comes with it
    assert street["harm"] == {"county-lines", "criminal-exploitation"}
    assert street["years"] == {2021}
    assert street["style"].name == "PublicSpace"


def test_tooltip_is_plain_text_with_records_dates_and_evidence(picture):
    text = tooltip(picture, record_iri("hostile-2022/inc-h"))
    assert text.splitlines() == [
        "March 2021: county lines", "incident; 1 record(s) in 1 review(s): hostile-2022", "  hostile-2022/inc-h (incident)",
        "when: March 2021", "harm types: county-lines, criminal-exploitation",
        "evidence (hostile-2022, p. 2): \u201c<script>window.__pwned=3</script> was written in the file\u201d"]


def test_measures(picture):
    mr_x = record_iri("link-a-2019/mr-x")
    assert measure(picture, "reviews")[mr_x] == 3
    degree = measure(picture, "degree")
    assert degree[mr_x] == len(set(picture.predecessors(mr_x)) | set(picture.successors(mr_x)))
    assert max(measure(picture, "betweenness").values()) > 0
    with pytest.raises(VizError, match="unknown measure 'size'"):
        measure(picture, "size")


def test_every_drawn_class_of_the_ontology_has_a_style():
    styles = class_styles()
    assert {"YoungPerson", "Peer", "UnconnectedAdult", "PublicSpace", "School", "OnlineSpace",
            "AccommodationOrService", "Incident", "ProfessionalResponse"} <= set(styles)
    assert "Relationship" not in styles
    assert {s.shape for s in styles.values() if s.family == "Person"} == {"dot"}
    assert {s.shape for s in styles.values() if s.family == "Place"} == {"square"}
    for family in {s.family for s in styles.values()}:  # shape tells families apart, colour a family's classes
        colours = [s.colour for s in styles.values() if s.family == family]
        assert len(set(colours)) == len(colours), family
    assert len({(s.colour, s.shape) for s in styles.values()}) == len(styles)
    assert {s.colour for s in styles.values()} <= set(PALETTE)  # Okabe-Ito: safe for any colour vision
    assert styles["YoungPerson"].colour != styles["Peer"].colour != styles["UnconnectedAdult"].colour


def test_legend_class_is_at_most_two_levels_below_record():
    assert legend_class({"Record", "Place", "PublicSpace", "Park"}).name == "PublicSpace"
    assert legend_class({"Record", "Incident"}).name == "Incident"
    assert legend_class({"Review"}) is None


@pytest.mark.parametrize("record, name", [
    ("hostile-2022/inc-h", "March 2021: county lines"),
    ("scr-19-2017/inc-address", "drug misuse, sexual exploitation"),
    ("scr-21-2017/resp-closure", "childrens social care, case closure"),
    ("scr-18-2017/rec-links", "systems cannot identify links"),
    ("link-a-2019/mr-x", "Mr X"),  # a name the review gave is kept
])
def test_records_with_only_an_id_are_named_by_their_codes(picture, record, name):
    assert picture.nodes[picture.graph["entity_of"][record_iri(record)]]["name"] == name


def test_a_view_keeps_the_pictures_order_whatever_the_hash_seed(corpus_path):
    """The same view gives the same page in every run: its nodes come in the picture's order,
    not in the order of a set of strings (which changes with PYTHONHASHSEED)."""
    import os
    import subprocess
    import sys

    code = ("from casegraph.graph.store import ReviewStore\n"
            "from casegraph.graph.view_cache import view_of_store\n"
            "from casegraph.viz.network import picture_graph, select\n"
            f"with ReviewStore.open({str(corpus_path)!r}) as store:\n"
            "    picture = picture_graph(view_of_store(store))\n"
            "shown = select(picture, 'cross-review')\n"
            "assert list(shown) == [n for n in picture if n in shown]\n"
            "print(list(shown), list(shown.edges(keys=True)))\n")
    runs = {subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": seed},
                           capture_output=True, text=True, check=True).stdout for seed in ("1", "2", "3")}
    assert len(runs) == 1
