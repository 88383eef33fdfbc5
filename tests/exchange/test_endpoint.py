"""The SPARQL endpoint, queried over real HTTP by a real SPARQL client (SPARQLWrapper), by urllib and
by raw sockets; the attacks of the security review at small size (benchmarks/endpoint_attack.py
runs them at the review's)."""
from __future__ import annotations

import contextlib
import http.client
import http.server
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, XML, SPARQLWrapper

from casegraph.commands.serve import serve as serve_command
from casegraph.errors import StoreError
from casegraph.exchange import endpoint as serve_module
from casegraph.exchange import endpoint_worker
from casegraph.exchange.endpoint import make_server
from casegraph.exchange.endpoint_query import StoreReadError
from casegraph.graph.loading import load_paths
from casegraph.graph.store import LINKS_GRAPH, ONTOLOGY_GRAPH, ReviewStore
from casegraph.linking.decisions import DECISIONS_GRAPH
from casegraph.ontology import PREFIXES
from tests.conftest import EXAMPLES

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
REVIEW_30 = "https://w3id.org/casegraph/review/scr-30-2016"
CHILD_M = f"{REVIEW_30}/child-m"
COUNT_REVIEWS = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a cg:Review }"
LABEL_OF_CHILD_M = f"SELECT ?label WHERE {{ <{CHILD_M}> rdfs:label ?label }}"
ANALYST = "https://w3id.org/casegraph/analyst/jo-bloggs"
DECISION = "https://w3id.org/casegraph/decision/1"
SECRETS = (ANALYST, DECISIONS_GRAPH, "Bloggs", "Quillfeather")  # what the decisions graph holds, and its name
LINKED = (f"{REVIEW_30}/child-a", f"{REVIEW_30}/child-b")
CASEGRAPH = str(Path(sys.executable).parent / "casegraph")
LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


@contextlib.contextmanager
def running(store_path, log=None, **options):
    server = make_server(store_path, port=0, log=log or io.StringIO(), **options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="module")
def example_store(tmp_path_factory):
    """The examples, an analyst's decision (a name, a note about a child) and one accepted link."""
    store = tmp_path_factory.mktemp("serve") / "store"
    assert not load_paths([EXAMPLES], store).failed
    prov = "http://www.w3.org/ns/prov#"
    with ReviewStore.open(store, write=True) as writable:
        writable.update(f"""INSERT DATA {{
          GRAPH <{DECISIONS_GRAPH}> {{
            <{DECISION}> <{prov}wasAttributedTo> <{ANALYST}> ;
                rdfs:comment "Child M confided in Mrs Quillfeather first; same girl as in SCR 12" .
            <{ANALYST}> rdfs:label "Jo Bloggs" . }}
          GRAPH <{LINKS_GRAPH}> {{ <{LINKED[0]}> owl:sameAs <{LINKED[1]}> }} }}""")
    return store


@pytest.fixture(scope="module")
def server(example_store):
    with running(example_store) as started:
        yield started


@pytest.fixture(scope="module")
def strict(example_store):
    """Short limits, so that a test waits about a second: queries 1 s, requests' arrival 1 s."""
    with running(example_store, timeout=1.0, read_timeout=1.0, workers=2) as started:
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


def fetch(server, query=None, accept=None, *, path="/sparql", data=None, content_type=None, method=None,
          timeout=5):
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
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def with_headers(server, headers, path="/sparql?query=ASK%7B%7D"):
    """(status, headers, body) of a GET that sends exactly these headers (Host included, or not)."""
    connection = http.client.HTTPConnection(*server.server_address[:2], timeout=5)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def raw(server, data: bytes, *, then=None, timeout=10) -> tuple[int, str, float]:
    """(status, whole response, seconds) for bytes sent as they are; `then(socket)` may send more."""
    started = time.monotonic()
    with socket.create_connection(server.server_address[:2], timeout=timeout) as connection:
        connection.sendall(data)
        if then:
            threading.Thread(target=then, args=(connection,), daemon=True).start()
        chunks = []
        with contextlib.suppress(ConnectionResetError):
            while chunk := connection.recv(65536):
                chunks.append(chunk)
    response = b"".join(chunks).decode("utf-8", "replace")
    status = int(response.split(" ", 2)[1]) if response.startswith("HTTP/") else 0
    return status, response, time.monotonic() - started


def running_pid(pid: int) -> bool:
    """True if the process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def eventually(condition, within=10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


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
    ({"path": "/sparql?default-graph-uri=not-an-iri&query=ASK%7B%7D"}, 400),
    ({"path": "/sparql?named-graph-uri=http://a%20b&query=ASK%7B%7D"}, 400),
    ({"data": b"", "content_type": "application/x-www-form-urlencoded"}, 400),  # no query
    ({"data": b"ASK {}", "content_type": "text/plain"}, 415),
    ({"path": "/nothing"}, 404),
    ({"method": "PUT", "data": b"x"}, 405),
    ({"method": "OPTIONS"}, 405),  # a CORS preflight: refused, and no CORS headers
    ({"data": b"ASK {}", "content_type": "application/sparql-query", "path": "/sparql?query=ASK%7B%7D"}, 400),
], ids=["sparql-update-body", "update-param", "update-form", "default-graph-uri", "named-graph-uri", "no-query",
        "415", "404",
        "405", "options", "two-queries"])
def test_refusals(server, kwargs, status):
    answer_status, headers, _ = fetch(server, **kwargs)
    assert answer_status == status
    assert not [name for name in headers if name.lower().startswith("access-control-")]


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


@pytest.mark.parametrize("graph", [REVIEW_30, DECISIONS_GRAPH])
@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED"])
def test_from_is_refused_rather_than_ignored(server, clause, graph):
    status, _, body = fetch(server, f"SELECT * {clause} <{graph}> WHERE {{ ?s ?p ?o }}")
    assert status == 400 and "FROM" in body and "default-graph-uri" in body
    assert not [secret for secret in SECRETS[2:] if secret in body]


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
    status, headers, body = fetch(server, path="/")  # no Accept: text, for curl and scripts
    assert status == 200 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "SPARQL" in body and "/sparql" in body and "23 review(s)" in body
    assert f"decisions (<{DECISIONS_GRAPH}>) are not served" in body
    assert "query page" in body and "service description" in body


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


def test_serve_help_shows_the_limits_and_examples():
    result = CliRunner().invoke(serve_command, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    for text in ("--timeout SECONDS", "--workers N", "--with-decisions", "casegraph serve --timeout 60", "503",
                 "DNS rebinding", "408"):
        assert text in result.output


def test_each_review_is_a_named_graph(server):
    status, _, body = fetch(server, "SELECT ?g WHERE { GRAPH ?g { ?g a cg:Review } }")
    assert status == 200
    graphs = {b["g"]["value"] for b in json.loads(body)["results"]["bindings"]}
    assert len(graphs) == len(EXAMPLE_FILES)


# -- the security review's attacks, at small size --------------------------------------------------
# 1. Queries that would run for hours are stopped at the time limit, their process killed.
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
NEVER_TRUE = "ASK { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STRLEN(STR(?c)) + STRLEN(STR(?i)) < 0) }"


@pytest.mark.parametrize("query", [CROSS_PRODUCT, NEVER_TRUE], ids=["aggregate", "filter"])
def test_a_query_past_the_time_limit_is_stopped(strict, query):
    before = set(strict.pool.pids())
    started = time.monotonic()
    status, _, body = fetch(strict, query, timeout=30)
    assert time.monotonic() - started < 4
    assert status == 503 and "took longer than 1 s and was stopped" in body and "--timeout" in body
    stopped = before - set(strict.pool.pids())
    assert len(stopped) == 1 and not any(running_pid(pid) for pid in stopped)  # the work itself stopped
    assert fetch(strict, COUNT_REVIEWS, "text/csv")[:3:2] == (200, "n\r\n23\r\n")
    assert eventually(lambda: len(strict.pool.pids()) == 2)  # a fresh worker took its place


def test_a_query_whose_client_gave_up_is_not_run(strict):
    logged = len(strict.log_stream.getvalue())
    busy = [threading.Thread(target=fetch, args=(strict, CROSS_PRODUCT), kwargs={"timeout": 30}) for _ in range(2)]
    for thread in busy:  # both workers taken for a second
        thread.start()
    assert eventually(lambda: strict.pool.idle() == 0, within=5)
    with socket.create_connection(strict.server_address[:2]) as gives_up:
        query = urllib.parse.quote(CROSS_PRODUCT)
        gives_up.sendall(f"GET /sparql?query={query} HTTP/1.0\r\n\r\n".encode())
    for thread in busy:
        thread.join(10)
    # answered once a fresh worker has started, which on a loaded machine takes seconds
    assert eventually(lambda: '"GET /sparql" 499 0' in strict.log_stream.getvalue()[logged:], within=30)
    assert strict.log_stream.getvalue()[logged:].count('"GET /sparql" 503') == 2  # only two ran, and were stopped
    assert eventually(lambda: len(strict.pool.pids()) == 2)


def test_a_worker_that_dies_mid_query_is_answered_503_and_replaced(strict):
    answers = []
    thread = threading.Thread(target=lambda: answers.append(fetch(strict, CROSS_PRODUCT, timeout=30)))
    thread.start()
    time.sleep(0.3)
    for pid in strict.pool.pids():  # as the out-of-memory killer would
        os.kill(pid, signal.SIGKILL)
    thread.join(10)
    status, _, body = answers[0]
    assert status == 503 and "stopped while answering (killed by signal 9)" in body
    assert eventually(lambda: len(strict.pool.pids()) == 2 and fetch(strict, "ASK {}")[0] == 200)


# 2. DNS rebinding and other sites' pages: Host and Origin must name this server.
@pytest.mark.parametrize(("headers", "status"), [
    ({"Host": "127.0.0.1:{port}"}, 200),
    ({"Host": "localhost:{port}"}, 200),
    ({"Host": "LocalHost:{port}"}, 200),
    ({}, 200),  # HTTP/1.0 clients may send no Host; browsers always do
    ({"Host": "127.0.0.1:{port}", "Origin": "http://127.0.0.1:{port}"}, 200),
    ({"Host": "127.0.0.1:{port}", "Sec-Fetch-Site": "same-origin"}, 200),
    ({"Host": "attacker.example:{port}"}, 403),
    ({"Host": "127.0.0.1.attacker.example:{port}"}, 403),
    ({"Host": "localhost"}, 403),  # port 80 is not ours
    ({"Host": "127.0.0.1:1"}, 403),
    ({"Host": "127.0.0.1:{port}", "Origin": "http://attacker.example"}, 403),
    ({"Host": "127.0.0.1:{port}", "Origin": "null"}, 403),
    ({"Host": "127.0.0.1:{port}", "Origin": "http://localhost:{port}"}, 403),  # another origin
    ({"Host": "127.0.0.1:{port}", "Sec-Fetch-Site": "cross-site"}, 403),
], ids=["ip", "localhost", "case", "no-host", "same-origin", "sec-fetch-same", "rebound", "suffix", "no-port",
        "wrong-port", "cross-origin", "null-origin", "other-loopback-origin", "sec-fetch-cross"])
def test_only_requests_addressed_to_this_server_are_answered(server, headers, status):
    port = server.server_address[1]
    got, response_headers, body = with_headers(server, {k: v.format(port=port) for k, v in headers.items()})
    assert got == status
    assert not [name for name in response_headers if name.lower().startswith("access-control-")]
    if status == 403:
        assert body.startswith("refused: ") and body.count("\n") == 1
    else:
        assert json.loads(body) == {"head": {}, "boolean": True}


# 3. The decisions graph (analysts' names, notes about children) is not served unless asked for.
HIDDEN_QUERIES = [
    "SELECT * WHERE { ?s ?p ?o FILTER(isLiteral(?o) && (CONTAINS(?o, 'Bloggs') || CONTAINS(?o, 'Quillfeather'))) }",
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    f"SELECT * WHERE {{ GRAPH <{DECISIONS_GRAPH}> {{ ?s ?p ?o }} }}",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRENDS(STR(?g), 'decisions')) }",
    f"DESCRIBE <{ANALYST}>",
    "SELECT ?who WHERE { ?decision <http://www.w3.org/ns/prov#wasAttributedTo> ?who }",
]


@pytest.mark.parametrize("query", HIDDEN_QUERIES, ids=["text", "graphs", "by-name", "construct", "describe",
                                                       "analyst"])
def test_the_decisions_graph_is_not_served(server, query):
    status, _, body = fetch(server, query)
    assert status == 200
    assert not [secret for secret in SECRETS if secret in body]


def test_the_links_and_ontology_are_still_served(server):
    query = f"ASK {{ <{LINKED[0]}> owl:sameAs <{LINKED[1]}> . cg:Review rdfs:label ?label }}"
    assert json.loads(fetch(server, query)[2])["boolean"] is True


def test_with_decisions_the_decisions_graph_is_served(example_store):
    with running(example_store, with_decisions=True, workers=1) as server:
        assert "Bloggs" in fetch(server, HIDDEN_QUERIES[0])[2]
        assert DECISIONS_GRAPH in fetch(server, HIDDEN_QUERIES[1])[2]
        assert "decisions are served" in fetch(server, path="/")[2]
        assert DECISIONS_GRAPH in described_graphs(server)
        dataset = urllib.parse.urlencode({"query": HIDDEN_QUERIES[0], "default-graph-uri": DECISIONS_GRAPH})
        assert "Bloggs" in fetch(server, path=f"/sparql?{dataset}")[2]


# -- the service description and the protocol's dataset --------------------------------------------
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
COUNT_TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NAMED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def described(server, accept=None, rdf_format="turtle") -> tuple[rdflib.Graph, rdflib.term.Node]:
    """The service description (GET /sparql without a query), parsed by rdflib, and its sd:Service."""
    status, headers, body = fetch(server, accept=accept)
    assert status == 200, body
    graph = rdflib.Graph().parse(data=body, format=rdf_format)
    (service,) = graph.subjects(RDF.type, SD.Service)
    return graph, service


def described_graphs(server) -> set[str]:
    graph, service = described(server)
    dataset = graph.value(service, SD.defaultDataset)
    return {str(graph.value(named, SD.name)) for named in graph.objects(dataset, SD.namedGraph)}


def with_dataset(server, query, *pairs, accept="text/csv") -> str:
    """The answer to `query` over the dataset that `pairs` of (default-graph-uri | named-graph-uri, IRI) name."""
    status, _, body = fetch(server, path="/sparql?" + urllib.parse.urlencode([("query", query), *pairs]),
                            accept=accept)
    assert status == 200, body
    return body


def test_the_service_description(server):
    graph, service = described(server)
    assert graph.value(service, SD.endpoint) == rdflib.URIRef(server.url)
    for feature in ((SD.supportedLanguage, SD.SPARQL11Query), (SD.feature, SD.UnionDefaultGraph)):
        assert (service, *feature) in graph
    formats = {str(iri).rpartition("/")[2] for iri in graph.objects(service, SD.resultFormat)}
    assert formats == {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                       "Turtle", "N-Triples", "JSON-LD", "RDF_XML"}
    assert (graph.value(graph.value(service, SD.defaultDataset), SD.defaultGraph), RDF.type, SD.Graph) in graph
    served = {row.split(",")[0] for row in with_dataset(server, NAMED_GRAPHS).splitlines()[1:]}
    reviews = {b["g"]["value"] for b in json.loads(fetch(server, "SELECT ?g WHERE { GRAPH ?g { ?g a cg:Review } }")[2])
               ["results"]["bindings"]}
    assert described_graphs(server) == served >= reviews | {LINKS_GRAPH, ONTOLOGY_GRAPH}
    assert len(reviews) == 23 and DECISIONS_GRAPH not in served


@pytest.mark.parametrize(("accept", "rdf_format"), [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"), ("text/html,application/xhtml+xml,*/*;q=0.8", "turtle"),
], ids=["turtle", "ntriples", "jsonld", "rdfxml", "browser"])
def test_the_service_description_in_the_format_asked_for(server, accept, rdf_format):
    graph, service = described(server, accept, rdf_format)
    assert graph.value(service, SD.endpoint) == rdflib.URIRef(server.url)
    assert fetch(server, accept="application/sparql-results+json")[0] == 406


@pytest.mark.parametrize(("pairs", "query", "expected"), [
    ([("default-graph-uri", REVIEW_30)], LABEL_OF_CHILD_M, "label\r\nChild M\r\n"),
    ([("default-graph-uri", REVIEW_30)], f"ASK {{ <{LINKED[0]}> owl:sameAs ?other }}", "false"),
    ([("default-graph-uri", REVIEW_30)], NAMED_GRAPHS, "g\r\n"),  # no named graph unless named
    ([("default-graph-uri", REVIEW_30), ("default-graph-uri", LINKS_GRAPH)],
     f"ASK {{ <{LINKED[0]}> owl:sameAs ?other . <{CHILD_M}> rdfs:label ?name }}", "true"),
    ([("named-graph-uri", REVIEW_30)], COUNT_TRIPLES, "n\r\n0\r\n"),  # an empty default graph
    ([("named-graph-uri", REVIEW_30), ("named-graph-uri", LINKS_GRAPH)], NAMED_GRAPHS,
     f"g\r\n{LINKS_GRAPH}\r\n{REVIEW_30}\r\n"),
    ([("default-graph-uri", "urn:example:nothing"), ("named-graph-uri", "urn:example:nothing")],
     "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }", "n\r\n0\r\n"),
], ids=["default", "default-only-that-graph", "default-no-named", "two-defaults", "named", "two-named",
        "unknown-graphs"])
def test_default_and_named_graph_uri_choose_the_dataset(server, pairs, query, expected):
    if query.startswith("ASK"):
        assert json.loads(with_dataset(server, query, *pairs, accept=None))["boolean"] is (expected == "true")
    else:
        assert with_dataset(server, query, *pairs) == expected


@pytest.mark.parametrize("content_type", ["application/sparql-query", "application/x-www-form-urlencoded"])
def test_dataset_parameters_in_a_post(server, content_type):
    pairs = [("default-graph-uri", REVIEW_30)]
    if content_type == "application/sparql-query":
        path, data = "/sparql?" + urllib.parse.urlencode(pairs), LABEL_OF_CHILD_M.encode()
    else:
        path, data = "/sparql", urllib.parse.urlencode([("query", LABEL_OF_CHILD_M), *pairs]).encode()
    assert fetch(server, accept="text/csv", path=path, data=data, content_type=content_type)[::2] == (
        200, "label\r\nChild M\r\n")


def test_rdflib_sparqlstore_reads_one_review(server):
    review = rdflib.Graph(SPARQLStore(server.url), identifier=rdflib.URIRef(REVIEW_30))
    assert set(review.objects(rdflib.URIRef(CHILD_M), RDFS.label)) == {rdflib.Literal("Child M")}
    in_graph = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{REVIEW_30}> {{ ?s ?p ?o }} }}"
    assert len(review) == int(fetch(server, in_graph, "text/csv")[2].split()[1]) > 0
    assert not list(review.triples((rdflib.URIRef(LINKED[0]), OWL.sameAs, None)))  # the links graph is not in it
    rows = review.query(f"SELECT ?label WHERE {{ <{CHILD_M}> rdfs:label ?label }}")
    assert [str(row[0]) for row in rows] == ["Child M"]


HIDING_DATASETS = [
    [("default-graph-uri", DECISIONS_GRAPH)],
    [("named-graph-uri", DECISIONS_GRAPH)],
    [("default-graph-uri", DECISIONS_GRAPH), ("named-graph-uri", DECISIONS_GRAPH)],
    [("default-graph-uri", REVIEW_30), ("named-graph-uri", DECISIONS_GRAPH), ("named-graph-uri", LINKS_GRAPH)],
]


@pytest.mark.parametrize("pairs", HIDING_DATASETS, ids=["default", "named", "both", "among-others"])
@pytest.mark.parametrize("query", HIDDEN_QUERIES, ids=["text", "graphs", "by-name", "construct", "describe",
                                                       "analyst"])
def test_naming_the_decisions_graph_gives_an_empty_graph(server, pairs, query):
    answer = with_dataset(server, query, *pairs, accept=None)
    assert not [secret for secret in SECRETS if secret in answer]


@pytest.mark.parametrize("pairs", HIDING_DATASETS, ids=["default", "named", "both", "among-others"])
def test_a_view_holding_the_decisions_graph_still_hides_it(example_store, monkeypatch, pairs):
    """A store the server cannot write is read in place, decisions graph and all: naming it must still fail."""
    def unwritable(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(endpoint_worker.StoreView, "_take_snapshot", unwritable)
    view = endpoint_worker.StoreView(example_store, decisions=False)
    dataset = {"default": [], "named": []}
    for name, iri in pairs:
        dataset["default" if name == "default-graph-uri" else "named"].append(iri)
    try:
        assert view.current()[0].contains_named_graph(ox.NamedNode(DECISIONS_GRAPH))  # it is there
        assert DECISIONS_GRAPH not in view.graphs()
        for query in HIDDEN_QUERIES:
            header, body = endpoint_worker.answer(view, {"query": query, "dataset": dataset})
            assert header["status"] == 200
            assert not [secret for secret in SECRETS if secret in body.decode()]
    finally:
        view.close()


def test_the_decisions_graph_is_not_described_nor_on_the_page(server):
    assert DECISIONS_GRAPH not in described_graphs(server)
    status, _, page = fetch(server, path="/", accept="text/html")
    assert status == 200 and "Bloggs" not in page and "Quillfeather" not in page


# 4. Many clients at once: a deep listen queue and a thread per connection.
def test_200_concurrent_clients_are_all_answered(server):
    assert server.request_queue_size >= 128
    barrier, answers = threading.Barrier(200), []

    def client_thread():
        barrier.wait()
        started = time.monotonic()
        try:
            status = fetch(server, COUNT_REVIEWS, timeout=20)[0]
        except OSError as error:  # refused or timed out: no answer
            status = type(error).__name__
        answers.append((status, time.monotonic() - started))

    threads = [threading.Thread(target=client_thread) for _ in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [status for status, _ in answers] == [200] * 200
    assert max(seconds for _, seconds in answers) < 20


def test_connections_beyond_the_limit_get_a_quick_503(example_store, monkeypatch):
    monkeypatch.setattr(serve_module, "MAX_CONNECTIONS", 1)
    with running(example_store, workers=1, read_timeout=2.0) as server:
        with socket.create_connection(server.server_address[:2]):  # holds the one slot, sending nothing
            time.sleep(0.2)
            status, response, seconds = raw(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.0\r\n\r\n")
        assert (status, seconds < 1) == (503, True) and "too many connections" in response
        assert eventually(lambda: fetch(server, "ASK {}")[0] == 200, within=5)  # the slot came back


# 5. A client that stalls gets 408 after the read timeout, never a 500.
def _trickle(connection):
    with contextlib.suppress(OSError):
        for _ in range(50):
            time.sleep(0.2)
            connection.sendall(b"a")


@pytest.mark.parametrize(("request_bytes", "then"), [
    (b"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/sparql-query\r\n"
     b"Content-Length: 100\r\n\r\nASK {}", None),
    (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: {host}\r\nX-Half-A-Head", None),
    (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nX-Slow: ", _trickle),  # a byte every 0.2 s: still 1 s in all
    (b"GE", None),
], ids=["body", "headers", "trickle", "request-line"])
def test_a_client_that_stalls_gets_408(strict, request_bytes, then):
    host = "127.0.0.1:%d" % strict.server_address[1]
    status, response, seconds = raw(strict, request_bytes.replace(b"{host}", host.encode()), then=then)
    assert status == 408 and "did not arrive within 1 s" in response
    assert 0.9 < seconds < 3


# 6. Control characters in the request line are escaped in the log; the query is never logged.
def test_control_characters_are_escaped_in_the_log(server):
    assert raw(server, b"GET /sp\x00ar\x1b[31mql\x7f\xe2\x80\xae?query=secret HTTP/1.0\r\n\r\n")[0] == 404
    assert raw(server, b"\x1b[2JGET\x00 / HTTP/1.0\r\n\r\n")[0] == 501
    log = server.log_stream.getvalue()
    assert not [c for c in log if not c.isprintable() and c != "\n"]
    assert r'"GET /sp\x00ar\x1b[31mql\x7f\u202e" 404' in log and r'"\x1b[2JGET\x00 /" 501' in log
    assert "secret" not in log and log.count("\n") == 2


# Store errors: retried on a fresh snapshot, and answered with their true cause.
SST_MISSING = "IO error: No such file or directory: While open a file for random read: /s/oxigraph/000042.sst"


def test_a_store_read_error_is_retried_on_a_fresh_snapshot(example_store, monkeypatch):
    real, calls = endpoint_worker.run_query, []

    def flaky(*args, **dataset):
        calls.append(1)
        if len(calls) == 1 or not args:
            raise StoreReadError(f"the store could not be read: {SST_MISSING}")
        return real(*args, **dataset)

    monkeypatch.setattr(endpoint_worker, "run_query", flaky)
    view = endpoint_worker.StoreView(example_store, decisions=False)
    try:
        assert endpoint_worker.answer(view, {"query": COUNT_REVIEWS, "accept": "text/csv"}) == (
            {"status": 200, "type": "text/csv; charset=utf-8"}, b"n\r\n23\r\n")
        calls.clear()
        monkeypatch.setattr(endpoint_worker, "run_query", lambda *args, **kwargs: flaky() or flaky())
        header, body = endpoint_worker.answer(view, {"query": COUNT_REVIEWS})
        assert header["status"] == 503 and body.decode() == f"the store could not be read: {SST_MISSING}\n"
    finally:
        view.close()


@pytest.mark.parametrize(("error", "cause"), [
    (FileNotFoundError(SST_MISSING), SST_MISSING),  # pyoxigraph's: no errno, no file name
    (RuntimeError("Corruption: bad block"), "Corruption: bad block"),
    (OSError(), "OSError"),
], ids=["sst-missing", "corruption", "empty"])
def test_an_unreadable_store_says_why(example_store, monkeypatch, error, cause):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(endpoint_worker.ReviewStore, "snapshot", fail)
    monkeypatch.setattr(endpoint_worker, "OPEN_ATTEMPTS", 2)
    header, body = endpoint_worker.answer(endpoint_worker.StoreView(example_store, decisions=False),
                                          {"query": COUNT_REVIEWS})
    assert header["status"] == 503
    assert body.decode() == f"cannot open the store at {example_store} for reading: {cause}\n"


def test_queries_during_concurrent_loads_get_no_5xx(tmp_path):
    reviews = tmp_path / "reviews"
    reviews.mkdir()
    for path in EXAMPLE_FILES[:4]:
        shutil.copy(path, reviews)
    store = tmp_path / "store"
    load_paths([reviews], store)
    removed = EXAMPLE_FILES[0].stem
    writer = subprocess.Popen(["bash", "-c", f"while :; do '{CASEGRAPH}' load '{reviews}' --store '{store}'; "
                               f"'{CASEGRAPH}' remove {removed} --store '{store}'; done"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    answers = []
    try:
        with running(store) as server:
            deadline = time.monotonic() + 4

            def hammer():
                while time.monotonic() < deadline:
                    answers.append(fetch(server, COUNT_REVIEWS, "text/csv", timeout=20)[::2])

            threads = [threading.Thread(target=hammer) for _ in range(3)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
    finally:
        os.killpg(writer.pid, signal.SIGKILL)
        writer.wait()
    assert [answer for answer in answers if answer[0] >= 500] == []
    assert {body for _, body in answers} <= {"n\r\n3\r\n", "n\r\n4\r\n"} and len(answers) > 50


# Workers die with the server, however it ends.
@LINUX
@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM], ids=["kill-9", "ctrl-c", "term"])
def test_the_workers_die_with_the_server(example_store, signum):
    # As from a terminal, where Ctrl-C is not ignored (it is in a background job, and would be inherited).
    command = ("import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
               "from casegraph.cli import main; sys.argv[0] = 'casegraph'; main()")
    server = subprocess.Popen([sys.executable, "-c", command, "serve", "--store", str(example_store), "--port", "0",
                               "--workers", "2"], stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert "casegraph SPARQL endpoint at http://127.0.0.1:" in server.stderr.readline()
        workers = children(server.pid)
        assert len(workers) == 2 and all(map(running_pid, workers))
        if signum == signal.SIGINT:
            os.killpg(server.pid, signum)  # as a terminal's Ctrl-C does: to the whole process group
        else:
            os.kill(server.pid, signum)
        server.wait(10)
        assert eventually(lambda: not any(map(running_pid, workers)), within=5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.stderr.close()
    if signum != signal.SIGKILL:  # a server that could clean up did: no snapshot of its workers is left
        assert server.returncode == 0
        snapshots = example_store / "snapshots"
        left = {entry.name.split("-")[0] for entry in snapshots.iterdir()} if snapshots.exists() else set()
        assert not left & {str(pid) for pid in workers}
