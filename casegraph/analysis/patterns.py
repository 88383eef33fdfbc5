"""Pattern reports: the links between people, places and incidents that single reviews miss.

Every report reads the property-graph view (`casegraph.graph.view.build_view`) through the graph
of entities built by `casegraph.analysis.entities.entity_graph`: a node for every record, records
joined by the analysts' accepted links (`SAME_AS`) merged into one entity named by the smallest
record IRI among them, an edge for every relationship. That module gives the exact rules, and the
*people network* (people tied by relationships and by the incidents, groups and contexts they
share; places left out) used by peer-groups and central. This module holds only the reports: what
each one asks of that graph, and how its rows are ordered.

With ``merged=False`` the links are ignored and every record is its own entity (the raw graph);
the default, ``merged=True``, follows the accepted links. A report given an entity graph uses it
as it is, so a notebook can build the graph once and run every report on it.

The *connection network*, used by connections: people, groups, places, incidents and contexts,
joined by every relationship between them except professional responses (which connect everyone
they touch).

Each report returns a `Report(columns, rows)`; rows are lists in column order, and lists of
IRIs stay lists (the CLI joins them for tables and CSV). `run_report` runs one by its name in
`KINDS`. A report that cannot be run raises `PatternError` (defined in
`casegraph.analysis.entities`, since choosing a person there raises it too).
"""
from __future__ import annotations

import difflib
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from casegraph.analysis.entities import (
    PARTICIPATION,
    TIES,
    PatternError,
    edges_of_type,
    as_entity_graph,
    has_label,
    group_members,
    entity_name,
    people_network,
    resolve,
)

if TYPE_CHECKING:  # networkx and the view (pyoxigraph) are imported only when a report runs
    import networkx as nx

    from casegraph.graph.view import PropertyGraph

KINDS = ("adults-linked", "peer-groups", "shared-places", "connections", "timeline", "missed-links", "central")
MEASURES = ("degree", "betweenness")
CONNECTION_TYPES = frozenset((*PARTICIPATION, "OCCURRED_AT", *TIES, "MEMBER_OF", "FREQUENTS", "LIVES_AT",
                              "ATTENDS", "CONCERNS_YOUNG_PERSON", "CONTEXT_PARTICIPANT", "CONTEXT_PLACE"))
CONNECTION_LABELS = ("Person", "Group", "Place", "Incident", "ContextAssociation")
DEFAULT_LIMIT = 10
LOUVAIN_SEED = 1


@dataclass
class Report:
    """Rows of one pattern report, in column order; `merged` tells whether accepted links were followed."""

    columns: list[str]
    rows: list[list[object]]
    merged: bool = True

    def as_dicts(self) -> list[dict[str, object]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


# -- the reports ----------------------------------------------------------------------------------

def adults_linked(view: PropertyGraph | nx.MultiDiGraph, *, merged: bool = True) -> Report:
    """Adults who harmed two or more young people, within one review or across reviews.

    The definition of the saved question adults-linked-to-young-people: the adults a perpetrator
    of an incident against a young person stands for are an unconnected adult or organised
    adult group itself, all members of a perpetrating organised adult group, and the
    unconnected-adult members of any perpetrating group. Young people are counted as entities.
    `reviews` counts the reviews recording the adult as perpetrator. Most young people first.
    """
    graph = as_entity_graph(view, merged)
    members = group_members(graph)
    found: dict[str, dict[str, set]] = defaultdict(lambda: {"young": set(), "reviews": set(), "incidents": set()})
    victims = defaultdict(set)
    for incident, victim, _ in edges_of_type(graph, "HAS_VICTIM"):
        if has_label(graph, victim, "YoungPerson"):
            victims[incident].add(victim)
    for incident, perpetrator, data in edges_of_type(graph, "HAS_PERPETRATOR"):
        if not victims[incident]:
            continue
        adults = {perpetrator} if has_label(graph, perpetrator, "UnconnectedAdult", "OrganisedAdultGroup") else set()
        adults |= {m for m in members.get(perpetrator, ()) if has_label(graph, perpetrator, "OrganisedAdultGroup")
                   or has_label(graph, m, "UnconnectedAdult")}
        for adult in adults:
            found[adult]["young"] |= victims[incident]
            found[adult]["reviews"].add(data["review"])
            found[adult]["incidents"].add(incident)
    rows = [[adult, entity_name(graph, adult), graph.nodes[adult]["kind"], len(f["young"]), len(f["reviews"]),
             len(f["incidents"]), [entity_name(graph, y) for y in sorted(f["young"])], sorted(f["reviews"])]
            for adult, f in found.items() if len(f["young"]) >= 2]
    rows.sort(key=lambda r: (-r[3], -r[4], -r[5], r[0]))
    return Report(["adult", "name", "kind", "youngPeople", "reviews", "incidents", "youngPeopleNames", "reviewIds"],
                  rows, graph.graph["merged"])


def shared_places(view: PropertyGraph | nx.MultiDiGraph, *, merged: bool = True) -> Report:
    """Places and online platforms where incidents recorded in two or more reviews occurred.

    Two incidents at least: one event that two reviews tell (`same_as`, one entity) is not a
    place where harm recurred.

    A place is a place entity (records joined by accepted links count as one, as in the saved
    question places-with-incidents-in-several-reviews). An online space that names its
    platform is counted under the platform instead, matched by name (case and spacing
    ignored): a platform is one service wherever a review mentions it, so no analyst link is
    needed; such a row has no `place` and its `name` is the platform as first written.
    `reviews` are those stating where the incidents occurred; `records` the place records.
    Most reviews first, then most incidents.
    """
    graph = as_entity_graph(view, merged)
    found: dict[tuple[str, str], dict[str, set]] = defaultdict(
        lambda: {"reviews": set(), "incidents": set(), "records": set()})
    platform_names: dict[str, str] = {}
    for incident, place, data in edges_of_type(graph, "OCCURRED_AT"):
        platform = graph.nodes[place]["properties"][data["records"][1]].get("platform")
        if has_label(graph, place, "OnlineSpace") and platform and str(platform).strip():
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
        if len(f["reviews"]) < 2 or len(f["incidents"]) < 2:  # one event told in two reviews joins nothing
            continue
        if what == "platform":
            row = [None, platform_names[key], "online-space", platform_names[key]]
        else:
            platform = graph.nodes[key]["properties"][graph.nodes[key]["records"][0]].get("platform")
            row = [key, entity_name(graph, key), graph.nodes[key]["kind"], platform]
        rows.append(row + [len(f["reviews"]), len(f["incidents"]), len(f["records"]), sorted(f["reviews"])])
    rows.sort(key=lambda r: (-r[4], -r[5], r[0] or "", r[3] or ""))
    return Report(["place", "name", "kind", "platform", "reviews", "incidents", "records", "reviewIds"],
                  rows, graph.graph["merged"])


def peer_groups(view: PropertyGraph | nx.MultiDiGraph, *, merged: bool = True, seed: int = LOUVAIN_SEED) -> Report:
    """Communities in the network of young people and peers.

    The people network (`casegraph.analysis.entities`) of young people and peers only, split into
    communities by Louvain modularity (networkx, weighted by `weight`, fixed ``seed``, nodes
    and edges added in IRI order, so the answer is the same every run). Communities of one
    are left out. `groups` are the recorded groups (peer groups, gangs, ...) any member
    belongs to. Largest first; groups numbered from 1 in that order.
    """
    import networkx as nx

    graph = as_entity_graph(view, merged)
    network = people_network(graph, only=["YoungPerson", "Peer"])
    communities = [sorted(c) for c in nx.community.louvain_communities(network, weight="weight", seed=seed)
                   if len(c) >= 2]
    communities.sort(key=lambda c: (-len(c), c[0]))
    groups = defaultdict(set)
    for person, group, _ in edges_of_type(graph, "MEMBER_OF"):
        groups[person].add(group)
    rows = []
    for number, members in enumerate(communities, 1):
        young = sum(1 for m in members if has_label(graph, m, "YoungPerson"))
        reviews = sorted({r for m in members for r in graph.nodes[m]["reviews"]})
        rows.append([number, len(members), young, len(members) - young, members,
                     [entity_name(graph, m) for m in members], reviews, sorted(set().union(*(groups[m] for m in members)))])
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
    graph = as_entity_graph(view, merged)
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
        rows.append([rank, person, entity_name(graph, person), graph.nodes[person]["kind"], -negative,
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

    graph = as_entity_graph(view, merged)
    if len(people) < 2:
        raise PatternError(f"connections needs two or more people, got {len(people)}")
    chosen = [resolve(graph, p, labels=("Person", "Group", "Place"), what="person, group or place") for p in people]
    network = nx.Graph()
    network.add_nodes_from(n for n in graph if has_label(graph, n, *CONNECTION_LABELS))
    for u, v, data in sorted(edges_of_type(graph, *CONNECTION_TYPES), key=lambda e: (e[0], e[1], e[2]["type"])):
        if u != v and u in network and v in network:
            if not network.has_edge(u, v):
                network.add_edge(u, v, steps=set())
            network[u][v]["steps"].add((data["type"], u, v))
    rows = []
    for first, second in itertools.combinations(chosen, 2):
        head = [first, entity_name(graph, first), second, entity_name(graph, second)]
        if first == second:
            rows.append(head + [0, [], f"{entity_name(graph, first)} (one entity)"])
        elif not nx.has_path(network, first, second):
            rows.append(head + [None, [], "no connection"])
        else:
            paths = sorted(itertools.islice(nx.all_shortest_paths(network, first, second), limit))
            rows += [head + [len(p) - 1, p[1:-1], _route(graph, network, p)] for p in paths]
    return Report(["from", "fromName", "to", "toName", "steps", "intermediaries", "route"], rows,
                  graph.graph["merged"])


def _route(graph: nx.MultiDiGraph, network: nx.Graph, path: list[str]) -> str:
    text = str(entity_name(graph, path[0]))
    for here, there in itertools.pairwise(path):
        steps = network[here][there]["steps"]
        types = "|".join(sorted({t for t, _, _ in steps}))
        forward, backward = ({s for _, s, _ in steps} == {here}), ({s for _, s, _ in steps} == {there})
        arrow = f"-{types}->" if forward else f"<-{types}-" if backward else f"-{types}-"
        text += f" {arrow} {entity_name(graph, there)}"
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
    graph = as_entity_graph(view, merged)
    who = resolve(graph, person, labels=("Person",), what="person")
    roles: dict[str, set[str]] = defaultdict(set)
    for incident, victim, data in edges_of_type(graph, *PARTICIPATION):
        if victim == who:
            roles[incident].add(PARTICIPATION[data["type"]])
    responds: dict[str, set[str]] = defaultdict(set)
    for response, incident, _ in edges_of_type(graph, "RESPONDS_TO"):
        responds[response].add(incident)
    for response, target, _ in edges_of_type(graph, "TARGETS"):
        if target == who:
            roles[response].add("targets")
    for response, incidents in responds.items():
        if incidents & roles.keys() and has_label(graph, response, "ProfessionalResponse"):
            roles[response].add("responds")
    rows = []
    for record, role in roles.items():
        data = graph.nodes[record]
        properties = data["properties"][data["records"][0]]
        codes = data["codes"]
        if has_label(graph, record, "Incident"):
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
    graph = as_entity_graph(view, merged)
    sharing: dict[str, set[str]] = defaultdict(set)  # entity -> incidents
    for incident, entity, data in edges_of_type(graph, *PARTICIPATION, "OCCURRED_AT"):
        if has_label(graph, incident, "Incident") and not has_label(graph, entity, "Professional"):
            sharing[entity].add(incident)
    pairs: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entity, incidents in sharing.items():
        for pair in itertools.combinations(sorted(incidents), 2):
            pairs[pair].add(entity)
    responses: dict[str, set[str]] = defaultdict(set)
    for response, incident, _ in edges_of_type(graph, "RESPONDS_TO"):
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
                     sorted(shared), [entity_name(graph, s) for s in sorted(shared)]])
    rows.sort(key=lambda r: (r[6] != "different-reviews", -len(r[7]), r[0], r[3]))
    return Report(["incident1", "when1", "review1", "incident2", "when2", "review2", "reason", "shared",
                   "sharedNames"], rows, graph.graph["merged"])


# -- running a report by name ---------------------------------------------------------------------

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
    graph = as_entity_graph(view, merged)
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
