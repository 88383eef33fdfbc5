"""The network for Gephi: GraphML and GEXF 1.3 files networkx reads back with every node, edge and
attribute; CSV tables with headers; a person's ego network; the `export` command's formats.

No XML Schema validator (lxml, xmlschema) nor the GraphML and GEXF XSDs are available offline, so
the files are not checked against the schemas here; the structure the schemas require (namespaces,
versions, declared attribute types, unique ids, edges between declared nodes, XML name-token
GraphML ids) is checked instead. The XML is parsed with the standard library's ElementTree, which
never fetches external entities or DTDs; the files are our own output.
"""
from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.exchange.gephi import EDGE_COLUMNS, NODE_COLUMNS, flat_graph, write_csv, write_gexf, write_graphml
from casegraph.graph.loading import load_paths
from casegraph.graph.store import ReviewStore
from casegraph.graph.view import build_view
from casegraph.viz.network import picture_graph, select
from tests.conftest import EXAMPLES

GEXF = "{http://gexf.net/1.3}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
PERSON = "scr-1-2016/yp"
NMTOKEN = re.compile(r"[\w.:-]+")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("gephi") / "store"
    assert not load_paths([EXAMPLES], path).failed
    return path


@pytest.fixture(scope="module")
def picture(store):
    with ReviewStore.open(store) as opened:
        return picture_graph(build_view(opened.review_quads()))


@pytest.fixture(scope="module")
def flat(picture):
    return flat_graph(picture)


def edges(graph) -> list[tuple]:
    return sorted((u, v, tuple(sorted(d.items()))) for u, v, d in graph.edges(data=True))


def test_flat_graph_keeps_every_entity_with_scalar_attributes(picture, flat):
    assert list(flat) == list(picture) and flat.number_of_edges() == picture.number_of_edges()
    for node, data in flat.nodes(data=True):
        shown = picture.nodes[node]
        assert all(isinstance(value, (str, int)) for value in data.values()), data
        assert data["class"] == shown["style"].label and data["family"] == shown["style"].family
        assert data["reviews"].split("; ") == shown["reviews"] and data["review_count"] == len(shown["reviews"])
        assert data["records"] == len(shown["records"])
        assert set(filter(None, data["harm_types"].split("; "))) == shown["harm"]
        if shown["years"]:
            assert (data["first_year"], data["last_year"]) == (min(shown["years"]), max(shown["years"]))
        else:
            assert "first_year" not in data and "last_year" not in data
    assert {d["relationship"] for _, _, d in flat.edges(data=True)} >= {"HAS_VICTIM", "MEMBER_OF"}
    assert len({k for _, _, k in flat.edges(keys=True)}) == flat.number_of_edges()


def test_graphml_reads_back_with_every_node_edge_and_attribute(flat, tmp_path):
    path = write_graphml(flat, tmp_path / "network.graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    iri = {node: data.pop("iri") for node, data in back.nodes(data=True)}
    assert sorted(iri.values()) == sorted(flat)
    for node, data in back.nodes(data=True):
        assert data == flat.nodes[iri[node]]
    assert edges(nx.relabel_nodes(back, iri)) == edges(flat)
    root = ET.parse(path).getroot()
    assert root.tag == f"{GRAPHML}graphml"
    ids = [n.get("id") for n in root.iter(f"{GRAPHML}node")]
    assert len(set(ids)) == len(ids) and all(NMTOKEN.fullmatch(i) for i in ids)
    keys = {k.get("attr.name"): k.get("attr.type") for k in root.iter(f"{GRAPHML}key") if k.get("for") == "node"}
    assert keys["degree"] in ("int", "long") and keys["first_year"] in ("int", "long") and keys["class"] == "string"


def test_gexf_is_version_1_3_and_reads_back(flat, tmp_path):
    path = write_gexf(flat, tmp_path / "network.gexf", description="test")
    root = ET.parse(path).getroot()
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.3"
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation") == \
        "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
    graph = root.find(f"{GEXF}graph")
    assert graph.get("defaultedgetype") == "directed"
    declared = {(group.get("class"), a.get("title")): a.get("type")
                for group in graph.findall(f"{GEXF}attributes") for a in group.findall(f"{GEXF}attribute")}
    assert declared[("node", "review_count")] == "integer" and declared[("edge", "relationship")] == "string"
    nodes = {n.get("id") for n in graph.iter(f"{GEXF}node")}
    assert nodes == set(flat)
    assert all(e.get("source") in nodes and e.get("target") in nodes for e in graph.iter(f"{GEXF}edge"))
    assert all(n.find("{http://gexf.net/1.3/viz}color") is not None for n in graph.iter(f"{GEXF}node"))

    back = nx.read_gexf(path, version="1.3")
    assert set(back) == set(flat)
    for node, data in back.nodes(data=True):
        data.pop("viz")
        assert data == flat.nodes[node]
    back_edges = sorted((u, v, d["relationship"], d["reviews"], d["review_count"], d["label"])
                        for u, v, d in back.edges(data=True))
    assert back_edges == sorted((u, v, d["relationship"], d["reviews"], d["review_count"], d["label"])
                                for u, v, d in flat.edges(data=True))
    assert path.read_bytes() == write_gexf(flat, tmp_path / "again.gexf", description="test").read_bytes()


def test_csv_has_headers_and_a_row_per_node_and_edge(flat, tmp_path):
    nodes, edges_path = write_csv(flat, tmp_path / "tables")
    with nodes.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == list(NODE_COLUMNS) and [r["id"] for r in rows] == list(flat)
    for row in rows:
        data = flat.nodes[row["id"]]
        assert row == {"id": row["id"], **{c: str(data.get(c, "")) for c in NODE_COLUMNS[1:]}}
    with edges_path.open(encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        assert next(reader) == list(EDGE_COLUMNS)
        assert sorted(map(tuple, reader)) == sorted(
            (u, v, d["relationship"], d["reviews"], str(d["review_count"])) for u, v, d in flat.edges(data=True))


def test_a_person_selection_is_their_ego_network(picture, tmp_path):
    ego = flat_graph(select(picture, "ego", person=PERSON, hops=1))
    assert "https://w3id.org/casegraph/review/scr-1-2016/yp" in ego and 1 < len(ego) < len(picture)
    back = nx.read_gexf(write_gexf(ego, tmp_path / "ego.gexf"), version="1.3")
    assert set(back) == set(ego)
    centre = ego.nodes["https://w3id.org/casegraph/review/scr-1-2016/yp"]
    assert centre["degree"] == len(ego) - 1  # one step: everyone else is a neighbour


def test_text_xml_cannot_carry_is_replaced(tmp_path):
    graph = nx.MultiDiGraph()
    style = type("Style", (), {"label": "young person", "family": "Person", "colour": "#1f77b4"})()
    graph.add_node("x:a", name="Child\x00M\x1b", style=style, reviews=["r-1"], records=[("x:a", "yp")],
                   harm=set(), years={2015, 2016})
    flat = flat_graph(graph)
    for write in (write_gexf, write_graphml):
        ET.parse(write(flat, tmp_path / "out.xml"))  # parses: no forbidden character
    assert flat.nodes["x:a"]["label"] == "Child\ufffdM\ufffd"
    assert (flat.nodes["x:a"]["first_year"], flat.nodes["x:a"]["last_year"]) == (2015, 2016)


# -- the command --------------------------------------------------------------------------------

def run(store, *args):
    return CliRunner().invoke(main, ["export", "--store", str(store), *args])


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv"])
def test_export_command_writes_the_person_view(store, picture, tmp_path, fmt):
    out = tmp_path / ("tables" if fmt == "csv" else f"ego.{fmt}")
    result = run(store, fmt, "--person", PERSON, "--hops", "1", str(out))
    assert result.exit_code == 0, result.output
    expected = flat_graph(select(picture, "ego", person=PERSON, hops=1))
    assert f"{len(expected)} entities, {expected.number_of_edges()} relationships" in result.output
    if fmt == "csv":
        with (out / "nodes.csv").open(encoding="utf-8", newline="") as file:
            assert [row["id"] for row in csv.DictReader(file)] == list(expected)
    elif fmt == "gexf":
        assert set(nx.read_gexf(out, version="1.3")) == set(expected)
    else:
        assert sorted(d["iri"] for _, d in nx.read_graphml(out).nodes(data=True)) == sorted(expected)


def test_export_command_review_restriction_and_errors(store, tmp_path):
    out = tmp_path / "one.graphml"
    result = run(store, "--review", "scr-1-2016", "graphml", str(out))
    assert result.exit_code == 0, result.output
    assert {d["reviews"] for _, d in nx.read_graphml(out).nodes(data=True)} == {"scr-1-2016"}
    both = run(store, "gexf", "--review", "scr-1-2016", "--cross-review", str(tmp_path / "x.gexf"))
    assert both.exit_code == 2 and "choose one view, not --review and --cross-review" in both.output
    unknown = run(store, "gexf", "--person", "nobody", str(tmp_path / "y.gexf"))
    assert unknown.exit_code == 2 and "no person 'nobody'" in unknown.output
    assert not (tmp_path / "y.gexf").exists()


def test_rdf_export_still_works(store, tmp_path):
    out = tmp_path / "all.trig"
    result = run(store, "--format", "trig", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "scr-1-2016" in out.read_text(encoding="utf-8")
