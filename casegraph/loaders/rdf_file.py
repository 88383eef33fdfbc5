"""Reviews already in RDF (Turtle, TriG, JSON-LD, N-Triples, N-Quads) using the casegraph ontology.

Hand-made RDF has none of the YAML format's guarantees, so it is checked against the SHACL
shapes (pyshacl) before it may enter the store.
"""
from __future__ import annotations

import functools
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import Problem, ReviewFileError
from casegraph.loaders.base import Loader, ReviewGraph
from casegraph.ontology import CG, CODES_FILE, ONTOLOGY_FILE, RDF, SHAPES_FILE, review_iri, vocabulary
from casegraph.loaders.yaml_reader import decode_text

RDF_TYPE = RDF + "type"


@functools.cache
def _shacl_graphs():
    import rdflib

    ontology = rdflib.Graph()
    for path in (ONTOLOGY_FILE, CODES_FILE):
        ontology.parse(path, format="turtle")
    return rdflib.Graph().parse(SHAPES_FILE, format="turtle"), ontology


def shacl_problems(quads: list[ox.Quad]) -> list[Problem]:
    """SHACL violations of a review graph, one Problem per focus node and path."""
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    data.parse(data="".join(f"{q.triple} .\n" for q in quads), format="nt")
    shapes, ontology = _shacl_graphs()
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs",
                                           allow_warnings=True)
    if conforms:
        return []
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    problems = set()
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        if report.value(result, sh.resultSeverity) != sh.Violation:
            continue
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage) or "violates a SHACL shape"
        problems.add(Problem(f"<{focus}>" + (f" {_short(path)}" if path is not None else ""), str(message)))
    return sorted(problems, key=lambda p: p.path)


def _short(iri) -> str:
    text = str(iri)
    return "cg:" + text[len(CG):] if text.startswith(CG) else f"<{text}>"


class RdfReviewLoader(Loader):
    suffixes = (".ttl", ".trig", ".jsonld", ".nt", ".nq")
    name = "rdf"

    def check(self, data: bytes, source: Path) -> tuple[str, str, str]:
        """(review id, review IRI, N-Quads text) of a file whose graph satisfies the shapes."""
        text = decode_text(source, data)
        try:
            parsed = list(ox.parse(text, format=ox.RdfFormat.from_extension(source.suffix.lstrip("."))))
        except SyntaxError as error:
            raise ReviewFileError(source, [Problem("", f"RDF syntax error: {error}", _line(error))]) from None
        reviews = {q.subject for q in parsed
                   if q.predicate.value == RDF_TYPE and q.object.value == CG + "Review"}
        if len(reviews) != 1:
            found = ", ".join(sorted(f"<{r.value}>" for r in reviews)) or "none"
            raise ReviewFileError(source, [Problem("", f"an RDF review file must describe exactly one cg:Review; "
                                                       f"found {found}")])
        review = reviews.pop()
        review_id = next((q.object.value for q in parsed
                          if q.subject == review and q.predicate.value == CG + "identifier"), None)
        if review_id is None or review.value != review_iri(review_id):
            raise ReviewFileError(source, [Problem(f"<{review.value}>", "the review's IRI must be "
                                  f"{review_iri('<its cg:identifier>')}; got cg:identifier {review_id!r}")])
        graph = ox.NamedNode(review.value)
        quads = _with_superclasses([ox.Quad(q.subject, q.predicate, q.object, graph) for q in parsed])
        problems = shacl_problems(quads)
        if problems:
            raise ReviewFileError(source, problems)
        return review_id, review.value, ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")

    def convert(self, checked: tuple[str, str, str], source: Path) -> ReviewGraph:
        review_id, iri, nquads = checked
        return ReviewGraph(review_id, iri, list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS)), source)


def _with_superclasses(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Assert superclass types as the YAML loader does, so both kinds of input query alike."""
    supers = vocabulary().superclasses
    seen = set(quads)
    result = list(dict.fromkeys(quads))
    for quad in quads:
        if quad.predicate.value == RDF_TYPE:
            for cls in supers.get(quad.object.value, ()):
                extra = ox.Quad(quad.subject, quad.predicate, ox.NamedNode(cls), quad.graph_name)
                if extra not in seen:
                    seen.add(extra)
                    result.append(extra)
    return result


def _line(error: SyntaxError) -> int | None:
    return error.lineno if isinstance(getattr(error, "lineno", None), int) else None
