"""The property-graph view as CSV files for ``neo4j-admin database import full``.

The bulk importer builds a new database offline, far faster than any Bolt push, but only into
an empty (or overwritten) database with the server stopped; use neo4j_push to update a running
one. Afterwards create the indexes with ``casegraph.exchange.neo4j_push.ensure_schema`` (a later
push_view does it too).

Files written to the directory, each data file after its own header file:

- ``nodes-Review``, ``nodes-Record``, ``nodes-Evidence``, ``nodes-Concept`` (``.header.csv``
  and ``.csv``): one pair per key label, so each file has the columns of one kind of node
  (records share ``label``, ``review`` ...). Columns: ``iri:ID`` (also stored as the ``iri``
  property), ``:LABEL`` (all the node's labels, ``;``-separated) and one typed column per
  property: ``name`` (string), ``name:long``, ``name:double``, ``name:boolean``, ``name:date``
  (the view's dates with an ``EpochDay`` twin, as neo4j_push stores them), and ``name:string[]``,
  ``name:long[]``, ``name:double[]``, ``name:boolean[]``, ``name:date[]`` for lists. Not
  ``int`` and ``float``: to neo4j-admin those are Java's 32-bit types, and though it widens
  single values it stores ``float[]`` lists as 32-bit floats (0.1 comes back 0.10000000149...,
  1e-300 as 0.0). A node without the property leaves its cell empty (no property); empty
  strings are written quoted, so they stay empty strings.
- ``relationships`` (``.header.csv`` and ``.csv``): ``:START_ID``, ``:END_ID``, ``:TYPE``,
  ``review`` (empty for the analysts' ``SAME_AS`` links, which have none), then the typed columns
  of the relationship records' properties (``iri``, ``identifier``, ``kind``, ``evidenceQuote``
  ...), empty on other relationships.

A column holds one type. Where nodes disagree, integers in a double column are written as doubles,
a single value in a list column as a one-element list, and dates in a column that also holds
text (a partial date) as ISO text; any other mix (a string here, a number there) is an error
naming the property. List elements are separated by the array
delimiter (``;`` by default, neo4j-admin's own default); an element containing it is an error
that says to choose another (pass the same one to import_command). Strings are always
quoted (RFC 4180, ``""`` for a quote), so commas, quotes and newlines in values are safe.
"""
from __future__ import annotations

import csv
import datetime as _dt
import math
import re
import shlex
from collections.abc import Iterable, Iterator
from pathlib import Path

from casegraph.graph.view import PropertyGraph, values
from casegraph.exchange.neo4j_push import KEY_LABELS, LABEL_PATTERN, TYPE_PATTERN, key_label, relationship_identity
from casegraph.graph.cypher.neo4j import Neo4jError, typed_dates

ARRAY_DELIMITER = ";"
PROPERTY_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
HEADER_SUFFIX = ".header.csv"
_TYPES = {bool: "boolean", int: "long", float: "double", str: "string",  # 64-bit, as Cypher and neo4j_push store them
          _dt.date: "date"}


def write_neo4j_csv(view: PropertyGraph, directory: Path | str, *, array_delimiter: str = ARRAY_DELIMITER
                    ) -> list[Path]:
    """Write the view's CSV files into directory (made if missing); their paths, headers first.

    >>> from casegraph.graph.view import Node, PropertyGraph, Relationship
    >>> import tempfile
    >>> view = PropertyGraph({"x:a": Node("x:a", {"Record", "Person"}, {"iri": "x:a", "label": "A", "ageMin": 14.0}),
    ...                       "x:c": Node("x:c", {"Concept"}, {"iri": "x:c", "code": "female"})},
    ...                      [Relationship("GENDER", "x:a", "x:c", "r1")])
    >>> paths = write_neo4j_csv(view, tempfile.mkdtemp())
    >>> [p.name for p in paths]  # doctest: +NORMALIZE_WHITESPACE
    ['nodes-Record.header.csv', 'nodes-Record.csv', 'nodes-Concept.header.csv', 'nodes-Concept.csv',
     'relationships.header.csv', 'relationships.csv']
    >>> print(paths[0].read_text() + paths[1].read_text(), end="")
    iri:ID,:LABEL,ageMin:double,label
    "x:a","Person;Record",14.0,"A"
    """
    _check_delimiter(array_delimiter)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    groups: dict[str, list] = {}
    for node in view.nodes.values():
        groups.setdefault(key_label(node), []).append(node)
    paths: list[Path] = []
    for key in KEY_LABELS:
        if key in groups:
            paths += _write_nodes(directory / f"nodes-{key}", groups[key], array_delimiter)
    paths += _write_relationships(directory / "relationships", view.relationships, array_delimiter)
    return paths


def import_command(paths: list[Path], *, database: str = "neo4j", array_delimiter: str = ARRAY_DELIMITER,
                   program: str = "neo4j-admin") -> str:
    """The shell command that imports files from write_neo4j_csv into database (absolute paths).

    Adds --multiline-fields=true only when some value spans lines (it slows the importer).
    shlex.split(command) gives the arguments for subprocess.
    """
    _check_delimiter(array_delimiter)
    paths = [Path(p).resolve() for p in paths]
    headers = [p for p in paths if p.name.endswith(HEADER_SUFFIX)]
    if not headers:
        raise Neo4jError("no header files (*.header.csv) among the paths; pass what write_neo4j_csv returned")
    arguments = [program, "database", "import", "full"]
    multiline = False
    for header in headers:
        data = header.with_name(header.name.removesuffix(HEADER_SUFFIX) + ".csv")
        if data not in paths:
            raise Neo4jError(f"{header} has no data file {data.name} among the paths; "
                             "pass what write_neo4j_csv returned")
        for path in (header, data):
            if "," in str(path) or "=" in str(path):
                raise Neo4jError(f"neo4j-admin cannot take the path {path} (it splits on ',' and '='); "
                                 "write the files to a directory without them")
        kind = "--relationships" if header.name.startswith("relationships") else "--nodes"
        arguments.append(f"{kind}={header},{data}")
        multiline = multiline or _spans_lines(data)
    arguments.append(f"--array-delimiter={array_delimiter}")
    if multiline:
        arguments.append("--multiline-fields=true")
    arguments.append(database)
    return shlex.join(arguments)


# -- nodes -------------------------------------------------------------------------------------
def _write_nodes(stem: Path, nodes: list, delimiter: str) -> list[Path]:
    typed = [(node.iri, typed_dates(node.properties)) for node in nodes]
    columns = _columns(f"{stem.name} nodes", "node", typed, skip=("iri",))

    def rows() -> Iterator[str]:
        for node, (_, properties) in zip(nodes, typed):
            for label in node.labels:
                if not LABEL_PATTERN.fullmatch(label):
                    raise Neo4jError(f"node {node.iri} has the label {label!r}, not a name from the ontology")
            cells = [_quoted(node.iri), _quoted(delimiter.join(sorted(node.labels)))]
            yield ",".join(cells + _cells(columns, properties, delimiter, f"node {node.iri}"))

    return _write(stem, ["iri:ID", ":LABEL"] + _header(columns), rows())


def _header(columns: list[tuple[str, str]]) -> list[str]:
    return [name + ("" if kind == "string" else f":{kind}") for name, kind in columns]


def _cells(columns: list[tuple[str, str]], properties: dict, delimiter: str, what: str) -> list[str]:
    cells = []
    for name, kind in columns:
        value = properties.get(name)
        cells.append("" if value is None else _cell(value, kind, delimiter, f"{what} property {name!r}"))
    return cells


def _columns(group: str, noun: str, items: list[tuple[str, dict]], skip: tuple[str, ...] = ()
             ) -> list[tuple[str, str]]:
    """(property, neo4j-admin type) for every property of the items, (name, properties) pairs,
    but those skipped, sorted by name; group and noun ("node") name them in errors."""
    seen: dict[str, dict[str, str]] = {}  # property -> {type: an item that has it}
    for what, properties in items:
        for name, value in properties.items():
            if name not in skip:
                seen.setdefault(name, {}).setdefault(_kind(value, f"{noun} {what}", name), what)
    columns = []
    for name, kinds in sorted(seen.items()):
        if not PROPERTY_PATTERN.fullmatch(name):
            raise Neo4jError(f"property name {name!r} (on {next(iter(kinds.values()))}) cannot be a CSV column name")
        columns.append((name, _unify(group, name, kinds)))
    return columns


def _kind(value: object, iri: str, name: str) -> str:
    if isinstance(value, list):
        kinds = {_TYPES.get(type(item)) for item in value}
        if kinds == {"long", "double"}:
            kinds = {"double"}
        if len(kinds) != 1 or None in kinds:
            raise Neo4jError(f"{iri} property {name!r} mixes value types ({value!r}), which Neo4j cannot "
                             "store in one list; fix the review")
        return kinds.pop() + "[]"
    kind = _TYPES.get(type(value))
    if kind is None:
        raise Neo4jError(f"{iri} property {name!r} has a {type(value).__name__} value, not a string, "
                         "number, boolean or date")
    return kind


def _unify(group: str, name: str, kinds: dict[str, str]) -> str:
    """One column type for the types seen: long widens to double, a scalar to a list of its type."""
    names = set(kinds)
    is_list = any(kind.endswith("[]") for kind in names)
    bases = {kind.removesuffix("[]") for kind in names}
    if bases == {"long", "double"}:
        bases = {"double"}
    if bases == {"date", "string"}:
        bases = {"string"}  # a partial date beside full ones: all as text
    if len(bases) > 1:
        examples = "; ".join(f"{kind} on {iri}" for kind, iri in sorted(kinds.items()))
        raise Neo4jError(f"property {name!r} of {group} has values of different types ({examples}); "
                         "a CSV column holds one type: make them agree in the reviews")
    return bases.pop() + ("[]" if is_list else "")


# -- relationships -----------------------------------------------------------------------------
def _write_relationships(stem: Path, relationships: list, delimiter: str) -> list[Path]:
    unique = list({relationship_identity(r): r for r in reversed(relationships)}.values())[::-1]  # as MERGE does
    typed = [(f"{r.type} from {r.start}", typed_dates(r.properties)) for r in unique]
    columns = _columns("relationships", "relationship", typed, skip=("review",))

    def rows() -> Iterator[str]:
        for r, (what, properties) in zip(unique, typed):
            if not TYPE_PATTERN.fullmatch(r.type):
                raise Neo4jError(f"relationship type {r.type!r} (from {r.start}) is not a name from the ontology")
            review = "" if r.review is None else _quoted(r.review)
            cells = [_quoted(r.start), _quoted(r.end), _quoted(r.type), review]
            yield ",".join(cells + _cells(columns, properties, delimiter, f"relationship {what}"))

    return _write(stem, [":START_ID", ":END_ID", ":TYPE", "review"] + _header(columns), rows())


# -- cells -------------------------------------------------------------------------------------
def _cell(value: object, kind: str, delimiter: str, what: str) -> str:
    if not kind.endswith("[]"):
        return _quoted(value) if kind in ("string", "date") else _scalar(value, kind)
    items = values(value)
    texts = [str(item) if kind in ("string[]", "date[]") else _scalar(item, kind[:-2]) for item in items]
    for text in texts:
        if delimiter in text:
            raise Neo4jError(f"{what}: the list element {text!r} contains the array delimiter {delimiter!r}; "
                             "choose another array_delimiter (e.g. '|') and pass it to import_command too")
    return _quoted(delimiter.join(texts))


def _scalar(value: object, kind: str) -> str:
    """A number or boolean as neo4j-admin (Java) parses it.

    >>> [_scalar(v, k) for v, k in [(True, "boolean"), (3, "long"), (3, "double"), (float("nan"), "double")]]
    ['true', '3', '3.0', 'NaN']
    """
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "long":
        return str(int(value))
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return repr(number)


def _quoted(value: object) -> str:
    return '"' + str(value).replace('"', '""') + '"'


def _write(stem: Path, header: list[str], rows: Iterable[str]) -> list[Path]:
    """A header file and its data file, rows streamed (a large view is not held twice)."""
    header_path, data_path = stem.with_name(stem.name + HEADER_SUFFIX), stem.with_name(stem.name + ".csv")
    header_path.write_text(",".join(header) + "\n", encoding="utf-8", newline="")
    with data_path.open("w", encoding="utf-8", newline="") as file:
        for row in rows:
            file.write(row + "\n")
    return [header_path, data_path]


def _spans_lines(path: Path) -> bool:
    with path.open(encoding="utf-8", newline="") as file:
        return any("\n" in cell or "\r" in cell for row in csv.reader(file) for cell in row)


def _check_delimiter(delimiter: str) -> None:
    if len(delimiter) != 1 or delimiter in ',"\r\n':
        raise Neo4jError(f"the array delimiter must be one character other than a comma, quote or newline, "
                         f"not {delimiter!r}")
