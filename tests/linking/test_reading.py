"""The records to link, assembled once per review and kept beside the store, are the records a
SPARQL reading of the whole store gives: on the bundled examples, the review/2, links and
linking test reviews and a generated corpus; kept when loaded, assembled on first read where
not, again where damaged, and joined by the analysts' links as they are now."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from casegraph.graph.loading import load_paths
from casegraph.graph.store import LINKS_GRAPH, ReviewStore
from casegraph.graph.view_files import VIEWS_DIR, part_file
from casegraph.linking import reading
from casegraph.linking.closure import components
from casegraph.linking.reading import link_records, part_name, record_part, records_bytes, records_from_bytes
from casegraph.linking.records import query_records
from casegraph.ontology import OWL
from tests.conftest import DATA, EXAMPLES, MINIMAL
from tests.linking.conftest import CORPUS


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    """A store loaded as `casegraph load` loads, its records kept as each review is converted."""
    from casegraph.synthetic import generate_corpus

    directory = tmp_path_factory.mktemp("reading")
    corpus = generate_corpus(directory / "corpus", 30, 5)
    report = load_paths([EXAMPLES, MINIMAL, DATA / "links", DATA / "review2", CORPUS, *corpus.review_paths],
                        directory / "store", derive=(record_part,), workers=2)
    assert not report.failed, [str(r.error) for r in report.failed]
    return directory / "store"


@pytest.fixture
def copy(loaded, tmp_path) -> Path:
    shutil.copytree(loaded, tmp_path / "store")
    return tmp_path / "store"


def _kept_files(store_path: Path) -> list[Path]:
    return sorted((store_path / VIEWS_DIR).glob(f"{part_name()}-*.json"))


def _query_instead(monkeypatch) -> list[int]:
    """Count the whole-store readings (SPARQL) link_records falls back on."""
    calls = []
    original = reading.query_records

    def counted(store):
        calls.append(1)
        return original(store)

    monkeypatch.setattr(reading, "query_records", counted)
    return calls


def test_loading_keeps_every_reviews_records(loaded):
    with ReviewStore.open(loaded) as store:
        digests = store.digests()
    assert {part_file(loaded, part_name(), digest) for digest in digests.values()} == set(_kept_files(loaded))


def test_kept_records_are_those_the_store_gives(loaded, monkeypatch):
    calls = _query_instead(monkeypatch)
    with ReviewStore.open(loaded) as store:
        kept = link_records(store)
        assert not calls  # every review's were kept
        expected = query_records(store)
    assert kept == expected
    assert len(kept) > 1000 and {r.root for r in kept} == {"Person", "Group", "Place", "Incident"}
    assert any(r.events for r in kept) and any(r.victims for r in kept) and any(r.outcome for r in kept)


def test_the_bytes_give_back_equal_records(loaded):
    with ReviewStore.open(loaded) as store:
        records = query_records(store)
    again = records_from_bytes(records_bytes(records))
    assert again == records
    assert [type(r.events) for r in again[:50]] == [frozenset] * 50
    assert records_bytes(again) == records_bytes(records)


def test_a_store_without_kept_records_has_them_assembled_once(copy, monkeypatch):
    for file in _kept_files(copy):
        file.unlink()
    calls = _query_instead(monkeypatch)
    with ReviewStore.open(copy) as store:
        first = link_records(store)
        assert len(calls) == 1  # all missing: one pass over the store
        assert len(_kept_files(copy)) == len(store.review_ids())
        assert link_records(store) == first
        assert len(calls) == 1  # then read as kept


def test_a_few_missing_or_damaged_are_assembled_from_their_own_quads(copy, monkeypatch):
    with ReviewStore.open(copy) as store:
        before = link_records(store)
    files = _kept_files(copy)
    files[0].unlink()
    files[1].write_bytes(b'[["not a record"]]')
    calls = _query_instead(monkeypatch)
    with ReviewStore.open(copy) as store:
        assert link_records(store) == before
    assert not calls
    assert files[0].exists() and files[1].read_bytes() != b'[["not a record"]]'


def test_an_incidents_victims_are_the_entities_links_make_them(copy):
    with ReviewStore.open(copy) as store:
        before = link_records(store)
    harmed = [r for r in before if r.victims]
    one, other = sorted({next(iter(harmed[0].victims)), next(iter(harmed[-1].victims))})
    assert one != other
    with ReviewStore.open(copy, write=True) as store:
        store.update(f"INSERT DATA {{ GRAPH <{LINKS_GRAPH}> {{ <{other}> <{OWL}sameAs> <{one}> }} }}",
                     reviews_untouched=True)
    with ReviewStore.open(copy) as store:
        after = link_records(store)
    entity = components([(one, other)])
    assert after == [r if not r.victims else
                     r.__class__(**{**r.__dict__, "victims": frozenset(entity.get(v, v) for v in r.victims)})
                     for r in before]
    assert [r for r in after if other in r.victims] == []


def test_reloading_a_changed_review_keeps_its_new_records_and_drops_the_old(copy, tmp_path):
    source = tmp_path / "changed.yaml"
    original = (EXAMPLES / "scr-30-2016.yaml").read_text(encoding="utf-8")
    assert original.count("\n  year: 2016\n") == 1
    source.write_text(original.replace("\n  year: 2016\n", "\n  year: 2017\n"), encoding="utf-8")
    with ReviewStore.open(copy) as store:
        old = store.digests()["scr-30-2016"]
    report = load_paths([source], copy, derive=(record_part,))
    assert not report.failed, [str(r.error) for r in report.failed]
    with ReviewStore.open(copy) as store:
        new = store.digests()["scr-30-2016"]
        records = [r for r in link_records(store) if r.review == "scr-30-2016"]
    assert new != old and not part_file(copy, part_name(), old).exists() and part_file(copy, part_name(), new).exists()
    assert records and {r.published for r in records} == {2017}
