"""`casegraph backup`, `casegraph restore`, `export --with-decisions` and `link list --stale`, through
the command line: what an analyst types to keep their decisions safe and move them."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.graph.store import ReviewStore
from tests.graph.test_backup import decided_store
from tests.linking.test_decisions import CARA_PAIR, LINKS, OWL_SAME_AS, X_PAIR

DECISION = "https://w3id.org/casegraph/ontology#LinkDecision"


def cli(*args: str, code: int = 0):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def decided(tmp_path):
    return str(decided_store(tmp_path))


@pytest.mark.parametrize("name", ["work.trig", "work.nq"])
def test_backup_then_restore_gives_the_same_decisions_and_answers(decided, tmp_path, name):
    out = str(tmp_path / name)
    assert "3 review(s), 1 link(s)" in cli("backup", out, "--store", decided).output
    restored = str(tmp_path / "restored")
    assert "restored 3 review(s)" in cli("restore", out, "--store", restored).output
    for command in (["link", "list", "--all", "--format", "json"], ["list", "--format", "json"],
                    ["query", "run", "adults-linked-to-young-people", "--format", "json"],
                    ["query", "run", "records-by-class", "--format", "json"]):
        assert cli(*command, "--store", restored).output == cli(*command, "--store", decided).output


def test_restore_refuses_a_store_with_work_and_a_bad_file(decided, tmp_path):
    out = tmp_path / "work.trig"
    cli("backup", str(out), "--store", decided)
    assert "is not empty" in cli("restore", str(out), "--store", decided, code=3).output
    out.write_bytes(out.read_bytes()[:-200])
    result = cli("restore", str(out), "--store", str(tmp_path / "new"), code=3)
    assert "nothing was restored" in result.output
    assert not (tmp_path / "new").exists()  # the file is checked whole before the store is made


def test_export_with_decisions_keeps_links_and_decisions(decided):
    plain = cli("export", "--format", "nquads", "--store", decided).output
    full = cli("export", "--format", "nquads", "--with-decisions", "--store", decided).output
    assert OWL_SAME_AS not in plain and DECISION not in plain
    assert full.count(f"<{OWL_SAME_AS}>") == 1 and full.count(f"<{DECISION}>") == 4
    assert set(plain.splitlines()) < set(full.splitlines())


def test_link_list_stale_shows_decisions_waiting_for_their_reviews(decided, tmp_path):
    with ReviewStore.open(decided, write=True) as store:
        for review_id in store.review_ids():
            store.remove(review_id)
    out = str(tmp_path / "decisions.trig")
    cli("backup", out, "--store", decided)
    restored = str(tmp_path / "restored")
    cli("restore", out, "--store", restored)
    waiting = json.loads(cli("link", "list", "--stale", "--format", "json", "--store", restored).output)
    assert sorted(row["id"] for row in waiting) == sorted([X_PAIR.id, CARA_PAIR.id])
    assert all(row["missing"] for row in waiting)
    cli("load", str(LINKS), "--store", restored)
    assert json.loads(cli("link", "list", "--stale", "--format", "json", "--store", restored).output) == []
