"""Checks for coding brought in from QDA software: a document's plain text read from the file
beside the review, and every coded excerpt's quote found at its offsets in that text.

An excerpt is evidence only if it quotes the document exactly where it says it does: a text
edited after import (a line added at the top) moves every passage after it, so each quote is
compared with the text between its offsets and a mismatch is reported, naming the excerpt, its
codes and the document, rather than trusted or clipped.
"""
from __future__ import annotations

from pathlib import Path

from casegraph.errors import CasegraphError, Problem
from casegraph.loaders.fields import DOCUMENTS, EXCERPTS, QDA_CODES
from casegraph.loaders.yaml_reader import excerpt, format_path, line_of, read_bytes

MAX_TEXT_BYTES = 64 * 1024 * 1024  # a long review is 300,000 characters; a whole book fits too


def _problem(data: dict, path: tuple, message: str) -> Problem:
    return Problem(format_path(path), message, line_of(data, path))


def read_document_texts(data: dict, source: Path) -> list[Problem]:
    """Read each document's `text_file` (relative to the review file) into its `text`."""
    problems, documents = [], data.get(DOCUMENTS.name)
    for n, document in enumerate(documents if isinstance(documents, list) else ()):
        name = document.get("text_file") if isinstance(document, dict) else None
        if not isinstance(name, str):
            continue
        where = (DOCUMENTS.name, n, "text_file")
        if "text" in document:
            problems.append(_problem(data, where, "give the document's text in `text` or in `text_file`, not both"))
            continue
        path = Path(name)
        if path.is_absolute():
            problems.append(_problem(data, where, f"{excerpt(name)} is an absolute path; name the text file "
                                                  "relative to this review file, so the two can move together"))
            continue
        path = source.parent / path
        try:
            raw = read_bytes(path, MAX_TEXT_BYTES)
        except CasegraphError as error:
            problems.append(_problem(data, where, f"cannot read the document's text {excerpt(name)}: {error}"))
            continue
        except OSError as error:
            problems.append(_problem(data, where, f"cannot read the document's text {excerpt(name)}: "
                                                  f"{error.strerror or error}"))
            continue
        try:
            document["text"] = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            problems.append(_problem(data, where, f"{excerpt(name)} is not UTF-8 text (byte {error.start:,}); "
                                                  "save it as UTF-8: excerpt offsets count its characters"))
    return problems


def check_excerpts(data: dict) -> list[Problem]:
    """Every excerpt's, and every offset evidence's, offsets fall in its document's text and its
    quote is the text between them."""
    documents = {d["id"]: d for d in data.get(DOCUMENTS.name) or ()}
    code_names = {c["id"]: c.get("name", c["id"]) for c in data.get(QDA_CODES.name) or ()}
    problems = []
    for n, item in enumerate(data.get(EXCERPTS.name) or ()):
        document = documents.get(item["document"])
        if document is None:
            continue  # an unknown document is reported with the other references
        codes = ", ".join(repr(code_names.get(c["code"], c["code"])) for c in item.get("codings") or ()) or "no code"
        what = f"excerpt {item['id']} (coded {codes}) in document {document.get('name', document['id'])!r}"
        problems += _quote_at_offsets(data, (EXCERPTS.name, n), item, document, what)
    for path, evidence in _offset_evidence(data):
        if "document" not in evidence or "start" not in evidence or "end" not in evidence:
            missing = [key for key in ("document", "start", "end") if key not in evidence]
            problems.append(_problem(data, path, f"evidence at offsets needs document, start and end (no "
                                                 f"{' or '.join(missing)}): offsets count into one document's text"))
        elif (document := documents.get(evidence["document"])) is not None:
            what = f"the evidence of {format_path(path[:-1])} in document {document.get('name', document['id'])!r}"
            problems += _quote_at_offsets(data, path, evidence, document, what)
    return problems


def _offset_evidence(data: dict):
    """(path, evidence) of every item's evidence (and the review's) that points into a document."""
    sections = [("review",)] if isinstance(data.get("review"), dict) else []
    found = [(("review", "evidence"), data["review"].get("evidence"))] if sections else []
    for name, items in data.items():
        if isinstance(items, list) and name not in (EXCERPTS.name, DOCUMENTS.name, QDA_CODES.name):
            found += [((name, n, "evidence"), item.get("evidence")) for n, item in enumerate(items) if isinstance(item, dict)]
    return [(path, evidence) for path, evidence in found
            if isinstance(evidence, dict) and {"document", "start", "end"} & set(evidence)]


def _quote_at_offsets(data: dict, path: tuple, item: dict, document: dict, what: str) -> list[Problem]:
    text, start, end = document.get("text"), item["start"], item["end"]
    if text is None:
        return [_problem(data, path + ("document",), f"{what}: the document has no text (give `text` or `text_file`)")]
    if not start <= end <= len(text):
        return [_problem(data, path + ("end" if start <= end else "start",),
                         f"{what} runs from character {start:,} to {end:,}, but the document has "
                         f"{len(text):,} characters; casegraph never clips an excerpt")]
    if text[start:end] != item["quote"]:
        return [_problem(data, path + ("quote",),
                         f"{what}: the text from character {start:,} to {end:,} is "
                         f"{excerpt(text[start:end], 60)}, not the quote {excerpt(item['quote'], 60)}; "
                         "the document may have been edited after it was coded")]
    return []


def proposed_items(data: dict) -> list[Problem]:
    """Each item (and the review) casegraph draft proposed that no analyst has confirmed: `status:
    proposed`. Not a problem of the file, which is a well-formed draft; casegraph load refuses it
    unless told --accept-proposed."""
    found = []
    if isinstance(data.get("review"), dict) and data["review"].get("status") == "proposed":
        found.append((("review",), data["review"].get("title", "")))
    for name, items in data.items():
        if isinstance(items, list):
            found += [((name, n), item.get("name") or item["id"]) for n, item in enumerate(items)
                      if isinstance(item, dict) and item.get("status") == "proposed"]
    return [_problem(data, path + ("status",), f"still proposed by casegraph draft: {excerpt(str(what), 60)}")
            for path, what in found]
