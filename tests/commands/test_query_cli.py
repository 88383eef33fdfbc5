"""`casegraph query`: ad hoc SPARQL with bound parameters, read-only by default, clear errors."""
from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.graph.store import ReviewStore
from tests.conftest import EXAMPLES, MINIMAL


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("query") / "store"
    result = CliRunner().invoke(main, ["load", str(EXAMPLES), str(MINIMAL), "--store", str(path)])
    assert result.exit_code == 0
    return path


def run(store, *args):
    return CliRunner().invoke(main, ["query", *map(str, args), "--store", str(store)])


def rows(result):
    return list(csv.DictReader(io.StringIO(result.output)))


LABEL = "SELECT ?p ?name WHERE { ?p rdfs:label ?name }"


def test_prefixes_are_predeclared_and_csv_is_the_default_off_a_terminal(store):
    result = run(store, "sparql", "SELECT (COUNT(?r) AS ?n) WHERE { ?r a cg:Review }")
    assert result.exit_code == 0
    assert rows(result) == [{"n": "24"}]  # 23 examples + minimal.yaml


def test_iri_parameter_is_bound(store):
    result = run(store, "sparql", LABEL, "--param", "p=<scr-30-2016/child-m>")
    assert rows(result) == [{"p": "https://w3id.org/casegraph/review/scr-30-2016/child-m", "name": "Child M"}]


@pytest.mark.parametrize("hostile", ['"} ; DROP ALL ; {', "Child M\" } UNION { ?p ?q ?name", "<x> } #", "'{}'"])
def test_hostile_parameter_values_stay_plain_values(store, hostile):
    with ReviewStore.open(store) as opened:
        before = len(opened.review_ids())
    result = run(store, "sparql", LABEL, "--param", f"name={hostile}")
    assert result.exit_code == 0 and rows(result) == []
    with ReviewStore.open(store) as opened:
        assert len(opened.review_ids()) == before


def test_string_parameter_matches_exactly(store):
    assert [r["name"] for r in rows(run(store, "sparql", LABEL, "--param", "name=Child M"))] == ["Child M"]


def test_review_option_restricts_to_one_graph(store):
    result = run(store, "sparql", "SELECT ?p WHERE { ?p a cg:YoungPerson }", "--review", "test-review-2016")
    assert rows(result) == [{"p": "https://w3id.org/casegraph/review/test-review-2016/child-t"}]


def test_formats(store):
    query = "SELECT ?r WHERE { ?r a cg:Review } ORDER BY ?r LIMIT 2"
    assert json.loads(run(store, "sparql", query, "--format", "json").output)[0]["r"].startswith("https://")
    assert run(store, "sparql", query, "--format", "table").output.splitlines()[2].startswith("review:")
    assert run(store, "sparql", query, "--format", "tsv").output.splitlines()[0] == "r"
    assert run(store, "sparql", "ASK { ?r a cg:Review }").output.strip() == "true"


def test_query_from_a_file(store, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("SELECT ?year WHERE {\n  ?r a cg:Review ; cg:identifier 'scr-49-2013' ; cg:publicationYear ?year\n}\n")
    assert rows(run(store, "sparql", path)) == [{"year": "2013"}]


def test_syntax_error_names_line_and_column_without_traceback(store):
    result = run(store, "sparql", "SELECT ?x\nWHERE {\n  ?x ?y\n}")
    assert result.exit_code == 3
    assert "SPARQL syntax error: line 4, column" in result.output and "Traceback" not in result.output


def test_update_refused_without_allow_update_and_applied_with_it(tmp_path):
    store = tmp_path / "store"
    CliRunner().invoke(main, ["load", str(MINIMAL), "--store", str(store)])
    update = "DELETE WHERE { GRAPH ?g { ?p rdfs:label 'Child T' } }"
    refused = run(store, "sparql", update)
    assert refused.exit_code == 3 and "--allow-update" in refused.output
    assert rows(run(store, "sparql", LABEL, "--param", "name=Child T")) != []
    assert run(store, "sparql", update, "--allow-update").exit_code == 0
    assert rows(run(store, "sparql", LABEL, "--param", "name=Child T")) == []


@pytest.mark.parametrize("query, message", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "does not run SERVICE"),
    ("SELECT * FROM <https://w3id.org/casegraph/review/scr-30-2016> WHERE { ?s ?p ?o }", "FROM"),
])
def test_queries_reaching_outside_the_store_are_refused(store, query, message):
    result = run(store, "sparql", query)
    assert result.exit_code == 3 and message in result.output


def test_binding_a_variable_the_query_does_not_select_is_explained(store):
    result = run(store, "sparql", "SELECT ?name WHERE { ?p rdfs:label ?name }", "--param", "p=<scr-30-2016/child-m>")
    assert result.exit_code == 3 and "add ?p to the SELECT clause" in result.output


def test_unknown_saved_query_lists_known_ones(store):
    result = run(store, "run", "reviews-per-yaer")
    assert result.exit_code == 2 and "known:" in result.output


def test_query_list_shows_descriptions():
    result = CliRunner().invoke(main, ["query", "list"])
    assert result.exit_code == 0 and "name" in result.output.splitlines()[0]


def test_review_option_keeps_labels_and_codes_joinable(store):
    query = "SELECT ?label WHERE { ?r a cg:Review ; cg:harmType ?h . ?h skos:prefLabel ?label }"
    result = run(store, "sparql", query, "--review", "test-review-2016")
    assert sorted(r["label"] for r in rows(result)) == ["Child exploitation via sexual abuse", "Peer-on-peer abuse"]


def test_review_option_applies_to_named_graph_patterns(store):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a cg:Review } }"
    assert rows(run(store, "sparql", query, "--review", "scr-49-2013")) == [
        {"g": "https://w3id.org/casegraph/review/scr-49-2013"}]
