"""The entity graph: the view's records as one networkx graph, with the accepted links merged.

Every pattern report (`casegraph.analysis.patterns`) reads the property-graph view
(`casegraph.graph.view.build_view`) through this graph, `entity_graph(view)`. It is kept apart
from the reports because it is the one place where the rules of identity live (which records are
one entity, what an entity keeps, which people are tied), shared by every report, and because it
is useful on its own: a notebook can build the graph once and run every report, or its own
networkx analysis, on it. The graph has:

- a node for every record (person, group, place, incident, context, response, ...; not the
  reified relationship records, whose direct edges are kept instead);
- records joined by the analysts' accepted links (`SAME_AS`, either direction, any number of
  steps) are one node, named by the smallest record IRI among them, the rule the saved
  questions in `casegraph/queries/library` use; the node keeps every record's IRI, review,
  names, properties and evidence (`records`, `reviews`, `names`, `properties`, `evidence`);
- an edge for every relationship between two records (`HAS_VICTIM`, `OCCURRED_AT`, `MEMBER_OF`,
  `FRIEND_OF`, `RESPONDS_TO`, ...) with its `type`, `review` and the two `records` it joined;
  codes a record points to (harm types, agency, response kind) are on the node as `codes`.

With ``merged=False`` the links are ignored and every record is its own entity (the raw graph);
the default, ``merged=True``, follows the accepted links.

The *people network* (`people_network`), used by several reports: two people are tied when a
relationship joins them (knows, friend, intimate partner, relative, associate, acquaintance), or
they share an incident (as victim, perpetrator or involved, or as a member of a perpetrating
group), a group (as members), or a coded context (the young person it concerns, its participants
and members of participating groups); an edge's `weight` is the number of such things they share.
Places are left out on purpose: everyone at one school is not a network.

`resolve` turns what a user gives (a record IRI or review-id/item-id) into an entity, naming a
close match when it names none. It raises `PatternError`, the error of every pattern report,
which is defined here rather than with the reports so that the two modules do not import each
other. networkx and the view (pyoxigraph) are imported only when a graph is built, so importing
this module stays cheap.
"""
from __future__ import annotations

import difflib
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from casegraph.errors import QueryError, UnknownName
from casegraph.memory import without_cycle_collection
from casegraph.ontology import record_iri, short_id

if TYPE_CHECKING:  # networkx and the view (pyoxigraph) are imported only when a graph is built
    import networkx as nx

    from casegraph.graph.view import PropertyGraph

PARTICIPATION = {"HAS_VICTIM": "victim", "HAS_PERPETRATOR": "perpetrator", "INVOLVES": "involved"}
TIES = ("KNOWS", "FRIEND_OF", "INTIMATE_PARTNER_OF", "RELATIVE_OF", "ASSOCIATE_OF", "ACQUAINTANCE_OF")


class PatternError(QueryError):
    """A pattern report that cannot be run: an unknown person, measure or option."""


class UnknownRecord(PatternError, UnknownName):
    """No record by that name or id (a usage error: exit 2)."""


# -- the entity graph -----------------------------------------------------------------------------

IDENTITY = ("SAME_AS", "SAME_EVENT_AS")  # analysts' links; an event a review says another review told


def identities(view: PropertyGraph) -> dict[str, str]:
    """Each linked record's entity: the smallest IRI among the records SAME_AS (an analyst's link) or
    SAME_EVENT_AS (a review's own word that another review told this incident) joins it to.

    Only records in a link appear; any other record is its own entity. A SAME_EVENT_AS naming a
    review not loaded yet joins nothing until that review is loaded.
    """
    return smallest_in_group((rel.start, rel.end) for rel in view.relationships
                             if rel.type in IDENTITY and rel.start in view.nodes and rel.end in view.nodes)


def smallest_in_group(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each item of the pairs -> the smallest item of the group the pairs join it to, any number of
    steps away (union-find with path halving)."""
    from casegraph.linking.closure import components

    return components(pairs)


@without_cycle_collection()
def entity_graph(view: PropertyGraph, *, merged: bool = True) -> nx.MultiDiGraph:
    """The records of the view as a networkx graph of entities (see the module docstring).

    ``graph.graph`` holds ``merged`` and ``entity_of``, the entity of every record in the graph.
    """
    import networkx as nx

    from casegraph.graph.view import DERIVED_RELATIONSHIPS

    linked = identities(view) if merged else {}
    records = {iri: node for iri, node in sorted(view.nodes.items()) if "Record" in node.labels}
    entity_of = {iri: linked.get(iri, iri) for iri in records}
    graph = nx.MultiDiGraph(merged=merged, entity_of=entity_of)
    for iri, node in records.items():  # sorted: the entity's own record comes first
        entity = entity_of[iri]
        if entity not in graph:
            graph.add_node(entity, records=[], reviews=[], names=[], labels=set(), properties={},
                           evidence=[], codes={}, name=None, kind=None)
        data = graph.nodes[entity]
        data["records"].append(iri)
        data["properties"][iri] = node.properties
        data["labels"] |= node.labels
        review, label = node.properties.get("review"), node.properties.get("label")
        if review and review not in data["reviews"]:
            data["reviews"] = sorted([*data["reviews"], review])
        if label is not None and str(label) not in data["names"]:
            data["names"] = sorted([*data["names"], str(label)])
        data["name"] = data["name"] or label
        data["kind"] = data["kind"] or node.properties.get("kind")
    for rel in view.relationships:
        start = entity_of.get(rel.start)
        if start is None:
            continue
        end_node = view.nodes.get(rel.end)
        if rel.type == "EVIDENCE" and end_node is not None:
            excerpt = {k: end_node.properties[k] for k in ("quote", "page", "paraphrase", "note")
                       if k in end_node.properties}
            graph.nodes[start]["evidence"].append({"record": rel.start, "review": rel.review, **excerpt})
        elif end_node is not None and "Concept" in end_node.labels:
            codes = graph.nodes[start]["codes"].setdefault(rel.type, [])
            if end_node.properties["code"] not in codes:
                codes.append(end_node.properties["code"])
                codes.sort()
        elif rel.type not in IDENTITY and rel.type not in DERIVED_RELATIONSHIPS and rel.end in entity_of:
            graph.add_edge(start, entity_of[rel.end], type=rel.type, review=rel.review, records=(rel.start, rel.end))
    for _, data in graph.nodes(data=True):
        data["evidence"].sort(key=lambda e: (e["record"], str(e.get("quote"))))
    return graph


def as_entity_graph(source: PropertyGraph | nx.MultiDiGraph, merged: bool) -> nx.MultiDiGraph:
    if hasattr(source, "relationships"):
        return entity_graph(source, merged=merged)
    return source


def has_label(graph: nx.MultiDiGraph, node: str, *labels: str) -> bool:
    return not graph.nodes[node]["labels"].isdisjoint(labels)


def edges_of_type(graph: nx.MultiDiGraph, *types: str) -> Iterable[tuple[str, str, dict]]:
    return ((u, v, d) for u, v, d in graph.edges(data=True) if d["type"] in types)


def entity_name(graph: nx.MultiDiGraph, node: str) -> object:
    return graph.nodes[node]["name"]


FULL_NAME = re.compile(r"^[A-Z][a-z]+(?:[-'’][A-Za-z]+)? [A-Z][a-z'’-]+$")


def most_identifying(names: Sequence[str]) -> str | None:
    """Of the names an entity's records give, a full name, which says who it is better than any
    pseudonym ("Adil Harper", not "Mr H"); None when they are all pseudonyms (the caller keeps the
    first record's).

    >>> most_identifying(["Mr H", "Adil Harper", "H"]), most_identifying(["X", "Adult X", "Mr X"])
    ('Adil Harper', None)
    """
    full = sorted((n for n in names if FULL_NAME.match(n)), key=lambda n: (-len(n), n))
    return full[0] if full else None


def group_members(graph: nx.MultiDiGraph) -> dict[str, set[str]]:
    members: dict[str, set[str]] = defaultdict(set)
    for person, group, _ in edges_of_type(graph, "MEMBER_OF"):
        members[group].add(person)
    return members


# -- the people network ---------------------------------------------------------------------------

def people_network(source: PropertyGraph | nx.MultiDiGraph, *, merged: bool = True,
                   professionals: bool = False, only: Sequence[str] | None = None) -> nx.Graph:
    """People tied by relationships and by the incidents, groups and contexts they share.

    Each edge's `via` is the set of what ties the two (a relationship type, or the IRI of the
    incident, group or context) and `weight` its size. Professionals are left out unless asked
    for; ``only`` keeps people with at least one of those labels (``["YoungPerson", "Peer"]``).
    """
    import networkx as nx

    graph = as_entity_graph(source, merged)
    people = [n for n in graph if has_label(graph, n, "Person") and (professionals or not has_label(graph, n, "Professional"))
              and (only is None or has_label(graph, n, *only))]
    network = nx.Graph()
    network.add_nodes_from((n, {"name": entity_name(graph, n), "kind": graph.nodes[n]["kind"],
                                "reviews": graph.nodes[n]["reviews"]}) for n in people)
    members = group_members(graph)
    shared: dict[str, set[str]] = defaultdict(set)  # incident, group or context -> its people
    for incident, who, data in edges_of_type(graph, *PARTICIPATION):
        shared[incident] |= {who} | (members.get(who, set()) if data["type"] == "HAS_PERPETRATOR" else set())
    for group, who in members.items():
        shared[group] |= who
    for context, who, data in edges_of_type(graph, "CONCERNS_YOUNG_PERSON", "CONTEXT_PARTICIPANT"):
        shared[context] |= {who} | (members.get(who, set()) if data["type"] == "CONTEXT_PARTICIPANT" else set())
    ties = [(u, v, d["type"]) for u, v, d in edges_of_type(graph, *TIES)]
    ties += [(first, second, item) for item, who in sorted(shared.items())
             for first, second in itertools.combinations(sorted(who), 2)]
    for first, second, via in sorted(ties):  # sorted: the same network whatever the order of the view
        if first != second and first in network and second in network:
            if not network.has_edge(first, second):
                network.add_edge(first, second, via=set())
            network[first][second]["via"].add(via)
    for _, _, data in network.edges(data=True):
        data["weight"] = len(data["via"])
    return network


# -- choosing people ------------------------------------------------------------------------------

def resolve(source: PropertyGraph | nx.MultiDiGraph, text: str, *, labels: Sequence[str] = ("Person",),
            what: str = "person", merged: bool = True) -> str:
    """The entity a record IRI or review-id/item-id names; an unknown one names a close match.

    >>> import networkx as nx
    >>> amy = record_iri("r-1/amy")
    >>> graph = nx.MultiDiGraph(entity_of={amy: amy})
    >>> graph.add_node(amy, labels={"Person"})
    >>> resolve(graph, "r-1/amy")
    'https://w3id.org/casegraph/review/r-1/amy'
    >>> resolve(graph, "r-1/ammy")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    casegraph.analysis.entities.UnknownRecord: no person 'r-1/ammy' in the stored reviews; did you mean 'r-1/amy'? ...
    """
    graph = as_entity_graph(source, merged)
    text = text.strip()
    iri = record_iri(text)
    entity_of = graph.graph["entity_of"]
    if iri in entity_of and has_label(graph, entity_of[iri], *labels):
        return entity_of[iri]
    if iri in entity_of:
        kinds = sorted(graph.nodes[entity_of[iri]]["labels"] - {"Record"})
        raise PatternError(f"{text!r} is a record of class {', '.join(kinds) or 'Record'}, not a {what}; "
                           f"choose a {what}")
    candidates = {short_id(r): r for r, e in entity_of.items() if has_label(graph, e, *labels)}
    close = difflib.get_close_matches(short_id(iri), list(candidates), n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else "."
    raise UnknownRecord(f"no {what} {text!r} in the stored reviews{hint} Give a record IRI or review-id/item-id.")

