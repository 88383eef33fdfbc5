"""The reload attack at full size: load a synthetic corpus, then reload an edited copy of it and
`kill -9` each reload at a random moment; after each kill count the reviews lost or neither old
nor new, catalog disagreements, and worker processes still alive after 3.5 s.

    python benchmarks/crash_attack.py --reviews 300 --kills 30
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casegraph.graph.store import ReviewStore  # noqa: E402
from casegraph.loaders import load  # noqa: E402


def casegraph(*args: str, **options) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "casegraph.cli", *args], env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, **options)


def triples(folder: Path) -> dict[str, set[str]]:
    found = {}
    for path in sorted(folder.glob("*.yaml")):
        review = load(path)
        found[review.review_id] = {str(q.triple) for q in review.quads}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=300)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--seed", type=int, default=4)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="casegraph-crash-"))
    try:
        casegraph("generate", "--reviews", str(options.reviews), "--seed", str(options.seed), "--out",
                  str(work / "a")).wait()
        edited = work / "b" / "reviews"
        edited.mkdir(parents=True)
        for path in (work / "a" / "reviews").glob("*.yaml"):  # every review changes its title
            text = re.sub(r"^(  title: .*?)(\"?)$", r"\1 (edited)\2", path.read_text(encoding="utf-8"), count=1, flags=re.M)
            (edited / path.name).write_text(text, encoding="utf-8")
        versions = [work / "a" / "reviews", edited]
        old, new = triples(versions[0]), triples(versions[1])
        store = work / "store"
        started = time.perf_counter()
        casegraph("load", str(versions[0]), "--store", str(store)).wait()
        first_load = time.perf_counter() - started
        rng = random.Random(options.seed)
        lost = broken = disagreeing = orphaned = killed = 0
        for kill in range(options.kills):
            process = casegraph("load", str(versions[1 - kill % 2]), "--store", str(store))
            time.sleep(rng.uniform(0.5, max(1.0, first_load)))
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                killed += 1
            process.wait()
            time.sleep(3.5)
            try:
                os.killpg(process.pid, 0)
                orphaned += 1
            except ProcessLookupError:
                pass
            with ReviewStore.open(store) as opened:
                graphs = {r: {str(q.triple) for q in opened.quads(r)} for r in opened.review_ids()}
                catalog = {s.review_id for s in opened.summaries() if s.source}
            lost += len(set(old) - set(graphs))
            broken += sum(found not in (old[r], new[r]) for r, found in graphs.items())
            disagreeing += catalog != set(graphs)
        print(f"{options.reviews} reviews, first load {first_load:.1f} s; reloads tried {options.kills}, killed "
              f"mid-load {killed}; reviews lost {lost}, neither old nor new {broken}; catalog disagreeing "
              f"{disagreeing}; kills leaving workers alive after 3.5 s {orphaned}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
