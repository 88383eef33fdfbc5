"""Load benchmark: `casegraph load` (parse, check, convert, store) against Oxigraph's own bulk
load of the same triples as N-Triples, measured in the same run, alternating, each in a fresh
process and a fresh store.

    python benchmarks/load_benchmark.py --reviews 1300 --repeats 3

Prints a table of median wall time, triples/s and peak memory (max RSS) for each, and the ratio.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BULK_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES)
store.flush()
print(len(store))
"""


def _tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants (worker processes count too)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = int(fields[21]) * 4096
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total / 1e6


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak resident memory of the whole process tree in MB (sampled every 50 ms),
    and the output of one command in a fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, _tree_rss_mb(process.pid))
        time.sleep(0.05)
    wall = time.perf_counter() - started
    output = process.stdout.read().decode()
    if process.returncode != 0:
        raise SystemExit(f"{command[:3]} failed:\n{output}")
    return wall, peak, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=1300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="casegraph-bench-"))
    casegraph = [sys.executable, "-m", "casegraph.cli"]
    try:
        subprocess.run(casegraph + ["generate", "--reviews", str(args.reviews), "--seed", str(args.seed),
                                    "--out", str(work / "corpus")], check=True, capture_output=True)
        reviews = work / "corpus" / "reviews"
        size_mb = sum(p.stat().st_size for p in reviews.iterdir()) / 1e6
        subprocess.run(casegraph + ["load", str(reviews), "--store", str(work / "reference")], check=True,
                       capture_output=True)
        ntriples = work / "corpus.nt"
        subprocess.run(casegraph + ["export", "--store", str(work / "reference"), "--format", "ntriples",
                                    "-o", str(ntriples)], check=True)
        triples = sum(1 for _ in ntriples.open("rb"))
        results: dict[str, list[tuple[float, float]]] = {"casegraph load": [], "oxigraph bulk_load (N-Triples)": []}
        for repeat in range(args.repeats):
            for name in results:
                store = work / f"store-{repeat}-{len(results[name])}-{name.split()[0]}"
                if name == "casegraph load":
                    wall, rss, _ = timed(casegraph + ["load", str(reviews), "--store", str(store)])
                else:
                    wall, rss, _ = timed([sys.executable, "-c", BULK_LOAD, str(store), str(ntriples)])
                results[name].append((wall, rss))
                shutil.rmtree(store, ignore_errors=True)
        print(f"corpus: {args.reviews} review files ({size_mb:.1f} MB YAML), {triples:,} triples; "
              f"{args.repeats} alternating runs each, medians\n")
        print(f"| {'what':32} | {'wall s':>7} | {'triples/s':>10} | {'peak MB':>11} |")
        print(f"|{'-' * 34}|{'-' * 9}|{'-' * 12}|{'-' * 13}|")
        medians = {}
        for name, runs in results.items():
            wall = statistics.median(w for w, _ in runs)
            rss = max(r for _, r in runs)
            medians[name] = wall
            print(f"| {name:32} | {wall:7.2f} | {triples / wall:10,.0f} | {rss:11.0f} |")
        ratio = medians["casegraph load"] / medians["oxigraph bulk_load (N-Triples)"]
        print(f"\ncasegraph load / raw bulk load = {ratio:.2f}x (goal: within 2x; peak memory goal: < 1500 MB)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"(benchmark took {time.perf_counter() - started:.0f} s)")
