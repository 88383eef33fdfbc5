"""The store keeps each review's connections in line with what its graph states: when a store
written before they were derived is opened, after a SPARQL update and after a restore."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from casegraph.graph.backup import BACKUP, backup, restore
from casegraph.graph.durability import CATALOG_FILE, DATABASE_DIR
from casegraph.graph.loading import load_paths
from casegraph.graph.store import ReviewStore
from casegraph.ontology import CG, review_iri
from casegraph.ontology.connections import CONNECTED_THROUGH
from casegraph.queries.sparql import run_update
from tests.conftest import EXAMPLES

SCR_30 = review_iri("scr-30-2016")
HELD = f"SELECT ?g ?a ?b WHERE {{ GRAPH ?g {{ ?a <{CONNECTED_THROUGH}> ?b }} }}"


def _connections(path: Path) -> set[tuple[str, ...]]:
    with ReviewStore.open(path) as store:
        return {tuple(t.value for t in row) for row in store.query(HELD)}


def _digests(path: Path) -> dict:
    with ReviewStore.open(path) as store:
        return store.digests()


def _as_written_before_connections(path: Path) -> None:
    """Make a store what an older casegraph left: no connections, and a catalog that does not say
    which rules derived it."""
    database = ox.Store(str(path / DATABASE_DIR))
    for quad in list(database.quads_for_pattern(None, ox.NamedNode(CONNECTED_THROUGH), None)):
        database.remove(quad)
    database.flush()
    del database
    catalog = json.loads((path / CATALOG_FILE).read_text(encoding="utf-8"))
    del catalog["connections"]
    (path / CATALOG_FILE).write_text(json.dumps(catalog), encoding="utf-8")


def test_a_store_written_before_connections_gets_them_on_first_read(tmp_path):
    fresh, old = tmp_path / "fresh", tmp_path / "old"
    for path in (fresh, old):
        assert not load_paths([EXAMPLES], path).failed
    expected, digests = _connections(fresh), _digests(fresh)
    assert len(expected) > 40
    _as_written_before_connections(old)
    assert _connections(old) == expected
    # each review's digest is its file's again, so loading the files again replaces nothing
    assert _digests(old) == digests


def test_a_sparql_update_that_adds_or_removes_a_relationship_changes_the_connections(tmp_path):
    path = tmp_path / "store"
    assert not load_paths([EXAMPLES / "scr-30-2016.yaml"], path).failed
    friend = (SCR_30, f"{SCR_30}/child-m", f"{SCR_30}/new-friend")
    assert friend not in _connections(path)
    statement = f"GRAPH <{SCR_30}> {{ <{friend[2]}> a <{CG}UnconnectedAdult> . <{friend[1]}> <{CG}friendOf> <{friend[2]}> }}"
    with ReviewStore.open(path, write=True) as store:
        run_update(store, f"INSERT DATA {{ {statement} }}")
    assert friend in _connections(path)
    with ReviewStore.open(path, write=True) as store:
        run_update(store, f"DELETE DATA {{ {statement} }}")
    assert friend not in _connections(path)
    assert len(_connections(path)) == 4


def _without_connections(backup_path: Path) -> None:
    """Make a backup what an older casegraph wrote: no connections, and counts that say so."""
    quads = list(ox.parse(path=str(backup_path), format=ox.RdfFormat.N_QUADS))
    dropped = Counter(q.graph_name.value for q in quads if q.predicate.value == CONNECTED_THROUGH)
    kept = []
    for quad in quads:
        if quad.predicate.value == CONNECTED_THROUGH:
            continue
        if quad.predicate.value == BACKUP + "quads" and quad.subject.value in dropped:
            count = int(quad.object.value) - dropped[quad.subject.value]
            quad = ox.Quad(quad.subject, quad.predicate, ox.Literal(str(count), datatype=quad.object.datatype),
                           quad.graph_name)
        kept.append(quad)
    backup_path.write_bytes(ox.serialize(kept, format=ox.RdfFormat.N_QUADS))


def test_a_restored_backup_written_before_connections_holds_them(tmp_path):
    stored, restored = tmp_path / "stored", tmp_path / "restored"
    assert not load_paths([EXAMPLES / "scr-30-2016.yaml"], stored).failed
    expected = _connections(stored)
    with ReviewStore.open(stored) as store:
        backup(store, tmp_path / "old.nq")
    _without_connections(tmp_path / "old.nq")
    restore(restored, tmp_path / "old.nq")
    assert len(expected) == 4 and _connections(restored) == expected
