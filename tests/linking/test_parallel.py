"""Pairs scored on several cores give the numbers one process gives, in the same order."""
from __future__ import annotations

import random
import threading

from casegraph.linking import parallel
from casegraph.linking.candidates import family_model, find_candidates
from casegraph.linking.features import feature_families


def test_runs_on_forked_workers_give_the_same_evidence_in_order(records, monkeypatch):
    families = feature_families(records, None)
    family = max(families, key=lambda name: len(families[name]))
    model, lefts, rights = family_model(family, families[family], random.Random(0))
    assert len(lefts) > 10
    serial = parallel.pair_evidence(model, families[family], lefts, rights)
    monkeypatch.setattr(parallel, "_runs", lambda pairs: 3)
    assert parallel.pair_evidence(model, families[family], lefts, rights).tolist() == serial.tolist()


def test_candidates_found_on_several_cores_are_those_found_on_one(records, monkeypatch):
    one = find_candidates(records, threshold=0.1)
    monkeypatch.setattr(parallel, "_runs", lambda pairs: 2)
    assert find_candidates(records, threshold=0.1) == one and one


def test_one_run_when_few_pairs_or_another_thread_runs(monkeypatch):
    monkeypatch.setattr(parallel, "PARALLEL_MIN_PAIRS", 10)
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    # the suite's own threads (servers' clients) must not decide what is measured here
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    assert parallel._runs(9) == 1
    assert parallel._runs(10) == 2 and parallel._runs(1000) == 4
    monkeypatch.undo()
    monkeypatch.setattr(parallel, "PARALLEL_MIN_PAIRS", 10)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert parallel._runs(1000) == 1
    finally:
        stop.set()
        other.join()
