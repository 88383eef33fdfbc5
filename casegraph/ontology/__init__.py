"""The casegraph ontology: OWL classes and properties, SKOS code lists and SHACL shapes.

The Turtle files beside this module are the contract; this module reads them once and
answers the questions the rest of casegraph asks of them (which class a code names, which
concepts a scheme holds, which superclasses a class has), so no other module keeps a
second list of terms.

Imports nothing of casegraph but the base modules: every other room builds on it.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

CG = "https://w3id.org/casegraph/ontology#"
CODE = "https://w3id.org/casegraph/code/"
REVIEW = "https://w3id.org/casegraph/review/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
PREFIXES = {"cg": CG, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "skos": SKOS, "owl": OWL,
            "code": CODE, "review": REVIEW}

HERE = Path(__file__).parent
ONTOLOGY_FILE = HERE / "casegraph.ttl"
CODES_FILE = HERE / "codes.ttl"
SHAPES_FILE = HERE / "shapes.ttl"
CLASS_ROOTS = ("Person", "Group", "Place", "ContextAssociation")


def expand(name: str) -> str:
    """Full IRI for "cg:Thing", "rdfs:label" or a bare cg local name."""
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return CG + name


def review_iri(review_id: str) -> str:
    """The IRI of a review, which is also the name of the graph holding what it says."""
    return f"{REVIEW}{review_id}"


def record_iri(text: str) -> str:
    """The IRI a user means by a record: an IRI as given (with or without <...>), or
    review-id/item-id, the short form, under the review namespace.

    >>> record_iri("scr-30-2016/child-m"), record_iri("<https://example.org/x>")
    ('https://w3id.org/casegraph/review/scr-30-2016/child-m', 'https://example.org/x')
    """
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    return text if _SCHEME.match(text) else REVIEW + text.strip("/")


def short_id(iri: str) -> str:
    """review-id/item-id for a record IRI (the inverse of record_iri); any other IRI as it is."""
    return iri[len(REVIEW):] if iri.startswith(REVIEW) else iri


_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def concept_iri(scheme: str, code: str) -> str:
    return f"{CODE}{scheme}/{code}"


@dataclass(frozen=True)
class Vocabulary:
    """What the ontology files say, indexed for the loaders, queries and views."""

    schemes: dict[str, dict[str, str]]  # scheme id -> code -> concept IRI
    class_codes: dict[str, dict[str, str]]  # class root local name -> code -> class IRI
    relationship_codes: dict[str, str]  # relationship kind code -> property IRI
    superclasses: dict[str, frozenset[str]]  # class IRI -> itself and all its superclasses
    framed_as: dict[str, str]  # concept IRI -> framework concept it counts under
    harm_coding: dict[str, str]  # context-type concept -> framework "harm-*" node
    safety_coding: dict[str, str]  # context-type concept -> framework "safety-*" node
    broader: dict[str, frozenset[str]]  # concept IRI -> all its broader concepts (transitive)
    labels: dict[str, str] = field(repr=False)
    object_properties: frozenset[str] = frozenset()
    datatype_properties: frozenset[str] = frozenset()
    concepts: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)  # IRI -> (scheme, code)

    def codes(self, scheme: str) -> list[str]:
        """The codes of a concept scheme, or of a class root ("Person", "Place", ...)."""
        table = self.class_codes if scheme in self.class_codes else self.schemes
        return sorted(table[scheme])

    def label(self, iri: str) -> str:
        return self.labels.get(iri, iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1])

    def code_labels(self, *schemes: str) -> dict[str, str]:
        """Each code of these concept schemes by its label, for text a reader sees instead of codes."""
        return {code: self.label(iri) for scheme in schemes for code, iri in self.schemes[scheme].items()}


def _rows(store, query: str) -> list[tuple[str, ...]]:
    return [tuple(term.value if term is not None else None for term in row) for row in store.query(query)]


@functools.cache
def vocabulary() -> Vocabulary:
    """Read the ontology and code lists (cached: they are read once per process)."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in (ONTOLOGY_FILE, CODES_FILE):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

    def rows(body: str) -> list[tuple[str, ...]]:
        return _rows(store, prefixes + body)

    schemes: dict[str, dict[str, str]] = {}
    for scheme, code, concept in rows("SELECT ?s ?n ?c { ?c skos:inScheme ?s ; skos:notation ?n }"):
        schemes.setdefault(scheme.removeprefix(CODE), {})[code] = concept
    supers: dict[str, set[str]] = {}
    for sub, sup in rows("SELECT ?c ?s { ?c a owl:Class ; rdfs:subClassOf* ?s . FILTER(isIRI(?s)) }"):
        supers.setdefault(sub, {sub}).add(sup)
    class_codes: dict[str, dict[str, str]] = {}
    for root in CLASS_ROOTS:
        class_codes[root] = {code: cls for cls, code in rows(
            f"SELECT ?c ?n {{ ?c rdfs:subClassOf* cg:{root} ; skos:notation ?n }}")}
    relationship_codes = {code: prop for prop, code in rows(
        "SELECT ?p ?n { ?p rdfs:subPropertyOf+ cg:knows ; skos:notation ?n }")}
    broader: dict[str, set[str]] = {}
    for narrow, broad in rows("SELECT ?n ?b { ?n skos:broader+ ?b }"):
        broader.setdefault(narrow, set()).add(broad)

    def mapping(prop: str) -> dict[str, str]:
        return dict(rows(f"SELECT ?a ?b {{ ?a cg:{prop} ?b }}"))

    labels = dict(rows("SELECT ?x (SAMPLE(?l) AS ?label) { ?x rdfs:label|skos:prefLabel ?l } GROUP BY ?x"))
    object_properties = frozenset(p for (p,) in rows("SELECT ?p { ?p a owl:ObjectProperty }"))
    datatype_properties = frozenset(p for (p,) in rows("SELECT ?p { ?p a owl:DatatypeProperty }"))
    concepts = {iri: (scheme, code) for scheme, codes in schemes.items() for code, iri in codes.items()}
    return Vocabulary(
        schemes=schemes, class_codes=class_codes, relationship_codes=relationship_codes,
        superclasses={c: frozenset(s) for c, s in supers.items()},
        framed_as=mapping("framedAs"), harm_coding=mapping("harmCoding"),
        safety_coding=mapping("safetyCoding"),
        broader={c: frozenset(b) for c, b in broader.items()}, labels=labels,
        object_properties=object_properties, datatype_properties=datatype_properties, concepts=concepts)
