"""Attack benchmark for `casegraph serve`: the security review's attacks at its size (about 275
requests) against `casegraph serve` run as a user runs it, on a synthetic corpus with an
analyst's decision in it. Prints, per attack, how many requests were tried and how many came out
clean, with the figures behind it; then the cost the query workers add to small queries, and
(--hiding) what hiding the decisions graph costs against the alternatives.

    python benchmarks/endpoint_attack.py                        # 300 synthetic reviews
    python benchmarks/endpoint_attack.py --work /tmp/ea         # keep (or reuse) the corpus and store
    python benchmarks/endpoint_attack.py --reviews 1000 --hiding

Clean means: a cross product is stopped at the time limit and its process's CPU falls to nothing;
a Host or Origin of another site gets 403; no answer holds anything of the decisions graph; each
of 200 concurrent clients gets an answer; a stalled body gets 408 shortly after the read timeout;
no control character reaches the log; no query during concurrent loads gets a 5xx.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from casegraph.exchange.endpoint_query import run_query
from casegraph.exchange.endpoint_worker import StoreView
from casegraph.graph.store import DATABASE_DIR, LINKS_GRAPH, ReviewStore
from casegraph.linking.decisions import DECISIONS_GRAPH

CASEGRAPH = [sys.executable, "-m", "casegraph.cli"]
ANALYST = "https://w3id.org/casegraph/analyst/jo-bloggs"
SECRETS = (ANALYST, DECISIONS_GRAPH, "Bloggs", "Quillfeather")
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT_REVIEWS = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a cg:Review }"


def prepare(work: Path, reviews: int) -> Path:
    store = work / "store"
    if (store / DATABASE_DIR / "CURRENT").exists():
        print(f"reusing the store at {store}", file=sys.stderr)
        return store
    print(f"generating {reviews} reviews and loading them into {store} ...", file=sys.stderr)
    subprocess.run(CASEGRAPH + ["generate", "--reviews", str(reviews), "--seed", "1", "--out", str(work / "corpus")],
                   check=True, capture_output=True)
    subprocess.run(CASEGRAPH + ["load", str(work / "corpus" / "reviews"), "--store", str(store)], check=True,
                   capture_output=True)
    with ReviewStore.open(store, write=True) as writable:
        writable.update(f"""INSERT DATA {{
          GRAPH <{DECISIONS_GRAPH}> {{ <https://w3id.org/casegraph/decision/1>
              <http://www.w3.org/ns/prov#wasAttributedTo> <{ANALYST}> ; rdfs:comment "told Mrs Quillfeather" .
            <{ANALYST}> rdfs:label "Jo Bloggs" . }}
          GRAPH <{LINKS_GRAPH}> {{ <urn:a> owl:sameAs <urn:b> }} }}""")
    return store


class Server:
    """`casegraph serve` in a process of its own, its log in a file."""

    def __init__(self, store: Path, *options: str):
        self.log_path = Path(tempfile.mkstemp(prefix="casegraph-serve-", suffix=".log")[1])
        self.log = open(self.log_path, "w+", encoding="utf-8")  # noqa: SIM115
        self.process = subprocess.Popen(CASEGRAPH + ["serve", "--store", str(store), "--port", "0", *options],
                                        stderr=self.log, start_new_session=True)
        deadline = time.monotonic() + 60
        while not (match := re.search(r"at (http://\S+/sparql)", self.log_path.read_text())):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit(f"casegraph serve did not start:\n{self.log_path.read_text()}")
            time.sleep(0.05)
        self.url = match.group(1)
        self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def rss_mb(self) -> float:
        return sum(rss(pid) for pid in [self.process.pid, *self.workers()]) / 1e6

    def stop(self) -> None:
        os.kill(self.process.pid, signal.SIGTERM)  # SIGINT may be ignored (a background job)
        self.process.wait(20)
        self.log.close()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid and fields[0] != "Z":
                    found.append(int(entry.name))
    return found


def rss(pid: int) -> int:
    with contextlib.suppress(OSError, IndexError, ValueError):
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return 0


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def get(url: str, query: str, *, timeout: float = 30, headers: dict | None = None) -> tuple[int | str, str]:
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}), headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError as error:
        return type(error).__name__, ""


def raw(port: int, data: bytes, timeout: float = 30) -> tuple[int, float]:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(data)
        response = b""
        with contextlib.suppress(OSError):
            while chunk := connection.recv(65536):
                response += chunk
    status = int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0
    return status, time.monotonic() - started


def report(name: str, tried: int, clean: int, detail: str) -> None:
    print(f"| {name} | {tried} | {clean} | {detail} |")


# -- the attacks ---------------------------------------------------------------------------------
def cross_products(server: Server, timeout: float) -> None:
    """Four cross products whose clients give up after 5 s, as in the review."""
    before, workers = server.rss_mb(), server.workers()
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(get(server.url, CROSS_PRODUCT, timeout=5)))
               for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    time.sleep(max(0.0, started + 2 * timeout + 2 - time.monotonic()))  # two rounds of two workers, and a margin
    idle_from = cpu_seconds(server.workers())
    time.sleep(1)
    busy = cpu_seconds(server.workers()) - idle_from
    stopped = [pid for pid in workers if pid not in server.workers()]
    clean = 4 if busy < 0.1 and len(stopped) >= min(4, len(workers)) else 0
    report("cross products, clients give up at 5 s", 4, clean,
           f"answers {sorted(str(a[0]) for a in answers)}; workers killed {len(stopped)}; CPU in the 1 s after "
           f"{2 * timeout + 2:g} s: {busy:.2f} s; RSS {before:.0f} -> {server.rss_mb():.0f} MB")


def stopped_at_limit(server: Server, timeout: float) -> None:
    started = time.monotonic()
    status, body = get(server.url, CROSS_PRODUCT, timeout=timeout + 20)
    seconds = time.monotonic() - started
    clean = status == 503 and "was stopped" in body and seconds < timeout + 2
    report("cross product, client waits", 1, int(clean), f"{status} after {seconds:.2f} s (limit {timeout:g} s)")


def foreign_hosts(server: Server) -> None:
    port = server.port
    bad = [{"Host": h} for h in (f"attacker.example:{port}", f"127.0.0.1.nip.io:{port}", f"localhost.:{port}",
                                 "localhost", f"127.0.0.1:{port + 1}", f"[::1]:{port + 1}", f"evil:{port}",
                                 f"10.0.0.1:{port}", f"0x7f.1:{port}", f"2130706433:{port}")]
    bad += [{"Host": f"127.0.0.1:{port}", "Origin": o} for o in ("http://attacker.example", "null",
                                                                  f"http://localhost:{port}", "https://127.0.0.1",
                                                                  f"http://127.0.0.1:{port + 1}")]
    bad += [{"Host": f"127.0.0.1:{port}", "Sec-Fetch-Site": s} for s in ("cross-site", "same-site")]
    bad *= 2
    good = [{"Host": h} for h in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}")] * 3
    clean = sum(_with_host(port, headers) == 403 for headers in bad)
    clean += sum(_with_host(port, headers) == 200 for headers in good)
    report("foreign Host / Origin (DNS rebinding)", len(bad) + len(good), clean,
           f"{len(bad)} foreign refused 403, {len(good)} own answered 200, when clean")


def _with_host(port: int, headers: dict) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", "/sparql?query=ASK%7B%7D", skip_host=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


def decisions(server: Server) -> None:
    probes = ["SELECT * { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(?o, 'Bloggs')) }",
              "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }",
              f"SELECT * {{ GRAPH <{DECISIONS_GRAPH}> {{ ?s ?p ?o }} }}",
              f"DESCRIBE <{ANALYST}>",
              f"CONSTRUCT WHERE {{ <{ANALYST}> ?p ?o }}",
              "SELECT ?who { ?d <http://www.w3.org/ns/prov#wasAttributedTo> ?who }",
              f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g = <{DECISIONS_GRAPH}>) }}",
              "SELECT (COUNT(*) AS ?n) { ?s rdfs:comment ?c FILTER(CONTAINS(?c, 'Quillfeather')) }"] * 2
    answers = [get(server.url, probe) for probe in probes]
    leaked = [i for i, (status, body) in enumerate(answers)
              if status != 200 or any(s in body for s in SECRETS) or '"boolean":true' in body or '"value":"1"' in body]
    report("decisions graph probes", len(probes), len(probes) - len(leaked),
           f"statuses {sorted({str(a[0]) for a in answers})}; leaks or errors: {len(leaked)}")


def concurrent(server: Server, clients: int = 200) -> None:
    barrier, answers = threading.Barrier(clients), []

    def one():
        barrier.wait()
        started = time.monotonic()
        answers.append((get(server.url, COUNT_REVIEWS, timeout=20)[0], time.monotonic() - started))

    threads = [threading.Thread(target=one) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = sorted(s for _, s in answers)
    ok = sum(status == 200 for status, _ in answers)
    report(f"{clients} concurrent simple queries", clients, ok,
           f"median {statistics.median(seconds):.2f} s, slowest {seconds[-1]:.2f} s")


def stalled_bodies(server: Server, clients: int = 5) -> None:
    request = (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/sparql-query\r\n"
               "Content-Length: 100\r\n\r\nASK {").encode()
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(raw(server.port, request))) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    clean = sum(status == 408 and seconds < 12 for status, seconds in answers)
    report("declared body, client stalls", clients, clean,
           ", ".join(f"{status} after {seconds:.1f} s" for status, seconds in answers[:2]) + ", ...")


def control_characters(server: Server) -> None:
    lines = [b"GET /sp\x00arql HTTP/1.0\r\n\r\n", b"GET /\x1b[31mred\x1b[0m HTTP/1.0\r\n\r\n",
             b"GET /\x1b]0;title\x07 HTTP/1.0\r\n\r\n", b"\x1b[2JGET / HTTP/1.0\r\n\r\n",
             b"GET /a\rb HTTP/1.0\r\n\r\n", b"GET /\xe2\x80\xae HTTP/1.0\r\n\r\n", b"GET /\x08\x08 HTTP/1.0\r\n\r\n",
             b"GET /\"quote HTTP/1.0\r\n\r\n", b"GET /\x7f HTTP/1.0\r\n\r\n", b"GET /\x00?query=secret HTTP/1.0\r\n\r\n"]
    before = server.log_path.read_text()
    for line in lines:
        raw(server.port, line)
    time.sleep(0.2)
    new = server.log_path.read_text()[len(before):].splitlines()
    clean = sum(all(c.isprintable() for c in line) and "secret" not in line for line in new)
    report("control characters in the request line", len(lines), min(clean, len(lines)),
           f"{len(new)} log lines, e.g. {new[0] if new else '-'}")


def concurrent_loads(store: Path, server: Server, seconds: float = 8) -> None:
    reviews = sorted((store.parent / "corpus" / "reviews").glob("*.yaml"))[:5]
    folder = Path(tempfile.mkdtemp(prefix="casegraph-attack-reviews-"))
    for path in reviews:
        (folder / path.name).write_bytes(path.read_bytes())
    command = " ".join(CASEGRAPH)
    writer = subprocess.Popen(["bash", "-c", f"while :; do {command} load {folder} --store {store}; "
                               f"{command} remove {reviews[0].stem} --store {store}; done"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    answers, deadline = [], time.monotonic() + seconds

    def hammer():
        while time.monotonic() < deadline:
            answers.append(get(server.url, COUNT_REVIEWS, timeout=30)[0])

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    os.killpg(writer.pid, signal.SIGKILL)
    writer.wait()
    subprocess.run(CASEGRAPH + ["load", str(folder), "--store", str(store)], capture_output=True)  # leave it whole
    bad = [a for a in answers if not isinstance(a, int) or a >= 500]
    report(f"queries during loads and removes ({seconds:g} s)", len(answers), len(answers) - len(bad),
           f"5xx or no answer: {len(bad)}")


# -- costs ---------------------------------------------------------------------------------------
def overhead(server: Server, store: Path, repeats: int = 200) -> None:
    """Median HTTP round trip of small queries through the workers, against the engine's own time."""
    engine = ox.Store.read_only(str(store / DATABASE_DIR))
    print("\n| small query | engine ms | casegraph serve (HTTP, worker) ms | added ms |\n|---|---:|---:|---:|")
    for query in ("ASK {}", COUNT_REVIEWS, "SELECT ?l WHERE { ?r a cg:Review ; rdfs:label ?l } LIMIT 5"):
        engine_ms = _median_ms(lambda: run_query(engine, query, None, use_default_graph_as_union=True), repeats)
        http_ms = _median_ms(lambda: get(server.url, query), repeats)
        print(f"| `{query[:50]}` | {engine_ms:.2f} | {http_ms:.2f} | {http_ms - engine_ms:.2f} |")


def _median_ms(run, repeats: int) -> float:
    run()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def hiding(store: Path, cap: float) -> None:
    """Queries over a snapshot without the decisions graph, against the union with it and against
    an explicit list of every other graph (each capped at `cap` seconds, in a process of its own)."""
    view = StoreView(store, decisions=False)
    opening = _median_ms(lambda: (view.close(), view.current()), 5)
    print(f"\nopening a worker's view (snapshot, decisions graph deleted): {opening:.0f} ms, once per store change")
    print("\n| query | union with decisions ms | snapshot without ms | explicit list of graphs ms |\n|---|---:|---:|---:|")
    hidden, dataset = view.current()
    engine = ox.Store.read_only(str(store / DATABASE_DIR))
    for query in (COUNT_REVIEWS, "SELECT ?g WHERE { GRAPH ?g { ?g a cg:Review } }",
                  "SELECT (COUNT(*) AS ?n) WHERE { ?i cg:hasVictim ?v . ?v a cg:YoungPerson }",
                  "SELECT ?kind (COUNT(?i) AS ?n) WHERE { ?i cg:harmType ?kind } GROUP BY ?kind"):
        union = _median_ms(lambda: run_query(engine, query, None, use_default_graph_as_union=True), 3)
        without = _median_ms(lambda: run_query(hidden, query, None, **dataset), 3)
        print(f"| `{query[:60]}` | {union:.1f} | {without:.1f} | {_explicit_ms(store, query, cap)} |")
    view.close()


def _explicit_ms(store: Path, query: str, cap: float) -> str:
    code = ("import sys, time, pyoxigraph as ox\n"
            "from casegraph.exchange.endpoint_query import run_query\n"
            f"s = ox.Store.read_only({str(store / DATABASE_DIR)!r}); d = ox.NamedNode({DECISIONS_GRAPH!r})\n"
            "g = [x for x in s.named_graphs() if x != d]\n"
            f"t = time.perf_counter(); run_query(s, {query!r}, None, default_graph=g, named_graphs=g)\n"
            "print((time.perf_counter() - t) * 1000)")
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=cap + 5)
    except subprocess.TimeoutExpired:
        return f"> {cap:g} s"
    return f"{float(done.stdout):.1f}" if done.returncode == 0 else "error"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=300)
    parser.add_argument("--work", type=Path, help="directory for the corpus and store (kept; reused if present)")
    parser.add_argument("--timeout", type=float, default=10.0, help="the server's --timeout")
    parser.add_argument("--hiding", action="store_true", help="also measure what hiding the decisions graph costs")
    parser.add_argument("--cap", type=float, default=120.0, help="longest wait for one explicit-list query (s)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="casegraph-endpoint-attack-"))
    work.mkdir(parents=True, exist_ok=True)
    store = prepare(work, args.reviews)
    server = Server(store, "--timeout", f"{args.timeout:g}")
    try:
        print(f"## casegraph serve on {args.reviews} reviews, {len(server.workers())} workers, "
              f"timeout {args.timeout:g} s\n")
        print("| attack | tried | clean | figures |\n|---|---:|---:|---|")
        cross_products(server, args.timeout)
        stopped_at_limit(server, args.timeout)
        foreign_hosts(server)
        decisions(server)
        concurrent(server)
        stalled_bodies(server)
        control_characters(server)
        concurrent_loads(store, server)
        overhead(server, store)
    finally:
        server.stop()
    if args.hiding:
        hiding(store, args.cap)


if __name__ == "__main__":
    main()
