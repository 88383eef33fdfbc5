"""casegraph's coding as a REFI-QDA project that NVivo, ATLAS.ti and MAXQDA open.

A review imported from a project goes back as it came: its documents as sources with their plain
text, its excerpts as coded selections at their offsets with who coded them and when, its
project codes (guids kept) as the codebook, and its people and its own case as cases with their
variables. A review written by hand has no text to point into, so it brings its people as cases
and casegraph's code lists (the framework, harm types, context types and response kinds, with
their definitions) as the codebook, ready to code its text with. Exporting only imported
reviews writes their project's codebook alone, so import, export and import again give the same
graph.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from importlib.metadata import version
from pathlib import Path

from casegraph.loaders.qda.model import Case, Code, Coding, Project, Selection, Source, User, Variable
from casegraph.ontology import CG, RDF, RDFS, SKOS

CASEGRAPH_LISTS = ("framework", "harm-type", "context-type", "response-kind")
_NAMESPACE = uuid.UUID("5f0c7c1e-8f4e-4b7a-9a43-6b1d2f7e0c11")  # casegraph's guids for what had none


def guid_for(text: str) -> str:
    """A stable guid for an item that had none (an author's review, a casegraph code, a user by name)."""
    return str(uuid.uuid5(_NAMESPACE, text))


class _Graph:
    """One review graph indexed by subject: predicate -> values, in a stable order."""

    def __init__(self, triples):
        facts: dict[str, dict[str, list[str]]] = {}
        for triple in triples:
            facts.setdefault(triple.subject.value, {}).setdefault(triple.predicate.value, []).append(triple.object.value)
        types: dict[str, list[str]] = {}
        for subject, values in facts.items():
            for values_of in values.values():
                values_of.sort()
            for cls in values.get(RDF + "type", ()):
                types.setdefault(cls, []).append(subject)
        self.facts, self.types = facts, {cls: sorted(subjects) for cls, subjects in types.items()}

    def of_type(self, cls: str) -> list[str]:
        return self.types.get(CG + cls, [])

    def one(self, subject: str, predicate: str, default=None):
        values = self.facts.get(subject, {}).get(predicate)
        return values[0] if values else default

    def all(self, subject: str, predicate: str) -> list[str]:
        return list(self.facts.get(subject, {}).get(predicate, ()))


class _Export:
    def __init__(self):
        self.codes: dict[str, Code] = {}  # guid -> code, in the order first met
        self.users: dict[str, User] = {}
        self.variables: dict[str, Variable] = {}
        self.cases: dict[str, Case] = {}
        self.sources: list[Source] = []
        self.projects: set[str] = set()
        self.hand_coded = False

    def user(self, name: str | None) -> str | None:
        if not name:
            return None
        if name not in self.users:  # a guid is a uuid5 hash: once per user, not once per coding
            self.users[name] = User(guid_for("user:" + name), name)
        return self.users[name].guid

    def variable(self, name: str, kind: str = "Text") -> str:
        if name not in self.variables:
            self.variables[name] = Variable(guid_for("variable:" + name), name, kind)
        return self.variables[name].guid

    def review(self, graph: _Graph, review: str) -> None:
        project = graph.one(review, CG + "qdaProject")
        if project:
            self.projects.add(project)
        codes = {iri: self.code(graph, iri) for iri in graph.of_type("ProjectCode")}
        self._fix_parents(graph, codes)
        if not codes:
            self.hand_coded = True
        documents = {}
        for iri in graph.of_type("SourceDocument"):
            documents[iri] = self.source(graph, iri, codes)
        people = self.people(graph, review, documents)
        selections = defaultdict(list)
        for iri in graph.of_type("CodedExcerpt"):
            document = graph.one(iri, CG + "inDocument")
            selections[document].append(self.selection(graph, iri, codes))
            for person in graph.all(iri, CG + "about"):
                if person in people:
                    case = self.cases[people[person]]
                    self.cases[case.guid] = _with(case, selections=case.selections + (selections[document][-1].guid,))
        for iri, source in documents.items():
            ordered = tuple(sorted(selections[iri], key=lambda s: (s.start, s.end, s.guid)))
            self.sources.append(_source_with(source, ordered))
        case_guid = graph.one(review, CG + "qdaGuid")
        if case_guid or not documents:
            self.review_case(graph, review, case_guid or guid_for(review), list(documents.values()))

    def code(self, graph: _Graph, iri: str) -> str:
        guid = graph.one(iri, CG + "qdaGuid") or guid_for(iri)
        if guid not in self.codes:
            codable = graph.one(iri, CG + "codable")
            self.codes[guid] = Code(guid, graph.one(iri, RDFS + "label", ""), codable != "false",
                                    graph.one(iri, CG + "color"), graph.one(iri, SKOS + "definition", ""), None)
        return guid

    def _fix_parents(self, graph: _Graph, codes: dict[str, str]) -> None:
        for iri, guid in codes.items():
            parent = graph.one(iri, SKOS + "broader")
            if parent in codes and self.codes[guid].parent is None:
                self.codes[guid] = _with(self.codes[guid], parent=codes[parent])

    def codings(self, graph: _Graph, iri: str, codes: dict[str, str]) -> tuple[Coding, ...]:
        found = []
        for node in graph.all(iri, CG + "hasCoding"):
            code = graph.one(node, CG + "qdaCode")
            found.append(Coding(graph.one(node, CG + "qdaGuid") or guid_for(node), codes[code],
                                self.user(graph.one(node, CG + "codedBy")), graph.one(node, CG + "codedAt")))
        return tuple(sorted(found, key=lambda coding: coding.guid))

    def source(self, graph: _Graph, iri: str, codes: dict[str, str]) -> Source:
        return Source(graph.one(iri, CG + "qdaGuid") or guid_for(iri), graph.one(iri, RDFS + "label", ""),
                      graph.one(iri, CG + "documentKind", "text"), graph.one(iri, CG + "plainText"), None,
                      graph.one(iri, CG + "description", ""), (), self.codings(graph, iri, codes),
                      None, graph.one(iri, CG + "addedAt"))

    def selection(self, graph: _Graph, iri: str, codes: dict[str, str]) -> Selection:
        return Selection(graph.one(iri, CG + "qdaGuid") or guid_for(iri), int(graph.one(iri, CG + "startOffset")),
                         int(graph.one(iri, CG + "endOffset")), graph.one(iri, CG + "quote"),
                         self.codings(graph, iri, codes), graph.one(iri, RDFS + "label", ""),
                         graph.one(iri, CG + "note", ""))

    def people(self, graph: _Graph, review: str, documents: dict[str, Source]) -> dict[str, str]:
        """Each person as a case (one case for a person told in several reviews); person IRI -> case guid."""
        from casegraph.ontology import vocabulary

        vocab, found = vocabulary(), {}
        roles = {iri: code for code, iri in vocab.class_codes["Person"].items()}
        for iri in graph.of_type("Person"):
            role = next((roles[t] for t in graph.all(iri, RDF + "type") if t in roles), None)
            guid = graph.one(iri, CG + "qdaGuid") or guid_for(iri)
            values = [(self.variable("Role"), vocab.label(vocab.class_codes["Person"][role]))] if role else []
            if gender := graph.one(iri, CG + "gender"):
                values.append((self.variable("Gender"), vocab.label(gender)))
            if age := graph.one(iri, CG + "ageText"):
                values.append((self.variable("Age"), age))
            if ethnicity := graph.one(iri, CG + "ethnicity"):
                values.append((self.variable("Ethnicity"), ethnicity))
            values += self.kept_variables(graph, iri)
            sources = tuple(source.guid for source in documents.values())
            before = self.cases.get(guid)
            if before is not None:
                self.cases[guid] = _with(before, sources=before.sources + sources)
            else:
                self.cases[guid] = Case(guid, graph.one(iri, RDFS + "label", ""), graph.one(iri, CG + "description", ""),
                                        tuple(values), (), sources, ())
            found[iri] = guid
        return found

    def kept_variables(self, graph: _Graph, iri: str) -> list[tuple[str, str]]:
        nodes = graph.all(iri, CG + "hasVariable")
        pairs = sorted((graph.one(n, CG + "variableName"), graph.one(n, CG + "variableValue")) for n in nodes)
        return [(self.variable(name), value) for name, value in pairs]

    def review_case(self, graph: _Graph, review: str, guid: str, documents: list[Source]) -> None:
        from casegraph.ontology import vocabulary

        vocab = vocabulary()
        values = [(self.variable("Year", "Integer"), graph.one(review, CG + "publicationYear")[:4])]
        kind = graph.one(review, CG + "reviewKind")
        if kind and not kind.endswith("/not-stated"):
            values.append((self.variable("Review type"), vocab.label(kind)))
        if (level := graph.one(review, CG + "reviewLevel")) and not level.endswith("/not-stated"):
            values.append((self.variable("Level"), vocab.label(level)))
        for predicate, name in (("area", "Area"), ("partnership", "Partnership")):
            if value := graph.one(review, CG + predicate):
                values.append((self.variable(name), value))
        values += self.kept_variables(graph, review)
        self.cases[guid] = Case(guid, graph.one(review, RDFS + "label", ""), "", tuple(values), (),
                                tuple(source.guid for source in documents), ())

    def casegraph_codebook(self) -> None:
        """casegraph's code lists, each under a code named as the list is (the framework's primary
        nodes at the top, named as Table 1 names them, so an import maps them back)."""
        from casegraph.ontology.codebook import code_list

        for list_id in CASEGRAPH_LISTS:
            listed = code_list(list_id)
            top = None
            if list_id != "framework":
                top = guid_for(f"list:{list_id}")
                self.codes[top] = Code(top, listed.label, False, None, listed.definition, None)
            by_notation = {}
            for code in listed.codes:
                guid = guid_for(code.iri)
                parent = by_notation.get(code.broader[0]) if code.broader else top
                self.codes[guid] = Code(guid, code.label, True, None, code.definition, parent)
                by_notation[code.notation] = guid

    def project(self) -> Project:
        if self.hand_coded:
            self.casegraph_codebook()
        name = next(iter(self.projects)) if len(self.projects) == 1 else "casegraph export"
        return Project(name, f"casegraph {version('casegraph')}", users=tuple(self.users.values()),
                       codes=_parents_first(self.codes), sources=tuple(self.sources),
                       variables=tuple(self.variables.values()), cases=tuple(self.cases.values()))


def _with(item, **changes):
    from dataclasses import replace

    return replace(item, **changes)


def _source_with(source: Source, selections: tuple[Selection, ...]) -> Source:
    return _with(source, selections=selections)


def _parents_first(codes: dict[str, Code]) -> tuple[Code, ...]:
    ordered, placed = [], set()
    children = defaultdict(list)
    for code in codes.values():
        children[code.parent if code.parent in codes else None].append(code)
    stack = list(reversed(children[None]))
    while stack:
        code = stack.pop()
        if code.guid in placed:
            continue
        placed.add(code.guid)
        ordered.append(code if code.parent in codes or code.parent is None else _with(code, parent=None))
        stack += reversed(children[code.guid])
    return tuple(ordered)


def store_project(store, reviews: list[str] | None = None) -> Project:
    """The chosen reviews (default: all) of an open ReviewStore as one REFI-QDA project."""
    from casegraph.ontology import review_iri

    export = _Export()
    chosen = reviews or store.review_ids()
    for review_id, graph in zip(chosen, _read_ahead(lambda r: _Graph(store.graph_triples(review_iri(r))), chosen)):
        export.review(graph, review_iri(review_id))
    return export.project()


def _read_ahead(read, items, ahead: int = 2):
    """read(item) for each item, in order, the next ones read on a second thread meanwhile: Oxigraph
    dumps a graph without the GIL, so one graph is dumped while the last is indexed (16 s -> 10 s
    for 500 reviews); at most `ahead` graphs wait in memory."""
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        waiting = deque()
        for item in items:
            waiting.append(pool.submit(read, item))
            if len(waiting) > ahead:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


def export_qdpx(store, path: Path, reviews: list[str] | None = None) -> Project:
    """Write the chosen reviews as a .qdpx (checked against the REFI-QDA schema before it is written)."""
    from casegraph.loaders.qda.writer import write_project

    project = store_project(store, reviews)
    write_project(project, path)
    return project
