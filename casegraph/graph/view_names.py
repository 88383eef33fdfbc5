"""The view's names for the ontology's terms: relationship types (`HAS_VICTIM`), node
properties (`label`, `harmTypes`) and node labels (local names), as `casegraph.graph.view`'s
rules say."""
from __future__ import annotations

import functools
import re

import pyoxigraph as ox

from casegraph.ontology import OWL, RDF, RDFS, ONTOLOGY_FILE, SHAPES_FILE

EXTRA_RELATIONSHIPS = {RDF + "subject": "SUBJECT", RDF + "object": "OBJECT", OWL + "sameAs": "SAME_AS"}
LITERAL_NAMES = {RDFS + "label": "label", RDF + "predicate": "predicate"}


def local_name(iri: str) -> str:
    """
    >>> local_name("https://w3id.org/casegraph/ontology#Park"), local_name("http://x/a/b")
    ('Park', 'b')
    """
    return iri[max(iri.rfind("#"), iri.rfind("/")) + 1:]


# The names below are of the ontology's properties, a few hundred: each is worked out once, as
# the view is derived from a million quads.
@functools.lru_cache(maxsize=4096)
def relationship_type(property_iri: str) -> str:
    """
    >>> relationship_type("https://w3id.org/casegraph/ontology#hasVictim")
    'HAS_VICTIM'
    """
    if property_iri in EXTRA_RELATIONSHIPS:
        return EXTRA_RELATIONSHIPS[property_iri]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local_name(property_iri)).upper()


@functools.lru_cache(maxsize=4096)
def property_name(property_iri: str) -> str:
    return LITERAL_NAMES.get(property_iri) or local_name(property_iri)


_PREPOSITION = re.compile(r"[a-z](?:As|At|By|For|From|In|Of|On|To|With)$")


def plural(name: str) -> str:
    """The plural of a camelCase property name, for a list of codes.

    >>> [plural(n) for n in ("harmType", "agency", "recommendationTheme", "codedAs", "match")]
    ['harmTypes', 'agencies', 'recommendationThemes', 'codedAs', 'matches']
    """
    if _PREPOSITION.search(name):
        return name
    if re.search(r"[^aeiou]y$", name):
        return name[:-1] + "ies"
    if re.search(r"(?:s|x|z|ch|sh)$", name):
        return name + "es"
    return name + "s"


@functools.cache
def single_valued_properties() -> frozenset[str]:
    """Properties that hold one value: owl:FunctionalProperty in the ontology, or given
    `sh:maxCount 1` by every shape that constrains them."""
    store = ox.Store()
    for path in (ONTOLOGY_FILE, SHAPES_FILE):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    query = (f"SELECT DISTINCT ?p {{ {{ ?p a <{OWL}FunctionalProperty> }} UNION "
             "{ ?shape <http://www.w3.org/ns/shacl#path> ?p . FILTER(isIRI(?p)) "
             "FILTER NOT EXISTS { ?other <http://www.w3.org/ns/shacl#path> ?p . "
             "FILTER NOT EXISTS { ?other <http://www.w3.org/ns/shacl#maxCount> 1 } } } }")
    return frozenset(row[0].value for row in store.query(query))


@functools.lru_cache(maxsize=4096)
def code_property_name(property_iri: str) -> str:
    """The node property holding the codes a property points to: its name if it holds one value,
    else the plural.

    >>> cg = "https://w3id.org/casegraph/ontology#"
    >>> code_property_name(cg + "gender"), code_property_name(cg + "harmType")
    ('gender', 'harmTypes')
    """
    name = property_name(property_iri)
    return name if property_iri in single_valued_properties() else plural(name)
