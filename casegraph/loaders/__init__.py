"""Loaders turn review files into checked RDF graphs, one loader per input format.

May import `ontology` and the base modules (`errors`, `output`) only: loaders know nothing of
the store.

>>> sorted(suffix for suffix in LOADERS)[:3]
['.json', '.jsonld', '.nq']
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from casegraph.errors import CasegraphError, Problem, ReviewFileError
from casegraph.loaders.base import Loader, PreparedReview, ReviewGraph
from casegraph.loaders.rdf_file import RdfReviewLoader
from casegraph.loaders.review_file import ReviewFileLoader

LOADERS: dict[str, Loader] = {suffix: loader for loader in (ReviewFileLoader(), RdfReviewLoader())
                              for suffix in loader.suffixes}


def loader_for(path: Path) -> Loader:
    try:
        return LOADERS[path.suffix.lower()]
    except KeyError:
        raise ReviewFileError(path, [Problem("", f"unsupported file type {path.suffix or '(none)'!r}; expected "
                                                 f"one of {', '.join(sorted(LOADERS))}")]) from None


def load(path: Path | str) -> ReviewGraph:
    """Read, check and convert one review file; raises ReviewFileError listing every problem."""
    path = Path(path)
    return loader_for(path).load(path)


def review_paths(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files named, and review files found under directories named (recursively, sorted), each once."""
    seen: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in LOADERS
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.exists():
            found = [path]
        else:
            raise CasegraphError(f"{path}: no such file or directory")
        for file in found:
            if (resolved := file.resolve()) not in seen:
                seen.add(resolved)
                yield file


__all__ = ["LOADERS", "Loader", "PreparedReview", "ReviewGraph", "load", "loader_for", "review_paths"]
