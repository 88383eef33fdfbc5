"""Push stored reviews to an external SPARQL store, one named graph per review.

Two standard protocols, chosen by name:

- ``gsp`` (default): the SPARQL 1.1 Graph Store HTTP Protocol. One
  ``PUT {endpoint}?graph={review graph}`` per review, with the graph as N-Triples. PUT replaces
  the graph exactly and in one request, so pushing a reloaded review leaves no stale triples.
- ``update``: SPARQL 1.1 Update. ``DROP SILENT GRAPH <g>`` and ``INSERT DATA`` in chunks, for
  stores that offer only an update endpoint. Between the first and last chunk of a large
  review, readers can see it partly written.

Nothing is sent anywhere except to the endpoint given, and only when asked. Redirects are not
followed (a PUT or POST must not end up at another host), and nothing is retried except once
when the server asks for a login. Every failure is one line, raised as a PushError.

>>> graph_store_url("http://localhost:8890/sparql-graph-crud", "https://w3id.org/casegraph/review/scr-1-2016")
'http://localhost:8890/sparql-graph-crud?graph=https%3A%2F%2Fw3id.org%2Fcasegraph%2Freview%2Fscr-1-2016'
"""
from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from casegraph.errors import CasegraphError

USER_ENV = "CASEGRAPH_SPARQL_USER"
PASSWORD_ENV = "CASEGRAPH_SPARQL_PASSWORD"
CHUNK_TRIPLES = 5_000  # triples per SPARQL Update request
TIMEOUT_SECONDS = 60.0  # longest wait for any one answer; a review is stored in well under a second
MESSAGE_CHARS = 300  # the server's own words kept in an error message


class PushError(CasegraphError):
    """A push to a SPARQL store failed; the message names the endpoint and what went wrong."""


class EndpointUnreachable(PushError):
    """No HTTP answer at all: connection refused, unknown host, timeout, TLS failure."""


class EndpointAuthError(PushError):
    """The server wants a login (HTTP 401) or refuses this user (HTTP 403)."""


@dataclass
class PushReport:
    endpoint: str
    protocol: str
    reviews: list[tuple[str, int]] = field(default_factory=list)  # (review id, triples) in push order
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(count for _, count in self.reviews)

    @property
    def triples_per_second(self) -> float:
        return self.triples / self.seconds if self.seconds else 0.0


def push_reviews(store_path: Path | str | None, endpoint: str, review_ids: Sequence[str] | None = None, *,
                 protocol: str = "gsp", auth: tuple[str, str] | None = None,
                 progress: Callable[[str], None] | None = None, chunk_triples: int = CHUNK_TRIPLES,
                 timeout: float = TIMEOUT_SECONDS) -> PushReport:
    """Replace each chosen review's graph (default: every review) in the SPARQL store at endpoint.

    endpoint is the store's Graph Store Protocol URL for protocol="gsp" and its SPARQL Update
    URL for protocol="update". auth is (user, password), sent as HTTP Basic or Digest,
    whichever the server asks for; see auth_from_env. progress(review_id) is called after
    each review is pushed. Raises PushError (or a subclass) on the first failure; the reviews
    pushed before it stay pushed.
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.ontology import review_iri

    if protocol not in PROTOCOLS:
        raise PushError(f"unknown protocol {protocol!r}; choose one of {', '.join(PROTOCOLS)}")
    target = PROTOCOLS[protocol](endpoint, auth=auth, timeout=timeout, chunk_triples=chunk_triples)
    report = PushReport(endpoint, protocol)
    started = time.perf_counter()
    with ReviewStore.open(store_path) as store:
        chosen = list(dict.fromkeys(review_ids)) if review_ids else store.review_ids()
        for review_id in chosen:
            if review_id not in store:
                store.quads(review_id)  # raises ReviewNotFound, with the store's did-you-mean
        for review_id in chosen:
            triples = _triples(store.quads(review_id))
            target.replace_graph(review_iri(review_id), triples)
            report.reviews.append((review_id, len(triples)))
            if progress:
                progress(review_id)
    report.seconds = time.perf_counter() - started
    return report


def auth_from_env(user: str | None = None, environ=os.environ) -> tuple[str, str] | None:
    """(user, password) from CASEGRAPH_SPARQL_USER and CASEGRAPH_SPARQL_PASSWORD; None if neither is set.

    >>> auth_from_env(environ={"CASEGRAPH_SPARQL_USER": "dba", "CASEGRAPH_SPARQL_PASSWORD": "s3cret"})
    ('dba', 's3cret')
    >>> auth_from_env(environ={}) is None
    True
    """
    user = user or environ.get(USER_ENV) or None
    password = environ.get(PASSWORD_ENV)
    if user is None and password is None:
        return None
    if user is None:
        raise PushError(f"{PASSWORD_ENV} is set but no user name; set {USER_ENV} too")
    if password is None:
        raise PushError(f"a user name ({user!r}) but no password; set {PASSWORD_ENV}")
    return user, password


def graph_store_url(endpoint: str, graph_iri: str) -> str:
    """The Graph Store Protocol URL of one graph (indirect identification, ?graph=)."""
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return endpoint + separator + urllib.parse.urlencode({"graph": graph_iri})


# -- protocols ---------------------------------------------------------------------------------
class GraphTarget(ABC):
    """Where review graphs go: one way of replacing a named graph in a remote store."""

    purpose: str  # the kind of endpoint it needs, e.g. "SPARQL Update endpoint"

    def __init__(self, endpoint: str, *, auth: tuple[str, str] | None = None, timeout: float = TIMEOUT_SECONDS,
                 chunk_triples: int = CHUNK_TRIPLES):
        _check_url(endpoint)
        if chunk_triples < 1:
            raise PushError(f"chunk_triples must be at least 1, not {chunk_triples}")
        self.endpoint = endpoint
        self.chunk_triples = chunk_triples
        self.client = _HttpClient(auth, timeout, self.purpose)

    @abstractmethod
    def replace_graph(self, graph_iri: str, triples: list) -> None:
        """Make the remote graph graph_iri hold exactly these pyoxigraph triples."""


class GraphStoreProtocol(GraphTarget):
    """SPARQL 1.1 Graph Store HTTP Protocol: one PUT per graph, which replaces it exactly."""

    purpose = "Graph Store Protocol endpoint"

    def replace_graph(self, graph_iri: str, triples: list) -> None:
        self.client.send("PUT", graph_store_url(self.endpoint, graph_iri), _ntriples(triples),
                         "application/n-triples")


class SparqlUpdate(GraphTarget):
    """SPARQL 1.1 Update: DROP SILENT GRAPH, then INSERT DATA in chunks.

    Blank node labels are scoped to one request, so a graph with blank nodes goes in a single
    request, as INSERT {...} WHERE {} (some stores, Virtuoso among them, refuse blank nodes in
    INSERT DATA).

    Some stores change literals on the way in: Virtuoso 7 stores "14"^^xsd:decimal as
    xsd:integer (openlink/virtuoso-opensource#1062), which its Graph Store Protocol does not.
    """

    purpose = "SPARQL Update endpoint"

    def replace_graph(self, graph_iri: str, triples: list) -> None:
        import pyoxigraph as ox

        graph = str(ox.NamedNode(graph_iri)).encode()  # serialised by pyoxigraph, never by hand
        drop = b"DROP SILENT GRAPH " + graph + b" ;\n"
        if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
            self._post(drop + b"INSERT { GRAPH " + graph + b" {\n" + _ntriples(triples) + b"} } WHERE {}")
            return
        chunks = [triples[i:i + self.chunk_triples] for i in range(0, len(triples), self.chunk_triples)]
        self._post(drop + self._insert(graph, chunks[0]) if chunks else drop.removesuffix(b" ;\n"))
        for chunk in chunks[1:]:
            self._post(self._insert(graph, chunk))

    @staticmethod
    def _insert(graph: bytes, triples: list) -> bytes:
        return b"INSERT DATA { GRAPH " + graph + b" {\n" + _ntriples(triples) + b"} }"

    def _post(self, update: bytes) -> None:
        self.client.send("POST", self.endpoint, update, "application/sparql-update; charset=UTF-8")


PROTOCOLS: dict[str, type[GraphTarget]] = {"gsp": GraphStoreProtocol, "update": SparqlUpdate}


def _triples(quads) -> list:
    import pyoxigraph as ox

    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def _ntriples(triples: list) -> bytes:
    import pyoxigraph as ox

    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


# -- HTTP --------------------------------------------------------------------------------------
def _check_url(endpoint: str) -> None:
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PushError(f"the endpoint {endpoint!r} is not an http:// or https:// URL, "
                        "e.g. http://localhost:8890/sparql-graph-crud-auth")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Report a redirect instead of following it: a PUT or POST never goes to a host not asked for."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise PushError(f"{_where(req.full_url)}: the server redirects to {newurl} (HTTP {code}); "
                        "push to that URL if it is the right store")


class _HttpClient:
    """urllib, plus HTTP Basic or Digest authentication negotiated once and then sent up front.

    With a user name, a body-less HEAD to the first URL fetches the server's challenge, so
    a review is never uploaded twice just to be told to log in.
    """

    def __init__(self, auth: tuple[str, str] | None, timeout: float, purpose: str):
        self.auth = auth
        self.timeout = timeout
        self.purpose = purpose  # what the endpoint should be, for messages
        self._opener = urllib.request.build_opener(_NoRedirects())
        self._challenge: tuple[str, dict[str, str]] | None = None  # (scheme, parameters)
        self._nonce_count = 0
        self._negotiated = False

    def send(self, method: str, url: str, body: bytes, content_type: str) -> bytes:
        if self.auth and not self._negotiated:
            self._negotiate(url)
        headers = {"Content-Type": content_type}
        try:
            return self._open(method, url, body, headers)
        except urllib.error.HTTPError as error:
            if not (error.code == 401 and self.auth and self._learn(error.headers, url)):
                raise self._http_error(url, error) from None
        try:  # the server sent a new challenge (its nonce expired, say): one more try
            return self._open(method, url, body, headers)
        except urllib.error.HTTPError as error:
            raise self._http_error(url, error) from None

    def _negotiate(self, url: str) -> None:
        self._negotiated = True
        try:
            self._open("HEAD", url, None, {}, authorize=False)
        except urllib.error.HTTPError as error:
            if error.code == 401:
                self._learn(error.headers, url)

    def _open(self, method: str, url: str, body: bytes | None, headers: dict[str, str], *,
              authorize: bool = True) -> bytes:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        if authorize and self._challenge:
            request.add_header("Authorization", self._authorization(method, url))
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError:
            raise
        except urllib.error.URLError as error:
            raise self._unreachable(url, error.reason) from None
        except OSError as error:  # a timeout or reset after the request was sent
            raise self._unreachable(url, error) from None

    def _unreachable(self, url: str, reason) -> EndpointUnreachable:
        if isinstance(reason, TimeoutError):
            return EndpointUnreachable(f"no answer from {_where(url)} within {self.timeout:g} s (is it the store's "
                                       f"{self.purpose}?)")
        return EndpointUnreachable(f"cannot reach the SPARQL endpoint {_where(url)}: {_reason(reason)}")

    def _learn(self, headers, url: str) -> bool:
        """Keep the strongest challenge the server offers (Digest over Basic); False if none is usable."""
        offered = {}
        for value in headers.get_all("WWW-Authenticate") or []:
            scheme, _, rest = value.strip().partition(" ")
            try:
                offered[scheme.lower()] = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
            except ValueError:  # a scheme we do not speak, e.g. Bearer without parameters
                continue
        if "digest" in offered:
            challenge = ("digest", offered["digest"])
            algorithm = challenge[1].get("algorithm", "MD5").upper().removesuffix("-SESS")
            if algorithm not in _DIGESTS:
                raise EndpointAuthError(f"{_where(url)}: the server asks for Digest authentication with "
                                        f"{algorithm}, which casegraph does not support (MD5, SHA-256 only)")
        elif "basic" in offered:
            challenge = ("basic", offered["basic"])
        else:
            return False
        if challenge == self._challenge:
            return False  # the same challenge again: the credentials were refused
        self._challenge, self._nonce_count = challenge, 0
        return True

    def _authorization(self, method: str, url: str) -> str:
        user, password = self.auth
        scheme, params = self._challenge
        if scheme == "basic":
            return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        # RFC 7616 Digest, qop=auth (or the older RFC 2069 form when the server offers no qop)
        algorithm = params.get("algorithm", "MD5")
        digest = _DIGESTS[algorithm.upper().removesuffix("-SESS")]
        realm, nonce = params.get("realm", ""), params.get("nonce", "")
        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        self._nonce_count += 1
        nc, cnonce = f"{self._nonce_count:08x}", secrets.token_hex(8)
        ha1 = digest(f"{user}:{realm}:{password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = digest(f"{ha1}:{nonce}:{cnonce}")
        ha2 = digest(f"{method}:{uri}")
        qops = [q.strip() for q in params.get("qop", "").split(",") if q.strip()]
        fields = {"username": user, "realm": realm, "nonce": nonce, "uri": uri, "algorithm": algorithm}
        if "auth" in qops:
            fields["response"] = digest(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            fields.update(qop="auth", nc=nc, cnonce=cnonce)
        else:
            fields["response"] = digest(f"{ha1}:{nonce}:{ha2}")
        if "opaque" in params:
            fields["opaque"] = params["opaque"]
        unquoted = {"algorithm", "qop", "nc"}
        return "Digest " + ", ".join(f"{k}={v}" if k in unquoted else f'{k}="{_quote(v)}"'
                                     for k, v in fields.items())

    def _http_error(self, url: str, error: urllib.error.HTTPError) -> PushError:
        said = _server_message(error)
        said = f": {said}" if said else ""
        where = _where(url)
        if error.code == 401:
            if not self.auth:
                return EndpointAuthError(f"{where} asks for a login (HTTP 401); set {USER_ENV} and "
                                         f"{PASSWORD_ENV}")
            return EndpointAuthError(f"{where} refused the user name or password for {self.auth[0]!r} "
                                     f"(HTTP 401)")
        if error.code == 403:
            who = f"user {self.auth[0]!r}" if self.auth else "an anonymous user"
            return EndpointAuthError(f"{where} does not let {who} write there (HTTP 403){said}")
        return PushError(f"{where} answered HTTP {error.code} {error.reason}{said}")


_DIGESTS = {"MD5": lambda text: hashlib.md5(text.encode()).hexdigest(),  # noqa: S324 (the protocol's choice)
            "SHA-256": lambda text: hashlib.sha256(text.encode()).hexdigest()}


def _quote(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _where(url: str) -> str:
    """The URL without its query (a GSP query string holds the graph IRI, not worth repeating)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _reason(reason) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the server running, and is the port right?)"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason)


def _server_message(error: urllib.error.HTTPError) -> str:
    """The server's explanation as one short line: tags stripped, our own data echoed back cut off."""
    try:
        raw = error.read(64 * 1024)
    except OSError:
        return ""
    text = raw.decode(error.headers.get_content_charset() or "utf-8", errors="replace")
    text = re.sub(r"(?is)<(script|style|title)\b.*?</\1>", " ", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = text.split("SPARQL query:", 1)[0]  # Virtuoso echoes the whole update, data and all
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_CHARS else text[:MESSAGE_CHARS - 1].rstrip() + "…"
