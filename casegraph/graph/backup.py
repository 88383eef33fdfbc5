"""Backing up a whole store into one RDF file, and restoring it into an empty store.

A backup holds every named graph of the store but the ontology (which each store rebuilds from
the installed casegraph): each review's graph, the analysts' links graph and their decisions graph
with its whole history. One more graph, the backup's catalog (BACKUP_GRAPH), says what the file
holds: its format version, how many quads each graph has, and each review's catalog entry (where it
was loaded from, when, and the digest that tells a reload whether the file changed), so a restored
store is the same store, not only the same triples. The catalog is written last and never loaded
into the store.

The file is TriG (the default: readable, one block per graph) or N-Quads (one quad a line).

`restore` reads and checks the whole file before it touches the store: a file that is not RDF,
is cut short, or is not a casegraph backup changes nothing. It then loads everything as one
journaled swap (see `durability`), so a crash leaves the store empty or restored, never half. It
restores only into an empty store (no reviews, links or decisions): a backup replaces nobody's
work; to restore over a store, move that store aside first.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import StoreError
from casegraph.graph.durability import write_durably
from casegraph.graph.store import ONTOLOGY_GRAPH, ReviewStore
from casegraph.ontology import RDF, XSD, review_iri

BACKUP_GRAPH = "https://w3id.org/casegraph/backup"  # the catalog of a backup file; never stored
BACKUP = "https://w3id.org/casegraph/backup#"
FORMAT_VERSION = 1
BACKUP_FORMATS = {"trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS}
SUFFIXES = {".trig": "trig", ".nq": "nquads", ".nquads": "nquads"}


class BackupError(StoreError):
    """A backup that cannot be written or restored; the target store was left unchanged."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds (or a restore put back): quads per graph IRI, and the reviews."""

    path: Path
    format_name: str
    graph_quads: dict[str, int]
    reviews: list[str]

    def quads_in(self, graph: str) -> int:
        return self.graph_quads.get(graph, 0)


def backup_format(path: Path, format_name: str | None = None) -> str:
    """`format_name`, else the one the file name's suffix says (.trig, .nq), else trig.

    >>> backup_format(Path("work.nq")), backup_format(Path("work.bak")), backup_format(Path("a.nq"), "trig")
    ('nquads', 'trig', 'trig')
    """
    if format_name is not None:
        if format_name not in BACKUP_FORMATS:
            raise BackupError(f"unknown backup format {format_name!r}; use one of {', '.join(BACKUP_FORMATS)}")
        return format_name
    return SUFFIXES.get(path.suffix.lower(), "trig")


def backup(store: ReviewStore, out_path: Path, format_name: str | None = None) -> BackupSummary:
    """Write every graph of `store` but the ontology, with the backup's catalog, to `out_path`.

    The file is written beside its target and renamed into place when complete, so `out_path`
    never holds half a backup.
    """
    out_path = Path(out_path)
    format_name = backup_format(out_path, format_name)
    graphs = [g for g in store.graphs() if g != ONTOLOGY_GRAPH]
    counts: Counter[str] = Counter()

    def quads():
        for graph in graphs:
            for quad in store.graph_quads(graph):
                counts[graph] += 1
                yield quad
        yield from _catalog_quads(store, counts)  # last: runs once every graph has been counted

    try:
        write_durably(out_path, lambda handle: ox.serialize(quads(), handle, format=BACKUP_FORMATS[format_name],
                                                            prefixes={"cgbackup": BACKUP, "xsd": XSD}))
    except OSError as error:
        raise BackupError(f"cannot write the backup {out_path}: {error.strerror or error}") from None
    return BackupSummary(out_path, format_name, dict(counts), store.review_ids())


def _catalog_quads(store: ReviewStore, counts: Counter[str]):
    graph, node = ox.NamedNode(BACKUP_GRAPH), ox.NamedNode(BACKUP_GRAPH)

    def quad(subject, name: str, value) -> ox.Quad:
        return ox.Quad(subject, ox.NamedNode(BACKUP + name), value, graph)

    try:
        version = metadata.version("casegraph")
    except metadata.PackageNotFoundError:
        version = "unknown"
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    yield ox.Quad(node, ox.NamedNode(RDF + "type"), ox.NamedNode(BACKUP + "Backup"), graph)
    yield quad(node, "formatVersion", ox.Literal(FORMAT_VERSION))
    yield quad(node, "casegraphVersion", ox.Literal(version))
    yield quad(node, "createdAt", ox.Literal(now, datatype=ox.NamedNode(XSD + "dateTime")))
    for iri, count in sorted(counts.items()):
        yield quad(node, "holdsGraph", ox.NamedNode(iri))
        yield quad(ox.NamedNode(iri), "quads", ox.Literal(count))
    for review_id, entry in sorted(store.catalog_entries().items()):
        subject = ox.NamedNode(review_iri(review_id))
        yield quad(subject, "reviewId", ox.Literal(review_id))
        yield quad(subject, "catalogEntry", ox.Literal(json.dumps(entry, sort_keys=True),
                                                       datatype=ox.NamedNode(RDF + "JSON")))


@dataclass(frozen=True)
class _Contents:
    nquads: bytes
    entries: dict[str, dict]
    counts: dict[str, int]


def read_backup(backup_path: Path, format_name: str | None = None) -> _Contents:
    """Parse and check a whole backup file: BackupError, naming the file and what is wrong, unless
    it is a complete casegraph backup."""
    backup_path = Path(backup_path)
    format_name = backup_format(backup_path, format_name)
    catalog, data, counts = [], [], Counter()
    try:
        for quad in ox.parse(path=str(backup_path), format=BACKUP_FORMATS[format_name]):
            if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value == BACKUP_GRAPH:
                catalog.append(quad)
            else:
                data.append(quad)
                counts[str(quad.graph_name.value) if isinstance(quad.graph_name, ox.NamedNode) else ""] += 1
    except SyntaxError as error:
        raise BackupError(f"{backup_path} is not a readable {format_name} backup (cut short or damaged?): "
                          f"{error}; nothing was restored") from None
    except (OSError, ValueError) as error:
        raise BackupError(f"cannot read the backup {backup_path}: {error}; nothing was restored") from None
    expected, entries = _read_catalog(backup_path, catalog)
    if counts != expected:
        wrong = sorted(set(counts) | set(expected), key=str)
        detail = "; ".join(f"{g or 'default graph'}: {counts.get(g, 0)} quads, catalog says {expected.get(g, 0)}"
                           for g in wrong if counts.get(g, 0) != expected.get(g, 0))
        raise BackupError(f"{backup_path} is incomplete or altered ({detail}); nothing was restored")
    missing = [r for r in entries if review_iri(r) not in expected]
    if missing:
        raise BackupError(f"{backup_path} lists reviews whose graphs it lacks: {', '.join(missing)}; "
                          "nothing was restored")
    return _Contents(ox.serialize(data, format=ox.RdfFormat.N_QUADS), entries, dict(counts))


def _read_catalog(backup_path: Path, catalog: list[ox.Quad]) -> tuple[Counter, dict[str, dict]]:
    def values(name: str) -> list[tuple[ox.NamedNode, object]]:
        return [(q.subject, q.object) for q in catalog if q.predicate.value == BACKUP + name]

    versions = [o.value for s, o in values("formatVersion") if s.value == BACKUP_GRAPH]
    if not versions:
        raise BackupError(f"{backup_path} is not a casegraph backup (it has no catalog graph <{BACKUP_GRAPH}>; "
                          "write one with casegraph backup); nothing was restored")
    if versions != [str(FORMAT_VERSION)]:
        raise BackupError(f"{backup_path} is a backup of format version {', '.join(versions)}; this casegraph "
                          f"reads version {FORMAT_VERSION}; nothing was restored")
    expected = Counter({s.value: int(o.value) for s, o in values("quads")})
    ids = {s.value: o.value for s, o in values("reviewId")}
    try:
        entries = {ids[s.value]: json.loads(o.value) for s, o in values("catalogEntry")}
    except (KeyError, ValueError) as error:
        raise BackupError(f"{backup_path} has a damaged catalog entry ({error}); nothing was restored") from None
    return expected, entries


def restore(store_path: Path, backup_path: Path, format_name: str | None = None) -> BackupSummary:
    """Restore a backup into the empty store at `store_path` (created if need be), all or nothing.

    The file is read and checked whole first; then every graph and each review's catalog entry
    go in as one journaled swap. A store with reviews, links or decisions is refused (BackupError).
    """
    format_name = backup_format(Path(backup_path), format_name)
    contents = read_backup(backup_path, format_name)
    with ReviewStore.open(store_path, write=True) as store:
        present = [g for g in store.graphs() if g != ONTOLOGY_GRAPH]
        if present or store.catalog_entries():
            raise BackupError(
                f"the store at {store_path} is not empty ({len(store.review_ids())} review(s), "
                f"{len(present)} graph(s)); restore into a new store (--store DIR), or move this one aside "
                "first; nothing was restored")
        store.restore(contents.nquads, contents.entries)
        reviews = store.review_ids()
    return BackupSummary(Path(backup_path), format_name, contents.counts, reviews)
