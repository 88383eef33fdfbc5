"""One exception hierarchy for casegraph; every message names the bad value and what to do."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CasegraphError(Exception):
    """Root of every error casegraph raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as precisely as the format allows."""

    path: str  # field path in the file, e.g. "incidents[2].victims[0]"; "" for the whole file
    message: str
    line: int | None = None

    def render(self, source: Path | str) -> str:
        where = f"{source}:{self.line}" if self.line else f"{source}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class ReviewFileError(CasegraphError):
    """A review file that cannot be loaded; carries every problem found in it."""

    def __init__(self, source: Path | str, problems: list[Problem]):
        self.source = Path(source)
        self.problems = problems
        super().__init__("\n".join(p.render(source) for p in problems))

    def __reduce__(self):  # errors travel back from worker processes
        return type(self), (self.source, self.problems)


class StoreError(CasegraphError):
    """The store cannot be opened, read or written."""


class StoreBusy(StoreError):
    """Another process holds the store for writing for longer than the caller would wait."""


class UnknownName(CasegraphError):
    """A name the user gave (a review id, a saved question, a candidate) that names nothing: a usage
    error, so the command line exits 2 as for a bad option."""


class ReviewNotFound(StoreError, UnknownName):
    """No review with that id in the store."""


class QueryError(CasegraphError):
    """A query that cannot be run (syntax, parameters, engine)."""


class UnknownSavedQuery(QueryError, UnknownName):
    """No saved question of that name."""


class DocumentError(CasegraphError):
    """A document `casegraph draft` cannot read: not a document, encrypted, scanned with no text
    layer, damaged or too large. The message names the file and what to do; one line."""

    def __init__(self, path: Path | str, message: str):
        self.path = Path(path)
        super().__init__(f"{path}: {message}")

    def __reduce__(self):
        return type(self), (self.path, str(self).split(": ", 1)[1])
