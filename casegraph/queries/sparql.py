"""Run SPARQL over the store: ad hoc text or a saved question, with parameters bound by the engine."""
from __future__ import annotations

import datetime as dt
import decimal
import re
from dataclasses import dataclass

import pyoxigraph as ox

from casegraph.errors import QueryError
from casegraph.graph.store import ReviewStore
from casegraph.ontology import PREFIXES, REVIEW, XSD, record_iri, review_iri, short_id
from casegraph.queries import Param, SavedQuery, checked_integer, expand_hops, with_defaults
from casegraph.queries.screen import screen

_UPDATE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I)
_PROLOGUE = re.compile(r"^\s*((#[^\n]*\n)|(PREFIX\s+[\w.-]*:\s*<[^>]*>)|(BASE\s*<[^>]*>)|\s+)*", re.I)
_ERROR_AT = re.compile(r"error at (\d+):(\d+)")
_INTEGER = re.compile(r"^[+-]?\d+$")


@dataclass
class QueryResult:
    """Rows of a SELECT, the answer of an ASK, or the triples of a CONSTRUCT/DESCRIBE."""

    columns: list[str]
    rows: list[list[ox.NamedNode | ox.Literal | ox.BlankNode | None]]
    boolean: bool | None = None
    triples: list[ox.Triple] | None = None


def is_update(text: str) -> bool:
    """Does this SPARQL text (after its prologue and comments) start an update operation?"""
    return bool(_UPDATE.match(text[_PROLOGUE.match(text).end():]))


def _term(param: Param | None, name: str, value: str):
    """The RDF term a parameter value stands for (declared type, or guessed for ad hoc queries)."""
    kind = param.type if param else ("iri" if value.startswith("<") and value.endswith(">")
                                     else "integer" if _INTEGER.match(value) else "string")
    try:
        if kind == "iri":
            return ox.NamedNode(record_iri(value))
        if kind == "review":
            return ox.NamedNode(review_iri(value))
        if kind in ("integer", "hops"):
            number = checked_integer(param, name, value)
            return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))
    except ValueError as error:
        raise QueryError(f"--param {name}={value!r}: not a valid {kind} ({error})") from None
    return ox.Literal(value)


def bind(saved: SavedQuery | None, values: dict[str, str]) -> tuple[dict[ox.Variable, object], int | None]:
    """Engine substitutions for the values, and the hops count if the query has one."""
    declared = {p.name: p for p in saved.params} if saved else {}
    values = with_defaults(saved, values)
    hops = None
    substitutions = {}
    for name, value in values.items():
        param = declared.get(name)
        term = _term(param, name, value)
        if param and param.type == "hops":
            hops = int(term.value)
        else:
            substitutions[ox.Variable(name)] = term
    return substitutions, hops


def run_sparql(store: ReviewStore, text: str, values: dict[str, str] | None = None, *,
               reviews: list[str] | None = None, saved: SavedQuery | None = None) -> QueryResult:
    """Run a read-only query over the union of the stored reviews (or only `reviews`)."""
    if is_update(text):
        raise QueryError("this is a SPARQL update; the store is read-only unless you pass --allow-update")
    substitutions, hops = bind(saved, dict(values or {}))
    text = expand_hops(text, hops)
    try:
        screen(text)
        result = store.query(text, reviews=reviews, substitutions=substitutions or None)
    except SyntaxError as error:
        raise QueryError(f"SPARQL syntax error: {_relocate(str(error))}") from None
    except (RuntimeError, OSError, ValueError) as error:
        raise QueryError(_explain(str(error))) from None
    if isinstance(result, ox.QueryBoolean):
        return QueryResult(["answer"], [], boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return QueryResult(["subject", "predicate", "object"], [], triples=list(result))
    columns = [variable.value for variable in result.variables]
    return QueryResult(columns, [list(solution) for solution in result])


def run_update(store: ReviewStore, text: str) -> None:
    """Run a SPARQL update (only with --allow-update; the store must be opened for writing)."""
    try:
        store.update(text)
    except SyntaxError as error:
        raise QueryError(f"SPARQL syntax error: {_relocate(str(error))}") from None


def _relocate(message: str) -> str:
    """The engine's "error at L:C" as words, its long lists of expected tokens cut short."""
    message = message if len(message) < 300 else message[:300] + " ..."
    return _ERROR_AT.sub(lambda m: f"line {m.group(1)}, column {m.group(2)}", message)


def _explain(message: str) -> str:
    if "does not contains variable" in message:
        variable = message.rsplit("?", 1)[-1].split()[0]
        return (f"cannot bind ?{variable}: the engine binds only variables the query selects; "
                f"add ?{variable} to the SELECT clause")
    return f"query failed: {message}"


def display(term, compact: bool = True) -> object:
    """A value for output: plain Python for literals, IRIs shortened with the standard prefixes."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype in (XSD + "integer", XSD + "int", XSD + "long") and _INTEGER.match(term.value):
            return int(term.value)
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return _compacted(term.value) if compact else term.value


def plain_value(term) -> object:
    """A value for Python: typed literals as int, float, Decimal, bool, date or datetime (years as
    int), other literals as text, record IRIs as review-id/item-id and other IRIs compacted.

    >>> plain_value(ox.Literal("2013", datatype=ox.NamedNode(XSD + "gYear")))
    2013
    >>> plain_value(ox.Literal("2014-03-01", datatype=ox.NamedNode(XSD + "date")))
    datetime.date(2014, 3, 1)
    >>> plain_value(ox.NamedNode(record_iri("scr-30-2016/child-m")))
    'scr-30-2016/child-m'
    """
    if isinstance(term, ox.NamedNode):
        return short_iri(term.value)
    if not isinstance(term, ox.Literal):
        return display(term)
    convert = _PYTHON_TYPES.get(term.datatype.value)
    if convert is not None:
        try:
            return convert(term.value)
        except (ValueError, ArithmeticError):
            pass  # an ill-typed literal stays the text it is
    return term.value


def short_iri(iri: str) -> str:
    """A record's IRI as review-id/item-id, another casegraph or standard IRI with its prefix."""
    return short_id(iri) if iri.startswith(REVIEW) else _compacted(iri)


def _compacted(iri: str) -> str:
    for prefix, base in _COMPACT:
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


def _boolean(text: str) -> bool:
    if text not in ("true", "false", "1", "0"):
        raise ValueError(text)
    return text in ("true", "1")


_PYTHON_TYPES = {
    **{XSD + name: int for name in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                     "positiveInteger", "gYear")},
    XSD + "decimal": decimal.Decimal, XSD + "double": float, XSD + "float": float, XSD + "boolean": _boolean,
    XSD + "date": dt.date.fromisoformat, XSD + "dateTime": dt.datetime.fromisoformat,
}

_COMPACT = sorted(((p, iri) for p, iri in PREFIXES.items()), key=lambda item: -len(item[1]))
