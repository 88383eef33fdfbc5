"""The command line end to end: each command on real files and a real store."""
from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from casegraph.cli import main
from tests.conftest import DATA, EXAMPLES, MINIMAL

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def loaded(runner, store_path):
    result = runner.invoke(main, ["load", str(EXAMPLES), str(MINIMAL), "--store", str(store_path)])
    assert result.exit_code == 0, result.output
    return store_path


def invoke(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def test_every_command_has_help_with_an_example(runner):
    for name, command in main.commands.items():
        result = invoke(runner, name, "--help")
        assert result.exit_code == 0
        assert command.help and ("Example" in result.output), name


def test_load_reports_counts(runner, store_path):
    result = invoke(runner, "load", MINIMAL, "--store", store_path)
    assert result.exit_code == 0
    assert "loaded 1 review(s)" in result.output


def test_validate_stores_nothing(runner, tmp_path, store_path):
    result = invoke(runner, "validate", EXAMPLES)
    assert result.exit_code == 0, result.output
    assert "checked" in result.output
    assert not store_path.exists()


def test_list_formats(runner, loaded):
    table = invoke(runner, "list", "--store", loaded)
    assert "test-review-2016" in table.output and "scr-30-2016" in table.output
    rows = list(csv.DictReader(io.StringIO(invoke(runner, "list", "--store", loaded, "--format", "csv").output)))
    by_id = {row["review"]: row for row in rows}
    assert by_id["test-review-2016"]["year"] == "2016"
    assert by_id["test-review-2016"]["title"] == "Test review: Child T"
    as_json = json.loads(invoke(runner, "list", "--store", loaded, "--format", "json").output)
    assert {r["review"] for r in as_json} == set(by_id)


def test_show_summary_and_rdf(runner, loaded):
    summary = invoke(runner, "show", "test-review-2016", "--store", loaded)
    assert summary.exit_code == 0
    assert "Test review: Child T" in summary.output and "young person" in summary.output
    turtle = invoke(runner, "show", "test-review-2016", "--store", loaded, "--format", "turtle")
    graph = rdflib.Graph().parse(data=turtle.output, format="turtle")
    assert (rdflib.URIRef("https://w3id.org/casegraph/review/test-review-2016/child-t"),
            rdflib.RDFS.label, rdflib.Literal("Child T")) in graph


def test_show_profile_matches_the_golden_file(runner, loaded):
    """The readable profile of the minimal review, whole. Only the last line, where and when the
    review was loaded, differs from run to run. To refresh after an intended change:
    CASEGRAPH_UPDATE_GOLDEN=1 pytest tests/commands/test_reviews_cli.py, then read the diff."""
    result = invoke(runner, "show", "test-review-2016", "--store", loaded)
    assert result.exit_code == 0, result.output
    *profile, last = result.output.rstrip("\n").split("\n")
    assert re.fullmatch(rf"Loaded from {re.escape(str(MINIMAL))} at \d{{4}}-\d\d-\d\dT[\d:]+\+00:00 "
                        r"\(\d+ triples\)", last), last
    found = "\n".join(profile) + "\n"
    golden = GOLDEN / "show-test-review-2016.txt"
    if os.environ.get("CASEGRAPH_UPDATE_GOLDEN"):
        golden.write_text(found, encoding="utf-8")
    assert found == golden.read_text(encoding="utf-8")
    assert "Entity" not in found and "\n      4  person" not in found  # the old summary's rows


def test_show_json_is_the_whole_profile(runner, loaded):
    result = invoke(runner, "show", "test-review-2016", "--store", loaded, "--format", "json")
    assert result.exit_code == 0, result.output
    profile = json.loads(result.output)
    assert (profile["title"], profile["year"], profile["kind"]["code"]) == ("Test review: Child T", 2016, "scr")
    assert [p["name"] for p in profile["people"]["young person"]] == ["Child T"]
    assert [i["id"] for i in profile["incidents"]] == ["inc-1", "inc-2"]
    assert sum(profile["records"].values()) == 17 and "Entity" not in profile["records"]


@pytest.fixture
def profile_store(runner, store_path):
    result = invoke(runner, "load", DATA / "profile", "--store", store_path)
    assert result.exit_code == 0, result.output
    return store_path


def test_show_cuts_long_lists_with_the_query_listing_them(runner, profile_store):
    output = invoke(runner, "show", "profile-2019", "--store", profile_store).output
    people = output.split("\nPeople (13)\n")[1].split("\n\n")[0].splitlines()
    assert people[0] == "  young person (12)" and len([p for p in people if p.startswith("    Young person")]) == 10
    more = people[11]
    assert more.startswith(f"    ... and 2 more (casegraph query sparql --review profile-2019 --store {profile_store} ")
    assert "'SELECT ?person ?name WHERE { ?person a cg:Person ; rdfs:label ?name } ORDER BY ?name')" in more
    incidents = output.split("\nIncidents (5)\n")[1].split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in incidents] == ["May", "early", "2016", "undated", "aged"]


def test_show_escapes_control_characters(runner, profile_store):
    """Names carry ESC (a screen clear, a window title) and a C1 CSI: shown, never sent as they are."""
    for fmt in ("table", "json"):
        output = invoke(runner, "show", "profile-2019", "--store", profile_store, "--format", fmt).output
        assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", output), fmt
    summary = invoke(runner, "show", "profile-2019", "--store", profile_store).output
    assert summary.startswith("profile-2019: Profile test \\x1b[2J(2019)\n")
    assert "Mr E\\x1b]0;pwned\\x07" in summary and "Flat \\x9b31m9" in summary
    profile = json.loads(invoke(runner, "show", "profile-2019", "--store", profile_store, "--format", "json").output)
    assert profile["places"][0]["name"] == "Flat \x9b31m9"  # the JSON still holds the value itself


def test_show_unknown_review_is_one_line_exit_2(runner, loaded):
    result = invoke(runner, "show", "test-review-2061", "--store", loaded)
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: no review 'test-review-2061'")
    assert "Traceback" not in result.output


def test_remove(runner, loaded):
    assert invoke(runner, "remove", "test-review-2016", "--store", loaded).exit_code == 0
    assert "test-review-2016" not in invoke(runner, "list", "--store", loaded).output


def test_stats_counts_by_class_harm_type_and_year(runner, store_path):
    invoke(runner, "load", MINIMAL, "--store", store_path)
    stats = json.loads(invoke(runner, "stats", "--store", store_path, "--format", "json").output)
    classes = {row["class"]: row["count"] for row in stats["records by class"]}
    # minimal.yaml: 4 people, of whom 1 young person; 2 incidents; 2 responses, 1 a case closure
    assert classes["person"] == 4 and classes["young person"] == 1
    assert classes["incident"] == 2 and classes["case closure"] == 1
    harm = {row["harm type"]: (row["reviews"], row["incidents"]) for row in stats["harm types"]}
    assert harm["Child exploitation via sexual abuse"] == (1, 1)
    assert stats["reviews by year"] == [{"year": 2016, "reviews": 1}]


def test_stats_table(runner, loaded):
    result = invoke(runner, "stats", "--store", loaded)
    assert result.exit_code == 0 and "reviews by year" in result.output


def test_export_to_file(runner, loaded, tmp_path):
    out = tmp_path / "all.trig"
    assert invoke(runner, "export", "--store", loaded, "--format", "trig", "-o", out).exit_code == 0
    dataset = rdflib.Dataset()
    dataset.parse(out, format="trig")
    assert len([g for g in dataset.graphs() if len(g)]) == len(list(EXAMPLES.glob("*.yaml"))) + 1


def test_schema_command_matches_published_file(runner):
    from tests.conftest import ROOT

    assert invoke(runner, "schema").output == (ROOT / "schema" / "review.schema.json").read_text(encoding="utf-8")


def test_generate_then_load(runner, tmp_path, store_path):
    out = tmp_path / "corpus"
    result = invoke(runner, "generate", "--reviews", 5, "--seed", 3, "--out", out)
    assert result.exit_code == 0, result.output
    loaded = invoke(runner, "load", out / "reviews", "--store", store_path)
    assert loaded.exit_code == 0, loaded.output
    assert "loaded 5 review(s)" in loaded.output


def test_progress_bar_on_a_terminal(runner, store_path, monkeypatch):
    monkeypatch.setattr("casegraph.commands.common.interactive", lambda: True)
    result = runner.invoke(main, ["load", str(EXAMPLES), "--store", str(store_path)])
    assert result.exit_code == 0
    files = len(list(EXAMPLES.glob("*.yaml")))
    assert result.output.startswith("\r\x1b[Kloading") and f"{files}/{files}" in result.output
    assert "loading" not in runner.invoke(main, ["list", "--store", str(store_path)]).output


def test_a_file_named_twice_loads_once(runner, store_path):
    result = invoke(runner, "load", MINIMAL, MINIMAL, "--store", store_path)
    assert result.exit_code == 0 and "loaded 1 review(s)" in result.output


def test_a_directory_without_reviews_is_a_usage_error(runner, tmp_path, store_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    result = invoke(runner, "load", tmp_path, "--store", store_path)
    assert result.exit_code == 2 and "no review files found" in result.output
