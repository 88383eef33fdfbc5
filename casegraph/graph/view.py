"""The property-graph view of the store, defined once for every Cypher engine and for networkx.

Rules (names follow Neo4j conventions and come only from the ontology):
- a node for every resource a review types with an ontology class; its labels are that class
  and all its superclasses (a young person is also a `Person` and a `Record`);
- a `Concept` node for every code of the ontology's code lists (`code`, `label`, `scheme`
  properties), with `BROADER` relationships to the codes directly above it;
- a relationship for every ontology object property, `rdf:subject`/`rdf:object` of a
  relationship record, and analysts' `owl:sameAs` links; its type is the property's name in
  UPPER_SNAKE (`hasVictim` -> `HAS_VICTIM`);
- node properties from literals, in camelCase (`rdfs:label` -> `label`); repeated values become
  lists; every node and relationship keeps the `review` it came from; every node has its `iri`.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from casegraph.ontology import CG, OWL, RDF, RDFS, XSD, Vocabulary, vocabulary

REVIEW_PREFIX = "https://w3id.org/casegraph/review/"
RDF_TYPE = RDF + "type"
EXTRA_RELATIONSHIPS = {RDF + "subject": "SUBJECT", RDF + "object": "OBJECT", OWL + "sameAs": "SAME_AS"}
LITERAL_NAMES = {RDFS + "label": "label", RDF + "predicate": "predicate"}
_NUMBERS = {XSD + "decimal": float, XSD + "double": float, XSD + "float": float, XSD + "integer": int,
            XSD + "int": int, XSD + "long": int, XSD + "gYear": int}


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def relationship_type(property_iri: str) -> str:
    """
    >>> relationship_type("https://w3id.org/casegraph/ontology#hasVictim")
    'HAS_VICTIM'
    """
    if property_iri in EXTRA_RELATIONSHIPS:
        return EXTRA_RELATIONSHIPS[property_iri]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local_name(property_iri)).upper()


def property_name(property_iri: str) -> str:
    return LITERAL_NAMES.get(property_iri) or local_name(property_iri)


@dataclass
class Node:
    iri: str
    labels: set[str] = field(default_factory=set)
    properties: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Relationship:
    type: str
    start: str  # node iri
    end: str
    review: str | None


@dataclass
class PropertyGraph:
    nodes: dict[str, Node]
    relationships: list[Relationship]

    def label_sets(self) -> dict[frozenset[str], list[Node]]:
        """Nodes grouped by their exact set of labels (Cypher labels cannot be parameters)."""
        groups: dict[frozenset[str], list[Node]] = {}
        for node in self.nodes.values():
            groups.setdefault(frozenset(node.labels), []).append(node)
        return groups


def _value(literal: ox.Literal) -> object:
    datatype = literal.datatype.value
    if datatype == XSD + "boolean":
        return literal.value == "true"
    convert = _NUMBERS.get(datatype)
    if convert:
        try:
            return convert(literal.value)
        except ValueError:
            return literal.value
    return literal.value


def _review_of(graph: ox.NamedNode | ox.DefaultGraph) -> str | None:
    name = getattr(graph, "value", "")
    return name[len(REVIEW_PREFIX):] if name.startswith(REVIEW_PREFIX) else None


def build_view(quads: Iterable[ox.Quad], vocab: Vocabulary | None = None) -> PropertyGraph:
    """The property graph of review quads (and the links graph's owl:sameAs quads)."""
    vocab = vocab or vocabulary()
    classes = vocab.superclasses
    relationship_properties = vocab.object_properties | set(EXTRA_RELATIONSHIPS)
    nodes: dict[str, Node] = {}
    relationships: list[Relationship] = []
    pending_literals: list[tuple[str, str, object, str | None]] = []

    def node(iri: str) -> Node:
        found = nodes.get(iri)
        if found is None:
            found = nodes[iri] = Node(iri)
            if iri in vocab.concepts:
                scheme, code = vocab.concepts[iri]
                found.labels.add("Concept")
                found.properties.update(code=code, scheme=scheme, label=vocab.label(iri))
        return found

    for quad in quads:
        subject, predicate, obj = quad.subject.value, quad.predicate.value, quad.object
        review = _review_of(quad.graph_name)
        if predicate == RDF_TYPE:
            if obj.value in classes:
                target = node(subject)
                target.labels.update(local_name(c) for c in classes[obj.value] if c.startswith(CG))
                if review is not None:
                    target.properties["review"] = review
        elif isinstance(obj, ox.Literal):
            pending_literals.append((subject, property_name(predicate), _value(obj), review))
        elif predicate == RDF + "predicate":
            pending_literals.append((subject, "predicate", local_name(obj.value), review))
        elif predicate in relationship_properties:
            relationships.append(Relationship(relationship_type(predicate), subject, obj.value, review))
    for subject, name, value, _review in pending_literals:
        if subject not in nodes:
            continue  # only typed resources become nodes
        properties = nodes[subject].properties
        if name in properties and name != "review":
            existing = properties[name]
            properties[name] = sorted((existing if isinstance(existing, list) else [existing]) + [value], key=str)
        else:
            properties[name] = value
    relationships = [r for r in relationships if r.start in nodes and (r.end in nodes or r.end in vocab.concepts)]
    for concept in vocab.concepts:  # every code, used or not: a count of zero is an answer too
        node(concept)
    relationships.extend(_concept_hierarchy(vocab))
    for iri, found in nodes.items():
        found.properties["iri"] = iri
    return PropertyGraph(nodes, relationships)


def _concept_hierarchy(vocab: Vocabulary) -> list[Relationship]:
    """`BROADER` from each code to the codes directly above it (vocab.broader is transitive)."""
    found = []
    for narrower, broader in vocab.broader.items():
        if narrower not in vocab.concepts:
            continue
        for candidate in broader:
            if not any(candidate in vocab.broader.get(other, ()) for other in broader if other != candidate):
                found.append(Relationship("BROADER", narrower, candidate, None))
    return sorted(found, key=lambda r: (r.start, r.end))
