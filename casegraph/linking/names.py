"""Which records may be one entity, and which words of a name identify which record.

`kind_family` says which records are compared with which: people by role (a young person may be
a peer in another review), every group with every group, places by their top-level kind.
`name_key` keeps the words of a name that may identify, dropping those a review uses only to
describe ("Child M", "Young Person 4", "the park"); `is_code_name` tells a pseudonym that only
codes a role from a name. A person's real name is also compared as initial and surname, for
spellings (`initial_forms`).
"""
from __future__ import annotations

import re

from casegraph.linking.records import GROUP, PERSON, PLACE, PSEUDONYMOUS_KINDS, LinkRecord, normalise_name


# -- kind families: which records may be one entity ---------------------------------------------

PERSON_FAMILIES = {"young-person": "young-person", "peer": "young-person",  # a subject here, a peer there
                   "unconnected-adult": "adult", "family-member": "family-member",
                   "professional": "professional"}


def kind_family(record: LinkRecord) -> str:
    """The family a record is compared within: people by role (a young person may be a peer in
    another review), every group with every group, places by their top-level kind (a park with
    a street, never with a school): "young-person", "adult", "group", "place:public-space", ..."""
    if record.root == PERSON:
        return PERSON_FAMILIES.get(record.kind, "person")
    if record.root == GROUP:
        return "group"
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


# -- names: which words identify and which only describe ---------------------------------------

# Words a review uses to say what someone or something is, not who or which: "Child M",
# "Young Person 4", "Mr C", "Adult 2", "Social Worker 1", "House K", "Group 3", "the park".
_LINKING_WORDS = frozenset("a an and the of in at on near by around to from".split())
GENERIC_WORDS = _LINKING_WORDS | frozenset("""
s his her their its
child children young person people yp boy girl man woman men women male female adult adults
mr mrs ms miss dr perpetrator offender victim subject suspect peer peers friend friends associate
mother father mum dad stepfather stepmother brother sister sibling aunt uncle grandmother
grandfather cousin carer older younger parent parents family partner boyfriend girlfriend
social worker workers officer police nurse teacher head year yot project housing staff manager
professional practitioner care colleagues team
group gang boys crew network friendship
house flat address place area street road close lane avenue estate park school academy college
station bus stop centre center town city high club youth unit lodge service services home
foster placement residential supported
account chat media online platform app takeaway shop
""".split())
_CODE_WORD = re.compile(r"^(?:[a-z]|\d+|[a-z]{1,3}\d+|\d+[a-z]?)$")  # "m", "4", "yp3", "2b"


def name_key(name: str, stop: frozenset[str] = frozenset()) -> str:
    """The words of a normalised name that may identify, as one string: generic words, single
    letters, numbers and words in `stop` (area names, compared as areas) dropped.

    >>> name_key("young person 4")
    ''
    >>> name_key("park ashfield park northbridge", frozenset({"northbridge"}))
    'ashfield'
    """
    return " ".join(dict.fromkeys(t for t in name.split()
                                  if t not in GENERIC_WORDS and t not in stop and not _CODE_WORD.match(t)))


def descriptive_key(name: str, stop: frozenset[str] = frozenset()) -> str:
    """For a place named only by what it is, the words that say what: a town has one bus station
    or high street, so "the bus station" identifies there (the area is compared as the area).
    Articles, linking words and area names dropped. "" for a coded name ("House K", "Flat 3") and
    for an indefinite one ("an address in Ambervale"), which say which place they are not.

    >>> descriptive_key("bus station ravensholt", frozenset({"ravensholt"}))
    'bus station'
    >>> [descriptive_key(n) for n in ("house a", "flat 3", "an address in ambervale")]
    ['', '', '']
    """
    words = name.split()
    if not words or words[0] in ("a", "an") or any(_CODE_WORD.match(t) for t in words):
        return ""
    return " ".join(dict.fromkeys(t for t in words if t not in _LINKING_WORDS and t not in stop))


def is_code_name(name: str) -> bool:
    """True for a pseudonym that only codes a role ("Child M", "YP3", "Adult 2", "Group 1"):
    reviews assign these independently, so two reviews' "Child M" are no evidence of one child.

    >>> [is_code_name(normalise_name(n)) for n in ("Child M", "Mr C", "Smokey")]
    [True, True, False]
    """
    return not name_key(name)


def initial_forms(record: LinkRecord) -> frozenset[str]:
    """A person's name as initial and surname ("j lowe" for "Jamal Lowe", "J. Lowe" or "Jamaal
    Lowe"): two reviews often spell a first name differently or give only its initial. Only for
    names a review gives as a person's own (not pseudonyms of PSEUDONYMOUS_KINDS, not "Mr C")."""
    words = _own_name_words(record)
    return frozenset({f"{words[0][0]} {words[-1]}"}) if words else frozenset()


def first_name(record: LinkRecord) -> str | None:
    """The first name a record spells out ("jamal" of "Jamal Lowe"; none of "J. Lowe")."""
    words = _own_name_words(record)
    return words[0] if words and len(words[0]) > 1 else None


def _own_name_words(record: LinkRecord) -> list[str]:
    """The normalised words of a name a review gives as a person's own, at least a first name and
    a surname; [] for pseudonyms, role codes and single names."""
    if record.kind in PSEUDONYMOUS_KINDS:
        return []
    words = normalise_name(record.label).split()
    if len(words) < 2 or not words[0].isalpha() or words[0] in GENERIC_WORDS or not name_key(words[-1]):
        return []
    return words


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
