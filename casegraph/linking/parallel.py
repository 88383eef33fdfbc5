"""The evidence of every blocked pair, worked out on every core.

Scoring the pairs blocking proposes is most of `link candidates` on a big corpus (a million
pairs at 100,000 people), all of it Python comparisons one pair at a time. The pairs are
independent, so on a machine with several cores the pairs are split into one run per core:
forked processes score theirs from the model and features they inherit (nothing is sent to
them), this process scores the first run, and the runs' numbers are joined in order. Every pair
is scored by the same code on the same values, so the numbers are those one process gives.

Forking is used only where it is safe and pays: where the platform forks, no other thread is
running (a fork copies only the thread that forks; a lock another thread held would stay held),
and there are at least PARALLEL_MIN_PAIRS pairs.
"""
from __future__ import annotations

import os
import threading
from array import array

PARALLEL_MIN_PAIRS = 200_000  # below this, starting a process costs more than it saves

_INHERITED = None  # (model, features, lefts, rights): what a forked worker scores from


def pair_evidence(model, features: list, lefts: array, rights: array) -> array:
    """`model.evidence` of each pair (features[lefts[k]], features[rights[k]]), in order."""
    runs = _runs(len(lefts))
    if runs < 2:
        return _evidence(model, features, lefts, rights, 0, len(lefts))
    import multiprocessing

    global _INHERITED
    bounds = [len(lefts) * k // runs for k in range(runs + 1)]
    _INHERITED = (model, features, lefts, rights)
    try:
        with multiprocessing.get_context("fork").Pool(runs - 1) as pool:
            pending = [pool.apply_async(_inherited_run, (low, high)) for low, high in zip(bounds[1:-1], bounds[2:])]
            found = _evidence(model, features, lefts, rights, bounds[0], bounds[1])
            for run in pending:
                found.frombytes(run.get())
    finally:
        _INHERITED = None
    return found


def _runs(pairs: int) -> int:
    """How many runs to split `pairs` pairs into: one per core this process may use, or one."""
    import multiprocessing

    if pairs < PARALLEL_MIN_PAIRS or threading.active_count() > 1 or \
            "fork" not in multiprocessing.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, pairs // max(PARALLEL_MIN_PAIRS // 2, 1)))


def _inherited_run(low: int, high: int) -> bytes:
    model, features, lefts, rights = _INHERITED
    return _evidence(model, features, lefts, rights, low, high).tobytes()


def _evidence(model, features: list, lefts: array, rights: array, low: int, high: int) -> array:
    evidence = model.evidence
    return array("d", (evidence(features[i], features[j]) for i, j in zip(lefts[low:high], rights[low:high])))


__all__ = ["PARALLEL_MIN_PAIRS", "pair_evidence"]
