"""Reviews that arrive as RDF are checked against the SHACL shapes and stored like YAML ones."""
from __future__ import annotations

import io

import pytest
import rdflib

from casegraph.errors import ReviewFileError
from casegraph.graph.store import ReviewStore
from casegraph.loaders import load
from casegraph.graph.loading import load_paths
from tests.conftest import DATA, MINIMAL
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


def test_exported_review_loads_back_as_the_same_graph(tmp_path, store_path):
    """Round trip: YAML -> store -> Turtle export -> RDF loader gives the same graph."""
    load_paths([MINIMAL], store_path)
    with ReviewStore.open(store_path) as store:
        buffer = io.BytesIO()
        store.dump(buffer, "turtle", ["test-review-2016"])
        original = as_rdflib(store.quads("test-review-2016"))
    path = tmp_path / "exported.ttl"
    path.write_bytes(buffer.getvalue())
    assert_isomorphic(original, as_rdflib(load(path).quads))
