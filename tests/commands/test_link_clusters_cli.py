"""`casegraph link clusters`, `accept-cluster`, `split`, `undo-cluster` and `check` end to end on
a real store, with the matcher's output fixed as in test_link_cli (the `matcher` fixture)."""
from __future__ import annotations

import json

from tests.commands import test_link_cli as base
from tests.commands.test_link_cli import ADULT_X, CARA, MR_EX, current, ok, run

matcher, store_dir = base.matcher, base.store_dir  # that module's fixtures, used here too


def cluster_ids(store_dir, *options) -> dict[frozenset, str]:
    return {frozenset(c["records"][i]["iri"] for i in range(c["size"])): c["id"]
            for c in json.loads(ok(store_dir, "clusters", "--format", "json", *options))}


def test_clusters_are_listed_with_their_records_weakest_link_and_status(store_dir, matcher):
    table = ok(store_dir, "clusters")
    assert table.splitlines()[0].split() == ["id", "size", "reviews", "records", "weakest", "weakest", "score",
                                             "status"]
    ids = cluster_ids(store_dir)
    assert set(ids) == {frozenset((MR_EX, ADULT_X)), frozenset((CARA, matcher.cara.right)),
                        frozenset((matcher.flat.left, matcher.flat.right))}
    assert all(i.startswith("k") for i in ids.values())
    assert "link-b-2020/mr-ex link-c-2021/adult-x" in table and matcher.x.id in table
    rows = ok(store_dir, "clusters", "--format", "csv").splitlines()
    assert rows[0] == "id,size,reviews,records,weakest,weakest score,status" and len(rows) == 4


def test_accept_cluster_then_undo_cluster_in_one_step(store_dir, matcher):
    cid = cluster_ids(store_dir)[frozenset((MR_EX, ADULT_X))]
    out = ok(store_dir, "accept-cluster", cid, "--note", "same adult")
    assert f"accepted cluster {cid}" in out and "undo all of it with: casegraph link undo-cluster b" in out
    assert current(store_dir) == [(matcher.x.id, "accepted", "alice")]
    assert cid not in ok(store_dir, "clusters") and cid in ok(store_dir, "clusters", "--all")
    batch = out.rsplit("undo-cluster ", 1)[1].strip()
    assert "undid batch" in ok(store_dir, "undo-cluster", batch)
    assert current(store_dir) == []
    result = run(store_dir, "undo-cluster", batch)
    assert result.exit_code == 3 and "already undone" in result.output


def test_split_and_check(store_dir, matcher):
    cid = cluster_ids(store_dir)[frozenset((MR_EX, ADULT_X))]
    assert "split cluster" in ok(store_dir, "split", cid, "--part", "link-c-2021/adult-x")
    assert current(store_dir) == [(matcher.x.id, "rejected", "alice")]
    assert ok(store_dir, "check").splitlines()[0].split()[:3] == ["rejected", "left", "right"]


def test_check_exits_1_on_a_contradiction(store_dir, matcher):
    from casegraph.graph.store import ReviewStore
    from casegraph.linking import decisions

    with ReviewStore.open(store_dir, write=True) as store:  # Mr EX = Cara and Mr EX = Cara C, but Cara != Cara C
        decisions.reject(store, matcher.cara, analyst="alice")
        fake = type(matcher.x)(**{**matcher.x.__dict__, "id": "c0000000001", "left": MR_EX, "right": CARA})
        decisions.accept(store, fake, analyst="alice")
        decisions.accept(store, type(fake)(**{**fake.__dict__, "id": "c0000000002", "right": matcher.cara.right}),
                         analyst="bob", force=True)
    result = run(store_dir, "check", "--format", "json")
    assert result.exit_code == 1, result.output
    (found,) = json.loads(result.output)
    assert found["rejected"] == matcher.cara.id and found["accepted"]


def test_an_unknown_cluster_is_a_usage_error(store_dir, matcher):
    result = run(store_dir, "accept-cluster", "k0000000000")
    assert result.exit_code == 2 and "no cluster 'k0000000000'" in result.output
