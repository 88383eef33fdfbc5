"""REFI-QDA import and export at scale: a generated project of 500 sources and 50,000 coded selections.

    python benchmarks/qdpx_benchmark.py --work /tmp/qdpx-bench
    python benchmarks/qdpx_benchmark.py --work /tmp/qdpx-bench --sources 50 --selections 5000   # a quick look

Each phase runs in a fresh process of its own, so its time and peak memory (max RSS) are its
alone: reading the project (parse, schema check, offsets checked: the floor any import pays),
`casegraph import qdpx` into an empty store, the same import again (replacing every review),
`casegraph export qdpx`, and, as the baseline measured in the same run, `casegraph load` of the
same reviews written out as review/2 files (`import qdpx --out`), the hand-written route.
Goals (issue 17): import under 30 s, export under 15 s, on this 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

FRAMEWORK = ["Peers", "School", "Unconnected adults", "Public location (physical)", "Family", "Online space",
             "Other accommodation/service", "Other context"]
RESPONSES = ["Social care intervention", "Criminal justice intervention", "Close of case (to statutory agencies)",
             "Support to individual young person", "Family support", "Contextual intervention (beyond the family)"]
HARMS = ["Child sexual exploitation", "Child criminal exploitation", "Serious youth violence"]
WORDS = ("the young person was seen with older peers near the station and staff at school raised concerns "
         "about missing episodes while social care closed the case after a strategy meeting").split()


def _guid(rng: random.Random) -> str:
    import uuid

    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def generate(path: Path, sources: int, selections: int, seed: int = 1) -> None:
    """A project coded as the study coded its reviews: Table 1 nodes, harm types, a researcher's own codes."""
    from casegraph.loaders.qda.model import Case, Code, Coding, Project, Selection, Source, User, Variable
    from casegraph.loaders.qda.writer import write_project

    rng = random.Random(seed)
    users = tuple(User(_guid(rng), name) for name in ("Researcher A", "Researcher B", "Researcher C"))
    codes = []
    for primary, children in (("Contextual dynamics of harm", FRAMEWORK),
                              ("Contextual dynamics of protection and safety", FRAMEWORK),
                              ("Professional responses", RESPONSES), ("Harm types", HARMS),
                              ("Memos", [f"Theme {n}" for n in range(20)])):
        top = Code(_guid(rng), primary, False)
        codes.append(top)
        codes += [Code(_guid(rng), child, True, "#3366cc", f"{child} ({primary})", top.guid) for child in children]
    codable = [code for code in codes if code.is_codable]
    per_source = selections // sources
    role, gender, age, year = (Variable(_guid(rng), name, kind) for name, kind in
                               (("Role", "Text"), ("Gender", "Text"), ("Age", "Integer"), ("Year", "Integer")))
    built, cases = [], []
    for n in range(sources):
        words = [rng.choice(WORDS) for _ in range(per_source * 30)]
        text = " ".join(words) + "."
        chosen = []
        for k in range(per_source):
            start = rng.randrange(0, len(text) - 200)
            end = start + rng.randrange(20, 200)
            picked = rng.sample(codable, rng.choice((1, 1, 2)))
            chosen.append(Selection(_guid(rng), start, end, text[start:end], tuple(
                Coding(_guid(rng), code.guid, rng.choice(users).guid, "2024-03-01T10:00:00Z") for code in picked)))
        source = Source(_guid(rng), f"Review {n:04d}", "text", text, selections=tuple(chosen),
                        created="2024-01-01T09:00:00Z")
        built.append(source)
        cases.append(Case(_guid(rng), f"Review {n:04d}", values=((year.guid, str(2010 + n % 14)),),
                          sources=(source.guid,)))
        cases.append(Case(_guid(rng), f"Child {n:04d}", values=((role.guid, "Young person"),
                          (gender.guid, rng.choice(("Female", "Male"))), (age.guid, str(rng.randrange(12, 18)))),
                          sources=(source.guid,)))
    write_project(Project("Benchmark EFH reviews", "casegraph benchmark", users=users, codes=tuple(codes),
                          sources=tuple(built), variables=(role, gender, age, year), cases=tuple(cases)), path)


PHASE = """
import json, resource, sys, time
started = time.perf_counter()
{body}
print(json.dumps({{"seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
READ = "from casegraph.loaders.qda.reader import read_project\nread_project(sys.argv[1])"
CLI = "from casegraph.cli import main\nsys.argv = ['casegraph', *sys.argv[1:]]\ntry:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code"


def phase(name: str, body: str, *args: str, decimals: int = 1) -> dict:
    """Run `body` (Python, its arguments in sys.argv) in a fresh process: its time and peak memory alone."""
    done = subprocess.run([sys.executable, "-c", PHASE.format(body=body), *args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{name} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{name:<46} {result['seconds']:7.{decimals}f} s   peak {result['peak_mb']:7.0f} MB", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--selections", type=int, default=50_000)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    project = args.work / f"project-{args.sources}-{args.selections}.qdpx"
    if not project.exists():
        started = time.perf_counter()
        generate(project, args.sources, args.selections)
        print(f"generated {project.name} ({project.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")
    for name in ("store", "files-store", "files", "back.qdpx"):
        target = args.work / name
        shutil.rmtree(target, ignore_errors=True) if target.is_dir() else target.unlink(missing_ok=True)
    store, files = str(args.work / "store"), str(args.work / "files")
    print(f"{args.sources} sources, {args.selections:,} coded selections; each phase a fresh process")
    read = phase("read the project (parse, schema, offsets)", READ, str(project))
    first = phase("import qdpx into an empty store", CLI, "import", "qdpx", str(project), "--store", store)
    again = phase("import qdpx again (replaces every review)", CLI, "import", "qdpx", str(project), "--store", store)
    export = phase("export qdpx", CLI, "export", "--store", store, "qdpx", str(args.work / "back.qdpx"))
    phase("import qdpx --out (review files)", CLI, "import", "qdpx", str(project), "--out", files)
    baseline = phase("baseline: load those review files", CLI, "load", files, "--store", str(args.work / "files-store"))
    print(f"import {first['seconds']:.1f} s (goal < 30 s), again {again['seconds']:.1f} s; export {export['seconds']:.1f} s "
          f"(goal < 15 s); import / load of the same reviews = {first['seconds'] / baseline['seconds']:.2f}; "
          f"reading alone is {read['seconds'] / first['seconds']:.0%} of the import; peak "
          f"{max(first['peak_mb'], again['peak_mb'], export['peak_mb']):.0f} MB")


if __name__ == "__main__":
    main()
