"""Loading many files uses worker processes; the result must be exactly what one process gives."""
from __future__ import annotations

from casegraph.graph.store import ReviewStore
from casegraph.graph.loading import PARALLEL_MIN_FILES, load_paths, validate_paths
from casegraph.synthetic import generate_corpus


def stored(store_path):
    with ReviewStore.open(store_path) as store:
        return {review: set(store.quads(review)) for review in store.review_ids()}


def test_worker_processes_give_the_same_store_and_errors_as_one_process(tmp_path):
    corpus = generate_corpus(tmp_path / "corpus", PARALLEL_MIN_FILES + 10, seed=5)
    bad = corpus.review_paths[7]
    bad.write_text(bad.read_text(encoding="utf-8").replace("role: young-person", "role: youngster", 1),
                   encoding="utf-8")
    reports = {}
    for workers in (0, 2):
        reports[workers] = load_paths([tmp_path / "corpus" / "reviews"], tmp_path / f"store-{workers}",
                                      workers=workers, batch_triples=5_000)
    assert [str(r.error) for r in reports[0].failed] == [str(r.error) for r in reports[2].failed]
    assert len(reports[2].failed) == 1 and "unknown Person code 'youngster'" in str(reports[2].failed[0].error)
    assert stored(tmp_path / "store-0") == stored(tmp_path / "store-2")
    assert len(stored(tmp_path / "store-2")) == PARALLEL_MIN_FILES + 9
    # each review's part of the view, derived on the workers, is the one derived from the store
    from casegraph.graph.view import build_view
    from casegraph.graph.view_cache import view_of_store
    from casegraph.graph.view_files import VIEWS_DIR

    assert len(list((tmp_path / "store-2" / VIEWS_DIR).glob("*.json"))) == PARALLEL_MIN_FILES + 9
    with ReviewStore.open(tmp_path / "store-2") as store:
        kept, derived = view_of_store(store), build_view(store.review_quads())
    assert list(kept.nodes) == list(derived.nodes) and kept.nodes == derived.nodes
    assert kept.relationships == derived.relationships


def test_validate_reports_without_a_store(tmp_path):
    generate_corpus(tmp_path, 3, seed=2)
    report = validate_paths([tmp_path / "reviews"])
    assert len(report.succeeded) == 3 and report.triples > 0


def test_a_script_read_from_stdin_still_loads_when_workers_cannot_start(tmp_path):
    """Worker processes re-import __main__, which `python -` does not have: the load goes on here."""
    import subprocess
    import sys

    generate_corpus(tmp_path / "corpus", PARALLEL_MIN_FILES, seed=8)
    script = ("from casegraph.graph.loading import load_paths\n"
              f"report = load_paths([{str(tmp_path / 'corpus' / 'reviews')!r}], {str(tmp_path / 'store')!r})\n"
              "print('loaded', len(report.succeeded))\n")
    result = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=300)
    assert f"loaded {PARALLEL_MIN_FILES}" in result.stdout, result.stderr[-2000:]
