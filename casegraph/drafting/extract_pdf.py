"""A PDF's text, page by page, read with pdfium: line ends made "\\n", paragraph breaks (a blank
line) put back where the lines' baselines leave a wider gap than the page's usual line spacing, and
a word hyphenated across a line end joined back together."""
from __future__ import annotations

import re
from pathlib import Path

from casegraph.errors import DocumentError

MAX_PAGES = 2000
MIN_CHARS_PER_PAGE = 20  # fewer non-space characters than this per page on average: no text layer
PARAGRAPH_GAP = 1.4  # a baseline gap this many times the page's median line spacing starts a paragraph

# pdfium drops the line break after a hyphen it takes for a soft one and marks the hyphen itself:
# U+FFFE from FPDFText_GetText, U+0002 from FPDFText_GetBoundedText.
_HYPHEN_MARK = re.compile("[\ufffe\x02]")
_LINE_BREAK = re.compile("(\r\n|[\ufffe\x02])")
_LINE_END_HYPHEN = re.compile(r"(?<=\w)-\n(?=\w)")


def _both_lowercase(text: str, at: int, after: int) -> bool:
    before, following = text[at - 1:at], text[after:after + 1]
    return before.isalpha() and before.islower() and following.isalpha() and following.islower()


def join_hyphenation(text: str) -> str:
    """Join "exploita-\\ntion" (or pdfium's marked hyphen) into one word when both sides are
    lowercase letters; any other marked hyphen goes back to a hyphen at a line end."""
    text = _HYPHEN_MARK.sub(lambda m: "" if _both_lowercase(m.string, m.start(), m.end()) else "-\n", text)
    return _LINE_END_HYPHEN.sub(lambda m: "" if _both_lowercase(m.string, m.start(), m.end()) else m.group(), text)


def _line_geometry(textpage, text: str, start: int, length: int, raw, ctypes) -> tuple[float, float] | None:
    """(baseline y, font size) of a visual line's first visible character, or None."""
    x, y = ctypes.c_double(), ctypes.c_double()
    for index in range(start, start + min(length, 8)):
        if not text[index].isspace() and raw.FPDFText_GetCharOrigin(textpage, index, x, y):
            return y.value, raw.FPDFText_GetFontSize(textpage, index)
    return None


def _with_paragraphs(textpage, text: str, raw, ctypes) -> str:
    """The page's text with "\n" line ends, and a blank line where the baseline drops further than
    the page's usual line spacing (or climbs back up, to a new column)."""
    pieces = _LINE_BREAK.split(text)  # visual lines, each followed by "\r\n" or a hyphen mark
    if len(pieces) < 5 or len(text) != textpage.count_chars():  # no geometry to trust: lines as they are
        return text.replace("\r\n", "\n")
    lines, offset = [], 0
    for number, piece in enumerate(pieces):
        if number % 2 == 0:
            lines.append((piece, _line_geometry(textpage, text, offset, len(piece), raw, ctypes)))
        offset += len(piece)
    gaps = [a[0] - b[0] for (_, a), (_, b) in zip(lines, lines[1:]) if a and b and a[0] > b[0]]
    if not gaps:
        return text.replace("\r\n", "\n")
    usual = sorted(gaps)[len(gaps) // 2]
    if len(gaps) < 4:  # too few lines for a median to mean much: a line and a half of the type
        usual = min(usual, 1.5 * max(place[1] for _, place in lines if place))
    out = [lines[0][0]]
    for separator, (_, before), (line, after) in zip(pieces[1::2], lines, lines[1:]):
        gap = before[0] - after[0] if before and after else 0.0
        wide = separator == "\r\n" and (gap > usual * PARAGRAPH_GAP or gap < -usual / 2)
        out.append(("\n\n" if wide else separator.replace("\r\n", "\n")) + line)
    return "".join(out)


def pdf_pages(path: Path) -> tuple[list[str], str]:
    """Each page's text (paragraphs split by a blank line) and the document's /Title."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == raw.FPDF_ERR_PASSWORD:
            raise DocumentError(path, "is password-protected: save an unprotected copy "
                                      "(File > Save As in a PDF reader) and draft that") from None
        raise DocumentError(path, f"is a damaged PDF that cannot be opened ({error}): "
                                  "re-download it or re-save it from a PDF reader") from None
    try:
        count = len(document)
        if count == 0:
            raise DocumentError(path, "is a PDF with no pages: nothing to draft")
        if count > MAX_PAGES:
            raise DocumentError(path, f"has {count} pages, more than the {MAX_PAGES} casegraph drafts from: "
                                      "split it (e.g. qpdf --split-pages) and draft the parts")
        title = (document.get_metadata_value("Title") or "").strip()
        pages = []
        for number in range(count):
            page = document[number]
            try:
                textpage = page.get_textpage()
                try:
                    text = textpage.get_text_range()
                    pages.append(join_hyphenation(_with_paragraphs(textpage, text, raw, ctypes)))
                finally:
                    textpage.close()
            finally:
                page.close()
    except pdfium.PdfiumError as error:
        raise DocumentError(path, f"is a damaged PDF ({error}): re-download it or re-save it "
                                  "from a PDF reader") from None
    finally:
        document.close()
    visible = sum(len(text) - sum(char.isspace() for char in text) for text in pages)
    if visible < MIN_CHARS_PER_PAGE * count:
        raise DocumentError(path, "has no text layer (a scanned PDF?): run OCR on it first, "
                                  "e.g. ocrmypdf, then draft the OCR'd file")
    return pages, title
