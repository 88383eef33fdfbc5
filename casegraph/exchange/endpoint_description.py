"""The endpoint's SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/),
answered to a GET of /sparql without a query: what it speaks, the formats it answers in, and its
dataset (the default graph, the union of all graphs, and each named graph it serves).

Built as RDF terms with pyoxigraph and serialised by it, never by pasting graph names into text.
"""
from __future__ import annotations

from http import HTTPStatus

import pyoxigraph as ox

from casegraph.exchange.endpoint_query import GRAPH_FORMATS, SOLUTION_FORMATS, Refused, negotiate
from casegraph.ontology import RDF, RDFS

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"  # the W3C's names of formats, as sd:resultFormat takes them
DESCRIPTION_PREFIXES = {"sd": SD, "rdfs": RDFS, "format": FORMATS}


def service_description(endpoint: str, graphs: list[str], accept: str | None, *, with_decisions: bool
                        ) -> tuple[str, bytes]:
    """(content type, body) of the description of the endpoint at `endpoint` serving `graphs` (IRIs),
    in the RDF format the Accept header asks for (Turtle by default); Refused (406) if none fits."""
    chosen = negotiate(accept, GRAPH_FORMATS)
    if chosen is None:
        raise Refused(HTTPStatus.NOT_ACCEPTABLE, "the service description is available as: "
                      + ", ".join(offer.accepted[0] for offer in GRAPH_FORMATS))
    hidden = "is served" if with_decisions else "is not served"
    note = ("casegraph's read-only endpoint. The default graph is the union of every graph served, and each "
            f"review is a named graph. The analysts' decisions graph {hidden}. SERVICE, FROM and updates are "
            "refused; the default-graph-uri and named-graph-uri parameters choose the dataset.")
    triples = description_triples(endpoint, graphs, note)
    return chosen.content_type, ox.serialize(triples, format=chosen.format, prefixes=DESCRIPTION_PREFIXES)


def description_triples(endpoint: str, graphs: list[str], note: str) -> list[ox.Triple]:
    """The description as triples: one sd:Service, its sd:Dataset, a sd:NamedGraph per graph."""
    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    a = ox.NamedNode(RDF + "type")
    service, dataset, default = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, a, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, ox.NamedNode(RDFS + "comment"), ox.Literal(note)),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, a, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, a, sd("Graph")),
    ]
    formats = {_format_iri(offer.format): None for offer in SOLUTION_FORMATS + GRAPH_FORMATS}  # in order, once
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(iri)) for iri in formats]
    for name in graphs:
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [ox.Triple(dataset, sd("namedGraph"), named), ox.Triple(named, a, sd("NamedGraph")),
                    ox.Triple(named, sd("name"), ox.NamedNode(name)), ox.Triple(named, sd("graph"), graph),
                    ox.Triple(graph, a, sd("Graph"))]
    return triples


def _format_iri(format: ox.RdfFormat | ox.QueryResultsFormat) -> str:  # noqa: A002
    """The W3C's IRI of a format (pyoxigraph names JSON-LD by another one).

    >>> _format_iri(ox.RdfFormat.JSON_LD), _format_iri(ox.RdfFormat.TURTLE)
    ('http://www.w3.org/ns/formats/JSON-LD', 'http://www.w3.org/ns/formats/Turtle')
    """
    return format.iri if format.iri.startswith(FORMATS) else FORMATS + format.name
