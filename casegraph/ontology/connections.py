"""The connections of a review's young people: who or what links each to others, derived once.

The study's finding that professionals rarely saw "connections between young people" is asked by
`young-people-connected`. Its rule is ontology-level and local to one review, so it is derived
when a review is loaded and stored beside what the review states, as
`<young person> cg:connectedThrough <connector>` in the review's own graph (the Cypher view's
CONNECTED_THROUGH); questions then read one edge instead of re-deriving the rule over the whole
store for every ask.

A young person is connected through:
- every participant of an incident they are part of (victim, perpetrator, involved), the place
  where it occurred, and the members of a group that perpetrated it;
- the people they are related to (`knows` and its kinds, either direction), the groups they are
  members of, the places they frequent, live at or attend;
- the participants and places of a coded context about them, and the members of a
  participating group.

Connectors are anyone or anything but young people and professionals. Every triple a link needs
is in the review's own graph (a review points into no other review but by cg:sameEventAs, which
no link uses), so a review's connections follow from its quads alone. A review file never
states them: any it does are dropped and derived again, so they always follow the rule.
`tests/ontology/test_connections.py` holds the rule, written as SPARQL over the whole store,
to the same answers.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from casegraph.ontology import CG, RDF

CONNECTED_THROUGH = CG + "connectedThrough"
CONNECTION_RULES = "1"  # bump when the rule changes, so stores derive their connections again

_TYPE = RDF + "type"
_PARTS = frozenset(CG + p for p in ("hasVictim", "hasPerpetrator", "involves"))
_RELATIONSHIPS = frozenset(CG + p for p in ("knows", "friendOf", "intimatePartnerOf", "relativeOf",
                                            "associateOf", "acquaintanceOf"))
_TIES = frozenset(CG + p for p in ("memberOf", "frequents", "livesAt", "attends"))
_NOT_CONNECTORS = frozenset({CG + "YoungPerson", CG + "Professional"})
# Every (predicate, object) the rule reads (None: any object): a store derives from these alone.
READS = tuple([(_TYPE, cls) for cls in sorted(_NOT_CONNECTORS)]
              + [(p, None) for p in sorted(_PARTS | _RELATIONSHIPS | _TIES)]
              + [(CG + p, None) for p in ("occurredAt", "contextParticipant", "contextPlace", "concernsYoungPerson")])
_READ_PREDICATES = frozenset(predicate for predicate, obj in READS if obj is None)


def connections(quads: Iterable[ox.Quad]) -> set[tuple[str, str]]:
    """The (young person, connector) IRIs that one review's quads connect (see the module docstring)."""
    by_predicate: dict[str, list[tuple[str, str]]] = defaultdict(list)
    types: dict[str, set[str]] = defaultdict(set)
    for quad in quads:
        predicate = quad.predicate.value
        if predicate == _TYPE:
            if quad.object.value in _NOT_CONNECTORS:
                types[quad.subject.value].add(quad.object.value)
        elif predicate in _READ_PREDICATES and not isinstance(quad.object, ox.Literal):
            by_predicate[predicate].append((quad.subject.value, quad.object.value))
    young = {iri for iri, classes in types.items() if CG + "YoungPerson" in classes}
    members: dict[str, set[str]] = defaultdict(set)
    for member, group in by_predicate[CG + "memberOf"]:
        members[group].add(member)

    found: set[tuple[str, str]] = set()
    parts: dict[str, set[str]] = defaultdict(set)
    reached: dict[str, set[str]] = defaultdict(set)  # incident -> its connectors
    for predicate in _PARTS:
        for incident, part in by_predicate[predicate]:
            parts[incident].add(part)
            reached[incident].add(part)
    for incident, place in by_predicate[CG + "occurredAt"]:
        reached[incident].add(place)
    for incident, perpetrator in by_predicate[CG + "hasPerpetrator"]:
        reached[incident] |= members.get(perpetrator, set())
    for incident, participants in parts.items():
        found.update((person, other) for person in participants & young for other in reached[incident])

    for predicate in _RELATIONSHIPS:
        for one, other in by_predicate[predicate]:
            found.update(((one, other), (other, one)))
    for predicate in _TIES:
        found.update(by_predicate[predicate])

    named: dict[str, set[str]] = defaultdict(set)
    for context, participant in by_predicate[CG + "contextParticipant"]:
        named[context].add(participant)
        named[context] |= members.get(participant, set())
    for context, place in by_predicate[CG + "contextPlace"]:
        named[context].add(place)
    for context, person in by_predicate[CG + "concernsYoungPerson"]:
        found.update((person, other) for other in named.get(context, ()))

    return {(person, other) for person, other in found
            if person in young and not types.get(other, set()) & _NOT_CONNECTORS}


def with_connections(quads: list[ox.Quad], graph: str) -> list[ox.Quad]:
    """A review's quads with its connections derived (and any it stated itself dropped)."""
    stated = [quad for quad in quads if quad.predicate.value != CONNECTED_THROUGH]
    node, predicate = ox.NamedNode(graph), ox.NamedNode(CONNECTED_THROUGH)
    return stated + [ox.Quad(ox.NamedNode(person), predicate, ox.NamedNode(other), node)
                     for person, other in sorted(connections(stated))]
