"""A read-only SPARQL 1.1 Protocol endpoint over the store, on the standard library's HTTP server.

Any SPARQL client can query the stored reviews at ``/sparql``::

    GET  /sparql?query=...
    POST /sparql   Content-Type: application/x-www-form-urlencoded   query=...
    POST /sparql   Content-Type: application/sparql-query             (the query as the body)
    GET  /sparql                                                      (no query: the service description)

A browser opening ``/`` gets a query page (`endpoint_page`: an editor, the saved questions, the
answers as a table; it loads nothing from anywhere and queries ``/sparql`` like any client);
other clients get a plain-text summary. ``GET /sparql`` without a query answers the SPARQL 1.1
Service Description (`endpoint_description`), in Turtle unless Accept asks for another RDF format.

The default graph is the union of the review graphs, the ontology and the analysts' links; each
review is also a named graph (``GRAPH ?g``). The decisions graph (``DECISIONS_GRAPH``: analysts'
names and their notes about children) is not served at all unless the server is started with
``with_decisions``: no query sees it, ``GRAPH ?g`` does not list it, naming it gives nothing, the
service description does not list it. The casegraph prefixes are predeclared by the engine, as in
the CLI; a query's own ``PREFIX`` wins.

The protocol's ``default-graph-uri`` and ``named-graph-uri`` parameters (repeatable) choose the
dataset, as the protocol says: the default graph is then the merge of the graphs named by
``default-graph-uri`` (empty if none), and ``GRAPH`` sees only those named by ``named-graph-uri``.
A name that is not a graph of the store is an empty graph, and so is the decisions graph when
it is not served. (rdflib's ``Graph(SPARQLStore(url), identifier=review_graph)`` queries one
review this way.) ``FROM`` and ``FROM NAMED`` in the query text stay refused (400): the engine
replaces them by the dataset it is given, so honouring them would need our own reading of the
query, and the parameters do the same job.

Results follow the ``Accept`` header. SELECT and ASK answer in SPARQL JSON (the default), SPARQL
XML, CSV or TSV. CONSTRUCT and DESCRIBE answer in Turtle (the default), N-Triples, JSON-LD or
RDF/XML. Anything else gets 406.

Queries run in a small pool of worker processes (`endpoint_pool`), so a query that takes longer
than the time limit is really stopped (its process is killed and replaced) and answered 503.
HTTP connections get a thread each, from a listen queue of ``REQUEST_QUEUE_SIZE``.

Refused requests:
- Updates: ``update=`` or ``application/sparql-update`` get 403. The store is opened read-only.
- ``SERVICE``: 400. Federated queries would make the engine call other servers, and casegraph
  makes no network calls.
- ``FROM`` / ``FROM NAMED``: 400 (see above), and a dataset parameter that is not an absolute IRI.
- A ``Host`` that is not this server (DNS rebinding: a web page whose name now points here), an
  ``Origin`` of another site, or ``Sec-Fetch-Site: cross-site``: 403, for the query page as for
  ``/sparql``. No CORS headers are sent.
- A request that has not fully arrived within ``read_timeout`` seconds: 408.

The store is reopened whenever its files change, so reviews loaded by another process appear
without a restart. Each request is logged to stderr as one line, without the query text (queries
may name people) and with control characters escaped.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import ipaddress
import signal
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from casegraph.errors import CasegraphError, StoreError
from casegraph.exchange.endpoint_guard import (DeadlineReader, allowed_hosts, as_received, check_client, client_gone,
                                               escape)
from casegraph.exchange.endpoint_pool import ClientGone, QueryPool, Unavailable, default_workers
from casegraph.exchange.endpoint_description import service_description
from casegraph.exchange.endpoint_page import root_page
from casegraph.exchange.endpoint_query import TEXT, Refused
from casegraph.graph.store import ReviewStore, default_store_path

ENDPOINT = "/sparql"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_SECONDS = 10.0  # a query running longer is stopped
READ_TIMEOUT_SECONDS = 10.0  # the whole request (line, headers, body) must arrive within this
WRITE_TIMEOUT_SECONDS = 60.0  # a client that stops reading the answer frees its thread
MAX_BODY_BYTES = 1 << 20  # a query longer than 1 MiB is a mistake
REQUEST_QUEUE_SIZE = 1024  # connections waiting to be accepted (the kernel may cap it: somaxconn)
MAX_CONNECTIONS = 1000  # connections handled at once; beyond, a short 503


Answer = tuple[HTTPStatus, str, bytes, dict[str, str]]  # status, content type, body, extra headers


class ServeError(CasegraphError):
    """The endpoint cannot start (e.g. the port is taken)."""


# -- HTTP ---------------------------------------------------------------------------------------
class SparqlServer(ThreadingHTTPServer):
    """The endpoint: ThreadingHTTPServer answering /sparql from one store. Build it with make_server."""

    daemon_threads = True
    block_on_close = False  # Ctrl-C need not wait for a client that stalls
    request_queue_size = REQUEST_QUEUE_SIZE

    def __init__(self, store_path: Path, host: str, port: int, log: TextIO | None, *, timeout: float,
                 workers: int, with_decisions: bool, read_timeout: float):
        with ReviewStore.open(store_path):  # no store, no server: fail now with the store's own message
            pass
        self.log_stream = log
        self._log_lock = threading.Lock()
        self.read_timeout, self.with_decisions = read_timeout, with_decisions
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, port), _Handler)
        self.allowed_hosts = allowed_hosts(host, self.server_address[1], self.is_loopback)
        try:
            self.pool = QueryPool(store_path, size=workers, timeout=timeout, decisions=with_decisions,
                                  log=self.log)
        except Unavailable as error:
            super().server_close()
            raise ServeError(str(error)) from None

    def server_bind(self) -> None:
        import socketserver

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

    def process_request(self, request, client_address) -> None:
        if self._slots.acquire(blocking=False):
            try:
                return super().process_request(request, client_address)
            except RuntimeError:  # no thread could be started
                self._slots.release()
        with contextlib.suppress(OSError):
            request.setblocking(False)
            request.send(b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\r\n\r\n"
                         b"too many connections at once; try again shortly\n")
        self.log(f"{client_address[0]} turned away: {MAX_CONNECTIONS} connections at once")
        self.shutdown_request(request)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        """A connection that failed outside a request (e.g. reset while sending it): one line, no traceback."""
        self.log(f"{client_address[0]} error: {sys.exc_info()[0].__name__} on the connection")

    def server_close(self) -> None:
        self.pool.close()  # first: requests waiting on a worker are answered 503 and end
        super().server_close()


def make_server(store_path: Path | str | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
                log: TextIO | None = None, timeout: float = DEFAULT_TIMEOUT_SECONDS, workers: int | None = None,
                with_decisions: bool = False, read_timeout: float = READ_TIMEOUT_SECONDS) -> SparqlServer:
    """A bound, not yet running endpoint; call serve_forever() (in a thread, say) and then shutdown().

    The store must exist (StoreError otherwise). port=0 picks a free port; see server.url.
    host is 127.0.0.1 unless you ask for another interface. log receives one line per request
    (default: stderr). A query running longer than `timeout` seconds is stopped and answered 503;
    `workers` processes run queries (default: 2 to 4, by CPU count). The decisions graph is
    served only `with_decisions`. A request must arrive within `read_timeout` seconds (else 408).
    """
    path = Path(store_path) if store_path else default_store_path()
    if not timeout > 0 or not read_timeout > 0 or (workers is not None and workers < 1):
        raise ServeError("timeout and read_timeout must be positive and workers at least 1")
    try:
        return SparqlServer(path, host, port, log, timeout=timeout, workers=workers or default_workers(),
                            with_decisions=with_decisions, read_timeout=read_timeout)
    except OSError as error:
        raise ServeError(f"cannot listen on {host} port {port}: {error.strerror or error}") from None


def serve(store_path: Path | str | None = None, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *,
          on_ready: Callable[[SparqlServer], None] | None = None, **options) -> None:
    """Answer SPARQL queries over HTTP until interrupted (Ctrl-C or SIGTERM); options as make_server's.
    on_ready(server) runs once listening."""
    with make_server(store_path, host, port, **options) as server:
        main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _interrupt) if main else None
        try:
            with contextlib.suppress(KeyboardInterrupt):
                if on_ready:
                    on_ready(server)
                server.serve_forever()
        finally:
            if main:
                signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # SIGTERM stops the server as Ctrl-C does: workers and their views go too


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer

    def version_string(self) -> str:
        return "casegraph"

    def setup(self) -> None:
        super().setup()
        self._started = time.perf_counter()
        self._responded = False
        self.rfile.close()  # replaced by one that stops reading at the request's deadline
        self._reader = DeadlineReader(self.connection, time.monotonic() + self.server.read_timeout)
        self.rfile = io.BufferedReader(self._reader)

    # -- routing -----------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._answer(self._get)

    def do_HEAD(self) -> None:
        self._answer(self._get)

    def do_POST(self) -> None:
        self._answer(self._post)

    def _not_allowed(self) -> None:
        self._answer(lambda: self._refuse(HTTPStatus.METHOD_NOT_ALLOWED, "use GET or POST"))

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _not_allowed

    def _get(self) -> Answer:
        path, params = self._url()
        if path == "/":
            info = self._info()
            return (HTTPStatus.OK, *root_page(self.headers.get("Accept"), ENDPOINT, info["reviews"],
                                              self.server.with_decisions))
        self._require_endpoint(path)
        self._refuse_updates(params)
        if "query" not in params:
            content_type, body = service_description(self.server.url, self._info()["graphs"],
                                                     self.headers.get("Accept"),
                                                     with_decisions=self.server.with_decisions)
            return HTTPStatus.OK, content_type, body, {}
        return self._query(params)

    def _info(self) -> dict:
        """What a worker says of the store: {"reviews": count, "graphs": [IRI, ...]}."""
        header, body = self.server.pool.run({"info": True})
        if header["status"] != HTTPStatus.OK:
            raise StoreError(bytes(body).decode("utf-8", "replace").strip())
        return header

    def _post(self) -> Answer:
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
    def _query(self, params: dict[str, list[str]]) -> Answer:
        self._refuse_updates(params)
        queries = params.get("query", [])
        if len(queries) != 1:
            self._refuse(HTTPStatus.BAD_REQUEST, f"expected exactly one query parameter, got {len(queries)}; "
                         f"see / for how to query this endpoint")
        request = {"query": queries[0], "accept": self.headers.get("Accept")}
        if "default-graph-uri" in params or "named-graph-uri" in params:
            request["dataset"] = {"default": _graph_names(params, "default-graph-uri"),
                                  "named": _graph_names(params, "named-graph-uri")}
        header, body = self.server.pool.run(request, wanted=lambda: not client_gone(self.connection))
        if "error" in header:  # the worker's own failure, by kind only: the message may quote the query
            self.server.log(f"error: {header['error']} while answering a request")
        return HTTPStatus(header["status"]), header["type"], body, {}

    def _refuse_updates(self, params: dict[str, list[str]]) -> None:
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            self._refuse_update()

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
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            body = b""
        if len(body) < length:
            self._refuse(HTTPStatus.REQUEST_TIMEOUT, self._late())
        return body

    def _late(self) -> str:
        return (f"the request did not arrive within {self.server.read_timeout:g} s: the client stopped sending "
                "(or its body is shorter than its Content-Length)")

    # -- responses and logging -------------------------------------------------------------------
    def _answer(self, respond: Callable[[], Answer]) -> None:
        headers: dict[str, str] = {}
        try:
            check_client(self.headers, self.connection, self.server.allowed_hosts, self.server.url)
            status, content_type, body, headers = respond()
        except Refused as refusal:
            status, content_type, body = refusal.status, TEXT, f"{refusal}\n".encode()
        except ClientGone:
            self._responded, self._size = True, 0
            self.log_request(499)  # nginx's "client closed request": nothing is sent
            return
        except (StoreError, Unavailable) as error:
            status, content_type, body = HTTPStatus.SERVICE_UNAVAILABLE, TEXT, f"{error}\n".encode()
        except Exception as error:  # noqa: BLE001 - one bad request must not stop the server
            # The message may quote the query, so only the kind of error goes to the log.
            self.server.log(f"error: {type(error).__name__} while answering a request")
            status, content_type, body = HTTPStatus.INTERNAL_SERVER_ERROR, TEXT, b"internal error\n"
        self._reply(status, content_type, body, headers)

    def _reply(self, status: HTTPStatus, content_type: str, body: bytes, headers: dict[str, str] | None = None
               ) -> None:
        if self._responded:
            return
        self._responded, self._size = True, len(body)
        self.close_connection = True
        if not hasattr(self, "request_version"):  # the request line never arrived
            self.request_version, self.command = "HTTP/1.0", None
        try:
            self.connection.settimeout(WRITE_TIMEOUT_SECONDS)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Vary", "Accept")
            self.send_header("X-Content-Type-Options", "nosniff")
            if status == HTTPStatus.METHOD_NOT_ALLOWED:
                self.send_header("Allow", "GET, HEAD, POST")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:  # the client went away or stopped reading
            pass

    def send_error(self, code, message=None, explain=None) -> None:
        """http.server's own refusals (a malformed request line, an unknown method): plain text too."""
        status = HTTPStatus(code)
        self._reply(status, TEXT, f"{message or status.phrase}\n".encode("utf-8", "replace"))

    def log_request(self, code="-", size="-") -> None:
        """One line: client, time, method, path without the query string, status, size, duration."""
        path = escape(as_received(getattr(self, "path", "") or "").partition("?")[0]) or "-"
        command = escape(as_received(getattr(self, "command", None) or "-"), 20)
        duration = f" {(time.perf_counter() - self._started) * 1000:.1f} ms"
        now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        self.server.log(f'{self.client_address[0]} [{now}] "{command} {path}" '
                        f"{int(code) if isinstance(code, int) else code} {getattr(self, '_size', '-')}{duration}")

    def log_error(self, format, *args) -> None:  # noqa: A002 - http.server's signature
        """http.server's own error lines may quote the request line, which holds the query: drop them.
        The one for a request that stalled is answered 408."""
        if format.startswith("Request timed out"):
            self._reply(HTTPStatus.REQUEST_TIMEOUT, TEXT, f"{self._late()}\n".encode())

    def log_message(self, format, *args) -> None:  # noqa: A002
        """Every line goes through log_request."""


def _parse_params(query_string: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(query_string, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, "the parameters are not UTF-8 once percent-decoded") from None


def _graph_names(params: dict[str, list[str]], name: str) -> list[str]:
    """The graph IRIs a dataset parameter names (400 for one that is not an absolute IRI)."""
    names = []
    for value in params.get(name, []):
        try:
            names.append(ox.NamedNode(value.strip()).value)
        except ValueError as error:
            raise Refused(HTTPStatus.BAD_REQUEST, f"{name}: {escape(value, 100)} is not an absolute IRI "
                          f"({error})") from None
    return names


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(HTTPStatus.BAD_REQUEST, "the request is not UTF-8") from None
