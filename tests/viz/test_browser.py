"""Pages opened in headless Chromium with the network refused: nothing fetched, no errors, the
counts drawn equal the graph's, filters hide what they should, hostile names stay text."""
from __future__ import annotations

import pytest

from casegraph.ontology import record_iri
from casegraph.viz.network import picture_graph, select
from casegraph.viz.page import write_page
from tests.viz.conftest import legible_labels, with_areas


@pytest.fixture(scope="module")
def picture(corpus_view):
    return picture_graph(corpus_view)


@pytest.fixture(scope="module")
def whole_page(picture, tmp_path_factory):
    return write_page(picture, tmp_path_factory.mktemp("pages") / "whole.html", title="All reviews")


@pytest.fixture
def opened(open_page, whole_page):
    page = open_page(whole_page)
    yield page
    assert not page.requests, page.requests
    assert not page.errors, page.errors


def _edges_among(graph, nodes) -> int:
    return graph.subgraph(nodes).number_of_edges()


def _select(opened, selector: str, label: str) -> None:
    opened.page.select_option(selector, label=label)


def _lone(picture) -> set:
    return {n for n in picture if picture.degree(n) == 0}


def test_page_draws_every_connected_node_and_keeps_the_lone_out_of_the_way(opened, picture):
    lone, total, edges = _lone(picture), picture.number_of_nodes(), picture.number_of_edges()
    assert lone  # recommendations and professionals no one links to
    assert opened.rendered() == {"nodes": total - len(lone), "edges": edges}
    assert opened.page.inner_text("#status") == (f"Showing {total - len(lone)} of {total} entities and {edges} of "
                                                 f"{edges} relationships. {len(lone)} with no relationships are "
                                                 "hidden (tick the box to show them).")
    opened.page.check("#lone")
    assert opened.rendered() == {"nodes": total, "edges": edges}
    assert opened.page.inner_text("#status") == f"Showing {total} of {total} entities and {edges} of {edges} relationships."


def test_review_filter_shows_only_that_review(opened, picture):
    _select(opened, "#review-filter", "link-b-2020")
    kept = [n for n, reviews in picture.nodes(data="reviews") if "link-b-2020" in reviews and n not in _lone(picture)]
    assert opened.rendered() == {"nodes": len(kept), "edges": _edges_among(picture, kept)}
    opened.page.click("#reset")
    assert opened.rendered()["nodes"] == picture.number_of_nodes()


def test_class_filter_hides_a_class(opened, picture):
    opened.page.get_by_label("incident", exact=True).uncheck()
    kept = [n for n, style in picture.nodes(data="style") if style.name != "Incident" and n not in _lone(picture)]
    assert opened.rendered() == {"nodes": len(kept), "edges": _edges_among(picture, kept)}


def test_harm_and_year_filters(opened, picture):
    _select(opened, "#harm-filter", "criminal-exploitation")
    kept = [n for n, harm in picture.nodes(data="harm") if "criminal-exploitation" in harm and n not in _lone(picture)]
    assert opened.rendered() == {"nodes": len(kept), "edges": _edges_among(picture, kept)}
    _select(opened, "#harm-filter", "all harm types")
    opened.page.fill("#year-from", "2020")
    opened.page.fill("#year-to", "2020")
    opened.page.dispatch_event("#year-to", "change")
    kept = [n for n, years in picture.nodes(data="years") if (not years or 2020 in years) and n not in _lone(picture)]
    assert opened.rendered() == {"nodes": len(kept), "edges": _edges_among(picture, kept)}
    assert len(kept) < picture.number_of_nodes()


def test_search_selects_matches(opened, picture):
    opened.page.fill("#search", "Mr X")
    assert opened.page.inner_text("#search-result") == "1 match"
    index = list(picture).index(record_iri("link-a-2019/mr-x"))
    assert opened.page.evaluate("() => window.casegraph.network.getSelectedNodes()") == [index]


def test_hostile_names_show_as_text(opened, picture):
    page = opened.page
    index = list(picture).index(record_iri("hostile-2022/markup"))
    page.evaluate(f"() => window.casegraph.network.focus({index}, {{scale: 1.5, animation: false}})")
    point = page.evaluate(f"""() => {{
        const network = window.casegraph.network;
        const dom = network.canvasToDOM(network.getPositions([{index}])[{index}]);
        const box = document.getElementById('network').getBoundingClientRect();
        return {{x: box.left + dom.x, y: box.top + dom.y}};
    }}""")
    page.mouse.move(point["x"], point["y"])
    tooltip = page.wait_for_selector("div.vis-tooltip", state="visible")
    assert tooltip.inner_text().startswith('<img src=x onerror="window.__pwned=1">')
    # innerText turns line breaks into <br>; nothing else may become an element
    assert tooltip.evaluate("t => Array.from(t.children).every(c => c.tagName === 'BR')")
    page.mouse.click(point["x"], point["y"])
    assert page.inner_text("#details").startswith('<img src=x onerror="window.__pwned=1">')
    page.evaluate("() => window.casegraph.find('pwned')")  # search through the hostile titles too
    assert page.evaluate("() => document.querySelectorAll('img, b, iframe').length") == 0
    assert page.evaluate("() => window.__pwned") is None
    assert page.title() == "All reviews"


def test_a_view_draws_only_its_part(open_page, picture, tmp_path):
    shown = select(picture, "cross-review")
    opened = open_page(write_page(shown, tmp_path / "cross.html", title="Across reviews"))
    assert opened.rendered() == {"nodes": 9, "edges": 10}
    legend = opened.page.inner_text("#legend")
    assert "unconnected adult" in legend and "incident" in legend and "young person" in legend
    assert not opened.requests and not opened.errors


def test_a_large_page_opens_with_physics_off(open_page, tmp_path):
    import networkx as nx

    from casegraph.viz.style import class_styles

    style = class_styles()["Incident"]
    graph = nx.MultiDiGraph()  # built by hand, with the node attributes a page reads: above the physics limit
    for i in range(2500):
        graph.add_node(f"n{i}", name=f"n{i}", style=style, labels={"Record", "Incident"}, reviews=["r"],
                       records=[(f"n{i}", "incident")], harm=set(), years=set(), dates=[], evidence=[])
    for i in range(1, 2500):
        graph.add_edge(f"n{i}", f"n{(i * 7) % i}", key="RESPONDS_TO", type="RESPONDS_TO", reviews={"r"})
    opened = open_page(write_page(graph, tmp_path / "big.html", title="Big"))
    assert opened.rendered() == {"nodes": 2500, "edges": 2499}
    assert opened.page.evaluate("() => window.casegraph.network.physics.physicsEnabled") is False
    assert not opened.requests and not opened.errors


def test_a_page_of_only_lone_records_shows_them(open_page, tmp_path):
    import networkx as nx

    from casegraph.viz.style import class_styles

    style = class_styles()["Recommendation"]
    graph = nx.MultiDiGraph()
    for i in range(3):
        graph.add_node(f"r{i}", name=f"r{i}", style=style, labels={"Record", "Recommendation"}, reviews=["r"],
                       records=[(f"r{i}", "recommendation")], harm=set(), years=set(), dates=[], evidence=[])
    opened = open_page(write_page(graph, tmp_path / "lone.html", title="Lone"))
    assert opened.rendered() == {"nodes": 3, "edges": 0}  # nothing else to show: they are not hidden
    assert not opened.requests and not opened.errors


def test_a_person_page_marks_the_person_it_is_about(open_page, corpus_view, tmp_path):
    from casegraph.viz import network_page

    network_page(corpus_view, tmp_path / "ego.html", show="ego", person="link-a-2019/mr-x")
    opened = open_page(tmp_path / "ego.html")
    assert opened.page.inner_text("#status").startswith("Centred on Mr X. Showing ")
    marked = opened.page.evaluate("() => window.casegraph.nodes.get().filter(n => n.borderWidth === 7)"
                                  ".map(n => [n.name, n.color.border])")
    assert marked == [["Mr X", "#000"]]
    ego = [label for label in opened.page.evaluate("() => window.casegraph.labels()") if label["text"] == "Mr X"]
    assert [label["size"] for label in ego] == [15]  # larger than every other label
    assert not opened.requests and not opened.errors


def test_a_whole_page_marks_no_one(opened):
    assert not opened.page.inner_text("#status").startswith("Centred on")


def test_the_lone_box_is_gone_when_there_are_none(open_page, corpus_view, tmp_path):
    from casegraph.viz import network_page

    network_page(corpus_view, tmp_path / "ego.html", show="ego", person="link-a-2019/mr-x")
    opened = open_page(tmp_path / "ego.html")
    assert not opened.page.is_visible("#lone-control")


def test_labels_are_legible_and_apart_and_the_ones_that_matter_are_all_there(opened, picture):
    labels = legible_labels(opened.page)
    must = set(opened.page.evaluate("() => window.casegraph.data.mustLabel"))
    on_screen = set(opened.page.evaluate("""() => {
        const network = window.casegraph.network, box = document.getElementById('network').getBoundingClientRect();
        return network.body.nodeIndices.filter(id => {
            const p = network.canvasToDOM(network.getPosition(id));
            return p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height;
        });
    }"""))
    assert must & on_screen <= {label["id"] for label in labels}
    cross = {i for i, node in enumerate(picture) if len(picture.nodes[node]["reviews"]) >= 2}
    assert cross <= must  # entities two reviews recorded are always named (fewer here than the cap)
    assert {label["text"] for label in labels} >= {"Mr X", "Flat 1", "Cara"}


def test_zooming_in_names_the_nodes_that_had_no_room(opened):
    before = {label["id"] for label in opened.page.evaluate("() => window.casegraph.labels()")}
    unnamed = opened.page.evaluate("() => window.casegraph.nodeView.getIds()")
    unnamed = [i for i in unnamed if i not in before]
    assert unnamed
    node = unnamed[0]
    opened.page.evaluate(f"() => window.casegraph.network.focus({node}, {{scale: 3, animation: false}})")
    opened.page.wait_for_timeout(100)
    assert node in {label["id"] for label in legible_labels(opened.page)}


def test_colour_by_review(opened, picture):
    opened.page.select_option("#colour-by", "review")
    colours = opened.page.evaluate("() => window.casegraph.nodes.get().map(n => [n.reviews, n.color.background])")
    by_review = {}
    for reviews, colour in colours:
        if len(reviews) > 1:
            assert colour == "#ffffff"  # several reviews: white, with the thick border
        else:
            by_review.setdefault(reviews[0], set()).add(colour)
    assert all(len(c) == 1 for c in by_review.values())
    assert len({next(iter(c)) for c in by_review.values()}) == 12  # the palette's twelve, repeating past them
    assert opened.page.is_visible("#review-legend")
    opened.page.select_option("#colour-by", "class")
    assert not opened.page.is_visible("#review-legend")
    young = opened.page.evaluate("() => window.casegraph.nodes.get().filter(n => n.cls === 0).map(n => n.color.background)")
    assert set(young) == {"#0072B2"}


@pytest.fixture(scope="module")
def overview_page(corpus_view, tmp_path_factory):
    from casegraph.viz import network_page

    path = tmp_path_factory.mktemp("overview") / "corpus.html"
    network_page(corpus_view, path)  # the whole corpus: opens on the overview
    return path


def test_the_whole_corpus_opens_on_its_reviews(open_page, overview_page, picture):
    opened = open_page(overview_page)
    reviews = sorted({r for _, rs in picture.nodes(data="reviews") for r in rs})
    assert opened.rendered()["nodes"] == len(reviews)
    assert opened.page.is_visible("#overview-network") and not opened.page.is_visible("#network")
    assert opened.page.inner_text("#status").startswith(f"{len(reviews)} reviews. 3 pairs of reviews share ")
    labels = legible_labels(opened.page)
    assert {"link-a-2019", "link-b-2020", "link-c-2021"} <= {label["text"] for label in labels}
    assert opened.page.evaluate("() => window.casegraph.nodes") is None  # entities not built until asked for
    assert not opened.requests and not opened.errors


def test_a_click_on_a_review_opens_its_entities(open_page, overview_page, picture):
    opened = open_page(overview_page)
    reviews = sorted({r for _, rs in picture.nodes(data="reviews") for r in rs})
    at = reviews.index("link-b-2020")
    opened.page.evaluate(f"() => window.casegraph.overview.network.emit('click', {{nodes: [{at}], edges: []}})")
    opened.page.wait_for_function("() => window.casegraph.isReady()")
    assert opened.page.is_visible("#network") and not opened.page.is_visible("#overview-network")
    kept = [n for n, rs in picture.nodes(data="reviews") if "link-b-2020" in rs and picture.degree(n)]
    assert opened.rendered()["nodes"] == len(kept)
    assert opened.page.input_value("#review-filter") == str(at)
    assert opened.page.inner_text("#status").startswith("Review link-b-2020 (from the overview). Showing ")
    opened.page.click("#mode-overview")
    assert opened.rendered()["nodes"] == len(reviews)
    opened.page.click("#mode-entities")
    assert opened.rendered()["nodes"] == len([n for n in picture if picture.degree(n)])
    assert not opened.requests and not opened.errors


def test_a_click_on_a_line_selects_what_the_reviews_share(open_page, overview_page, picture):
    opened = open_page(overview_page)
    data = opened.page.evaluate("() => JSON.parse(document.getElementById('casegraph-overview').textContent)")
    line = next(i for i, link in enumerate(data["links"]) if link[2] == "accepted")
    opened.page.evaluate(f"() => window.casegraph.overview.network.emit('click', {{nodes: [], edges: [{line}]}})")
    opened.page.wait_for_function("() => window.casegraph.isReady()")
    selected = opened.page.evaluate("() => window.casegraph.network.getSelectedNodes()")
    assert sorted(selected) == sorted(data["links"][line][5]) and selected
    a, b = (data["reviews"][data["links"][line][k]][1] for k in (0, 1))
    kept = [n for n, rs in picture.nodes(data="reviews") if {a, b} & set(rs) and picture.degree(n)]
    assert opened.rendered()["nodes"] == len(kept)
    assert opened.page.inner_text("#details").startswith(f"{a} and {b} share ")


def test_a_hub_stands_for_an_entity_in_many_reviews_and_opens_it(open_page, corpus_view, picture, tmp_path):
    from casegraph.viz.overview import overview_data

    many = picture.copy()
    flat = many.graph["entity_of"][record_iri("link-a-2019/flat")]
    many.nodes[flat]["reviews"] = ["link-a-2019", "link-b-2020", "link-c-2021", "scr-30-2016", "scr-49-2013"]
    path = write_page(many, tmp_path / "hub.html", title="Hub",
                      overview=lambda index, reviews: overview_data(corpus_view, many, index, reviews))
    opened = open_page(path)
    reviews = sorted({r for _, rs in many.nodes(data="reviews") for r in rs})
    assert opened.rendered()["nodes"] == len(reviews) + 1
    assert "Flat 1" in {label["text"] for label in legible_labels(opened.page)}
    opened.page.evaluate(f"() => {{ window.casegraph.overview.network.emit('click', {{nodes: [{len(reviews)}], edges: []}}); }}")
    opened.page.wait_for_function("() => window.casegraph.isReady()")
    assert opened.page.evaluate("() => window.casegraph.network.getSelectedNodes()") == [list(many).index(flat)]
    assert opened.page.inner_text("#status").startswith("Flat 1, in 5 reviews (selected). Showing ")
    assert not opened.requests and not opened.errors


def test_an_edge_says_what_it_is_and_which_reviews_state_it(opened, picture):
    from casegraph.viz.style import relationship_labels

    start, end, kind, data = next(iter(picture.edges(keys=True, data=True)))
    label = relationship_labels().get(kind, kind.lower().replace("_", " "))
    expected = (f"{picture.nodes[start]['name']} {label} {picture.nodes[end]['name']}\n"
                f"({kind}; stated in {', '.join(sorted(data['reviews'])) or 'the ontology'})")
    assert opened.page.evaluate("() => window.casegraph.edges.get(0).title") == expected
    assert opened.page.evaluate("() => window.casegraph.edges.get(0).label") == label


def test_areas_are_named_circles_and_a_click_in_one_opens_its_reviews(open_page, corpus_view, picture, tmp_path):
    from casegraph.viz.overview import overview_data

    reviews = sorted({r for _, rs in picture.nodes(data="reviews") for r in rs})
    areas = {**dict.fromkeys(reviews[:4], "Northbridge"), **dict.fromkeys(reviews[4:8], "Saltmere")}
    view = with_areas(corpus_view, areas)
    path = write_page(picture, tmp_path / "areas.html", title="Areas",
                      overview=lambda index, order: overview_data(view, picture, index, order))
    opened = open_page(path)
    captions = opened.page.evaluate("() => window.casegraph.overview.captions()")
    assert {c["text"] for c in captions} == {"Northbridge 4 reviews", "Saltmere 4 reviews",
                                             f"other areas, or none given {len(reviews) - 8} reviews"}
    for label, caption in ((a, b) for a in legible_labels(opened.page) for b in captions):  # names kept clear
        assert (label["x"] + label["w"] <= caption["x"] or caption["x"] + caption["w"] <= label["x"] or
                label["y"] + label["h"] <= caption["y"] or caption["y"] + caption["h"] <= label["y"]), (label, caption)
    north = next(a for a in opened.page.evaluate(
        "() => JSON.parse(document.getElementById('casegraph-overview').textContent).areas") if a[0] == "Northbridge")
    opened.page.evaluate(f"() => window.casegraph.overview.network.emit('click', {{nodes: [], edges: [], "
                         f"pointer: {{canvas: {{x: {north[1]}, y: {north[2] - north[3] + 2}}}}}}})")
    opened.page.wait_for_function("() => window.casegraph.isReady()")
    assert opened.page.inner_text("#status").startswith("Northbridge: its 4 reviews (from the overview). Showing ")
    kept = [n for n, rs in picture.nodes(data="reviews") if set(reviews[:4]) & set(rs) and picture.degree(n)]
    assert opened.rendered()["nodes"] == len(kept)
    assert not opened.requests and not opened.errors
