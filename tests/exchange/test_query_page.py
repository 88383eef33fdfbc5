"""The query page of `casegraph serve` in headless Chromium (Debian's, driven by Playwright, as the
viz tests do): saved questions load and run, answers appear as a table, true/false or text, errors
show the endpoint's message, values stay text, and the page asks nothing of any other origin."""
from __future__ import annotations

import json
import os
import urllib.parse
from pathlib import Path

import pytest

from casegraph.exchange.endpoint_page import safe_json
from casegraph.queries import saved_queries
from tests.exchange import test_endpoint

example_store = test_endpoint.example_store  # the examples, with a decisions graph that must stay hidden
SCREENSHOT = Path(os.environ.get("CASEGRAPH_QUERY_PAGE_SCREENSHOT", "/tmp/query-page.png"))


@pytest.fixture(scope="module")
def server(example_store):
    with test_endpoint.running(example_store) as started:
        yield started


class QueryPage:
    """The page at / of a running server; every request it makes is recorded, console errors kept."""

    def __init__(self, browser, server, fragment: str = ""):
        self.origin = server.url.removesuffix("/sparql")
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda m: self.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        response = self.page.goto(f"{self.origin}/{fragment}")
        assert response.status == 200 and response.headers["content-type"] == "text/html; charset=utf-8"
        self.policy = response.headers["content-security-policy"]
        self.page.wait_for_selector("#questions button")

    def run(self) -> None:
        answered = self.page.evaluate("() => window.casegraphQueryPage.answered()")
        self.page.click("#run")
        self.page.wait_for_function(f"() => window.casegraphQueryPage.answered() > {answered}")

    def cells(self) -> list[list[str]]:
        return self.page.eval_on_selector_all(
            "#results tbody tr", "rows => rows.map(r => [...r.cells].slice(1).map(c => c.textContent))")

    def headers(self) -> list[str]:
        return self.page.eval_on_selector_all("#results thead th", "cells => cells.map(c => c.textContent)")

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not (url == self.origin or url.startswith(self.origin + "/"))]


@pytest.fixture
def query_page(browser, server):
    opened = []

    def opener(fragment: str = "") -> QueryPage:
        opened.append(QueryPage(browser, server, fragment))
        return opened[-1]

    yield opener
    for page in opened:
        assert not page.foreign_requests(), page.foreign_requests()
        assert not page.errors, page.errors
        page.context.close()


def test_a_saved_question_runs_and_fills_the_table(query_page):
    opened = query_page()
    page = opened.page
    assert page.eval_on_selector_all("#questions .name", "names => names.map(n => n.textContent)") == list(
        saved_queries())
    page.click('#questions button[data-name="reviews-per-year"]')
    saved = saved_queries()["reviews-per-year"]
    assert page.input_value("#query") == saved.text
    assert page.inner_text("#question-title") == "reviews-per-year"
    assert page.inner_text("#question-description") == saved.description
    opened.run()
    assert opened.headers() == ["#", "?year", "?reviews"]
    rows = opened.cells()
    assert rows and sum(int(reviews) for _, reviews in rows) == 23
    assert [year for year, _ in rows] == sorted(year for year, _ in rows)
    assert page.inner_text("#status").startswith(f"{len(rows)} rows")
    page.screenshot(path=str(SCREENSHOT), full_page=False)
    sparql = [url for url in opened.requests if url.startswith(opened.origin + "/sparql")]
    assert sparql == [f"{opened.origin}/sparql"]  # one POST, nothing in the URL


def test_the_first_query_runs_with_ctrl_enter(query_page):
    opened = query_page()
    page = opened.page
    assert "cg:Review" in page.input_value("#query")
    page.focus("#query")
    answered = page.evaluate("() => window.casegraphQueryPage.answered()")
    page.keyboard.press("Control+Enter")
    page.wait_for_function(f"() => window.casegraphQueryPage.answered() > {answered}")
    assert opened.headers() == ["#", "?review", "?title", "?year"]
    assert len(opened.cells()) == 23
    assert "review:scr-30-2016" in [row[0] for row in opened.cells()]  # IRIs shown with their prefix


def test_a_question_with_parameters_binds_them(query_page):
    opened = query_page("#within-hops-of-person")  # a link to a question loads it
    page = opened.page
    assert page.inner_text("#question-title") == "within-hops-of-person"
    opened.run()  # the person is required
    assert "person needs a value" in page.inner_text("#error")
    page.fill('#params input[name="person"]', "scr-30-2016/child-m")
    page.fill('#params input[name="hops"]', "1")
    opened.run()
    assert page.is_hidden("#error")
    rows = opened.cells()
    assert rows and {row[0] for row in rows} == {"review:scr-30-2016/child-m"}


@pytest.mark.parametrize(("query", "shown"), [
    ("ASK { ?r a cg:Review }", "true"),
    ('CONSTRUCT { <https://w3id.org/casegraph/review/scr-30-2016> rdfs:label ?l } WHERE '
     '{ <https://w3id.org/casegraph/review/scr-30-2016> rdfs:label ?l }', 'rdfs:label "SCR 30 (2016): Child M"'),
], ids=["ask", "construct"])
def test_ask_and_construct_answers(query_page, query, shown):
    opened = query_page()
    opened.page.fill("#query", query)
    opened.run()
    assert shown in opened.page.inner_text("#results")


@pytest.mark.parametrize(("query", "message"), [
    ("SELECT ?s WHERE { ?s ?p }", "SPARQL syntax error"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "SPARQL syntax error"),  # a query, not an update
], ids=["syntax", "service", "update"])
def test_errors_show_the_endpoints_message(query_page, query, message):
    opened = query_page()
    opened.page.fill("#query", query)
    opened.run()
    error = opened.page.inner_text("#error")
    assert error.startswith("400") and message in error
    opened.errors = [e for e in opened.errors if "400" not in e]  # the browser logs the failed fetch


def test_values_are_shown_as_text(query_page):
    markup = '<img src=x onerror="window.hacked=1"><b>bold</b>'
    opened = query_page()
    opened.page.fill("#query", f"SELECT ?x ?iri WHERE {{ BIND({json.dumps(markup)} AS ?x) "
                     "BIND(IRI('urn:x:%3Cscript%3E') AS ?iri) }")
    opened.run()
    assert opened.cells() == [[markup, "<urn:x:%3Cscript%3E>"]]
    assert opened.page.eval_on_selector_all("#results td img, #results td b", "found => found.length") == 0
    assert opened.page.evaluate("() => window.hacked") is None


def test_the_page_is_locked_down(query_page):
    policy = query_page().policy
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy and "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize(("headers", "status"), [
    ({"Host": "attacker.example:{port}"}, 403),
    ({"Host": "127.0.0.1:{port}", "Origin": "http://attacker.example"}, 403),
    ({"Host": "127.0.0.1:{port}", "Sec-Fetch-Site": "cross-site"}, 403),
    ({"Host": "127.0.0.1:{port}", "Accept": "text/html"}, 200),
], ids=["rebound", "cross-origin", "cross-site", "ours"])
def test_the_page_is_refused_to_other_sites(server, headers, status):
    port = server.server_address[1]
    answer = test_endpoint.with_headers(server, {k: v.format(port=port) for k, v in headers.items()}, path="/")
    assert answer[0] == status


def test_the_saved_questions_cannot_break_out_of_their_script_block():
    text = safe_json([{"text": "</script><script>alert(1)</script>", "more": "&amp; \u2028"}])
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == [{"text": "</script><script>alert(1)</script>", "more": "&amp; \u2028"}]


def test_a_post_to_the_page_is_refused(server):
    data = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    assert test_endpoint.fetch(server, path="/", data=data, content_type="application/x-www-form-urlencoded")[0] == 405
