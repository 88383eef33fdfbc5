"""`casegraph patterns KIND`: each report's JSON against a golden file, tables and CSV, clear errors.

The store holds the hand-made corpus of tests/data/patterns with its analysts' links
(links.ru); tests/linking/test_patterns.py explains its rows. To refresh the golden files after
an intended change: CASEGRAPH_UPDATE_GOLDEN=1 pytest tests/commands/test_patterns_cli.py, then
read the diff.
"""
from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from casegraph.commands.patterns import patterns
from casegraph.graph.store import ReviewStore
from casegraph.graph.loading import load_paths
from casegraph.queries.sparql import run_update
from tests.conftest import DATA

CORPUS = DATA / "patterns"
GOLDEN = Path(__file__).parent / "golden"
R = "https://w3id.org/casegraph/review/"
RUNS = {
    "adults-linked": ["adults-linked"],
    "adults-linked-raw": ["adults-linked", "--raw"],
    "peer-groups": ["peer-groups"],
    "shared-places": ["shared-places"],
    "connections": ["connections", "--person", "pat-a-2018/amy", "--person", f"{R}pat-b-2019/ema"],
    "timeline": ["timeline", "--person", "pat-b-2019/amy-b"],
    "missed-links": ["missed-links"],
    "missed-links-raw": ["missed-links", "--raw"],
    "central-degree": ["central", "--limit", "5"],
    "central-betweenness": ["central", "--measure", "betweenness", "--limit", "5"],
}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("patterns") / "store"
    assert not load_paths([CORPUS], path).failed
    with ReviewStore.open(path, write=True) as opened:
        run_update(opened, (CORPUS / "links.ru").read_text(encoding="utf-8"))
    return path


def run(store: Path, *args: str):
    return CliRunner().invoke(patterns, [*args, "--store", str(store)])


@pytest.mark.parametrize("name", RUNS)
def test_json_matches_the_golden_file(store, name):
    result = run(store, *RUNS[name], "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    golden = GOLDEN / f"patterns-{name}.json"
    if os.environ.get("CASEGRAPH_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(json.dumps(found, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert found == json.loads(golden.read_text(encoding="utf-8"))


def test_every_kind_has_a_golden_file():
    from casegraph.analysis.patterns import KINDS

    assert {args[0] for args in RUNS.values()} == set(KINDS)


def test_table_shows_short_ids_and_joins_lists(store):
    result = run(store, "adults-linked")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["adult", "name", "kind", "youngPeople", "reviews", "incidents", "youngPeopleNames",
                                "reviewIds"]
    assert lines[2].split() == ["pat-a-2018/mr-k", "Mr", "K", "unconnected-adult", "3", "2", "4", "Amy;", "Ben;",
                                "Ema", "pat-a-2018;", "pat-b-2019"]


def test_csv_keeps_full_iris_and_empty_cells(store):
    result = run(store, "shared-places", "--format", "csv")
    assert list(csv.reader(io.StringIO(result.output))) == [
        ["place", "name", "kind", "platform", "reviews", "incidents", "records", "reviewIds"],
        ["", "Snapchat", "online-space", "Snapchat", "3", "3", "3", "pat-a-2018; pat-b-2019; pat-c-2020"],
        [f"{R}pat-a-2018/park", "Riverside Park", "park", "", "2", "3", "2", "pat-a-2018; pat-b-2019"]]


def test_unknown_person_names_it_with_a_close_match_and_exits_2(store):
    result = run(store, "timeline", "--person", "pat-a-2018/amie")
    assert result.exit_code == 2
    assert result.output.strip() == ("error: no person 'pat-a-2018/amie' in the stored reviews; did you mean "
                                     "'pat-a-2018/amy'? Give a record IRI or review-id/item-id.")


@pytest.mark.parametrize("args,message", [
    (["connections", "--person", "pat-a-2018/amy"], "connections needs two or more people, got 1"),
    (["timeline"], "timeline needs exactly one person, got 0"),
    (["peer-groups", "--person", "pat-a-2018/amy"], "people are chosen only for connections and timeline"),
    (["shared-places", "--measure", "betweenness"], "a measure applies only to central"),
    (["missed-links", "--limit", "2"], "a limit applies only to central and connections"),
])
def test_options_that_do_not_apply_are_errors(store, args, message):
    result = run(store, *args)
    assert result.exit_code == 3 and message in result.output


def test_unknown_kind_is_a_usage_error(store):
    result = run(store, "adult-linked")
    assert result.exit_code == 2 and "'adult-linked' is not one of" in result.output


def test_help_lists_the_kinds_with_examples():
    result = CliRunner().invoke(patterns, ["--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "casegraph patterns timeline --person" in result.output
    from casegraph.analysis.patterns import KINDS

    assert all(kind in result.output for kind in KINDS)
