"""The query workers of `casegraph serve`: a few pre-started processes (`endpoint_worker`), each
answering one query at a time. A query that overruns its time limit is stopped by killing its
worker, which a fresh one replaces; a waiting request gets the next free worker.

One long-lived thread starts every worker, because Linux sends a worker its parent-death signal
when the *thread* that started it ends, not only the process. A killed worker's snapshot of the
store is removed once it is reaped; one left by a server that was itself killed goes at the next
write (`remove_stale_snapshots`), as any reader's does.
"""
from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from casegraph.errors import CasegraphError
from casegraph.exchange.endpoint_worker import receive, send
from casegraph.graph.durability import remove_stale_snapshots

STARTUP_SECONDS = 60.0
_REPLACE, _STOP = "replace", "stop"
_BOOTSTRAP = ("import json, sys; config = json.loads(sys.argv[1]); sys.path[:] = config['path']; "
              "from casegraph.exchange.endpoint_worker import main; main(config)")


class Unavailable(CasegraphError):
    """No answer from a worker: the query overran, every worker stayed busy, or the worker died."""


class QueryTimeout(Unavailable):
    """The query ran past the time limit and its worker was killed."""


class ClientGone(CasegraphError):
    """The client hung up before its query started: it is not run."""


@dataclass(eq=False)
class Worker:
    process: subprocess.Popen
    channel: socket.socket


def default_workers() -> int:
    return max(2, min(4, os.cpu_count() or 2))


class QueryPool:
    """`size` workers over the store at `store_path`; run() answers a request or raises Unavailable."""

    def __init__(self, store_path: Path, *, size: int, timeout: float, decisions: bool,
                 log: Callable[[str], None]):
        self.store_path, self.size, self.timeout, self.decisions, self._log = (
            store_path, size, timeout, decisions, log)
        self.wait = 2 * timeout + 5  # the longest a request waits for a free worker
        self._idle: queue.Queue[Worker | None] = queue.Queue()
        self._workers: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._warned = False
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        with contextlib.suppress(OSError):
            remove_stale_snapshots(store_path)  # those of a server that was killed, say
        self._supervisor = threading.Thread(target=self._supervise, name="casegraph-serve-workers", daemon=True)
        self._supervisor.start()
        started: queue.SimpleQueue = queue.SimpleQueue()
        for _ in range(size):
            self._requests.put(started)
        for _ in range(size):
            try:
                result = started.get(timeout=STARTUP_SECONDS + 10)
            except queue.Empty:
                result = Unavailable(f"they did not start within {STARTUP_SECONDS:g} s")
            if isinstance(result, BaseException):
                self.close()
                raise Unavailable(f"cannot start the query workers: {result}")
            self._add(result)

    # -- running queries ---------------------------------------------------------------------
    def run(self, request: dict, wanted: Callable[[], bool] | None = None) -> tuple[dict, bytes]:
        """(header, body) from a worker; the whole answer must arrive within the time limit.
        `wanted()` is asked if the request had to wait for a worker: False (the client gave up
        meanwhile) raises ClientGone. Not asked otherwise: a client that half-closes its end after
        sending its request also reads as gone."""
        asked = time.monotonic()
        worker = self._take()
        if wanted is not None and time.monotonic() - asked > 0.05 and not wanted():
            self._idle.put(worker)
            raise ClientGone("the client closed the connection while the query waited for a worker")
        try:
            send(worker.channel, json.dumps(request).encode())
            deadline = time.monotonic() + self.timeout
            header = json.loads(receive(worker.channel, deadline))
            body = receive(worker.channel, deadline)
        except TimeoutError:
            self._discard(worker)
            raise QueryTimeout(f"the query took longer than {self.timeout:g} s and was stopped; narrow it "
                               "(fewer unbound patterns, a LIMIT) or raise casegraph serve --timeout") from None
        except (OSError, EOFError, ValueError):
            code = self._discard(worker)
            if self._closed:
                raise Unavailable("the server is stopping") from None
            hint = "; the query may need more memory than this machine has" if code == -signal.SIGKILL else ""
            raise Unavailable(f"the query worker stopped while answering ({_exit_reason(code)}){hint}") from None
        if header.get("retire"):
            self._discard(worker)
        else:
            self._idle.put(worker)
        return header, body

    def _take(self) -> Worker:
        deadline = time.monotonic() + self.wait
        while True:
            if self._closed:
                raise Unavailable("the server is stopping")
            try:
                worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                raise Unavailable(f"all {self.size} query workers stayed busy for {self.wait:g} s; "
                                  "try again shortly") from None
            if worker is None:  # close() wakes every waiter, one after another
                self._idle.put(None)
                continue
            if worker.process.poll() is None:
                return worker
            self._discard(worker)  # died while idle (e.g. the out-of-memory killer): take another

    def idle(self) -> int:
        """How many workers wait for a query now."""
        return self._idle.qsize()

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(worker.process.pid for worker in self._workers)

    # -- starting and stopping workers -----------------------------------------------------------
    def _supervise(self) -> None:
        """Start a worker for each request; the workers die when this thread ends (PR_SET_PDEATHSIG)."""
        while True:
            batch = [self._requests.get()]
            with contextlib.suppress(queue.Empty):
                while True:
                    batch.append(self._requests.get_nowait())
            if _STOP in batch:
                return
            try:
                self._start(batch)
            except Exception as error:  # noqa: BLE001 - this thread must live as long as the workers
                self._log(f"error: {type(error).__name__} while starting query workers")

    def _start(self, batch: list) -> None:
        launched = []
        for reply in batch:
            try:
                launched.append((reply, self._launch()))
            except OSError as error:
                launched.append((reply, Unavailable(f"cannot start a query worker: {error}")))
        for reply, worker in launched:
            if isinstance(worker, Worker):
                try:
                    self._handshake(worker)
                except Exception as error:  # noqa: BLE001 - reported below, with the exit code
                    code = self._discard(worker, replace=False)
                    worker = Unavailable(f"a query worker did not start within {STARTUP_SECONDS:g} s"
                                         if isinstance(error, TimeoutError) else
                                         f"a query worker exited while starting ({_exit_reason(code)})")
            if reply != _REPLACE:
                reply.put(worker)  # the first workers: __init__ reports a failure
            elif isinstance(worker, Worker):
                self._add(worker)
            elif not self._closed:
                self._log(f"error: {worker}; trying again in 1 s")
                time.sleep(1)
                self._requests.put(_REPLACE)

    def _launch(self) -> Worker:
        ours, theirs = socket.socketpair()
        config = {"fd": theirs.fileno(), "parent": os.getpid(), "store": str(self.store_path),
                  "decisions": self.decisions, "path": sys.path}  # casegraph imported as here, installed or not
        try:
            process = subprocess.Popen([sys.executable, "-c", _BOOTSTRAP, json.dumps(config)],
                                       pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL)
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        worker = Worker(process, ours)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _handshake(self, worker: Worker) -> None:
        ready = json.loads(receive(worker.channel, time.monotonic() + STARTUP_SECONDS))
        if ready["warning"] and not self._warned:
            self._warned = True
            self._log(ready["warning"])

    def _add(self, worker: Worker) -> None:
        if self._closed:
            self._discard(worker, replace=False)
        else:
            self._idle.put(worker)

    def _discard(self, worker: Worker, *, replace: bool = True) -> int | None:
        """Kill the worker (at once: it may be deep in a query), reap it, remove its snapshot."""
        with self._lock:
            known = worker in self._workers
            self._workers.discard(worker)
        with contextlib.suppress(OSError):
            worker.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=10)
        worker.channel.close()
        with contextlib.suppress(OSError):
            remove_stale_snapshots(self.store_path)
        if known and replace and not self._closed:
            self._requests.put(_REPLACE)
        return worker.process.returncode

    def close(self) -> None:
        self._closed = True
        self._requests.put(_STOP)
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            self._discard(worker, replace=False)
        self._idle.put(None)
        self._supervisor.join(5)


def _exit_reason(code: int | None) -> str:
    if code is None:
        return "still running"
    return f"killed by signal {-code}" if code < 0 else f"exit code {code}"
