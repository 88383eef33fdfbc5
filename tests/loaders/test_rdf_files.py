"""Reviews that arrive as RDF are held to the trust boundary (only their own review's triples, in
the ontology's terms), checked against their datatypes and the SHACL shapes, and stored like YAML ones."""
from __future__ import annotations

import io
import time

import pyoxigraph as ox
import pytest
import rdflib

from casegraph.errors import ReviewFileError
from casegraph.graph.store import ReviewStore
from casegraph.loaders import load
from casegraph.graph.loading import load_paths
from casegraph.loaders.rdf_checks import boundary_breaches, literal_breaches, review_terms, well_formed
from casegraph.loaders.rdf_file import MAX_PROBLEMS
from casegraph.ontology import CG, OWL, RDF, RDFS, SHAPES_FILE, XSD, vocabulary
from tests.conftest import DATA, EXAMPLES, MINIMAL, ROOT
from tests.graph.test_store import as_rdflib, assert_isomorphic

VALID = DATA / "rdf" / "valid-review.ttl"
INVALID = DATA / "rdf" / "invalid-review.ttl"


@pytest.mark.parametrize("fmt, suffix", [("turtle", ".ttl"), ("trig", ".trig"), ("json-ld", ".jsonld"),
                                         ("nt", ".nt")])
def test_valid_rdf_loads_in_every_format(tmp_path, fmt, suffix):
    graph = rdflib.Graph().parse(VALID, format="turtle")
    path = tmp_path / f"review{suffix}"
    if fmt == "trig":
        dataset = rdflib.Dataset()
        named = dataset.graph(rdflib.URIRef("https://w3id.org/casegraph/review/rdf-example-2020"))
        for triple in graph:
            named.add(triple)
        path.write_text(dataset.serialize(format="trig"), encoding="utf-8")
    else:
        path.write_text(graph.serialize(format=fmt), encoding="utf-8")
    review = load(path)
    assert review.review_id == "rdf-example-2020"
    loaded = as_rdflib(review.quads)
    assert all(triple in loaded for triple in graph)


def test_invalid_rdf_lists_each_violation():
    with pytest.raises(ReviewFileError) as caught:
        load(INVALID)
    message = str(caught.value)
    assert str(INVALID) in message
    assert len(caught.value.problems) >= 5
    assert "cg:hasVictim" in message and "cg:publicationYear" in message
    datatypes = [p for p in caught.value.problems if "(its rdfs:range in the ontology)" in p.message]
    assert [(p.line, p.message) for p in datatypes] == [
        (34, "cg:ageMin takes an xsd:decimal (its rdfs:range in the ontology), not xsd:integer"),
        (54, "cg:dateEarliest takes an xsd:date (its rdfs:range in the ontology), not xsd:string")]
    assert not [p for p in caught.value.problems if p.path.endswith(("cg:ageMin", "cg:dateEarliest"))]


def test_rdf_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix cg: <https://w3id.org/casegraph/ontology#> .\n\n<a> cg:b \"unclosed .\n")
    with pytest.raises(ReviewFileError, match="RDF syntax error"):
        load(path)


def test_rdf_without_a_review_is_refused(tmp_path):
    path = tmp_path / "other.ttl"
    path.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    with pytest.raises(ReviewFileError, match="exactly one cg:Review; found none"):
        load(path)


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nquads", "ntriples", "jsonld"])
def test_exported_review_loads_back_as_the_same_graph(tmp_path, store_path, fmt):
    """Round trip: YAML -> store -> export (casegraph export) -> RDF loader gives the same graph."""
    load_paths([MINIMAL], store_path)
    with ReviewStore.open(store_path) as store:
        buffer = io.BytesIO()
        store.dump(buffer, fmt, ["test-review-2016"])
        original = as_rdflib(store.quads("test-review-2016"))
    path = tmp_path / f"exported{FORMATS[fmt][1]}"
    path.write_bytes(buffer.getvalue())
    assert_isomorphic(original, as_rdflib(load(path).quads))


# ---- The trust boundary: a review file states only its own review's triples ----------------------

R19 = "https://w3id.org/casegraph/review/scr-19-2017"
R49 = "https://w3id.org/casegraph/review/scr-49-2013"
TURTLE_PREFIXES = {"cg": CG, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL}
FORMATS = {"turtle": (ox.RdfFormat.TURTLE, ".ttl"), "trig": (ox.RdfFormat.TRIG, ".trig"),
           "nquads": (ox.RdfFormat.N_QUADS, ".nq"), "ntriples": (ox.RdfFormat.N_TRIPLES, ".nt"),
           "jsonld": (ox.RdfFormat.JSON_LD, ".jsonld")}
YAML_REVIEWS = sorted([*EXAMPLES.glob("*.yaml"), *DATA.rglob("*.yaml")])


def exported(quads, fmt: str = "turtle") -> str:
    """A review's quads written as `casegraph show ID --format FMT` writes them."""
    rdf_format = FORMATS[fmt][0]
    if not rdf_format.supports_datasets:
        quads = [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
    return ox.serialize(quads, format=rdf_format, prefixes=TURTLE_PREFIXES).decode("utf-8")


def scr_19_with(extra: str) -> str:
    """SCR 19 in Turtle with some statements of an attacker's added at the end."""
    return exported(load(EXAMPLES / "scr-19-2017.yaml").quads) + "\n" + extra + "\n"


def refused(tmp_path, text: str, suffix: str = ".ttl") -> tuple[ReviewFileError, list[str]]:
    path = tmp_path / f"review{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReviewFileError) as caught:
        load(path)
    rendered = str(caught.value).splitlines()
    assert len(rendered) == len(caught.value.problems)  # one line per problem
    return caught.value, text.splitlines()


ATTACKS = {
    "same-as-across-reviews": (f"<{R19}/older-men> owl:sameAs <{R49}/ex-boyfriend> .",
                               "may not link records across reviews; propose the link with casegraph link "
                               "candidates and accept it there"),
    "link-into-another-review": (f"<{R19}/yp> cg:knows <{R49}/christine> .",
                                 "may not link records across reviews"),
    "relabel-another-review's-record": (f'<{R49}/ex-boyfriend> rdfs:label "OVERWRITE" .',
                                        "this subject belongs to review 'scr-49-2013'"),
    "about-another-review": (f'<{R49}> cg:summary "rewritten" .', "this subject belongs to review 'scr-49-2013'"),
    "relabel-the-ontology": ('cg:Person rdfs:label "Wizard" .', "this subject is not in this review"),
    "same-as-within-the-review": (f"<{R19}/older-men> owl:sameAs <{R19}/yp> .", "may not state owl:sameAs"),
    "undeclared-class": (f"<{R19}/yp> a cg:Wizard .", "undeclared class cg:Wizard"),
    "undeclared-property": (f'<{R19}/yp> cg:wand "elder" .', "undeclared property cg:wand"),
    "foreign-property": (f'<{R19}/yp> <http://xmlns.com/foaf/0.1/nick> "Y" .', "undeclared property <http"),
    "forged-decision": (f"<{R19}/d> a cg:LinkDecision ; cg:leftRecord <{R19}/yp> .", "undeclared class"),
    "outside-object": (f"<{R19}/yp> cg:frequents <http://example.org/club> .",
                       "neither a record of this review nor a term"),
    "record-nothing-describes": (f'<{R19}/ghost> cg:description "unlinked" .', "nothing in the review leads"),
    "blank-node-nothing-reaches": ('[] rdfs:label "floating" .', "nothing in the review leads"),
    "literal-for-a-link": (f'<{R19}/yp> cg:frequents "the park" .', "links to a record or a code, not a literal"),
}


@pytest.mark.parametrize("extra, expected", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_review_file_may_state_only_its_own_reviews_triples(tmp_path, extra, expected):
    error, lines = refused(tmp_path, scr_19_with(extra))
    assert [p for p in error.problems if expected in p.message] == error.problems[:1]
    problem = error.problems[0]
    assert problem.line == len(lines)  # the attacker's line, the file's last
    assert len(problem.path) <= 210 and "\n" not in problem.path + problem.message


def test_the_sameas_attack_reads_as_one_line_naming_the_triple(tmp_path):
    error, lines = refused(tmp_path, scr_19_with(ATTACKS["same-as-across-reviews"][0]))
    assert str(error) == (
        f"{tmp_path / 'review.ttl'}:{len(lines)}: <{R19}/older-men> owl:sameAs <{R49}/ex-boyfriend>: "
        "a review file may not link records across reviews; propose the link with casegraph link candidates "
        "and accept it there")


def test_nothing_of_a_refused_file_is_stored_and_the_other_review_is_untouched(tmp_path, store_path):
    attack = tmp_path / "scr-19-2017.ttl"
    attack.write_text(scr_19_with("\n".join(ATTACKS[name][0] for name in (
        "same-as-across-reviews", "relabel-another-review's-record"))), encoding="utf-8")
    report = load_paths([EXAMPLES / "scr-49-2013.yaml", attack], store_path)
    assert [r.path for r in report.failed] == [attack]
    with ReviewStore.open(store_path) as store:
        assert store.review_ids() == ["scr-49-2013"]
        assert set(store.quads("scr-49-2013")) == set(load(EXAMPLES / "scr-49-2013.yaml").quads)
        assert not bool(store.query("ASK { { ?a owl:sameAs ?b } UNION { ?x rdfs:label 'OVERWRITE' } }"))


def test_another_reviews_graph_is_refused_in_trig(tmp_path):
    quads = load(EXAMPLES / "scr-19-2017.yaml").quads
    intruder = ox.Quad(ox.NamedNode(f"{R19}/yp"), ox.NamedNode(RDFS + "label"), ox.Literal("x"), ox.NamedNode(R49))
    error, _ = refused(tmp_path, exported([*quads, intruder], "trig"), ".trig")
    assert len(error.problems) == 1 and f"this triple is in graph <{R49}>" in error.problems[0].message


@pytest.mark.parametrize("value, datatype, expected", [
    ("twenty", "gYear", "'twenty' is not a well-formed xsd:gYear (a year such as \"2016\")"),
    ("2017-06", "gYear", "is not a well-formed xsd:gYear"),
    ("2017", "integer", "cg:publicationYear takes an xsd:gYear (its rdfs:range in the ontology), not xsd:integer"),
], ids=["word", "month", "integer"])
def test_an_ill_typed_year_is_refused(tmp_path, value, datatype, expected):
    text = scr_19_with("").replace('"2017"^^xsd:gYear', f'"{value}"^^xsd:{datatype}')
    error, lines = refused(tmp_path, text)
    assert len(error.problems) == 1 and expected in error.problems[0].message  # not "must have a year" too
    assert f'"{value}"' in lines[error.problems[0].line - 1]


@pytest.mark.parametrize("datatype, good, bad", [
    ("gYear", ["2016", "0999", "-0044", "2016Z", "12016"], ["twenty", "16", "2016-01", " 2016", "+2016"]),
    ("date", ["2016-02-29", "2016-03-31Z"], ["2016-3-1", "2015-02-29", "2016-04-31", "20160301", "2016-13-01"]),
    ("integer", ["14", "-3", "+0"], ["14.5", "1e3", "fourteen", ""]),
    ("decimal", ["14", "14.5", "-.5", "14."], ["1e3", "NaN", "INF", "14,5"]),
    ("boolean", ["true", "false", "1", "0"], ["yes", "True", "TRUE", ""]),
])
def test_literals_are_checked_against_their_datatype(datatype, good, bad):
    dt = ox.NamedNode(XSD + datatype)
    assert [v for v in good if not well_formed(ox.Literal(v, datatype=dt))] == []
    assert [v for v in bad if well_formed(ox.Literal(v, datatype=dt))] == []


@pytest.mark.parametrize("kind", ["outside", "own-but-unlinked"])
def test_a_hundred_thousand_unrelated_triples_are_refused_quickly(tmp_path, kind):
    count = 100_208
    junk = f"@prefix j: <{'http://example.org/' if kind == 'outside' else R19 + '/'}> .\n" + "".join(
        f'j:{i} cg:area "x" .\n' for i in range(count))  # short lines: under the loader's 4 MB file limit
    started = time.perf_counter()
    error, _ = refused(tmp_path, scr_19_with(junk))
    assert time.perf_counter() - started < 30
    assert len(error.problems) == MAX_PROBLEMS + 1
    assert error.problems[-1].message == f"and {count - MAX_PROBLEMS:,} more problems like these"
    assert all(p.line for p in error.problems[:-1])


def test_a_blank_node_the_review_leads_to_is_accepted_under_a_fresh_name(tmp_path):
    text = scr_19_with(f'<{R19}/yp> cg:evidence _:e1 .\n_:e1 a cg:Evidence ; cg:quote "seen at the address" .')
    path = tmp_path / "review.ttl"
    path.write_text(text, encoding="utf-8")
    blanks = {q.object for q in load(path).quads if isinstance(q.object, ox.BlankNode)}
    assert len(blanks) == 1 and blanks != {ox.BlankNode("e1")}


def test_a_review_graph_uses_only_the_terms_the_ontology_and_the_converter_use():
    """The allowed terms come from the ontology (what cg:Review leads to) and the review format:
    everything the YAML converter writes is allowed, and nothing else but declared properties."""
    terms = review_terms()
    written = [q for path in YAML_REVIEWS for q in load(path).quads]
    predicates = {q.predicate.value for q in written}
    assert predicates <= terms.predicates
    assert {q.object.value for q in written if q.predicate.value == RDF + "type"} <= terms.classes
    assert terms.predicates <= predicates | vocabulary().object_properties | vocabulary().datatype_properties
    assert CG + "LinkDecision" not in terms.classes and CG + "leftRecord" not in terms.predicates


def test_the_shapes_expect_the_datatypes_of_the_ontologys_ranges():
    shapes = rdflib.Graph().parse(SHAPES_FILE)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    expected = {(str(shapes.value(node, sh.path)), str(datatype))
                for node, datatype in shapes.subject_objects(sh.datatype)}
    assert expected and {(path, review_terms().ranges.get(path)) for path, _ in expected} == expected


@pytest.mark.parametrize("path", YAML_REVIEWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_review_is_within_the_boundary_in_every_format(path):
    """What the YAML loader stores, exported in any format, is what an RDF review file may say."""
    review = load(path)
    for fmt, (rdf_format, _) in FORMATS.items():
        parsed = list(ox.parse(exported(review.quads, fmt), format=rdf_format))
        assert boundary_breaches(parsed, review.iri) == [] and literal_breaches(parsed) == [], fmt
        assert {ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(review.iri)) for q in parsed} == set(
            review.quads), fmt


@pytest.mark.parametrize("path", YAML_REVIEWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_review_exported_as_turtle_loads_back_unchanged(tmp_path, path):
    review = load(path)
    exported_path = tmp_path / f"{review.review_id}.ttl"
    exported_path.write_text(exported(review.quads), encoding="utf-8")
    assert set(load(exported_path).quads) == set(review.quads)
