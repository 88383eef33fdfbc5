"""Load to first answer and first picture: what an analyst waits for on a fresh store, against
the floors measured in the same run.

On the generated corpus (1,300 reviews by default, about 1.1M triples), every step is the
command an analyst types, run as a subprocess (Python start-up included), on a fresh store:

  load                 `casegraph load REVIEWS` (each review's part of the view derived as it loads)
  first picture        then `casegraph viz` of the whole corpus (it opens on the overview)
  first Cypher answer  then `casegraph query run young-people-connected --engine cypher`
  second picture       `casegraph viz` again, nothing changed
  reload one review    one review's file edited, `casegraph load FILE`
  Cypher after reload  `casegraph query run young-people-connected --engine cypher` again

and the floors, in this process on the same data:

  Oxigraph bulk load   `pyoxigraph.Store.bulk_load` of the store's own quads, into named graphs
  FalkorDB load        the batched UNWIND load of the same view into an empty graph (the embedded
                       engine's first build now uses FalkorDB's bulk command; its time is shown too)

    python benchmarks/first_picture_benchmark.py --work /tmp/fp

Goals: load to first Cypher answer under 25 s, load to first picture under 30 s, a reload then a
Cypher answer under 2 s (the Cypher answer; the reload's own rebuild of the store is reported
beside it), a second picture under 8 s.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from query_benchmark import casegraph_command  # noqa: E402

GOALS = {"load to first Cypher answer": 25.0, "load to first picture": 30.0, "Cypher after reload": 2.0,
         "second picture": 8.0}


def run(*arguments: str) -> float:
    started = time.perf_counter()
    subprocess.run(casegraph_command() + list(arguments), check=True, capture_output=True)
    return time.perf_counter() - started


def floors(store: Path) -> tuple[float, float, float]:
    """Seconds for Oxigraph to bulk-load the store's quads, for FalkorDB to load its view through
    UNWIND (the issue's floor), and with its bulk command (what casegraph does now)."""
    import pyoxigraph as ox

    from casegraph.graph.cypher.embedded import FalkorServer
    from casegraph.graph.cypher.falkor_view import load_view, load_view_through_cypher
    from casegraph.graph.store import ReviewStore
    from casegraph.graph.view_cache import view_of_store

    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / "all.nq"
        with ReviewStore.open(store) as opened:
            with dump.open("wb") as handle:
                opened.oxigraph.dump(handle, format=ox.RdfFormat.N_QUADS)
            view = view_of_store(opened)
        started = time.perf_counter()
        fresh = ox.Store(str(Path(scratch) / "db"))
        fresh.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
        fresh.flush()
        oxigraph = time.perf_counter() - started
        del fresh
        server = FalkorServer(Path(scratch))
        try:
            started = time.perf_counter()
            load_view_through_cypher(server.client.select_graph("floor"), view)
            falkor = time.perf_counter() - started
            started = time.perf_counter()
            load_view(server.client.select_graph("bulk"), view)
            bulk = time.perf_counter() - started
        finally:
            server.close()
    return oxigraph, falkor, bulk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/tmp/first-picture"))
    parser.add_argument("--reviews", type=int, default=1300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    corpus = args.work / "corpus" / "reviews"
    if not corpus.exists():
        print(f"generating {args.reviews} reviews ...", file=sys.stderr)
        run("generate", "--reviews", str(args.reviews), "--seed", str(args.seed), "--out", str(args.work / "corpus"))
    store, page = args.work / "store", args.work / "corpus.html"
    shutil.rmtree(store, ignore_errors=True)
    question = ["query", "run", "young-people-connected", "--engine", "cypher", "--store", str(store),
                "--format", "csv"]
    took = {"load": run("load", str(corpus), "--store", str(store))}
    took["first picture"] = run("viz", "--store", str(store), "-o", str(page))
    took["first Cypher answer"] = run(*question)
    took["second picture"] = run("viz", "--store", str(store), "-o", str(page))
    edited = args.work / "edited"
    shutil.rmtree(edited, ignore_errors=True)
    edited.mkdir()
    first = sorted(corpus.glob("*.yaml"))[0]
    (edited / first.name).write_text(first.read_text(encoding="utf-8").replace("Child", "Young person", 1),
                                     encoding="utf-8")
    took["reload one review"] = run("load", str(edited), "--store", str(store))
    took["Cypher after reload"] = run(*question)
    took["Cypher, nothing changed"] = run(*question)
    took["load to first Cypher answer"] = took["load"] + took["first Cypher answer"]
    took["load to first picture"] = took["load"] + took["first picture"]
    oxigraph, falkor, bulk = floors(store)
    print(f"{'step':34}{'seconds':>9}{'goal':>8}")
    for step, seconds in took.items():
        goal = GOALS.get(step)
        print(f"{step:34}{seconds:>9.2f}{f'< {goal:.0f}' if goal else '':>8}")
    print(f"{'floor: Oxigraph bulk load':34}{oxigraph:>9.2f}")
    print(f"{'floor: FalkorDB UNWIND load':34}{falkor:>9.2f}")
    print(f"{'(FalkorDB GRAPH.BULK load)':34}{bulk:>9.2f}   (not a floor: casegraph's own first build)")
    print(f"{'floors together':34}{oxigraph + falkor:>9.2f}   (load to first Cypher answer: "
          f"{took['load to first Cypher answer'] / (oxigraph + falkor):.2f}x)")


if __name__ == "__main__":
    main()
