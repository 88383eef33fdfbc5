"""Text extraction for `casegraph draft`: every fixture document is built here, with fpdf2,
python-docx, zipfile or plain bytes, so the tests say exactly what each file holds."""
from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casegraph.drafting import extract_docx, extract_pdf
from casegraph.drafting import extract as extract_module
from casegraph.drafting.extract import ExtractedText, extract, normalise
from casegraph.errors import DocumentError


def make_pdf(path: Path, pages: list[str], title: str = "") -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def refused(path: Path | str, phrase: str) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        extract(path)
    message = str(caught.value)
    assert phrase in message
    assert "\n" not in message and message.startswith(str(path))
    return caught.value


PAGE_ONE = ("The child was known to children's social care from 2015.\n"
            "Concerns about criminal exploitation were first raised at school.\n\n"
            "A second paragraph follows after a blank line, describing the strategy meeting.")
PAGE_TWO = "On the second page: the county lines network and the missing episodes of the young person."
PAGE_THREE = "The third page holds the learning for the safeguarding partnership and its agencies."


@pytest.fixture
def three_pages(tmp_path) -> Path:
    return make_pdf(tmp_path / "review.pdf", [PAGE_ONE, PAGE_TWO, PAGE_THREE], title="Child Q  review")


# PDF

def test_pdf_text_pages_and_title(three_pages):
    got = extract(three_pages)
    assert got.kind == "pdf" and got.pages == 3 and got.page_starts[0] == 0
    assert got.title == "Child Q review"
    for number, sentence in enumerate(["criminal exploitation", "county lines network", "safeguarding partnership"], 1):
        start = got.text.index(sentence)
        assert got.page_of(start) == number and got.page_of(start + len(sentence) - 1) == number
    for number, start in enumerate(got.page_starts, 1):
        assert got.page_of(start) == number
        assert got.text[start:start + 3] == [PAGE_ONE, PAGE_TWO, PAGE_THREE][number - 1][:3]
    assert got.text[got.page_starts[1] - 2:got.page_starts[1]] == "\n\n"
    assert got.page_of(len(got.text)) == 3
    with pytest.raises(ValueError):
        got.page_of(-1)


def test_pdf_blank_page_keeps_the_pages_after_it_right(tmp_path):
    got = extract(make_pdf(tmp_path / "gap.pdf", [PAGE_ONE, "", PAGE_THREE]))
    assert got.pages == 3
    assert got.page_of(got.text.index("safeguarding partnership")) == 3
    assert got.page_of(got.text.index("strategy meeting")) == 1


def test_pdf_lines_and_paragraphs(three_pages):
    page_one = extract(three_pages).text.split("\n\n")
    assert page_one[0] == ("The child was known to children's social care from 2015.\n"
                           "Concerns about criminal exploitation were first raised at school.")
    assert page_one[1] == "A second paragraph follows after a blank line, describing the strategy meeting."
    assert "\r" not in extract(three_pages).text


def test_pdf_extraction_is_deterministic(three_pages):
    assert extract(three_pages) == extract(three_pages)
    assert extract(str(three_pages)).text == extract(three_pages).text


def test_pdf_hyphenation_joined_only_between_lowercase_letters(tmp_path):
    text = ("Evidence of sexual exploita-\ntion was found in the records of the case.\n"
            "The family moved to Jean-\nPaul's house during 2019-\n2020 and the review notes it.")
    got = extract(make_pdf(tmp_path / "h.pdf", [text])).text
    assert "sexual exploitation was found" in got
    assert "Jean-\nPaul's house" in got
    assert "2019-\n2020" in got
    assert "\ufffe" not in got and "\x02" not in got


def test_join_hyphenation_on_plain_line_ends():
    assert extract_pdf.join_hyphenation("exploita-\ntion") == "exploitation"
    assert extract_pdf.join_hyphenation("exploita\ufffetion") == "exploitation"
    assert extract_pdf.join_hyphenation("Jean\ufffePaul") == "Jean-\nPaul"
    assert extract_pdf.join_hyphenation("self-\nNeglect and A-\nb") == "self-\nNeglect and A-\nb"
    assert extract_pdf.join_hyphenation("well - \nknown") == "well - \nknown"


def test_pdf_chosen_by_content_not_suffix(three_pages, tmp_path):
    renamed = tmp_path / "review.txt"
    renamed.write_bytes(three_pages.read_bytes())
    assert extract(renamed).kind == "pdf"


def test_encrypted_pdf_is_refused(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="user")
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 6, PAGE_TWO)
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    refused(path, "is password-protected: save an unprotected copy")


def test_image_only_pdf_has_no_text_layer(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.set_fill_color(40, 40, 40)
        pdf.rect(20, 20, 150, 200, style="F")
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    refused(path, "has no text layer (a scanned PDF?): run OCR on it first, e.g. ocrmypdf")


def test_a_page_number_alone_is_not_a_text_layer(tmp_path):
    refused(make_pdf(tmp_path / "scan.pdf", ["1", "2", "3"]), "has no text layer")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.97])
def test_damaged_pdf_is_refused(three_pages, tmp_path, keep):
    data = three_pages.read_bytes()
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(data[:int(len(data) * keep)])
    refused(damaged, "damaged PDF")


def test_too_many_pages(three_pages, monkeypatch):
    monkeypatch.setattr(extract_pdf, "MAX_PAGES", 2)
    refused(three_pages, "has 3 pages, more than the 2")


# DOCX

def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = "Rapid Review: Child R"
    document.add_heading("Background", level=1)
    document.add_paragraph("Child R lived with\u00a0her mother and attended primary school.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Agency"
    table.cell(0, 1).text = "Contact"
    table.cell(1, 0).text = "Police"
    table.cell(1, 1).text = "Missing episode reported"
    table.cell(1, 1).add_paragraph("Second cell paragraph")
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 2)).text = "Merged across the row"
    document.add_paragraph("")
    document.add_paragraph("Learning: the partnership should share information earlier.")
    document.save(str(path))
    return path


def test_docx_paragraphs_in_body_order_with_tables(tmp_path):
    got = extract(make_docx(tmp_path / "review.docx"))
    assert got.kind == "docx" and got.pages == 1 and got.page_starts == (0,)
    assert got.title == "Rapid Review: Child R"
    assert got.text.split("\n\n") == [
        "Background", "Child R lived with her mother and attended primary school.",
        "Agency", "Contact", "Police", "Missing episode reported", "Second cell paragraph",
        "Merged across the row", "Learning: the partnership should share information earlier."]
    assert got == extract(tmp_path / "review.docx")


def test_docx_chosen_by_content(tmp_path):
    renamed = tmp_path / "review.bin"
    renamed.write_bytes(make_docx(tmp_path / "review.docx").read_bytes())
    assert extract(renamed).kind == "docx"


def test_zip_bomb_disguised_as_docx(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/image1.bin", "w", force_zip64=True) as member:
            chunk = bytes(2**20)
            for _ in range(300):
                member.write(chunk)
    refused(path, "a zip bomb disguised as DOCX?")


@pytest.mark.parametrize("limit, size", [("MAX_MEMBER_BYTES", 800), ("MAX_TOTAL_BYTES", 1500)])
def test_zip_size_limits(tmp_path, monkeypatch, limit, size):
    monkeypatch.setattr(extract_docx, limit, size)
    path = tmp_path / "big.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("word/document.xml", "x" * 900)
        archive.writestr("word/other.xml", "y" * 900)
    refused(path, "zip bomb")


def test_compression_ratio_limit(tmp_path):
    path = tmp_path / "ratio.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", bytes(2 * 2**20))
    refused(path, "zip bomb disguised as DOCX")


def test_zip_without_word_document(tmp_path):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    refused(path, "not a Word document")
    refused(path, "not a document casegraph can read")


@pytest.mark.parametrize("content", [b"Just some text, not a zip at all.", b"PK\x03\x04 broken zip header"])
def test_docx_that_is_not_a_zip(tmp_path, content):
    path = tmp_path / "review.docx"
    path.write_bytes(content)
    refused(path, "not a Word document")


def test_damaged_docx(tmp_path):
    path = tmp_path / "review.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<not xml")
    refused(path, "damaged Word document")


# HTML

HTML = """<!DOCTYPE html><html><head><meta charset="windows-1252"><title>Child  S &amp; family</title>
<style>p { color: red }</style><script>var hidden = "script text";</script></head>
<body><noscript>Enable scripts</noscript><template><p>template text</p></template>
<h1>Local Child Safeguarding Practice Review</h1>
<p>The review found   that \u201cprofessionals\u201d
   did not share&nbsp;information &lt;early&gt; &#8212; a key&#x20;finding.</p>
<div>Line one<br>Line two</div><table><tr><td>Police</td><td>Referral</td></tr></table>
<ul><li>First item</li><li>Second item</li></ul><pre>keep
  these lines</pre></body></html>"""


def test_html_visible_text_in_paragraphs(tmp_path):
    path = tmp_path / "review.html"
    path.write_bytes(HTML.encode("cp1252"))
    got = extract(path)
    assert got.kind == "html" and got.pages == 1 and got.title == "Child S & family"
    assert got.text.split("\n\n") == [
        "Local Child Safeguarding Practice Review",
        "The review found that \u201cprofessionals\u201d did not share information <early> \u2014 a key finding.",
        "Line one", "Line two", "Police Referral", "First item", "Second item", "keep\nthese lines"]
    for hidden in ["script text", "color", "Enable scripts", "template text", "S & family"]:
        assert hidden not in got.text
    assert extract(path) == got


def test_html_declared_charset_wins_over_utf8(tmp_path):
    path = tmp_path / "review.htm"
    path.write_bytes(b"<html><head><meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'>"
                     b"</head><body><p>\xc3\xa9 and \x93quoted\x94</p></body></html>")
    assert extract(path).text == "\u00c3\u00a9 and \u201cquoted\u201d"


def test_html_utf8_and_sniffed_without_suffix(tmp_path):
    path = tmp_path / "page"
    path.write_bytes("\ufeff<html><body><p>Caf\u00e9 r\u00e9sum\u00e9 \u2013 ok</p></body></html>".encode("utf-8"))
    got = extract(path)
    assert got.kind == "html" and got.text == "Caf\u00e9 r\u00e9sum\u00e9 \u2013 ok"


def test_html_with_no_visible_text(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>T</title><script>x()</script></head><body></body></html>")
    refused(path, "has no text in it")


# Plain text

def test_text_with_bom_crlf_and_normalisation(tmp_path):
    path = tmp_path / "review.txt"
    raw = ("First line   \r\nsecond\u00a0line with a so\u00adft hyphen and the \ufb01nal \ufb02ow\r\n\r\n\r\n\r\n"
           "Cafe\u0301 paragraph two\t \r\n")
    path.write_bytes(b"\xef\xbb\xbf" + raw.encode("utf-8"))
    got = extract(path)
    assert got.kind == "text" and got.page_starts == (0,)
    assert got.text == ("First line\nsecond line with a soft hyphen and the final flow\n\n"
                        "Caf\u00e9 paragraph two")


def test_text_cp1252_fallback(tmp_path):
    path = tmp_path / "review.txt"
    path.write_bytes("The \u201cneglect\u201d was chronic \u2013 said the r\u00e9view.".encode("cp1252"))
    assert extract(path).text == "The \u201cneglect\u201d was chronic \u2013 said the r\u00e9view."


def test_text_form_feeds_are_page_breaks(tmp_path):
    path = tmp_path / "review.md"
    path.write_text("# Page one\n\nintro text\n\fsecond page words\n\f\nthird page words\n", encoding="utf-8")
    got = extract(path)
    assert got.pages == 3 and "\f" not in got.text
    assert got.text == "# Page one\n\nintro text\n\nsecond page words\n\nthird page words"
    assert got.page_of(got.text.index("second")) == 2
    assert got.page_of(got.text.index("third")) == 3
    assert got.page_of(got.text.index("intro")) == 1


def test_ligatures_other_than_ff_fi_fl_are_kept():
    assert normalise("\ufb01 \u2460 x\u00b2") == "fi \u2460 x\u00b2"


# Not documents

@pytest.mark.parametrize("name, content, phrase", [
    ("empty.txt", b"", "is empty: nothing to draft"),
    ("blank.txt", b" \n\t\r\n  ", "is empty: nothing to draft"),
    ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "it looks like a PNG image"),
    ("program", b"\x7fELF\x02\x01\x01" + bytes(64), "it looks like an ELF program"),
    ("data.txt", b"some text\x00\x01\x02 more", "it looks like binary data"),
    ("late-nul.txt", b"a" * 5000 + b"\x00", "it looks like binary data"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "old Office file"),
    ("fake.pdf", b"<html><body>Access denied</body></html>", "is named .pdf but is not a PDF: it looks like HTML"),
])
def test_not_a_document(tmp_path, name, content, phrase):
    path = tmp_path / name
    path.write_bytes(content)
    refused(path, phrase)


def test_missing_file_and_directory(tmp_path):
    refused(tmp_path / "nowhere.pdf", "does not exist")
    refused(tmp_path, "is a directory, not a document")
    if Path("/dev/null").exists():
        refused("/dev/null", "is not a regular file")


def test_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(extract_module, "MAX_BYTES", 10)
    path = tmp_path / "big.txt"
    path.write_text("x" * 2**20)
    refused(path, "more than the 0 MB")


def test_document_error_travels_between_processes(tmp_path):
    error = refused(tmp_path / "nowhere.txt", "does not exist")
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


# Properties

words = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x2FF, exclude_characters="\x7f\xad"),
                min_size=1, max_size=12)
pages = st.lists(st.lists(st.lists(words, min_size=1, max_size=6), min_size=1, max_size=4), min_size=1, max_size=5)


@settings(max_examples=40, deadline=None)
@given(pages)
def test_text_pages_round_trip(tmp_path_factory, document):
    path = tmp_path_factory.mktemp("prop") / "doc.txt"
    page_texts = ["\n\n".join(" ".join(paragraph) for paragraph in page) for page in document]
    path.write_bytes("\f".join(page_texts).encode("utf-8"))
    got = extract(path)
    assert isinstance(got, ExtractedText) and got.pages == len(document)
    for number, (start, text) in enumerate(zip(got.page_starts, page_texts), 1):
        expected = normalise(text)
        assert got.text[start:start + len(expected)] == expected
        assert all(got.page_of(offset) == number for offset in range(start, start + len(expected)))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once
    assert "\r" not in once and "\u00a0" not in once and "\n\n\n" not in once
