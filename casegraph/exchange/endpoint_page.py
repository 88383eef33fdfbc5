"""What `casegraph serve` answers at ``/``: a query page for a browser, plain text for anything else.

The page is one self-contained HTML document (the template and its script and style in
``assets/``, inlined): a SPARQL editor, the saved questions of ``queries/library`` one click
away, and the answers as a table, true/false or text. It loads nothing from anywhere and sends
its queries to ``/sparql`` only. The Content-Security-Policy header allows exactly its own
script and style (by hash) and connections to this server; the saved questions travel as JSON
in a ``<script type="application/json">`` block, escaped so that no ``<``, ``>`` or ``&``
appears raw, and the page sets every value it shows as text, never as markup.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import re
from importlib import resources

from casegraph.exchange.endpoint_query import GRAPH_FORMATS, SOLUTION_FORMATS, ResultFormat, negotiate
from casegraph.graph.store import ONTOLOGY_GRAPH
from casegraph.linking.decisions import DECISIONS_GRAPH
from casegraph.ontology import PREFIXES, REVIEW
from casegraph.queries import saved_queries

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
# Plain text first, so that curl (Accept: */*) gets text; browsers name text/html and get the page.
_ROOT_FORMATS = (ResultFormat(TEXT, ("text/plain",), None), ResultFormat(HTML, ("text/html",), None))
_PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")
FIRST_QUERY = """\
# The stored reviews, newest first. Ctrl+Enter runs the query; the casegraph prefixes are predeclared.
SELECT ?review ?title ?year
WHERE { ?review a cg:Review ; rdfs:label ?title ; cg:publicationYear ?year }
ORDER BY DESC(?year) ?title
"""


def root_page(accept: str | None, endpoint: str, reviews: int, with_decisions: bool
              ) -> tuple[str, bytes, dict[str, str]]:
    """(content type, body, extra headers) for ``GET /``: the query page if the client asks for HTML."""
    chosen = negotiate(accept, _ROOT_FORMATS) or _ROOT_FORMATS[0]
    if chosen.content_type == HTML:
        page, policy = query_page(endpoint, summary(reviews, with_decisions))
        return HTML, page, {"Content-Security-Policy": policy, "Referrer-Policy": "no-referrer",
                            "X-Frame-Options": "DENY"}
    return TEXT, info_text(endpoint, reviews, with_decisions), {}


def summary(reviews: int, with_decisions: bool) -> str:
    decisions = "the analysts' decisions are served" if with_decisions else "the analysts' decisions are not served"
    return f"{reviews} review{'' if reviews == 1 else 's'} · read-only · {decisions}"


def query_page(endpoint: str, heading: str) -> tuple[bytes, str]:
    """(the page, its Content-Security-Policy); `heading` is the line under the title."""
    values, policy = _page_parts(endpoint)
    values = {**values, "summary": html.escape(heading)}
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], _asset("query-page.html")).encode(), policy


@functools.cache
def _page_parts(endpoint: str) -> tuple[dict[str, str], str]:
    script, style = _asset("query-page.js"), _asset("query-page.css")
    data = {"endpoint": endpoint, "first": FIRST_QUERY, "review": REVIEW, "prefixes": PREFIXES,
            "questions": saved_questions()}
    policy = (f"default-src 'none'; script-src '{_sha256(script)}'; style-src '{_sha256(style)}'; "
              "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    return {"script": script, "style": style, "data": safe_json(data)}, policy


def saved_questions() -> list[dict]:
    """The saved questions of the library as the page lists them: name, description, text, parameters."""
    return [{"name": q.name, "description": q.description, "text": q.text,
             "params": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                         "min": p.minimum, "max": p.maximum, "help": p.help} for p in q.params]}
            for q in saved_queries().values()]


def safe_json(value: object) -> str:
    """JSON that cannot end its <script> block or open markup, whatever the strings in it.

    >>> safe_json({"text": "</script><b>&"})
    '{"text":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def info_text(endpoint: str, reviews: int, with_decisions: bool) -> bytes:
    """The plain-text page: how to query this endpoint."""
    prefixes = " ".join(f"{p}:" for p in PREFIXES)
    decisions = (f"The analysts' decisions are served, in <{DECISIONS_GRAPH}>." if with_decisions else
                 f"The analysts' decisions (<{DECISIONS_GRAPH}>) are not served.")
    return (f"casegraph SPARQL 1.1 endpoint (read-only), {reviews} review(s)\n\n"
            f"Query at {endpoint} (open / in a browser for a query page):\n"
            f"  GET  {endpoint}?query=...\n"
            f"  POST {endpoint} with application/x-www-form-urlencoded (query=...)\n"
            f"  POST {endpoint} with application/sparql-query (the query as the body)\n"
            f"  GET  {endpoint} without a query: the service description (Turtle)\n\n"
            "The default graph is the union of the review graphs. Each review is also a named graph\n"
            f"(GRAPH ?g), next to the ontology and code lists in <{ONTOLOGY_GRAPH}>.\n{decisions}\n"
            "default-graph-uri and named-graph-uri choose other graphs, as the protocol says.\n"
            f"Predeclared prefixes: {prefixes}\n\n"
            "SELECT and ASK: " + ", ".join(f.accepted[0] for f in SOLUTION_FORMATS) + "\n"
            "CONSTRUCT and DESCRIBE: " + ", ".join(f.accepted[0] for f in GRAPH_FORMATS) + "\n"
            "(chosen by the Accept header). Updates, SERVICE and FROM are refused.\n").encode()


def _asset(name: str) -> str:
    return resources.files("casegraph.exchange").joinpath("assets", name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
