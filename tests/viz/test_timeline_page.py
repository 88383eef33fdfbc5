"""The escalation timeline page: offline like the network pages, every value escaped, the chart's
lanes and every event in it, and a browser that opens it makes no request."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.graph.store import ReviewStore
from casegraph.viz.charts import chart_table
from casegraph.viz.timeline_page import timeline_page


@pytest.fixture(scope="module")
def table(corpus_path):
    with ReviewStore.open(corpus_path) as store:
        return chart_table(store, "escalation", person="link-a-2019/mr-x")


def test_the_page_holds_the_chart_and_every_event(table, tmp_path):
    page = timeline_page(table, tmp_path / "t.html").read_text(encoding="utf-8")
    assert "<svg" in page and "<?xml" not in page and "Mr X (adult)" in page
    assert len(re.findall(r"<tr class=", page)) == len(table.rows)
    assert page.count(' missed"') == 3  # the three incidents Mr X shared that no one linked
    assert "Police · Disruption" in page and "link-b-2020" in page


def test_it_loads_nothing_and_escapes_what_reviews_say(table, tmp_path):
    import copy

    table = copy.deepcopy(table)
    table.rows[0][5] = "<script>alert(1)</script>"
    page = timeline_page(table, tmp_path / "t.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "default-src 'none'" in page
    assert not re.findall(r'(?:src|href)="(?!#|data:)', page)


def test_viz_timeline_writes_it_and_refuses_a_muddle(corpus_path, tmp_path):
    out = tmp_path / "x.html"
    result = CliRunner().invoke(main, ["viz", "--timeline", "--person", "link-a-2019/mr-x", "--store", str(corpus_path),
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Escalation timeline of Mr X" in out.read_text(encoding="utf-8")
    for args in (["--timeline"], ["--group", "link-a-2019/men"], ["--timeline", "--person", "link-a-2019/mr-x",
                                                                  "--group", "link-a-2019/men"]):
        refused = CliRunner().invoke(main, ["viz", *args, "--store", str(corpus_path), "-o", str(out)])
        assert refused.exit_code == 2


def test_a_browser_opens_it_offline_with_no_request(browser, table, tmp_path):
    path = timeline_page(table, tmp_path / "t.html")
    context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
    requests, errors = [], []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                  else (requests.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.resolve().as_uri())
    assert page.locator("svg").count() == 1 and page.locator("tbody tr").count() == len(table.rows)
    page.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)
    context.close()
    assert not requests and not errors
