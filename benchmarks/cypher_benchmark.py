"""Cypher benchmark on a ~1M-triple synthetic corpus, everything measured in the same run:

  view       building the property-graph view from the store: reading the quads, deriving the
             view, loading it into the embedded engine (a cold `EmbeddedCypher` open), and
             opening it again once it is cached on disk;
  questions  every saved question with a Cypher twin on the embedded engine (`run_cypher` on an
             open engine, rows converted), beside its SPARQL twin (`run_sparql` on an open
             store) as the baseline; median of N, alternating;
  neo4j      (when NEO4J_URI is set) `push_view` into an empty database, nodes and relationships
             per second, against the naive way (one auto-commit MERGE per node and per
             relationship) on the same subset of reviews, each into an empty database.

    python benchmarks/cypher_benchmark.py --work /tmp/qb            # reuse query_benchmark's corpus
    NEO4J_URI=... NEO4J_PASSWORD=... python benchmarks/cypher_benchmark.py --work /tmp/qb

Goal: every saved Cypher question under 1 s on the embedded engine.
"""
from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from query_benchmark import prepare, sample_person  # noqa: E402  (the shared corpus)

from casegraph.graph.cypher.embedded import EmbeddedCypher  # noqa: E402
from casegraph.graph.store import ReviewStore  # noqa: E402
from casegraph.graph.view import PropertyGraph, build_view  # noqa: E402
from casegraph.queries import saved_queries  # noqa: E402
from casegraph.queries.cypher import run_cypher  # noqa: E402
from casegraph.queries.sparql import run_sparql  # noqa: E402

GOAL_SECONDS = 1.0


def timed(work):
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


def measure_view(store_path: Path) -> tuple[list[tuple[str, float, str]], PropertyGraph]:
    with ReviewStore.open(store_path) as store:
        read, quads = timed(lambda: list(store.review_quads()))
    derive, view = timed(functools.partial(build_view, quads))
    del quads
    shutil.rmtree(store_path / "cypher", ignore_errors=True)
    cold, _ = timed(lambda: EmbeddedCypher(store_path).close())
    warm, _ = timed(lambda: EmbeddedCypher(store_path).close())
    elements = len(view.nodes) + len(view.relationships)
    return [
        ("read the quads from the store", read, ""),
        ("derive the view (Python)", derive, f"{len(view.nodes):,} nodes, {len(view.relationships):,} relationships"),
        ("cold open: read + derive + load into FalkorDB + save", cold, f"{elements / cold:,.0f} elements/s"),
        ("warm open: the cached view from disk", warm, ""),
    ], view


def cases(person: str) -> list[tuple[str, str, dict[str, str]]]:
    params = {"within-hops-of-person": [{"person": person}, {"person": person, "hops": "4"}],
              "incidents-of-young-person": [{"person": person}],
              "response-targets-by-agency": [{}, {"agency": "police"}]}
    return [(name + (f" ({', '.join(f'{k}={v}' for k, v in values.items() if k != 'person')})"
                     if any(k != "person" for k in values) else ""), name, values)
            for name, saved in sorted(saved_queries().items()) if saved.cypher
            for values in params.get(name, [{}])]


def measure_questions(store_path: Path, repeats: int) -> list[dict]:
    results = []
    with ReviewStore.open(store_path) as store, EmbeddedCypher(store_path) as engine:
        person = sample_person(store)
        print(f"parameters: person={person}", file=sys.stderr)
        for label, name, values in cases(person):
            saved = saved_queries()[name]
            cypher_times, sparql_times = [], []
            for _ in range(repeats):
                seconds, cypher = timed(lambda: run_cypher(engine, saved.cypher, values, saved=saved))
                cypher_times.append(seconds)
                seconds, sparql = timed(lambda: run_sparql(store, saved.text, values, saved=saved))
                sparql_times.append(seconds)
            result = {"question": label, "rows": len(cypher.rows), "sparql_rows": len(sparql.rows),
                      "cypher": statistics.median(cypher_times), "sparql": statistics.median(sparql_times)}
            print(f"  {label}: {result['rows']} rows, Cypher {result['cypher']:.3f} s, "
                  f"SPARQL {result['sparql']:.3f} s", file=sys.stderr)
            results.append(result)
    return results


def subset(view: PropertyGraph, reviews: int) -> PropertyGraph:
    """The nodes and relationships of the first `reviews` reviews (and the codes they use)."""
    chosen = sorted({n.properties.get("review") for n in view.nodes.values()} - {None})[:reviews]
    kept = {iri: n for iri, n in view.nodes.items() if n.properties.get("review") in chosen or "Concept" in n.labels}
    return PropertyGraph(kept, [r for r in view.relationships if r.start in kept and r.end in kept])


def measure_neo4j(view: PropertyGraph, naive_reviews: int) -> list[tuple[str, int, int, float]]:
    from casegraph.exchange.neo4j_push import push_view, push_view_naively
    from casegraph.graph.cypher.neo4j import Neo4jSettings, connect

    settings = Neo4jSettings.from_env()
    rows = []
    small = subset(view, naive_reviews)
    with connect(settings) as driver:
        def empty():  # in small transactions: the test server has little transaction memory
            for statement in ("MATCH ()-[r]->() WITH r LIMIT 20000 DELETE r RETURN count(*) AS n",
                              "MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS n"):
                while driver.execute_query(statement, database_=settings.database).records[0]["n"]:
                    pass
        for label, graph, push in [("batched, all reviews", view, push_view),
                                   (f"batched, {naive_reviews} reviews", small, push_view),
                                   (f"naive, {naive_reviews} reviews", small, push_view_naively)]:
            empty()
            seconds, _ = timed(lambda: push(driver, graph, database=settings.database))
            rows.append((label, len(graph.nodes), len(graph.relationships), seconds))
            print(f"  {label}: {seconds:.1f} s", file=sys.stderr)
        empty()
    return rows


def report(view_rows, questions, neo4j_rows) -> str:
    lines = ["| building the view | seconds | |", "|---|---:|---|"]
    lines += [f"| {what} | {seconds:.2f} | {note} |" for what, seconds, note in view_rows]
    lines += ["", "| question (embedded Cypher) | rows | Cypher s | SPARQL s (baseline) | ratio |",
              "|---|---:|---:|---:|---:|"]
    for r in questions:
        flag = " **" if r["cypher"] > GOAL_SECONDS or r["rows"] != r["sparql_rows"] else ""
        lines.append(f"| {r['question']}{flag} | {r['rows']} | {r['cypher']:.3f} | {r['sparql']:.3f} | "
                     f"{r['cypher'] / max(r['sparql'], 1e-4):.2f} |")
    if neo4j_rows:
        base = {label.split(",")[1]: (n + e) / s for label, n, e, s in neo4j_rows if label.startswith("naive")}
        lines += ["", "| push neo4j | nodes | relationships | seconds | nodes/s | relationships/s | vs naive |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for label, nodes, edges, seconds in neo4j_rows:
            speed = (nodes + edges) / seconds
            versus = base.get(label.split(",")[1])
            lines.append(f"| {label} | {nodes:,} | {edges:,} | {seconds:.1f} | {nodes / seconds:,.0f} | "
                         f"{edges / seconds:,.0f} | {f'{speed / versus:.1f}x' if versus else ''} |")
    slow = [r["question"] for r in questions if r["cypher"] > GOAL_SECONDS]
    differ = [r["question"] for r in questions if r["rows"] != r["sparql_rows"]]
    lines += ["", f"over {GOAL_SECONDS:.0f} s: {', '.join(slow) or 'none'}; "
                  f"row counts differing from SPARQL: {', '.join(differ) or 'none'} (marked **)"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=None, help="Keep (or reuse) the corpus and store here.")
    parser.add_argument("--reviews", type=int, default=1300, help="Reviews to generate (1300: about 1M triples).")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--naive-reviews", type=int, default=40,
                        help="Reviews in the subset pushed both ways (the naive way is slow).")
    args = parser.parse_args()
    work = args.work or Path(os.environ.get("TMPDIR", "/tmp")) / "casegraph-cypher-benchmark"
    store_path = prepare(work, args.reviews, args.seed)
    view_rows, view = measure_view(store_path)
    questions = measure_questions(store_path, args.repeats)
    neo4j_rows = measure_neo4j(view, args.naive_reviews) if os.environ.get("NEO4J_URI") else []
    if not neo4j_rows:
        print("NEO4J_URI not set: no push measured (start one with tests/servers/neo4j.sh)", file=sys.stderr)
    print(report(view_rows, questions, neo4j_rows))


if __name__ == "__main__":
    main()
