"""Read YAML (and JSON, a subset of it) remembering the line of every key and list item.

Line numbers are what an analyst needs to fix a file, so the reader keeps them on the
parsed mappings and lists themselves; no second parse is needed to report an error.

A review file is read in a deliberately small YAML: the YAML 1.2 core schema's plain values
(`true`/`false`, `null`, decimal numbers; `yes`, `0x7E1`, `03741` and `33:37` stay text as
written), no anchors, aliases or tags, and bounded sizes, so no file can make reading it slow,
huge or surprising.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import yaml

from casegraph.errors import Problem, ReviewFileError

# Limits. The largest review coded or generated so far is under 20 KB; one of 20,000 people is
# about 2 MB. Reading is linear in size once aliases are refused: an ordinary review costs about
# 1 s and 70 MB per MB, the densest YAML (a flow list of two million numbers) about 2.5 s and
# 180 MB per MB. 4 MB leaves room for any real review and bounds the worst file to about 10 s
# and 750 MB (20 MB would allow 50 s and 3.6 GB).
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 32  # levels of mappings and lists; a review file uses four (file, section, item, its list)
MAX_STRING = 100_000  # characters in one value: a long quote or summary is a few thousand
MAX_DIGITS = 20  # digits in one number: years and page numbers have four; Python refuses over 4,300
EXCERPT = 80  # characters of a value a message quotes
LONGEST_NAME = 64  # an id, code or field name longer than this gets no "did you mean" and is shown cut

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")  # YAML 1.2 core, decimal only (JSON's integers)
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+)\Z")
_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
# "\ud83d" is half a character; libyaml refuses it, PyYAML's own reader (without libyaml) does not
_HALF_CHARACTER = re.compile(r"\\(?:u[dD][89a-fA-F][0-9a-fA-F]{2}|U0000[dD][89a-fA-F][0-9a-fA-F]{2})")
_NODE_PROPERTY = re.compile(r"[&*!](?<=[\s\[{,:].)")  # where an anchor, alias or tag may start
ALIAS_MESSAGE = ("YAML aliases (*name) and anchors (&name) are not allowed in review files; "
                 "write the value out")
TAG_MESSAGE = "YAML tags (!name, !!type) are not allowed in review files; write the plain value"


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """A value from a file as a message quotes it: repr of at most about `limit` characters.

    >>> excerpt("x" * 1000, 5)
    "'xxxxx'... (1,000 characters)"
    """
    if isinstance(value, str):
        return repr(value) if len(value) <= limit else f"{value[:limit]!r}... ({len(value):,} characters)"
    if value is None or isinstance(value, (bool, int, float)):
        text = repr(value)
        return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"
    if isinstance(value, dict):
        return f"a mapping of {len(value):,} field(s)"
    if isinstance(value, list):
        return f"a list of {len(value):,} item(s)"
    return f"a {type(value).__name__}"


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


class _Refused(yaml.MarkedYAMLError):
    """Well-formed YAML that a review file may not contain (a limit, a number too long)."""


class _ReviewLoader(_Loader):  # type: ignore[misc, valid-type]
    """Safe loader with YAML 1.2 core plain values that keeps dates as written, refuses
    duplicate keys and bounds nesting, text and numbers."""

    depth = 0


# Only null, true/false and decimal numbers are read as anything but text. Dates stay text too:
# "2014-05-03" must reach the partial-date reader as written, not as a date object. Gone with
# YAML 1.1: yes/no/on/off, 0x and 0o numbers, leading zeros, 1_000, 33:37 (base 60) and `<<` merges.
def _core_resolvers() -> dict[str, list]:
    null = "tag:yaml.org,2002:null"
    resolvers = {first: [(tag, regexp) for tag, regexp in found if tag == null]
                 for first, found in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    for tag, regexp, firsts in (("int", _INT, "-+0123456789"), ("float", _FLOAT, "-+.0123456789"),
                                ("bool", _BOOL, "tTfF")):
        for first in firsts:  # int before float: "2016" is an int
            resolvers.setdefault(first, []).append((f"tag:yaml.org,2002:{tag}", regexp))
    return {first: found for first, found in resolvers.items() if found}


_ReviewLoader.yaml_implicit_resolvers = _core_resolvers()


def _refuse(message: str, node: yaml.Node) -> _Refused:
    return _Refused(None, None, message, node.start_mark)


def _too_long(node: yaml.Node) -> _Refused:
    return _refuse(f"a value of {len(node.value):,} characters; review files allow at most {MAX_STRING:,} "
                   "in one value: keep only the excerpt you need", node)


def _construct(loader: yaml.SafeLoader, node: yaml.Node):
    # Plain strings are most of a review file; taking them directly skips PyYAML's generic dispatch.
    if node.tag == _STR and isinstance(node, yaml.ScalarNode):
        if len(node.value) > MAX_STRING:
            raise _too_long(node)
        return node.value
    if node in loader.constructed_objects:  # the same node twice is an alias the check missed
        raise _refuse(ALIAS_MESSAGE, node)
    return loader.construct_object(node, deep=True)


def _enter(loader: yaml.SafeLoader, node: yaml.Node) -> None:
    loader.depth += 1
    if loader.depth > MAX_DEPTH:
        raise _refuse(f"values nested more than {MAX_DEPTH} levels deep; a review file needs four: "
                      "check the brackets and indentation here", node)


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    _enter(loader, node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    lines = result.lines = {}
    for key_node, value_node in node.value:
        key = _construct(loader, key_node)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise _refuse("a mapping key must be a plain value", key_node)
        if key in result:
            raise _refuse(f"duplicate key {excerpt(key)} (first on line {lines[key]}); "
                          "each key may appear once in a mapping", key_node)
        result[key] = _construct(loader, value_node)
        lines[key] = key_node.start_mark.line + 1
    loader.depth -= 1
    return result


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
    _enter(loader, node)
    result = LineList([_construct(loader, child) for child in node.value])
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    loader.depth -= 1
    return result


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    digits = len(node.value.lstrip("+-"))
    if digits > MAX_DIGITS:
        raise _refuse(f"a number of {digits:,} digits; review files allow at most {MAX_DIGITS} "
                      "(put it in quotes if it is text)", node)
    return int(node.value)


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    if len(node.value) > MAX_DIGITS + 10:
        raise _refuse(f"a number of {len(node.value):,} characters; review files allow at most "
                      f"{MAX_DIGITS} digits (put it in quotes if it is text)", node)
    return float(node.value)


# Only the JSON types: no !!binary, !!set, !!omap or !!timestamp, even if a tag got past the check.
_ReviewLoader.yaml_constructors = {
    "tag:yaml.org,2002:null": yaml.SafeLoader.construct_yaml_null,
    "tag:yaml.org,2002:str": yaml.SafeLoader.construct_yaml_str,
    "tag:yaml.org,2002:bool": lambda loader, node: node.value.lower() == "true",
    "tag:yaml.org,2002:int": _construct_int,
    "tag:yaml.org,2002:float": _construct_float,
    "tag:yaml.org,2002:map": _construct_mapping,
    "tag:yaml.org,2002:seq": _construct_sequence,
    None: yaml.SafeLoader.construct_undefined,
}

_FILE_KINDS = {stat.S_ISDIR: "a directory", stat.S_ISFIFO: "a named pipe", stat.S_ISCHR: "a device",
               stat.S_ISBLK: "a device", stat.S_ISSOCK: "a socket"}


def _not_regular(path: Path, mode: int) -> ReviewFileError:
    kind = next((name for test, name in _FILE_KINDS.items() if test(mode)), "something other than a file")
    return ReviewFileError(path, [Problem("", f"not a regular file ({kind}); casegraph reads review files "
                                              "only from regular files: save the review as a file")])


def _too_big(path: Path, size: int | None, limit: int) -> ReviewFileError:
    size_text = f"{size:,} bytes" if size is not None else "more than that"
    return ReviewFileError(path, [Problem("", f"the file is {size_text}; a review file may be at most "
                                              f"{limit:,} bytes ({limit / 2**20:g} MB): split it into one "
                                              "file per review, or shorten long text")])


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; pipes, devices and bigger files are refused.

    The file is checked before it is opened (a pipe would block, /dev/zero never ends) and again
    once open, in case it was replaced between; at most limit + 1 bytes are ever read.
    """
    try:
        info = os.stat(path)  # follows symbolic links: the target is what would be read
        if not stat.S_ISREG(info.st_mode):
            raise _not_regular(path, info.st_mode)
        if info.st_size > limit:
            raise _too_big(path, info.st_size, limit)
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(descriptor, "rb") as file:
            mode = os.fstat(file.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise _not_regular(path, mode)
            data = file.read(limit + 1)
    except OSError as error:
        raise ReviewFileError(path, [Problem("", f"cannot read the file: {error.strerror}")]) from None
    if len(data) > limit:
        raise _too_big(path, None, limit)
    return data


def decode_text(path: Path, data: bytes) -> str:
    """Text of a review file, refusing empty and binary files with a message that says so."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ReviewFileError(path, [Problem("", "the file is UTF-16 text; save it as UTF-8")])
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


def _refuse_node_properties(text: str, source: Path) -> None:
    """Refuse anchors, aliases and tags, with the line of the first one.

    An alias repeats a value without writing it again, so a few KB can stand for gigabytes
    (the "billion laughs"); a review file never needs one. Only a file with `&`, `*` or `!`
    where a value may start is scanned.
    """
    if not (text.startswith(("&", "*", "!")) or _NODE_PROPERTY.search(text)):
        return
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if isinstance(token, (yaml.AliasToken, yaml.AnchorToken, yaml.TagToken)):
                message = TAG_MESSAGE if isinstance(token, yaml.TagToken) else ALIAS_MESSAGE
                raise ReviewFileError(source, [Problem("", message, token.start_mark.line + 1)])
    except yaml.YAMLError:
        return  # a syntax error before any of them: parsing reports it


def loads_yaml(text: str, source: Path) -> object:
    """Parse YAML text into LineDict/LineList values; syntax errors name the line and column."""
    _refuse_node_properties(text, source)
    if _Loader is yaml.SafeLoader and (half := _HALF_CHARACTER.search(text)):
        raise ReviewFileError(source, [Problem("", "a \\u escape for half a character (a lone surrogate); "
                                                   "write the character itself", text.count("\n", 0, half.start()) + 1)])
    try:
        return yaml.load(text, Loader=_ReviewLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as error:
        raise ReviewFileError(source, [Problem("", error.problem, error.problem_mark.line + 1)]) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        detail = error.problem or error.context or "invalid YAML"
        where = f" (column {mark.column + 1})" if mark else ""
        raise ReviewFileError(source, [Problem("", f"YAML syntax error: {detail}{where}",
                                               mark.line + 1 if mark else None)]) from None
    except yaml.reader.ReaderError as error:
        character = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        line = text.count("\n", 0, error.position) + 1 if isinstance(error.position, int) else None
        raise ReviewFileError(source, [Problem("", f"the character {character} may not appear in YAML "
                                                   f"({error.reason}); delete it", line)]) from None
    except yaml.YAMLError as error:
        raise ReviewFileError(source, [Problem("", f"YAML error: {_one_line(str(error))}")]) from None
    except RecursionError:  # PyYAML's own reader (without libyaml) composes nested values recursively
        raise ReviewFileError(source, [Problem("", f"values nested more than {MAX_DEPTH} levels deep; a review "
                                                   "file needs four: check the brackets and indentation")]) from None


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def short_id(local_id: str) -> str:
    return local_id if len(local_id) <= LONGEST_NAME else f"{local_id[:LONGEST_NAME]}..."


def format_path(path) -> str:
    """Where in a file, as a message names it: `people[2].name`."""
    text = ""
    for step in path:
        step = step if isinstance(step, int) else short_id(str(step))
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


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
