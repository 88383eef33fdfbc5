"""Reviews already in RDF (Turtle, TriG, JSON-LD, N-Triples, N-Quads) using the casegraph ontology.

Hand-made RDF has none of the YAML format's guarantees. A file is first held to the trust
boundary of rdf_checks (only its own review's triples, in the ontology's terms, nothing linking
into another review), then its literals are checked against their datatypes and its graph
against the SHACL shapes (pyshacl), before it may enter the store.
"""
from __future__ import annotations

import functools
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import Problem, ReviewFileError
from casegraph.loaders.base import Loader, ReviewGraph
from casegraph.loaders.rdf_checks import boundary_breaches, literal_breaches, quad_lines, short, triple_text
from casegraph.ontology import CG, CODES_FILE, ONTOLOGY_FILE, RDF, SHAPES_FILE, review_iri, vocabulary
from casegraph.loaders.yaml_reader import decode_text

RDF_TYPE = RDF + "type"
MAX_PROBLEMS = 20


@functools.cache
def _shacl_graphs():
    import rdflib

    ontology = rdflib.Graph()
    for path in (ONTOLOGY_FILE, CODES_FILE):
        ontology.parse(path, format="turtle")
    return rdflib.Graph().parse(SHAPES_FILE, format="turtle"), ontology


def shacl_violations(quads: list[ox.Quad]) -> list[tuple[str, str | None, str]]:
    """(focus node, path IRI or None, message) of each SHACL violation of a review graph."""
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
    found = set()
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        if report.value(result, sh.resultSeverity) != sh.Violation:
            continue
        path = report.value(result, sh.resultPath)
        message = report.value(result, sh.resultMessage) or "violates a SHACL shape"
        found.add((str(report.value(result, sh.focusNode)), str(path) if isinstance(path, rdflib.URIRef) else None,
                   " ".join(str(message).split())))
    return sorted(found, key=lambda v: (v[0], v[1] or "", v[2]))


def shacl_problems(quads: list[ox.Quad]) -> list[Problem]:
    """SHACL violations of a review graph, one Problem per focus node and path."""
    return [Problem(_shacl_path(focus, path), message) for focus, path, message in shacl_violations(quads)]


def _shacl_path(focus: str, path: str | None) -> str:
    return f"<{focus}>" + (f" {short(path)}" if path else "")


class RdfReviewLoader(Loader):
    suffixes = (".ttl", ".trig", ".jsonld", ".nt", ".nq")
    name = "rdf"

    def check(self, data: bytes, source: Path) -> tuple[str, str, str]:
        """(review id, review IRI, N-Quads text) of a file within the trust boundary whose graph
        satisfies the shapes."""
        text = decode_text(source, data)
        rdf_format = ox.RdfFormat.from_extension(source.suffix.lstrip(".").lower())
        try:  # blank nodes get fresh ids, so no file can name another file's blank nodes
            parsed = list(ox.parse(text, format=rdf_format, rename_blank_nodes=True))
        except SyntaxError as error:
            raise ReviewFileError(source, [Problem("", f"RDF syntax error: {' '.join(str(error).split())}",
                                                   _line(error))]) from None
        review_id, iri = _the_review(parsed, source)
        breaches = boundary_breaches(parsed, iri)
        if breaches:  # nothing else is worth checking in a file that says what it may not
            raise ReviewFileError(source, _located(breaches, [], parsed, text, rdf_format))
        wrong = literal_breaches(parsed)
        bad = {index for index, _ in wrong}
        graph = ox.NamedNode(iri)
        quads = _with_superclasses([ox.Quad(q.subject, q.predicate, q.object, graph)
                                    for index, q in enumerate(parsed) if index not in bad])
        reported = {_shacl_path(parsed[i].subject.value, parsed[i].predicate.value) for i in bad}
        violations = [v for v in shacl_violations(quads) if _shacl_path(v[0], v[1]) not in reported]
        if wrong or violations:
            raise ReviewFileError(source, _located(wrong, violations, parsed, text, rdf_format))
        return review_id, iri, ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")

    def convert(self, checked: tuple[str, str, str], source: Path) -> ReviewGraph:
        review_id, iri, nquads = checked
        return ReviewGraph(review_id, iri, list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS)), source)


def _the_review(parsed: list[ox.Quad], source: Path) -> tuple[str, str]:
    """(id, IRI) of the one cg:Review a file describes."""
    review_class = ox.NamedNode(CG + "Review")
    reviews = {q.subject for q in parsed if q.predicate.value == RDF_TYPE and q.object == review_class}
    if len(reviews) != 1:
        found = ", ".join(sorted(str(r) for r in reviews)) or "none"
        raise ReviewFileError(source, [Problem("", f"an RDF review file must describe exactly one cg:Review; "
                                                   f"found {found}")])
    review = reviews.pop()
    review_id = next((q.object.value for q in parsed
                      if q.subject == review and q.predicate.value == CG + "identifier"), None)
    if review_id is None or review.value != review_iri(review_id):
        raise ReviewFileError(source, [Problem(str(review), "the review's IRI must be "
                              f"{review_iri('<its cg:identifier>')}; got cg:identifier {review_id!r}")])
    return review_id, review.value


def _located(breaches: list[tuple[int, str]], violations: list[tuple[str, str | None, str]],
             parsed: list[ox.Quad], text: str, rdf_format: ox.RdfFormat) -> list[Problem]:
    """Problems naming each breached triple and its line, then the SHACL violations, the first
    MAX_PROBLEMS of them and a count of the rest."""
    lines = quad_lines(text, rdf_format)
    first: dict[tuple[str, str | None], int] = {}  # where a node (with a property) first appears
    if violations and lines:
        for index, quad in enumerate(parsed):
            first.setdefault((quad.subject.value, quad.predicate.value), index)
            first.setdefault((quad.subject.value, None), index)
        for index, quad in enumerate(parsed):  # a node only referred to: where it is named
            first.setdefault((quad.object.value, None), index)
    problems = [Problem(triple_text(parsed[i]), message, lines[i] if lines else None)
                for i, message in breaches[:MAX_PROBLEMS]]
    for focus, path, message in violations[:MAX_PROBLEMS - len(problems)]:
        index = first.get((focus, path), first.get((focus, None)))
        problems.append(Problem(_shacl_path(focus, path), message, lines[index] if index is not None else None))
    hidden = len(breaches) + len(violations) - len(problems)
    if hidden:
        problems.append(Problem("", f"and {hidden:,} more problem{'s' if hidden > 1 else ''} like these"))
    return problems


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
