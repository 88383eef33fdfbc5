"""The SPARQL endpoint, queried over real HTTP by a real SPARQL client (SPARQLWrapper) and by urllib."""
from __future__ import annotations

import contextlib
import http.server
import io
import json
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, XML, SPARQLWrapper

from casegraph.exchange import endpoint as serve_module
from casegraph.errors import StoreError
from casegraph.graph.loading import load_paths
from casegraph.ontology import PREFIXES
from casegraph.exchange.endpoint import make_server
from tests.conftest import EXAMPLES

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
REVIEW_30 = "https://w3id.org/casegraph/review/scr-30-2016"
CHILD_M = f"{REVIEW_30}/child-m"
COUNT_REVIEWS = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a cg:Review }"
LABEL_OF_CHILD_M = f"SELECT ?label WHERE {{ <{CHILD_M}> rdfs:label ?label }}"


@contextlib.contextmanager
def running(store_path, log=None):
    server = make_server(store_path, port=0, log=log or io.StringIO())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = tmp_path_factory.mktemp("serve") / "store"
    assert not load_paths([EXAMPLES], store).failed
    with running(store) as started:
        yield started


@pytest.fixture(autouse=True)
def _fresh_log(server):
    server.log_stream.seek(0)
    server.log_stream.truncate()


def client(server, query, return_format=JSON, method="GET"):
    sparql = SPARQLWrapper(server.url)
    sparql.setQuery(query)
    sparql.setReturnFormat(return_format)
    if method != "GET":
        sparql.setMethod(POST)
        sparql.setRequestMethod(POSTDIRECTLY if method == "POST direct" else URLENCODED)
    return sparql


def fetch(server, query=None, accept=None, *, path="/sparql", data=None, content_type=None, method=None):
    """(status, headers, body text) of one request; HTTP errors are answers too."""
    url = server.url.replace("/sparql", path)
    if query is not None:
        url += "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, data=data, method=method)
    if accept:
        request.add_header("Accept", accept)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def engine_error(query):
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(query, prefixes=PREFIXES)
    return str(caught.value)


# -- a real SPARQL client ------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["GET", "POST form", "POST direct"])
def test_sparqlwrapper_counts_the_reviews(server, method):
    result = client(server, COUNT_REVIEWS, JSON, method).queryAndConvert()
    assert int(result["results"]["bindings"][0]["n"]["value"]) == len(EXAMPLE_FILES) == 23


@pytest.mark.parametrize("method", ["GET", "POST form"])
def test_sparqlwrapper_xml_results(server, method):
    document = client(server, LABEL_OF_CHILD_M, XML, method).queryAndConvert()
    assert [n.firstChild.data for n in document.getElementsByTagName("literal")] == ["Child M"]


def test_sparqlwrapper_ask(server):
    assert client(server, f"ASK {{ <{CHILD_M}> a cg:YoungPerson }}").queryAndConvert()["boolean"] is True


def test_sparqlwrapper_construct_as_turtle(server, tmp_path):
    query = "CONSTRUCT { ?r rdfs:label ?label } WHERE { ?r a cg:Review ; rdfs:label ?label }"
    turtle = client(server, query, TURTLE).queryAndConvert()
    triples = {quad.triple for quad in ox.parse(turtle, format=ox.RdfFormat.TURTLE)}
    assert len(triples) == len(EXAMPLE_FILES)
    label = ox.NamedNode(PREFIXES["rdfs"] + "label")
    assert ox.Triple(ox.NamedNode(REVIEW_30), label, ox.Literal("SCR 30 (2016): Child M")) in triples


def test_sparqlwrapper_update_is_forbidden(server):
    sparql = client(server, f"INSERT DATA {{ <{CHILD_M}> rdfs:label 'changed' }}", method="POST form")
    with pytest.raises(urllib.error.HTTPError) as caught:
        sparql.query()
    assert caught.value.code == 403
    assert "read-only" in caught.value.read().decode()
    labels = client(server, LABEL_OF_CHILD_M).queryAndConvert()["results"]["bindings"]
    assert [b["label"]["value"] for b in labels] == ["Child M"]


# -- content negotiation ---------------------------------------------------------------------------
@pytest.mark.parametrize(("query", "accept", "content_type", "expected"), [
    (LABEL_OF_CHILD_M, "text/csv", "text/csv; charset=utf-8", "label\r\nChild M\r\n"),
    (LABEL_OF_CHILD_M, "text/tab-separated-values", "text/tab-separated-values; charset=utf-8",
     '?label\n"Child M"\n'),
    (LABEL_OF_CHILD_M, None, "application/sparql-results+json", '"value":"Child M"'),
    (LABEL_OF_CHILD_M, "text/html,application/xml;q=0.9,*/*;q=0.8", "application/sparql-results+xml",
     "<literal>Child M</literal>"),
    (f"CONSTRUCT WHERE {{ <{CHILD_M}> rdfs:label ?l }}", "application/n-triples", "application/n-triples",
     f'<{CHILD_M}> <{PREFIXES["rdfs"]}label> "Child M" .\n'),
    (f"CONSTRUCT WHERE {{ <{CHILD_M}> rdfs:label ?l }}", "application/ld+json", "application/ld+json",
     '"@value":"Child M"'),
    (f"DESCRIBE <{CHILD_M}>", "*/*", "text/turtle; charset=utf-8", 'rdfs:label "Child M"'),
], ids=["csv", "tsv", "json-default", "browser-xml", "ntriples", "jsonld", "describe-turtle"])
def test_results_in_the_format_asked_for(server, query, accept, content_type, expected):
    status, headers, body = fetch(server, query, accept)
    assert (status, headers["Content-Type"]) == (200, content_type)
    assert expected in body
    assert headers["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in headers


@pytest.mark.parametrize(("query", "accept"), [(COUNT_REVIEWS, "text/turtle"),
                                               (f"DESCRIBE <{CHILD_M}>", "application/sparql-results+json")])
def test_unsupported_accept_is_406(server, query, accept):
    status, _, body = fetch(server, query, accept)
    assert status == 406 and "available as" in body


# -- errors and refusals ---------------------------------------------------------------------------
def test_syntax_error_is_400_with_the_engines_message(server):
    broken = "SELECT ?s\nWHERE { ?s ?p }"  # line 2 as sent, whatever prefixes the server adds
    status, headers, body = fetch(server, broken)
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    assert engine_error(broken) in body and "Traceback" not in body


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"data": b"INSERT DATA { <a:b> <a:c> <a:d> }", "content_type": "application/sparql-update"}, 403),
    ({"path": "/sparql?update=" + urllib.parse.quote("CLEAR ALL")}, 403),
    ({"data": b"update=DROP+ALL", "content_type": "application/x-www-form-urlencoded"}, 403),
    ({"path": "/sparql?default-graph-uri=urn:x&query=ASK%7B%7D"}, 400),
    ({"path": "/sparql"}, 400),  # no query
    ({"data": b"ASK {}", "content_type": "text/plain"}, 415),
    ({"path": "/nothing"}, 404),
    ({"method": "PUT", "data": b"x"}, 405),
], ids=["sparql-update-body", "update-param", "update-form", "default-graph-uri", "no-query", "415", "404",
        "405"])
def test_refusals(server, kwargs, status):
    assert fetch(server, **kwargs)[0] == status


@pytest.mark.parametrize("content_type", [None, "application/sparql-query", "application/x-www-form-urlencoded"])
def test_non_ascii_queries_arrive_intact(server, content_type):
    query = 'SELECT ("Zoë – Łódź" AS ?x) WHERE {}'
    if content_type is None:
        status, _, body = fetch(server, query, "text/csv")
    else:
        data = query if content_type.endswith("query") else urllib.parse.urlencode({"query": query})
        status, _, body = fetch(server, accept="text/csv", data=data.encode(), content_type=content_type)
    assert (status, body) == (200, "x\r\nZoë – Łódź\r\n")


def test_an_oversized_body_is_413(server, monkeypatch):
    monkeypatch.setattr(serve_module, "MAX_BODY_BYTES", 10)
    assert fetch(server, data=b"ASK { ?s ?p ?o }", content_type="application/sparql-query")[0] == 413


def test_predeclared_prefixes_yield_to_the_querys_own(server):
    status, _, body = fetch(server, "PREFIX cg: <http://example.org/other#> " + COUNT_REVIEWS, "text/csv")
    assert (status, body) == (200, "n\r\n0\r\n")


def test_from_is_refused_rather_than_ignored(server):
    status, _, body = fetch(server, f"SELECT * FROM <{CHILD_M}> WHERE {{ ?s ?p ?o }}")
    assert status == 400 and "FROM" in body


@pytest.fixture
def listener():
    """A local HTTP server that records every request made to it."""
    hits = []

    class Record(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Record) as remote:
        threading.Thread(target=remote.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        yield f"http://127.0.0.1:{remote.server_port}/sparql", hits
        remote.shutdown()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o . service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ BIND(<{url}> AS ?u) SeRvIcE ?u {{ ?s ?p ?o }} }}",
    # a lexer that took <'> for an IRI would think SERVICE sat inside the string that follows
    "SELECT * WHERE {{ ?s ?p ?o FILTER(?o<'>') SERVICE <{url}> {{ ?s ?p ?o }} BIND('x' AS ?y) }}",
    "ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
])
def test_service_is_refused_and_makes_no_call(server, listener, template):
    url, hits = listener
    status, _, body = fetch(server, template.format(url=url))
    assert status == 400 and "SERVICE" in body
    assert hits == []


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { ?service rdfs:label 'Child M' }",
    "SELECT ?s WHERE { ?s rdfs:label ?l FILTER(?l != 'from the SERVICE desk') } # SERVICE <http://x> { }",
    "SELECT ?s WHERE { ?s <http://example.org/service> ?o }",
])
def test_the_words_service_and_from_elsewhere_are_fine(server, query):
    assert fetch(server, query)[0] == 200


# -- the server ------------------------------------------------------------------------------------
def test_bound_to_loopback_by_default(server):
    assert server.server_address[0] == "127.0.0.1" and server.is_loopback
    assert server.url == f"http://127.0.0.1:{server.server_address[1]}/sparql"


def test_root_page_says_what_this_is(server):
    status, headers, body = fetch(server, path="/")
    assert status == 200 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "SPARQL" in body and "/sparql" in body and "23 review(s)" in body


def test_one_log_line_per_request_without_the_query(server):
    fetch(server, LABEL_OF_CHILD_M)
    fetch(server, "SELECT * WHERE { ?s rdfs:label 'Child M' . ?s ?p }")
    lines = server.log_stream.getvalue().splitlines()
    assert len(lines) == 2
    assert '"GET /sparql" 200' in lines[0] and '"GET /sparql" 400' in lines[1]
    assert "Child M" not in "".join(lines) and "query" not in "".join(lines)


def test_newly_loaded_reviews_appear_without_a_restart(tmp_path):
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    shutil.copy(EXAMPLE_FILES[0], reviews)
    store = tmp_path / "store"
    load_paths([reviews], store)

    def count(server):
        return int(client(server, COUNT_REVIEWS).queryAndConvert()["results"]["bindings"][0]["n"]["value"])

    with running(store) as server:
        assert count(server) == 1
        shutil.copy(EXAMPLE_FILES[1], reviews)
        load_paths([reviews], store)  # another writer, while the endpoint holds the store open
        assert count(server) == 2


def test_no_store_no_server(tmp_path):
    with pytest.raises(StoreError, match="no casegraph store"):
        make_server(tmp_path / "missing", port=0)


def test_each_review_is_a_named_graph(server):
    status, _, body = fetch(server, "SELECT ?g WHERE { GRAPH ?g { ?g a cg:Review } }")
    assert status == 200
    graphs = {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert len(graphs) == len(EXAMPLE_FILES)
