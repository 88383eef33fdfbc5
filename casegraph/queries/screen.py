"""Refuse SPARQL that would reach outside the store: SERVICE (the engine would call other
servers) and FROM / FROM NAMED (the dataset is fixed, so another one would silently give other
answers). Used by the command line and the endpoint alike."""
from __future__ import annotations

import re

import pyoxigraph as ox

from casegraph.errors import QueryError
from casegraph.ontology import PREFIXES


class QueryRefused(QueryError):
    """A query casegraph will not run, with the reason."""


_SERVICE = re.compile("service", re.IGNORECASE | re.ASCII)
_SERVICE_CLAUSE = re.compile(r"service(?:\s+silent(?![\w:]))?", re.IGNORECASE | re.ASCII)
_FROM = re.compile("from", re.IGNORECASE | re.ASCII)


def _blank(pattern: re.Pattern, text: str) -> str:
    """Every match replaced by a same-length run of letters that is no SPARQL keyword."""
    return pattern.sub(lambda match: "q" * len(match.group()), text)


def _syntax_error(text: str) -> SyntaxError | None:
    """Parse text with the engine on an empty in-memory store; call only on text without SERVICE."""
    try:
        ox.Store().query(text, prefixes=PREFIXES)
    except SyntaxError as error:
        return error
    return None


def screen(text: str) -> None:
    """Raise QueryRefused if the query uses SERVICE or FROM as the engine itself parses it (SyntaxError if
    it cannot tell because the query does not parse).

    A text scan cannot tell the keyword from the same word in a string, IRI, comment or name
    (`<` is both an IRI delimiter and an operator), so the engine decides. Any occurrence of the
    word is replaced by letters of the same length: in a string, IRI, comment or name that keeps
    the query valid, while in place of the keyword it leaves a bare word, which SPARQL never
    accepts. So if that copy parses, the query does not use the keyword. Only copies without
    SERVICE are ever given to the engine here, and never with data.

    >>> screen('SELECT ?service { ?s rdfs:comment "served from home" }')  # names and strings pass
    >>> screen("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    casegraph.queries.screen.QueryRefused: casegraph does not run SERVICE (federated) queries: ...
    """
    uses_service, uses_from = bool(_SERVICE.search(text)), bool(_FROM.search(text))
    if not (uses_service or uses_from) or _syntax_error(_blank(_FROM, _blank(_SERVICE, text))) is None:
        return
    # The copy without either word fails: find out which keyword is used, or whether it is a plain
    # syntax error (run_query then reports the engine's own message).
    without_service = _blank(_SERVICE, text)
    error = _syntax_error(without_service)
    if error is None:
        raise QueryRefused("casegraph does not accept FROM or FROM NAMED: the default graph is the union of "
                           "all reviews, and each review is a named graph; use GRAPH "
                           "<https://w3id.org/casegraph/review/ID> { ... } (or --review ID) to query one review")
    if uses_service and _syntax_error(_SERVICE_CLAUSE.sub("GRAPH", text)) is None:
        raise QueryRefused("casegraph does not run SERVICE (federated) queries: it makes no network calls")
    # Still unparsable with SERVICE made harmless: a syntax error elsewhere, which the engine reports
    # for the copy as it would for the query (the copy has the same length, so lines and columns hold).
    # The query itself must not run: it may yet hold a SERVICE this test could not make harmless.
    raise error
