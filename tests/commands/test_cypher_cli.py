"""`casegraph query cypher` and `query run --engine cypher`: bound parameters, read-only, clear errors."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from casegraph.cli import main
from tests.conftest import EXAMPLES, MINIMAL


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("cypher-cli") / "store"
    assert CliRunner().invoke(main, ["load", str(EXAMPLES), str(MINIMAL), "--store", str(path)]).exit_code == 0
    return path


def cypher(store, *args):
    return CliRunner().invoke(main, ["query", "cypher", *map(str, args), "--store", str(store)])


def rows(result):
    return list(csv.DictReader(io.StringIO(result.output)))


def test_multi_label_match_and_csv_off_a_terminal(store):
    result = cypher(store, "MATCH (p:Person:YoungPerson {review: $review}) RETURN p.label AS name",
                    "--param", "review=test-review-2016")
    assert result.exit_code == 0, result.output
    assert rows(result) == [{"name": "Child T"}]


@pytest.mark.parametrize("hostile", ["Child T' }) DETACH DELETE p //", '") MATCH (n) DETACH DELETE n //'])
def test_a_parameter_carrying_cypher_stays_a_value(store, hostile):
    before = rows(cypher(store, "MATCH (n) RETURN count(n) AS n"))
    result = cypher(store, "MATCH (p {label: $name}) RETURN p.label AS name", "--param", f"name={hostile}")
    assert result.exit_code == 0 and rows(result) == []
    assert json.loads(cypher(store, "RETURN $v AS v", "--param", f"v={hostile}", "--format", "json").output) == [
        {"v": hostile}]
    assert rows(cypher(store, "MATCH (n) RETURN count(n) AS n")) == before


def test_writes_need_allow_update(store):
    result = cypher(store, "MATCH (n:Review) SET n.label = 'x'")
    assert result.exit_code == 3 and "--allow-update" in result.output
    assert "Traceback" not in result.output


def test_a_property_called_set_is_not_a_write(store):
    assert cypher(store, "MATCH (n:Review) RETURN n.set AS s LIMIT 1").exit_code == 0


def test_syntax_error_shows_the_engines_message_without_traceback(store):
    result = cypher(store, "MATCH (n RETURN n")
    assert result.exit_code == 3
    assert "Cypher syntax error at line 1, column 10" in result.output and "Traceback" not in result.output


def test_nodes_print_as_their_iri_in_tables_and_whole_in_json(store):
    query = "MATCH (p:YoungPerson {review: 'test-review-2016'}) RETURN p"
    assert rows(cypher(store, query)) == [{"p": "https://w3id.org/casegraph/review/test-review-2016/child-t"}]
    [row] = json.loads(cypher(store, query, "--format", "json").output)
    assert row["p"]["labels"] == ["Person", "Record", "YoungPerson"]


def test_query_from_a_file(store, tmp_path):
    path = tmp_path / "q.cypher"
    path.write_text("MATCH (r:Review {identifier: 'scr-49-2013'})\nRETURN r.publicationYear AS year\n")
    assert rows(cypher(store, path)) == [{"year": "2013"}]


def test_saved_question_runs_on_the_embedded_engine(store):
    result = CliRunner().invoke(main, ["query", "run", "reviews-per-year", "--engine", "cypher", "--store", str(store)])
    assert result.exit_code == 0, result.output
    sparql = CliRunner().invoke(main, ["query", "run", "reviews-per-year", "--store", str(store)])
    assert rows(result) == rows(sparql)


def test_query_list_says_which_questions_have_a_cypher_form():
    result = CliRunner().invoke(main, ["query", "list", "--format", "csv"])
    assert {r["name"]: r["cypher"] for r in rows(result)}["reviews-per-year"] == "yes"


def test_neo4j_unreachable_is_one_clear_line(store, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "not-this-one")
    result = cypher(store, "RETURN 1", "--neo4j", "--uri", "bolt://127.0.0.1:9")
    assert result.exit_code == 3
    assert len(result.output.strip().splitlines()) == 1 and "127.0.0.1:9" in result.output
    assert "not-this-one" not in result.output and "Traceback" not in result.output


def readme_cypher_commands() -> list[list[str]]:
    import shlex

    from tests.conftest import ROOT

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [line.split("   #")[0] for line in text.splitlines()
             if line.startswith("casegraph query ") and "--neo4j" not in line and "neo4j" not in line.split("#")[0]
             and ("cypher" in line)]
    return [shlex.split(line)[1:] for line in lines]


@pytest.mark.parametrize("args", readme_cypher_commands(), ids=lambda args: " ".join(args)[:60])
def test_the_readmes_cypher_examples_run_on_the_embedded_engine(store, args):
    result = CliRunner().invoke(main, [*args, "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) > 1  # a header and at least one row


def test_push_then_query_on_neo4j_from_the_command_line(store, empty_neo4j):
    pushed = CliRunner().invoke(main, ["push", "neo4j", "--store", str(store)])
    assert pushed.exit_code == 0, pushed.output
    assert "pushed" in pushed.output and "0 nodes and 0 relationships removed" in pushed.output
    query = "MATCH (p:Person:YoungPerson {review: $review}) RETURN p.label AS name"
    on_neo4j = cypher(store, query, "--param", "review=test-review-2016", "--neo4j")
    assert on_neo4j.exit_code == 0, on_neo4j.output
    assert rows(on_neo4j) == rows(cypher(store, query, "--param", "review=test-review-2016")) == [{"name": "Child T"}]
    saved = CliRunner().invoke(main, ["query", "run", "harm-types", "--engine", "neo4j", "--store", str(store)])
    assert rows(saved) == rows(CliRunner().invoke(main, ["query", "run", "harm-types", "--store", str(store)]))
    refused = cypher(store, "MATCH (n) DETACH DELETE n", "--neo4j")
    assert refused.exit_code == 3 and "--allow-update" in refused.output
    again = CliRunner().invoke(main, ["push", "neo4j", "--store", str(store)])
    assert "0 nodes and 0 relationships created" in again.output


def test_wrong_neo4j_password_is_one_clear_line(store, driver, monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "certainly-wrong")
    result = CliRunner().invoke(main, ["push", "neo4j", "--store", str(store)])
    assert result.exit_code == 3
    assert len(result.output.strip().splitlines()) == 1 and "certainly-wrong" not in result.output
    assert "NEO4J_PASSWORD" in result.output
