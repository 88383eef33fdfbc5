"""A query worker of `casegraph serve`: a child process answering one query at a time, so that the
server can stop a query that runs too long by killing the process that runs it.

pyoxigraph cannot cancel a query from another thread, and aggregates run inside the engine without
returning to Python, so a deadline checked in the server's threads would not stop the work. The
pool (`endpoint_pool`) starts each worker as a fresh interpreter that calls `main`, and talks to
it over one Unix socket in frames (an 8-byte length, then the bytes): a request is one JSON
frame, an answer a JSON header frame and a body frame, the results already serialised.

Each worker queries a view of the store of its own (`StoreView`): a private snapshot (hard
links of the database's files, taken between two of a writer's swaps), reopened whenever the
store changes. In it the decisions graph (analysts' names and notes about children) is deleted
unless the server was started with decisions, so no query can reach it, and the default graph
stays Oxigraph's fast union of all graphs. A concurrent `casegraph load` cannot pull files from
under a query either: the snapshot holds its own links. A worker dies with the server
(PR_SET_PDEATHSIG on Linux, and a thread watching its parent everywhere) and ignores Ctrl-C,
which the server handles.
"""
from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import struct
import sys
import threading
import time
from http import HTTPStatus
from pathlib import Path

import pyoxigraph as ox

from casegraph.errors import StoreError
from casegraph.exchange.endpoint_query import TEXT, Refused, StoreReadError, run_query
from casegraph.graph.durability import needs_recovery
from casegraph.graph.durability import DATABASE_DIR, store_fingerprint
from casegraph.graph.store import ReviewStore
from casegraph.linking.decisions import DECISIONS_GRAPH
from casegraph.ontology import review_iri

FRAME = struct.Struct("!Q")
OPEN_ATTEMPTS = 6  # a writer replacing files makes opening fail for a moment: 0.02 s .. 0.64 s apart
QUERY_ATTEMPTS = 3  # a query that failed reading the store runs again on a fresh view
MAX_RSS_BYTES = 1 << 30  # a worker grown past this after a query is replaced (the allocator keeps memory)
UNION = {"use_default_graph_as_union": True}


# -- frames -------------------------------------------------------------------------------------
def send(channel: socket.socket, *frames: bytes) -> None:
    for frame in frames:
        channel.sendall(FRAME.pack(len(frame)))
        channel.sendall(frame)


def receive(channel: socket.socket, deadline: float | None = None) -> bytearray:
    """One frame; TimeoutError once time.monotonic() passes deadline, EOFError if the other end closed."""
    (length,) = FRAME.unpack(_read_exactly(channel, FRAME.size, deadline))
    return _read_exactly(channel, length, deadline)


def _read_exactly(channel: socket.socket, length: int, deadline: float | None) -> bytearray:
    data = bytearray(length)
    view, got = memoryview(data), 0
    while got < length:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer in time")
            channel.settimeout(remaining)
        count = channel.recv_into(view[got:], min(length - got, 1 << 20))
        if not count:
            raise EOFError("the other end closed the channel")
        got += count
    return data


# -- the view of the store ----------------------------------------------------------------------
class StoreView:
    """The store as this worker queries it, reopened whenever the store's files change.

    Each view is a private snapshot of the database (`ReviewStore.snapshot`: hard links, taken under the
    shared swap lock, so between two of a writer's swaps),
    opened for writing so that the decisions graph can be deleted from it unless `decisions`.
    A store this user cannot write allows no snapshot: it is then read in place, and the decisions
    graph hidden by naming every other graph as the dataset, which Oxigraph evaluates far more
    slowly than its union (`warning` says so).
    """

    def __init__(self, path: Path, decisions: bool):
        self.path, self.decisions = path, decisions
        self.warning = ""
        self._store: ox.Store | None = None
        self._dataset: dict = UNION
        self._snapshot: Path | None = None
        self._key: tuple | None = None

    def current(self, *, fresh: bool = False) -> tuple[ox.Store, dict]:
        """(store, dataset options for its queries); the last view while a writer is mid-change."""
        key = self._fingerprint()  # taken before opening, so a write during the open is seen next time
        if self._store is not None and not fresh and key is not None and key == self._key:
            return self._store, self._dataset
        try:
            self._open(key)
        except StoreError:
            if self._store is None:
                raise
        return self._store, self._dataset

    def _fingerprint(self) -> tuple | None:
        for attempt in range(3):  # a file deleted between listing and stat-ing it
            try:
                return store_fingerprint(self.path)
            except (OSError, StoreError):
                time.sleep(0.01 * (attempt + 1))
        return None

    def _open(self, key: tuple | None) -> None:
        if not (self.path / DATABASE_DIR / "CURRENT").exists() and not needs_recovery(self.path, DATABASE_DIR):
            raise StoreError(f"no casegraph store at {self.path} any more; load reviews "
                             f"(casegraph load PATH --store {self.path})")
        failure: BaseException | None = None
        for attempt in range(OPEN_ATTEMPTS):
            try:
                store, dataset, snapshot = self._open_once()
            except (OSError, RuntimeError) as error:
                failure = error
                time.sleep(0.02 * 2 ** attempt)
                continue
            self.close()
            self._store, self._dataset, self._snapshot, self._key = store, dataset, snapshot, key
            return
        raise StoreError(f"cannot open the store at {self.path} for reading: {_cause(failure)}")

    def _open_once(self) -> tuple[ox.Store, dict, Path | None]:
        hidden = ox.NamedNode(DECISIONS_GRAPH)
        try:
            snapshot = self._take_snapshot()
        except PermissionError as error:
            return self._in_place(hidden, error)
        try:
            copy = ox.Store(str(snapshot))
            if not self.decisions and copy.contains_named_graph(hidden):
                copy.remove_graph(hidden)
        except BaseException:
            shutil.rmtree(snapshot, ignore_errors=True)
            raise
        return copy, UNION, snapshot

    def _take_snapshot(self) -> Path:
        return ReviewStore.snapshot(self.path)[0]

    def _in_place(self, hidden: ox.NamedNode, error: OSError) -> tuple[ox.Store, dict, None]:
        store = ox.Store.read_only(str(self.path / DATABASE_DIR))
        if self.decisions or not store.contains_named_graph(hidden):
            return store, UNION, None
        self.warning = (f"warning: cannot write to the store at {self.path} ({error.strerror or error}), so "
                        "the decisions graph is hidden by listing every other graph: queries over many reviews "
                        "are much slower")
        graphs = [graph for graph in store.named_graphs() if graph != hidden]
        return store, {"default_graph": graphs, "named_graphs": graphs}, None

    def graphs(self) -> list[str]:
        """The named graphs queries can see, by IRI: the decisions graph only if served."""
        store, _ = self.current()
        return sorted(graph.value for graph in store.named_graphs() if isinstance(graph, ox.NamedNode)
                      and (self.decisions or graph.value != DECISIONS_GRAPH))

    def dataset(self, requested: dict | None, *, fresh: bool = False) -> tuple[ox.Store, dict]:
        """(store, dataset options) for a query; `requested` is the protocol's dataset, if the request
        named one ({"default": [IRI, ...], "named": [IRI, ...]}). Graphs the store does not hold are
        empty, and so is the decisions graph unless served, even in a view that still holds it."""
        store, dataset = self.current(fresh=fresh)
        if requested is None:
            return store, dataset

        def visible(names: list[str]) -> list[ox.NamedNode]:
            return [ox.NamedNode(name) for name in names if self.decisions or name != DECISIONS_GRAPH]

        return store, {"default_graph": visible(requested["default"]), "named_graphs": visible(requested["named"])}

    def close(self) -> None:
        self._store = None  # the last reference: RocksDB closes here
        if self._snapshot is not None:
            shutil.rmtree(self._snapshot, ignore_errors=True)
            self._snapshot = None


# -- answering ----------------------------------------------------------------------------------
def answer(view: StoreView, request: dict) -> tuple[dict, bytes]:
    """(header, body) for one request: {"query": text, "accept": header, "dataset": {"default": [IRI, ...],
    "named": [IRI, ...]} or absent}, or {"info": true} (the named graphs served, and how many are reviews)."""
    try:
        if "query" not in request:
            graphs = view.graphs()
            reviews = sum(1 for graph in graphs if graph.startswith(review_iri("")))
            return {"status": HTTPStatus.OK, "reviews": reviews, "graphs": graphs}, b""
        failure: StoreReadError | None = None
        for attempt in range(QUERY_ATTEMPTS):
            store, dataset = view.dataset(request.get("dataset"), fresh=attempt > 0)
            try:
                content_type, body = run_query(store, request["query"], request.get("accept"), **dataset)
            except StoreReadError as error:
                failure = error
                continue
            return {"status": HTTPStatus.OK, "type": content_type}, body
        raise failure
    except Refused as refusal:
        return {"status": refusal.status, "type": TEXT}, f"{refusal}\n".encode()
    except (StoreError, StoreReadError) as error:
        return {"status": HTTPStatus.SERVICE_UNAVAILABLE, "type": TEXT}, f"{error}\n".encode()
    except Exception as error:  # noqa: BLE001 - one bad request must not stop the worker
        # The message may quote the query, so only the kind of error goes to the server's log.
        return ({"status": HTTPStatus.INTERNAL_SERVER_ERROR, "type": TEXT, "error": type(error).__name__},
                f"internal error ({type(error).__name__})\n".encode())


def _cause(error: BaseException | None) -> str:
    return (str(error) or getattr(error, "strerror", None) or type(error).__name__) if error else "unknown"


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# -- the process ----------------------------------------------------------------------------------
def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the server died before the line above
        os._exit(1)

    def watch() -> None:  # elsewhere, and as a second line: the engine releases the GIL while querying
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def main(config: dict) -> None:
    """Serve requests from the pool until it closes the channel; config as endpoint_pool passes it."""
    _die_with_parent(config["parent"])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the server decides
    channel = socket.socket(fileno=config["fd"])
    view = StoreView(Path(config["store"]), config["decisions"])
    with contextlib.suppress(StoreError):
        view.current()  # opened now, so the first query does not wait for it
    send(channel, json.dumps({"ready": os.getpid(), "warning": view.warning}).encode())
    try:
        while True:
            try:
                request = json.loads(receive(channel))
            except (EOFError, OSError):
                return
            header, body = answer(view, request)
            header["retire"] = _rss_bytes() > MAX_RSS_BYTES
            send(channel, json.dumps(header).encode(), body)
            if header["retire"]:
                return
    finally:
        view.close()
