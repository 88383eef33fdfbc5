"""What every loader gives back, and the interface a loader implements.

Loading is two steps so the expensive, pure part can run in worker processes: `check` reads
and validates a file into a picklable value (or raises ReviewFileError), and `convert` turns
that value into the review's RDF quads.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import Problem
from casegraph.ontology.connections import with_connections
from casegraph.loaders.yaml_reader import read_bytes


@dataclass
class ReviewGraph:
    """One review as RDF: every quad is in the named graph `iri`."""

    review_id: str
    iri: str
    quads: list[ox.Quad]
    source: Path
    proposed: tuple[Problem, ...] = ()  # items casegraph draft proposed and no analyst has confirmed

    def __post_init__(self) -> None:
        # Every way in (a review file, a QDA project) stores the review's connections, so the
        # questions that read them never re-derive the rule over the store.
        self.quads = with_connections(self.quads, self.iri)

    def prepared(self) -> PreparedReview:
        return PreparedReview(self.review_id, self.iri, self.source, len(self.quads),
                              ox.serialize(self.quads, format=ox.RdfFormat.N_QUADS), self.proposed)


@dataclass(frozen=True)
class PreparedReview:
    """A checked review as N-Quads bytes: cheap to send between processes, and Oxigraph
    bulk-loads bytes without holding Python's GIL."""

    review_id: str
    iri: str
    source: Path
    triples: int
    nquads: bytes
    proposed: tuple[Problem, ...] = ()
    view: bytes = b""  # its part of the property-graph view, when the loading step derived it (graph.view_cache)
    parts: tuple[tuple[str, bytes], ...] = ()  # (part, data): what else the loading step was asked to derive


class Loader(ABC):
    """Reads one file format into a checked ReviewGraph, or raises ReviewFileError."""

    suffixes: tuple[str, ...] = ()
    name: str = ""

    @abstractmethod
    def check(self, data: bytes, source: Path) -> object:
        """Parse and check the bytes of one file; return a picklable value for `convert`."""

    @abstractmethod
    def convert(self, checked: object, source: Path) -> ReviewGraph:
        """The RDF of a file that `check` accepted."""

    def loads(self, data: bytes, source: Path) -> ReviewGraph:
        return self.convert(self.check(data, source), source)

    def load(self, path: Path) -> ReviewGraph:
        return self.loads(read_bytes(path), path)
