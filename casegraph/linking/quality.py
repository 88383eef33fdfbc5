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
from dataclasses import dataclass
from pathlib import Path

from casegraph.errors import CasegraphError
from casegraph.linking.candidates import Candidate
from casegraph.ontology import REVIEW

TRUTH_COLUMNS = ("entity_id", "review_id", "record_id")


class GroundTruthError(CasegraphError):
    """A ground-truth file that cannot be read."""


def read_ground_truth(path: Path | str) -> dict[str, str]:
    """Record IRI -> entity id, from a CSV with columns entity_id, review_id, record_id (and kind)."""
    return {iri: row["entity_id"] for iri, row in _truth_rows(path)}


def read_truth_kinds(path: Path | str) -> dict[str, str]:
    """Record IRI -> the kind the truth gives it ("young-person", "adult", "place", ...); records
    without one are left out."""
    return {iri: row["kind"] for iri, row in _truth_rows(path) if row.get("kind")}


def _truth_rows(path: Path | str) -> list[tuple[str, dict]]:
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            missing = [c for c in TRUTH_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise GroundTruthError(f"{path}: no column(s) {', '.join(missing)}; expected a header "
                                       f"{','.join(TRUTH_COLUMNS)},kind")
            rows = []
            for row in reader:
                empty = [c for c in TRUTH_COLUMNS if not (row.get(c) or "").strip()]
                if empty:
                    raise GroundTruthError(f"{path}, line {reader.line_num}: no {' or '.join(empty)}; every row "
                                           f"names an entity, a review and a record")
                rows.append((f"{REVIEW}{row['review_id']}/{row['record_id']}", row))
            return rows
    except OSError as error:
        raise GroundTruthError(f"cannot read the ground truth {path}: {error.strerror}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise GroundTruthError(f"{path}: not a UTF-8 CSV file ({error}); expected a header "
                               f"{','.join(TRUTH_COLUMNS)},kind") from None


def check_reviews_loaded(truth: dict[str, str], review_ids: Iterable[str], path: Path | str) -> None:
    """A truth that names reviews the store does not hold measures nothing: say which, and what to do."""
    loaded = set(review_ids)
    named = sorted({iri[len(REVIEW):].split("/")[0] for iri in truth})
    missing = [review for review in named if review not in loaded]
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        raise GroundTruthError(f"{path} names {len(missing)} of its {len(named)} review(s) that are not in the "
                               f"store ({shown}); load the corpus it came with, or give that corpus's truth")


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
    scored = _scored(candidates, truth, considered)
    rows = []
    for threshold in thresholds:
        true_pos = sum(1 for score, same in scored if score >= threshold and same)
        false_pos = sum(1 for score, same in scored if score >= threshold and not same)
        rows.append(_row(threshold, true_pos, false_pos, total))
    return rows


def lowest_threshold(candidates: Sequence[Candidate], truth: dict[str, str], min_precision: float,
                     records: Iterable[str] | None = None) -> tuple[float, float, float, int, int, int] | None:
    """The lowest threshold, among the candidates' scores, at which the candidates at or above it
    still have at least `min_precision`: the most recall that precision allows. A row as
    `precision_recall` gives; None when no threshold keeps that precision."""
    considered = None if records is None else set(records)
    total = true_pair_count(truth, considered)
    scored = sorted(_scored(candidates, truth, considered), reverse=True)
    best = None
    true_pos = false_pos = 0
    for index, (score, same) in enumerate(scored):
        true_pos += same
        false_pos += not same
        last_of_score = index + 1 == len(scored) or scored[index + 1][0] != score
        if last_of_score and true_pos / (true_pos + false_pos) >= min_precision:
            best = _row(score, true_pos, false_pos, total)
    return best


def _scored(candidates: Sequence[Candidate], truth: dict[str, str], considered: set[str] | None) -> list[tuple]:
    """(score, is a true pair) per distinct pair of records in the truth: a pair proposed twice
    counts once, at its best score."""
    best: dict[frozenset[str], float] = {}
    for candidate in candidates:
        if considered is not None and not (candidate.left in considered and candidate.right in considered):
            continue
        if candidate.left in truth and candidate.right in truth and candidate.left != candidate.right:
            key = frozenset((candidate.left, candidate.right))
            best[key] = max(candidate.score, best.get(key, candidate.score))
    return [(score, len({truth[iri] for iri in key}) == 1) for key, score in best.items()]


def _row(threshold: float, true_pos: int, false_pos: int, total: int) -> tuple[float, float, float, int, int, int]:
    proposed = true_pos + false_pos
    return (threshold, true_pos / proposed if proposed else 1.0, true_pos / total if total else 1.0,
            true_pos, false_pos, total - true_pos)


# -- the report of `casegraph link quality` ------------------------------------------------------

QUALITY_THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99)
ALL_KINDS = "all"


@dataclass(frozen=True)
class QualityRow:
    """Precision and recall of the candidates of one kind (or ALL_KINDS) at one threshold."""

    kind: str
    threshold: float
    precision: float
    recall: float
    found: int  # true pairs proposed
    wrong: int  # pairs proposed that are not one entity
    missed: int  # true pairs not proposed
    chosen: str = ""  # "" for a threshold asked for; else how this one was chosen


def quality_report(candidates: Sequence[Candidate], truth: dict[str, str], kinds: dict[str, str],
                   thresholds: Sequence[float] = QUALITY_THRESHOLDS,
                   min_precision: float | None = None) -> list[QualityRow]:
    """Rows for every record of the truth together, then for each kind it gives (`kinds`: record
    IRI -> kind), at each threshold; with `min_precision`, also each one's `lowest_threshold`
    among the candidates (which must then have been found down to the lowest threshold asked)."""
    groups = [(ALL_KINDS, None)] + [(kind, [iri for iri, k in kinds.items() if k == kind])
                                    for kind in sorted(set(kinds.values()))]
    thresholds = sorted(set(thresholds))
    out = []
    for kind, records in groups:
        out += [QualityRow(kind, *row) for row in precision_recall(candidates, truth, thresholds, records)]
        if min_precision is not None:
            best = lowest_threshold([c for c in candidates if c.score >= thresholds[0]], truth, min_precision, records)
            if best is not None:
                out.append(QualityRow(kind, *best, chosen=f"lowest with precision >= {min_precision:g}"))
    return out
