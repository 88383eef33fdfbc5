"""The draft page: the document's text with every proposal highlighted at its offsets, self-contained,
hostile text kept as text, the same bytes every time; and, in Chromium, a click shows a proposal."""
from __future__ import annotations

import copy
import json
import re
from html.parser import HTMLParser

import pytest
import yaml

from casegraph.viz.draft_page import SECTIONS, draft_page, page_starts, proposals, render_draft_page, safe_json
from tests.conftest import DATA

DRAFTING = DATA / "drafting"


@pytest.fixture(scope="module")
def draft() -> dict:
    return yaml.safe_load((DRAFTING / "draft-child-q.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def text() -> str:
    return (DRAFTING / "child-q.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(draft, text) -> str:
    return render_draft_page(draft, text)


class Marks(HTMLParser):
    """The text inside <main> (entities resolved), every <mark> with the proposals it names, and every tag."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.text, self.marks, self.tags = [], [], []
        self.in_main = self.in_mark = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "main":
            self.in_main = True
        elif tag == "mark" and self.in_main:
            self.in_mark = True
            self.marks.append([[int(n) for n in dict(attrs)["data-p"].split()], ""])

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        elif tag == "mark":
            self.in_mark = False

    def handle_data(self, data):
        if self.in_main:
            self.text.append(data)
            if self.in_mark:
                self.marks[-1][1] += data


def placed(draft: dict) -> list[dict]:
    """(section, item, start, end, quote) of every item whose evidence has offsets."""
    found = []
    for section in SECTIONS:
        items = draft.get(section) or []
        for item in [items] if isinstance(items, dict) else items:
            evidence = item if section == "excerpts" else item.get("evidence", {})
            if "start" in evidence:
                found.append({"section": section, "id": item["id"], "start": evidence["start"],
                              "end": evidence["end"], "quote": evidence["quote"]})
    return found


def marked(page: str) -> dict[int, str]:
    """Proposal number: the text of its marks joined, in page order."""
    joined: dict[int, str] = {}
    for numbers, words in Marks(page).marks:
        for n in numbers:
            joined[n] = joined.get(n, "") + words
    return joined


def test_the_text_is_whole_and_every_quote_is_marked_at_its_offsets(draft, text, page):
    parsed = Marks(page)
    assert "".join(parsed.text) == text  # the marks and anchors add no character to the text
    found = proposals(draft, text)
    assert len(found) == 16 and all(p["start"] is not None for p in found)
    joined = marked(page)
    expected = placed(draft)
    assert [(p["section"], p["id"]) for p in found] == [(e["section"], e["id"]) for e in expected]
    for p, e in zip(found, expected):
        assert joined[p["n"]] == text[e["start"]:e["end"]] == e["quote"], e


def test_overlapping_spans_cover_every_character(draft, text, page):
    found = {(p["section"], p["id"]): p["n"] for p in proposals(draft, text)}
    child_r, rel_1, group = found["people", "child-r"], found["relationships", "rel-1"], found["groups", "at-house-a"]
    covered = {child_r: set(), rel_1: set(), group: set()}
    offset = 0
    for part in re.split(r"(<mark [^>]*>.*?</mark>)", page.split('<main', 1)[1].split(">", 1)[1].split("</main>")[0],
                         flags=re.S):
        mark = re.match(r'<mark [^>]*data-p="([^"]*)"[^>]*>(.*?)</mark>', part, re.S)
        inner = Marks(f"<main>{part}</main>").text
        length = len("".join(inner))
        if mark:
            for n in map(int, mark.group(1).split()):
                covered.setdefault(n, set()).update(range(offset, offset + length))
        offset += length
    assert offset == len(text)
    assert covered[child_r] == covered[rel_1] == set(range(337, 362))
    assert covered[group] == set(range(355, 362))
    # the shortest span colours the stretch it shares; an outer one of another section underlines it
    assert re.search(rf'<mark class="m s-groups low u-relationships" data-p="{group} {child_r} {rel_1}"', page)


def test_the_page_fetches_nothing(page):
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "http" not in page.replace('http-equiv="Content-Security-Policy"', "")
    for tag, attrs in Marks(page).tags:
        assert not {"src", "href"} & set(attrs) or all(not v or v.startswith("#") for k, v in attrs.items()
                                                       if k in ("src", "href")), (tag, attrs)
        assert tag not in ("link", "img", "iframe", "object", "embed")


def test_header_counts_and_instruction(page):
    assert "Serious Case Review: Child Q" in page and "child-q.txt" in page
    assert "16 proposals, 1 confirmed, 15 still proposed, 1 with low confidence" in page
    assert "Confirm an item by deleting its <code>status: proposed</code> line" in page
    assert "<code>casegraph load</code>" in page
    assert '<span class="swatch sw-people"></span>people <span class="count">3</span>' in page


def test_hostile_text_and_values_stay_text(draft, tmp_path):
    hostile = copy.deepcopy(draft)
    evil = '<script>window.__pwned=1</script><a href="https://evil.example/">x</a>'
    text = f"{evil} Child Q & </main> met Mr A.\n"
    start = text.index("Child Q")
    hostile["people"] = [{"id": "child-q", "role": "young-person", "name": '<img src=x onerror="alert(1)">',
                          "status": "proposed", "confidence": 0.4,
                          "evidence": {"quote": "Child Q", "document": "text", "start": start, "end": start + 7}}]
    hostile["review"]["title"] = "</title><script>alert(2)</script>"
    del hostile["review"]["evidence"]  # its offsets would cut the hostile text into marks
    page = render_draft_page(hostile, text)
    assert "<script>window.__pwned" not in page and "<img src=x" not in page and "</title><script>" not in page
    assert '<a href="https' not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "".join(Marks(page).text) == text  # "</main>" in the text did not end the text
    data = re.search(r'<script type="application/json" id="draft-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in data and ">" not in data
    assert json.loads(data)["proposals"][1]["label"] == '<img src=x onerror="alert(1)">'
    assert page.count("<script") == 2  # the data block and the page's own script, nothing from the text
    assert safe_json("</script>&") == '"\\u003c/script\\u003e\\u0026"'


def test_the_same_draft_gives_the_same_bytes(draft, text, tmp_path):
    first = draft_page(draft, text, tmp_path / "one.html").read_bytes()
    second = draft_page(copy.deepcopy(draft), text, tmp_path / "two.html").read_bytes()
    assert first == second and first.decode("utf-8") == render_draft_page(draft, text)


def test_excerpts_pages_and_proposals_without_offsets(draft, text):
    coded = copy.deepcopy(draft)
    coded["qda_codes"] = [{"id": "code-1", "name": "Missing from home", "description": "went missing"}]
    start = text.index("she first went missing")
    coded["excerpts"] = [{"id": "sel-1", "document": "text", "start": start, "end": start + 22,
                          "quote": "she first went missing", "codings": [{"code": "code-1"}],
                          "status": "proposed", "confidence": 0.7}]
    coded["responses"][1]["evidence"] = {"quote": "The case was closed", "page": 2}  # no offsets
    coded["recommendations"][0]["evidence"]["page"] = 2
    coded["people"][0]["evidence"]["quote"] = "Child Q was 15"  # not the text at its offsets
    found = proposals(coded, text)
    excerpt = next(p for p in found if p["section"] == "excerpts")
    assert excerpt["label"] == "Missing from home (code-1)" and ["codes", "Missing from home (code-1)"] in excerpt["fields"]
    closed = next(p for p in found if p["id"] == "resp-2")
    assert closed["start"] is None and closed["notes"] == ["no position in this text"]
    assert next(p for p in found if p["id"] == "child-q")["notes"] == ["the quote is not the text at its offsets"]
    assert page_starts(found, text) == {text.index("Recommendation 1"): 2}
    page = render_draft_page(coded, text, title="My draft")
    assert "<h1>Draft: My draft</h1>" in page and '<span class="page-start" data-page="2"' in page
    assert marked(page)[excerpt["n"]] == "she first went missing"
    assert "(not in the text)" in page
    assert "".join(Marks(page).text) == text


def test_clicking_a_highlight_shows_its_proposal(open_page, draft, text, tmp_path):
    opened = open_page(draft_page(draft, text, tmp_path / "draft.html"))
    page = opened.page
    page.click("mark.s-places >> text=Snapchat")
    details = page.inner_text("#details")
    assert "snapchat" in details and "online-space" in details and "0.90" in details and "proposed" in details
    assert opened.page.evaluate("() => window.casegraph.shown()") == ["snapchat"]
    page.click("mark.s-groups")  # three proposals share "Child R"
    assert opened.page.evaluate("() => window.casegraph.shown()") == ["at-house-a", "child-r", "rel-1"]
    assert "low confidence" in page.inner_text("#details")
    page.click("#proposals a.item >> text=Northdale Academy")
    assert "school" in page.inner_text("#details")
    assert page.evaluate("() => document.querySelectorAll('mark.selected').length") == 1
    page.screenshot(path=str(tmp_path / "draft.png"))
    assert (tmp_path / "draft.png").stat().st_size > 10_000
    assert not opened.requests and not opened.errors, (opened.requests, opened.errors)
