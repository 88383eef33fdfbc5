"""Rows out as an aligned table (fitted to the terminal), CSV, TSV, JSON or JSON lines."""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence

FORMATS = ("table", "csv", "tsv", "json", "jsonl")  # every command that prints records takes these


def clipped(text: str, limit: int) -> str:
    """`text`, cut to `limit` characters with an ellipsis when longer.

    >>> clipped("Child exploitation", 10), clipped("Child", 10)
    ('Child exp…', 'Child')
    """
    return text if len(text) <= limit else text[:limit - 1] + "…"


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    r"""`text` with control characters (terminal escape sequences among them) shown, not obeyed.

    >>> printable("Child \x1b[31mM\x07")
    'Child \\x1b[31mM\\x07'
    """
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def is_structured(fmt: str) -> bool:
    """Does `fmt` keep values as data (json, jsonl) rather than as cells of text?"""
    return fmt in ("json", "jsonl")


def render_records(records: Sequence[object], fmt: str) -> str:
    """Records (dicts, nested as they are) as one JSON array (json) or one JSON object per line (jsonl).

    >>> print(render_records([{"id": "a", "codes": ["x"]}], "jsonl"))
    {"id": "a", "codes": ["x"]}
    """
    if fmt == "jsonl":
        return "\n".join(json.dumps(record, ensure_ascii=False, default=str) for record in records)
    return json.dumps(list(records), indent=2, ensure_ascii=False, default=str)


def flattened(data: object, path: str = "") -> list[list[object]]:
    """Nested data as (field path, value) rows: one table, whatever the shape, for csv and tsv.

    >>> flattened({"id": "r-1", "people": {"young person": [{"name": "M"}]}, "tags": []})
    [['id', 'r-1'], ['people.young person[0].name', 'M']]
    """
    if isinstance(data, dict):
        return [row for key, value in data.items() for row in flattened(value, f"{path}.{key}" if path else str(key))]
    if isinstance(data, (list, tuple)):
        return [row for number, value in enumerate(data) for row in flattened(value, f"{path}[{number}]")]
    return [[path, data]] if data is not None else []


def terminal_width() -> int | None:
    """The width of the terminal stdout is, or None when it is a file or pipe (nothing is cut)."""
    import shutil
    import sys

    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


MIN_COLUMN = 6  # a text column is cut to fit the terminal, never below this (or its heading)


def render(columns: Sequence[str], rows: Sequence[Sequence[object]], fmt: str = "table",
           width: int | None = None) -> str:
    """Rows as a table (cut to `width` characters, default the terminal's), csv, tsv, json or jsonl.

    >>> print(render(["id", "n"], [["a", 1], ["bb", 22]]))
    id   n
    --  --
    a    1
    bb  22
    >>> print(render(["id", "title"], [["scr-1", "A long title of a review"]], width=20))
    id     title
    -----  -------------
    scr-1  A long title…
    >>> print(render(["id", "n"], [["a", 1]], "jsonl"))
    {"id": "a", "n": 1}
    """
    if is_structured(fmt):
        return render_records([dict(zip(columns, row)) for row in rows], fmt)
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        return buffer.getvalue().rstrip("\n")
    cells = [[printable(str(c)) for c in columns]] + [["" if v is None else printable(str(v)) for v in row]
                                                     for row in rows]
    numeric = [all(isinstance(row[i], (int, float)) for row in rows) and rows for i in range(len(columns))]
    widths = _fitted([max(len(row[i]) for row in cells) for i in range(len(columns))], numeric,
                     [len(c) for c in cells[0]], width if width is not None else terminal_width())

    def line(row: list[str]) -> str:
        return "  ".join(clipped(cell, w).rjust(w) if num else clipped(cell, w).ljust(w)
                         for cell, w, num in zip(row, widths, numeric)).rstrip()

    return "\n".join([line(cells[0]), line(["-" * w for w in widths])] + [line(r) for r in cells[1:]])


def _fitted(widths: list[int], numeric: list, headings: list[int], limit: int | None) -> list[int]:
    """Column widths whose table fits `limit`: the widest text column is narrowed first, one
    character at a time; numbers are never cut."""
    widths = list(widths)
    if limit is None:
        return widths
    floors = [w if num else min(w, max(MIN_COLUMN, heading)) for w, num, heading in zip(widths, numeric, headings)]
    while sum(widths) + 2 * (len(widths) - 1) > limit:
        shrinkable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths
