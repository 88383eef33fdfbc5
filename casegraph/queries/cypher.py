"""Run Cypher over the property-graph view: ad hoc text or a saved question's Cypher twin.

Values are always Cypher parameters (`$name`), typed by the saved question's declaration (or
guessed for ad hoc queries, as for SPARQL); only a validated `hops` integer is written into the
text, because Cypher cannot take a variable-length bound as a parameter.
"""
from __future__ import annotations

import re

from casegraph.errors import QueryError
from casegraph.graph.cypher import CypherEngine, CypherResult
from casegraph.ontology import record_iri
from casegraph.output import clipped
from casegraph.queries import Param, SavedQuery, checked_integer, expand_cypher_hops, with_defaults

_INTEGER = re.compile(r"^[+-]?\d+$")
INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1
# Clauses that change a graph; a read-only run refuses them before the engine sees them, so the
# message is the same on every engine.
_WRITE = re.compile(r"(?<![.$\w])(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|LOAD\s+CSV|FOREACH)\b", re.I)
_STRINGS_AND_COMMENTS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)


def is_write(text: str) -> bool:
    """Does this Cypher (outside strings, quoted names and comments) use a writing clause?"""
    return bool(_WRITE.search(_STRINGS_AND_COMMENTS.sub(" ", text)))


def _value(param: Param | None, name: str, value: str) -> object:
    kind = param.type if param else ("integer" if _INTEGER.match(value) else "string")
    if kind == "iri":
        return record_iri(value)
    if kind in ("integer", "hops"):
        number = checked_integer(param, name, value)
        if not INT64_MIN <= number <= INT64_MAX:  # the engines would clamp it to another number
            raise QueryError(f"--param {name}={clipped(value, 40)}: Cypher integers are 64-bit, from {INT64_MIN} "
                             f"to {INT64_MAX}; this one is outside (SPARQL takes it: --engine sparql)")
        return number
    return value  # string, and review ids as nodes carry them in `review`


def bind(saved: SavedQuery | None, values: dict[str, str]) -> tuple[dict[str, object], int | None]:
    """Cypher parameters for the values, and the hops count if the query has one."""
    declared = {p.name: p for p in saved.params} if saved else {}
    # A declared parameter left out is null, as an unbound SPARQL variable is unbound: Cypher
    # engines refuse a query whose $parameter has no value at all.
    params: dict[str, object] = {name: None for name, p in declared.items() if p.type != "hops"}
    hops = None
    for name, value in with_defaults(saved, values).items():
        param = declared.get(name)
        bound = _value(param, name, value)
        if param and param.type == "hops":
            hops = int(bound)
        else:
            params[name] = bound
    return params, hops


def run_cypher(engine: CypherEngine, text: str, values: dict[str, str] | None = None, *,
               saved: SavedQuery | None = None, allow_update: bool = False) -> CypherResult:
    """Run one Cypher query on `engine`; read-only unless `allow_update`."""
    if not allow_update and is_write(text):
        raise QueryError(f"this Cypher query writes; the {engine.name} graph is read-only unless you "
                         f"pass --allow-update")
    params, hops = bind(saved, dict(values or {}))
    return engine.run(expand_cypher_hops(text, hops), params, allow_update=allow_update)
