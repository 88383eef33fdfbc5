"""The property-graph view of the store, defined once for every Cypher engine and for networkx.

Rules (names follow Neo4j conventions and come only from the ontology):
- a node for every resource a review types with an ontology class; its labels are that class
  and all its superclasses (a young person is also a `Person` and a `Record`);
- a `Concept` node for every code of the ontology's code lists (`code`, `label`, `scheme`
  properties), with `BROADER` relationships to the codes directly above it, and the code lists'
  own cross-references between codes: `FRAMED_AS` (an agency, response kind or target to the
  coding-framework node it counts under), `HARM_CODING` and `SAFETY_CODING` (a context type to
  its framework node for harm and for safety), from the annotation properties `cg:framedAs`,
  `cg:harmCoding` and `cg:safetyCoding`; these, like `BROADER`, carry no `review`;
- a relationship for every ontology object property and analysts' `owl:sameAs` links; its type
  is the property's name in UPPER_SNAKE (`hasVictim` -> `HAS_VICTIM`); `CONNECTED_THROUGH`, the
  connections casegraph derives when loading (casegraph.ontology.connections), is one of them
  for the Cypher questions, and `DERIVED_RELATIONSHIPS` tells pictures and reports to leave out
  what no review states;
- node properties from literals, in camelCase (`rdfs:label` -> `label`), and for each date
  (xsd:date) also `<name>EpochDay`, its day number since 1970-01-01 (`dateEarliestEpochDay`), so
  date arithmetic is integer arithmetic on every engine; repeated values become
  lists; every node and relationship keeps the `review` it came from; every node has its `iri`.
  Dates stay ISO text here (`"2015-01-31"`); `typed_dates` turns those with a twin into
  `datetime.date` for Neo4j, which stores them as `date` values (a partial or odd date has no
  twin and stays text);
- every code a record points to is also a plain property beside its `Concept` relationship,
  holding the code (the Concept's `code`, its skos:notation), named after the property:
  one value when the property can hold only one (owl:FunctionalProperty, or `sh:maxCount 1`
  in every shape that constrains it), as `gender: "male"` or `responseKind: "referral"`;
  otherwise a list under the plural name, as `harmTypes: ["sexual-exploitation"]`
  (`code_property_name`; a name ending in a preposition, `codedAs`, stays as it is);
- a record whose classes carry a code (the `kind` of a person, group, place or context in the
  review files: `skos:notation` on the ontology class) has `kinds`, the codes of all those
  classes, most specific first (a park: `["park", "public-space"]`), `kind`, the code of its
  most specific one (`park`), and `kindLabel`, that class's label (`park`, `housing estate`);
- a relationship record (a class below rdf:Statement: cg:Relationship, with `rdf:subject`,
  `rdf:predicate` and `rdf:object`) is no node but the direct relationship between its two
  people (`(:Person)-[:FRIEND_OF]->(:Person)`), which carries the record's properties: its
  `iri`, `identifier`, `description`, codes (`codedAs`), `recordLabels` (the labels its node
  would have had: `["Record", "Relationship"]`), `kind` and `kindLabel` (the notation and label
  of the property: `friend`), and for each other record it points to (its `Evidence`) that
  record's `iri` under the property's name (`evidence`) and its properties prefixed with it
  (`evidenceQuote`, `evidencePage`); the Evidence node stays. Two records of the same
  relationship are two relationships. The RDF keeps the record as it is.
"""
from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from casegraph.graph.view_names import (EXTRA_RELATIONSHIPS, code_property_name, local_name, property_name,
                                        relationship_type, single_valued_properties)
from casegraph.ontology import CG, RDF, REVIEW, XSD, Vocabulary, vocabulary
from casegraph.ontology import CODES_FILE, ONTOLOGY_FILE, SHAPES_FILE

VIEW_RULES = "5"  # bump when the view's rules change, so every view kept on disk is derived again
RDF_TYPE = RDF + "type"
STATEMENT = RDF + "Statement"  # records of this class (cg:Relationship) become the relationship they state
DERIVED_RELATIONSHIPS = frozenset({"CONNECTED_THROUGH"})  # cg:connectedThrough: derived, never stated
_NUMBERS = {XSD + "decimal": float, XSD + "double": float, XSD + "float": float, XSD + "integer": int,
            XSD + "int": int, XSD + "long": int, XSD + "gYear": int}


@functools.cache
def view_rules() -> str:
    """The view rules' version and the ontology's: a view derived under others is derived again."""
    import hashlib

    files = b"".join(path.read_bytes() for path in (ONTOLOGY_FILE, CODES_FILE, SHAPES_FILE))
    return f"{VIEW_RULES}.{hashlib.sha256(files).hexdigest()[:16]}"


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
    # a relationship record's properties (not `review`, which is above); not part of equality
    properties: dict[str, object] = field(default_factory=dict, compare=False)


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


def values(value: object) -> list:
    """A view property's values: a repeated property is a list, a single one is the value itself.

    >>> values(["a", "b"]), values(3)
    (['a', 'b'], [3])
    """
    return value if isinstance(value, list) else [value]


def literal_value(literal: ox.Literal) -> object:
    """A literal as the view stores it: numbers (years too) as numbers, booleans as booleans, else text."""
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


def epoch_day(text: str) -> int | None:
    """Days since 1970-01-01 of an xsd:date, for date arithmetic that is plain integer arithmetic.

    Engines disagree on dates: FalkorDB adds `duration({days: 183})` to 2010-06-30 and gets
    2011-01-01, Neo4j 2010-12-30; integers compare the same everywhere.

    >>> epoch_day("1970-01-02"), epoch_day("2010-12-30") - epoch_day("2010-06-30"), epoch_day("2010")
    (1, 183, None)
    """
    try:
        return (_dt.date.fromisoformat(text[:10]) - _EPOCH).days
    except ValueError:
        return None


_EPOCH = _dt.date(1970, 1, 1)


def _review_of(graph: ox.NamedNode | ox.DefaultGraph) -> str | None:
    name = getattr(graph, "value", "")
    return name[len(REVIEW):] if name.startswith(REVIEW) else None


def build_view(quads: Iterable[ox.Quad], vocab: Vocabulary | None = None) -> PropertyGraph:
    """The property graph of review quads (and the links graph's owl:sameAs quads)."""
    vocab = vocab or vocabulary()
    by_graph: dict[str | None, list[ox.Quad]] = {}
    links: list[ox.Quad] = []
    for quad in quads:
        review = _review_of(quad.graph_name)
        if review is None and isinstance(quad.graph_name, ox.NamedNode):
            links.append(quad)  # the links graph (or another graph of no review): relationships only
        else:
            by_graph.setdefault(review, []).append(quad)
    return combine_view([review_fragment(group, vocab) for group in by_graph.values()], links, vocab)


@dataclass
class ReviewFragment:
    """One review's part of the view, derived from that review's quads alone (its records' IRIs
    are its own), so it can be kept beside the review and combined with the others for any
    question. `extra` holds second records of one relationship, which go after everything else;
    `outward`, relationships to records of other reviews, kept in the view where those are too."""

    review: str | None
    nodes: dict[str, Node]
    relationships: list[Relationship]
    extra: list[Relationship] = field(default_factory=list)
    outward: list[Relationship] = field(default_factory=list)  # to another review's records (same event as)


def review_fragment(quads: Iterable[ox.Quad], vocab: Vocabulary | None = None) -> ReviewFragment:
    """The nodes and relationships of one review's quads (see the module docstring)."""
    vocab = vocab or vocabulary()
    classes = vocab.superclasses
    relationship_properties = vocab.object_properties | set(EXTRA_RELATIONSHIPS)
    nodes: dict[str, Node] = {}
    relationships: list[Relationship] = []
    pending_literals: list[tuple[str, str, object]] = []
    statements: set[str] = set()  # relationship records (rdf:Statement), folded into relationships below
    predicates: dict[str, str] = {}  # a statement's rdf:predicate
    code_lists: set[str] = set()  # code properties that hold a list, even of one code
    fragment_review = None
    class_labels = _class_labels(vocab)
    reviews: dict[object, str | None] = {}  # graph name -> its review: one or two per fragment

    for quad in quads:
        subject, predicate, obj = quad.subject.value, quad.predicate.value, quad.object
        graph = quad.graph_name
        review = reviews.get(graph, False)
        if review is False:
            review = reviews[graph] = _review_of(graph)
        fragment_review = review
        if predicate == RDF_TYPE:
            if obj.value in classes:
                target = nodes.get(subject) or nodes.setdefault(subject, _new_node(subject, vocab))
                target.labels.update(class_labels[obj.value])
                if review is not None:
                    target.properties["review"] = review
                if STATEMENT in classes[obj.value]:
                    statements.add(subject)
        elif isinstance(obj, ox.Literal):
            pending_literals.append((subject, property_name(predicate), literal_value(obj)))
            if obj.datatype.value == XSD + "date" and (day := epoch_day(obj.value)) is not None:
                pending_literals.append((subject, property_name(predicate) + "EpochDay", day))
        elif predicate == RDF + "predicate":
            pending_literals.append((subject, "predicate", local_name(obj.value)))
            predicates[subject] = obj.value
        elif predicate in relationship_properties:
            relationships.append(Relationship(relationship_type(predicate), subject, obj.value, review))
            if obj.value in vocab.concepts and subject not in vocab.concepts:
                name = code_property_name(predicate)
                pending_literals.append((subject, name, vocab.concepts[obj.value][1]))
                if predicate not in single_valued_properties():
                    code_lists.add(name)
    for subject, name, value in pending_literals:
        if subject not in nodes:
            continue  # only typed resources become nodes
        properties = nodes[subject].properties
        if name in properties and name != "review":
            existing = properties[name]
            properties[name] = sorted(values(existing) + [value], key=str)
        else:
            properties[name] = [value] if name in code_lists else value
    outward = [r for r in relationships if r.start in nodes and r.end not in nodes and r.end not in vocab.concepts]
    relationships = [r for r in relationships if r.start in nodes and (r.end in nodes or r.end in vocab.concepts)]
    class_codes = _class_codes(vocab)
    for iri, found in nodes.items():
        _add_kinds(found, class_codes, vocab)
        found.properties["iri"] = iri
    relationships, extra = _fold_statements(nodes, relationships, statements, predicates, vocab)
    # In a canonical order, so the fragment is the same whichever order the quads came in (a
    # loader's, or the store's when read back).
    for found in nodes.values():
        found.properties = dict(sorted(found.properties.items()))
    for relationship in relationships + extra:
        if relationship.properties:
            ordered = sorted(relationship.properties.items())
            relationship.properties.clear()
            relationship.properties.update(ordered)
    return ReviewFragment(fragment_review, dict(sorted(nodes.items())), sorted(relationships, key=_order),
                          sorted(extra, key=_order), sorted(outward, key=_order))


def _order(relationship: Relationship) -> tuple:
    return (relationship.type, relationship.start, relationship.end, str(sorted(relationship.properties.items())))


def combine_view(fragments: Iterable[ReviewFragment], links: Iterable[ox.Quad] = (),
                 vocab: Vocabulary | None = None) -> PropertyGraph:
    """The view of these reviews' fragments, the analysts' links between their records (the
    links graph's owl:sameAs quads) and every code of the ontology's code lists."""
    vocab = vocab or vocabulary()
    fragments = list(fragments)
    nodes: dict[str, Node] = {}
    relationships: list[Relationship] = []
    for fragment in fragments:
        nodes.update(fragment.nodes)
    for fragment in fragments:
        relationships.extend(fragment.relationships)
        relationships.extend(r for r in fragment.outward if r.end in nodes)
    for quad in links:
        if quad.predicate.value in EXTRA_RELATIONSHIPS or quad.predicate.value in vocab.object_properties:
            start, end = quad.subject.value, quad.object.value
            if start in nodes and end in nodes:
                relationships.append(Relationship(relationship_type(quad.predicate.value), start, end, None))
    for concept in vocab.concepts:  # every code, used or not: a count of zero is an answer too
        if concept not in nodes:
            nodes[concept] = _new_node(concept, vocab)
            nodes[concept].properties = dict(sorted({**nodes[concept].properties, "iri": concept}.items()))
    relationships.extend(_concept_hierarchy(vocab))
    relationships.extend(_concept_links(vocab))
    for fragment in fragments:
        relationships.extend(fragment.extra)
    return PropertyGraph(nodes, relationships)


def _new_node(iri: str, vocab: Vocabulary) -> Node:
    found = Node(iri)
    if iri in vocab.concepts:
        scheme, code = vocab.concepts[iri]
        found.labels.add("Concept")
        found.properties.update(code=code, scheme=scheme, label=vocab.label(iri))
    return found


def _class_labels(vocab: Vocabulary) -> dict[str, list[str]]:
    """Each class's node labels: its own local name and its superclasses' in the ontology."""
    return {iri: [local_name(c) for c in classes if c.startswith(CG)] for iri, classes in vocab.superclasses.items()}


def _class_codes(vocab: Vocabulary) -> dict[str, str]:
    return {iri: code for codes in vocab.class_codes.values() for code, iri in codes.items()}


def _fold_statements(nodes: dict[str, Node], relationships: list[Relationship], statements: set[str],
                     predicates: dict[str, str], vocab: Vocabulary) -> tuple[list[Relationship], list[Relationship]]:
    """Each relationship record made the relationship it states, carrying its properties; the
    record's node and its own relationships removed from `nodes`, and the relationships returned
    with the second records of one relationship apart. A record without both people or its
    property stays a node."""
    kinds = {iri: code for code, iri in vocab.relationship_codes.items()}
    leaving: dict[str, list[Relationship]] = {}
    for r in relationships:
        if r.start in statements:
            leaving.setdefault(r.start, []).append(r)
    position = {(r.type, r.start, r.end, r.review): i for i, r in enumerate(relationships)}
    folded_into: set[int] = set()
    added: list[Relationship] = []
    for record in sorted(statements):
        ends = {r.type: r.end for r in leaving.get(record, ()) if r.type in ("SUBJECT", "OBJECT")}
        predicate, node = predicates.get(record), nodes[record]
        if predicate is None or len(ends) != 2 or not all(end in nodes for end in ends.values()):
            continue
        properties = {k: v for k, v in node.properties.items() if k not in ("review", "predicate")}
        properties["recordLabels"] = sorted(node.labels)
        if predicate in kinds:
            properties.update(kind=kinds[predicate], kindLabel=vocab.label(predicate))
        for r in leaving[record]:
            if r.type in ("SUBJECT", "OBJECT") or r.end in vocab.concepts:
                continue  # the ends, and the codes (already properties)
            name = _camel(r.type)
            _add_value(properties, name, r.end)
            for key, value in nodes[r.end].properties.items():
                if key not in ("iri", "review"):
                    for item in values(value):
                        _add_value(properties, name + key[0].upper() + key[1:], item)
        review = node.properties.get("review")
        key = (relationship_type(predicate), ends["SUBJECT"], ends["OBJECT"], review)
        relationship = Relationship(*key, properties=properties)
        at = position.get(key)
        if at is not None and at not in folded_into:
            relationships[at] = relationship
            folded_into.add(at)
        else:  # a second record of one relationship, or a record without its direct triple
            added.append(relationship)
        del nodes[record]
    gone = statements - nodes.keys()
    return ([r for r in relationships if r.start not in gone and r.end not in gone],
            [r for r in added if r.start not in gone and r.end not in gone])


def _camel(type_name: str) -> str:
    """
    >>> _camel("EVIDENCE"), _camel("HAS_VICTIM")
    ('evidence', 'hasVictim')
    """
    first, *rest = type_name.lower().split("_")
    return first + "".join(word.capitalize() for word in rest)


def _add_value(properties: dict[str, object], name: str, value: object) -> None:
    """Set a property, making a sorted list of it when it is set again."""
    if name in properties:
        properties[name] = sorted(values(properties[name]) + [value], key=str)
    else:
        properties[name] = value


def _add_kinds(node: Node, class_codes: dict[str, str], vocab: Vocabulary) -> None:
    """`kinds`, `kind` and `kindLabel` from the codes (skos:notation) of the node's classes."""
    coded = [CG + label for label in node.labels if CG + label in class_codes]
    if not coded:
        return
    # Most specific first: a class below another of the node's coded classes comes before it.
    depth = {c: sum(1 for other in coded if other != c and other in vocab.superclasses.get(c, ())) for c in coded}
    coded.sort(key=lambda c: (-depth[c], class_codes[c]))
    node.properties.update(kinds=[class_codes[c] for c in coded], kind=class_codes[coded[0]],
                           kindLabel=vocab.label(coded[0]))


def _concept_links(vocab: Vocabulary) -> list[Relationship]:
    """`FRAMED_AS`, `HARM_CODING` and `SAFETY_CODING` between codes, as the code lists state them."""
    found = []
    links = {"framedAs": vocab.framed_as, "harmCoding": vocab.harm_coding, "safetyCoding": vocab.safety_coding}
    for name, mapping in links.items():
        found += [Relationship(relationship_type(CG + name), start, end, None)
                  for start, end in sorted(mapping.items()) if start in vocab.concepts and end in vocab.concepts]
    return found


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
