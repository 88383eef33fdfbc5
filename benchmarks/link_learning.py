"""Learning curve: how recall at precision >= 0.9 moves as an analyst decides pairs and the model
re-learns m from the decisions, in score order and in informative order.

    python benchmarks/link_learning.py --work /tmp/link-bench                  # the 5800-review corpus
    python benchmarks/link_learning.py --work /tmp/ll --reviews 300            # a quick run

The corpus and store are those of benchmarks/link_benchmark.py (generated into --work unless it
already holds them; then only read). The analyst is simulated: each pair they decide is answered
from the generator's ground truth (accepted when both records are one entity). After each batch
(up to --batches decisions in all) the model is re-learned from every decision so far, as
`casegraph link candidates --learn` does, and the next batch is taken from the re-learned
candidates, undecided ones only:

  score        the best first, at or above the default threshold (as `link candidates` lists);
  informative  nearest 0.5 first, from candidates down to INFORMATIVE_THRESHOLD
               (`link candidates --order informative`).

Reported after each batch, for the person families link_benchmark.py measures: recall at
precision >= 0.9 (the best over thresholds, as link_benchmark.py computes it, but among every
candidate down to INFORMATIVE_THRESHOLD rather than 0.5, which caps it on a small corpus),
precision and recall at the default threshold, and, in the last
column, recall at precision >= 0.9 once the decisions themselves are applied (an accepted pair
counts as found whatever its score, a rejected one is dropped): what the analyst ends up with.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from link_benchmark import PEOPLE, PRECISION_GOAL, _read_records, prepare  # noqa: E402


def _truth_of(work: Path):
    from casegraph.linking.quality import read_ground_truth, read_truth_kinds

    truth = read_ground_truth(work / "corpus" / "ground-truth.csv")
    kinds = read_truth_kinds(work / "corpus" / "ground-truth.csv")
    people = [iri for iri, kind in kinds.items() if kind in PEOPLE]
    return {iri: truth[iri] for iri in people if iri in truth}, people


def _same(truth: dict[str, str], left: str, right: str) -> bool:
    return truth.get(left) is not None and truth.get(left) == truth.get(right)


def _measure(candidates: list, truth: dict[str, str], people: list[str], labels: list) -> dict:
    from casegraph.linking.candidates import Candidate, DEFAULT_THRESHOLD
    from casegraph.linking.quality import lowest_threshold, precision_recall

    scored = list(candidates)  # down to INFORMATIVE_THRESHOLD
    best = lowest_threshold(scored, truth, PRECISION_GOAL, records=people)
    at_default = precision_recall(scored, truth, [DEFAULT_THRESHOLD], records=people)[0]
    verdicts = {frozenset((a, b)): same for a, b, same in labels}
    applied = [c for c in scored if verdicts.get(frozenset((c.left, c.right)), True)]
    applied += [Candidate(id="", left=a, right=b, kind="", score=1.0, comparisons=()) for a, b, same in labels if same]
    best_applied = lowest_threshold(applied, truth, PRECISION_GOAL, records=people)
    return {"recall": best[2] if best else 0.0, "threshold": best[0] if best else None,
            "precision_default": at_default[1], "recall_default": at_default[2],
            "recall_applied": best_applied[2] if best_applied else 0.0}


def _next_batch(candidates: list, decided: set, order: str, size: int) -> list:
    from casegraph.linking.candidates import DEFAULT_THRESHOLD
    from casegraph.linking.learning import informative_order

    undecided = [c for c in candidates if frozenset((c.left, c.right)) not in decided]
    if order == "score":
        chosen = sorted((c for c in undecided if c.score >= DEFAULT_THRESHOLD), key=lambda c: (-c.score, c.id))
    else:
        chosen = informative_order(undecided)
    return chosen[:size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True,
                        help="the corpus and store (link_benchmark.py's); generated here unless present")
    parser.add_argument("--reviews", type=int, default=5800, help="reviews to generate when --work has none")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batches", default="100,300,1000",
                        help="decisions made in all after each batch (default: 100,300,1000)")
    args = parser.parse_args()
    from casegraph.linking.candidates import DEFAULT_THRESHOLD, find_candidates
    from casegraph.linking.learning import INFORMATIVE_THRESHOLD

    work = args.work
    if not ((work / "corpus.json").exists() and (work / "store").exists()):
        work.mkdir(parents=True, exist_ok=True)
        prepare(work, args.reviews, args.seed)
    targets = sorted(int(n) for n in args.batches.split(","))
    truth, people = _truth_of(work)
    started = time.perf_counter()
    records = _read_records(work)
    print(f"read {len(records):,} records in {time.perf_counter() - started:.0f} s", flush=True)

    def learn(labels: list) -> list:
        began = time.perf_counter()
        found = find_candidates(records, threshold=INFORMATIVE_THRESHOLD, kinds=PEOPLE, labelled=labels)
        print(f"  matched with {len(labels):,} labels in {time.perf_counter() - began:.0f} s", flush=True)
        return found

    initial = learn([])
    rows = [("none", 0, 0, _measure(initial, truth, people, []))]
    for order in ("score", "informative"):
        candidates, labels, decided = initial, [], set()
        for target in targets:
            for c in _next_batch(candidates, decided, order, target - len(labels)):
                labels.append((c.left, c.right, _same(truth, c.left, c.right)))
                decided.add(frozenset((c.left, c.right)))
            candidates = learn(labels)
            rows.append((order, len(labels), sum(same for *_, same in labels),
                         _measure(candidates, truth, people, labels)))
            print(f"  {order} {len(labels)}: {rows[-1][3]}", flush=True)

    print(f"\nlearning curve: {len(people):,} person records, analyst answering from the ground truth; "
          f"m re-learned after each batch\n")
    print(f"| order | decided | accepted | recall at precision >= {PRECISION_GOAL} (threshold) | "
          f"precision at {DEFAULT_THRESHOLD} | recall at {DEFAULT_THRESHOLD} | "
          f"recall at precision >= {PRECISION_GOAL}, decisions applied |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for order, decided, accepted, m in rows:
        threshold = f" ({m['threshold']:.3f})" if m["threshold"] is not None else ""
        print(f"| {order} | {decided:,} | {accepted:,} | {m['recall']:.4f}{threshold} | {m['precision_default']:.3f} | "
              f"{m['recall_default']:.4f} | {m['recall_applied']:.4f} |")


if __name__ == "__main__":
    main()
