"""Saved SPARQL questions shipped with casegraph (`queries/sparql/*.rq`).

Each file starts with `# name:` and `# description:` comment lines; the body is plain SPARQL
with the casegraph prefixes declared.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from casegraph.errors import QueryError

SPARQL_DIR = Path(__file__).parent / "sparql"


@dataclass(frozen=True)
class SavedQuery:
    name: str
    description: str
    text: str


def saved_query(name: str) -> SavedQuery:
    path = SPARQL_DIR / f"{name}.rq"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in SPARQL_DIR.glob("*.rq")))
        raise QueryError(f"no saved query {name!r}; known: {known}")
    text = path.read_text(encoding="utf-8")
    header = {k.strip(): v.strip() for k, _, v in (line.lstrip("# ").partition(":")
              for line in text.splitlines() if line.startswith("# ") and ":" in line)}
    return SavedQuery(name, header.get("description", ""), text)
