"""Read YAML (and JSON, a subset of it) remembering the line of every key and list item.

Line numbers are what an analyst needs to fix a file, so the reader keeps them on the
parsed mappings and lists themselves; no second parse is needed to report an error.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from casegraph.errors import Problem, ReviewFileError

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class LineDict(dict):
    """A mapping from a YAML file; `lines[key]` is the 1-based line of that key."""

    __slots__ = ("line", "lines")

    def __reduce__(self):  # line numbers matter only until the file is checked; send plain data
        return dict, (dict(self),)


class LineList(list):
    """A sequence from a YAML file; `lines[i]` is the 1-based line of item i."""

    __slots__ = ("line", "lines")

    def __reduce__(self):
        return list, (list(self),)


class _ReviewLoader(_Loader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps dates as written and refuses duplicate keys."""


# Dates stay text: "2014-05-03" must reach the partial-date reader as written, not as a date object.
_ReviewLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_STR = "tag:yaml.org,2002:str"


def _construct(loader: yaml.SafeLoader, node: yaml.Node):
    # Plain strings are most of a review file; taking them directly skips PyYAML's generic dispatch.
    if node.tag == _STR and isinstance(node, yaml.ScalarNode):
        return node.value
    return loader.construct_object(node, deep=True)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    lines = result.lines = {}
    for key_node, value_node in node.value:
        key = _construct(loader, key_node)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {lines[key]}); "
                "each key may appear once in a mapping", key_node.start_mark)
        result[key] = _construct(loader, value_node)
        lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList([_construct(loader, child) for child in node.value])
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


_ReviewLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_ReviewLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ReviewFileError(path, [Problem("", f"cannot read the file: {error.strerror}")]) from None


def decode_text(path: Path, data: bytes) -> str:
    """Text of a review file, refusing empty and binary files with a message that says so."""
    if b"\x00" in data[:8192]:
        raise ReviewFileError(path, [Problem("", "this is a binary file, not a review; "
                                                 "expected a YAML, JSON or RDF text file")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ReviewFileError(path, [Problem("", f"not UTF-8 text (byte {error.start}); "
                                                 "save the file as UTF-8", line)]) from None
    if not text.strip():
        raise ReviewFileError(path, [Problem("", "the file is empty; expected a review "
                                                 "starting with 'casegraph: review/1'")])
    return text


def loads_yaml(text: str, source: Path) -> object:
    """Parse YAML text into LineDict/LineList values; syntax errors name the line and column."""
    try:
        return yaml.load(text, Loader=_ReviewLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        detail = error.problem or error.context or "invalid YAML"
        where = f" (column {mark.column + 1})" if mark else ""
        raise ReviewFileError(source, [Problem("", f"YAML syntax error: {detail}{where}",
                                               mark.line + 1 if mark else None)]) from None
    except yaml.YAMLError as error:
        raise ReviewFileError(source, [Problem("", f"YAML error: {error}")]) from None


def line_of(data: object, path: tuple) -> int | None:
    """The line of the deepest key or item along `path` that the file has."""
    line = getattr(data, "line", None)
    node = data
    for step in path:
        if isinstance(node, LineDict) and step in node:
            line, node = node.lines[step], node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line, node = node.lines[step], node[step]
        else:
            break
    return line
