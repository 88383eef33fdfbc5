"""Escalation timeline benchmark: a peer group of 10 young people told across 20 reviews.

It writes 20 invented reviews (one a year), each recording the same group and its ten members
with four incidents and two professional responses among them, links each review's records to
the last review's as an analyst's accepted links would, and measures, in this process and in a
fresh one (`casegraph viz --timeline --group`, what a user runs):

  timeline     the escalation table of the group read from the store (entity graph, lanes,
               events, missed links) and its page written (chart as SVG, events table);
  baseline     the person page (`casegraph viz --person`) of one member, two steps out: the
               network picture of the same people, from the same store, in the same run.

    python benchmarks/timeline_benchmark.py

Goal: the timeline page written in under 1 s.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from casegraph.graph.loading import load_paths  # noqa: E402
from casegraph.graph.store import ReviewStore  # noqa: E402
from casegraph.ontology import record_iri  # noqa: E402
from casegraph.queries.sparql import run_update  # noqa: E402

REVIEWS, PEOPLE, FIRST_YEAR = 20, 10, 2004
MONTHS = ("January", "March", "May", "July", "September", "November")
GOAL_SECONDS = 1.0
LINKS_GRAPH = "https://w3id.org/casegraph/links"


def review_text(n: int) -> str:
    """Review n: the group, its members, four incidents and two responses in its year."""
    year = FIRST_YEAR + n
    lines = ["casegraph: review/1", "review:", f"  id: crew-{n:02d}-{year}", f'  title: "The Crew, part {n + 1}"',
             f"  year: {year}", "  kind: cspr", "  harm_types: [criminal-exploitation]", "  synthetic: true",
             "people:"]
    for k in range(PEOPLE):
        lines += [f"  - id: yp{k}", "    role: young-person", f'    name: "Member {k}"', "    member_of: [crew]"]
    lines += ["  - id: adult", "    role: unconnected-adult", f'    name: "Adult {n}"',
              "groups:", "  - id: crew", "    kind: peer-group", '    name: "The Crew"',
              "places:", "  - id: park", "    kind: park", '    name: "Kingsway Park"', "incidents:"]
    for i in range(4):
        victims = [f"yp{(n + i) % PEOPLE}", f"yp{(n + i + 3) % PEOPLE}"]
        lines += [f"  - id: inc-{i}", "    harm_types: [criminal-exploitation]", f"    victims: [{', '.join(victims)}]",
                  "    perpetrators: [adult]", "    places: [park]", f'    when: "{MONTHS[i]} {year}"']
    lines.append("responses:")
    for i in range(2):
        lines += [f"  - id: resp-{i}", "    agency: police", "    kind: disruption", "    target: individual",
                  f"    targets: [yp{(n + i) % PEOPLE}]", f"    responds_to: [inc-{i}]", f'    when: "{MONTHS[i + 2]} {year}"']
    return "\n".join(lines) + "\n"


def write_corpus(folder: Path) -> list[str]:
    ids = []
    for n in range(REVIEWS):
        text = review_text(n)
        review = text.split("  id: ", 1)[1].split("\n", 1)[0]
        (folder / f"{review}.yaml").write_text(text, encoding="utf-8")
        ids.append(review)
    return ids


def link(store_path: Path, reviews: list[str]) -> None:
    items = [f"yp{k}" for k in range(PEOPLE)] + ["crew", "park"]
    triples = [f"<{record_iri(f'{later}/{item}')}> owl:sameAs <{record_iri(f'{earlier}/{item}')}> ."
               for earlier, later in zip(reviews, reviews[1:]) for item in items]
    with ReviewStore.open(store_path, write=True) as store:
        run_update(store, f"INSERT DATA {{ GRAPH <{LINKS_GRAPH}> {{\n" + "\n".join(triples) + "\n} }")


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from casegraph.viz import network_page
    from casegraph.viz.charts import chart_table
    from casegraph.viz.timeline_page import timeline_page

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        (work / "reviews").mkdir()
        reviews = write_corpus(work / "reviews")
        store_path = work / "store"
        report = load_paths([work / "reviews"], store_path)
        assert not report.failed, [str(r.error) for r in report.failed]
        link(store_path, reviews)
        group, member = f"{reviews[0]}/crew", f"{reviews[0]}/yp0"

        def timeline():
            with ReviewStore.open(store_path) as store:
                table = chart_table(store, "escalation", group=group)
            timeline_page(table, work / "timeline.html")
            return table

        def person_page():
            from casegraph.graph.view import build_view

            with ReviewStore.open(store_path) as store:
                view = build_view(store.review_quads())
            network_page(view, work / "person.html", show="ego", person=member)

        table = timeline()
        drawn = {r for row in table.rows for r in str(row[6]).split("; ")}
        ours = statistics.median(timed(timeline) for _ in range(args.repeats))
        base = statistics.median(timed(person_page) for _ in range(args.repeats))
        command = [sys.executable, "-m", "casegraph.cli"]
        cli = statistics.median(timed(lambda: subprocess.run(
            command + ["viz", "--timeline", "--group", group, "-o", str(work / "cli.html"), "--store", str(store_path)],
            check=True, capture_output=True)) for _ in range(3))
        cli_base = statistics.median(timed(lambda: subprocess.run(
            command + ["viz", "--person", member, "-o", str(work / "cli-person.html"), "--store", str(store_path)],
            check=True, capture_output=True)) for _ in range(3))
    print(f"a peer group of {PEOPLE} across {len(drawn)} reviews: {len(table.rows)} events on {len(table.lanes)} lanes, "
          f"{len(table.missed)} missed links")
    print(f"{'':30}{'timeline page':>15}{'person page':>13}{'ratio':>8}")
    print(f"{'in this process (s)':30}{ours:>15.2f}{base:>13.2f}{ours / base:>8.2f}")
    print(f"{'fresh process, CLI (s)':30}{cli:>15.2f}{cli_base:>13.2f}{cli / cli_base:>8.2f}")
    print(f"goal: written in under {GOAL_SECONDS:.0f} s: {ours:.2f} s in the library, {cli:.2f} s from the command "
          "line (which starts Python and imports matplotlib first)")


if __name__ == "__main__":
    main()
