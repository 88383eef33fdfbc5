"""Candidate matches: pairs of records that may stand for one real person, group or place.

A Fellegi–Sunter model, applied within each kind family (young people, adults, groups, each
family of places: see `kind_family`). Every attribute comparison has an outcome (agree, partial,
disagree, missing) and a weight, log2(m / u): m is the chance of that outcome when the two records
are one entity, u when they are not. The prior log-odds and the weights of all attributes add up
to the match weight, and the match probability is 1 / (1 + 2^-weight). Each candidate keeps every
comparison, like a Splink waterfall chart.

Where the numbers come from (nothing here reads any ground truth):

* m: for every attribute but the name and the area, measured on training pairs: records of
  different reviews in one area that share a rare name (a handle, a full name), as Splink trains
  m from a blocking rule; each training pair counts as one entity with the probability its
  prior, name and area give, the rest being taken to look like random pairs (see
  `Model._measure_m`). The name's and the area's m are the judgements in `PRIOR_M`, and so is
  every m of a family with too few training pairs (measured m is shrunk towards them). Not
  fitted by expectation maximisation: on pseudonymous records it finds clusters such as "same
  area and same school" rather than "same person", and calls them matches (tried: precision
  fell to 2%).
* labels: pairs analysts accepted (`labelled`) add their outcomes to every attribute's m, the
  name's and the area's too, on the footing of the training pairs; rejected ones only leave the
  training pairs (see `casegraph.linking.learning`).
* u: measured on each family's records, from pairs in different reviews (all pairs of a small
  family, a random sample of a large one), shrunk towards `PRIOR_U` so a handful of records does
  not make an outcome look impossible. For every attribute but area itself the pairs are drawn
  within one area, because the pairs blocking proposes share their area far more often than
  random ones. Agreement on a name is term-frequency adjusted, as in Splink: its u is the share
  of records carrying the rarest name the two share (see `Frequencies` for which records).
* the prior: `EXPECTED_MATCHES` other records of the same entity per record, a judgement; a
  fitted prior collapses towards "no matches" when records carry as little evidence as
  pseudonymous people do. Places keep their names, so for places it is measured instead, as
  Splink estimates it from deterministic rules (see `expected_matches`), and never below that.

The parts live in modules of their own, and what other code uses is re-exported from here:
`names` (kind families, identifying names), `settings` (the judgements and limits), `features`
(what a record is compared on, how common a name or a birth range is), `comparisons` (each
attribute's outcome), `blocking` (which pairs are compared), `results` (`Candidate`,
`Comparison`, `candidate_id`). This module keeps the model and `find_candidates`.
"""
from __future__ import annotations

import math
import random
from array import array
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence

from casegraph.linking.blocking import BLOCKING_RULES, NAME_RULES, rule_pairs, blocked_pairs, blocking_keys, pair_arrays
from casegraph.linking.comparisons import birth_cohort, Comparer
from casegraph.linking.features import (ALL_AREAS, Births, Features, carried, feature_families, Frequencies, keep_unique_events,
                                        stop_words)
from casegraph.linking.learning import combined_m, family_labels, outcome_counts
from casegraph.linking.parallel import pair_evidence
from casegraph.linking.names import GENERIC_WORDS, PERSON_FAMILIES, initial_forms, is_code_name, kind_family, name_key
from casegraph.linking.records import LinkRecord, normalise_name
from casegraph.linking.results import Candidate, Comparison, candidate_id
from casegraph.memory import without_cycle_collection
from casegraph.linking.settings import (AGREE, ATTRIBUTES, DEFAULT_THRESHOLD, DISAGREE, EXPECTED_EVENT_MATCHES,
                                        EXPECTED_MATCHES, FAR_YEARS, MAX_BLOCK, MEASURED_M,
                                        MISSING, NAMED_PAIRS_RECALL, NARROW_BIRTH_MONTHS, NEAR_BIRTH_MONTHS, OUTCOMES, PARTIAL, PRIOR_M,
                                        PRIOR_SHARE, PRIOR_U, PSEUDO_PAIRS, PSEUDO_RECORDS, RANDOM_PAIRS,
                                        TRAINING_SHARE, WIDE_BIRTH_YEARS, attributes_of, judged_m)

# The model's own names, then those of the modules it is built from, importable from here too.
__all__ = [
    "DEFAULT_THRESHOLD", "Candidate", "Comparison", "blocked_pairs", "candidate_id", "family_model", "find_candidates",
    "probability",
    # names
    "GENERIC_WORDS", "PERSON_FAMILIES", "is_code_name", "kind_family", "name_key", "normalise_name", "LinkRecord",
    # settings
    "AGREE", "ATTRIBUTES", "DISAGREE", "EXPECTED_MATCHES", "FAR_YEARS", "MAX_BLOCK", "MEASURED_M",
    "MISSING", "NAMED_PAIRS_RECALL", "NARROW_BIRTH_MONTHS", "NEAR_BIRTH_MONTHS", "OUTCOMES", "PARTIAL", "PRIOR_M", "PRIOR_SHARE", "PRIOR_U",
    "PSEUDO_PAIRS", "PSEUDO_RECORDS", "RANDOM_PAIRS", "TRAINING_SHARE", "WIDE_BIRTH_YEARS",
    # features and blocking
    "ALL_AREAS", "BLOCKING_RULES", "NAME_RULES", "blocking_keys",
    # the parts the tests and benchmarks exercise directly (public, documented where defined)
    "Births", "Comparer", "Features", "Frequencies", "Model", "attributes_of", "birth_cohort", "feature_families",
    "initial_forms", "keep_unique_events", "rule_pairs", "judged_m", "stop_words",
]

# -- the model ---------------------------------------------------------------------------------

class Model:
    """The weights of one family: log2(m/u) per attribute and outcome, and the prior."""

    def __init__(self, family: str, features: list[Features], comparer: Comparer, rng: random.Random,
                 named_pairs: Sequence[tuple[int, int]] = (), labelled: Sequence[tuple[int, int, bool]] = ()):
        """labelled: pairs of indices into `features` an analyst decided, with True for one entity
        (accepted); they re-estimate m as `casegraph.linking.learning` tells."""
        self.family = family
        self.comparer = comparer
        self.attributes = attributes_of(family)
        self.functions = [getattr(comparer, a) for a in self.attributes]
        # The prior odds that two records of the family are one entity, used both to weigh the
        # training pairs that measure m and to score every pair.
        self.prior_weight = _prior_weight(len(features), expected_matches(family, features, named_pairs))
        self.u = self._measure_u(features, rng)
        self.m = self._measure_m(features, named_pairs, labelled)
        self.weights = [ordered_weights(ms, us) for ms, us in zip(self.m, self.u)]
        self._plan = [(function, weights, m[AGREE]) for function, weights, m in zip(self.functions, self.weights, self.m)]
        # Attributes fewer than two of the family's records carry are missing for every pair: not
        # compared at all, so a corpus without outcomes or roles pays nothing for them.
        self._scored = [step for attribute, step in zip(self.attributes, self._plan)
                        if carried(attribute, features) >= 2]

    def _measure_m(self, features: list[Features], named_pairs: Sequence[tuple[int, int]],
                   labelled: Sequence[tuple[int, int, bool]] = ()) -> list[tuple]:
        """m of the attributes in MEASURED_M, measured on training pairs: records of different
        reviews in one area sharing a name carried by at most TRAINING_SHARE of the records (a
        handle, a full name). This is how Splink trains m from a blocking rule: an attribute's m
        is what it does among pairs chosen by another attribute, not fitted by expectation
        maximisation to the clusters the data happen to form. The name's own m and the area's
        stay the judgements of PRIOR_M, since the pairs were chosen by them.

        Not every training pair is one entity (in a large corpus two people in an area may bear
        one full name): each is one with the probability its prior, name and area give, and the
        others are taken to look like random pairs of the area (u), so their outcomes are taken
        out of the counts before they are read as m. Shrunk towards PRIOR_M by PSEUDO_PAIRS, so
        few training pairs change little.

        `labelled` pairs (decided by analysts) leave the training pairs; the accepted ones' outcomes
        are counted for every attribute, the name and the area too (`learning.combined_m`)."""
        priors = [judged_m(self.family, a) for a in self.attributes]
        labels = {(min(i, j), max(i, j)): same for i, j, same in labelled}
        accepted = [(features[i], features[j]) for (i, j), same in labels.items() if same]
        training = self._training_pairs(features, named_pairs, labels) if "name" in self.attributes else []
        rows = []
        for attribute, function, prior_m, u in zip(self.attributes, self.functions, priors, self.u):
            counts = [0.0, 0.0, 0.0]
            if attribute in MEASURED_M and training:
                others = 0.0
                for a, b, p in training:
                    outcome = function(a, b)[0]
                    if outcome != MISSING:
                        counts[outcome] += 1
                        others += 1 - p
                counts = [max(count - others * u[outcome], 0.0) for outcome, count in enumerate(counts)]
            rows.append(combined_m(prior_m, counts, outcome_counts(function, accepted), PSEUDO_PAIRS))
        return rows

    def _training_pairs(self, features: list[Features], named_pairs: Sequence[tuple[int, int]],
                        labels: dict) -> list[tuple[Features, Features, float]]:
        """The training pairs (see `_measure_m`), each with the probability it is one entity;
        pairs an analyst decided are left out (their labels count instead)."""
        name, m_name = self.comparer.name, judged_m(self.family, "name")[AGREE]
        prior = self.prior_weight
        if "area" in self.attributes:
            index = self.attributes.index("area")
            prior += math.log2(judged_m(self.family, "area")[AGREE] / max(self.u[index][AGREE], M_FLOOR))
        training = []
        for i, j in named_pairs:
            a, b = features[i], features[j]
            if a.review != b.review and a.area == b.area and (min(i, j), max(i, j)) not in labels:
                outcome, share = name(a, b)
                if outcome == AGREE and share <= TRAINING_SHARE:
                    training.append((a, b, probability(prior + math.log2(m_name / share))))
        return training

    def _measure_u(self, features: list[Features], rng: random.Random) -> list[list[float]]:
        """Outcome shares among pairs of records from different reviews (all pairs of a small
        family, RANDOM_PAIRS random ones of a large one): for area, any two records of the family;
        for the rest, two records of the same area. Shrunk towards PRIOR_U by PSEUDO_PAIRS, so a
        family of five records does not declare an outcome impossible."""
        anywhere, nearby = _u_pairs(features, rng)
        rows = []
        for attribute, function in zip(self.attributes, self.functions):
            counts = [0, 0, 0]
            for a, b in (anywhere if attribute == "area" or not nearby else nearby):
                outcome = function(a, b)[0]
                if outcome != MISSING:
                    counts[outcome] += 1
            prior, total = PRIOR_U[attribute], sum(counts)
            rows.append([(count + PSEUDO_PAIRS * p) / (total + PSEUDO_PAIRS) for count, p in zip(counts, prior)])
        return rows

    def evidence(self, a: Features, b: Features) -> float:
        """The sum of the comparisons' weights (without the prior)."""
        total = 0.0
        for function, weights, m_agree in self._scored:
            outcome, share = function(a, b)
            if outcome != MISSING:
                total += weights[outcome] if share is None else _adjusted(m_agree, share, weights)
        return total

    def explain(self, a: Features, b: Features) -> tuple[Comparison, ...]:
        out = []
        for attribute, (function, weights, m_agree) in zip(self.attributes, self._plan):
            outcome, share = function(a, b)
            if outcome == MISSING:
                weight = 0.0
            else:
                weight = weights[outcome] if share is None else _adjusted(m_agree, share, weights)
            out.append(Comparison(attribute, OUTCOMES[outcome], weight, self.comparer.detail(attribute, a, b)))
        return tuple(out)


def _prior_weight(records: int, expected: float = EXPECTED_MATCHES) -> float:
    """log2 of the prior odds that two records of a family are one entity: `expected` other
    records of the same entity for each record, among the family's other records."""
    prior = min(expected / max(records - 1, 1), 0.5)
    return math.log2(prior / (1 - prior))


def expected_matches(family: str, features: list[Features], named_pairs: Sequence[tuple[int, int]]) -> float:
    """Other records of the same entity per record. For places, measured: the pairs of records of
    one kind and area from different reviews that share a name, taken to be NAMED_PAIRS_RECALL of
    the true pairs (Splink's estimate from deterministic rules), shrunk towards EXPECTED_MATCHES
    by PSEUDO_RECORDS records (five parks say little) and never below it. For people and groups
    the judgement EXPECTED_MATCHES: their names are too often missing or shared to count by."""
    if family == "incident":
        return EXPECTED_EVENT_MATCHES
    if not family.startswith("place") or not features:
        return EXPECTED_MATCHES
    agreeing = 0
    for i, j in named_pairs:
        a, b = features[i], features[j]
        agreeing += a.review != b.review and a.kind == b.kind and a.area == b.area and not a.names.isdisjoint(b.names)
    measured = (2 * agreeing / NAMED_PAIRS_RECALL + PSEUDO_RECORDS * EXPECTED_MATCHES) / (len(features) + PSEUDO_RECORDS)
    return max(EXPECTED_MATCHES, measured)


def ordered_weights(m: tuple[float, float, float], u: tuple[float, float, float]) -> list[float]:
    """log2(m / u) of each outcome, such that partly agreeing never counts more than agreeing nor
    disagreeing more than partly agreeing (of the outcomes an attribute can have: m > 0). With u
    measured on few records, or an outcome that almost never happens between different entities
    (a one-word school name cannot partly agree), the raw ratios can cross; crossing outcomes are
    then pooled, their m and u summed (pool-adjacent-violators), so an explanation never shows
    agreement lowering the score and no outcome borrows the ratio of a rarer one."""
    def weight(mass: float, chance: float) -> float:
        return math.log2(mass / chance)

    # floored before pooling, so a pooled ratio (a mediant) lies between the ratios it pools
    blocks = [([o], max(m[o], M_FLOOR), max(u[o], M_FLOOR)) for o in (DISAGREE, PARTIAL, AGREE) if m[o] > 0]
    index = 0  # weakest first
    while index < len(blocks) - 1:
        (low, m_low, u_low), (high, m_high, u_high) = blocks[index], blocks[index + 1]
        if weight(m_low, u_low) > weight(m_high, u_high):
            blocks[index:index + 2] = [(low + high, m_low + m_high, u_low + u_high)]
            index = max(index - 1, 0)
        else:
            index += 1
    weights = [weight(max(mass, M_FLOOR), max(chance, M_FLOOR)) for mass, chance in zip(m, u)]
    for outcomes, mass, chance in blocks:
        for outcome in outcomes:
            weights[outcome] = weight(mass, chance)
    return weights


def _adjusted(m_agree: float, share: float, weights: list[float]) -> float:
    """The weight of agreeing on a name carried by `share` of the records (term-frequency
    adjusted), never below partly agreeing."""
    return max(math.log2(m_agree / share), weights[PARTIAL])


def _u_pairs(features: list[Features], rng: random.Random) -> tuple[list, list]:
    """Pairs of records from different reviews to measure u on: (any two, two of one area)."""
    n = len(features)
    if n * (n - 1) // 2 <= RANDOM_PAIRS:
        anywhere = [(a, b) for i, a in enumerate(features) for b in features[i + 1:] if a.review != b.review]
        return anywhere, [(a, b) for a, b in anywhere if a.area == b.area]
    by_area: dict[object, list[Features]] = defaultdict(list)
    for f in features:
        by_area[f.area].append(f)
    anywhere, nearby = [], []
    below = _below(rng)
    for _ in range(RANDOM_PAIRS):
        a = features[below(n)]
        for found, pool in ((anywhere, features), (nearby, by_area[a.area])):
            b = pool[below(len(pool))]
            if b.review != a.review:
                found.append((a, b))
    return anywhere, nearby


def _below(rng: random.Random):
    """rng.randrange(n) for n > 0, the same numbers (CPython's rejection sampling on
    getrandbits) without its argument checks, which were 7% of matching."""
    bits = rng.getrandbits

    def below(n: int) -> int:
        k = n.bit_length()
        r = bits(k)
        while r >= n:
            r = bits(k)
        return r

    return below


M_FLOOR = 1e-3  # m of an outcome judged impossible: still possible (a typo must not veto a match)


def probability(weight: float) -> float:
    """Match probability for a match weight in bits: 1 / (1 + 2^-weight)."""
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** -weight)


# -- finding candidates ------------------------------------------------------------------------

def find_candidates(records: Iterable[LinkRecord], *, threshold: float = DEFAULT_THRESHOLD,
                    exclude: Collection[frozenset[str]] = (), kinds: Collection[str] | None = None,
                    seed: int = 0, labelled: Iterable[tuple[str, str, bool]] = ()) -> list[Candidate]:
    """Pairs of records that may be one entity, with match probability >= threshold, best first.

    exclude: pairs (frozensets of two IRIs) already decided, never proposed again. kinds: record
    kinds ("peer", "park") or families ("young-person", "adult", "group", "place",
    "place:public-space") to compare; default all. seed: for the random pairs that measure u.
    labelled: (IRI, IRI, is one entity) of pairs analysts decided, which re-estimate m (see
    `casegraph.linking.learning`; `learning.labels_from_decisions` makes them from decisions).
    """
    with without_cycle_collection():  # features, pairs and candidates: millions of acyclic objects
        families = feature_families(list(records), kinds)
        excluded = {frozenset(pair) for pair in exclude}
        labels = family_labels(families, labelled)
        found: list[Candidate] = []
        for family in sorted(families):
            found += _family_candidates(family, families[family], threshold, excluded, random.Random(seed),
                                        labels.get(family, ()))
        found.sort(key=lambda c: (-c.score, c.id))
        return found


def family_model(family: str, features: list[Features], rng: random.Random,
                 labelled: Sequence[tuple[int, int, bool]] = ()) -> tuple[Model, array, array]:
    """The family's model (learning from `labelled` pairs of indices into `features`), and the
    pairs blocking proposes (as two arrays of indices into `features`)."""
    frequencies = Frequencies(features, local_names=family == "group")
    lefts, rights, rules = pair_arrays(features)
    named = [(i, j) for i, j, rule in zip(lefts, rights, rules) if rule < NAME_RULES]
    comparer = Comparer(frequencies, Births(features), joint_linked=family == "group")
    return Model(family, features, comparer, rng, named, labelled), lefts, rights


def _family_candidates(family: str, features: list[Features], threshold: float, excluded,
                       rng: random.Random, labelled: Sequence[tuple[int, int, bool]] = ()) -> list[Candidate]:
    model, lefts, rights = family_model(family, features, rng, labelled)
    evidence = pair_evidence(model, features, lefts, rights)
    needed = -math.inf if threshold <= 0 else (math.log2(threshold / (1 - threshold)) if threshold < 1 else math.inf)
    out = []
    for i, j, e in zip(lefts, rights, evidence):
        if model.prior_weight + e < needed - 1e-9:
            continue
        a, b = features[i], features[j]
        if a.record.iri > b.record.iri:
            a, b = b, a
        if frozenset((a.record.iri, b.record.iri)) in excluded:
            continue
        out.append(Candidate(candidate_id(a.record.iri, b.record.iri), a.record.iri, b.record.iri, family,
                             probability(model.prior_weight + e), model.explain(a, b),
                             a.review, b.review, a.record.label, b.record.label, model.prior_weight))
    return out
