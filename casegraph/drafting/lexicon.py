"""Drafting's lexicons, read from the ontology: the one contract.

Every code of the lists drafting proposes from (harm types, response kinds, agencies, closure
reasons, place kinds, recommendation themes) is known by its skos:prefLabel, skos:altLabel and
skos:hiddenLabel: the last are the words practitioners write ("CSE", "county lines", "section
47", "MASH"), kept in codes.ttl. The flags (missing episodes, exclusions, SEND) are the hidden
labels of the classes and property the format records them with. Nothing here lists a word of
its own: a word added to the ontology is a word drafting finds.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from casegraph.ontology import CG, CODES_FILE, ONTOLOGY_FILE, SKOS, vocabulary

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
LISTS = ("harm-type", "response-kind", "agency", "closure-reason", "recommendation-theme", "Place", "context-type",
         "framework", "outcome-kind", "ethnicity")
# sentence flags: the ontology term whose labels find them
FLAG_TERMS = {"missing": CG + "MissingEpisode", "exclusion": CG + "Exclusion", "send": CG + "send"}
PERSON_TERMS = {"looked-after": CG + "lookedAfter"}  # what a sentence may say of its person
EXPLOITATION = ("sexual-exploitation", "criminal-exploitation", "county-lines")  # the exploitation flag's harm types
_SHORTEST = 2  # a label shorter than this (after folding) would match everywhere


@dataclass(frozen=True)
class Term:
    """One phrase and what it stands for: (list, code), or ("flag", name)."""

    phrase: str
    list: str
    code: str
    hidden: bool  # a practitioner's word rather than the code's own name


@dataclass(frozen=True)
class Lexicon:
    terms: tuple[Term, ...]

    def of(self, list_name: str) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.list == list_name)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Every label of every code drafting proposes from, and of the flags' terms (read once)."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in (ONTOLOGY_FILE, CODES_FILE):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    labels: dict[str, list[tuple[str, bool]]] = {}
    query = (f"SELECT ?s ?p ?l {{ ?s ?p ?l VALUES ?p {{ <{SKOS}prefLabel> <{SKOS}altLabel> <{SKOS}hiddenLabel> "
             f"<{RDFS_LABEL}> }} FILTER(isLiteral(?l) && (lang(?l) = '' || langMatches(lang(?l), 'en'))) }}")
    for subject, predicate, literal in store.query(query):
        labels.setdefault(subject.value, []).append((literal.value, predicate.value == SKOS + "hiddenLabel"))
    vocab = vocabulary()
    owners: dict[str, tuple[str, str]] = {}
    for list_name in LISTS:
        codes = vocab.class_codes.get(list_name) or vocab.schemes.get(list_name, {})
        owners.update({iri: (list_name, code) for code, iri in codes.items() if code not in ("not-stated", "other-place")})
    owners.update({iri: ("flag", name) for name, iri in FLAG_TERMS.items()})
    owners.update({iri: ("person", name) for name, iri in PERSON_TERMS.items()})
    terms = {}
    for iri, (list_name, code) in sorted(owners.items(), key=lambda item: item[1]):
        for phrase, hidden in sorted(labels.get(iri, ())):
            phrase = " ".join(phrase.split())
            if "(" in phrase or len(phrase) < _SHORTEST:  # "Peers (context of harm)": a coder's label, not prose
                continue
            terms.setdefault((phrase.casefold(), list_name, code), Term(phrase, list_name, code, hidden))
    return Lexicon(tuple(terms.values()))
