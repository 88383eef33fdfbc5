"""Drafting a review's coding from its own text: extraction, lexicons from the ontology, proposals.

`draft_document(path)` reads a PDF, DOCX, HTML or plain-text review and proposes its coding;
`write_draft` writes the draft (a review/2 file whose proposals are all `status: proposed`) with
the document's extracted text beside it, which every proposal's evidence quotes at its offsets.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HEADER = ("# Drafted by casegraph draft from {document}: every item is a PROPOSAL, not a fact.\n"
          "# Read each one's evidence (the words quoted at their offsets in {text_file}; casegraph draft\n"
          "# --html shows them highlighted), delete the wrong ones, then delete the `status: proposed`\n"
          "# line of each right one (or write status: confirmed). casegraph load refuses this file while\n"
          "# any item is still proposed.\n")


@dataclass(frozen=True)
class Draft:
    data: dict  # the review/2 file's contents
    text: str  # the document's extracted text, which evidence offsets count into
    document: Path
    pages: int

    @property
    def proposals(self) -> int:
        return sum(1 for items in self.data.values() if isinstance(items, list)
                   for item in items if isinstance(item, dict) and item.get("status") == "proposed") + 1

    def counts(self) -> dict[str, int]:
        return {name: len(items) for name, items in self.data.items()
                if isinstance(items, list) and name not in ("documents", "qda_codes")}


def draft_document(path: Path | str, out: Path | str | None = None) -> Draft:
    """The draft of one document (DocumentError if it cannot be read); `out` is the draft file it is
    meant for, which names the text file beside it."""
    from casegraph.drafting.extract import extract
    from casegraph.drafting.propose import draft

    extracted = extract(path)
    out = Path(out) if out else Path(path).with_suffix(".draft.yaml")
    return Draft(draft(extracted, text_file_for(out)), extracted.text, Path(path), extracted.pages)


def text_file_for(out: Path) -> str:
    name = out.name
    for suffix in (".yaml", ".yml", ".draft"):
        name = name.removesuffix(suffix)
    return name + ".txt"


def write_draft(result: Draft, out: Path) -> list[Path]:
    """Write the draft file and its text beside it, both or neither; returns [text, draft]."""
    from casegraph.loaders.review_writer import dump_yaml, write_files

    text_file = text_file_for(out)
    header = HEADER.format(document=result.document.name, text_file=text_file)
    return write_files(out.parent, {text_file: result.text, out.name: header + dump_yaml(result.data)})
