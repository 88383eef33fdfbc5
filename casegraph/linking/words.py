"""The words of names: which identify, which only describe, and which are a review's own codes.

Kept apart from the records and the matcher so both can use them: `normalise_name` puts a name
in one form, `name_key` keeps its identifying words, `full_name_words` tells a person's own full
name, `identifying_labels` which labels may identify a record of a kind.
"""
from __future__ import annotations

import functools
import re
import unicodedata

# Kinds whose labels are the review's own pseudonyms or descriptions ("Child M", "Child M's
# mother", "Social Worker 2", "Child M's family home"), never evidence of who or which.
PSEUDONYMOUS_KINDS = frozenset({"young-person", "peer", "family-member", "professional", "family-home"})


_SPACES = re.compile(r"[^0-9a-z]+")


def normalise_name(text: str) -> str:
    """Lower case, accents and punctuation removed, a leading "the" dropped.

    >>> normalise_name("  The Bus Station, Northbridge ")
    'bus station northbridge'
    >>> normalise_name("Child M's café")
    'child m s cafe'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = _SPACES.sub(" ", ascii_text.lower()).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


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


@functools.lru_cache(maxsize=1 << 18)  # records repeat names (their places, people, groups): computed once each
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


def is_code_name(name: str) -> bool:
    """True for a pseudonym that only codes a role ("Child M", "YP3", "Adult 2", "Group 1"):
    reviews assign these independently, so two reviews' "Child M" are no evidence of one child.

    >>> [is_code_name(normalise_name(n)) for n in ("Child M", "Mr C", "Smokey")]
    [True, True, False]
    """
    return not name_key(name)


def full_name_words(name: str) -> list[str]:
    """The words of a normalised name that reads as a person's own full name (a first name and a
    surname that identifies), else [].

    >>> [full_name_words(normalise_name(n)) for n in ("Sarah Jones", "Child M's mother", "Mr C", "Kyle")]
    [['sarah', 'jones'], [], [], []]
    """
    words = name.split()
    if len(words) < 2 or not words[0].isalpha() or words[0] in GENERIC_WORDS or not name_key(words[-1]):
        return []
    return words


def identifying_labels(kind: str, labels) -> list[str]:
    """The labels of a record of `kind` that may identify it: all, except that a pseudonymous
    kind's (PSEUDONYMOUS_KINDS) count only when they are full names."""
    if kind not in PSEUDONYMOUS_KINDS:
        return list(labels)
    return [label for label in labels if full_name_words(normalise_name(label))]


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
