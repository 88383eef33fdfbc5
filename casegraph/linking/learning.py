"""Learning from analysts' decisions: labelled pairs re-estimate m, and an order that asks first
about the pairs whose answer the model is least sure of.

Labels and m. An accepted pair is a pair of records known to be one entity, so its outcomes are
what m describes, as Splink's `estimate_m_from_pairwise_labels` counts them: each attribute's
outcome shares among the accepted pairs, missing outcomes left out. They are not taken alone
(a few dozen labels would make an outcome look impossible) but added to what `Model._measure_m`
measures today, on one footing:

    m[o] = (training[o] + LABEL_WEIGHT * accepted[o] + PSEUDO_PAIRS * PRIOR_M[o])
           / (sum(training) + LABEL_WEIGHT * sum(accepted) + PSEUDO_PAIRS)

where training[o] is the (non-match corrected) count of the training pairs, zero for an
attribute measured on none (the name, the area, families without training pairs), and
accepted[o] the count among accepted pairs. LABEL_WEIGHT is 1: an accepted pair is one true
pair observed, as certain as a training pair would be if its probability were 1, and the
training pairs already count fractionally for the chance they are two people. So the name's and
the area's m, only judged until now (their training pairs were chosen by them), move from
PRIOR_M as soon as fifty or so pairs are accepted, while the attributes measured on thousands of
training pairs move little until the analysts have decided hundreds. A labelled pair is taken
out of the training pairs, so it is not counted twice; a rejected one that was a training pair
is simply gone (it is known not to be one entity, which the training pairs could only guess).

Rejected pairs do not change u. u is measured on RANDOM_PAIRS random pairs of each family's
records, which describe different entities far better than a few hundred pairs chosen because
they looked alike: counting those would make agreement look common among different entities and
weaken every agreement. A rejected pair is, besides leaving the training pairs, never proposed
again (it is decided).

Labels are counted as they come. The pairs an analyst decides are chosen by the model's score,
so they over-represent the agreements the model already rewards (bias by selection, as with any
labels drawn from a model's candidates); `informative_order` draws from lower scores too, which
is one reason to decide in that order.

The informative order is uncertainty sampling, as dedupe's active learner does: the undecided
pairs whose match probability is nearest 0.5 first. p(1 - p) is the variance of the answer under
the model, so these are the pairs whose answer it predicts worst, and the ones an analyst is
most needed for. For learning m they are also the better labels: the accepted pairs of score
order agree on nearly everything (that is why they scored high) and so teach m what it already
assumes, while the true pairs near 0.5 are those that disagree on something, which is what m
must learn to forgive. (An expected change in the weights was considered: under the counting
above an accepted pair changes m by 1 / (pairs counted) whatever its score, so it would rank by
how surprising the pair's outcomes are, which again favours pairs the model scores low; uncertainty
sampling gets much of that, is what dedupe does, and is easy to explain to an analyst.) It is
drawn from candidates down to INFORMATIVE_THRESHOLD, as far below 0.5 as the default threshold
is above. benchmarks/link_learning.py measures both orders.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence

LABEL_WEIGHT = 1.0  # an accepted pair counts as this many training pairs that are surely one entity
INFORMATIVE_THRESHOLD = 0.1  # the lowest score the informative order draws from (0.5 - (0.9 - 0.5))
ORDERS = ("score", "informative")

Label = tuple[str, str, bool]  # (record IRI, record IRI, is one entity)


def labels_from_decisions(decisions: Iterable) -> list[Label]:
    """(left, right, accepted?) of each decision in force (`decisions.current_decisions`), in a
    stable order (by the pair), so the same decisions always give the same labels."""
    labels = {(min(d.left, d.right), max(d.left, d.right)): d.verdict == "accepted" for d in decisions
              if d.verdict in ("accepted", "rejected") and d.left != d.right}
    return [(left, right, same) for (left, right), same in sorted(labels.items())]


def labels_key(labels: Iterable[Label]) -> str:
    """A digest of the labels, for the cache of candidates learned from them."""
    text = json.dumps(sorted([min(a, b), max(a, b), bool(same)] for a, b, same in labels))
    return hashlib.sha256(text.encode()).hexdigest()


def family_labels(families: dict[str, list], labels: Iterable[Label]) -> dict[str, list[tuple[int, int, bool]]]:
    """The labels of each family as pairs of indices into its features; labels whose records are
    not both compared in one family (another kind, or a record no longer stored) are left out."""
    where = {f.record.iri: (family, index) for family, features in families.items()
             for index, f in enumerate(features)}
    out: dict[str, list[tuple[int, int, bool]]] = {}
    for left, right, same in labels:
        a, b = where.get(left), where.get(right)
        if a is not None and b is not None and a[0] == b[0] and a[1] != b[1]:
            out.setdefault(a[0], []).append((min(a[1], b[1]), max(a[1], b[1]), bool(same)))
    return out


def outcome_counts(function, pairs: Iterable[tuple]) -> list[float]:
    """How often `function` gives agree, partial and disagree among `pairs` (missing left out)."""
    counts = [0.0, 0.0, 0.0]
    for a, b in pairs:
        outcome = function(a, b)[0]
        if outcome < 3:
            counts[outcome] += 1
    return counts


def combined_m(prior_m: Sequence[float], training: Sequence[float], accepted: Sequence[float],
               pseudo_pairs: float) -> tuple[float, ...]:
    """m from the judgement, the training pairs' counts and the accepted pairs' counts (see the
    module's formula). With no counts at all, the judgement itself."""
    counts = [t + LABEL_WEIGHT * a for t, a in zip(training, accepted)]
    total = sum(counts)
    if total == 0:
        return tuple(prior_m)
    return tuple((count + pseudo_pairs * p) / (total + pseudo_pairs) for count, p in zip(counts, prior_m))


def informative_order(candidates: Iterable) -> list:
    """Candidates nearest a match probability of 0.5 first (uncertainty sampling); ties by the
    higher score, then by id, so the order is stable."""
    return sorted(candidates, key=lambda c: (abs(c.score - 0.5), -c.score, c.id))
