"""A Word document's paragraphs in body order, table cells included, read with python-docx after
the zip has been checked for a bomb."""
from __future__ import annotations

import zipfile
from pathlib import Path

from casegraph.errors import DocumentError

MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024  # members smaller than this may compress as well as they like

NOT_WORD = ("is not a document casegraph can read (PDF, DOCX, HTML or plain text): it looks like a ZIP "
            "archive, not a Word document (no word/document.xml inside)")


def check_zip(path: Path) -> None:
    """Refuse a file that is not a zip holding word/document.xml, or whose members would unpack
    to more than casegraph reads (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DocumentError(path, "is not a Word document, or a damaged one (not a readable zip archive): "
                                  "open it in Word and save it again, or save it as PDF") from None
    bomb = "unpacks to {} (a zip bomb disguised as DOCX?): casegraph does not open it"
    total = 0
    for member in members:
        size = member.file_size
        total += size
        if size > MAX_MEMBER_BYTES:
            raise DocumentError(path, bomb.format(f"{size // 2**20} MB in {member.filename}"))
        if size > RATIO_CHECKED_FROM and size > MAX_RATIO * max(member.compress_size, 1):
            raise DocumentError(path, bomb.format(
                f"{size // 2**20} MB from {member.compress_size} bytes in {member.filename}"))
    if total > MAX_TOTAL_BYTES:
        raise DocumentError(path, bomb.format(f"{total // 2**20} MB in all"))
    if "word/document.xml" not in {member.filename for member in members}:
        raise DocumentError(path, NOT_WORD)


def _blocks(container):
    """Paragraph texts of a body or table cell in order, descending into tables row by row; a
    merged cell, which python-docx repeats across its span, is read once."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: list = []
                for cell in row.cells:
                    if any(cell._tc is other for other in seen):
                        continue
                    seen.append(cell._tc)
                    yield from _blocks(cell)
        else:
            yield block.text


def docx_paragraphs(path: Path) -> tuple[list[str], str]:
    """The document's non-empty paragraph texts in body order, and its core-properties title."""
    check_zip(path)
    import docx

    try:
        document = docx.Document(str(path))
        paragraphs = [text for text in _blocks(document) if text.strip()]
        title = (document.core_properties.title or "").strip()
    except DocumentError:
        raise
    except Exception as error:  # python-docx raises KeyError, lxml errors, its own PackageNotFoundError...
        reason = " ".join(str(error).split())[:120]
        raise DocumentError(path, f"is a damaged Word document ({type(error).__name__}: {reason}): "
                                  "open it in Word and save it again, or save it as PDF") from None
    return paragraphs, title
