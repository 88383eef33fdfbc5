"""Backing up a store with analysts' decisions and restoring it: the restored store is the same store
(every quad of every graph, the catalog, the decisions' history, saved questions' answers); a bad
backup changes nothing; decisions restored before their reviews wait for them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from casegraph.graph import backup
from casegraph.graph.backup import BackupError
from casegraph.graph.loading import load_paths
from casegraph.graph.store import LINKS_GRAPH, ONTOLOGY_GRAPH, ReviewStore
from casegraph.linking import decisions as linking
from casegraph.linking.decisions import DECISIONS_GRAPH
from tests.linking.test_decisions import CARA_PAIR, LINKS, X_PAIR, adults_linked, at

FORMATS = ["trig", "nquads"]


def decide(store) -> None:
    """Real decisions with a history: accepted, overridden by another analyst, undone; and a rejection."""
    linking.accept(store, X_PAIR, analyst="alice", note="same car", when=at(0))
    linking.reject(store, X_PAIR, analyst="bob", note="ages differ", when=at(1))
    linking.undo(store, X_PAIR.id, analyst="bob", when=at(2))
    linking.reject(store, CARA_PAIR, analyst="alice", when=at(3))


def decided_store(directory: Path) -> Path:
    """A store of the tests/data/links reviews holding the decisions `decide` makes."""
    path = directory / "decided"
    assert not load_paths([LINKS], path).failed
    with ReviewStore.open(path, write=True) as store:
        decide(store)
    return path


@pytest.fixture
def decided(tmp_path):
    return decided_store(tmp_path)


def contents(path):
    """Every graph's quads, the reviews' catalog, the whole decision history and one saved question's
    answer. The ontology graph, which every store rebuilds from casegraph's own files (with blank
    nodes of its own), counts by its size."""
    with ReviewStore.open(path) as store:
        graphs = {g: set(store.graph_quads(g)) for g in store.graphs() if g != ONTOLOGY_GRAPH}
        graphs["ontology size"] = len(list(store.graph_quads(ONTOLOGY_GRAPH)))
        return graphs, store.catalog_entries(), linking.decisions(store), adults_linked(store)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_restored_store_is_the_same_store(decided, tmp_path, fmt):
    before = contents(decided)
    graphs, catalog, history, answer = before
    assert graphs[LINKS_GRAPH] and graphs[DECISIONS_GRAPH] and len(history) == 4
    with ReviewStore.open(decided) as store:
        written = backup.backup(store, tmp_path / "work.bak", fmt)
    assert written.quads_in(DECISIONS_GRAPH) == len(graphs[DECISIONS_GRAPH])

    restored = backup.restore(tmp_path / "restored", tmp_path / "work.bak", fmt)
    assert restored.reviews == ["link-a-2019", "link-b-2020", "link-c-2021"]
    assert contents(tmp_path / "restored") == before
    on_disk = [json.loads((p / "reviews.json").read_text())["reviews"] for p in (decided, tmp_path / "restored")]
    assert on_disk[0] == on_disk[1]  # source, loaded_at, triples and digest, as they were


def test_the_format_follows_the_file_name(decided, tmp_path):
    with ReviewStore.open(decided) as store:
        assert backup.backup(store, tmp_path / "work.nq").format_name == "nquads"
    assert backup.restore(tmp_path / "restored", tmp_path / "work.nq").format_name == "nquads"


def test_decisions_survive_reloading_a_restored_store(decided, tmp_path):
    with ReviewStore.open(decided) as store:
        backup.backup(store, tmp_path / "work.trig")
    backup.restore(tmp_path / "restored", tmp_path / "work.trig")
    assert not load_paths([LINKS], tmp_path / "restored").failed  # same files: same digests, graphs kept
    assert contents(tmp_path / "restored")[2:] == contents(decided)[2:]


def _cut(text: str) -> str:
    return text[: len(text) // 2]


def _drop_last_data_line(text: str) -> str:  # cut at a line end: still valid N-Quads, but short
    lines = text.splitlines(keepends=True)
    data = [i for i, line in enumerate(lines) if "casegraph/backup" not in line]
    return "".join(line for i, line in enumerate(lines) if i != data[-1])


BAD = {
    "truncated-mid-file": ("work.trig", _cut, "not a readable trig backup"),
    "a-data-line-missing": ("work.nq", _drop_last_data_line, "incomplete or altered"),
    "not-casegraphs": ("work.trig", lambda _: "<http://e/s> <http://e/p> <http://e/o> .\n", "not a casegraph backup"),
    "not-rdf": ("work.trig", lambda _: "reviews: [1, 2\n", "not a readable trig backup"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_backup_is_refused_and_restores_nothing(decided, tmp_path, name):
    file_name, spoil, message = BAD[name]
    with ReviewStore.open(decided) as store:
        backup.backup(store, tmp_path / file_name)
    bad = tmp_path / file_name
    bad.write_text(spoil(bad.read_text(encoding="utf-8")), encoding="utf-8")
    empty = tmp_path / "empty"
    with ReviewStore.open(empty, write=True):
        pass
    with pytest.raises(BackupError, match=message):
        backup.restore(empty, bad)
    with ReviewStore.open(empty) as store:
        assert [g for g in store.graphs() if g != ONTOLOGY_GRAPH] == []
        assert store.catalog_entries() == {}
    assert not (empty / "journal.json").exists()


def test_a_store_with_work_in_it_is_refused(decided, tmp_path):
    with ReviewStore.open(decided) as store:
        backup.backup(store, tmp_path / "work.trig")
    before = contents(decided)
    with pytest.raises(BackupError, match="is not empty"):
        backup.restore(decided, tmp_path / "work.trig")
    assert contents(decided) == before


def test_decisions_restored_before_their_reviews_wait_and_take_effect(decided, tmp_path):
    with ReviewStore.open(decided, write=True) as store:
        linking.undo(store, CARA_PAIR.id, analyst="alice", when=at(4))  # in force: alice's acceptance of X
        expected = adults_linked(store)
        for review_id in store.review_ids():
            store.remove(review_id)
        backup.backup(store, tmp_path / "decisions-only.trig")  # decisions and links, no reviews

    restored = tmp_path / "restored"
    backup.restore(restored, tmp_path / "decisions-only.trig")
    with ReviewStore.open(restored) as store:
        assert store.review_ids() == []
        assert [d.candidate_id for d in linking.stale_decisions(store)] == [X_PAIR.id]  # waiting
        assert adults_linked(store) == []
    assert not load_paths([LINKS], restored).failed
    with ReviewStore.open(restored) as store:
        assert linking.stale_decisions(store) == []
        assert adults_linked(store) == expected  # the link counts now its records are here
        assert len(linking.decisions(store)) == 5
