"""review/2's coding sections (what `casegraph import qdpx --out` writes): the project's codes,
documents with their text beside the file, and excerpts that must quote the text at their offsets."""
from __future__ import annotations

import shutil

import pytest

from casegraph.errors import ReviewFileError
from casegraph.loaders import load
from casegraph.ontology import CG, CODE
from tests.conftest import DATA

CODED = DATA / "qda" / "coded"


@pytest.fixture
def coded(tmp_path):
    for path in CODED.iterdir():
        shutil.copy(path, tmp_path / path.name)
    return tmp_path / "scr-child-r.yaml"


def problems(path) -> str:
    with pytest.raises(ReviewFileError) as caught:
        load(path)
    return str(caught.value)


def objects(review, subject_end: str, predicate: str) -> set[str]:
    return {q.object.value for q in review.quads
            if q.subject.value.endswith(subject_end) and q.predicate.value == predicate}


def test_an_excerpt_stands_for_what_its_project_codes_stand_for(coded):
    review = load(coded)
    assert objects(review, "/sel-1", CG + "codedAs") == {CODE + "framework/harm-peers"}
    assert objects(review, "/sel-1", CG + "harmType") == {CODE + "harm-type/sexual-exploitation"}
    assert objects(review, "/sel-2", CG + "codedAs") == set()  # "Quotes for report" stands for nothing
    assert objects(review, "/doc-1", CG + "plainText") == {(CODED / "scr-child-r.txt").read_text(encoding="utf-8")}
    assert objects(review, "/code-4", CG + "qdaGuid") == {"6d1e2f00-0000-4000-8000-000000000013"}


def test_a_quote_that_is_not_the_text_at_its_offsets_is_refused(coded):
    coded.write_text(coded.read_text().replace('quote: "met older peers', 'quote: "met older friends'))
    message = problems(coded)
    assert "excerpts[0].quote" in message and "'Peers'" in message and "'SCR Child R'" in message
    assert "edited after it was coded" in message


def test_an_edited_text_moves_the_passages_and_is_caught(coded):
    text = coded.with_name("scr-child-r.txt")
    text.write_text("A new first line.\n" + text.read_text(encoding="utf-8"), encoding="utf-8")
    assert "not the quote 'met older peers" in problems(coded)


def test_offsets_past_the_end_are_refused_not_clipped(coded):
    coded.write_text(coded.read_text().replace("end: 115", "end: 5000"))
    assert "runs from character 80 to 5,000, but the document has 117 characters" in problems(coded)


def test_a_missing_text_file_names_it(coded):
    coded.with_name("scr-child-r.txt").unlink()
    message = problems(coded)
    assert "documents[0].text_file" in message and "cannot read the document's text 'scr-child-r.txt'" in message


@pytest.mark.parametrize("change, expected", [
    ("text_file: scr-child-r.txt", "an absolute path"),
    ("text_file: scr-child-r.txt\n    text: x", "not both"),
])
def test_text_file_mistakes_are_explained(coded, change, expected):
    replacement = change.replace("scr-child-r.txt", "/etc/passwd") if expected == "an absolute path" else change
    coded.write_text(coded.read_text().replace("text_file: scr-child-r.txt", replacement))
    assert expected in problems(coded)


def test_a_text_file_that_is_not_utf8_is_refused(coded):
    coded.with_name("scr-child-r.txt").write_bytes(b"caf\xe9 met older peers")
    assert "is not UTF-8 text" in problems(coded)


def test_a_stands_for_outside_the_lists_is_refused(coded):
    coded.write_text(coded.read_text().replace("stands_for: framework/harm-peers", "stands_for: framework/peers"))
    assert "qda_codes[1].stands_for" in problems(coded)


def test_a_coding_must_name_a_project_code(coded):
    coded.write_text(coded.read_text().replace("- code: code-4", "- code: code-9"))
    assert "'code-9' is not the id of any item in qda_codes" in problems(coded)
