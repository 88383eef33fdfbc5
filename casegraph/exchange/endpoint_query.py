"""One SPARQL query answered as bytes, for the endpoint's query workers: screening, content
negotiation and serialisation. Nothing here knows about HTTP connections or processes."""
from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus

import pyoxigraph as ox

from casegraph.errors import CasegraphError
from casegraph.ontology import PREFIXES
from casegraph.queries.screen import QueryRefused, screen

TEXT = "text/plain; charset=utf-8"
FROM_HINT = ("; over HTTP, the protocol's default-graph-uri and named-graph-uri parameters choose the graphs "
             "instead")


class Refused(CasegraphError):
    """A request the endpoint answers with an HTTP error status and a one-paragraph message."""

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


class StoreReadError(CasegraphError):
    """The engine could not read the store (e.g. a file a concurrent load replaced); worth a retry."""


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


# -- answering ----------------------------------------------------------------------------------
def run_query(store: ox.Store, text: str, accept: str | None, **dataset) -> tuple[str, bytes]:
    """Answer one query as the Accept header asks: (content type, body), or raise Refused.

    `dataset` is passed to the engine (use_default_graph_as_union=True, or default_graph= and
    named_graphs=). An engine error reading the store raises StoreReadError with its own message.
    """
    try:
        screen(text)
        results = store.query(text, prefixes=PREFIXES, **dataset)
    except QueryRefused as refusal:
        hint = FROM_HINT if "FROM" in str(refusal) else ""
        raise Refused(HTTPStatus.BAD_REQUEST, f"{refusal}{hint}") from None
    except SyntaxError as error:
        raise Refused(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {error}") from None
    except (OSError, RuntimeError) as error:
        raise StoreReadError(f"the store could not be read: {_cause(error)}") from None
    offers = GRAPH_FORMATS if isinstance(results, ox.QueryTriples) else SOLUTION_FORMATS
    chosen = negotiate(accept, offers)
    if chosen is None:
        kind = "CONSTRUCT and DESCRIBE" if offers is GRAPH_FORMATS else "SELECT and ASK"
        raise Refused(HTTPStatus.NOT_ACCEPTABLE, f"{kind} results are available as: "
                      + ", ".join(offer.accepted[0] for offer in offers))
    try:  # results are lazy: most of the reading happens here
        if isinstance(chosen.format, ox.RdfFormat):
            body = ox.serialize(results, format=chosen.format, prefixes=PREFIXES)
        else:
            body = results.serialize(format=chosen.format)
    except (OSError, RuntimeError) as error:
        raise StoreReadError(f"the store could not be read: {_cause(error)}") from None
    return chosen.content_type, body


def _cause(error: BaseException) -> str:
    """The engine's own words, or at least the kind of error (never an empty string or None)."""
    return str(error) or getattr(error, "strerror", None) or type(error).__name__
