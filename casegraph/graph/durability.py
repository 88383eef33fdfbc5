"""What keeps the store whole through crashes and busy writers: the swap lock, the journal, private
read snapshots and the rebuilt database that replaces the old one.

- **Swap lock** (`swap_lock`): a writer holds it exclusively only while it swaps reviews' graphs
  and the catalog; a reader holds it shared only while it takes its snapshot. So a reader sees the
  store before or after a swap, never during one, and never waits for a whole load.
- **Journal** (`write_journal`, `read_journal`): before a swap the writer writes what the swap will
  do (the graphs to drop, the new quads, the catalog entries) and makes it durable. A crash at any
  moment leaves either no journal (the store as it was) or a complete one, which the next opener
  replays; replaying twice gives the same store, so a crash during replay is harmless too.
- **Snapshots** (`take_snapshot`): a reader opens a checkpoint of the database (hard links of its
  immutable files) in a directory of its own, so a writer's compaction cannot delete files under it.
- **Rebuilt database**: Oxigraph never forgets a string once stored, so removal is only complete
  when the remaining quads are written into a new database that then takes the old one's place
  (`swap_in_rebuilt`, finished by `finish_rebuild` if a crash interrupts it).
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import StoreError

DATABASE_DIR = "oxigraph"  # the Oxigraph (RocksDB) dataset inside the store directory
CATALOG_FILE = "reviews.json"  # where each review came from and when; kept out of the RDF union
SWAP_LOCK_FILE = ".swap.lock"
JOURNAL_FILE = "journal.json"  # written last: its presence means the journal is complete
JOURNAL_QUADS_FILE = "journal.nq"
SNAPSHOTS_DIR = "snapshots"
REBUILDING_SUFFIX = ".rebuilding"  # a database being written; incomplete until renamed to .ready
READY_SUFFIX = ".ready"  # a complete rebuilt database waiting to take the old one's place
RETIRED_SUFFIX = ".retired"  # the old database after the swap, deleted next


@contextlib.contextmanager
def swap_lock(store_path: Path, *, exclusive: bool) -> Iterator[None]:
    """Hold the store's swap lock: exclusive to change graphs, shared to take a consistent snapshot."""
    with open(store_path / SWAP_LOCK_FILE, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Journal:
    """A swap to make: drop these reviews' graphs, load these quads, then set these catalog entries
    (an entry of None removes the review from the catalog)."""

    drop: list[str]
    entries: dict[str, dict | None]
    quads_path: Path


def write_journal(store_path: Path, drop: list[str], entries: dict[str, dict | None], nquads: bytes) -> Journal:
    """Make the swap durable before it starts: the quads first, then the journal that names them."""
    quads_path = store_path / JOURNAL_QUADS_FILE
    write_durably(quads_path, lambda handle: handle.write(nquads))
    journal = json.dumps({"drop": drop, "entries": entries}).encode("utf-8")
    write_durably(store_path / JOURNAL_FILE, lambda handle: handle.write(journal))
    return Journal(drop, entries, quads_path)


def read_journal(store_path: Path) -> Journal | None:
    """The journal a crashed writer left, or None. A journal that cannot be read was never
    completed (it is renamed into place only once whole), so that cannot happen short of damage."""
    try:
        data = json.loads((store_path / JOURNAL_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Journal(data["drop"], data["entries"], store_path / JOURNAL_QUADS_FILE)


def clear_journal(store_path: Path) -> None:
    (store_path / JOURNAL_FILE).unlink(missing_ok=True)  # first: without it the quads file means nothing
    (store_path / JOURNAL_QUADS_FILE).unlink(missing_ok=True)


def needs_recovery(store_path: Path, database_dir: str) -> bool:
    """A crashed writer left a journal to replay or a rebuilt database to swap in."""
    return (store_path / JOURNAL_FILE).exists() or (store_path / (database_dir + READY_SUFFIX)).exists()


def write_durably(target: Path, write: Callable, *, sync: bool = True) -> None:
    """Write `target` whole or not at all: `write(handle)` fills a temporary file beside it, which
    is renamed over `target`, so a reader sees the old file or the new one. With `sync` (the
    default) the file and the rename are synced to disk, so it survives a crash; a cache, derived
    again if lost, goes without (a sync per file would slow a load of thousands of reviews)."""
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    if sync:
        _sync_directory(target.parent)


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# -- snapshots --------------------------------------------------------------------------------
def take_snapshot(store_path: Path, database, name: str = "") -> Path:
    """A checkpoint of `database` (an open pyoxigraph Store) in a new directory of this process."""
    root = store_path / SNAPSHOTS_DIR
    root.mkdir(mode=0o700, exist_ok=True)
    target = root / f"{os.getpid()}-{name or uuid.uuid4().hex}"
    try:
        database.backup(str(target))
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def remove_stale_snapshots(store_path: Path) -> None:
    """Snapshots of processes that have ended (a reader killed before it could clean up)."""
    root = store_path / SNAPSHOTS_DIR
    if not root.is_dir():
        return
    for entry in root.iterdir():
        pid = entry.name.split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    """Whether the process runs; a zombie (killed, never reaped by its parent) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def snapshot_of_live(database: Path, path: Path, attempts: int = 5) -> Path:
    """A checkpoint of the live database. The writer's background compaction may delete a file the
    checkpoint is about to link (RocksDB then reports it missing): take it again from a fresh open."""
    for attempt in range(attempts):
        live = open_read_only(database, path)
        try:
            return take_snapshot(path, live)
        except OSError as error:
            if attempt == attempts - 1:
                raise StoreError(f"cannot take a snapshot of the store at {path}: {error}") from None
        finally:
            del live
        time.sleep(0.05 * 2 ** attempt)
    raise AssertionError("unreachable")


def open_read_only(database: Path, path: Path, attempts: int = 5) -> ox.Store:
    """Open read-only, retrying briefly: a writer in another process may be replacing the very
    files a reader is opening (RocksDB then reports them missing, which passes in a moment)."""
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(str(database))
        except (OSError, RuntimeError) as error:
            if attempt == attempts - 1 or not ("Corruption" in str(error) or "No such file" in str(error)):
                raise StoreError(f"cannot open the store at {path} for reading: {error}") from None
            time.sleep(0.05 * 2 ** attempt)
    raise AssertionError("unreachable")


# -- rebuilding ---------------------------------------------------------------------------------
def rebuilding_path(database: Path) -> Path:
    """Where a new database is written; anything left there by a crash is discarded first."""
    target = database.with_name(database.name + REBUILDING_SUFFIX)
    shutil.rmtree(target, ignore_errors=True)
    return target


def swap_in_rebuilt(database: Path, rebuilt: Path) -> None:
    """Put a complete rebuilt database in the old one's place (the caller has closed both)."""
    ready = database.with_name(database.name + READY_SUFFIX)
    os.replace(rebuilt, ready)  # from here on a crash is finished by finish_rebuild
    _sync_directory(database.parent)
    finish_rebuild(database)


def finish_rebuild(database: Path) -> None:
    """Complete an interrupted swap of a rebuilt database, and discard what it left behind."""
    ready = database.with_name(database.name + READY_SUFFIX)
    retired = database.with_name(database.name + RETIRED_SUFFIX)
    if ready.exists():
        if database.exists():
            shutil.rmtree(retired, ignore_errors=True)
            os.replace(database, retired)
        os.replace(ready, database)
        _sync_directory(database.parent)
    shutil.rmtree(retired, ignore_errors=True)
    shutil.rmtree(database.with_name(database.name + REBUILDING_SUFFIX), ignore_errors=True)


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Files the writer creates (RocksDB's, the catalog, the journal) readable by this user only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


@contextlib.contextmanager
def deferred_interrupt():
    """Hold Ctrl-C until a graph swap has finished, so a review is never left half-written."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received:
            raise KeyboardInterrupt


JOURNAL_CHUNK_BYTES = 16 << 20  # the journal's quads are bulk-loaded this much at a time


def journal_chunks(quads_path: Path, size: int | None = None) -> Iterator[bytes]:
    """The journal's N-Quads in pieces of about `size` bytes, each ending at a line's end, so a swap
    of a whole project (hundreds of reviews, one journal) is bulk-loaded in steps: Oxigraph's bulk
    loader holds all it is given in memory, and 1.5 million quads at once took 1.9 GB."""
    with open(quads_path, "rb") as handle:
        while chunk := handle.read(size or JOURNAL_CHUNK_BYTES):
            yield chunk + handle.readline()


def store_fingerprint(path: Path) -> tuple | None:
    """Names, sizes and times of the store's files: changes whenever a writer changes the store."""
    try:
        entries = list(os.scandir(path / DATABASE_DIR)) + [os.stat(path / CATALOG_FILE)]
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"cannot read the store directory {path}: {error.strerror}") from None
    found = []
    for entry in entries:
        if not isinstance(entry, os.DirEntry):
            found.append(("", entry.st_size, entry.st_mtime_ns))
            continue
        try:
            stat = entry.stat()
        except FileNotFoundError:  # compacted away since the listing: the store changed, and its name says so
            found.append((entry.name, -1, -1))
            continue
        found.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))


def read_catalog(path: Path) -> dict:
    """The store's catalog (its reviews' entries and what it was derived under); empty if none yet."""
    try:
        catalog = json.loads((path / CATALOG_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        catalog = {}
    except (OSError, ValueError) as error:
        raise StoreError(f"cannot read the store catalog {path / CATALOG_FILE}: {error}") from None
    catalog.setdefault("reviews", {})
    return catalog


def save_catalog(path: Path, catalog: dict) -> None:
    """Replace the catalog whole: readers see the old one or the new one, never half of one."""
    text = json.dumps(catalog, indent=1, sort_keys=True).encode("utf-8")
    write_durably(path / CATALOG_FILE, lambda handle: handle.write(text), sync=False)
