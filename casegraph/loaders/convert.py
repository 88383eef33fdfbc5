"""Turn a checked review file into RDF quads in the review's own named graph."""
from __future__ import annotations

import functools
from collections.abc import Callable

import pyoxigraph as ox

from casegraph.loaders.dates import parse_age, parse_partial_date
from casegraph.loaders.fields import CASE_CLOSURE, EVIDENCE, ITEM_SECTIONS, REVIEW, Field, Section
from casegraph.ontology import RDF, REVIEW as REVIEW_BASE, XSD, Vocabulary, concept_iri, expand, vocabulary

DATE_PREFIX = {"when": "date", "born": "born", "age_at": "ageAt"}


def review_iri(review_id: str) -> str:
    return f"{REVIEW_BASE}{review_id}"


@functools.cache
def _node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _p(name: str) -> ox.NamedNode:
    return _node(expand(name))


@functools.cache
def _typed(datatype: str) -> Callable[[str], ox.Literal]:
    node = ox.NamedNode(XSD + datatype)
    return lambda text: ox.Literal(text, datatype=node)


def _decimal(value: float) -> ox.Literal:
    return _typed("decimal")(f"{value:g}")


class _Builder:
    """Collects the quads of one review graph."""

    def __init__(self, review_id: str, vocab: Vocabulary):
        self.vocab = vocab
        self.base = review_iri(review_id)
        self.graph = _node(self.base)
        self.quads: list[ox.Quad] = []
        self._type = _node(RDF + "type")

    def add(self, subject, predicate, obj) -> None:
        self.quads.append(ox.Quad(subject, predicate, obj, self.graph))

    def item_node(self, local_id: str) -> ox.NamedNode:
        return ox.NamedNode(f"{self.base}/{local_id}")

    def add_types(self, subject, class_iri: str) -> None:
        # Superclasses are asserted too: the store has no reasoner, and "?x a cg:Person" must find a peer.
        for cls in self.vocab.superclasses.get(class_iri, (class_iri,)):
            self.add(subject, self._type, _node(cls))

    def add_fields(self, subject, section: Section, item: dict, nodes: dict[str, ox.NamedNode]) -> None:
        for field in section.fields:
            value = item.get(field.name)
            if value is None:
                continue
            self._add_field(subject, field, value, nodes)

    def _add_field(self, subject, field: Field, value, nodes) -> None:
        kind = field.kind
        if kind in ("text", "page"):
            self.add(subject, _p(field.predicate), ox.Literal(str(value)))
        elif kind == "texts":
            for text in value:
                self.add(subject, _p(field.predicate), ox.Literal(text))
        elif kind == "bool":
            self.add(subject, _p(field.predicate), ox.Literal(bool(value)))
        elif kind == "year":
            self.add(subject, _p(field.predicate), _typed("gYear")(f"{value:04d}"))
        elif kind == "code":
            self.add(subject, _p(field.predicate), _node(concept_iri(field.scheme, value)))
        elif kind == "codes":
            for code in value:
                self.add(subject, _p(field.predicate), _node(concept_iri(field.scheme, code)))
        elif kind in ("ref", "refs"):
            for ref in ([value] if kind == "ref" else value):
                if field.inverse:
                    self.add(nodes[ref], _p(field.predicate), subject)
                else:
                    self.add(subject, _p(field.predicate), nodes[ref])
        elif kind == "date":
            self._add_date(subject, DATE_PREFIX[field.name], value)
        elif kind == "age":
            age = parse_age(value)
            self.add(subject, _p("ageText"), ox.Literal(age.text))
            self.add(subject, _p("ageMin"), _decimal(age.minimum))
            self.add(subject, _p("ageMax"), _decimal(age.maximum))
            self.add(subject, _p("ageApproximate"), ox.Literal(age.approximate))
        elif kind == "evidence":
            self._add_evidence(subject, value)
        # id, class and relationship fields are written by convert_review itself

    def _add_date(self, subject, prefix: str, value) -> None:
        date = parse_partial_date(value)
        self.add(subject, _p(f"{prefix}Text"), ox.Literal(date.text))
        if date.earliest:
            self.add(subject, _p(f"{prefix}Earliest"), _typed("date")(date.earliest.isoformat()))
            self.add(subject, _p(f"{prefix}Latest"), _typed("date")(date.latest.isoformat()))
        if prefix == "date":
            self.add(subject, _p("dateApproximate"), ox.Literal(date.approximate))
            if date.age is not None:
                self.add(subject, _p("ageAtEvent"), _decimal(date.age))

    def _add_evidence(self, subject, evidence: dict) -> None:
        node = ox.NamedNode(f"{subject.value}#evidence")
        self.add(subject, _p("evidence"), node)
        self.add_types(node, expand(EVIDENCE.rdf_class))
        self.add_fields(node, EVIDENCE, evidence, {})

    def add_codings(self, subject, concepts: list[str]) -> None:
        coded_as = _p("codedAs")
        for concept in dict.fromkeys(c for c in concepts if c):
            self.add(subject, coded_as, _node(concept))


def _item_class(section: Section, item: dict, vocab: Vocabulary) -> str:
    if section.rdf_class:
        if section.name == "responses" and item["kind"] == CASE_CLOSURE:
            return expand("CaseClosure")
        return expand(section.rdf_class)
    class_field = next(f for f in section.fields if f.kind == "class")
    return vocab.class_codes[class_field.scheme][item[class_field.name]]


def _derived_codings(section: Section, item: dict, vocab: Vocabulary) -> list[str]:
    """Framework (Table 1) codes that follow from a context's or response's other codes."""
    if section.name == "contexts":
        table = vocab.harm_coding if item["dynamic"] == "harm" else vocab.safety_coding
        return [table.get(concept_iri("context-type", item["context"]))]
    if section.name == "responses":
        return [vocab.framed_as.get(concept_iri(scheme, item[name]))
                for name, scheme in (("agency", "agency"), ("target", "response-target"),
                                     ("kind", "response-kind"))]
    return []


def convert_review(data: dict, vocab: Vocabulary | None = None) -> tuple[str, list[ox.Quad]]:
    """Quads of a review file that check_review_data found no problem in."""
    vocab = vocab or vocabulary()
    review = data["review"]
    builder = _Builder(review["id"], vocab)
    review_node = builder.graph
    builder.add_types(review_node, expand(REVIEW.rdf_class))
    builder.add(review_node, _p("identifier"), ox.Literal(review["id"]))
    builder.add_fields(review_node, REVIEW, review, {})
    nodes = {item["id"]: builder.item_node(item["id"])
             for section in ITEM_SECTIONS for item in data.get(section.name) or ()}
    describes = _p("describes")
    identifier = _p("identifier")
    label = _p("rdfs:label")
    for section in ITEM_SECTIONS:
        for item in data.get(section.name) or ():
            node = nodes[item["id"]]
            builder.add(review_node, describes, node)
            builder.add_types(node, _item_class(section, item, vocab))
            builder.add(node, identifier, ox.Literal(item["id"]))
            if section.name != "relationships" and "name" not in item:
                builder.add(node, label, ox.Literal(item["id"]))
            builder.add_fields(node, section, item, nodes)
            builder.add_codings(node, _derived_codings(section, item, vocab))
            if section.name == "relationships":
                predicate = _node(vocab.relationship_codes[item["kind"]])
                builder.add(node, _node(RDF + "predicate"), predicate)
                builder.add(nodes[item["from"]], predicate, nodes[item["to"]])
    return review["id"], builder.quads
