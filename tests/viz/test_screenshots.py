"""Every kind of page, as an analyst opens it: the bundled examples (with the link reviews and their
analysts' links) at 1400x900 in Chromium, offline. Each page's labels are read from the page itself
(its own label boxes: `window.casegraph.labels()`; the timeline page's SVG text) and must be at
least 11 px and never overlap. The screenshots are committed under docs/screenshots; with
CASEGRAPH_SCREENSHOTS=update the test writes them again, otherwise it checks they are there."""
from __future__ import annotations

import itertools
import os
import struct
from pathlib import Path

import pytest

from casegraph.graph.store import ReviewStore
from casegraph.viz import network_page
from casegraph.viz.charts import chart_table
from casegraph.viz.timeline_page import timeline_page
from tests.viz.conftest import legible_labels

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1400, "height": 900}
NETWORK_PAGES = {
    "overview": {},
    "entities": {"overview": False},
    "review": {"show": "review", "review": "scr-30-2016"},
    "person": {"show": "ego", "person": "link-a-2019/mr-x"},
    "cross-review": {"show": "cross-review"},
}


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", header[16:24])


def _shoot(browser, path: Path):
    context = browser.new_context(offline=True, viewport=VIEWPORT)
    requests = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                  else (requests.append(route.request.url), route.abort()))
    page = context.new_page()
    page.goto(path.resolve().as_uri())
    return context, page, requests


def _keep(page, name: str, tmp_path: Path) -> None:
    shot = tmp_path / f"{name}.png"
    page.screenshot(path=str(shot))
    committed = SHOTS / f"{name}.png"
    if os.environ.get("CASEGRAPH_SCREENSHOTS") == "update":
        SHOTS.mkdir(parents=True, exist_ok=True)
        committed.write_bytes(shot.read_bytes())
    assert committed.exists(), f"{committed} missing: run with CASEGRAPH_SCREENSHOTS=update and look at it"
    assert _png_size(committed) == (VIEWPORT["width"], VIEWPORT["height"])


@pytest.mark.parametrize("name", list(NETWORK_PAGES))
def test_network_page_labels_are_legible_and_apart(browser, corpus_view, tmp_path, name):
    path = tmp_path / f"{name}.html"
    network_page(corpus_view, path, **NETWORK_PAGES[name])
    context, page, requests = _shoot(browser, path)
    try:
        page.wait_for_function("() => window.casegraph && window.casegraph.isReady()", timeout=60_000)
        if name == "entities":
            assert page.evaluate("() => document.getElementById('casegraph-overview').textContent") == "null"
        page.wait_for_timeout(1500)  # the browser's brief polish of the layout settles
        labels = legible_labels(page)
        assert len(labels) >= 5, labels
        _keep(page, name, tmp_path)
        assert not requests
    finally:
        context.close()


def test_timeline_page_text_is_legible_and_apart(browser, corpus_path, tmp_path):
    with ReviewStore.open(corpus_path) as store:
        table = chart_table(store, "escalation", person="link-a-2019/mr-x")
    path = timeline_page(table, tmp_path / "timeline.html")
    context, page, requests = _shoot(browser, path)
    try:
        boxes = page.evaluate("""() => Array.from(document.querySelectorAll('figure svg text')).map(t => {
            const r = t.getBoundingClientRect(), ctm = t.getScreenCTM();
            const size = parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b);
            return {text: t.textContent, size: size, x: r.x, y: r.y, w: r.width, h: r.height};
        }).filter(b => b.text.trim())""")
        assert len(boxes) >= 5
        assert min(b["size"] for b in boxes) >= 11, [b for b in boxes if b["size"] < 11]
        for a, b in itertools.combinations(boxes, 2):
            inset = 1.0  # glyph boxes of neighbouring lines touch
            apart = (a["x"] + a["w"] - inset <= b["x"] or b["x"] + b["w"] - inset <= a["x"] or
                     a["y"] + a["h"] - inset <= b["y"] or b["y"] + b["h"] - inset <= a["y"])
            assert apart, (a, b)
        _keep(page, "timeline", tmp_path)
        assert not requests
    finally:
        context.close()
