"""One self-contained HTML page of a network: opens from disk with no network at all.

The page inlines vis-network (the copy the pyvis package ships), its stylesheet, casegraph's
own script and style, and the graph as JSON in a `<script type="application/json">` block. A
Content-Security-Policy in the page forbids loading anything from anywhere, so a page that
tried would fail visibly rather than leak. pyvis's own templates fetch scripts and styles from
CDNs even with ``cdn_resources="in_line"``, and `Network.add_node` checks duplicates with a
list scan (a 50,000-node network took 66 s to build), so the page is written here from the
graph directly; pyvis supplies the drawing library.

Every text that comes from a review (names, quotes, review ids) travels as JSON data and is set
as text in the page (vis-network shows string tooltips as text; the legend and filters use
`textContent`), and the JSON is escaped so that no `<`, `>` or `&` appears in it raw: a name
like ``<img src=x onerror=alert(1)>`` is shown as those characters.
"""
from __future__ import annotations

import html
import json
import math
import re
from importlib import resources
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from casegraph.memory import without_cycle_collection
from casegraph.output import clipped
from casegraph.viz.layout import positions
from casegraph.viz.network import measure, tooltip
from casegraph.viz.style import class_styles, relationship_labels

if TYPE_CHECKING:
    import networkx as nx

PHYSICS_LIMIT = 1000  # up to this many nodes the browser polishes the computed layout briefly
LABEL_CHARACTERS = 32
MIN_SIZE, MAX_SIZE = 8.0, 40.0
# Labels always drawn (at a legible size, wherever there is room): the ego, up to this many entities
# recorded in several reviews and this many of the most connected. The rest show on zoom and hover.
MUST_CROSS_REVIEW, MUST_CONNECTED = 15, 10
VIS_NETWORK = ("pyvis", "lib/vis-9.1.2")


def _asset(name: str) -> str:
    return resources.files("casegraph.viz").joinpath("assets", name).read_text(encoding="utf-8")


def _vis(name: str) -> str:
    """A file of the vis-network copy pyvis ships, found without importing pyvis (whose import
    pulls in jinja2 and IPython's display machinery: seconds, for two files)."""
    import importlib.util

    package, folder = VIS_NETWORK
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{package} is not installed: casegraph's pages draw with its copy of vis-network")
    return (Path(next(iter(spec.submodule_search_locations))) / folder / name).read_text(encoding="utf-8")


def _safe_json(value: object) -> str:
    """JSON that cannot end its <script> block or open markup, whatever the strings in it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_data(graph: nx.MultiDiGraph, *, size_by: str = "degree", physics: bool | None = None,
              ego: str | None = None) -> dict:
    """The JSON the page draws: classes, filters' values, nodes with positions, edges, and the
    index of the `ego` (the person a page is about) when there is one."""
    styles = list(class_styles().values())
    class_index = {style.name: i for i, style in enumerate(styles)}
    nodes = list(graph.nodes)
    attributes = dict(graph.nodes(data=True))
    index = {node: i for i, node in enumerate(nodes)}
    where = positions(nodes, list(graph.edges()))
    degree = measure(graph, "degree")
    sizes = degree if size_by == "degree" else measure(graph, size_by)
    top = max(sizes.values(), default=0.0) or 1.0
    reviews = sorted({r for data in attributes.values() for r in data["reviews"]})
    harm_types = sorted({h for data in attributes.values() for h in data["harm"]})
    review_index = {r: i for i, r in enumerate(reviews)}
    harm_index = {h: i for i, h in enumerate(harm_types)}
    all_years = [y for data in attributes.values() for y in data["years"]]
    rows = []
    for node, data in attributes.items():
        x, y = where[node]
        size = MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(max(sizes[node], 0.0) / top)
        years = data["years"]
        rows.append([index[node], clipped(data["name"], LABEL_CHARACTERS), class_index[data["style"].name], x, y, round(size, 1),
                     tooltip(graph, node), [review_index[r] for r in data["reviews"]],
                     sorted(harm_index[h] for h in data["harm"]), min(years) if years else None,
                     max(years) if years else None, len(data["reviews"]) >= 2, degree[node] == 0])
    order, must = _label_priority(graph, ego, degree)
    # An edge is [from, to, relationship, reviews that state it]; the page writes its title, so a
    # corpus's hundred thousand titles are not in the file (nor its time to write and to parse).
    labels = relationship_labels()
    relationships: dict[str, int] = {}
    edges = []
    for start, end, kind, data in graph.edges(keys=True, data=True):
        edges.append([index[start], index[end], relationships.setdefault(kind, len(relationships)),
                      sorted(review_index[r] for r in data["reviews"])])
    relationship_rows = [[labels.get(kind, kind.lower().replace("_", " ")), kind] for kind in relationships]
    return {"classes": [{"name": s.name, "label": s.label, "colour": s.colour, "shape": s.shape} for s in styles],
            "reviews": reviews, "harmTypes": harm_types, "relationships": relationship_rows,
            "years": [min(all_years), max(all_years)] if all_years else None,
            "physics": len(nodes) <= PHYSICS_LIMIT if physics is None else physics,
            "nodes": rows, "edges": edges, "ego": index.get(ego) if ego is not None else None,
            "labelOrder": [index[n] for n in order], "mustLabel": sorted(index[n] for n in must)}


def _label_priority(graph: nx.MultiDiGraph, ego: str | None, degree: dict[str, float]) -> tuple[list[str], set[str]]:
    """Nodes most important first (the ego, entities in several reviews, then by connections), and
    those whose labels are always drawn."""
    reviews = dict(graph.nodes(data="reviews"))
    order = sorted(graph, key=lambda n: (n != ego, len(reviews[n]) < 2, -degree[n]))
    cross = [n for n in order if len(reviews[n]) >= 2][:MUST_CROSS_REVIEW]
    connected = sorted((n for n in graph if degree[n] > 0), key=lambda n: -degree[n])[:MUST_CONNECTED]
    return order, set(cross) | set(connected) | ({ego} if ego in graph else set())


def render_page(graph: nx.MultiDiGraph, *, title: str, summary: str = "", size_by: str = "degree",
                physics: bool | None = None, ego: str | None = None, overview: Callable | None = None) -> str:
    """The page's HTML text (see the module docstring). `overview(index, reviews)`, given the page's
    node indices and review order, gives the corpus overview the page opens on
    (`casegraph.viz.overview.overview_data`)."""
    with without_cycle_collection():
        entities = page_data(graph, size_by=size_by, physics=physics, ego=ego)
        shown = None
        if overview is not None:
            shown = overview({node: i for i, node in enumerate(graph.nodes)}, entities["reviews"])
        data, overview_json = _safe_json(entities), _safe_json(shown)
    parts = {"title": html.escape(title), "summary": html.escape(summary), "size_by": html.escape(size_by),
             "data": data, "overview": overview_json, "labels_js": _asset("labels.js"), "overview_js": _asset("overview.js"),
             "vis_css": _vis("vis-network.css"), "vis_js": _vis("vis-network.min.js"),
             "page_css": _asset("page.css"), "page_js": _asset("page.js")}
    # One pass over the template: text put in is never searched for placeholders again.
    return re.sub(r"\{\{ (\w+) \}\}", lambda match: parts[match.group(1)], _asset("page.html"))


def write_page(graph: nx.MultiDiGraph, path: Path, **options) -> Path:
    """Write the page to `path` (see `render_page` for the options) and return the path."""
    path = Path(path)
    path.write_text(render_page(graph, **options), encoding="utf-8")
    return path
