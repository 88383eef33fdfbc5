"""Check review files and load them into the store: the work behind `validate` and `load`."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from casegraph.errors import Problem, ReviewFileError
from casegraph.graph.store import ReviewStore
from casegraph.loaders import ReviewGraph, load, review_paths

BATCH_TRIPLES = 200_000  # reviews are written in batches of about this many triples to bound memory


@dataclass
class FileResult:
    path: Path
    review_id: str | None = None
    triples: int = 0
    error: ReviewFileError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class LoadReport:
    results: list[FileResult] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if not r.ok]

    @property
    def succeeded(self) -> list[FileResult]:
        return [r for r in self.results if r.ok]

    @property
    def triples(self) -> int:
        return sum(r.triples for r in self.succeeded)


def check_files(paths: Iterable[Path], on_file: Callable[[Path], None] | None = None
                ) -> Iterator[tuple[FileResult, ReviewGraph | None]]:
    """Read, check and convert each file; a review id seen in an earlier file is an error."""
    seen: dict[str, Path] = {}
    for path in paths:
        result = FileResult(path)
        graph = None
        try:
            graph = load(path)
            if graph.review_id in seen:
                raise ReviewFileError(path, [Problem("review.id", f"review id {graph.review_id!r} is also the id "
                                                     f"of {seen[graph.review_id]}; each review needs its own file "
                                                     "and id")])
            seen[graph.review_id] = path
            result.review_id, result.triples = graph.review_id, len(graph.quads)
        except ReviewFileError as error:
            result.error, graph = error, None
        if on_file:
            on_file(path)
        yield result, graph


def validate_paths(paths: Iterable[Path | str], on_file=None) -> LoadReport:
    """Check files without storing anything."""
    return LoadReport([result for result, _ in check_files(review_paths(paths), on_file)])


def load_paths(paths: Iterable[Path | str], store_path: Path | None = None, on_file=None,
               batch_triples: int = BATCH_TRIPLES) -> LoadReport:
    """Check every file and store each good review, replacing an earlier version of it exactly.

    A file with any problem is reported and skipped; nothing of it reaches the store.
    """
    files = list(review_paths(paths))
    report = LoadReport()
    with ReviewStore.open(store_path, write=True) as store:
        batch: list[ReviewGraph] = []
        size = 0
        for result, graph in check_files(files, on_file):
            report.results.append(result)
            if graph is None:
                continue
            batch.append(graph)
            size += len(graph.quads)
            if size >= batch_triples:
                store.replace(batch)
                batch, size = [], 0
        if batch:
            store.replace(batch)
    return report
