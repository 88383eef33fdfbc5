"""Saved questions: SPARQL files with a small header declaring a name, a description and
parameters, shipped in `queries/library/`, each with an optional Cypher twin beside it
(`NAME.cypher`, same parameters) that gives the same rows over the property-graph view.

    # name: incidents-of-young-person
    # description: One young person's incidents in date order, with the responses around them.
    # param: person iri required -- the young person (IRI, or review-id/item-id)
    # param: hops hops default=2 max=6 -- how far to look

Parameter values are bound by the engine (never pasted into the query text). The one
exception is a `hops` parameter, a small integer that sets how many times a path from the
file itself is repeated (`{{hops: PATH}}`; in Cypher `{{hops}}`, a variable-length bound, which
Cypher cannot take as a parameter); it is validated as an integer first, so no user text
reaches the query.

The `queries` room (saved questions, SPARQL and Cypher running, corpus statistics) may import
`graph`, `loaders`, `ontology` and the base modules; never `linking` or anything above.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from casegraph.errors import QueryError, UnknownSavedQuery

LIBRARY_DIR = Path(__file__).parent / "library"
PARAM_TYPES = ("iri", "review", "string", "integer", "hops")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)(?P<options>.*?)(?:\s--\s*(?P<help>.*))?$")
_HOPS = re.compile(r"\{\{\s*hops\s*:\s*(?P<path>.+?)\s*\}\}")
_CYPHER_HOPS = re.compile(r"\{\{\s*hops\s*\}\}")


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
    cypher: str | None = field(default=None, compare=False)

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
    twin = path.with_suffix(".cypher")
    return SavedQuery(header.get("name", path.stem), header.get("description", ""),
                      path.read_text(encoding="utf-8"), tuple(params), path,
                      twin.read_text(encoding="utf-8") if twin.exists() else None)


@functools.cache
def saved_queries() -> dict[str, SavedQuery]:
    return {q.name: q for q in map(read_saved_query, sorted(LIBRARY_DIR.glob("*.rq")))}


def saved_query(name: str) -> SavedQuery:
    queries = saved_queries()
    if name not in queries:
        import difflib

        close = difflib.get_close_matches(name, list(queries), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnknownSavedQuery(f"no saved query {name!r}{hint}; known: {', '.join(sorted(queries))}")
    return queries[name]


def expand_hops(text: str, hops: int | None) -> str:
    """Repeat each `{{hops: PATH}}` as PATH followed by up to hops-1 optional steps."""
    if not _HOPS.search(text):
        return text
    if hops is None:
        raise QueryError("this query needs a hops value")
    return _HOPS.sub(lambda m: "/".join([f"({m.group('path')})"] + [f"({m.group('path')})?"] * (hops - 1)), text)


def expand_cypher_hops(text: str, hops: int | None) -> str:
    """Put the validated hops count where a Cypher twin says `{{hops}}` (e.g. `-[*1..{{hops}}]-`)."""
    if not _CYPHER_HOPS.search(text):
        return text
    if hops is None:
        raise QueryError("this query needs a hops value")
    return _CYPHER_HOPS.sub(str(int(hops)), text)


def parse_param_values(pairs: list[str]) -> dict[str, str]:
    """`--param name=value` options as a dict, refusing anything without a name."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise QueryError(f"--param {pair!r}: expected NAME=VALUE with NAME a variable or parameter name")
        values[name] = value
    return values


def with_defaults(saved: SavedQuery | None, values: dict[str, str]) -> dict[str, str]:
    """The values a saved query runs with: unknown names refused, required ones demanded,
    defaults filled in. Ad hoc queries (no `saved`) take the values as given."""
    if not saved:
        return dict(values)
    for name in values:
        saved.param(name)  # unknown names are errors that list the known ones
    values = dict(values)
    for param in saved.params:
        if param.name not in values:
            if param.required:
                raise QueryError(f"saved query {saved.name!r} needs --param {param.name}=VALUE "
                                 f"({param.help or param.type})")
            if param.default is not None:
                values[param.name] = param.default
    return values


def checked_integer(param: Param | None, name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise QueryError(f"--param {name}={value!r}: not a valid integer") from None
    if param and ((param.minimum is not None and number < param.minimum)
                  or (param.maximum is not None and number > param.maximum)):
        raise QueryError(f"--param {name}={value}: must be between {param.minimum} and {param.maximum}")
    return number
