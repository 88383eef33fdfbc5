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


def test_review_ids_sort_as_a_reader_expects(store):
    reviews = list(dict.fromkeys(row[0] for row in chart_table(store, "framework-matrix", by="review").rows))
    scr = [r for r in reviews if re.fullmatch(r"scr-\d+-\d+", r)]
    assert scr == sorted(scr, key=lambda r: int(r.split("-")[1]))  # scr-1, scr-2, scr-12, not scr-1, scr-12, scr-2


@pytest.mark.parametrize("by", ["year", "area"])
def test_a_grouped_framework_matrix_counts_every_item_once(store, by):
    by_review = chart_table(store, "framework-matrix", by="review")
    grouped = chart_table(store, "framework-matrix", by=by)
    assert grouped.columns[0] == by and sum(r[3] for r in grouped.rows) == sum(r[3] for r in by_review.rows)
    assert len({r[0] for r in grouped.rows}) < len({r[0] for r in by_review.rows})


def test_top_reviews_and_a_large_corpus_grouped_by_year(store, monkeypatch):
    top = chart_table(store, "framework-matrix", by="review", top=3)
    assert len({r[0] for r in top.rows}) == 3
    from casegraph.viz import charts

    monkeypatch.setattr(charts, "MATRIX_REVIEWS", 5)
    assert chart_table(store, "framework-matrix").columns[0] == "year"


def test_charts_say_labels_not_codes(store, tmp_path):
    table = chart_table(store, "timeline", person="scr-49-2013/christine")
    details = " ".join(row[5] for row in table.rows)
    assert "Children's social care · Out-of-home placement" in details and "childrens-social-care" not in details
    svg = draw(table, tmp_path / "timeline.svg").read_text(encoding="utf-8")
    assert "undated event(s) not drawn" in svg and ">incident<" in svg and ">response<" in svg  # the legend
    harms = draw(chart_table(store, "harm-types"), tmp_path / "harms.svg").read_text(encoding="utf-8")
    assert "reviews" in harms and "incidents" in harms and "harm type" in harms  # two panels, axis titles


def test_the_cli_writes_the_whole_table_as_csv(corpus_path, tmp_path):
    from click.testing import CliRunner

    from casegraph.cli import main

    result = CliRunner().invoke(main, ["chart", "framework-matrix", "--by", "year", "--store", str(corpus_path),
                                       "-o", str(tmp_path / "m.png"), "--table", str(tmp_path / "m.csv")])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "m.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "review,primary node,node,items" and len(lines) > 10
    refused = CliRunner().invoke(main, ["chart", "harm-types", "--top", "3", "--store", str(corpus_path)])
    assert refused.exit_code == 2 and "--by and --top go with the framework-matrix chart" in refused.output


def test_the_escalation_chart_draws_lanes_and_missed_links(store, tmp_path):
    table = chart_table(store, "escalation", person="link-a-2019/mr-x")
    assert [name for _, name, _ in table.lanes][:1] == ["Mr X"] and len(table.missed) == 3
    svg = draw(table, tmp_path / "escalation.svg").read_text(encoding="utf-8")
    for text in ("Mr X (adult)", "Cara (young person)", "missed link", ">closure<"):
        assert text in svg
    with pytest.raises(VizError, match="needs a person"):
        chart_table(store, "escalation")


def test_many_missed_links_are_drawn_as_a_chain_along_each_lane(tmp_path):
    import itertools

    from casegraph.viz.charts import ChartTable

    rows = [[f"{2000 + i}", f"{2000 + i}-01-01", f"{2000 + i}-12-31", "incident", f"i{i}", "harm", "r", ["a"]]
            for i in range(13)]
    missed = [(f"i{x}", f"i{y}", "shared A") for x, y in itertools.combinations(range(13), 2)]  # 78 pairs
    table = ChartTable("escalation", "Escalation timeline of A", [], rows, [("a", "A", "young person")], missed)
    svg = draw(table, tmp_path / "chain.svg").read_text(encoding="utf-8")
    assert "missed link, between neighbours on a lane (78 in all)" in svg
    arcs = svg.count("stroke: #cc79a7")
    assert arcs == 12 + 1  # each incident to the next, and the legend's line
    few = ChartTable("escalation", "Escalation timeline of A", [], rows[:4], [("a", "A", "young person")],
                     [m for m in missed if m[0] in ("i0", "i1", "i2", "i3") and m[1] in ("i0", "i1", "i2", "i3")])
    svg = draw(few, tmp_path / "few.svg").read_text(encoding="utf-8")
    assert "missed link (shared someone, never linked)" in svg and svg.count("stroke: #cc79a7") == 6 + 1
