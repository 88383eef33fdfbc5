"""Corpus overview benchmark: the whole corpus's page, which opens on its reviews, against the
entity page without the overview, on the same graph in one run.

On the generated corpus (1,300 reviews by default, its records linked as its ground truth says,
as if analysts had accepted every true match, and candidates computed once so the overview has
its dashed lines), it measures

  write        `write_page` of the whole corpus with the overview (reviews, shared entities,
               candidates, their layout) and without it (the baseline: the entity page alone);
  interactive  from opening the file in headless Chromium (network refused) at 1400x900 until
               the page answers (its first drawing): the overview for the page with it, the
               entity network for the baseline;
  entities     on the overview page, from a click on the review with most shared entities until
               the entity network built for it has drawn.

Reading the view and deriving the drawable graph are reported apart (the load-to-picture issue's
subject, shared by every picture).

    python benchmarks/overview_benchmark.py --work /tmp/ob

Goals: the overview page written in under 5 s and interactive in under 3 s.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from query_benchmark import prepare_linked  # noqa: E402  (the shared corpus)
from viz_benchmark import CASEGRAPH_READY, CHROMIUM, timed  # noqa: E402

from casegraph.graph.store import ReviewStore  # noqa: E402
from casegraph.graph.view_cache import view_of_store  # noqa: E402
from casegraph.linking.candidate_cache import cached_proposals, load_candidates  # noqa: E402
from casegraph.viz.network import picture_graph  # noqa: E402
from casegraph.viz.overview import overview_data  # noqa: E402
from casegraph.viz.page import write_page  # noqa: E402

WRITE_GOAL, READY_GOAL = 5.0, 3.0


def interactive(browser, path: Path, then: str | None = None) -> tuple[float, float | None]:
    """Seconds until the page answers and, with `then` (script run once it does), until it answers again."""
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(path.resolve().as_uri(), timeout=600_000)
        page.wait_for_function(CASEGRAPH_READY, timeout=600_000, polling=50)
        ready = time.perf_counter() - started
        after = None
        if then:
            started = time.perf_counter()
            page.evaluate(then)
            page.wait_for_function(CASEGRAPH_READY, timeout=600_000, polling=50)
            after = time.perf_counter() - started
        return ready, after
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/tmp/overview-bench"))
    parser.add_argument("--reviews", type=int, default=1300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    linked = prepare_linked(args.work, args.reviews, args.seed)
    with ReviewStore.open(linked) as store:
        matching, _ = timed(lambda: load_candidates(store))  # once: then the overview reads the cache
        candidates, threshold = cached_proposals(store)
        view_of_store(store)  # a store loaded before views were kept gets its fragments once
        read, view = timed(lambda: view_of_store(store))
    derive, picture = timed(lambda: picture_graph(view))
    print(f"candidates matched in {matching:.1f} s ({len(candidates):,} undecided at {threshold}); view read in "
          f"{read:.1f} s; drawable graph in {derive:.1f} s: {picture.number_of_nodes():,} entities, "
          f"{picture.number_of_edges():,} relationships", file=sys.stderr)

    def overview(index, reviews):
        return overview_data(view, picture, index, reviews, candidates, threshold)

    with tempfile.TemporaryDirectory() as pages, sync_playwright() as playwright:
        with_overview, baseline = Path(pages) / "overview.html", Path(pages) / "entities.html"
        write = statistics.median(timed(lambda: write_page(picture, with_overview, title="bench", overview=overview))[0]
                                  for _ in range(args.repeats))
        plain = statistics.median(timed(lambda: write_page(picture, baseline, title="bench"))[0]
                                  for _ in range(args.repeats))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        data = overview(dict.fromkeys(picture, 0), sorted({r for _, rs in picture.nodes(data="reviews") for r in rs}))
        joined = [0] * len(data["reviews"])
        for a, b, kind, count, *_ in data["links"]:
            if kind == "accepted":
                joined[a] += count
                joined[b] += count
        busiest = max(range(len(joined)), key=joined.__getitem__)
        click = f"() => {{ window.casegraph.overview.network.emit('click', {{nodes: [{busiest}], edges: []}}); }}"
        ready_runs = [interactive(browser, with_overview, click) for _ in range(args.repeats)]
        plain_ready = statistics.median(interactive(browser, baseline)[0] for _ in range(args.repeats))
        browser.close()
        ready = statistics.median(r for r, _ in ready_runs)
        entities = statistics.median(a for _, a in ready_runs)
        size, plain_size = with_overview.stat().st_size, baseline.stat().st_size
    accepted = sum(1 for link in data["links"] if link[2] == "accepted")
    print(f"{len(data['reviews']):,} reviews, {accepted:,} pairs joined by accepted links, "
          f"{len(data['links']) - accepted:,} by candidates; {picture.number_of_nodes():,} entities behind them")
    print(f"{'':34}{'overview page':>15}{'entity page':>13}{'ratio':>8}")
    print(f"{'written (s)':34}{write:>15.2f}{plain:>13.2f}{write / plain:>8.2f}")
    print(f"{'interactive in Chromium (s)':34}{ready:>15.2f}{plain_ready:>13.2f}{ready / plain_ready:>8.2f}")
    print(f"{'size (MB)':34}{size / 1e6:>15.1f}{plain_size / 1e6:>13.1f}")
    print(f"{'click a review -> its entities (s)':34}{entities:>15.2f}")
    print(f"goals: written {write:.2f} s (< {WRITE_GOAL:.0f} s), interactive {ready:.2f} s (< {READY_GOAL:.0f} s); "
          f"from the store, add the view ({read:.1f} s) and the drawable graph ({derive:.1f} s)")


if __name__ == "__main__":
    main()
