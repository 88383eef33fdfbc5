"""Check review files and load them into the store: the work behind `validate` and `load`."""
from __future__ import annotations

import collections
import dataclasses
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from casegraph.errors import Problem, ReviewFileError
from casegraph.graph.cypher.embedded import update_in_place
from casegraph.graph.store import ReviewStore
from casegraph.graph.view_cache import fragment_of
from casegraph.loaders import PreparedReview, load, review_paths
from casegraph.memory import without_cycle_collection

BATCH_TRIPLES = 50_000  # reviews are written in batches of about this many triples (Oxigraph bulk-loads these fastest)


@dataclass
class FileResult:
    path: Path
    review_id: str | None = None
    triples: int = 0
    error: ReviewFileError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class WaitingEvent:
    """A `same_as` naming an incident the store does not hold (yet): the link takes effect when it arrives."""

    incident: str  # the IRI of the incident that names the other
    other: str  # the IRI it names
    review_stored: bool  # the other review is stored, but has no such incident

    def message(self) -> str:
        from casegraph.ontology import short_id

        why = "that review has no such incident" if self.review_stored else "that review is not loaded"
        return (f"{short_id(self.incident)}: same_as {short_id(self.other)} waits: {why}; the link takes "
                "effect when it is loaded")


@dataclass
class LoadReport:
    results: list[FileResult] = field(default_factory=list)
    waiting: list[WaitingEvent] = field(default_factory=list)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if not r.ok]

    @property
    def succeeded(self) -> list[FileResult]:
        return [r for r in self.results if r.ok]

    @property
    def triples(self) -> int:
        return sum(r.triples for r in self.succeeded)


COMPACT_AFTER_TRIPLES = 100_000  # after a bulk load this big, compact: full scans were 4x slower without
PARALLEL_MIN_FILES = 100  # below this, starting worker processes costs more than it saves
CHUNK_FILES = 16


def die_with_parent(parent: int) -> None:
    """Run in each worker process: end it when the loading process ends, even by kill -9, so no
    orphaned workers go on parsing (Linux's parent-death signal; elsewhere a watcher thread)."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) != 0:  # PR_SET_PDEATHSIG
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):
        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


# What else to derive from each review while its quads are at hand: functions of its quads giving
# (part, bytes) to keep beside the store (top-level functions, so workers can be sent them).
Derivation = Callable[[list], tuple[str, bytes]]


@without_cycle_collection()  # a review's YAML nodes, quads and fragment: 11% of the work was collector passes
def _prepare_one(path: Path, derive: tuple[Derivation, ...] = ()) -> tuple[PreparedReview | None, ReviewFileError | None]:
    """One file checked and converted, with its part of the view (and whatever `derive` asks)
    derived here (on a worker, from the quads it holds) so no question has to derive it from the
    store later."""
    try:
        graph = load(path)
    except ReviewFileError as error:
        return None, error
    return dataclasses.replace(graph.prepared(), view=fragment_of(graph.quads),
                               parts=tuple(derivation(graph.quads) for derivation in derive)), None


def _prepare_chunk(paths: list[Path], derive: tuple[Derivation, ...] = ()) -> list[tuple[PreparedReview | None, ReviewFileError | None]]:
    return [_prepare_one(path, derive) for path in paths]


def _prepared(paths: list[Path], workers: int,
              derive: tuple[Derivation, ...] = ()) -> Iterator[tuple[PreparedReview | None, ReviewFileError | None]]:
    """Each path read, checked and converted, in order; on worker processes when there are many.

    Parsing, checking and converting are pure Python and most of a load's work; worker
    processes spread them over the cores while this process stores. A bounded window of
    chunks in flight keeps memory flat however many files there are.
    """
    if workers < 1 or len(paths) < PARALLEL_MIN_FILES:
        yield from (_prepare_one(path, derive) for path in paths)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunks = [paths[i:i + CHUNK_FILES] for i in range(0, len(paths), CHUNK_FILES)]
    done = 0
    try:
        # spawn, not fork: this process may already run the store's writer thread
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            pending: collections.deque = collections.deque()
            for chunk in chunks:
                pending.append(pool.submit(_prepare_chunk, chunk, derive))
                if len(pending) >= 4 * workers:
                    results = pending.popleft().result()
                    done += len(results)
                    yield from results
            while pending:
                results = pending.popleft().result()
                done += len(results)
                yield from results
    except BrokenProcessPool:
        # Workers could not start (spawn re-imports __main__, which a script read from stdin
        # does not have): finish the files left in this process instead.
        yield from (_prepare_one(path, derive) for path in paths[done:])


def check_files(paths: Iterable[Path], on_file: Callable[[Path], None] | None = None,
                workers: int | None = None, accept_proposed: bool = False,
                derive: tuple[Derivation, ...] = ()) -> Iterator[tuple[FileResult, PreparedReview | None]]:
    """Read, check and convert each file; a review id seen in an earlier file is an error, and so is a
    draft's item still proposed (unless `accept_proposed`)."""
    paths = list(paths)
    if workers is None:
        workers = cpu_count if (cpu_count := os.cpu_count() or 1) > 1 else 0
    seen: dict[str, Path] = {}
    for path, (review, error) in zip(paths, _prepared(paths, workers, derive)):
        result = FileResult(path)
        if review is not None and review.review_id in seen:
            error = ReviewFileError(path, [Problem("review.id", f"review id {review.review_id!r} is also the id of "
                                                   f"{seen[review.review_id]}; each review needs its own file and id")])
        elif review is not None and review.proposed and not accept_proposed:
            error = ReviewFileError(path, still_proposed(review.proposed))
        if error is not None:
            result.error, review = error, None
        else:
            seen[review.review_id] = path
            result.review_id, result.triples = review.review_id, review.triples
        if on_file:
            on_file(path)
        yield result, review


MAX_PROPOSED_LISTED = 10


def still_proposed(proposed: tuple[Problem, ...]) -> list[Problem]:
    """A draft's unconfirmed items, as the problems that keep it out of the store."""
    listed = list(proposed[:MAX_PROPOSED_LISTED])
    more = f" (the first {len(listed)} listed below)" if len(proposed) > len(listed) else ""
    return [Problem("", f"{len(proposed)} item(s) are still proposed by casegraph draft (status: proposed){more}: "
                        "read each one's evidence, delete the wrong ones, then delete the status line of each "
                        "right one (or write status: confirmed); or load with --accept-proposed to store them "
                        "marked as proposed")] + listed


def validate_paths(paths: Iterable[Path | str], on_file=None, accept_proposed: bool = False) -> LoadReport:
    """Check files without storing anything."""
    return LoadReport([result for result, _ in check_files(review_paths(paths), on_file,
                                                           accept_proposed=accept_proposed)])


def load_paths(paths: Iterable[Path | str], store_path: Path | None = None, on_file=None,
               batch_triples: int = BATCH_TRIPLES, workers: int | None = None,
               accept_proposed: bool = False, derive: tuple[Derivation, ...] = ()) -> LoadReport:
    """Check every file and store each good review, replacing an earlier version of it exactly.

    A file with any problem is reported and skipped; nothing of it reaches the store. `derive`:
    what else to derive from each review as it is converted and keep beside the store (see
    `Derivation`; `casegraph.linking.reading.record_part`, the records to link).
    """
    files = list(review_paths(paths))
    report = LoadReport()
    update_in_place()
    with ReviewStore.open(store_path, write=True) as store:
        with _BatchWriter(store, batch_triples) as writer:
            for result, review in check_files(files, on_file, workers, accept_proposed, derive):
                report.results.append(result)
                if review is not None:
                    writer.add(review)
        if store.discarded:  # earlier versions of reviews were replaced: make them gone, and compact
            store.rebuild()
        elif report.triples >= COMPACT_AFTER_TRIPLES:
            store.optimize()
        report.waiting = waiting_events(store, [r.review_id for r in report.succeeded if r.review_id])
    return report


def waiting_events(store: ReviewStore, reviews: list[str]) -> list[WaitingEvent]:
    """The same-event links of `reviews` whose other incident is not in the store."""
    if not reviews:
        return []
    from casegraph.loaders.rdf_checks import review_of
    from casegraph.ontology import CG, RDF

    stored, loaded = set(store.review_ids()), set(reviews)
    waiting = []
    # Over the whole store: the other incident may be in any review. Same-event links are few.
    rows = store.query(f"SELECT ?incident ?other {{ ?incident <{CG}sameEventAs> ?other "
                       f"FILTER NOT EXISTS {{ ?other <{RDF}type> <{CG}Incident> }} }} ORDER BY ?incident ?other")
    for incident, other in rows:
        if review_of(incident.value) in loaded:
            waiting.append(WaitingEvent(incident.value, other.value, review_of(other.value) in stored))
    return waiting


class _BatchWriter:
    """Writes batches of reviews on a second thread while the next files are parsed.

    Oxigraph releases the GIL while it bulk-loads, so preparing (Python) and storing (Rust)
    overlap. The queue is short, bounding memory to a few batches. Each batch is
    written whole, even when the parse is interrupted, so no review is left half-stored.
    """

    def __init__(self, store: ReviewStore, batch_triples: int):
        self._store = store
        self._batch_triples = batch_triples
        self._batch: list[PreparedReview] = []
        self._size = 0
        self._queue: queue.Queue[list[PreparedReview] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="casegraph-writer", daemon=True)

    def __enter__(self) -> _BatchWriter:
        self._thread.start()
        return self

    def add(self, review: PreparedReview) -> None:
        self._raise_if_failed()
        self._batch.append(review)
        self._size += review.triples
        if self._size >= self._batch_triples:
            self._queue.put(self._batch)
            self._batch, self._size = [], 0

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None and self._batch:
            self._queue.put(self._batch)
        self._queue.put(None)
        self._thread.join()
        if kind is None:
            self._raise_if_failed()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._store.replace(batch)
                except BaseException as error:  # handed to the main thread, which raises it
                    self._error = error

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error
