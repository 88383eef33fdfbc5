"""Pushing reviews to an external SPARQL store, checked against a real Virtuoso.

scripts/run-tests starts one with tests/servers/virtuoso.sh and sets CASEGRAPH_TEST_SPARQL_STORE
(its base URL) and CASEGRAPH_TEST_SPARQL_USER / _PASSWORD (its dba login). Without them the
server tests skip, except under CI=true, where they fail: CI must never skip them silently.
"""
from __future__ import annotations

import base64
import json
import os
import socket
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from casegraph.graph.store import ReviewStore
from casegraph.ontology import review_iri
from casegraph.graph.loading import load_paths
from casegraph.exchange.sparql_push import (EndpointAuthError, EndpointUnreachable, GraphStoreProtocol, PushError,
                                   SparqlUpdate, auth_from_env, push_reviews)

from tests.conftest import EXAMPLES

SERVER_ENV = "CASEGRAPH_TEST_SPARQL_STORE"
CHANGED = "scr-30-2016"


@pytest.fixture(scope="session")
def server() -> str:
    """The Virtuoso base URL, checked to answer; a skip locally, a failure under CI=true."""
    url = os.environ.get(SERVER_ENV, "").rstrip("/")
    problem = None
    if not url:
        problem = f"{SERVER_ENV} is not set (scripts/run-tests starts Virtuoso with tests/servers/virtuoso.sh)"
    else:
        try:
            sparql(url, "ASK {}")
        except OSError as error:
            problem = f"{SERVER_ENV}={url} does not answer SPARQL: {error}"
    if problem and os.environ.get("CI") == "true":
        pytest.fail(f"CI=true, so the SPARQL store tests must run: {problem}")
    if problem:
        pytest.skip(problem)
    return url


@pytest.fixture(scope="session")
def dba(server) -> tuple[str, str]:
    user, password = os.environ.get("CASEGRAPH_TEST_SPARQL_USER"), os.environ.get("CASEGRAPH_TEST_SPARQL_PASSWORD")
    if not (user and password):
        pytest.fail("CASEGRAPH_TEST_SPARQL_USER and CASEGRAPH_TEST_SPARQL_PASSWORD must come with " + SERVER_ENV)
    return user, password


@pytest.fixture(scope="module")
def examples_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("push") / "store"
    assert not load_paths([EXAMPLES], path).failed
    return path


@pytest.fixture
def clean(server):
    """Graphs the test names here are dropped from the server afterwards, pass or fail."""
    graphs: list[str] = []
    yield graphs
    for graph in graphs:
        update(server, f"DROP SILENT GRAPH {ox.NamedNode(graph)}")


def endpoints(server: str, login: bool = False) -> dict[str, str]:
    """Virtuoso's endpoints by protocol: anonymous, or with a digest login as dba."""
    if login:
        return {"gsp": f"{server}/sparql-graph-crud-auth", "update": f"{server}/sparql-auth"}
    return {"gsp": f"{server}/sparql-graph-crud", "update": f"{server}/sparql"}


def sparql(server: str, query: str, accept: str = "application/sparql-results+json") -> bytes:
    url = f"{server}/sparql?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=30) as response:
        return response.read()


def update(server: str, text: str) -> None:
    request = urllib.request.Request(f"{server}/sparql", data=text.encode(), method="POST",
                                     headers={"Content-Type": "application/sparql-update"})
    urllib.request.urlopen(request, timeout=30).read()


def remote_count(server: str, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
    result = json.loads(sparql(server, query))
    return int(result["results"]["bindings"][0]["n"]["value"])


def remote_triples(server: str, graph: str) -> set[ox.Triple]:
    data = sparql(server, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}",
                  "application/n-triples")
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)}


def local_triples(store_path: Path) -> dict[str, set[ox.Triple]]:
    with ReviewStore.open(store_path) as store:
        return {r: {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(r)} for r in store.review_ids()}


XSD = "http://www.w3.org/2001/XMLSchema#"


def as_virtuoso_keeps(triples: set[ox.Triple], protocol: str) -> set[ox.Triple]:
    """What Virtuoso 7 keeps: SPARQL Update turns "14"^^xsd:decimal into xsd:integer
    (openlink/virtuoso-opensource#1062); its Graph Store Protocol keeps every triple as sent."""
    if protocol != "update":
        return triples

    def kept(term):
        if isinstance(term, ox.Literal) and term.datatype.value == XSD + "decimal" and term.value.isdigit():
            return ox.Literal(term.value, datatype=ox.NamedNode(XSD + "integer"))
        return term
    return {ox.Triple(t.subject, t.predicate, kept(t.object)) for t in triples}


def assert_same(server: str, local: dict[str, set[ox.Triple]], protocol: str) -> None:
    for review_id, triples in local.items():
        triples = as_virtuoso_keeps(triples, protocol)
        graph = review_iri(review_id)
        assert remote_count(server, graph) == len(triples), review_id
        remote = remote_triples(server, graph)
        assert remote == triples, (f"{review_id}: only remote {sorted(map(str, remote - triples))[:5]}, "
                                   f"only local {sorted(map(str, triples - remote))[:5]}")


PUSHES = [pytest.param("gsp", 5_000, id="gsp"), pytest.param("update", 5_000, id="update"),
          pytest.param("update", 37, id="update-small-chunks")]


@pytest.mark.parametrize(("protocol", "chunk"), PUSHES)
def test_push_copies_every_review_graph_exactly(server, examples_store, clean, protocol, chunk):
    local = local_triples(examples_store)
    clean.extend(map(review_iri, local))
    done = []
    report = push_reviews(examples_store, endpoints(server)[protocol], protocol=protocol, chunk_triples=chunk,
                          progress=done.append)
    assert done == sorted(local) == [review_id for review_id, _ in report.reviews]
    assert report.triples == sum(map(len, local.values())) and report.triples_per_second > 0
    assert_same(server, local, protocol)


@pytest.mark.parametrize(("protocol", "chunk"), PUSHES)
def test_pushing_a_reloaded_review_replaces_its_graph_exactly(server, tmp_path, clean, protocol, chunk):
    store = tmp_path / "store"
    assert not load_paths([EXAMPLES], store).failed
    before = local_triples(store)
    clean.extend(map(review_iri, before))
    endpoint = endpoints(server)[protocol]
    bystander = "https://example.org/not-a-review"  # someone else's graph on the same server
    clean.append(bystander)
    update(server, f'INSERT DATA {{ GRAPH {ox.NamedNode(bystander)} {{ <https://example.org/s> '
                   f'<https://example.org/p> "kept" }} }}')
    push_reviews(store, endpoint, protocol=protocol, chunk_triples=chunk)

    changed = tmp_path / f"{CHANGED}.yaml"
    text = (EXAMPLES / f"{CHANGED}.yaml").read_text(encoding="utf-8")
    text = text.replace('title: "SCR 30 (2016): Child M"', 'title: "SCR 30 (2016): Child M, revised"', 1)
    text = text.replace("people:\n", 'people:\n  - {id: aunt, role: family-member, name: "Child M\'s aunt"}\n', 1)
    changed.write_text(text, encoding="utf-8")
    assert not load_paths([changed], store).failed
    after = local_triples(store)
    assert len(after[CHANGED]) > len(before[CHANGED]) and before[CHANGED] - after[CHANGED]  # added and replaced

    report = push_reviews(store, endpoint, [CHANGED], protocol=protocol, chunk_triples=chunk)
    assert report.reviews == [(CHANGED, len(after[CHANGED]))]
    assert_same(server, after, protocol)  # the changed graph exactly (no stale title), the others as they were
    assert not remote_triples(server, review_iri(CHANGED)) & (before[CHANGED] - after[CHANGED])
    assert remote_count(server, bystander) == 1


BLANK_NODES = b"""<http://example.org/r> <http://example.org/evidence> _:e .
_:e <http://example.org/quote> "one" .
_:e <http://example.org/next> _:f .
_:f <http://example.org/quote> "two \\u00e9\\n\\"three\\"" .
"""


@pytest.mark.parametrize("target", [GraphStoreProtocol, SparqlUpdate])
def test_blank_nodes_arrive_intact(server, clean, target):
    graph = review_iri("blank-node-test")
    clean.append(graph)
    triples = [ox.Triple(q.subject, q.predicate, q.object)
               for q in ox.parse(BLANK_NODES, format=ox.RdfFormat.N_TRIPLES)]
    endpoint = endpoints(server)["gsp" if target is GraphStoreProtocol else "update"]
    target(endpoint, chunk_triples=1).replace_graph(graph, triples)  # blank nodes keep a graph in one request

    def as_rdflib(items) -> rdflib.Graph:
        return rdflib.Graph().parse(data=ox.serialize(items, format=ox.RdfFormat.N_TRIPLES).decode(), format="nt")

    assert isomorphic(as_rdflib(remote_triples(server, graph)), as_rdflib(triples))


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_digest_login(server, dba, examples_store, clean, protocol):
    pushed = [CHANGED, "scr-1-2016"]
    clean.extend(map(review_iri, pushed))
    endpoint = endpoints(server, login=True)[protocol]
    report = push_reviews(examples_store, endpoint, pushed, protocol=protocol, auth=dba)
    assert report.triples == sum(remote_count(server, review_iri(r)) for r in pushed) > 0

    with pytest.raises(EndpointAuthError, match=r"refused the user name or password for 'dba' \(HTTP 401\)$"):
        push_reviews(examples_store, endpoint, [CHANGED], protocol=protocol, auth=(dba[0], "wrong"))
    with pytest.raises(EndpointAuthError, match=r"asks for a login \(HTTP 401\); set CASEGRAPH_SPARQL_USER"):
        push_reviews(examples_store, endpoint, [CHANGED], protocol=protocol)


def test_server_errors_are_one_trimmed_line(server, examples_store):
    with pytest.raises(PushError) as raised:
        push_reviews(examples_store, f"{server}/no-such-endpoint", [CHANGED], protocol="update")
    message = str(raised.value)
    assert message.startswith(f"{server}/no-such-endpoint answered HTTP 404 File not found: ")
    assert "\n" not in message and len(message) < 500


def test_an_endpoint_that_never_answers_times_out_in_one_line(server, examples_store):
    # Virtuoso's query endpoint accepts a PUT and never answers it
    with pytest.raises(EndpointUnreachable, match=rf"^no answer from {server}/sparql within 1 s \(is it the store's "
                                                  r"Graph Store Protocol endpoint\?\)$"):
        push_reviews(examples_store, f"{server}/sparql", [CHANGED], timeout=1)


@pytest.mark.xfail(strict=True, reason="Virtuoso 7 stores \"14\"^^xsd:decimal sent by SPARQL Update as xsd:integer "
                                       "(openlink/virtuoso-opensource#1062); use the Graph Store Protocol")
def test_virtuoso_keeps_decimals_sent_by_sparql_update(server, clean):
    graph = review_iri("decimal-test")
    clean.append(graph)
    age = ox.Triple(ox.NamedNode("http://example.org/p"), ox.NamedNode("http://example.org/age"),
                    ox.Literal("14", datatype=ox.NamedNode(XSD + "decimal")))
    SparqlUpdate(endpoints(server)["update"]).replace_graph(graph, [age])
    assert remote_triples(server, graph) == {age}


# -- without a server ------------------------------------------------------------------------------
def dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_a_dead_port_is_reported_unreachable_in_one_line(examples_store, protocol):
    endpoint = f"http://127.0.0.1:{dead_port()}/sparql"
    with pytest.raises(EndpointUnreachable) as raised:
        push_reviews(examples_store, endpoint, protocol=protocol)
    assert str(raised.value) == (f"cannot reach the SPARQL endpoint {endpoint}: connection refused "
                                 "(is the server running, and is the port right?)")


@pytest.mark.parametrize(("endpoint", "review", "message"), [
    ("ftp://example.org/sparql", None, "is not an http:// or https:// URL"),
    ("localhost:8890/sparql", None, "is not an http:// or https:// URL"),
    ("http://127.0.0.1:9/sparql", "scr-30-2061", "no review 'scr-30-2061'.*did you mean 'scr-30-2016'"),
])
def test_bad_arguments_fail_before_anything_is_sent(examples_store, endpoint, review, message):
    with pytest.raises(Exception, match=message):
        push_reviews(examples_store, endpoint, [review] if review else None)


class FakeStore(BaseHTTPRequestHandler):
    """A stand-in store on a local port: Basic login as alice:pw; /moved redirects, /read-only refuses."""

    def do_HEAD(self):
        self.answer()

    do_PUT = do_POST = do_HEAD

    def answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.seen.append((self.command, self.headers.get("Authorization"), len(body)))
        if self.path.startswith("/moved"):
            self.reply(307, Location="http://192.0.2.1/elsewhere")
        elif self.headers.get("Authorization") != "Basic " + base64.b64encode(b"alice:pw").decode():
            self.reply(401, **{"WWW-Authenticate": 'Basic realm="test"'})
        elif self.path.startswith("/read-only"):
            self.reply(403, b"<html><head><title>403</title></head><body><h1>Forbidden</h1>\n"
                            b"<p>alice may only read &amp; query</p></body></html>")
        else:
            self.reply(204)

    def reply(self, code: int, body: bytes = b"", **headers):
        self.send_response(code)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_store():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStore)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_basic_login_is_sent_up_front_so_each_review_is_uploaded_once(fake_store, examples_store):
    url = f"http://127.0.0.1:{fake_store.server_port}"
    report = push_reviews(examples_store, f"{url}/data", [CHANGED, "scr-1-2016"], auth=("alice", "pw"))
    basic = "Basic " + base64.b64encode(b"alice:pw").decode()
    assert [(method, login) for method, login, _ in fake_store.seen] == [("HEAD", None), ("PUT", basic), ("PUT", basic)]
    assert all(size > 0 for _, _, size in fake_store.seen[1:]) and len(report.reviews) == 2


def test_a_redirect_is_reported_not_followed(fake_store, examples_store):
    endpoint = f"http://127.0.0.1:{fake_store.server_port}/moved"
    with pytest.raises(PushError, match=r"^http://127\.0\.0\.1:\d+/moved: the server redirects to "
                                        r"http://192\.0\.2\.1/elsewhere \(HTTP 307\); push to that URL"):
        push_reviews(examples_store, endpoint, [CHANGED])
    assert len(fake_store.seen) == 1


def test_a_refusal_names_the_user_and_quotes_the_server(fake_store, examples_store):
    endpoint = f"http://127.0.0.1:{fake_store.server_port}/read-only"
    with pytest.raises(EndpointAuthError) as raised:
        push_reviews(examples_store, endpoint, [CHANGED], auth=("alice", "pw"))
    assert str(raised.value) == (f"{endpoint} does not let user 'alice' write there (HTTP 403): "
                                 "Forbidden alice may only read & query")


def test_auth_from_env_needs_both_halves():
    with pytest.raises(PushError, match="no password; set CASEGRAPH_SPARQL_PASSWORD"):
        auth_from_env(environ={"CASEGRAPH_SPARQL_USER": "dba"})
    with pytest.raises(PushError, match="no user name; set CASEGRAPH_SPARQL_USER"):
        auth_from_env(environ={"CASEGRAPH_SPARQL_PASSWORD": "x"})
    assert auth_from_env("alice", environ={"CASEGRAPH_SPARQL_PASSWORD": "x"}) == ("alice", "x")


# -- the command ---------------------------------------------------------------------------------
def test_cli_reports_an_unreachable_endpoint_as_one_line_and_exit_3(examples_store):
    from click.testing import CliRunner

    from casegraph.cli import main

    endpoint = f"http://127.0.0.1:{dead_port()}/sparql-graph-crud"
    result = CliRunner().invoke(main, ["push", "sparql", endpoint, "--store", str(examples_store)])
    assert result.exit_code == 3, result.output
    assert result.output.strip().splitlines() == [f"error: cannot reach the SPARQL endpoint {endpoint}: connection "
                                                  "refused (is the server running, and is the port right?)"]


def test_cli_pushes_with_credentials_from_the_environment(server, dba, examples_store, clean, monkeypatch):
    from click.testing import CliRunner

    from casegraph.cli import main

    local = local_triples(examples_store)
    clean.extend(map(review_iri, local))
    monkeypatch.setenv("CASEGRAPH_SPARQL_USER", dba[0])
    monkeypatch.setenv("CASEGRAPH_SPARQL_PASSWORD", dba[1])
    monkeypatch.setattr("casegraph.commands.common.interactive", lambda: True)
    monkeypatch.setattr("casegraph.commands.push.interactive", lambda: True)
    endpoint = f"{server}/sparql-graph-crud-auth"
    result = CliRunner().invoke(main, ["push", "sparql", endpoint, "--store", str(examples_store)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("\r\x1b[Kpushing [")  # the progress bar, drawn in place
    triples = sum(map(len, local.values()))
    assert f"pushed {len(local)} review(s), {triples} triples to {endpoint} in " in result.output
    assert_same(server, local, "gsp")


def test_cli_without_a_password_is_one_line_exit_3(examples_store, monkeypatch):
    from click.testing import CliRunner

    from casegraph.cli import main

    monkeypatch.delenv("CASEGRAPH_SPARQL_PASSWORD", raising=False)
    result = CliRunner().invoke(main, ["push", "sparql", "http://127.0.0.1:9/sparql-graph-crud-auth",
                                       "--store", str(examples_store), "--user", "dba"])
    assert result.exit_code == 3
    assert result.output == "error: a user name ('dba') but no password; set CASEGRAPH_SPARQL_PASSWORD\n"
