"""The persistent store: one named graph per review in an on-disk Oxigraph dataset.

Oxigraph (RocksDB) lets one process write and any number read, so writers take a lock file
and wait their turn, and readers open a private snapshot. A reload first checks the whole
file, then swaps the review's graph through a journal: a crash at any moment leaves every review
as it was or as it is now, never absent (see `durability`). Removing or replacing a review
rebuilds the database, so nothing removed stays in the store's files.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import ReviewNotFound, StoreBusy, StoreError
from casegraph.graph.derived import derive_connections, review_digest
from casegraph.graph.view_files import keep_parts, keep_views, prune_views
from casegraph.graph.durability import (DATABASE_DIR, clear_journal, deferred_interrupt, finish_rebuild,
                                        journal_chunks, needs_recovery, open_read_only, private_files, read_catalog,
                                        read_journal, rebuilding_path, remove_stale_snapshots, save_catalog,
                                        snapshot_of_live, swap_in_rebuilt, swap_lock, write_journal)
from casegraph.loaders.base import PreparedReview
from casegraph.ontology import CG, CODES_FILE, ONTOLOGY_FILE, PREFIXES, RDF, RDFS, review_iri
from casegraph.ontology.connections import CONNECTION_RULES

ONTOLOGY_GRAPH = "https://w3id.org/casegraph/ontology"
LINKS_GRAPH = "https://w3id.org/casegraph/links"  # analysts' accepted links (owl:sameAs) between records
LOCK_TIMEOUT_SECONDS = 600
DERIVED = ("cypher", "linking", "pictures")  # derived from the reviews: the Cypher engine's view, the candidate cache, pages
# derived view -> what brings it in line with a rebuilt store in place (its owner registers it); others are deleted
REFRESHERS: dict[str, Callable[[Path], None]] = {}
EXPORT_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS,
                  "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}


def default_store_path() -> Path:
    """$CASEGRAPH_STORE, else the user's data directory (e.g. ~/.local/share/casegraph/store)."""
    if env := os.environ.get("CASEGRAPH_STORE"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("casegraph")) / "store"


@dataclass(frozen=True)
class ReviewSummary:
    review_id: str
    title: str
    year: int | None
    kind: str
    triples: int
    source: str
    loaded_at: str


_n = ox.NamedNode


class ReviewStore:
    """Open with ReviewStore.open(path) to read, ReviewStore.open(path, write=True) to change."""

    def __init__(self, store: ox.Store, path: Path, writable: bool, catalog: dict):
        self._store = store
        self.path = path
        self.writable = writable
        self._catalog = catalog
        self.discarded = False  # whether reviews were removed or replaced, so old data waits for rebuild()

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path | None = None, *, write: bool = False,
             timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[ReviewStore]:
        """Open to read (a private snapshot) or, with `write`, to change, waiting up to `timeout`
        seconds for another writer (StoreBusy after that)."""
        path = Path(path) if path else default_store_path()
        if not write:
            with cls._reading(path) as instance:
                yield instance
            return
        from filelock import FileLock, Timeout

        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            if path.stat().st_uid == os.getuid():
                os.chmod(path, 0o700)  # reviews are about children: no other user of the machine reads them
        except OSError as error:
            raise StoreError(f"cannot create the store directory {path}: {error.strerror}") from None
        lock = FileLock(str(path.parent / f".{path.name}.lock"))
        try:
            with lock.acquire(timeout=timeout), private_files():
                database = path / DATABASE_DIR
                with swap_lock(path, exclusive=True):
                    finish_rebuild(database)
                try:
                    store = ox.Store(str(database))
                except OSError as error:
                    raise StoreError(f"cannot open the store at {path} for writing: {error}") from None
                instance = cls(store, path, True, read_catalog(path))
                del store
                try:
                    instance._replay_journal()
                    instance._ensure_ontology()
                    if instance._catalog.get("connections") != CONNECTION_RULES:  # written by an older casegraph
                        with swap_lock(path, exclusive=True):
                            instance._derive_connections(instance.review_ids())
                    remove_stale_snapshots(path)
                    yield instance
                finally:
                    if instance._store is not None:
                        instance._store.flush()
                    # Dropping the last reference closes RocksDB, which waits for its background
                    # compactions; only then may the lock go.
                    instance._store = None
        except Timeout:
            raise StoreBusy(f"another casegraph process has held the store {path} for "
                            f"{timeout:g} s; try again when it has finished") from None

    @classmethod
    @contextlib.contextmanager
    def _reading(cls, path: Path) -> Iterator[ReviewStore]:
        """A read-only store on a private snapshot taken between two swaps: what a writer does
        afterwards, its compactions included, cannot change or break it."""
        database = path / DATABASE_DIR
        if not (database / "CURRENT").exists() and not needs_recovery(path, DATABASE_DIR):
            raise StoreError(f"no casegraph store at {path}; load reviews first "
                             f"(casegraph load PATH --store {path})")
        if read_catalog(path).get("connections") != CONNECTION_RULES:  # written by an older casegraph:
            with contextlib.suppress(StoreBusy, StoreError, OSError), cls.open(path, write=True, timeout=0):
                pass  # opening to write derives what it lacks (one who may not write reads it as it is)
        try:
            snapshot, catalog = cls.snapshot(path)
        except PermissionError:  # a store this user may read but not write: no snapshot, read it as it is
            snapshot, catalog = None, read_catalog(path)
        try:
            instance = cls(open_read_only(snapshot or database, path), path, False, catalog)
            yield instance
        finally:
            instance = None  # closes the snapshot's database before its directory goes
            if snapshot is not None:
                shutil.rmtree(snapshot, ignore_errors=True)

    @classmethod
    def snapshot(cls, path: Path) -> tuple[Path, dict]:
        """A private checkpoint of the store's database, taken between two swaps (finishing a crashed
        writer's swap first), and the catalog as it was then. The caller deletes the directory."""
        deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            with swap_lock(path, exclusive=False):
                if not needs_recovery(path, DATABASE_DIR):
                    taken = snapshot_of_live(path / DATABASE_DIR, path)
                    return taken, read_catalog(path)
            # A writer crashed and left a swap unfinished: opening for writing finishes it. If
            # another writer has the store, it finishes the swap first thing: wait for that.
            try:
                with cls.open(path, write=True, timeout=0):
                    pass
            except StoreBusy:
                time.sleep(0.05)
        raise StoreBusy(f"the store at {path} has an unfinished change that no writer has finished in "
                        f"{LOCK_TIMEOUT_SECONDS} s; try again")

    def _ensure_ontology(self) -> None:
        """Keep the ontology and code lists in a graph of their own, so SPARQL can use labels."""
        digest = hashlib.sha256(ONTOLOGY_FILE.read_bytes() + CODES_FILE.read_bytes()).hexdigest()
        if self._catalog.get("ontology") == digest:
            return
        graph = _n(ONTOLOGY_GRAPH)
        if self._store.contains_named_graph(graph):
            self._store.remove_graph(graph)
        for path in (ONTOLOGY_FILE, CODES_FILE):
            self._store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
        self._catalog["ontology"] = digest
        self._save_catalog()

    # -- writing ---------------------------------------------------------------------------
    def replace(self, reviews: Iterable[PreparedReview], removing: Iterable[str] = ()) -> None:
        """Store these reviews, each replacing any earlier version of itself exactly, and remove the
        `removing` ones, in one step (a project imported again drops the reviews it no longer has).
        A review whose quads are those stored already keeps its graph; only its catalog entry changes."""
        self._require_writable()
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        entries, changed, reviews = {}, [], list(reviews)
        for review in reviews:
            digest = review_digest(review.nquads)
            before = self._catalog["reviews"].get(review.review_id)
            entries[review.review_id] = {"source": str(review.source), "loaded_at": now,
                                         "triples": review.triples, "digest": digest}
            stored = review.review_id in self
            if before is None or before.get("digest") != digest or not stored:
                changed.append(review)
                self.discarded |= before is not None or stored
        gone = [review_id for review_id in removing if review_id not in entries and review_id in self]
        entries.update({review_id: None for review_id in gone})
        self.discarded |= bool(gone)
        self._swap([review.review_id for review in changed] + gone, entries, b"".join(r.nquads for r in changed))
        keep_views(self.path, [(entries[r.review_id]["digest"], r.view) for r in changed if r.view])
        keep_parts(self.path, [(part, entries[r.review_id]["digest"], data) for r in reviews for part, data in r.parts])

    def remove(self, review_id: str, *, rebuild: bool = True) -> None:
        """Remove one review; with `rebuild` (the default) nothing of it stays in the store's files."""
        self._require_writable()
        self._require_stored([review_id])
        self._swap([review_id], {review_id: None}, b"")
        self.discarded = True
        if rebuild:
            self.rebuild()

    def _swap(self, drop: list[str], entries: dict[str, dict | None], nquads: bytes) -> None:
        """Drop these graphs, load these quads and set these catalog entries, as one step for
        readers (the swap lock) and for crashes (the journal, replayed on the next open)."""
        with deferred_interrupt(), swap_lock(self.path, exclusive=True):
            if drop:  # in the lock: a reader that sees a journal knows its writer has died
                self._apply_journal(write_journal(self.path, drop, entries, nquads))
            else:
                self._apply([], entries, None)

    def _apply(self, drop: list[str], entries: dict[str, dict | None], quads: Path | None) -> None:
        for review_id in drop:
            node = _n(review_iri(review_id))
            if self._store.contains_named_graph(node):
                self._store.remove_graph(node)
        for chunk in journal_chunks(quads) if quads is not None else ():  # ours: lenient, no second IRI check
            self._store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS, lenient=True)
        for review_id, entry in entries.items():
            if entry is None:
                self._catalog["reviews"].pop(review_id, None)
            else:
                self._catalog["reviews"][review_id] = entry
        self._save_catalog()
        self._store.flush()  # a reader's snapshot sees only what is flushed

    def restore(self, nquads: bytes, entries: dict[str, dict]) -> None:
        """Load a backup's quads and set its reviews' catalog entries, as one journaled swap (see durability)."""
        self._require_writable()
        with deferred_interrupt(), swap_lock(self.path, exclusive=True):
            self._apply_journal(write_journal(self.path, sorted(entries), dict(entries), nquads))
            self._derive_connections(sorted(entries))  # a backup's reviews may predate the rule

    def _replay_journal(self) -> None:
        journal = read_journal(self.path)
        if journal is not None:
            with swap_lock(self.path, exclusive=True):
                self._apply_journal(journal)
            self.discarded = True

    def _apply_journal(self, journal) -> None:
        """Carry out a journal's swap (the caller holds the swap lock), then discard the journal."""
        self._apply(journal.drop, journal.entries, journal.quads_path if journal.quads_path.stat().st_size else None)
        clear_journal(self.path)

    def optimize(self) -> None:
        """Compact the database after bulk loads (many small sorted files make scans slow)."""
        self._require_writable()
        self._store.optimize()

    def rebuild(self) -> None:
        """Write every quad into a new database that takes this one's place, and delete the views
        derived from the old one. Oxigraph keeps every string it ever stored, so only this makes
        removed or replaced data gone from the store's files; it also leaves the store compact."""
        self._require_writable()
        database = self.path / DATABASE_DIR
        target = rebuilding_path(database)
        dump = self.path / ".rebuild.nq"
        try:
            with open(dump, "wb") as handle:
                self._store.dump(handle, format=ox.RdfFormat.N_QUADS)
            fresh = ox.Store(str(target))
            fresh.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS, lenient=True)
            fresh.optimize()
            fresh.flush()
            del fresh
        finally:
            dump.unlink(missing_ok=True)
        with deferred_interrupt(), swap_lock(self.path, exclusive=True):
            self._store = None  # closes the old database before its directory moves
            try:
                swap_in_rebuilt(database, target)
            finally:
                self._store = ox.Store(str(database))
        for derived in DERIVED:
            if not self._refreshed(derived):
                shutil.rmtree(self.path / derived, ignore_errors=True)
        prune_views(self.path, self.digests().values())
        self.discarded = False

    def _refreshed(self, derived: str) -> bool:
        """Whether a derived view was brought in line with the rebuilt store in place (else it is deleted)."""
        refresh = REFRESHERS.get(derived)
        if refresh is None or not (self.path / derived).exists():
            return False
        try:
            refresh(self.path)
        except Exception:  # noqa: BLE001 - deleting the view instead is as safe, only slower next time
            return False
        return True

    def _save_catalog(self) -> None:
        save_catalog(self.path, self._catalog)

    def _require_writable(self) -> None:
        if not self.writable:
            raise StoreError("the store was opened read-only")

    # -- reading ---------------------------------------------------------------------------
    def review_ids(self) -> list[str]:
        prefix = review_iri("")
        return sorted(g.value[len(prefix):] for g in self._store.named_graphs()
                      if isinstance(g, ox.NamedNode) and g.value.startswith(prefix))

    def __contains__(self, review_id: str) -> bool:
        return self._store.contains_named_graph(_n(review_iri(review_id)))

    def summary(self, review_id: str) -> ReviewSummary:
        self._require_stored([review_id])
        node = _n(review_iri(review_id))

        def value(predicate: str) -> str:
            quad = next(self._store.quads_for_pattern(node, _n(predicate), None, node), None)
            return quad.object.value if quad else ""

        year = value(CG + "publicationYear")
        entry = self._catalog["reviews"].get(review_id, {})
        triples = entry.get("triples")
        return ReviewSummary(
            review_id, value(RDFS + "label"), int(year) if year.isdigit() else None,
            value(CG + "reviewKind").rsplit("/", 1)[-1], triples if triples is not None else len(self.quads(review_id)),
            entry.get("source", ""), entry.get("loaded_at", ""))

    def summaries(self) -> list[ReviewSummary]:
        return [self.summary(review_id) for review_id in self.review_ids()]

    def quads(self, review_id: str) -> list[ox.Quad]:
        self._require_stored([review_id])
        return list(self._store.quads_for_pattern(None, None, None, _n(review_iri(review_id))))

    def review_quads(self, reviews: list[str] | None = None, *, links: bool = True) -> Iterator[ox.Quad]:
        """Every quad of the chosen reviews (default: all), then the analysts' links (unless not `links`)."""
        for review in reviews or self.review_ids():
            yield from self.graph_quads(review_iri(review))
        if links:
            yield from self.links_quads()

    def links_quads(self) -> Iterator[ox.Quad]:
        """The analysts' accepted links (owl:sameAs), from their own graph."""
        return self.graph_quads(LINKS_GRAPH)

    def graphs(self) -> list[str]:
        """The IRI of every named graph stored: the reviews', the links, the decisions, the ontology."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def digests(self) -> dict[str, str | None]:
        """Each stored review's digest (the hash of its quads; None after a SPARQL update changed them)."""
        return {review_id: entry.get("digest") for review_id, entry in self._catalog["reviews"].items()}

    def catalog_entries(self) -> dict[str, dict]:
        """Each stored review's catalog entry: source, loaded_at, triples and digest."""
        return {review_id: dict(entry) for review_id, entry in self._catalog["reviews"].items()}

    def graph_quads(self, iri: str) -> Iterator[ox.Quad]:
        """Every quad of one named graph (none if absent)."""
        graph = _n(iri)
        return (ox.Quad(t.subject, t.predicate, t.object, graph) for t in self.graph_triples(iri))

    def graph_triples(self, iri: str) -> Iterator[ox.Triple]:
        """Every triple of one named graph (none if absent), read through Oxigraph's fast N-Quads dump."""
        graph = _n(iri)
        found = self._store.contains_named_graph(graph)
        return ox.parse(self._store.dump(format=ox.RdfFormat.N_QUADS, from_graph=graph) if found else b"",
                        format=ox.RdfFormat.N_TRIPLES, lenient=True)

    def query(self, sparql: str, *, reviews: list[str] | None = None, **options):
        """Run SPARQL with the union of all graphs as the default graph, or only `reviews`' graphs
        (with the ontology and links graphs, so labels and links still join).

        The union holds every review and the ontology graph (labels and code lists join
        directly); each review's graph also stays reachable by name (GRAPH ?g).
        """
        options.setdefault("prefixes", PREFIXES)
        if not reviews:
            # Oxigraph's union default graph is fast; a long explicit list of graphs is not.
            return self._store.query(sparql, use_default_graph_as_union=True, **options)
        self._require_stored(reviews)
        chosen = [_n(review_iri(r)) for r in reviews]
        shared = [_n(ONTOLOGY_GRAPH), _n(LINKS_GRAPH)]  # labels, code lists and links still join
        return self._store.query(sparql, default_graph=chosen + shared, named_graphs=chosen + shared[1:],
                                 **options)

    def update(self, sparql: str, *, reviews_untouched: bool = False) -> None:
        """Run a SPARQL update. Unless the caller vouches that it leaves every review's graph as it
        was (`reviews_untouched`, as decisions do), the next load of each review replaces it."""
        self._require_writable()
        with deferred_interrupt(), swap_lock(self.path, exclusive=True):
            self._store.update(sparql, prefixes=PREFIXES)
            if not reviews_untouched:
                for entry in self._catalog["reviews"].values():
                    entry["digest"] = None  # the graphs may no longer be what their files say
                self._derive_connections(self.review_ids())  # saves the catalog
            self._store.flush()

    def _derive_connections(self, review_ids: list[str]) -> None:
        """Bring these reviews' connections in line with the rule, in place (see graph.derived);
        the caller holds the swap lock."""
        for review_id, digest in derive_connections(self._store, review_ids).items():
            if review_id in self._catalog["reviews"]:
                self._catalog["reviews"][review_id]["digest"] = digest
        self._catalog["connections"] = CONNECTION_RULES
        self._save_catalog()
        self._store.flush()

    def dump(self, output, format_name: str, review_ids: list[str] | None = None, graphs: Iterable[str] = ()) -> None:
        """Write the chosen reviews (default: all) and named `graphs` as turtle, trig, nquads, ntriples or jsonld."""
        fmt = EXPORT_FORMATS[format_name]
        chosen = review_ids or self.review_ids()
        self._require_stored(chosen)
        quads = (q for g in [review_iri(r) for r in chosen] + list(graphs)
                 for q in self._store.quads_for_pattern(None, None, None, _n(g)))
        if not fmt.supports_datasets:
            quads = (ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        ox.serialize(quads, output, format=fmt, prefixes=_PREFIXES)

    def __len__(self) -> int:
        return len(self.review_ids())

    @property
    def oxigraph(self) -> ox.Store:
        """The Oxigraph store underneath, for libraries that take one (oxrdflib): read it, never write."""
        return self._store

    def _require_stored(self, review_ids: Iterable[str]) -> None:
        for review_id in review_ids:
            if review_id not in self:
                raise ReviewNotFound(self._not_found(review_id))

    def _not_found(self, review_id: str) -> str:
        close = difflib.get_close_matches(review_id, known := self.review_ids(), n=1)
        return (f"no review {review_id!r} in the store at {self.path}{f'; did you mean {close[0]!r}?' if close else ''}"
                f" ({len(known)} review(s) stored; see casegraph list)")


_PREFIXES = {"cg": CG, "rdf": RDF, "rdfs": RDFS}
