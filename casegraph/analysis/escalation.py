"""The escalation timeline: every incident and professional response around a young person or a
peer group, across every review, on one time line, one lane per person.

The reviews' own finding is that concerns were seen "as individual and singular episodes rather
than emerging and escalating patterns of risk". This is the picture that answers it: the person
(or the group's members) and the people who shared their incidents (peers, adults) each get a
lane; an incident is drawn on the lane of everyone in it, a response on the lanes of those it
targets or whose incidents it responds to; an event two reviews recorded (linked) is drawn once
with both reviews named; case closures are marked; and pairs of incidents that shared someone but
were never seen together (patterns missed-links) are joined.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from casegraph.analysis.entities import (PARTICIPATION, PatternError, as_entity_graph, edges_of_type, group_members,
                                         has_label, most_identifying, resolve)
from casegraph.analysis.patterns import missed_links

if TYPE_CHECKING:
    import networkx as nx

    from casegraph.graph.view import PropertyGraph

MAX_LANES = 12
EVENT_SCHEMES = ("harm-type", "agency", "response-kind")  # what an incident or response is, as labels
ROLES = (("YoungPerson", "young person"), ("Peer", "peer"), ("UnconnectedAdult", "adult"),
         ("FamilyMember", "family member"), ("Group", "group"))


@dataclass(frozen=True)
class Lane:
    entity: str
    name: str
    role: str
    reviews: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    entity: str
    kind: str  # incident | response | closure
    when: str | None
    earliest: str | None
    latest: str | None
    lanes: tuple[str, ...]  # the lanes' entities it is drawn on
    reviews: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class Escalation:
    title: str
    lanes: tuple[Lane, ...]
    events: tuple[Event, ...]  # in date order, undated last
    missed: tuple[tuple[str, str, str], ...]  # (incident, incident, reason) among the events


def display_name(graph: nx.MultiDiGraph, entity: str) -> str:
    """The most identifying of an entity's names (see entities.most_identifying)."""
    return most_identifying(graph.nodes[entity]["names"]) or str(graph.nodes[entity]["name"] or entity.rsplit("/", 1)[-1])


def escalation(view: PropertyGraph | nx.MultiDiGraph, *, person: str | None = None, group: str | None = None,
               merged: bool = True, max_lanes: int = MAX_LANES) -> Escalation:
    """The escalation timeline of a person or a group (exactly one of them)."""
    if bool(person) == bool(group):
        raise PatternError("the escalation timeline is of one person (--person) or one group (--group)")
    graph = as_entity_graph(view, merged)
    if person:
        focus = [resolve(graph, person, labels=("Person",), what="person")]
        title = f"Escalation timeline of {display_name(graph, focus[0])}"
    else:
        chosen = resolve(graph, group, labels=("Group",), what="group")
        focus = sorted(group_members(graph).get(chosen, ()))
        if not focus:
            raise PatternError(f"group {group!r} has no members recorded: no one to draw a timeline of")
        title = f"Escalation timeline of {display_name(graph, chosen)}"
    people = _participants(graph)
    around = [incident for incident, who in people.items() if who & set(focus)]
    shared: dict[str, int] = {}
    for incident in around:
        for who in people[incident] - set(focus):
            if not has_label(graph, who, "Professional"):
                shared[who] = shared.get(who, 0) + 1
    others = sorted(shared, key=lambda who: (-shared[who], display_name(graph, who)))[:max(0, max_lanes - len(focus))]
    lanes = [*focus, *others]
    events = _events(graph, people, set(lanes), around)
    drawn = {event.entity for event in events if event.kind == "incident"}
    missed = tuple((row[0], row[3], row[6]) for row in missed_links(graph, merged=merged).rows
                   if row[0] in drawn and row[3] in drawn)
    return Escalation(title, tuple(Lane(e, display_name(graph, e), _role(graph, e), tuple(graph.nodes[e]["reviews"]))
                                   for e in lanes), tuple(events), missed)


def _participants(graph: nx.MultiDiGraph) -> dict[str, set[str]]:
    people: dict[str, set[str]] = {}
    for incident, who, _ in edges_of_type(graph, *PARTICIPATION):
        people.setdefault(incident, set()).add(who)
    return people


def _role(graph: nx.MultiDiGraph, entity: str) -> str:
    return next((role for label, role in ROLES if has_label(graph, entity, label)), "person")


def _events(graph: nx.MultiDiGraph, people: dict[str, set[str]], lanes: set[str], around: list[str]) -> list[Event]:
    from casegraph.ontology import vocabulary

    label = vocabulary().code_labels(*EVENT_SCHEMES)
    on: dict[str, set[str]] = {incident: people[incident] & lanes for incident in around}
    for response, target, _ in edges_of_type(graph, "TARGETS"):
        if target in lanes and has_label(graph, response, "ProfessionalResponse"):
            on.setdefault(response, set()).add(target)
    targeted = set(on) - set(around)
    victims: dict[str, set[str]] = {}
    for incident, who, _ in edges_of_type(graph, "HAS_VICTIM"):
        victims.setdefault(incident, set()).add(who)
    for response, incident, _ in edges_of_type(graph, "RESPONDS_TO"):  # drawn on its victims' lanes
        if incident in around and has_label(graph, response, "ProfessionalResponse") and response not in targeted:
            on.setdefault(response, set()).update(victims.get(incident, set()) & lanes or people[incident] & lanes)
    events = []
    for entity, where in on.items():
        data = graph.nodes[entity]
        properties = data["properties"][data["records"][0]]
        codes = data["codes"]
        if has_label(graph, entity, "Incident"):
            kind, detail = "incident", ", ".join(label.get(c, c) for c in codes.get("HARM_TYPE", []))
        else:
            kinds = codes.get("RESPONSE_KIND", [])
            kind = "closure" if "case-closure" in kinds else "response"
            detail = " · ".join(part for part in (", ".join(label.get(c, c) for c in codes.get("AGENCY", [])),
                                                  ", ".join(label.get(c, c) for c in kinds)) if part)
        events.append(Event(entity, kind, properties.get("dateText"), properties.get("dateEarliest"),
                            properties.get("dateLatest"), tuple(sorted(where)), tuple(data["reviews"]), detail))
    events.sort(key=lambda e: (e.earliest is None, e.earliest or "", e.latest or "", e.kind != "incident", e.entity))
    return events
