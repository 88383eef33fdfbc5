"""`casegraph codes`: the code lists, one list's codes, the formats, and docs/codes.md kept current."""
from __future__ import annotations

import csv
import io
import json
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.commands.codes import MARKDOWN_COMMAND, field_uses
from casegraph.ontology.codebook import codebook, code_list
from tests.conftest import ROOT

CODES_DOC = ROOT / "docs" / "codes.md"


@pytest.fixture
def runner():
    return CliRunner()


def codes(runner, *args, columns: int = 100):
    return runner.invoke(main, ["codes", *args], env={"COLUMNS": str(columns)})


def test_without_a_scheme_it_lists_the_lists_with_their_fields(runner):
    result = codes(runner)
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines()[2:] if line and not line[0].isspace()}
    assert set(rows) == {found.id for found in codebook()}
    assert "review.harm_types" in rows["harm-type"] and "people.role" in rows["Person"]
    assert f" {len(code_list('Place').codes)} " in rows["Place"]


def test_one_scheme_prints_every_code_wrapped_with_narrower_codes_indented(runner):
    result = codes(runner, "harm-type", columns=60)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("harm-type: ")
    assert all(len(line) < 60 for line in lines)

    def indent(notation: str) -> int:
        line = next(line for line in lines if line.strip().startswith(notation + "  "))
        return len(line) - len(line.lstrip())

    assert indent("county-lines") > indent("criminal-exploitation")
    text = " ".join(result.output.split())
    for code in code_list("harm-type").codes:
        assert code.definition in text and all(note in text for note in code.scope_notes)


def test_a_class_list_is_named_by_its_root_in_any_case(runner):
    result = codes(runner, "place")
    assert result.exit_code == 0 and result.output.startswith("Place: ")
    assert "places.kind" in result.output


def test_json_gives_the_whole_structure(runner):
    result = codes(runner, "harm-type", "--format", "json")
    data = json.loads(result.output)
    assert data["id"] == "harm-type" and "review.harm_types" in data["fields"]
    by_code = {code["notation"]: code for code in data["codes"]}
    assert by_code["county-lines"]["broader"] == ["criminal-exploitation"] and by_code["county-lines"]["depth"] == 1
    assert {"label", "definition", "scope_notes", "alt_labels", "iri"} <= by_code["county-lines"].keys()
    everything = json.loads(codes(runner, "--format", "json").output)
    assert [found["id"] for found in everything] == [found.id for found in codebook()]
    assert all(found["codes"] for found in everything)


def test_csv_has_a_row_per_code(runner):
    rows = list(csv.DictReader(io.StringIO(codes(runner, "Place", "--format", "csv").output)))
    assert [row["notation"] for row in rows] == [code.notation for code in code_list("Place").codes]
    park = next(row for row in rows if row["notation"] == "park")
    assert park["broader"] == "public-space" and park["depth"] == "1" and park["definition"]
    overview = list(csv.DictReader(io.StringIO(codes(runner, "--format", "csv").output)))
    assert {row["list"] for row in overview} == {found.id for found in codebook()}


def test_an_unknown_scheme_is_a_usage_error_with_a_suggestion(runner):
    result = codes(runner, "harmtype")
    assert result.exit_code == 2
    assert "did you mean 'harm-type'" in result.output
    assert "relationship-kind" in result.output and "agency" in result.output


def test_markdown_goes_alone(runner):
    assert codes(runner, "--markdown", "--format", "json").exit_code == 2
    one = codes(runner, "gender", "--markdown")
    assert one.exit_code == 0 and "## `gender`" in one.output and "## `agency`" not in one.output


def test_docs_codes_md_is_current(runner):
    result = codes(runner, "--markdown")
    assert result.exit_code == 0, result.output
    current = CODES_DOC.read_text(encoding="utf-8") if CODES_DOC.exists() else ""
    assert result.output == current, f"docs/codes.md is out of date: regenerate it with `{MARKDOWN_COMMAND}`"


def test_every_list_a_field_names_exists():
    known = {found.id for found in codebook()}
    uses = field_uses()
    assert set(uses) <= known, f"review fields name code lists the ontology lacks: {sorted(set(uses) - known)}"
    assert uses["harm-type"][:1] == ("review.harm_types",) and "incidents.harm_types" in uses["harm-type"]
    assert uses["relationship-kind"] == ("relationships.kind",)


@pytest.mark.parametrize("attribute", ["section", "detail"])
def test_fields_of_nested_sections_are_found(monkeypatch, attribute):
    from casegraph.loaders import fields

    topic = SimpleNamespace(name="topic", kind="code", scheme="challenge-topic")
    deeper = SimpleNamespace(name="notes", fields=(topic,))
    nested = SimpleNamespace(name="steps", fields=(
        SimpleNamespace(name="kind", kind="code", scheme="response-kind"),
        SimpleNamespace(name="notes", kind="items", scheme=None, **{attribute: deeper})))
    outer = SimpleNamespace(name="plans", fields=(
        SimpleNamespace(name="agency", kind="code", scheme="agency"),
        SimpleNamespace(name="steps", kind="items", scheme=None, **{attribute: nested})))
    monkeypatch.setattr(fields, "ITEM_SECTIONS", (*fields.ITEM_SECTIONS, outer))
    uses = field_uses()
    assert "plans.steps.kind" in uses["response-kind"] and "plans.agency" in uses["agency"]
    assert "plans.steps.notes.topic" in uses["challenge-topic"]
