"""What `find_candidates` gives: a `Candidate` (a pair of records that may be one entity, with
its match probability) and the `Comparison` of each attribute that explains it, and
`candidate_id`, the short id an analyst decides a pair by. Plain data: nothing here depends on
how candidates are found.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Comparison:
    """One attribute of one candidate: the outcome and how much it counted (log2 Bayes factor)."""

    attribute: str
    outcome: str  # agree | partial | disagree | missing
    weight: float
    detail: str


@dataclass(frozen=True)
class Candidate:
    """A pair of records that may be one entity; left is the record with the smaller IRI.

    weight = prior_weight + the comparisons' weights; score = 1 / (1 + 2^-weight).
    """

    id: str
    left: str
    right: str
    kind: str  # the kind family compared within, e.g. "young-person", "adult", "place:school"
    score: float  # match probability, 0..1
    comparisons: tuple[Comparison, ...]
    left_review: str = ""
    right_review: str = ""
    left_label: str = ""
    right_label: str = ""
    prior_weight: float = 0.0

    @property
    def weight(self) -> float:
        return self.prior_weight + sum(c.weight for c in self.comparisons)


def candidate_id(left_iri: str, right_iri: str) -> str:
    """A short id for a pair, the same whichever way round it is given.

    >>> candidate_id("b", "a") == candidate_id("a", "b")
    True
    """
    pair = " ".join(sorted((left_iri, right_iri)))
    return "c" + hashlib.sha1(pair.encode("utf-8")).hexdigest()[:10]
