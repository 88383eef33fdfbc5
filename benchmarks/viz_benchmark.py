"""Network page benchmark: casegraph's page against plain pyvis defaults, on the same graphs, in one run.

For 1k, 10k and 50k nodes (entities of a generated corpus whose records are linked as its
ground truth says, as if analysts had accepted every true match: the graph crosses reviews),
it measures

  write        building and writing the HTML from the drawable graph: for casegraph,
               `write_page` (layout, sizes, tooltips, JSON, inlined scripts); for pyvis,
               `Network()` with its defaults, `add_node` and `add_edge` for each node and edge
               with the same labels, titles, colours and shapes, then `write_html`;
  interactive  from opening the file in headless Chromium (network refused) until the page
               answers: for casegraph, its first drawing; for pyvis, the end of its
               stabilisation (its loading bar gone). pyvis's page loads vis-network from a
               CDN; the harness answers those requests with pyvis's own copy of the files (and
               drops the pages' hash pins, which name the CDN's copy) so it can run offline
               (its Bootstrap requests are refused: styling only).

    python benchmarks/viz_benchmark.py --work /tmp/qb          # reuses query_benchmark's corpus
    python benchmarks/viz_benchmark.py --screenshot /tmp/cross-review.png

Goal: the 50k page written in under 5 s.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))
from query_benchmark import prepare_linked  # noqa: E402  (the shared corpus)

from casegraph.graph.store import ReviewStore  # noqa: E402
from casegraph.graph.view import build_view  # noqa: E402
from casegraph.viz.network import picture_graph, select, tooltip  # noqa: E402
from casegraph.viz.page import write_page  # noqa: E402

SIZES = (1_000, 10_000, 50_000)
CHROMIUM = "/usr/bin/chromium"
GOAL_SECONDS = 5.0
CDN_FILES = {"vis-network.min.js": "vis-network.min.js", "vis-network.min.css": "vis-network.css"}


def timed(work):
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


def subgraph_of_size(picture, size: int):
    """The entities of the first reviews, in order, cut at `size` nodes (a realistic slice, not a sample)."""
    reviews = sorted({r for _, rs in picture.nodes(data="reviews") for r in rs})
    first_review = {}
    for node, rs in picture.nodes(data="reviews"):
        first_review[node] = min(reviews.index(r) for r in rs) if rs else len(reviews)
    chosen = sorted(picture, key=lambda node: (first_review[node], node))[:size]
    return picture.subgraph(chosen).copy()


def pyvis_page(graph, path: Path) -> None:
    from pyvis.network import Network

    network = Network()  # the defaults: physics on, CDN resources, 1000 stabilisation iterations
    index = {node: i for i, node in enumerate(graph)}
    for node, data in graph.nodes(data=True):
        network.add_node(index[node], label=data["name"], title=tooltip(graph, node), color=data["style"].colour,
                         shape=data["style"].shape)
    for start, end, kind in graph.edges(keys=True):
        network.add_edge(index[start], index[end], title=kind, label=kind.lower().replace("_", " "))
    network.write_html(str(path))  # also copies its lib/ folder into the working directory


def offline_pyvis(path: Path) -> None:
    """pyvis's page pins its CDN scripts by hash, and pyvis's own copy of vis-network (which the
    harness serves for the CDN address) has another hash: drop the pins, the page's only change."""
    html = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'\s(integrity|crossorigin)="[^"]*"', "", html), encoding="utf-8")


def _serve_cdn(route) -> None:
    from importlib import resources

    url = route.request.url
    name = url.rsplit("/", 1)[-1]
    if url.startswith("file://"):
        route.continue_()
    elif name in CDN_FILES:
        body = resources.files("pyvis").joinpath("lib/vis-9.1.2", CDN_FILES[name]).read_bytes()
        route.fulfill(status=200, body=body, content_type="text/css" if name.endswith(".css") else "text/javascript")
    else:
        route.abort()


def time_to_interactive(browser, path: Path, ready: str, timeout_s: float) -> float | None:
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    context.route("**/*", _serve_cdn)
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(path.resolve().as_uri(), timeout=timeout_s * 1000)
        page.wait_for_function(ready, timeout=timeout_s * 1000, polling=100)
        return time.perf_counter() - started
    except Exception as error:  # noqa: BLE001  (a timeout is a result here)
        print(f"  {path.name}: not interactive within {timeout_s:.0f} s ({type(error).__name__})", file=sys.stderr)
        return None
    finally:
        context.close()


CASEGRAPH_READY = "() => window.casegraph && window.casegraph.isReady()"
PYVIS_READY = ("() => { const bar = document.getElementById('loadingBar');"
               " return typeof network !== 'undefined' && (!bar || bar.style.opacity === '0'); }")


def screenshot(browser, out: Path) -> None:
    """The cross-review view of the bundled examples with the tests/data/links reviews and their links."""
    from casegraph.graph.loading import load_paths
    from casegraph.queries.sparql import run_update

    root = Path(__file__).resolve().parent.parent
    links = root / "tests" / "data" / "links"
    with tempfile.TemporaryDirectory() as work:
        store_path = Path(work) / "store"
        load_paths([root / "examples" / "reviews", links], store_path)
        with ReviewStore.open(store_path, write=True) as store:
            run_update(store, (links / "links.ru").read_text(encoding="utf-8"))
        with ReviewStore.open(store_path) as store:
            view = build_view(store.review_quads())
        page = write_page(select(picture_graph(view), "cross-review"), Path(work) / "cross.html",
                          title="casegraph: entities recorded in two or more reviews, and their neighbours",
                          summary="The bundled example reviews with the invented link-a/b/c reviews and their "
                                  "analysts' accepted links. Thick border: recorded in two or more reviews.",
                          size_by="reviews")
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 720})
        tab = context.new_page()
        tab.goto(page.resolve().as_uri())
        tab.wait_for_function(CASEGRAPH_READY)
        tab.wait_for_timeout(1500)  # the brief physics polish
        tab.evaluate("() => window.casegraph.network.fit()")
        tab.screenshot(path=str(out))
        context.close()
    print(f"wrote {out}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("/tmp/viz-bench"))
    parser.add_argument("--reviews", type=int, default=1300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for a page to answer")
    parser.add_argument("--skip-pyvis-above", type=int, default=50_000,
                        help="build pyvis pages only up to this many nodes")
    parser.add_argument("--screenshot", type=Path, help="also write the example corpus' cross-review view as PNG")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    linked = prepare_linked(args.work, args.reviews, args.seed)
    with ReviewStore.open(linked) as store:
        read, view = timed(lambda: build_view(store.review_quads()))
    derive, picture = timed(lambda: picture_graph(view))
    print(f"view read and derived in {read:.1f} s; drawable graph in {derive:.1f} s: "
          f"{picture.number_of_nodes():,} entities, {picture.number_of_edges():,} relationships", file=sys.stderr)
    rows = []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as pages:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        if args.screenshot:
            screenshot(browser, args.screenshot)
        for size in SIZES:
            graph = subgraph_of_size(picture, size)
            ours = Path(pages) / f"casegraph-{size}.html"
            theirs = Path(pages) / f"pyvis-{size}.html"
            write = statistics.median(timed(lambda: write_page(graph, ours, title="bench"))[0]
                                      for _ in range(args.repeats))
            ready = time_to_interactive(browser, ours, CASEGRAPH_READY, args.timeout)
            pyvis_write = pyvis_ready = None
            if size <= args.skip_pyvis_above:
                os.chdir(pages)  # where pyvis puts its lib/ folder, beside the page
                pyvis_write, _ = timed(lambda: pyvis_page(graph, theirs))
                offline_pyvis(theirs)
                pyvis_ready = time_to_interactive(browser, theirs, PYVIS_READY, args.timeout)
            rows.append((size, graph.number_of_nodes(), graph.number_of_edges(), write, ready, pyvis_write,
                         pyvis_ready, ours.stat().st_size))
            print(f"  {size}: done", file=sys.stderr)
        browser.close()

    def seconds(value):
        return f"{value:.2f}" if value is not None else f"> {args.timeout:.0f}"

    def ratio(base, value):
        return f"{base / value:.0f}x" if base and value else "n/a"

    print("| nodes | edges | casegraph write s | pyvis write s | write speed-up | casegraph interactive s "
          "| pyvis interactive s | interactive speed-up | page MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, nodes, edges, write, ready, pyvis_write, pyvis_ready, page_bytes in rows:
        print(f"| {nodes:,} | {edges:,} | {write:.2f} | {seconds(pyvis_write)} | {ratio(pyvis_write, write)} "
              f"| {seconds(ready)} | {seconds(pyvis_ready)} | {ratio(pyvis_ready, ready)} | {page_bytes / 1e6:.1f} |")
    largest = rows[-1]
    verdict = "meets" if largest[3] < GOAL_SECONDS else "misses"
    print(f"\n{largest[1]:,}-node page written in {largest[3]:.2f} s: {verdict} the {GOAL_SECONDS:.0f} s goal")


if __name__ == "__main__":
    main()
