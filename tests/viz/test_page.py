"""The page as a file: self-contained, its data complete, and hostile text kept as data."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from casegraph.viz.network import picture_graph, select
from casegraph.viz.page import page_data, render_page


@pytest.fixture(scope="module")
def picture(corpus_view):
    return picture_graph(corpus_view)


@pytest.fixture(scope="module")
def html(picture):
    return render_page(picture, title="<b>All</b> reviews", summary="a & b")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _parsed(html: str) -> _Tags:
    tags = _Tags()
    tags.feed(html)
    return tags


def _data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="casegraph-data">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_page_loads_nothing_from_anywhere(html):
    tags = _parsed(html).tags
    assert not [(t, a) for t, a in tags if a.get("src") or a.get("href") or t in ("link", "iframe", "object")]
    csp = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp.startswith("default-src 'none';")
    assert "connect-src" not in csp  # so it falls back to default-src 'none'


def test_page_has_its_data_the_library_and_its_own_scripts(html):
    scripts = _parsed(html).scripts
    assert len(scripts) == 6  # overview data (none here), entity data, vis-network, labels, page, overview
    assert scripts[0] == "null"
    assert "vis-network" in scripts[2][:400]


def test_data_holds_every_node_and_edge(picture, html):
    data = _data(html)
    assert len(data["nodes"]) == picture.number_of_nodes()
    assert len(data["edges"]) == picture.number_of_edges()
    assert {review for review in data["reviews"]} == {r for _, rs in picture.nodes(data="reviews") for r in rs}
    assert data["physics"] is True  # under 1,000 nodes the browser polishes the layout


def test_hostile_text_never_appears_raw(html):
    assert "onerror" in html  # the data is there ...
    assert "<img" not in html and "<script>window" not in html and "</script><script>" not in html  # ... escaped
    assert "<b>All</b>" not in html and "&lt;b&gt;All&lt;/b&gt; reviews" in html
    data = _data(html)
    names = [node[6].splitlines()[0] for node in data["nodes"]]  # the tooltip's first line: the whole name
    assert '<img src=x onerror="window.__pwned=1">' in names
    assert "{{ page_js }} & <b>bold</b>" in names  # not replaced by the template


def test_page_data_of_a_view_is_only_that_view(picture):
    shown = select(picture, "cross-review")
    data = page_data(shown)
    assert len(data["nodes"]) == 9 and len(data["edges"]) == 10
    cross = [node for node in data["nodes"] if node[11]]
    assert sorted(node[1] for node in cross) == ["Cara", "Flat 1", "Mr X"]
    sizes = {node[1]: node[5] for node in data["nodes"]}
    assert sizes["Mr X"] == max(sizes.values())  # the hub of the view is drawn largest
