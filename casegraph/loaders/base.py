"""What every loader gives back, and the interface a loader implements."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from casegraph.loaders.yaml_reader import read_bytes


@dataclass
class ReviewGraph:
    """One review as RDF: every quad is in the named graph `iri`."""

    review_id: str
    iri: str
    quads: list[ox.Quad]
    source: Path


class Loader(ABC):
    """Reads one file format into a checked ReviewGraph, or raises ReviewFileError."""

    suffixes: tuple[str, ...] = ()
    name: str = ""

    @abstractmethod
    def loads(self, data: bytes, source: Path) -> ReviewGraph:
        """Parse and check the bytes of one file (`source` names it in messages)."""

    def load(self, path: Path) -> ReviewGraph:
        return self.loads(read_bytes(path), path)
