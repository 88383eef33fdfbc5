"""The Python API (`casegraph.open`): what a notebook user gets back, and that it is the CLI's work."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

import casegraph
from casegraph.cli import main
from casegraph.errors import QueryError
from tests.conftest import DATA, EXAMPLES, MINIMAL

SYNTHETIC = EXAMPLES.parent / "synthetic"


@pytest.fixture(scope="module")
def cg(tmp_path_factory):
    opened = casegraph.open(tmp_path_factory.mktemp("api") / "store")
    opened.load([EXAMPLES, SYNTHETIC])
    yield opened
    opened.close()


def test_the_package_exports_the_api():
    assert set(casegraph.__all__) >= {"open", "Casegraph", "Result", "LoadFailed", "CasegraphError"}
    assert isinstance(casegraph.open(), casegraph.Casegraph)


def test_rows_are_plain_python_values(cg):
    years = cg.query("reviews-per-year")
    assert years.columns == ["year", "reviews"]
    assert all(type(row["year"]) is int and type(row["reviews"]) is int for row in years)
    assert sum(row["reviews"] for row in years) == len(cg.reviews())
    incidents = cg.query("incidents-of-young-person", person="scr-49-2013/christine").rows
    assert incidents and incidents[0]["person"] == "scr-49-2013/christine"  # a record as its short id
    assert {type(row["date"]) for row in incidents if row["date"] is not None} == {dt.date}
    harm = cg.query("harm-types").rows
    assert all(row["harmType"].startswith("code:harm-type/") for row in harm)


def test_ask_and_construct(cg):
    assert cg.query("ASK { ?r a cg:Review }").boolean is True
    triples = cg.query("CONSTRUCT { ?r rdfs:label ?t } WHERE { ?r a cg:Review ; rdfs:label ?t }")
    assert triples.columns == ["subject", "predicate", "object"] and len(triples) == len(cg.reviews())


def test_parameters_are_bound_never_pasted(cg):
    text = "SELECT ?name WHERE { ?p rdfs:label ?name }"
    hostile = '" } ; DROP ALL ; SELECT * { "'
    assert cg.query(text, name=hostile).rows == []  # a value, matching no label; not a second query
    assert cg.query(text, name="Christine").rows == [{"name": "Christine"}]
    assert cg.query("SELECT ?p ?name WHERE { ?p rdfs:label ?name }", p="<scr-49-2013/christine>").rows == [
        {"p": "scr-49-2013/christine", "name": "Christine"}]


def test_to_pandas_keeps_column_order_and_types(cg):
    frame = cg.query("harm-types").to_pandas()
    assert list(frame.columns) == cg.query("harm-types").columns
    assert frame["incidents"].dtype.kind == "i"


def test_saved_questions_agree_across_engines(cg):
    for name in ("reviews-per-year", "harm-types"):
        assert cg.query(name, engine="cypher").rows == cg.query(name).rows, name


def test_cypher_takes_parameters(cg):
    rows = cg.cypher("MATCH (p:YoungPerson {review: $review}) RETURN p.label AS name", review="scr-49-2013").rows
    assert rows == [{"name": "Christine"}]


def test_cypher_only_for_saved_questions_with_a_twin(cg):
    with pytest.raises(QueryError, match="not a saved question with a Cypher form"):
        cg.query("SELECT * { ?s ?p ?o }", engine="cypher")
    with pytest.raises(QueryError, match="use one of"):
        cg.query("reviews-per-year", engine="gremlin")


def test_rdflib_dataset_is_the_store_read_only(cg):
    import rdflib

    dataset = cg.rdflib()
    review = rdflib.URIRef("https://w3id.org/casegraph/ontology#Review")
    assert len(set(dataset.subjects(rdflib.RDF.type, review))) == len(cg.reviews())
    found = dataset.query("SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a cg:Review }")
    assert int(next(iter(found))[0]) == len(cg.reviews())
    with pytest.raises(Exception):
        dataset.add((review, rdflib.RDFS.label, rdflib.Literal("changed"), dataset.default_graph))


def test_entities_is_the_networkx_entity_graph(cg):
    graph = cg.entities()
    assert graph.number_of_nodes() > 100
    assert any(data["name"] == "Christine" and data["reviews"] == ["scr-49-2013"] for _, data in graph.nodes(data=True))


def test_load_reports_bad_files_by_name_and_stores_the_good(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("casegraph: review/2\nreview:\n  id: bad\n  title: No year\n", encoding="utf-8")
    with casegraph.open(tmp_path / "store") as cg:
        with pytest.raises(casegraph.LoadFailed, match=r"bad\.yaml:2: review: missing required field 'year'") as error:
            cg.load([MINIMAL, bad])
        assert [r.path.name for r in error.value.report.failed] == ["bad.yaml"]
        assert [row["review"] for row in cg.reviews()] == [error.value.report.succeeded[0].review_id]
        report = cg.load(bad, raise_on_error=False)
        assert report.failed and not report.succeeded


def test_a_reader_sees_loads_made_elsewhere(tmp_path):
    store = tmp_path / "store"
    with casegraph.open(store) as cg:
        cg.load(MINIMAL)
        assert len(cg.reviews()) == 1
        result = CliRunner().invoke(main, ["load", "--store", str(store), str(DATA / "review2")])
        assert result.exit_code == 0, result.output
        assert len(cg.reviews()) == 3


def test_decide_accepts_and_undoes_a_candidate(tmp_path):
    with casegraph.open(tmp_path / "store") as cg:
        cg.load(SYNTHETIC)
        candidate = cg.candidates(limit=1)[0]
        change = cg.decide(candidate.id, "accept", note="one reviewer", analyst="A. Analyst")
        assert change.link_added
        assert [(d.candidate_id, d.verdict, d.analyst) for d in cg.decisions()] == [
            (candidate.id, "accepted", "A. Analyst")]
        assert candidate.id not in [c.id for c in cg.candidates()]
        cg.decide(candidate.id, "undo", analyst="A. Analyst")
        assert cg.decisions() == []
        with pytest.raises(QueryError, match="accept, reject or undo"):
            cg.decide(candidate.id, "merge")


def test_explain_and_informative_candidates(cg):
    found = cg.explain("scr-49-2013/christine", "scr-30-2016/child-m")
    assert found.family == "young-person" and found.verdict()
    informative = cg.candidates(order="informative", limit=5)
    assert all(0.1 <= c.score for c in informative)
