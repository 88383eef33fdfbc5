"""A read-only SPARQL 1.1 Protocol endpoint over the store, on the standard library's HTTP server.

Any SPARQL client can query the stored reviews at ``/sparql``::

    GET  /sparql?query=...
    POST /sparql   Content-Type: application/x-www-form-urlencoded   query=...
    POST /sparql   Content-Type: application/sparql-query             (the query as the body)

The dataset is ``ReviewStore.query``'s: the default graph is the union of the review graphs, and
each review and the ontology are named graphs (``GRAPH ?g``). The casegraph prefixes are
predeclared by the engine, as in the CLI; a query's own ``PREFIX`` wins.

Results follow the ``Accept`` header. SELECT and ASK answer in SPARQL JSON (the default), SPARQL
XML, CSV or TSV. CONSTRUCT and DESCRIBE answer in Turtle (the default), N-Triples, JSON-LD or
RDF/XML. Anything else gets 406.

Refused requests:
- Updates: ``update=`` or ``application/sparql-update`` get 403. The store is opened read-only.
- ``SERVICE``: 400. Federated queries would make the engine call other servers, and casegraph
  makes no network calls.
- ``FROM`` / ``FROM NAMED`` and the ``default-graph-uri`` / ``named-graph-uri`` parameters: 400.
  The dataset is fixed, so a query naming another one would silently get other answers.

The store is reopened whenever its files change, so reviews loaded by another process appear
without a restart. Each request is logged to stderr as one line, without the query text (queries
may name people).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import socketserver
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from casegraph.errors import CasegraphError, StoreError
from casegraph.graph.store import ONTOLOGY_GRAPH, ReviewStore, default_store_path, store_fingerprint
from casegraph.ontology import PREFIXES
from casegraph.queries.screen import QueryRefused, screen

ENDPOINT = "/sparql"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
MAX_BODY_BYTES = 1 << 20  # a query longer than 1 MiB is a mistake
SOCKET_TIMEOUT_SECONDS = 30  # a client that stops sending mid-request frees its thread
TEXT = "text/plain; charset=utf-8"


class ServeError(CasegraphError):
    """The endpoint cannot start (e.g. the port is taken)."""


# -- result formats and content negotiation -----------------------------------------------------
@dataclass(frozen=True)
class ResultFormat:
    content_type: str  # what the response says
    accepted: tuple[str, ...]  # media types in Accept that choose it (the first is the canonical one)
    format: ox.QueryResultsFormat | ox.RdfFormat


# In order of preference: the first is the default when Accept is absent or */*.
SOLUTION_FORMATS = (
    ResultFormat("application/sparql-results+json", ("application/sparql-results+json", "application/json"),
                 ox.QueryResultsFormat.JSON),
    ResultFormat("application/sparql-results+xml", ("application/sparql-results+xml", "application/xml",
                                                     "text/xml"), ox.QueryResultsFormat.XML),
    ResultFormat("text/csv; charset=utf-8", ("text/csv",), ox.QueryResultsFormat.CSV),
    ResultFormat("text/tab-separated-values; charset=utf-8", ("text/tab-separated-values",),
                 ox.QueryResultsFormat.TSV),
)
GRAPH_FORMATS = (
    ResultFormat("text/turtle; charset=utf-8", ("text/turtle", "application/x-turtle"), ox.RdfFormat.TURTLE),
    ResultFormat("application/n-triples", ("application/n-triples",), ox.RdfFormat.N_TRIPLES),
    ResultFormat("application/ld+json", ("application/ld+json",), ox.RdfFormat.JSON_LD),
    ResultFormat("application/rdf+xml", ("application/rdf+xml",), ox.RdfFormat.RDF_XML),
)


def negotiate(accept: str | None, offers: tuple[ResultFormat, ...]) -> ResultFormat | None:
    """The offer the Accept header rates highest (ties: the earlier offer), or None if none is acceptable.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SOLUTION_FORMATS).format
    <QueryResultsFormat SPARQL Results in XML>
    >>> negotiate(None, GRAPH_FORMATS).format
    <RdfFormat Turtle>
    >>> negotiate("text/html", SOLUTION_FORMATS) is None
    True
    """
    ranges = _accept_ranges(accept) if accept and accept.strip() else [("*/*", 1.0)]
    best, best_quality = None, 0.0
    for offer in offers:
        quality = max(_quality(ranges, media_type) for media_type in offer.accepted)
        if quality > best_quality:
            best, best_quality = offer, quality
    return best


def _accept_ranges(header: str) -> list[tuple[str, float]]:
    ranges = []
    for item in header.split(","):
        media_range, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        if media_range:
            ranges.append((media_range.lower(), quality))
    return ranges


def _quality(ranges: list[tuple[str, float]], media_type: str) -> float:
    """The q of the most specific range that matches media_type (RFC 9110, 12.5.1)."""
    kind = media_type.split("/")[0]
    specificity = {media_type: 2, f"{kind}/*": 1, "*/*": 0}
    matches = [(specificity[r], q) for r, q in ranges if r in specificity]
    if not matches:
        return 0.0
    most_specific = max(s for s, _ in matches)
    return max(q for s, q in matches if s == most_specific)


# -- screening queries --------------------------------------------------------------------------
class Refused(CasegraphError):
    """A request the endpoint answers with an HTTP error status and a one-paragraph message."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


# -- answering ----------------------------------------------------------------------------------
def run_query(store: ReviewStore, text: str, accept: str | None) -> tuple[str, bytes]:
    """Answer one query as the Accept header asks: (content type, body), or raise Refused."""
    try:
        screen(text)
        results = store.query(text)
    except QueryRefused as refusal:
        raise Refused(HTTPStatus.BAD_REQUEST, str(refusal)) from None
    except SyntaxError as error:
        raise Refused(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {error}") from None
    except OSError as error:
        raise Refused(HTTPStatus.INTERNAL_SERVER_ERROR, f"the store could not be read: {error}") from None
    offers = GRAPH_FORMATS if isinstance(results, ox.QueryTriples) else SOLUTION_FORMATS
    chosen = negotiate(accept, offers)
    if chosen is None:
        kind = "CONSTRUCT and DESCRIBE" if offers is GRAPH_FORMATS else "SELECT and ASK"
        raise Refused(HTTPStatus.NOT_ACCEPTABLE, f"{kind} results are available as: "
                      + ", ".join(offer.accepted[0] for offer in offers))
    try:
        if isinstance(chosen.format, ox.RdfFormat):
            body = ox.serialize(results, format=chosen.format, prefixes=PREFIXES)
        else:
            body = results.serialize(format=chosen.format)
    except OSError as error:
        raise Refused(HTTPStatus.INTERNAL_SERVER_ERROR, f"the store could not be read: {error}") from None
    return chosen.content_type, body


class _Snapshot:
    """The read-only store, reopened whenever its files change.

    A read-only Oxigraph handle sees the store as it was when opened. Reopening costs tens of
    milliseconds (the write-ahead log is replayed), while listing the directory costs well under
    one, so the listing (names, sizes, modification times) decides when to reopen.
    """

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._store: ReviewStore | None = None
        self._stack = contextlib.ExitStack()

    def current(self) -> ReviewStore:
        key = self._fingerprint()  # taken before opening, so a write during the open is seen next time
        with self._lock:
            if key is None or key != self._key:  # None: no directory, and ReviewStore.open says so
                stack = contextlib.ExitStack()
                try:
                    store = stack.enter_context(ReviewStore.open(self.path))
                except StoreError:
                    if self._store is None:
                        raise
                    return self._store  # a writer is mid-change: the last snapshot answers until reopened
                self._stack.close()  # requests still using the old handle keep it alive
                self._key, self._store, self._stack = key, store, stack
            return self._store

    def _fingerprint(self) -> tuple | None:
        return store_fingerprint(self.path)

    def close(self) -> None:
        with self._lock:
            self._stack.close()
            self._key = self._store = None


# -- HTTP ---------------------------------------------------------------------------------------
class SparqlServer(ThreadingHTTPServer):
    """The endpoint: ThreadingHTTPServer answering /sparql from one store. Build it with make_server."""

    daemon_threads = True

    def __init__(self, store_path: Path, host: str, port: int, log: TextIO | None = None):
        self.store = _Snapshot(store_path)
        self.store.current()  # no store, no server: fail now with the store's own message
        self.log_stream = log
        self._log_lock = threading.Lock()
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # HTTPServer's version does a slow reverse DNS lookup
        self.server_name, self.server_port = self.server_address[:2]

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}{ENDPOINT}"

    @property
    def is_loopback(self) -> bool:
        """True if only this machine can connect."""
        return ipaddress.ip_address(self.server_address[0]).is_loopback

    def log(self, line: str) -> None:
        with self._log_lock:
            print(line, file=self.log_stream or sys.stderr, flush=True)

    def server_close(self) -> None:
        super().server_close()
        self.store.close()


def make_server(store_path: Path | str | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                log: TextIO | None = None) -> SparqlServer:
    """A bound, not yet running endpoint; call serve_forever() (in a thread, say) and then shutdown().

    The store must exist (StoreError otherwise). port=0 picks a free port; see server.url.
    host is 127.0.0.1 unless you ask for another interface. log receives one line per request
    (default: stderr).
    """
    path = Path(store_path) if store_path else default_store_path()
    try:
        return SparqlServer(path, host, port, log)
    except OSError as error:
        raise ServeError(f"cannot listen on {host} port {port}: {error.strerror or error}") from None


def serve(store_path: Path | str | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
          on_ready: Callable[[SparqlServer], None] | None = None) -> None:
    """Answer SPARQL queries over HTTP until interrupted (Ctrl-C). on_ready(server) runs once listening."""
    with make_server(store_path, host, port) as server:
        if on_ready:
            on_ready(server)
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


def _info_page(store: ReviewStore) -> bytes:
    prefixes = " ".join(f"{p}:" for p in PREFIXES)
    return (f"casegraph SPARQL 1.1 endpoint (read-only), {len(store)} review(s)\n\n"
            f"Query at {ENDPOINT}:\n"
            f"  GET  {ENDPOINT}?query=...\n"
            f"  POST {ENDPOINT} with application/x-www-form-urlencoded (query=...)\n"
            f"  POST {ENDPOINT} with application/sparql-query (the query as the body)\n\n"
            "The default graph is the union of the review graphs. Each review is also a named graph\n"
            f"(GRAPH ?g), next to the ontology and code lists in <{ONTOLOGY_GRAPH}>.\n"
            f"Predeclared prefixes: {prefixes}\n\n"
            "SELECT and ASK: " + ", ".join(f.accepted[0] for f in SOLUTION_FORMATS) + "\n"
            "CONSTRUCT and DESCRIBE: " + ", ".join(f.accepted[0] for f in GRAPH_FORMATS) + "\n"
            "(chosen by the Accept header). Updates, SERVICE and FROM are refused.\n").encode()


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    timeout = SOCKET_TIMEOUT_SECONDS

    def version_string(self) -> str:
        return "casegraph"

    # -- routing -----------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._answer(self._get)

    def do_HEAD(self) -> None:
        self._answer(self._get)

    def do_POST(self) -> None:
        self._answer(self._post)

    def _not_allowed(self) -> None:
        self._answer(lambda: self._refuse(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST"))

    do_PUT = do_DELETE = do_PATCH = _not_allowed

    def _get(self) -> tuple[HTTPStatus, str, bytes]:
        path, params = self._url()
        if path == "/":
            return HTTPStatus.OK, TEXT, _info_page(self.server.store.current())
        self._require_endpoint(path)
        return self._query(params)

    def _post(self) -> tuple[HTTPStatus, str, bytes]:
        path, params = self._url()
        if path == "/":
            self._refuse(HTTPStatus.METHOD_NOT_ALLOWED, f"send queries to {ENDPOINT}")
        self._require_endpoint(path)
        body = self._body()
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media_type == "application/sparql-update":
            self._refuse_update()
        if media_type == "application/x-www-form-urlencoded":
            for name, values in _parse_params(_utf8(body)).items():
                params.setdefault(name, []).extend(values)
        elif media_type == "application/sparql-query":
            if "query" in params:
                self._refuse(HTTPStatus.BAD_REQUEST, "send the query as the body or as query=, not both")
            params["query"] = [_utf8(body)]
        else:
            self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "POST a query as application/sparql-query or "
                         "as query= in application/x-www-form-urlencoded")
        return self._query(params)

    # -- the protocol --------------------------------------------------------------------------
    def _query(self, params: dict[str, list[str]]) -> tuple[HTTPStatus, str, bytes]:
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            self._refuse_update()
        if "default-graph-uri" in params or "named-graph-uri" in params:
            self._refuse(HTTPStatus.BAD_REQUEST, "this endpoint does not accept default-graph-uri or "
                         "named-graph-uri: the default graph is the union of all reviews, and each review "
                         "is a named graph (use GRAPH in the query)")
        queries = params.get("query", [])
        if len(queries) != 1:
            self._refuse(HTTPStatus.BAD_REQUEST, f"expected exactly one query parameter, got {len(queries)}; "
                         f"see / for how to query this endpoint")
        content_type, body = run_query(self.server.store.current(), queries[0], self.headers.get("Accept"))
        return HTTPStatus.OK, content_type, body

    def _refuse_update(self):
        self._refuse(HTTPStatus.FORBIDDEN, "this endpoint is read-only and runs no SPARQL updates; "
                     "change the store with casegraph load or casegraph remove")

    @staticmethod
    def _refuse(status: HTTPStatus, message: str):
        raise Refused(status, message)

    def _require_endpoint(self, path: str) -> None:
        if path != ENDPOINT:
            self._refuse(HTTPStatus.NOT_FOUND, f"nothing at {path}; the SPARQL endpoint is {ENDPOINT}")

    def _url(self) -> tuple[str, dict[str, list[str]]]:
        parts = urllib.parse.urlsplit(_utf8(self.path.encode("latin-1")))  # http.server decoded it as Latin-1
        return parts.path, _parse_params(parts.query)

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self._refuse(HTTPStatus.LENGTH_REQUIRED, "send a Content-Length, not a chunked body")
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            self._refuse(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length")
        if length < 0 or length > MAX_BODY_BYTES:
            self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a request body may be at most {MAX_BODY_BYTES} "
                         "bytes")
        return self.rfile.read(length)

    # -- responses and logging -------------------------------------------------------------------
    def _answer(self, respond: Callable[[], tuple[HTTPStatus, str, bytes]]) -> None:
        self._started = time.perf_counter()
        try:
            status, content_type, body = respond()
        except Refused as refusal:
            status, content_type, body = refusal.status, TEXT, f"{refusal}\n".encode()
        except StoreError as error:
            status, content_type, body = HTTPStatus.SERVICE_UNAVAILABLE, TEXT, f"{error}\n".encode()
        except Exception as error:  # noqa: BLE001 - one bad request must not stop the server
            # The message may quote the query, so only the kind of error goes to the log.
            self.server.log(f"error: {type(error).__name__} while answering a request")
            status, content_type, body = HTTPStatus.INTERNAL_SERVER_ERROR, TEXT, b"internal error\n"
        self._size = len(body)
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Vary", "Accept")
            self.send_header("X-Content-Type-Options", "nosniff")
            if status == HTTPStatus.METHOD_NOT_ALLOWED:
                self.send_header("Allow", "GET, HEAD, POST")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client went away
            pass

    def log_request(self, code="-", size="-") -> None:
        """One line: client, time, method, path without the query string, status, size, duration."""
        path = urllib.parse.urlsplit(getattr(self, "path", "") or "").path
        path = "".join(c if c.isprintable() else "?" for c in path[:200])
        started = getattr(self, "_started", None)
        duration = f" {(time.perf_counter() - started) * 1000:.1f} ms" if started else ""
        now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        self.server.log(f'{self.client_address[0]} [{now}] "{self.command or "-"} {path or "-"}" '
                        f"{int(code) if isinstance(code, int) else code} "
                        f"{getattr(self, '_size', '-')}{duration}")

    def log_error(self, format, *args) -> None:  # noqa: A002 - http.server's signature
        """http.server's own error lines may quote the request line, which holds the query: drop them."""

    def log_message(self, format, *args) -> None:  # noqa: A002
        """Every line goes through log_request."""


def _parse_params(query_string: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(query_string, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, "the parameters are not UTF-8 once percent-decoded") from None


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, "the request is not UTF-8") from None
