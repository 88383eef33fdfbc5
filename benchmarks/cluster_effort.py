"""Analyst effort: decisions needed to resolve a generated corpus pair by pair and cluster by cluster.

    python benchmarks/cluster_effort.py --work /tmp/cluster-effort --reviews 200
    python benchmarks/cluster_effort.py --work /tmp/link-bench                    # the 5800-review corpus

The corpus and store are those of benchmarks/link_benchmark.py (generated into --work unless it
already holds them). The candidates are the stored review's at --threshold (default: the
matcher's), every kind; the analyst answers from the generator's ground truth, as
`casegraph.linking.cluster_effort` simulates: pair by pair, one decision per candidate pair (and,
as a lower bound, skipping pairs the acceptances already join); cluster by cluster, one
accept-cluster or split per cluster not yet accepted, round after round, then the pairs the
splitting rules cut, one by one.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from link_benchmark import prepare  # noqa: E402


def main() -> None:
    from casegraph.graph.store import ReviewStore
    from casegraph.linking.candidate_cache import load_candidates
    from casegraph.linking.cluster_effort import cluster_effort
    from casegraph.linking.quality import read_ground_truth
    from casegraph.linking.settings import DEFAULT_THRESHOLD

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="keeps the corpus and store between runs")
    parser.add_argument("--reviews", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()
    prepare(args.work, args.reviews, args.seed)
    truth = read_ground_truth(args.work / "corpus" / "ground-truth.csv")
    with ReviewStore.open(args.work / "store") as store:
        candidates = load_candidates(store, args.threshold).candidates
    started = time.perf_counter()
    effort = cluster_effort(candidates, truth)
    seconds = time.perf_counter() - started
    print(f"corpus: {args.reviews} generated reviews (seed {args.seed}); {effort.candidates} candidate pairs at "
          f"threshold {args.threshold:g}; {effort.entities} true entities of 2+ records among them")
    print(f"pair by pair:        {effort.pair_decisions} decisions "
          f"({effort.pair_decisions_skipping_implied} if the analyst skips pairs already joined)")
    print(f"cluster by cluster:  {effort.cluster_decisions} decisions ({effort.accepts} accept-cluster, "
          f"{effort.splits} split, {effort.pairs_left} pairs cut by the splitting rules) in {effort.rounds} rounds")
    print(f"same entities either way: {'yes' if effort.same_result else 'NO'}; simulated in {seconds:.1f} s")


if __name__ == "__main__":
    main()
