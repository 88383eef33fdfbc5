"""Turn a checked review file into RDF quads in the review's own named graph."""
from __future__ import annotations

import functools
from collections.abc import Callable

import pyoxigraph as ox

from casegraph.loaders.dates import parse_age, parse_partial_date
from casegraph.loaders.fields import (CASE_CLOSURE, CODING_LINKS, EVIDENCE, EXCERPTS, FAMILY_MEMBER, FORMAT_MARKER,
                                      FORMAT_VERSIONS, PEOPLE, QDA_CODES, REVIEW, STANDS_FOR_LISTS, YOUNG_PERSON,
                                      Field, Section, sections_for)
from casegraph.ontology import RDF, XSD, Vocabulary, concept_iri, expand, review_iri, vocabulary

DATE_PREFIX = {"when": "date", "born": "born", "age_at": "ageAt", "commissioned": "commissioned",
               "published": "published"}


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


_PLANS: dict[tuple[str, int], tuple[tuple[str, str, ox.NamedNode | None, Field], ...]] = {}


def _plan(section: Section, version: int) -> tuple[tuple[str, str, ox.NamedNode | None, Field], ...]:
    """(key, kind, predicate node, field) for each field, worked out once per section and version."""
    plan = _PLANS.get((section.name, version))  # keyed by name: hashing the frozen dataclass each time is slow
    if plan is None:
        plan = _PLANS[section.name, version] = tuple((f.name, f.kind, _p(f.predicate) if f.predicate else None, f)
                                                     for f in section.fields_for(version))
    return plan


@functools.cache
def _concept(scheme: str, code: str) -> ox.NamedNode:
    return ox.NamedNode(concept_iri(scheme, code))


class _Builder:
    """Collects the quads of one review graph."""

    def __init__(self, review_id: str, vocab: Vocabulary, version: int):
        self.vocab = vocab
        self.version = version
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
        quads, graph, Quad, Literal = self.quads, self.graph, ox.Quad, ox.Literal
        for name, kind, predicate, field in _plan(section, self.version):
            value = item.get(name)
            if value is None:
                continue
            if kind == "text" or kind == "page":
                quads.append(Quad(subject, predicate, Literal(str(value)), graph))
            elif kind == "code":
                quads.append(Quad(subject, predicate, _concept(field.scheme, value), graph))
            elif kind == "codes":
                quads.extend(Quad(subject, predicate, _concept(field.scheme, code), graph) for code in value)
            elif kind == "ref" or kind == "refs":
                for ref in ([value] if kind == "ref" else value):
                    if field.inverse:
                        quads.append(Quad(nodes[ref], predicate, subject, graph))
                    else:
                        quads.append(Quad(subject, predicate, nodes[ref], graph))
            elif kind == "texts":
                quads.extend(Quad(subject, predicate, Literal(text), graph) for text in value)
            elif kind == "bool":
                quads.append(Quad(subject, predicate, Literal(bool(value)), graph))
            elif kind == "year":
                quads.append(Quad(subject, predicate, _typed("gYear")(f"{int(value):04d}"), graph))  # 2016.0 too
            elif kind == "count":
                quads.append(Quad(subject, predicate, _typed("integer")(str(int(value))), graph))
            elif kind == "external-refs":
                quads.extend(Quad(subject, predicate, _node(review_iri(ref)), graph) for ref in value)
            elif kind == "item" or kind == "items" or kind == "stays":
                self._add_details(subject, predicate, field, value, nodes)
            elif kind == "date":
                self._add_date(subject, DATE_PREFIX[name], value)
            elif kind == "age":
                self._add_age(subject, value)
            elif kind == "evidence":
                self._add_evidence(subject, value, nodes)
            elif kind == "confidence":
                quads.append(Quad(subject, predicate, _decimal(value), graph))
            elif kind == "code-ref":
                quads.append(Quad(subject, _p("standsFor"), _node(casegraph_term(value, self.vocab)), graph))
            # id, class, relationship and text-file fields are written by convert_review itself, or not at all

    def _add_details(self, subject, predicate, field: Field, value, nodes: dict[str, ox.NamedNode]) -> None:
        """Each nested mapping becomes a node of its own, <subject>/<slug>-<n> (n counts from 1 in the
        file's order); a stay (attends, lives_at) is also the plain edge to its place."""
        entries = [value] if isinstance(value, (str, dict)) else value
        detail_class = expand(field.detail_class or field.detail.rdf_class)
        for n, entry in enumerate(entries, 1):
            if field.kind == "stays":
                place = entry if isinstance(entry, str) else entry["place"]
                self.add(subject, predicate, nodes[place])
                if isinstance(entry, str):
                    continue
                predicate_of_detail = _p(field.detail_predicate)
            else:
                predicate_of_detail = predicate
            local = field.slug if field.kind == "item" else f"{field.slug}-{n}"
            # The review's own details hang below "_": no item id starts with one, so none can collide.
            node = ox.NamedNode(f"{subject.value}/_{local}" if subject == self.graph else f"{subject.value}/{local}")
            self.add(subject, predicate_of_detail, node)
            self.add_types(node, detail_class)
            self.add_fields(node, field.detail, entry, nodes)

    def _add_age(self, subject, value) -> None:
        age = parse_age(value)
        self.add(subject, _p("ageText"), ox.Literal(age.text))
        self.add(subject, _p("ageMin"), _decimal(age.minimum))
        self.add(subject, _p("ageMax"), _decimal(age.maximum))
        self.add(subject, _p("ageApproximate"), ox.Literal(age.approximate))

    def _add_date(self, subject, prefix: str, value) -> None:
        date = parse_partial_date(value)
        self.add(subject, _p(f"{prefix}Text"), ox.Literal(date.text))
        if date.earliest:  # an open date ("before 2019", "from 2015") has one bound only
            self.add(subject, _p(f"{prefix}Earliest"), _typed("date")(date.earliest.isoformat()))
        if date.latest:
            self.add(subject, _p(f"{prefix}Latest"), _typed("date")(date.latest.isoformat()))
        if prefix == "date":
            self.add(subject, _p("dateApproximate"), ox.Literal(date.approximate))
            if date.age is not None:
                self.add(subject, _p("ageAtEvent"), _decimal(date.age))

    def _add_evidence(self, subject, evidence: dict, nodes: dict[str, ox.NamedNode]) -> None:
        node = ox.NamedNode(f"{subject.value}#evidence")
        self.add(subject, _p("evidence"), node)
        self.add_types(node, expand(EVIDENCE.rdf_class))
        self.add_fields(node, EVIDENCE, evidence, nodes)

    def add_family_ties(self, people: list[dict], nodes: dict[str, ox.NamedNode]) -> None:
        """review/2: a family member is the relative of the review's young person, when it has one only
        and the file does not say whose relative they are (relative_of)."""
        young = [person["id"] for person in people if person["role"] == YOUNG_PERSON]
        if self.version < 2 or len(young) != 1:
            return
        relative_of = _p("relativeOf")
        for person in people:
            if person["role"] == FAMILY_MEMBER and "relative_of" not in person and person["id"] != young[0]:
                self.add(nodes[person["id"]], relative_of, nodes[young[0]])

    def add_codings(self, subject, concepts: list[str]) -> None:
        coded_as = _p("codedAs")
        for concept in dict.fromkeys(c for c in concepts if c):
            self.add(subject, coded_as, _node(concept))


def casegraph_term(code_ref: str, vocab: Vocabulary) -> str:
    """The IRI of a `list/code` (`framework/harm-peers`; `Person/young-person` is a class)."""
    list_id, _, code = code_ref.partition("/")
    return vocab.class_codes[list_id][code] if list_id in vocab.class_codes else concept_iri(list_id, code)


def _add_coding(builder: _Builder, data: dict, nodes: dict[str, ox.NamedNode]) -> None:
    """An excerpt stands for what its project codes stand for: `stands_for: harm-type/...` on a code
    gives each excerpt coded with it that harm type, so the saved questions count it."""
    codes = {code["id"]: code for code in data.get(QDA_CODES.name) or ()}
    if codes:  # the project's codebook, as a concept scheme of the review's own (below "_", as details are)
        scheme = _node(f"{builder.base}/_codebook")
        builder.add(scheme, _node(RDF + "type"), _p("skos:ConceptScheme"))
        builder.add(scheme, _p("rdfs:label"), ox.Literal(data["review"].get("project") or "codebook"))
        for code_id, code in codes.items():
            builder.add(nodes[code_id], _p("skos:inScheme"), scheme)
            builder.add(nodes[code_id], _p("skos:prefLabel"), ox.Literal(code.get("name", code_id)))
    for item in data.get(EXCERPTS.name) or ():
        for coding in item["codings"]:
            target = codes[coding["code"]].get("stands_for")
            if target:
                list_id = target.partition("/")[0]
                builder.add(nodes[item["id"]], _p(STANDS_FOR_LISTS[list_id]), _node(casegraph_term(target, builder.vocab)))


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
    builder = _Builder(review["id"], vocab, FORMAT_VERSIONS[data[FORMAT_MARKER]])
    review_node = builder.graph
    sections = sections_for(builder.version)
    nodes = {item["id"]: builder.item_node(item["id"]) for section in sections for item in data.get(section.name) or ()}
    builder.add_types(review_node, expand(REVIEW.rdf_class))
    builder.add(review_node, _p("identifier"), ox.Literal(review["id"]))
    builder.add_fields(review_node, REVIEW, review, nodes)
    describes = _p("describes")
    identifier = _p("identifier")
    label = _p("rdfs:label")
    for section in sections:
        # Coding (project codes, documents, excerpts) is how the review was read, not what it describes.
        link = _p(CODING_LINKS[section.name]) if section.name in CODING_LINKS else describes
        for item in data.get(section.name) or ():
            node = nodes[item["id"]]
            builder.add(review_node, link, node)
            builder.add_types(node, _item_class(section, item, vocab))
            builder.add(node, identifier, ox.Literal(item["id"]))
            if section.name not in ("relationships", "excerpts") and "name" not in item:
                builder.add(node, label, ox.Literal(item["id"]))
            builder.add_fields(node, section, item, nodes)
            builder.add_codings(node, _derived_codings(section, item, vocab))
            if section.name == "relationships":
                predicate = _node(vocab.relationship_codes[item["kind"]])
                builder.add(node, _node(RDF + "predicate"), predicate)
                builder.add(nodes[item["from"]], predicate, nodes[item["to"]])
    builder.add_family_ties(data.get(PEOPLE.name) or [], nodes)
    _add_coding(builder, data, nodes)
    # Once each: a membership written on both the person and the group, a code given twice or also
    # derived, is one triple, and the count reported must be the count stored.
    return review["id"], list(dict.fromkeys(builder.quads))
