"""Query benchmark: every saved question on a ~1M-triple synthetic corpus, three ways, measured
in the same run, alternating, median of N:

  engine     pyoxigraph called directly on the same store (read-only), the same query text with
             the standard prefixes declared and the same parameters bound, every row iterated;
  casegraph  the library call `run_sparql` on an already-open store, including the conversion of
             the results to rows (what the command line and the endpoint do);
  CLI        `casegraph query run NAME --store S --format csv` as a subprocess: the whole command,
             Python start-up and output included.

    python benchmarks/query_benchmark.py                 # generate 1300 reviews (~1M triples)
    python benchmarks/query_benchmark.py --work /tmp/qb  # keep (or reuse) the corpus and store there
    python benchmarks/query_benchmark.py --links         # then again with owl:sameAs links

`--links` afterwards links, in the graph <https://w3id.org/casegraph/links>, every record the
generator's ground truth says stands for the same entity as another (each to the one before it,
as a chain: the longest path the identity rule has to walk) and measures again: the
cross-review questions follow those links.

Goals: every question under 1 s through casegraph, and within 1.2x of the engine.
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from casegraph.graph.store import DATABASE_DIR, ReviewStore
from casegraph.ontology import PREFIXES, review_iri
from casegraph.queries import expand_hops, saved_queries
from casegraph.queries.sparql import bind, run_sparql, run_update

LINKS_GRAPH = "https://w3id.org/casegraph/links"
GOAL_SECONDS, GOAL_RATIO = 1.0, 1.2
RATIO_FLOOR_SECONDS = 0.01


def casegraph_command() -> list[str]:
    script = Path(sys.executable).parent / "casegraph"
    return [str(script)] if script.exists() else [sys.executable, "-m", "casegraph.cli"]


def prepare(work: Path, reviews: int, seed: int) -> Path:
    """Generate and load the corpus, unless `work` already holds it."""
    store = work / "store"
    if (store / DATABASE_DIR / "CURRENT").exists():
        print(f"reusing the store at {store}", file=sys.stderr)
        return store
    command = [sys.executable, "-m", "casegraph.cli"]
    print(f"generating {reviews} reviews and loading them into {store} ...", file=sys.stderr)
    subprocess.run(command + ["generate", "--reviews", str(reviews), "--seed", str(seed), "--out",
                              str(work / "corpus")], check=True, capture_output=True)
    subprocess.run(command + ["load", str(work / "corpus" / "reviews"), "--store", str(store)], check=True,
                   capture_output=True)
    return store


def prepare_linked(work: Path, reviews: int, seed: int) -> Path:
    """The corpus's store with its records linked as its ground truth says (a copy beside the
    plain store, made once), as if analysts had accepted every true match."""
    linked = work / "store-linked"
    if not (linked / DATABASE_DIR / "CURRENT").exists():
        import shutil

        shutil.copytree(prepare(work, reviews, seed), linked, dirs_exist_ok=True)
        link_ground_truth(linked, work / "corpus" / "ground-truth.csv")
    return linked


def link_ground_truth(store_path: Path, ground_truth: Path) -> int:
    """owl:sameAs between the records of each ground-truth entity, each to the one before it."""
    entities: dict[str, list[str]] = defaultdict(list)
    with ground_truth.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            entities[row["entity_id"]].append(f"{review_iri(row['review_id'])}/{row['record_id']}")
    triples = [f"<{later}> owl:sameAs <{earlier}> ."
               for records in entities.values() for earlier, later in zip(sorted(records), sorted(records)[1:])]
    with ReviewStore.open(store_path, write=True) as store:
        run_update(store, f"INSERT DATA {{ GRAPH <{LINKS_GRAPH}> {{\n" + "\n".join(triples) + "\n} }")
    return len(triples)


def sample_person(store: ReviewStore) -> str:
    """A young person of the corpus with incidents: the first young person of the first review."""
    result = store.query("SELECT ?p WHERE { ?p a cg:YoungPerson . ?i cg:hasVictim ?p } ORDER BY ?p LIMIT 1")
    iri = next(iter(result))[0].value
    return iri[len(review_iri("")):]


def cases(person: str) -> list[tuple[str, str, dict[str, str]]]:
    """(label, saved question, parameters): every saved question, some with more than one setting."""
    params = {"within-hops-of-person": [{"person": person}, {"person": person, "hops": "4"}],
              "incidents-of-young-person": [{"person": person}],
              "response-targets-by-agency": [{}, {"agency": "police"}]}
    out = []
    for name in sorted(saved_queries()):
        for values in params.get(name, [{}]):
            extra = ", ".join(f"{k}={v}" for k, v in values.items() if k != "person")
            out.append((f"{name} ({extra})" if extra else name, name, values))
    return out


def engine_text(text: str, hops: int | None) -> str:
    header = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())
    return header + expand_hops(text, hops)


def run_engine(engine: ox.Store, text: str, substitutions) -> int:
    rows = 0
    for solution in engine.query(text, use_default_graph_as_union=True, substitutions=substitutions or None):
        tuple(solution)
        rows += 1
    return rows


def run_library(store: ReviewStore, saved, values: dict[str, str]) -> int:
    return len(run_sparql(store, saved.text, dict(values), saved=saved).rows)


def run_cli(store_path: Path, name: str, values: dict[str, str]) -> int:
    command = casegraph_command() + ["query", "run", name, "--store", str(store_path), "--format", "csv"]
    for key, value in values.items():
        command += ["--param", f"{key}={value}"]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CASEGRAPH_STORE": str(store_path)})
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return max(len(done.stdout.splitlines()) - 1, 0)


def measure(store_path: Path, repeats: int, person: str | None = None) -> list[dict]:
    engine = ox.Store.read_only(str(store_path / DATABASE_DIR))
    results = []
    with ReviewStore.open(store_path) as store:
        person = person or sample_person(store)
        print(f"parameters: person={person}", file=sys.stderr)
        for label, name, values in cases(person):
            saved = saved_queries()[name]
            substitutions, hops = bind(saved, dict(values))
            text = engine_text(saved.text, hops)
            times: dict[str, list[float]] = {"engine": [], "casegraph": [], "cli": []}
            rows: dict[str, int] = {}
            runners = {"engine": lambda: run_engine(engine, text, substitutions),
                       "casegraph": lambda: run_library(store, saved, values),
                       "cli": lambda: run_cli(store_path, name, values)}
            order = list(runners)
            run_engine(engine, text, substitutions)  # one warm-up, not counted
            for repeat in range(repeats):
                for way in order[repeat % 3:] + order[:repeat % 3]:  # alternate who goes first
                    started = time.perf_counter()
                    rows[way] = runners[way]()
                    times[way].append(time.perf_counter() - started)
            if rows["engine"] != rows["casegraph"]:
                raise SystemExit(f"{label}: engine gave {rows['engine']} rows, casegraph {rows['casegraph']}")
            medians = {way: statistics.median(spent) for way, spent in times.items()}
            results.append({"question": label, "rows": rows["casegraph"], **medians,
                            "ratio": medians["casegraph"] / medians["engine"] if medians["engine"] else float("nan")})
            print(f"  {label}: {rows['casegraph']} rows, engine {medians['engine']:.3f} s, "
                  f"casegraph {medians['casegraph']:.3f} s, CLI {medians['cli']:.3f} s", file=sys.stderr)
    return results


def table(results: list[dict]) -> str:
    slow = [r for r in results if r["casegraph"] > GOAL_SECONDS]
    # A fixed cost of well under a millisecond (binding, conversion) is no ratio worth flagging.
    far = [r for r in results if r["ratio"] > GOAL_RATIO and r["engine"] >= RATIO_FLOOR_SECONDS]
    lines = ["| question | rows | engine s | casegraph (library) s | ratio | CLI s |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in results:
        flag = " **" if r in slow or r in far else ""
        lines.append(f"| {r['question']}{flag} | {r['rows']} | {r['engine']:.3f} | {r['casegraph']:.3f} | "
                     f"{r['ratio']:.2f} | {r['cli']:.3f} |")
    lines.append("")
    lines.append(f"over {GOAL_SECONDS:g} s through casegraph: {', '.join(r['question'] for r in slow) or 'none'}; "
                 f"over {GOAL_RATIO}x the engine (where it takes {RATIO_FLOOR_SECONDS * 1000:g} ms or more): "
                 f"{', '.join(r['question'] for r in far) or 'none'} (marked **)")
    return "\n".join(lines)


def triples(store_path: Path) -> int:
    engine = ox.Store.read_only(str(store_path / DATABASE_DIR))
    return int(next(iter(engine.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))[0].value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1300, help="reviews to generate (default 1300: ~1M triples)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each way (median reported)")
    parser.add_argument("--work", type=Path, help="directory for the corpus and store (kept; reused if present)")
    parser.add_argument("--links", action="store_true",
                        help="afterwards link the ground truth's records with owl:sameAs and measure again")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="casegraph-query-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    store_path = prepare(work, args.reviews, args.seed)
    with ReviewStore.open(store_path) as store:
        reviews = len(store.review_ids())
    print(f"## {reviews} reviews, {triples(store_path):,} triples ({store_path})\n")
    print(table(measure(store_path, args.repeats)))
    if args.links:
        ground_truth = work / "corpus" / "ground-truth.csv"
        linked = work / "store-linked"
        if not (linked / DATABASE_DIR / "CURRENT").exists():
            shutil.copytree(store_path, linked)
            count = link_ground_truth(linked, ground_truth)
            print(f"\nlinked {count:,} pairs of records with owl:sameAs", file=sys.stderr)
        print(f"\n## the same with the ground truth's identities linked by owl:sameAs ({triples(linked):,} triples)\n")
        print(table(measure(linked, args.repeats)))


if __name__ == "__main__":
    main()
