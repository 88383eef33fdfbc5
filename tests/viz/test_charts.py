"""Charts: their rows agree with the saved questions and pattern reports; the files are real PNG/SVG,
deterministic, with their labels as text."""
from __future__ import annotations

import re
import struct
from collections import defaultdict

import pytest

from casegraph.graph.store import ReviewStore
from casegraph.graph.view import literal_value
from casegraph.queries import saved_query
from casegraph.queries.sparql import run_sparql
from casegraph.viz.charts import KINDS, chart_table, draw
from casegraph.viz.network import VizError


@pytest.fixture(scope="module")
def store(corpus_path):
    with ReviewStore.open(corpus_path) as opened:
        yield opened


def _saved(store, name):
    saved = saved_query(name)
    return [[literal_value(t) if hasattr(t, "datatype") else t.value for t in row]
            for row in run_sparql(store, saved.text, saved=saved).rows]


def test_reviews_per_year_is_the_saved_question(store):
    table = chart_table(store, "reviews-per-year")
    assert table.rows == _saved(store, "reviews-per-year")
    assert sum(count for _, count in table.rows) == 27  # 23 examples, 3 link-* reviews, 1 hostile


def test_harm_types_is_the_saved_question(store):
    table = chart_table(store, "harm-types")
    assert table.rows == [[label, reviews, incidents] for _, label, reviews, incidents in _saved(store, "harm-types")]


def test_framework_matrix_adds_up_to_the_framework_nodes_question(store):
    table = chart_table(store, "framework-matrix")
    reviews, items = defaultdict(set), defaultdict(int)
    for review, primary, node, count in table.rows:
        reviews[primary, node].add(review)
        items[primary, node] += count
    expected = {(primary, label): (coded, total)
                for _, primary, _, label, coded, total in _saved(store, "framework-nodes") if coded}
    assert {node: (len(reviews[node]), items[node]) for node in reviews} == expected


def test_timeline_is_the_pattern_report(store):
    table = chart_table(store, "timeline", person="scr-49-2013/christine")
    assert [(row[0], row[3]) for row in table.rows] == [
        ("December 2007", "response"), ("12th March 2012", "incident"), (None, "response")]
    with pytest.raises(VizError, match="needs a person"):
        chart_table(store, "timeline")


@pytest.mark.parametrize("kind", KINDS)
def test_png_and_svg_files(store, kind, tmp_path):
    table = chart_table(store, kind, person="scr-49-2013/christine")
    png = draw(table, tmp_path / f"{kind}.png")
    header = png.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    assert width > 300 and height > 150
    svg = draw(table, tmp_path / f"{kind}.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert table.title in svg  # text stays text
    outside = [m.group(0)[:40] for m in re.finditer(r'href="(?!#|data:)[^"]*"', svg)]
    assert not outside  # nothing referenced from outside: only the file's own ids and inline data
    again = draw(table, tmp_path / f"{kind}-again.svg").read_text(encoding="utf-8")
    assert again == svg


def test_bad_format_and_empty_chart(store, tmp_path):
    table = chart_table(store, "reviews-per-year")
    with pytest.raises(VizError, match="cannot write a chart as 'pdf'; choose png or svg"):
        draw(table, tmp_path / "chart.pdf")
    table.rows = []
    with pytest.raises(VizError, match="nothing to draw for reviews-per-year"):
        draw(table, tmp_path / "chart.png")
