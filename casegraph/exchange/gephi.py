"""The network as files Gephi (and yEd, Cytoscape, networkx, a spreadsheet) opens: GraphML, GEXF 1.3
and two CSV tables with headers.

`flat_graph(picture)` takes the drawable graph of `casegraph.viz.network.picture_graph`, or any
view of it `casegraph.viz.network.select` chooses (one review, a person's ego network, the
entities across reviews), and keeps only what these formats can hold, one scalar per attribute,
so that Gephi can filter and colour on each:

- a node per entity, keyed by its IRI, with ``label`` (the display name), ``class`` (the legend
  class's label, "young person"), ``family`` (``Person``, ``Place``, ``Incident``, ...),
  ``colour`` (the legend's), ``reviews`` (``"; "``-joined), ``review_count``, ``first_year`` and
  ``last_year`` (left out when the reviews give no date), ``harm_types`` (``"; "``-joined, with
  the broader types), ``records`` (how many records the entity merges) and ``degree`` (distinct
  neighbours in the exported graph);
- an edge per (entity, entity, relationship type), keyed ``e0``, ``e1``, ..., with ``label`` and
  ``relationship`` (the type, ``HAS_VICTIM``), ``reviews`` and ``review_count``. (Not ``type``:
  GEXF and Gephi's CSV import take an edge's ``type`` to mean directed or undirected.)

Writers: `write_graphml` (networkx's writer; GraphML node ids must be XML name tokens, which an
IRI is not, so nodes are ``n0``, ``n1``, ... there with the IRI in ``iri``), `write_gexf` (GEXF
1.3 written here: networkx writes 1.2draft by default, and its 1.3 output has a wrong XSI
namespace and turns a ``type`` attribute into the edge direction) and `write_csv` (``nodes.csv``
with ``id`` = the IRI, ``edges.csv`` with ``source`` and ``target``). Strings are cleaned of the
characters XML 1.0 cannot carry. networkx is imported only when a graph is built.

This module takes the picture graph as data (the ``style`` object on each node is read by its
``label``, ``family`` and ``colour``) and imports nothing of `casegraph.viz`, a room of its layer.
"""
from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

SEPARATOR = "; "
GEXF_NS = "http://gexf.net/1.3"
GEXF_VIZ_NS = "http://gexf.net/1.3/viz"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NODE_COLUMNS = ("id", "label", "class", "family", "colour", "reviews", "review_count", "first_year", "last_year",
                "harm_types", "records", "degree")
EDGE_COLUMNS = ("source", "target", "relationship", "reviews", "review_count")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_GEXF_TYPES = {bool: "boolean", int: "integer", float: "double", str: "string"}


def xml_text(value: object) -> str:
    r"""`value` as text XML 1.0 can carry: characters it forbids become U+FFFD.

    >>> xml_text("Child\x00M\x1b")
    'Child\ufffdM\ufffd'
    """
    return _NOT_XML.sub("\ufffd", str(value))


def joined(items) -> str:
    """
    >>> joined({"sexual-abuse", "criminal-exploitation"})
    'criminal-exploitation; sexual-abuse'
    """
    return SEPARATOR.join(sorted(xml_text(item) for item in items))


def flat_graph(picture: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The picture (or a view of it) with only scalar attributes (see the module docstring)."""
    import networkx as nx

    flat = nx.MultiDiGraph()
    for node, data in picture.nodes(data=True):
        style, years = data["style"], data["years"]
        attributes = {"label": xml_text(data["name"]), "class": xml_text(style.label), "family": style.family,
                      "colour": style.colour, "reviews": joined(data["reviews"]), "review_count": len(data["reviews"]),
                      "first_year": min(years) if years else None, "last_year": max(years) if years else None,
                      "harm_types": joined(data["harm"]), "records": len(data["records"]),
                      "degree": len((set(picture.pred[node]) | set(picture.succ[node])) - {node})}
        flat.add_node(xml_text(node), **{k: v for k, v in attributes.items() if v is not None})
    for index, (start, end, data) in enumerate(picture.edges(data=True)):
        flat.add_edge(xml_text(start), xml_text(end), key=f"e{index}", label=data["type"], relationship=data["type"],
                      reviews=joined(data["reviews"]), review_count=len(data["reviews"]))
    return flat


# -- GraphML ------------------------------------------------------------------------------------

def write_graphml(flat: nx.MultiDiGraph, path: Path | str) -> Path:
    """Write the flat graph as GraphML (networkx's writer), nodes ``n0``, ``n1``, ... with their ``iri``."""
    import networkx as nx

    ids = {node: f"n{index}" for index, node in enumerate(flat)}
    graphml = nx.MultiDiGraph()
    graphml.add_nodes_from((ids[node], {"iri": node, **data}) for node, data in flat.nodes(data=True))
    graphml.add_edges_from((ids[start], ids[end], key, data) for start, end, key, data in flat.edges(keys=True, data=True))
    path = Path(path)
    nx.write_graphml(graphml, path, encoding="utf-8", prettyprint=True)
    return path


# -- GEXF 1.3 -----------------------------------------------------------------------------------

def gexf_tree(flat: nx.MultiDiGraph, *, description: str = "") -> ET.ElementTree:
    """The flat graph as a GEXF 1.3 document (static, directed; node ids are the IRIs)."""
    root = ET.Element(f"{{{GEXF_NS}}}gexf", {"version": "1.3",
                                              f"{{{XSI_NS}}}schemaLocation": f"{GEXF_NS} {GEXF_NS}/gexf.xsd"})
    meta = ET.SubElement(root, f"{{{GEXF_NS}}}meta")
    ET.SubElement(meta, f"{{{GEXF_NS}}}creator").text = "casegraph"
    if description:
        ET.SubElement(meta, f"{{{GEXF_NS}}}description").text = xml_text(description)
    graph = ET.SubElement(root, f"{{{GEXF_NS}}}graph", {"defaultedgetype": "directed", "mode": "static"})
    node_ids = _gexf_attributes(graph, "node", (data for _, data in flat.nodes(data=True)), skip={"label"})
    edge_ids = _gexf_attributes(graph, "edge", (data for _, _, data in flat.edges(data=True)), skip={"label"})
    nodes = ET.SubElement(graph, f"{{{GEXF_NS}}}nodes")
    for node, data in flat.nodes(data=True):
        element = ET.SubElement(nodes, f"{{{GEXF_NS}}}node", {"id": node, "label": data["label"]})
        _gexf_values(element, data, node_ids)
        colour = data.get("colour", "")
        if re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
            red, green, blue = (str(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
            ET.SubElement(element, f"{{{GEXF_VIZ_NS}}}color", {"r": red, "g": green, "b": blue})
    edges = ET.SubElement(graph, f"{{{GEXF_NS}}}edges")
    for start, end, key, data in flat.edges(keys=True, data=True):
        element = ET.SubElement(edges, f"{{{GEXF_NS}}}edge", {"id": key, "source": start, "target": end,
                                                               "label": data["label"]})
        _gexf_values(element, data, edge_ids)
    ET.indent(root)
    return ET.ElementTree(root)


def write_gexf(flat: nx.MultiDiGraph, path: Path | str, *, description: str = "") -> Path:
    """Write the flat graph as GEXF 1.3 (UTF-8, the same bytes for the same graph)."""
    ET.register_namespace("", GEXF_NS)
    ET.register_namespace("viz", GEXF_VIZ_NS)
    ET.register_namespace("xsi", XSI_NS)
    path = Path(path)
    gexf_tree(flat, description=description).write(path, encoding="utf-8", xml_declaration=True)
    return path


def _gexf_attributes(graph: ET.Element, kind: str, rows, skip: set[str]) -> dict[str, str]:
    """Declare each attribute the rows hold (in first-seen order) with its GEXF type; name -> id."""
    types: dict[str, type] = {}
    for data in rows:
        for name, value in data.items():
            if name in skip:
                continue
            seen = types.setdefault(name, type(value))
            if seen is not type(value):
                raise TypeError(f"{kind} attribute {name!r} holds both {seen.__name__} and {type(value).__name__} values")
    if not types:
        return {}
    attributes = ET.SubElement(graph, f"{{{GEXF_NS}}}attributes", {"class": kind, "mode": "static"})
    for index, (name, kind_of) in enumerate(types.items()):
        ET.SubElement(attributes, f"{{{GEXF_NS}}}attribute", {"id": str(index), "title": name,
                                                               "type": _GEXF_TYPES[kind_of]})
    return {name: str(index) for index, name in enumerate(types)}


def _gexf_values(element: ET.Element, data: dict, ids: dict[str, str]) -> None:
    values = ET.SubElement(element, f"{{{GEXF_NS}}}attvalues")
    for name, value in data.items():
        if name in ids:
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            ET.SubElement(values, f"{{{GEXF_NS}}}attvalue", {"for": ids[name], "value": text})


# -- CSV ----------------------------------------------------------------------------------------

def write_csv(flat: nx.MultiDiGraph, directory: Path | str) -> list[Path]:
    """Write ``nodes.csv`` and ``edges.csv`` (headers first, RFC 4180 quoting) into directory (made
    if missing); their paths. A node without years leaves those cells empty."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    nodes, edges = directory / "nodes.csv", directory / "edges.csv"
    with nodes.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(NODE_COLUMNS)
        writer.writerows([node, *(data.get(column, "") for column in NODE_COLUMNS[1:])]
                         for node, data in flat.nodes(data=True))
    with edges.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(EDGE_COLUMNS)
        writer.writerows([start, end, *(data[column] for column in EDGE_COLUMNS[2:])]
                         for start, end, data in flat.edges(data=True))
    return [nodes, edges]
