"""Pattern reports: the links between people, places and incidents that single reviews miss.

Every report reads the property-graph view (`casegraph.graph.view.build_view`) through one
networkx graph of *entities*, `entity_graph(view)`:

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
the default, ``merged=True``, follows the accepted links. A report given an entity graph uses it
as it is, so a notebook can build the graph once and run every report on it.

Two derived networks are used by several reports:

- the *people network*: two people are tied when a relationship joins them (knows, friend,
  intimate partner, relative, associate, acquaintance), or they share an incident (as victim,
  perpetrator or involved, or as a member of a perpetrating group), a group (as members), or a
  coded context (the young person it concerns, its participants and members of participating
  groups); an edge's `weight` is the number of such things they share. Places are left out on
  purpose: everyone at one school is not a network.
- the *connection network*: people, groups, places, incidents and contexts, joined by every
  relationship between them except professional responses (which connect everyone they touch).

Each report returns a `Report(columns, rows)`; rows are lists in column order, and lists of
IRIs stay lists (the CLI joins them for tables and CSV).
"""
from __future__ import annotations

import difflib
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from casegraph.errors import QueryError

if TYPE_CHECKING:  # networkx and the view (pyoxigraph) are imported only when a report runs
    import networkx as nx

    from casegraph.graph.view import PropertyGraph

KINDS = ("adults-linked", "peer-groups", "shared-places", "connections", "timeline", "missed-links", "central")
MEASURES = ("degree", "betweenness")
PARTICIPATION = {"HAS_VICTIM": "victim", "HAS_PERPETRATOR": "perpetrator", "INVOLVES": "involved"}
TIES = ("KNOWS", "FRIEND_OF", "INTIMATE_PARTNER_OF", "RELATIVE_OF", "ASSOCIATE_OF", "ACQUAINTANCE_OF")
CONNECTION_TYPES = frozenset((*PARTICIPATION, "OCCURRED_AT", *TIES, "MEMBER_OF", "FREQUENTS", "LIVES_AT",
                              "ATTENDS", "CONCERNS_YOUNG_PERSON", "CONTEXT_PARTICIPANT", "CONTEXT_PLACE"))
CONNECTION_LABELS = ("Person", "Group", "Place", "Incident", "ContextAssociation")
DEFAULT_LIMIT = 10
LOUVAIN_SEED = 1
REVIEW_PREFIX = "https://w3id.org/casegraph/review/"  # casegraph.graph.view.REVIEW_PREFIX, without pyoxigraph


class PatternError(QueryError):
    """A pattern report that cannot be run: an unknown person, measure or option."""


@dataclass
class Report:
    """Rows of one pattern report, in column order; `merged` tells whether accepted links were followed."""

    columns: list[str]
    rows: list[list[object]]
    merged: bool = True

    def as_dicts(self) -> list[dict[str, object]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


# -- the entity graph -----------------------------------------------------------------------------

def identities(view: PropertyGraph) -> dict[str, str]:
    """Each linked record's entity: the smallest IRI among the records SAME_AS joins it to.

    Only records in a link appear; any other record is its own entity.
    """
    parent: dict[str, str] = {}

    def root(iri: str) -> str:
        parent.setdefault(iri, iri)
        while parent[iri] != iri:
            parent[iri] = parent[parent[iri]]
            iri = parent[iri]
        return iri

    for rel in view.relationships:
        if rel.type == "SAME_AS" and rel.start in view.nodes and rel.end in view.nodes:
            first, second = sorted((root(rel.start), root(rel.end)))
            parent[second] = first  # the smaller IRI is always the root
    return {iri: root(iri) for iri in parent}


def entity_graph(view: PropertyGraph, *, merged: bool = True) -> nx.MultiDiGraph:
    """The records of the view as a networkx graph of entities (see the module docstring).

    ``graph.graph`` holds ``merged`` and ``entity_of``, the entity of every record in the graph.
    """
    import networkx as nx

    linked = identities(view) if merged else {}
    records = {iri: node for iri, node in sorted(view.nodes.items())
               if "Record" in node.labels and "Relationship" not in node.labels}
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
        elif rel.type != "SAME_AS" and rel.end in entity_of:
            graph.add_edge(start, entity_of[rel.end], type=rel.type, review=rel.review, records=(rel.start, rel.end))
    for _, data in graph.nodes(data=True):
        data["evidence"].sort(key=lambda e: (e["record"], str(e.get("quote"))))
    return graph


def _entities(source: PropertyGraph | nx.MultiDiGraph, merged: bool) -> nx.MultiDiGraph:
    if hasattr(source, "relationships"):
        return entity_graph(source, merged=merged)
    return source


def _has(graph: nx.MultiDiGraph, node: str, *labels: str) -> bool:
    return not graph.nodes[node]["labels"].isdisjoint(labels)


def _edges(graph: nx.MultiDiGraph, *types: str) -> Iterable[tuple[str, str, dict]]:
    return ((u, v, d) for u, v, d in graph.edges(data=True) if d["type"] in types)


def _name(graph: nx.MultiDiGraph, node: str) -> object:
    return graph.nodes[node]["name"]


def _members(graph: nx.MultiDiGraph) -> dict[str, set[str]]:
    members: dict[str, set[str]] = defaultdict(set)
    for person, group, _ in _edges(graph, "MEMBER_OF"):
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

    graph = _entities(source, merged)
    people = [n for n in graph if _has(graph, n, "Person") and (professionals or not _has(graph, n, "Professional"))
              and (only is None or _has(graph, n, *only))]
    network = nx.Graph()
    network.add_nodes_from((n, {"name": _name(graph, n), "kind": graph.nodes[n]["kind"],
                                "reviews": graph.nodes[n]["reviews"]}) for n in people)
    members = _members(graph)
    shared: dict[str, set[str]] = defaultdict(set)  # incident, group or context -> its people
    for incident, who, data in _edges(graph, *PARTICIPATION):
        shared[incident] |= {who} | (members.get(who, set()) if data["type"] == "HAS_PERPETRATOR" else set())
    for group, who in members.items():
        shared[group] |= who
    for context, who, data in _edges(graph, "CONCERNS_YOUNG_PERSON", "CONTEXT_PARTICIPANT"):
        shared[context] |= {who} | (members.get(who, set()) if data["type"] == "CONTEXT_PARTICIPANT" else set())
    ties = [(u, v, d["type"]) for u, v, d in _edges(graph, *TIES)]
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


# -- the reports ----------------------------------------------------------------------------------

def adults_linked(view: PropertyGraph | nx.MultiDiGraph, *, merged: bool = True) -> Report:
    """Adults who harmed two or more young people, within one review or across reviews.

    The definition of the saved question adults-linked-to-young-people: the adults a perpetrator
    of an incident against a young person stands for are an unconnected adult or organised
    adult group itself, all members of a perpetrating organised adult group, and the
    unconnected-adult members of any perpetrating group. Young people are counted as entities.
    `reviews` counts the reviews recording the adult as perpetrator. Most young people first.
    """
    graph = _entities(view, merged)
    members = _members(graph)
    found: dict[str, dict[str, set]] = defaultdict(lambda: {"young": set(), "reviews": set(), "incidents": set()})
    victims = defaultdict(set)
    for incident, victim, _ in _edges(graph, "HAS_VICTIM"):
        if _has(graph, victim, "YoungPerson"):
            victims[incident].add(victim)
    for incident, perpetrator, data in _edges(graph, "HAS_PERPETRATOR"):
        if not victims[incident]:
            continue
        adults = {perpetrator} if _has(graph, perpetrator, "UnconnectedAdult", "OrganisedAdultGroup") else set()
        adults |= {m for m in members.get(perpetrator, ()) if _has(graph, perpetrator, "OrganisedAdultGroup")
                   or _has(graph, m, "UnconnectedAdult")}
        for adult in adults:
            found[adult]["young"] |= victims[incident]
            found[adult]["reviews"].add(data["review"])
            found[adult]["incidents"].add(incident)
    rows = [[adult, _name(graph, adult), graph.nodes[adult]["kind"], len(f["young"]), len(f["reviews"]),
             len(f["incidents"]), [_name(graph, y) for y in sorted(f["young"])], sorted(f["reviews"])]
            for adult, f in found.items() if len(f["young"]) >= 2]
    rows.sort(key=lambda r: (-r[3], -r[4], -r[5], r[0]))
    return Report(["adult", "name", "kind", "youngPeople", "reviews", "incidents", "youngPeopleNames", "reviewIds"],
                  rows, graph.graph["merged"])


def shared_places(view: PropertyGraph | nx.MultiDiGraph, *, merged: bool = True) -> Report:
    """Places and online platforms where incidents recorded in two or more reviews occurred.

    A place is a place entity (records joined by accepted links count as one, as in the saved
    question places-with-incidents-in-several-reviews). An online space that names its
    platform is counted under the platform instead, matched by name (case and spacing
    ignored): a platform is one service wherever a review mentions it, so no analyst link is
    needed; such a row has no `place` and its `name` is the platform as first written.
    `reviews` are those stating where the incidents occurred; `records` the place records.
    Most reviews first, then most incidents.
    """
    graph = _entities(view, merged)
    found: dict[tuple[str, str], dict[str, set]] = defaultdict(
        lambda: {"reviews": set(), "incidents": set(), "records": set()})
    platform_names: dict[str, str] = {}
    for incident, place, data in _edges(graph, "OCCURRED_AT"):
        platform = graph.nodes[place]["properties"][data["records"][1]].get("platform")
        if _has(graph, place, "OnlineSpace") and platform and str(platform).strip():
            key = ("platform", " ".join(str(platform).split()).casefold())
            written = " ".join(str(platform).split())
            platform_names[key[1]] = min(platform_names.get(key[1], written), written)
        else:
            key = ("place", place)
        found[key]["reviews"].add(data["review"])
        found[key]["incidents"].add(incident)
        found[key]["records"].add(data["records"][1])
    rows = []
    for (what, key), f in found.items():
        if len(f["reviews"]) < 2:
            continue
        if what == "platform":
            row = [None, platform_names[key], "online-space", platform_names[key]]
        else:
            platform = graph.nodes[key]["properties"][graph.nodes[key]["records"][0]].get("platform")
            row = [key, _name(graph, key), graph.nodes[key]["kind"], platform]
        rows.append(row + [len(f["reviews"]), len(f["incidents"]), len(f["records"]), sorted(f["reviews"])])
    rows.sort(key=lambda r: (-r[4], -r[5], r[0] or "", r[3] or ""))
    return Report(["place", "name", "kind", "platform", "reviews", "incidents", "records", "reviewIds"],
                  rows, graph.graph["merged"])


def peer_groups(view: PropertyGraph | nx.MultiDiGraph, *, merged: bool = True, seed: int = LOUVAIN_SEED) -> Report:
    """Communities in the network of young people and peers.

    The people network (module docstring) of young people and peers only, split into
    communities by Louvain modularity (networkx, weighted by `weight`, fixed ``seed``, nodes
    and edges added in IRI order, so the answer is the same every run). Communities of one
    are left out. `groups` are the recorded groups (peer groups, gangs, ...) any member
    belongs to. Largest first; groups numbered from 1 in that order.
    """
    import networkx as nx

    graph = _entities(view, merged)
    network = people_network(graph, only=["YoungPerson", "Peer"])
    communities = [sorted(c) for c in nx.community.louvain_communities(network, weight="weight", seed=seed)
                   if len(c) >= 2]
    communities.sort(key=lambda c: (-len(c), c[0]))
    groups = defaultdict(set)
    for person, group, _ in _edges(graph, "MEMBER_OF"):
        groups[person].add(group)
    rows = []
    for number, members in enumerate(communities, 1):
        young = sum(1 for m in members if _has(graph, m, "YoungPerson"))
        reviews = sorted({r for m in members for r in graph.nodes[m]["reviews"]})
        rows.append([number, len(members), young, len(members) - young, members,
                     [_name(graph, m) for m in members], reviews, sorted(set().union(*(groups[m] for m in members)))])
    return Report(["group", "size", "youngPeople", "others", "members", "names", "reviewIds", "groups"],
                  rows, graph.graph["merged"])


def central_people(view: PropertyGraph | nx.MultiDiGraph, measure: str = "degree", limit: int | None = DEFAULT_LIMIT,
                   *, merged: bool = True) -> Report:
    """The most connected people in the people network (professionals left out).

    `degree` is the number of people someone is tied to; `betweenness` is networkx's
    betweenness centrality, not normalised, rounded to 4 places: how many of the shortest
    paths (unweighted) between pairs of other people pass through them, a pair with several
    shortest paths counting the share through them (so it stays readable in a large corpus,
    where the normalised share rounds to 0). People scoring 0 are left out. Highest first,
    ties by IRI; `rank` is shared by equal scores (1, 2, 2, 4); at most ``limit`` rows (None:
    all).
    """
    import networkx as nx

    if measure not in MEASURES:
        raise PatternError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
    if limit is not None and limit < 1:
        raise PatternError(f"limit must be 1 or more, not {limit}")
    graph = _entities(view, merged)
    network = people_network(graph)
    if measure == "degree":
        scores: dict[str, float] = dict(network.degree())
    else:
        scores = {}
        # Component by component: networkx's cost per source grows with the whole graph.
        for component in nx.connected_components(network):
            if len(component) > 2:
                found = nx.betweenness_centrality(network.subgraph(component), normalized=False)
                scores.update((n, round(s, 4)) for n, s in found.items())
    ranked = sorted(((-s, n) for n, s in scores.items() if s > 0))[:limit]
    rows, previous, rank = [], None, 0
    for position, (negative, person) in enumerate(ranked, 1):
        if negative != previous:
            rank, previous = position, negative
        rows.append([rank, person, _name(graph, person), graph.nodes[person]["kind"], -negative,
                     graph.nodes[person]["reviews"]])
    return Report(["rank", "person", "name", "kind", measure, "reviewIds"], rows, graph.graph["merged"])


def connections(view: PropertyGraph | nx.MultiDiGraph, people: Sequence[str], *, merged: bool = True,
                limit: int | None = DEFAULT_LIMIT) -> Report:
    """The shortest paths between each pair of the chosen people, with who and what is between.

    Paths run over the connection network (module docstring), counting steps, not weights.
    ``people`` are IRIs or review-id/item-id, two or more; a person, group or place may be
    chosen. One row per shortest path (at most ``limit`` per pair, in IRI order of the
    path), pairs in the order the people were given; a pair with no path has one row with
    no `steps`. `intermediaries` are the entities strictly between the two; `route` reads the
    path with names and relationship types, arrows pointing as the records state them.
    """
    import networkx as nx

    graph = _entities(view, merged)
    if len(people) < 2:
        raise PatternError(f"connections needs two or more people, got {len(people)}")
    chosen = [resolve(graph, p, labels=("Person", "Group", "Place"), what="person, group or place") for p in people]
    network = nx.Graph()
    network.add_nodes_from(n for n in graph if _has(graph, n, *CONNECTION_LABELS))
    for u, v, data in sorted(_edges(graph, *CONNECTION_TYPES), key=lambda e: (e[0], e[1], e[2]["type"])):
        if u != v and u in network and v in network:
            if not network.has_edge(u, v):
                network.add_edge(u, v, steps=set())
            network[u][v]["steps"].add((data["type"], u, v))
    rows = []
    for first, second in itertools.combinations(chosen, 2):
        head = [first, _name(graph, first), second, _name(graph, second)]
        if first == second:
            rows.append(head + [0, [], f"{_name(graph, first)} (one entity)"])
        elif not nx.has_path(network, first, second):
            rows.append(head + [None, [], "no connection"])
        else:
            paths = sorted(itertools.islice(nx.all_shortest_paths(network, first, second), limit))
            rows += [head + [len(p) - 1, p[1:-1], _route(graph, network, p)] for p in paths]
    return Report(["from", "fromName", "to", "toName", "steps", "intermediaries", "route"], rows,
                  graph.graph["merged"])


def _route(graph: nx.MultiDiGraph, network: nx.Graph, path: list[str]) -> str:
    text = str(_name(graph, path[0]))
    for here, there in itertools.pairwise(path):
        steps = network[here][there]["steps"]
        types = "|".join(sorted({t for t, _, _ in steps}))
        forward, backward = ({s for _, s, _ in steps} == {here}), ({s for _, s, _ in steps} == {there})
        arrow = f"-{types}->" if forward else f"<-{types}-" if backward else f"-{types}-"
        text += f" {arrow} {_name(graph, there)}"
    return text


def timeline(view: PropertyGraph | nx.MultiDiGraph, person: str, *, merged: bool = True) -> Report:
    """A person's incidents and the professional responses to them or to the person, in date order.

    Incidents are those the person (any of its records) is victim, perpetrator or involved in
    (`role`); responses are those responding to one of these incidents (`responds`) or
    targeting the person (`targets`), as in the saved question incidents-of-young-person but
    without its time window: a timeline shows every response. Partial dates are ordered by
    their earliest day, then their latest ("early 2017" before "2017"), undated last
    ("aged about 14"); then incidents before responses, then by IRI. `when` is the date as
    the review wrote it. `detail` is the harm types of an incident, the agency and kind of a
    response.
    """
    graph = _entities(view, merged)
    who = resolve(graph, person, labels=("Person",), what="person")
    roles: dict[str, set[str]] = defaultdict(set)
    for incident, victim, data in _edges(graph, *PARTICIPATION):
        if victim == who:
            roles[incident].add(PARTICIPATION[data["type"]])
    responds: dict[str, set[str]] = defaultdict(set)
    for response, incident, _ in _edges(graph, "RESPONDS_TO"):
        responds[response].add(incident)
    for response, target, _ in _edges(graph, "TARGETS"):
        if target == who:
            roles[response].add("targets")
    for response, incidents in responds.items():
        if incidents & roles.keys() and _has(graph, response, "ProfessionalResponse"):
            roles[response].add("responds")
    rows = []
    for record, role in roles.items():
        data = graph.nodes[record]
        properties = data["properties"][data["records"][0]]
        codes = data["codes"]
        if _has(graph, record, "Incident"):
            event, detail = "incident", ", ".join(codes.get("HARM_TYPE", []))
        else:
            event = "response"
            detail = " ".join(", ".join(codes.get(t, [])) for t in ("AGENCY", "RESPONSE_KIND")).strip()
        rows.append([properties.get("dateText"), properties.get("dateEarliest"), properties.get("dateLatest"), event,
                     record, "; ".join(data["reviews"]), ", ".join(sorted(role)), detail,
                     properties.get("description"), sorted(responds.get(record, ()))])
    rows.sort(key=lambda r: (r[1] is None, r[1] or "", r[2] or "", r[3] != "incident", r[4]))
    return Report(["when", "earliest", "latest", "event", "record", "review", "role", "detail", "description",
                   "respondsTo"], rows, graph.graph["merged"])


def missed_links(view: PropertyGraph | nx.MultiDiGraph, *, merged: bool = True) -> Report:
    """Pairs of incidents that share a person, group or place but were never seen together.

    Two distinct incidents *share* an entity when it is a victim, perpetrator or person
    involved in both, or the place where both occurred (entities: records joined by accepted
    links count as one; professionals are left out, since a professional in both incidents is
    someone who saw both; platforms count only as the same place record, not by name). A
    sharing pair is reported with its `reason`:

    - ``different-reviews``: no review records both incidents (so no review could link them;
      in the raw graph records never cross reviews, so these appear only through links);
    - ``responded-separately``: one review records both, each has at least one professional
      response recorded as responding to it, and no response responds to both.

    Pairs in one review where one incident had no recorded response are not reported (no
    response is recorded to judge). `shared` lists the shared entities. Rows: different
    reviews first, then most shared, then by the incidents' IRIs (the smaller first in a row).
    """
    graph = _entities(view, merged)
    sharing: dict[str, set[str]] = defaultdict(set)  # entity -> incidents
    for incident, entity, data in _edges(graph, *PARTICIPATION, "OCCURRED_AT"):
        if _has(graph, incident, "Incident") and not _has(graph, entity, "Professional"):
            sharing[entity].add(incident)
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity, incidents in sharing.items():
        for pair in itertools.combinations(sorted(incidents), 2):
            pairs[pair].add(entity)
    responses: dict[str, set[str]] = defaultdict(set)
    for response, incident, _ in _edges(graph, "RESPONDS_TO"):
        responses[incident].add(response)
    rows = []
    for (first, second), shared in pairs.items():
        one, two = graph.nodes[first], graph.nodes[second]
        if set(one["reviews"]).isdisjoint(two["reviews"]):
            reason = "different-reviews"
        elif responses[first] and responses[second] and responses[first].isdisjoint(responses[second]):
            reason = "responded-separately"
        else:
            continue
        when = [n["properties"][n["records"][0]].get("dateText") for n in (one, two)]
        rows.append([first, when[0], "; ".join(one["reviews"]), second, when[1], "; ".join(two["reviews"]), reason,
                     sorted(shared), [_name(graph, s) for s in sorted(shared)]])
    rows.sort(key=lambda r: (r[6] != "different-reviews", -len(r[7]), r[0], r[3]))
    return Report(["incident1", "when1", "review1", "incident2", "when2", "review2", "reason", "shared",
                   "sharedNames"], rows, graph.graph["merged"])


# -- choosing people and running a report by name -------------------------------------------------

def resolve(source: PropertyGraph | nx.MultiDiGraph, text: str, *, labels: Sequence[str] = ("Person",),
            what: str = "person", merged: bool = True) -> str:
    """The entity a record IRI or review-id/item-id names; an unknown one names a close match.

    >>> import networkx as nx
    >>> graph = nx.MultiDiGraph(entity_of={REVIEW_PREFIX + "r-1/amy": REVIEW_PREFIX + "r-1/amy"})
    >>> graph.add_node(REVIEW_PREFIX + "r-1/amy", labels={"Person"})
    >>> resolve(graph, "r-1/amy")
    'https://w3id.org/casegraph/review/r-1/amy'
    >>> resolve(graph, "r-1/ammy")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    casegraph.linking.patterns.PatternError: no person 'r-1/ammy' in the stored reviews; did you mean 'r-1/amy'? ...
    """
    graph = _entities(source, merged)
    text = text.strip()
    iri = text if re.match(r"^[a-z][a-z0-9+.-]*:", text, re.I) else REVIEW_PREFIX + text.strip("/")
    entity_of = graph.graph["entity_of"]
    if iri in entity_of and _has(graph, entity_of[iri], *labels):
        return entity_of[iri]
    if iri in entity_of:
        kinds = sorted(graph.nodes[entity_of[iri]]["labels"] - {"Record"})
        raise PatternError(f"{text!r} is a record of class {', '.join(kinds) or 'Record'}, not a {what}; "
                           f"choose a {what}")
    candidates = {_short(r): r for r, e in entity_of.items() if _has(graph, e, *labels)}
    close = difflib.get_close_matches(_short(iri), list(candidates), n=1, cutoff=0.5)
    hint = f"; did you mean {close[0]!r}?" if close else "."
    raise PatternError(f"no {what} {text!r} in the stored reviews{hint} Give a record IRI or review-id/item-id.")


def _short(iri: str) -> str:
    return iri[len(REVIEW_PREFIX):] if iri.startswith(REVIEW_PREFIX) else iri


def run_report(view: PropertyGraph | nx.MultiDiGraph, kind: str, *, people: Sequence[str] = (),
               measure: str = "degree", limit: int | None = None, merged: bool = True) -> Report:
    """Run one report by its name in `KINDS` with the options that apply to it; others are refused.

    ``limit`` (default `DEFAULT_LIMIT`) is the number of people for central and of paths per
    pair for connections.
    """
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1)
        raise PatternError(f"unknown report {kind!r}{f' (did you mean {close[0]!r}?)' if close else ''}; "
                           f"choose one of {', '.join(KINDS)}")
    if people and kind not in ("connections", "timeline"):
        raise PatternError(f"people are chosen only for connections and timeline, not {kind}")
    if measure != "degree" and kind != "central":
        raise PatternError(f"a measure applies only to central, not {kind}")
    if limit is not None and kind not in ("central", "connections"):
        raise PatternError(f"a limit applies only to central and connections, not {kind}")
    limit = DEFAULT_LIMIT if limit is None else limit
    graph = _entities(view, merged)
    if kind == "timeline":
        if len(people) != 1:
            raise PatternError(f"timeline needs exactly one person, got {len(people)}")
        return timeline(graph, people[0])
    if kind == "connections":
        return connections(graph, people, limit=limit)
    if kind == "central":
        return central_people(graph, measure, limit)
    simple = {"adults-linked": adults_linked, "peer-groups": peer_groups, "shared-places": shared_places,
              "missed-links": missed_links}
    return simple[kind](graph)
