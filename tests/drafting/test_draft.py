"""casegraph draft end to end: a review's text becomes a draft whose every proposal quotes the words
it came from; negated and hypothetical sentences propose nothing; the draft loads only once
confirmed; a file that is not a document is one line and exit code 1, with nothing written."""
from __future__ import annotations

import re
import shutil

import pytest
import yaml
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.drafting import draft_document
from casegraph.graph.loading import load_paths
from tests.conftest import DATA, ROOT

TEXT = ROOT / "examples" / "documents" / "scr-child-q.txt"  # the README's example document


@pytest.fixture
def drafted(tmp_path):
    document = tmp_path / "child-q.txt"
    shutil.copy(TEXT, document)
    return draft_document(document, tmp_path / "child-q.draft.yaml")


def test_the_readme_document_is_the_one_the_hand_written_draft_quotes():
    assert TEXT.read_text(encoding="utf-8") == (DATA / "drafting" / "child-q.txt").read_text(encoding="utf-8")


def by_name(data: dict, section: str) -> dict:
    return {item.get("name", item["id"]): item for item in data.get(section, [])}


def test_people_places_incident_response_and_recommendation_are_proposed(drafted):
    data = drafted.data
    people = by_name(data, "people")
    assert people["Child Q"]["role"] == "young-person" and people["Child Q"]["gender"] == "female"
    assert people["Child Q"]["age"] == 14 and people["Mr A"]["role"] == "unconnected-adult"
    assert people["Mr A"]["gender"] == "male" and people["Child R"]["role"] == "peer"
    places = by_name(data, "places")
    assert {name: place["kind"] for name, place in places.items()} == {
        "Northdale Academy": "school", "House A": "private-address", "Snapchat": "online-space"}
    [incident] = data["incidents"]
    assert incident["harm_types"] == ["sexual-exploitation"] and incident["when"] == "June 2019"
    assert incident["victims"] == [people["Child Q"]["id"]] and incident["perpetrators"] == [people["Mr A"]["id"]]
    kinds = {response["kind"]: response for response in data["responses"]}
    assert kinds["strategy-meeting"]["agency"] == "childrens-social-care" and kinds["case-closure"]["when"] == "August 2019"
    [recommendation] = data["recommendations"]
    assert recommendation["level"] == "local" and recommendation["text"].startswith("The partnership should")
    review = data["review"]
    assert review["kind"] == "scr" and review["year"] == 2021 and review["published"] == "March 2021"
    assert review["partnership"] == "Northdale Safeguarding Children Partnership"


def test_every_proposal_quotes_the_text_at_its_offsets(drafted):
    text = drafted.text
    items = [drafted.data["review"]] + [item for name, items in drafted.data.items() if isinstance(items, list)
                                        and name not in ("documents", "qda_codes") for item in items]
    assert len(items) == drafted.proposals
    for item in items:
        assert item["status"] == "proposed" and 0 < item["confidence"] <= 1
        evidence = item.get("evidence", item)
        assert text[evidence["start"]:evidence["end"]] == evidence["quote"]


@pytest.mark.parametrize("sentence", [
    "There was no evidence that Child Q was sexually exploited by Mr B in 2018.",
    "Professionals considered whether Child Q might be at risk of criminal exploitation.",
    "Child Q's brother had previously been excluded and was criminally exploited in 2017.",
])
def test_negated_hypothetical_and_historical_statements_are_not_facts(tmp_path, sentence):
    document = tmp_path / "review.txt"
    document.write_text(f"Serious Case Review: Child Q\n\n{sentence}\n", encoding="utf-8")
    data = draft_document(document).data
    assert not data.get("incidents") and "harm_types" not in data["review"]
    assert not any(coding["code"].startswith("flag-") for excerpt in data.get("excerpts", [])
                   for coding in excerpt["codings"])


def test_the_cli_writes_a_draft_that_loads_once_confirmed(tmp_path):
    document = tmp_path / "scr-child-q.txt"
    shutil.copy(TEXT, document)
    out, page = tmp_path / "drafts" / "q.yaml", tmp_path / "q.html"
    result = CliRunner().invoke(main, ["draft", str(document), "-o", str(out), "--html", str(page)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "drafts" / "q.txt").read_text(encoding="utf-8") == TEXT.read_text(encoding="utf-8").rstrip()
    assert "<mark" in page.read_text(encoding="utf-8")
    assert load_paths([out], tmp_path / "store").failed  # every item still proposed
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    data["excerpts"] = []  # the analyst deletes the proposals they judge wrong ...
    text = yaml.safe_dump(data, sort_keys=False)
    confirmed = re.sub(r"\n *status: proposed", "", text)  # ... and confirms the rest
    out.write_text(confirmed, encoding="utf-8")
    report = load_paths([out], tmp_path / "store")
    assert not report.failed, report.failed[0].error


@pytest.mark.parametrize("content, phrase", [
    (b"", "is empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG"),
    (b"%PDF-1.4\n% truncated", "PDF"),
])
def test_a_file_that_is_not_a_document_is_one_line_and_exit_1_with_nothing_written(tmp_path, content, phrase):
    document = tmp_path / "thing.pdf"
    document.write_bytes(content)
    result = CliRunner().invoke(main, ["draft", str(document)])
    assert result.exit_code == 1 and phrase in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thing.pdf"]


def test_a_paragraph_wrapped_over_lines_reads_as_one(tmp_path):
    """PDF text keeps a paragraph's line breaks; a sentence broken over two lines is still one."""
    document = tmp_path / "wrapped.txt"
    document.write_text("Serious Case Review: Child Q\n\nIn June 2019 Child Q was sexually exploited by an older\n"
                        "man, Mr A, at House A. Children's social care held a strategy\nmeeting in July 2019.\n\n"
                        "Recommendations\n\n1. The partnership should make sure that its records can\nshow links "
                        "between young people and places.\n2. The Department for Education should act.\n",
                        encoding="utf-8")
    data = draft_document(document).data
    [incident] = data["incidents"]
    assert by_name(data, "people")["Mr A"]["id"] in incident["perpetrators"] and incident["when"] == "June 2019"
    assert [r["kind"] for r in data["responses"]] == ["strategy-meeting"]
    first, second = data["recommendations"]
    assert first["text"].endswith("between young people and places.") and first["level"] == "local"
    assert second["level"] == "national"
    assert first["evidence"]["quote"] == drafted_text(document, first)


def drafted_text(document, item) -> str:
    from casegraph.drafting.extract import extract

    evidence = item["evidence"]
    return extract(document).text[evidence["start"]:evidence["end"]]


def test_lexicons_come_from_the_ontology():
    from casegraph.drafting.lexicon import lexicon

    terms = {(term.phrase.casefold(), term.list, term.code) for term in lexicon().terms}
    assert ("cse", "harm-type", "sexual-exploitation") in terms  # an altLabel
    assert ("county lines", "harm-type", "county-lines") in terms  # a hiddenLabel
    assert ("section 47", "response-kind", "child-protection-enquiry") in terms
    assert ("mash", "agency", "childrens-social-care") in terms
    assert ("went missing", "flag", "missing") in terms


def test_the_named_author_is_a_reviewer_and_the_reviews_author(tmp_path):
    document = tmp_path / "authored.txt"
    document.write_text("Child Safeguarding Practice Review: Child Q\nNorthdale Safeguarding Children Partnership\n"
                        "Independent reviewer: Jane Smith\nPublished: March 2021\n\nChild Q was 14.\n", encoding="utf-8")
    data = draft_document(document).data
    assert data["review"]["kind"] == "cspr" and data["review"]["authors"] == ["jane-smith"]
    assert by_name(data, "people")["Jane Smith"]["role"] == "reviewer"


def test_looked_after_ethnicity_as_worded_and_outcome(tmp_path):
    document = tmp_path / "outcome.txt"
    document.write_text("Serious Case Review: Child Q\n\nChild Q is of White British heritage.\n"
                        "Child Q became looked after in March 2018.\n"
                        "In May 2019 Child Q was fatally stabbed by Adult B at Kingsway Park.\n"
                        "There was no evidence that Child R was in care.\n", encoding="utf-8")
    people = by_name(draft_document(document).data, "people")
    child = people["Child Q"]
    assert child["looked_after"] is True and child["ethnicity"] == "White British"
    assert child["ethnicity_code"] == "white-british"
    assert child["outcome"]["kind"] == "died" and child["outcome"]["when"] == "May 2019"
    assert child["outcome"]["harm_types"] == ["serious-youth-violence"]
    assert "looked_after" not in people["Child R"]  # a negated sentence says nothing of her


@pytest.mark.parametrize("kind", ["docx", "html"])
def test_a_docx_or_html_review_drafts_as_its_text_does(tmp_path, kind):
    lines = TEXT.read_text(encoding="utf-8").split("\n")
    document = tmp_path / f"review.{kind}"
    if kind == "docx":
        import docx

        word = docx.Document()
        for line in lines:
            word.add_paragraph(line)
        word.save(document)
    else:
        document.write_text("<html><head><title>Serious Case Review: Child Q</title><script>alert(1)</script>"
                            "</head><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>",
                            encoding="utf-8")
    plain = tmp_path / "review.txt"
    shutil.copy(TEXT, plain)
    assert draft_document(document).counts() == draft_document(plain).counts()
    assert "alert" not in draft_document(document).text
