"""Which records may be one entity, and which words of a name identify which record.

`kind_family` says which records are compared with which: people by role (a young person may be
a peer in another review), every group with every group, places by their top-level kind.
`name_key` keeps the words of a name that may identify, dropping those a review uses only to
describe ("Child M", "Young Person 4", "the park"); `is_code_name` tells a pseudonym that only
codes a role from a name. A person's real name is also compared as initial and surname, for
spellings (`initial_forms`).
"""
from __future__ import annotations

from casegraph.linking.records import GROUP, INCIDENT, PERSON, PLACE, LinkRecord
from casegraph.linking.words import (GENERIC_WORDS, descriptive_key, full_name_words, identifying_labels, is_code_name,
                                     name_key, normalise_name)

__all__ = ["GENERIC_WORDS", "PERSON_FAMILIES", "descriptive_key", "first_names", "full_name_words", "identifying_labels",
           "identifying_names", "initial_forms", "is_code_name", "kind_family", "name_key", "pseudonym",
           "spelling_variants"]


# -- kind families: which records may be one entity ---------------------------------------------

PERSON_FAMILIES = {"young-person": "young-person", "peer": "young-person",  # a subject here, a peer there
                   "unconnected-adult": "adult", "family-member": "family-member",
                   "professional": "professional", "reviewer": "professional"}  # a reviewer is one by trade


def kind_family(record: LinkRecord) -> str:
    """The family a record is compared within: people by role (a young person may be a peer in
    another review), every group with every group, places by their top-level kind (a park with
    a street, never with a school): "young-person", "adult", "group", "place:public-space", ..."""
    if record.root == PERSON:
        return PERSON_FAMILIES.get(record.kind, "person")
    if record.root == GROUP:
        return "group"
    if record.root == INCIDENT:
        return "incident"
    return f"place:{_place_families().get(record.kind, record.kind)}"


_PLACE_FAMILIES: dict[str, str] = {}


def _place_families() -> dict[str, str]:
    """Place kind code -> code of its top-level place class (park -> public-space)."""
    if not _PLACE_FAMILIES:
        from casegraph.ontology import CG, vocabulary

        vocab = vocabulary()
        code_of = {iri: code for code, iri in vocab.class_codes[PLACE].items()}
        for code, iri in vocab.class_codes[PLACE].items():
            ancestors = [c for c in vocab.superclasses.get(iri, (iri,)) if c in code_of and c != CG + PLACE]
            _PLACE_FAMILIES[code] = code_of[min(ancestors, key=lambda c: len(vocab.superclasses[c]))]
    return _PLACE_FAMILIES


def identifying_names(record: LinkRecord) -> list[str]:
    """Every name the record carries that may identify it (label, aliases, platform), normalised:
    the label counts unless it is a pseudonym."""
    kept = set(identifying_labels(record.kind, [record.label])) | set(record.aliases)
    return [normalise_name(n) for n in record.names if n != record.label or n in kept]


def pseudonym(record: LinkRecord) -> str | None:
    """The record's label when it is a review's own pseudonym ("Child Q", "YP1", "Christine" for a
    young person, "Mr A"): compared only as weak, review-local evidence, never blocked on."""
    name = normalise_name(record.label)
    if not name or identifying_labels(record.kind, [record.label]) and not is_code_name(name):
        return None
    return name


def _own_names(record: LinkRecord) -> list[list[str]]:
    """The words of each full name the record gives as a person's own (label or alias)."""
    names = identifying_labels(record.kind, [record.label]) + list(record.aliases)
    return [words for words in map(full_name_words, map(normalise_name, dict.fromkeys(names))) if words]


def initial_forms(record: LinkRecord) -> frozenset[str]:
    """A person's names as initial and surname ("j lowe" for "Jamal Lowe", "J. Lowe" or "Jamaal
    Lowe"): two reviews often spell a first name differently or give only its initial. For every
    full name the record gives as a person's own, label or alias (not pseudonyms, not "Mr C")."""
    return frozenset(f"{words[0][0]} {words[-1]}" for words in _own_names(record))


def first_names(record: LinkRecord) -> frozenset[str]:
    """The first names a record spells out ("jamal" of "Jamal Lowe"; none of "J. Lowe")."""
    return frozenset(words[0] for words in _own_names(record) if len(words[0]) > 1)


def spelling_variants(one: str, other: str) -> bool:
    """Two first names one person may be written with ("mohammed" / "muhammad", "zak" / "zac",
    "vicky" / "vikki"): the same Metaphone or NYSIIS key, or Jaro-Winkler similarity of at least
    0.85. Names said alike but written apart ("reece" / "rhys") are missed.

    >>> spelling_variants("mohammed", "muhammad"), spelling_variants("owen", "omar")
    (True, False)
    """
    import jellyfish

    return (one == other or jellyfish.metaphone(one) == jellyfish.metaphone(other)
            or jellyfish.nysiis(one) == jellyfish.nysiis(other) or jellyfish.jaro_winkler_similarity(one, other) >= 0.85)
