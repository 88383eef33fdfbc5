"""Saved questions: SPARQL files with a small header declaring a name, a description and
parameters, shipped in `queries/library/`.

    # name: incidents-of-young-person
    # description: One young person's incidents in date order, with the responses around them.
    # param: person iri required -- the young person (IRI, or review-id/item-id)
    # param: hops hops default=2 max=6 -- how far to look

Parameter values are bound by the engine (never pasted into the query text). The one
exception is a `hops` parameter, a small integer that sets how many times a path from the
file itself is repeated (`{{hops: PATH}}`); it is validated as an integer first, so no user
text reaches the query.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from casegraph.errors import QueryError

LIBRARY_DIR = Path(__file__).parent / "library"
PARAM_TYPES = ("iri", "review", "string", "integer", "hops")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)(?P<options>.*?)(?:\s--\s*(?P<help>.*))?$")
_HOPS = re.compile(r"\{\{\s*hops\s*:\s*(?P<path>.+?)\s*\}\}")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    required: bool = False
    default: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""


@dataclass(frozen=True)
class SavedQuery:
    name: str
    description: str
    text: str
    params: tuple[Param, ...] = ()
    path: Path | None = field(default=None, compare=False)

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.params) or "none"
        raise QueryError(f"saved query {self.name!r} has no parameter {name!r}; its parameters: {known}")


def _parse_param(line: str, source: Path) -> Param:
    match = _PARAM.match(line.strip())
    if not match or match.group("type") not in PARAM_TYPES:
        raise QueryError(f"{source}: cannot read parameter line {line!r}; expected "
                         f"'# param: NAME TYPE [required] [default=V] [min=N] [max=N] -- help' "
                         f"with TYPE one of {', '.join(PARAM_TYPES)}")
    options = match.group("options").split()
    values = dict(option.split("=", 1) for option in options if "=" in option)
    return Param(match.group("name"), match.group("type"), "required" in options, values.get("default"),
                 int(values["min"]) if "min" in values else None,
                 int(values["max"]) if "max" in values else None, (match.group("help") or "").strip())


def read_saved_query(path: Path) -> SavedQuery:
    header: dict[str, str] = {}
    params = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            continue
        key, sep, value = line.lstrip("# ").partition(":")
        if not sep:
            continue
        if key.strip() == "param":
            params.append(_parse_param(value, path))
        else:
            header.setdefault(key.strip(), value.strip())
    return SavedQuery(header.get("name", path.stem), header.get("description", ""),
                      path.read_text(encoding="utf-8"), tuple(params), path)


@functools.cache
def saved_queries() -> dict[str, SavedQuery]:
    return {q.name: q for q in map(read_saved_query, sorted(LIBRARY_DIR.glob("*.rq")))}


def saved_query(name: str) -> SavedQuery:
    queries = saved_queries()
    if name not in queries:
        import difflib

        close = difflib.get_close_matches(name, list(queries), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise QueryError(f"no saved query {name!r}{hint}; known: {', '.join(sorted(queries))}")
    return queries[name]


def expand_hops(text: str, hops: int | None) -> str:
    """Repeat each `{{hops: PATH}}` as PATH followed by up to hops-1 optional steps."""
    if not _HOPS.search(text):
        return text
    if hops is None:
        raise QueryError("this query needs a hops value")
    return _HOPS.sub(lambda m: "/".join([f"({m.group('path')})"] + [f"({m.group('path')})?"] * (hops - 1)), text)
