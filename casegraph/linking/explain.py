"""Why two records are, or are not, a candidate: `explain_pair` answers for any two records.

An analyst who asks "are these the same child?" gets the matcher's whole reasoning for the pair,
proposed or not: whether the two are compared at all (the same kind family), which blocking rules
would bring them together (and why a shared key did not: too common, or one review's records
only pair on a shared name), every comparison with its weight, the prior, and the score, against
the threshold. It is computed as `find_candidates` computes it: the same family model (u and m
measured on the same records, with the same seed), so the weights are the ones the queue used.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from casegraph.errors import UnknownName
from casegraph.linking.blocking import BLOCKING_RULES, blocking_keys
from casegraph.linking.candidates import family_model, probability
from casegraph.linking.features import feature_families
from casegraph.linking.names import kind_family
from casegraph.linking.reading import link_records
from casegraph.linking.results import Comparison, candidate_id
from casegraph.linking.settings import DEFAULT_THRESHOLD, MAX_BLOCK
from casegraph.ontology import record_iri, short_id


class UnknownRecord(UnknownName):
    """No person, group or place record of that IRI in the store."""


@dataclass(frozen=True)
class BlockingCheck:
    """One blocking rule for the pair: the keys both records have under it, and whether it would
    bring them together."""

    rule: str
    shared: tuple[str, ...]  # the shared keys, as text
    brings_together: bool
    why: str


@dataclass(frozen=True)
class PairExplanation:
    candidate_id: str
    left: str  # IRIs, the smaller first, as in a candidate
    right: str
    family: str  # the kind family compared within; "" when the two are of different families
    families: tuple[str, str]
    compared: bool  # some blocking rule brings them together
    score: float | None  # None when never comparable (different families)
    threshold: float
    prior_weight: float | None
    comparisons: tuple[Comparison, ...]
    blocking: tuple[BlockingCheck, ...]

    @property
    def proposed(self) -> bool:
        return self.compared and self.score is not None and self.score >= self.threshold

    def verdict(self) -> str:
        """One line: proposed, or why not."""
        if not self.family:
            return (f"never compared: {short_id(self.left)} is compared among {self.families[0]} records, "
                    f"{short_id(self.right)} among {self.families[1]} records")
        score = f"score {self.score:.3f}"
        if not self.compared:
            return (f"not proposed: no blocking rule brings them together, so they are never compared "
                    f"(had they been: {score}, threshold {self.threshold:g})")
        if self.proposed:
            return f"proposed: {score} >= threshold {self.threshold:g}"
        return f"not proposed: {score} < threshold {self.threshold:g}"


def explain_pair(store, one: str, other: str, *, threshold: float = DEFAULT_THRESHOLD, seed: int = 0,
                 records=None) -> PairExplanation:
    """The matcher's reasoning for two records (IRIs or review-id/item-id)."""
    records = link_records(store) if records is None else records
    by_iri = {r.iri: r for r in records}
    iris = sorted(record_iri(text) for text in (one, other))
    for iri, text in zip(iris, sorted((one, other), key=record_iri)):
        if iri not in by_iri:
            raise UnknownRecord(f"no person, group or place record {text!r} in the stored reviews; give a record "
                                "IRI or review-id/item-id (see casegraph show REVIEW)")
    if iris[0] == iris[1]:
        raise UnknownRecord(f"{one!r} and {other!r} are one record; give two")
    left, right = (by_iri[i] for i in iris)
    families = (kind_family(left), kind_family(right))
    pair_id = candidate_id(left.iri, right.iri)
    if families[0] != families[1]:
        return PairExplanation(pair_id, left.iri, right.iri, "", families, False, None, threshold, None, (), ())
    family = families[0]
    features = feature_families(records, [family])[family]
    model, _, _ = family_model(family, features, random.Random(seed))
    position = {f.record.iri: index for index, f in enumerate(features)}
    a, b = features[position[left.iri]], features[position[right.iri]]
    checks = _blocking(features, a, b)
    weight = model.prior_weight + model.evidence(a, b)
    return PairExplanation(pair_id, left.iri, right.iri, family, families, any(c.brings_together for c in checks),
                           probability(weight), threshold, model.prior_weight, model.explain(a, b), checks)


def _blocking(features, a, b) -> tuple[BlockingCheck, ...]:
    """Each rule's shared keys for the pair, and whether one of them brings the pair together,
    by the rules of `blocking.rule_pairs`."""
    keys_a, keys_b = blocking_keys(a), blocking_keys(b)
    same_review = a.review == b.review
    every: list | None = None  # every record's keys, worked out only if the pair shares one
    checks = []
    for rule, name in enumerate(BLOCKING_RULES):
        shared = keys_a[rule] & keys_b[rule]
        if not shared:
            checks.append(BlockingCheck(name, (), False, "no key in common"))
            continue
        every = every if every is not None else [blocking_keys(f) for f in features]
        sizes = Counter(key for keys in every for key in keys[rule] if key in shared)
        usable = [key for key in shared if sizes[key] <= MAX_BLOCK]
        if same_review and (rule or a.kind != b.kind):
            why, together = ("one review's records pair only on a shared name and of one kind"), False
        elif not usable:
            why, together = f"every shared key is carried by more than {MAX_BLOCK} records: too common", False
        else:
            why, together = f"shared by {min(sizes[k] for k in usable)} record(s)", True
        checks.append(BlockingCheck(name, tuple(sorted(_key_text(k) for k in shared)), together, why))
    return tuple(checks)


def _key_text(key) -> str:
    return " / ".join(str(part) for part in key) if isinstance(key, tuple) else str(key)
