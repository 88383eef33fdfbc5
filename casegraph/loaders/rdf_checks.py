"""The trust boundary of RDF review files: what one review's file may state.

A YAML review can only say what its fields say, but a Turtle, TriG, JSON-LD, N-Triples or
N-Quads file can state any triple, and every stored review meets the others in one union
graph. So before the SHACL shapes are asked, a review file is held to what its own review
may say, in the ontology's own terms:

- every triple is about the review (its IRI, review_iri(id)), one of its records (IRIs under
  that IRI and "/" or "#") or a blank node, and the review leads to each of them (a record
  through cg:describes, an excerpt through cg:evidence, ...); triples go in the default graph
  or the review's own;
- nothing points into another review, and there is no owl:sameAs: links between records come
  only from analysts' decisions (casegraph link); the one exception is cg:sameEventAs, a review's
  own word that another review's incident is the event it records (review/2's `same_as`);
- predicates are the properties of the part of the ontology a review graph uses: the classes
  reached from cg:Review through rdfs:domain and rdfs:range, the properties whose domain is
  one of them (or that have none), the RDF terms the review format names (fields.py) and the
  two that convert.py writes itself (rdf:type; rdf:predicate of a relationship); rdf:type
  objects are those classes or their superclasses, and other object IRIs are the review's own
  nodes or terms of the ontology and code lists;
- literals are well formed for their datatype and of the datatype the property's rdfs:range
  declares.

Each breach names the triple (`triple_text`); the loader reports the first few with lines.
"""
from __future__ import annotations

import datetime
import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from casegraph.loaders.fields import ALL_SECTIONS, CODING_DETAILS, CODING_LINKS, DETAILS, EVIDENCE, REVIEW as REVIEW_SECTION
from casegraph.loaders.schema import EXTERNAL_REF_PATTERN
from casegraph.ontology import CG, ONTOLOGY_FILE, OWL, PREFIXES, RDF, RDFS, REVIEW, SKOS, XSD, expand, vocabulary

RDF_TYPE = RDF + "type"
SAME_AS = OWL + "sameAs"
SAME_EVENT_AS = CG + "sameEventAs"  # may name another review's incident: see the module docstring
LANG_STRING = RDF + "langString"
LINK_ADVICE = "propose the link with casegraph link candidates and accept it there"
MAX_TERM = 90
MAX_TRIPLE = 200


@dataclass(frozen=True)
class ReviewTerms:
    """The ontology's terms that a review graph may use, worked out from the ontology files."""

    classes: frozenset[str]  # rdf:type objects
    predicates: frozenset[str]
    object_properties: frozenset[str]  # take an IRI or blank node
    datatype_properties: frozenset[str]  # take a literal
    ranges: dict[str, str]  # datatype property -> its rdfs:range datatype
    datatypes: frozenset[str]  # every datatype a literal may have
    objects: frozenset[str]  # IRIs an object may be besides the review's own nodes


@functools.cache
def review_terms() -> ReviewTerms:
    vocab = vocabulary()
    store = ox.Store()
    store.load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    union = "(owl:unionOf/rdf:rest*/rdf:first)?"  # a class, or each member of a union class
    domains: dict[str, set[str]] = {}
    ranges: dict[str, set[str]] = {}
    for prop, domain, range_ in store.query(prefixes + f"""
            SELECT ?p ?d ?r {{ VALUES ?kind {{ owl:ObjectProperty owl:DatatypeProperty }} ?p a ?kind .
              OPTIONAL {{ ?p rdfs:domain/{union} ?d FILTER(isIRI(?d)) }}
              OPTIONAL {{ ?p rdfs:range/{union} ?r FILTER(isIRI(?r)) }} }}"""):
        domains.setdefault(prop.value, set())
        ranges.setdefault(prop.value, set())
        if domain is not None:
            domains[prop.value].add(domain.value)
        if range_ is not None:
            ranges[prop.value].add(range_.value)
    subclasses: dict[str, set[str]] = {}
    for cls, supers in vocab.superclasses.items():
        for sup in supers:
            subclasses.setdefault(sup, set()).add(cls)
    # The review graph's classes: cg:Review and what its properties lead to, with their subclasses.
    classes = set(subclasses[expand(REVIEW_SECTION.rdf_class)])
    properties: set[str] = set()
    grown = True
    while grown:
        grown = False
        above = {sup for cls in classes for sup in vocab.superclasses.get(cls, ())}
        for prop in domains.keys() - properties:
            if not domains[prop] or domains[prop] & above:
                properties.add(prop)
                grown = True
                for range_ in ranges[prop]:
                    classes |= subclasses.get(range_, set())
    datatype_properties = properties & vocab.datatype_properties
    declared_ranges = {p: next(iter(ranges[p])) for p in datatype_properties if len(ranges[p]) == 1}
    format_terms = {expand(p) for section in (REVIEW_SECTION, EVIDENCE, *ALL_SECTIONS, *DETAILS, *CODING_DETAILS)
                    for f in section.fields for p in (f.predicate, f.detail_predicate) if p}
    format_terms |= {expand(p) for p in (*CODING_LINKS.values(), "standsFor", "skos:inScheme", "skos:prefLabel")}
    classes.add(expand("skos:ConceptScheme"))  # an imported project's codebook
    predicates = properties | format_terms | {RDF_TYPE, RDF + "predicate"}
    type_classes = frozenset(sup for cls in classes for sup in vocab.superclasses.get(cls, (cls,)))
    return ReviewTerms(
        classes=type_classes, predicates=frozenset(predicates),
        object_properties=frozenset(properties & vocab.object_properties),
        datatype_properties=frozenset(datatype_properties), ranges=declared_ranges,
        datatypes=frozenset(declared_ranges.values()) | {XSD + "string", LANG_STRING},
        objects=type_classes | frozenset(predicates) | frozenset(vocab.concepts))


def review_of(iri: str) -> str | None:
    """The id of the review an IRI under the review namespace belongs to ("" for the bare namespace)."""
    if not iri.startswith(REVIEW):
        return None
    return re.split(r"[/#]", iri[len(REVIEW):], maxsplit=1)[0]


class _Own:
    def __init__(self, review: str):
        self.review = review
        self.prefixes = (review + "/", review + "#")

    def __call__(self, term) -> bool:
        if isinstance(term, ox.BlankNode):
            return True
        return isinstance(term, ox.NamedNode) and (term.value == self.review or term.value.startswith(self.prefixes))


def _reached(quads: Sequence[ox.Quad], own: _Own) -> set:
    """The review and every node of its own that a chain of triples leads to from it."""
    links: dict = {}
    for quad in quads:
        if own(quad.subject) and own(quad.object):
            links.setdefault(quad.subject, []).append(quad.object)
    start = ox.NamedNode(own.review)
    reached, todo = {start}, [start]
    while todo:
        for node in links.get(todo.pop(), ()):
            if node not in reached:
                reached.add(node)
                todo.append(node)
    return reached


def boundary_breaches(quads: Sequence[ox.Quad], review: str) -> list[tuple[int, str]]:
    """(index, message) of each triple that review `review`'s file may not state."""
    terms, own = review_terms(), _Own(review)
    reached = _reached(quads, own)
    graph = ox.NamedNode(review)
    breaches = []
    for index, quad in enumerate(quads):
        message = _breach(quad, terms, own, reached, graph)
        if message:
            breaches.append((index, message))
    return breaches


def _breach(quad: ox.Quad, terms: ReviewTerms, own: _Own, reached: set, graph) -> str | None:
    subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
    if not isinstance(quad.graph_name, ox.DefaultGraph) and quad.graph_name != graph:
        return (f"a review file fills only its own graph <{own.review}> (or the default graph); "
                f"this triple is in graph {term_text(quad.graph_name)}")
    if predicate == SAME_EVENT_AS and isinstance(obj, ox.NamedNode) and _is_record(obj.value):
        return None if own(subject) and subject in reached else _breach_of_subject(subject, own, reached)
    if isinstance(obj, ox.NamedNode) and not own(obj) and review_of(obj.value) is not None:
        return f"a review file may not link records across reviews; {LINK_ADVICE}"
    if not own(subject):
        return _breach_of_subject(subject, own, reached)
    if predicate == SAME_AS:
        return f"a review file may not state owl:sameAs: records are linked only by analysts' decisions; {LINK_ADVICE}"
    if predicate not in terms.predicates:
        return (f"undeclared property {term_text(quad.predicate)}: not one the casegraph ontology declares "
                f"for a review or its records (docs/ontology.md lists them)")
    if isinstance(obj, ox.Triple):
        return "a review file may not contain triple terms"
    if predicate == RDF_TYPE and obj.value not in terms.classes:
        return (f"undeclared class {term_text(obj)}: not one the casegraph ontology declares for a review "
                f"or its records (docs/ontology.md lists them)")
    if predicate in terms.object_properties and isinstance(obj, ox.Literal):
        return f"{term_text(quad.predicate)} links to a record or a code, not a literal"
    if predicate in terms.datatype_properties and not isinstance(obj, ox.Literal):
        return f"{term_text(quad.predicate)} takes a literal, not {term_text(obj)}"
    if isinstance(obj, ox.NamedNode) and not own(obj) and obj.value not in terms.objects:
        return (f"{term_text(obj)} is neither a record of this review nor a term of the casegraph ontology "
                f"or its code lists")
    return _breach_of_subject(subject, own, reached) if subject not in reached else None


def _breach_of_subject(subject, own: _Own, reached: set) -> str:
    if not own(subject):
        other = review_of(subject.value) if isinstance(subject, ox.NamedNode) else None
        where = f"belongs to review '{other}'" if other else "is not in this review"
        return (f"a review file may only state triples about its own review and its records "
                f"(<{own.review}/...>); this subject {where}")
    return ("nothing in the review leads to this subject: a record must be described by the review "
            "(cg:describes), an excerpt be the cg:evidence of the review or a record")


def _is_record(iri: str) -> bool:
    """review-id/item-id under the review namespace (what `same_as` names): a record of some review."""
    return iri.startswith(REVIEW) and re.match(EXTERNAL_REF_PATTERN, iri[len(REVIEW):]) is not None


# Lexical forms (XSD 1.1) of the datatypes a review file may meet; the hint shows a good one.
_YEAR = r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})"
_ZONE = r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
LEXICAL: dict[str, tuple[re.Pattern, str]] = {XSD + name: (re.compile(pattern), hint) for name, pattern, hint in (
    ("gYear", _YEAR + _ZONE, 'a year such as "2016"'),
    ("gYearMonth", _YEAR + r"-(?:0[1-9]|1[0-2])" + _ZONE, 'a month such as "2016-03"'),
    ("date", _YEAR + r"-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])" + _ZONE, 'a date such as "2016-03-31"'),
    ("integer", r"[+-]?[0-9]+", 'a whole number such as "14"'),
    ("decimal", _NUMBER, 'a number such as "14" or "14.5"'),
    ("double", rf"{_NUMBER}(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN", 'a number such as "0.93"'),
    ("float", rf"{_NUMBER}(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN", 'a number such as "0.93"'),
    ("boolean", r"true|false|1|0", "true or false"),
)}


def well_formed(literal: ox.Literal) -> bool:
    """Whether a literal's text is in the lexical space of its datatype (when casegraph knows it)."""
    known = LEXICAL.get(literal.datatype.value)
    if known is None:
        return True
    text = literal.value
    if not known[0].fullmatch(text):
        return False
    if literal.datatype.value == XSD + "date" and re.match(r"[0-9]{4}-", text):
        try:
            datetime.date.fromisoformat(text[:10])
        except ValueError:  # "2018-02-30"
            return False
    return True


def literal_breaches(quads: Sequence[ox.Quad]) -> list[tuple[int, str]]:
    """(index, message) of each literal that is ill formed or not of its property's datatype."""
    terms = review_terms()
    breaches = []
    for index, quad in enumerate(quads):
        literal = quad.object
        if not isinstance(literal, ox.Literal):
            continue
        datatype = LANG_STRING if literal.language else literal.datatype.value
        expected = terms.ranges.get(quad.predicate.value)
        if not literal.language and not well_formed(literal):
            message = f"{literal.value[:MAX_TERM]!r} is not a well-formed {short(datatype)} ({LEXICAL[datatype][1]})"
        elif expected and datatype != expected:
            message = (f"{term_text(quad.predicate)} takes an {short(expected)} (its rdfs:range in the ontology), "
                       f"not {'a language-tagged string' if literal.language else short(datatype)}")
        elif datatype not in terms.datatypes:
            message = (f"{short(datatype)} is not a datatype casegraph uses; use one of "
                       f"{', '.join(sorted(short(d) for d in terms.datatypes))}")
        else:
            continue
        breaches.append((index, message))
    return breaches


_SHORT = {iri: prefix for prefix, iri in PREFIXES.items() if iri in (CG, RDF, RDFS, XSD, SKOS, OWL)}
_LOCAL = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def short(iri: str) -> str:
    """cg:Thing, xsd:date ... for the vocabularies' terms; <iri> for anything else."""
    namespace, local = re.match(r"(.*[#/])?(.*)", iri).groups()
    if namespace in _SHORT and _LOCAL.fullmatch(local):
        return f"{_SHORT[namespace]}:{local}"
    return f"<{iri}>"


def term_text(term) -> str:
    """One term as in N-Triples (vocabulary terms shortened), at most about MAX_TERM characters."""
    if isinstance(term, ox.NamedNode):
        text = short(term.value)
    elif isinstance(term, ox.Literal):
        value = term.value if len(term.value) <= MAX_TERM else term.value[:MAX_TERM] + "..."
        text = str(ox.Literal(value, language=term.language) if term.language else
                   ox.Literal(value, datatype=term.datatype))
        text = text.replace(f"^^<{term.datatype.value}>", f"^^{short(term.datatype.value)}")
        text = text.removesuffix("^^xsd:string")
    elif isinstance(term, ox.BlankNode):
        text = "[]"  # its label in the file is gone: blank nodes are renamed when parsed
    else:
        text = str(term)
    return text if len(text) <= MAX_TERM + 20 else text[:MAX_TERM] + "...>"


def triple_text(quad: ox.Quad) -> str:
    """The triple on one line, bounded to about MAX_TRIPLE characters."""
    text = " ".join(term_text(t) for t in (quad.subject, quad.predicate, quad.object))
    return text if len(text) <= MAX_TRIPLE else text[:MAX_TRIPLE] + "..."


LINE_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)


class _LineReader(io.RawIOBase):
    """Hands the parser one line at a time, so the line being read is known when a quad appears."""

    def __init__(self, data: bytes):
        self.data, self.position, self.newlines, self.line = data, 0, 0, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        end = self.data.find(b"\n", self.position) + 1 or len(self.data)
        if size is not None and size >= 0:
            end = min(end, self.position + size)
        chunk, self.position = self.data[self.position:end], end
        if chunk:  # a chunk holds at most one newline, at its end
            self.line = self.newlines + 1
            self.newlines += chunk.endswith(b"\n")
        return chunk


def quad_lines(text: str, rdf_format: ox.RdfFormat) -> list[int | None]:
    """The line each parsed quad ends on, in parse order (None for formats without lines)."""
    if rdf_format not in LINE_FORMATS:
        return []
    reader = _LineReader(text.encode("utf-8"))
    return [reader.line for _ in ox.parse(reader, format=rdf_format, rename_blank_nodes=True)]
