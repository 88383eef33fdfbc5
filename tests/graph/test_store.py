"""The store keeps one named graph per review, replaces a review exactly on reload, and survives
two writers at once."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from casegraph.errors import ReviewNotFound, StoreError
from casegraph.graph.store import ReviewStore
from casegraph.loaders import load
from casegraph.graph.loading import load_paths
from tests.conftest import EXAMPLES, MINIMAL


def as_rdflib(quads) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data="".join(f"{q.triple} .\n" for q in quads), format="nt")
    return graph


def assert_isomorphic(expected: rdflib.Graph, actual: rdflib.Graph) -> None:
    if not isomorphic(expected, actual):
        _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        pytest.fail("graphs differ\nonly expected:\n" + only_expected.serialize(format="nt")
                    + "\nonly actual:\n" + only_actual.serialize(format="nt"))


def test_reload_of_an_edited_file_gives_exactly_the_edited_content(tmp_path, store_path):
    corpus = tmp_path / "reviews"
    corpus.mkdir()
    for example in sorted(EXAMPLES.glob("*.yaml")):
        (corpus / example.name).write_bytes(example.read_bytes())
    (corpus / "minimal.yaml").write_bytes(MINIMAL.read_bytes())
    assert not load_paths([corpus], store_path).failed
    with ReviewStore.open(store_path) as store:
        others_before = {r: set(store.quads(r)) for r in store.review_ids() if r != "test-review-2016"}

    edited = corpus / "minimal.yaml"
    text = edited.read_text(encoding="utf-8")
    text = text.replace("  - id: park-1\n    kind: park\n", "")  # a place removed ...
    text = text.replace("    places: [park-1]\n", "")  # ... with the reference to it
    text = text.replace("name: Mr A", "name: Mr A (also 'Tony')")  # a value changed
    edited.write_text(text, encoding="utf-8")
    assert not load_paths([edited], store_path).failed

    with ReviewStore.open(store_path) as store:
        stored = as_rdflib(store.quads("test-review-2016"))
        assert {r: set(store.quads(r)) for r in store.review_ids() if r != "test-review-2016"} == others_before
    assert_isomorphic(as_rdflib(load(edited).quads), stored)
    assert not any("park-1" in str(s) for s in stored.subjects())


def test_remove_and_not_found(store_path):
    load_paths([MINIMAL], store_path)
    with ReviewStore.open(store_path, write=True) as store:
        with pytest.raises(ReviewNotFound, match="did you mean 'test-review-2016'"):
            store.remove("test-review-2061")
        store.remove("test-review-2016")
        assert store.review_ids() == []


def test_reading_a_store_that_does_not_exist_says_how_to_make_one(tmp_path):
    with pytest.raises(StoreError, match="load reviews first"):
        with ReviewStore.open(tmp_path / "nothing-here"):
            pass


@pytest.mark.parametrize("fmt, parser", [("trig", "trig"), ("nquads", "nquads")])
def test_export_keeps_one_graph_per_review(store_path, fmt, parser):
    load_paths([EXAMPLES], store_path)
    with ReviewStore.open(store_path) as store:
        buffer = io.BytesIO()
        store.dump(buffer, fmt)
        dataset = rdflib.Dataset()
        dataset.parse(data=buffer.getvalue(), format=parser)
        exported = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
        assert exported == {f"https://w3id.org/casegraph/review/{r}": len(store.quads(r))
                            for r in store.review_ids()}


def test_export_jsonld_and_turtle_parse_back(store_path):
    load_paths([MINIMAL], store_path)
    with ReviewStore.open(store_path) as store:
        expected = as_rdflib(store.quads("test-review-2016"))
        for fmt, parser in (("turtle", "turtle"), ("jsonld", "json-ld")):
            buffer = io.BytesIO()
            store.dump(buffer, fmt, ["test-review-2016"])
            parsed = rdflib.Dataset()
            parsed.parse(data=buffer.getvalue(), format=parser)
            union = rdflib.Graph()
            for quad in parsed.quads((None, None, None, None)):
                union.add(quad[:3])
            assert_isomorphic(expected, union)


def test_two_loads_at_once_lose_nothing(tmp_path, store_path):
    """Two `casegraph load` processes started together: both finish, every review is whole."""
    dirs = []
    for n in range(2):
        folder = tmp_path / f"batch{n}"
        folder.mkdir()
        for k in range(15):
            review_id = f"concurrent-{n}-{k:02d}"
            (folder / f"{review_id}.yaml").write_text(
                MINIMAL.read_text(encoding="utf-8").replace("test-review-2016", review_id), encoding="utf-8")
        (folder / "shared.yaml").write_bytes(MINIMAL.read_bytes())  # both write the same review too
        dirs.append(folder)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    processes = [subprocess.Popen([sys.executable, "-m", "casegraph.cli", "load", str(d), "--store", str(store_path)],
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for d in dirs]
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err.decode()
    expected = len(load(MINIMAL).quads)
    with ReviewStore.open(store_path) as store:
        assert len(store.review_ids()) == 31
        assert all(len(store.quads(r)) == expected for r in store.review_ids())


def test_reviews_are_isolated_in_their_named_graphs(store_path):
    load_paths([MINIMAL], store_path)
    with ReviewStore.open(store_path) as store:
        graphs = {q.graph_name for q in store.quads("test-review-2016")}
    assert graphs == {ox.NamedNode("https://w3id.org/casegraph/review/test-review-2016")}
