"""The network an analyst looks at: entities and their relationships, and the views of it.

`picture_graph(view)` turns the entity graph (`casegraph.analysis.entities.entity_graph`:
records an analyst linked are one entity) into the graph a page draws: a node for every entity
except reified relationship records (drawn as their edges), with its legend class
(`casegraph.viz.style`), names, reviews, records, harm types, years and evidence; one edge per
(entity, entity, relationship type) with the reviews that state it. Harm types and years of a
person, place or group are those of the incidents and responses it is directly part of, so the
page's filters keep an adult with the incidents that make them matter.

The views (`select`):
- ``whole``: everything;
- ``review``: the entities one review records;
- ``ego``: a person and everyone and everything within N steps (the contextual-safeguarding
  "peer map");
- ``cross-review``: the entities recorded in two or more reviews (through the analysts' links)
  and what lies within N steps of them;
- ``records``: the entities behind given record IRIs (a query's result) and N steps around them.
Steps follow the relationships of the pattern reports' connection network (people, groups,
places, incidents, contexts; not professional responses, which join everyone they touch).
"""
from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from casegraph.errors import CasegraphError, UnknownName
from casegraph.memory import without_cycle_collection
from casegraph.analysis.entities import entity_graph, most_identifying, resolve
from casegraph.analysis.patterns import CONNECTION_TYPES
from casegraph.ontology import short_id
from casegraph.output import clipped
from casegraph.viz.style import legend_class

if TYPE_CHECKING:
    import networkx as nx

    from casegraph.graph.view import PropertyGraph

VIEWS = ("whole", "review", "ego", "cross-review", "records")
DEFAULT_HOPS = {"ego": 2, "cross-review": 1, "records": 0}  # steps around the chosen entities
MEASURES = ("degree", "betweenness", "reviews")
EVENT_LABELS = ("Incident", "ProfessionalResponse")
EXCERPT_CHARACTERS = 240
BETWEENNESS_SAMPLE = 300  # above this many nodes, betweenness is estimated from this many sources


class VizError(CasegraphError):
    """A picture or chart that cannot be drawn: an unknown review, person, view or measure."""


class UnknownReview(VizError, UnknownName):
    """--review names no stored review."""


@without_cycle_collection()
def picture_graph(view: PropertyGraph, *, merged: bool = True) -> nx.MultiDiGraph:
    """The drawable graph of the whole view (see the module docstring)."""
    import networkx as nx

    entities = entity_graph(view, merged=merged)
    picture = nx.MultiDiGraph(merged=merged)
    for entity, data in entities.nodes(data=True):
        style = legend_class(view.nodes[data["records"][0]].labels)
        if style is None:
            continue
        picture.add_node(entity, name=_display_name(data, entity), style=style, labels=data["labels"],
                         reviews=data["reviews"], records=[(r, _record_class(view, r)) for r in data["records"]],
                         harm=_with_broader(data["codes"].get("HARM_TYPE", ())), years=_years(data["properties"].values()),
                         dates=_dates(data["properties"].values()), evidence=data["evidence"])
    picture.graph["entity_of"] = {r: e for r, e in entities.graph["entity_of"].items() if e in picture}
    reviews_of: dict[tuple[str, str, str], set[str]] = {}  # each edge's reviews (networkx's views cost per lookup)
    for start, end, data in entities.edges(data=True):
        if start == end or start not in picture or end not in picture:
            continue
        reviews = reviews_of.get((start, end, data["type"]))
        if reviews is None:
            reviews = reviews_of[start, end, data["type"]] = set()
            picture.add_edge(start, end, key=data["type"], type=data["type"], reviews=reviews)
        if data["review"]:
            reviews.add(data["review"])
    _inherit_from_events(picture)
    return picture


# Codes that describe a record a review gives no name of its own, in the order they are read.
DESCRIBING_CODES = ("HARM_TYPE", "AGENCY", "RESPONSE_KIND", "CONTEXT_TYPE", "RECOMMENDATION_THEME", "CHALLENGE_TOPIC")


def _display_name(data: dict, entity: str) -> str:
    """The record's name; for an incident, response or context the review only gave an id
    ("inc-3"), when and what, date first so a short label keeps it: "March 2016: county lines"."""
    first = data["properties"][data["records"][0]]
    # a child two reviews recorded is shown by the name that says most who it is, not the first record's
    name = str((most_identifying(data["names"]) if len(data["records"]) > 1 else None) or data["name"] or short_id(entity))
    if name != str(first.get("identifier", "")):
        return name
    described = ", ".join(code.replace("-", " ") for kind in DESCRIBING_CODES for code in data["codes"].get(kind, ()))
    if not described:
        return name
    when = first.get("dateText")
    return f"{when}: {described}" if when else described


def _with_broader(codes: Iterable[str]) -> set[str]:
    """Harm type codes and the codes above them (county-lines -> criminal-exploitation), so a filter
    on a Table 3 type finds incidents coded more finely."""
    above = _harm_types_above()
    found = set(codes)
    for code in codes:
        found |= above.get(code, set())
    return found


@functools.lru_cache(maxsize=1)
def _harm_types_above() -> dict[str, set[str]]:
    from casegraph.ontology import vocabulary

    vocab = vocabulary()
    return {code: {vocab.concepts[b][1] for b in vocab.broader.get(iri, ()) if b in vocab.concepts}
            for iri, (scheme, code) in vocab.concepts.items() if scheme == "harm-type"}


def _record_class(view: PropertyGraph, record: str) -> str:
    style = legend_class(view.nodes[record].labels)
    return view.nodes[record].properties.get("kindLabel") or (style.label if style else "record")


def _years(properties: Iterable[dict]) -> set[int]:
    from casegraph.graph.view import values

    years = {int(text[:4]) for props in properties for name in ("dateEarliest", "dateLatest")
             for text in values(props.get(name)) if isinstance(text, str) and text[:4].isdigit()}
    return set(range(min(years), max(years) + 1)) if years else set()


def _dates(properties: Iterable[dict]) -> list[str]:
    from casegraph.graph.view import values

    return sorted({str(v) for props in properties for v in values(props.get("dateText")) if v is not None})


def _inherit_from_events(picture: nx.MultiDiGraph) -> None:
    """People, places and groups take the harm types and years of the incidents and responses they are part of."""
    harm, years = defaultdict(set), defaultdict(set)
    nodes = picture.nodes
    events = {node for node, labels in nodes(data="labels") if not labels.isdisjoint(EVENT_LABELS)}
    for start, end in picture.edges():
        for event, other in ((start, end), (end, start)):
            if event in events:
                harm[other] |= nodes[event]["harm"]
                years[other] |= nodes[event]["years"]
    for node, data in nodes(data=True):
        if node not in events:
            data["harm"] |= harm[node]
            data["years"] |= years[node]


# -- views ----------------------------------------------------------------------------------------

def select(picture: nx.MultiDiGraph, view: str = "whole", *, review: str | None = None,
           person: str | None = None, records: Iterable[str] = (), hops: int | None = None) -> nx.MultiDiGraph:
    """The subgraph a view shows, in the picture's order (`picture` itself for the whole corpus)."""
    if view == "whole":
        return picture
    if view == "review":
        return _induced(picture, _review_entities(picture, review or ""))
    if view == "ego":
        if not person:
            raise VizError("the ego view needs a person (--person REVIEW/ITEM or a record IRI)")
        centre = resolve(picture, person, what="person", merged=picture.graph["merged"])
        return _induced(picture, within(picture, [centre], DEFAULT_HOPS[view] if hops is None else hops))
    if view == "cross-review":
        shared = [n for n, reviews in picture.nodes(data="reviews") if len(reviews) >= 2]
        return _induced(picture, within(picture, shared, DEFAULT_HOPS[view] if hops is None else hops))
    if view == "records":
        entity_of = picture.graph["entity_of"]
        chosen = list(dict.fromkeys(entity_of[r] for r in records if entity_of.get(r) in picture))
        if not chosen:
            raise VizError("the query's result names no record in the stored reviews; return record IRIs "
                           "(SPARQL ?person, or Cypher p.iri) to draw them")
        return _induced(picture, within(picture, chosen, DEFAULT_HOPS[view] if hops is None else hops))
    raise VizError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")


def _induced(picture: nx.MultiDiGraph, chosen: Iterable[str]) -> nx.MultiDiGraph:
    """The chosen entities and the edges among them, in the picture's own order. (networkx's
    subgraph views iterate the chosen set, whose order changes with the process's hash seed, so
    the same view would give a different page each run.)"""
    import networkx as nx

    chosen = set(chosen)
    shown = nx.MultiDiGraph(**picture.graph)
    shown.add_nodes_from((node, picture.nodes[node]) for node in picture if node in chosen)
    shown.add_edges_from((start, end, kind, data) for start, end, kind, data in picture.edges(keys=True, data=True)
                         if start in chosen and end in chosen)
    return shown


def _review_entities(picture: nx.MultiDiGraph, review: str) -> list[str]:
    import difflib

    chosen = [n for n, reviews in picture.nodes(data="reviews") if review in reviews]
    if not chosen:
        known = sorted({r for _, reviews in picture.nodes(data="reviews") for r in reviews})
        close = [r for r in known if r.startswith(review)][:1] or difflib.get_close_matches(review, known, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "; see `casegraph list`"
        raise UnknownReview(f"no review {review!r} in the stored reviews{hint}")
    return chosen


def within(picture: nx.MultiDiGraph, start: Iterable[str], hops: int) -> set[str]:
    """`start` and every entity at most `hops` connection steps away (either direction)."""
    if hops < 0:
        raise VizError(f"hops must be 0 or more, not {hops}")
    neighbours = defaultdict(set)
    for a, b, kind in picture.edges(keys=True):
        if kind in CONNECTION_TYPES:
            neighbours[a].add(b)
            neighbours[b].add(a)
    seen = set(start)
    frontier = set(seen)
    for _ in range(hops):
        frontier = {n for node in frontier for n in neighbours[node]} - seen
        seen |= frontier
    return seen


# -- measures -------------------------------------------------------------------------------------

def measure(graph: nx.MultiDiGraph, name: str) -> dict[str, float]:
    """Each node's size measure: distinct neighbours, betweenness (sampled on big graphs) or reviews."""
    import networkx as nx

    if name == "reviews":
        return {n: float(len(reviews)) for n, reviews in graph.nodes(data="reviews")}
    if name == "degree":
        return {n: float(len((set(graph.pred[n]) | set(graph.succ[n])) - {n})) for n in graph}
    if name == "betweenness":
        simple = nx.Graph(graph.to_undirected(as_view=True))
        sample = BETWEENNESS_SAMPLE if len(simple) > BETWEENNESS_SAMPLE else None
        return nx.betweenness_centrality(simple, k=sample, seed=1 if sample else None)
    raise VizError(f"unknown measure {name!r}; choose one of {', '.join(MEASURES)}")


def tooltip(graph: nx.MultiDiGraph, node: str) -> str:
    """Plain text (the page shows it as text, never as markup) saying what a node stands for."""
    data = graph.nodes[node]
    lines = [data["name"], f"{data['style'].label}; {len(data['records'])} record(s) in "
                           f"{len(data['reviews'])} review(s): {', '.join(data['reviews'])}"]
    lines += [f"  {short_id(record)} ({kind})" for record, kind in data["records"][:8]]
    lines += [f"  ... and {len(data['records']) - 8} more"] if len(data["records"]) > 8 else []
    if data["dates"]:
        lines.append("when: " + "; ".join(data["dates"][:4]))
    if data["harm"]:
        lines.append("harm types: " + ", ".join(sorted(data["harm"])))
    for excerpt in data["evidence"][:2]:
        quote = clipped(str(excerpt.get("quote", "")), EXCERPT_CHARACTERS)
        page = f", p. {excerpt['page']}" if excerpt.get("page") is not None else ""
        lines.append(f"evidence ({excerpt['review']}{page}): \u201c{quote}\u201d")
    return "\n".join(lines)


def iris_in(values: Iterable[object]) -> list[str]:
    """Every IRI-like text in query results (SPARQL terms, Cypher values, nested lists and maps)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)
        else:
            text = value if isinstance(value, str) else getattr(value, "value", None)
            if isinstance(text, str) and text.startswith(("http://", "https://")):
                found.append(text)

    for value in values:
        walk(value)
    return found
