"""One corpus for the picture tests: the bundled examples, the tests/data/links reviews with
their analysts' links (Mr X, X and Adult X one adult across three reviews; Flat 1 and the flat
on Hill Road one place; Cara in two reviews), and a review whose names carry markup."""
from __future__ import annotations

from pathlib import Path

import pytest

from casegraph.graph.store import ReviewStore
from casegraph.graph.view import build_view
from casegraph.graph.loading import load_paths
from casegraph.queries.sparql import run_update
from tests.conftest import DATA, EXAMPLES

LINKS = DATA / "links"
HOSTILE = DATA / "viz" / "hostile-2022.yaml"


def load_corpus(path: Path, *, links: bool = True) -> Path:
    report = load_paths([EXAMPLES, LINKS, HOSTILE], path)
    assert not report.failed, [str(r.error) for r in report.failed]
    if links:
        with ReviewStore.open(path, write=True) as store:
            run_update(store, (LINKS / "links.ru").read_text(encoding="utf-8"))
    return path


@pytest.fixture(scope="session")
def corpus_path(tmp_path_factory) -> Path:
    return load_corpus(tmp_path_factory.mktemp("viz") / "store")


@pytest.fixture(scope="session")
def corpus_view(corpus_path):
    with ReviewStore.open(corpus_path) as store:
        return build_view(store.review_quads())


class OpenedPage:
    """A page opened from disk with every network request refused and recorded, and console errors kept."""

    def __init__(self, browser, path: Path):
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}"))
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_function("() => window.casegraph && window.casegraph.isReady()", timeout=60_000)

    def _route(self, route):
        url = route.request.url
        if url.startswith("file://"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def rendered(self) -> dict:
        return self.page.evaluate("() => window.casegraph.rendered()")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_page(browser):
    opened = []

    def opener(path: Path) -> OpenedPage:
        opened.append(OpenedPage(browser, path))
        return opened[-1]

    yield opener
    for page in opened:
        page.close()


def legible_labels(page) -> list[dict]:
    """The labels the page drew, after checking what an analyst needs of them: none under 11 px,
    no two overlapping, and every label the page must show that is on screen shown."""
    import itertools

    labels = page.evaluate("() => window.casegraph.labels()")
    assert labels, "no labels drawn"
    assert min(label["size"] for label in labels) >= 11, [l for l in labels if l["size"] < 11]
    for a, b in itertools.combinations(labels, 2):
        apart = (a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or
                 a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"])
        assert apart, (a, b)
    return labels


def with_areas(corpus_view, areas):
    """The corpus with each review's area as `areas` says (the bundled reviews name none)."""
    import dataclasses

    def placed(node):
        review = node.properties.get("review")
        if "Review" not in node.labels or review not in areas:
            return node
        return dataclasses.replace(node, properties={**node.properties, "area": areas[review]})

    return dataclasses.replace(corpus_view, nodes={iri: placed(node) for iri, node in corpus_view.nodes.items()})
