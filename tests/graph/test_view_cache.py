"""Each review's part of the view, kept beside the store: derived once, read back whole, the same
as the view derived from the store's quads, and gone with its review."""
from __future__ import annotations

import shutil

import pytest

from casegraph.graph.loading import load_paths
from casegraph.graph.store import ReviewStore
from casegraph.graph.view import build_view, review_fragment
from casegraph.graph.view_cache import fragment_bytes, fragment_from_bytes, fragments, view_of_store
from casegraph.graph.view_files import VIEWS_DIR
from tests.conftest import EXAMPLES, MINIMAL
from tests.loaders.test_review2 import EVERY, OTHER


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("views") / "store"
    load_paths([EXAMPLES, MINIMAL, EVERY, OTHER], path)
    return path


def _same(a, b) -> None:
    assert list(a.nodes) == list(b.nodes) and a.nodes == b.nodes
    assert a.relationships == b.relationships
    assert [r.properties for r in a.relationships] == [r.properties for r in b.relationships]


def test_each_review_loaded_has_its_fragment_and_the_view_is_the_one_from_the_quads(store):
    with ReviewStore.open(store) as opened:
        assert len(list((store / VIEWS_DIR).glob("*.json"))) == len(opened.review_ids())
        _same(view_of_store(opened), build_view(opened.review_quads()))
        chosen = ["other-review-2022", "scr-30-2016"]  # one of two reviews telling one event, and another
        _same(view_of_store(opened, reviews=chosen), build_view(opened.review_quads(chosen)))


def test_a_fragment_read_back_is_the_fragment_derived_from_the_store(store):
    with ReviewStore.open(store) as opened:
        for review in opened.review_ids():
            derived = review_fragment(opened.review_quads([review], links=False))
            kept = fragments(opened, [review])[0]
            assert kept == derived and fragment_from_bytes(fragment_bytes(derived)) == derived
            assert [r.properties for r in kept.relationships] == [r.properties for r in derived.relationships]
        assert fragments(opened, []) == []


def test_a_store_without_fragments_gets_them_on_first_read(tmp_path, store):
    copy = tmp_path / "copy"
    shutil.copytree(store, copy, ignore=shutil.ignore_patterns(VIEWS_DIR, "cypher"))
    with ReviewStore.open(copy) as opened:
        view = view_of_store(opened)
        _same(view, build_view(opened.review_quads()))
        assert len(list((copy / VIEWS_DIR).glob("*.json"))) == len(opened.review_ids())


def test_a_removed_or_replaced_review_takes_its_fragment_with_it(tmp_path):
    path = tmp_path / "store"
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    shutil.copy(MINIMAL, reviews)
    load_paths([reviews, EXAMPLES / "scr-30-2016.yaml"], path)
    before = {p.name for p in (path / VIEWS_DIR).glob("*")}
    (reviews / MINIMAL.name).write_text(MINIMAL.read_text(encoding="utf-8").replace("Child T", "Child Tee"),
                                        encoding="utf-8")
    load_paths([reviews], path)
    after = {p.name for p in (path / VIEWS_DIR).glob("*")}
    assert len(after) == 2 and len(after & before) == 1  # the edited review's old fragment is gone
    with ReviewStore.open(path, write=True) as opened:
        opened.remove("scr-30-2016")
    with ReviewStore.open(path) as opened:
        assert len(list((path / VIEWS_DIR).glob("*"))) == 1
        assert all("Child T" != n.properties.get("label") for n in view_of_store(opened).nodes.values())


@pytest.mark.parametrize("damage", [b"", b"{not json", b'{"review": "x"}', b"[1, 2]"], ids=["empty", "broken", "short", "list"])
def test_a_damaged_fragment_is_derived_again(tmp_path, store, damage):
    copy = tmp_path / "copy"
    shutil.copytree(store, copy, ignore=shutil.ignore_patterns("cypher"))
    victim = sorted((copy / VIEWS_DIR).glob("*.json"))[0]
    victim.write_bytes(damage)
    with ReviewStore.open(copy) as opened:
        _same(view_of_store(opened), build_view(opened.review_quads()))
    assert victim.read_bytes() not in (damage,) and fragment_from_bytes(victim.read_bytes())
