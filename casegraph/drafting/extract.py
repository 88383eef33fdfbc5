"""A review document's text, the same string every time, with where each page begins: PDF, DOCX,
HTML or plain text, told apart by content rather than name. Paragraphs are separated by a blank
line, lines within one by "\\n", pages joined by a blank line too; any `text[start:end]` is a quote."""
from __future__ import annotations

import bisect
import codecs
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from casegraph.drafting.extract_docx import docx_paragraphs
from casegraph.drafting.extract_pdf import pdf_pages
from casegraph.errors import DocumentError

MAX_BYTES = 200 * 1024 * 1024
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}

# Leading bytes of formats that are not documents casegraph reads, and what to call them.
MAGIC = [
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"), (b"\x7fELF", "an ELF program"),
    (b"MZ", "a Windows program"), (b"\x1f\x8b", "a gzip archive"), (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"), (b"\xd0\xcf\x11\xe0", "an old Office file (.doc?): save it as .docx or PDF"),
    (b"{\\rtf", "an RTF document: save it as .docx or PDF"),
]
LIGATURES = re.compile("[\ufb00-\ufb06]")
BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


@dataclass(frozen=True)
class ExtractedText:
    path: Path
    kind: str  # "pdf" | "docx" | "html" | "text"
    text: str
    page_starts: tuple[int, ...]  # offset in `text` where each page begins; page_starts[0] == 0
    title: str = ""

    def page_of(self, offset: int) -> int:
        """The 1-based page holding character `offset`; the blank line after a page is its own."""
        if not 0 <= offset <= len(self.text):
            raise ValueError(f"offset {offset} is outside the text (0..{len(self.text)})")
        return bisect.bisect_right(self.page_starts, offset)

    @property
    def pages(self) -> int:
        return len(self.page_starts)


def normalise(text: str) -> str:
    """NFC; NBSP to space; soft hyphens out; ligatures spelt out; "\\n" line ends without trailing
    spaces; paragraphs split by exactly one blank line; no blank lines at either end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\xad", "")
    text = unicodedata.normalize("NFC", LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text))
    text = "\n".join(line.rstrip(" \t") for line in text.split("\n"))
    return BLANK_LINES.sub("\n\n", text).strip("\n")


def assemble(path: Path, kind: str, pages: list[str], title: str = "") -> ExtractedText:
    texts = [normalise(page) for page in pages]
    if not "".join(texts).strip():
        raise DocumentError(path, "has no text in it: nothing to draft")
    starts, offset = [], 0
    for text in texts:
        starts.append(offset)
        offset += len(text) + 2
    return ExtractedText(path, kind, "\n\n".join(texts), tuple(starts), " ".join(title.split()))


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Bytes as text: a BOM wins, then a declared charset, then UTF-8, then cp1252."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    candidates = ["utf-8", "cp1252"]
    if declared:
        try:
            name = codecs.lookup(declared).name
            candidates.insert(0, "cp1252" if name in {"latin-1", "iso8859-1", "ascii"} else name)
        except LookupError:
            pass
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


def text_pages(data: bytes) -> list[str]:
    return decode_text(data).replace("\r\n", "\n").split("\f")


BLOCKS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
          "br", "hr", "section", "article", "aside", "header", "footer", "nav", "main", "table",
          "thead", "tbody", "tfoot", "caption", "blockquote", "pre", "figure", "figcaption",
          "address", "details", "summary", "form", "fieldset", "legend", "body", "html", "title"}
HIDDEN = {"script", "style", "noscript", "template"}


class _Paragraphs(HTMLParser):
    """Visible text of an HTML page as paragraphs; the <title> kept apart."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.title: list[str] = []
        self.buffer: list[str] = []
        self.hidden = 0
        self.in_head = self.in_title = self.in_pre = False

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        if self.in_pre:
            text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip("\n")
        else:
            text = " ".join(text.split())
        if text.strip():
            self.paragraphs.append(text)

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        if tag in BLOCKS:
            self.flush()
        self.in_pre = self.in_pre or tag == "pre"
        self.in_title = self.in_title or tag == "title"
        if tag in {"td", "th"}:
            self.buffer.append(" ")

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "head":
            self.in_head = False
        if tag in BLOCKS:
            self.flush()
        if tag == "pre":
            self.in_pre = False
        if tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.hidden:
            return
        if self.in_title:
            self.title.append(data)
        elif not self.in_head:
            self.buffer.append(data)


CHARSET = re.compile(rb"""<meta[^>]*charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)


def html_pages(data: bytes) -> tuple[list[str], str]:
    declared = CHARSET.search(data[:4096])
    parser = _Paragraphs()
    parser.feed(decode_text(data, declared.group(1).decode("ascii") if declared else None))
    parser.close()
    parser.in_pre = False
    parser.flush()
    return ["\n\n".join(parser.paragraphs)], "".join(parser.title)


def looks_like_html(head: bytes, suffix: str) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return True
    return (start.startswith(b"<?xml") and b"<html" in start) or (suffix in HTML_SUFFIXES and start.startswith(b"<"))


def sniff(head: bytes, suffix: str) -> str:
    """The kind of document by its leading bytes, or a DocumentError message saying what it is."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    for magic, name in MAGIC:
        if head.startswith(magic):
            return f"looks like {name}"
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in head and not utf16:
        return "looks like binary data"
    if looks_like_html(head, suffix):
        return "html"
    return "text"


def extract(path: Path | str) -> ExtractedText:
    """The document's text and page starts; a DocumentError, one line, for anything it cannot read."""
    path = Path(path)
    if not path.exists():
        raise DocumentError(path, "does not exist: check the path")
    if path.is_dir():
        raise DocumentError(path, "is a directory, not a document: name a PDF, DOCX, HTML or text file")
    if not path.is_file():
        raise DocumentError(path, "is not a regular file: name a PDF, DOCX, HTML or text file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DocumentError(path, f"is {size // 2**20} MB, more than the {MAX_BYTES // 2**20} MB casegraph "
                                  "drafts from: split it and draft the parts")
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        raise DocumentError(path, f"cannot be read ({error.strerror or error}): check its permissions") from None
    if not head.strip():
        raise DocumentError(path, "is empty: nothing to draft")
    kind, suffix = sniff(head, path.suffix.lower()), path.suffix.lower()
    expected = {".pdf": "pdf", ".docx": "docx"}.get(suffix)
    if expected and kind != expected:
        what = {"html": "HTML", "text": "plain text", "pdf": "a PDF", "docx": "a ZIP archive"}.get(kind, kind[11:])
        raise DocumentError(path, f"is named {suffix} but is not a {'PDF' if expected == 'pdf' else 'Word document'}: "
                                  f"it looks like {what} (a failed download?): save it again from its source")
    if kind.startswith("looks like"):
        raise DocumentError(path, f"is not a document casegraph can read (PDF, DOCX, HTML or plain text): it {kind}")
    if kind == "pdf":
        return assemble(path, kind, *pdf_pages(path))
    if kind == "docx":
        paragraphs, title = docx_paragraphs(path)
        return assemble(path, kind, ["\n\n".join(paragraphs)], title)
    data = path.read_bytes()
    if kind == "html":
        return assemble(path, kind, *html_pages(data))
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DocumentError(path, "is not a document casegraph can read (PDF, DOCX, HTML or plain text): "
                                  "it looks like binary data")
    if not data.strip():
        raise DocumentError(path, "is empty: nothing to draft")
    return assemble(path, kind, text_pages(data))
