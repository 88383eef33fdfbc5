"""Precision and recall of candidate matches against a generated corpus's ground truth.

Pairs are counted as unordered pairs of record IRIs. Within one true entity every pair of its
records is a true pair (an entity recorded k times gives k(k-1)/2), whether the records are in the
same review or not. Only records named in the truth file count: a candidate is a true positive when
both its records belong to one entity, a false positive otherwise; a false negative is a true pair
that no candidate at or above the threshold proposes. A pair proposed twice counts once. Pass
`records` to count true pairs only among the records that were compared (for example one kind
family).
"""
from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from casegraph.errors import CasegraphError
from casegraph.linking.candidates import Candidate
from casegraph.ontology import REVIEW

TRUTH_COLUMNS = ("entity_id", "review_id", "record_id")


class GroundTruthError(CasegraphError):
    """A ground-truth file that cannot be read."""


def read_ground_truth(path: Path | str) -> dict[str, str]:
    """Record IRI -> entity id, from a CSV with columns entity_id, review_id, record_id (and kind)."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in TRUTH_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise GroundTruthError(f"{path}: no column(s) {', '.join(missing)}; expected a header "
                                       f"{','.join(TRUTH_COLUMNS)},kind")
            return {f"{REVIEW}{row['review_id']}/{row['record_id']}": row["entity_id"] for row in reader}
    except OSError as error:
        raise GroundTruthError(f"cannot read the ground truth {path}: {error.strerror}") from None


def true_pair_count(truth: dict[str, str], records: Iterable[str] | None = None) -> int:
    """How many true pairs there are among `records` (default: every record in the truth)."""
    chosen = truth if records is None else {iri: truth[iri] for iri in records if iri in truth}
    sizes = Counter(chosen.values())
    return sum(k * (k - 1) // 2 for k in sizes.values())


def precision_recall(candidates: Sequence[Candidate], truth: dict[str, str], thresholds: Iterable[float],
                     records: Iterable[str] | None = None) -> list[tuple[float, float, float, int, int, int]]:
    """(threshold, precision, recall, true positives, false positives, false negatives) for each
    threshold, counting the candidates whose score is at least the threshold.

    Precision is 1.0 when nothing is proposed; recall is 1.0 when there is nothing to find.
    """
    considered = None if records is None else set(records)
    total = true_pair_count(truth, considered)
    best: dict[frozenset[str], float] = {}  # a pair proposed twice counts once, at its best score
    for candidate in candidates:
        if considered is not None and not (candidate.left in considered and candidate.right in considered):
            continue
        if candidate.left in truth and candidate.right in truth and candidate.left != candidate.right:
            key = frozenset((candidate.left, candidate.right))
            best[key] = max(candidate.score, best.get(key, candidate.score))
    scored = [(score, len({truth[iri] for iri in key}) == 1) for key, score in best.items()]
    rows = []
    for threshold in thresholds:
        true_pos = sum(1 for score, same in scored if score >= threshold and same)
        false_pos = sum(1 for score, same in scored if score >= threshold and not same)
        proposed = true_pos + false_pos
        rows.append((threshold, true_pos / proposed if proposed else 1.0, true_pos / total if total else 1.0,
                     true_pos, false_pos, total - true_pos))
    return rows
