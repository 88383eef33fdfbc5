"""Rows out as an aligned table, CSV, TSV or JSON."""
from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence

FORMATS = ("table", "csv", "tsv", "json")


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


def render(columns: Sequence[str], rows: Sequence[Sequence[object]], fmt: str = "table") -> str:
    """
    >>> print(render(["id", "n"], [["a", 1], ["bb", 22]]))
    id   n
    --  --
    a    1
    bb  22
    """
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], indent=2, ensure_ascii=False, default=str)
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        return buffer.getvalue().rstrip("\n")
    cells = [[printable(str(c)) for c in columns]] + [["" if v is None else printable(str(v)) for v in row]
                                                     for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    numeric = [all(isinstance(row[i], (int, float)) for row in rows) and rows for i in range(len(columns))]

    def line(row: list[str]) -> str:
        return "  ".join(cell.rjust(w) if num else cell.ljust(w)
                         for cell, w, num in zip(row, widths, numeric)).rstrip()

    return "\n".join([line(cells[0]), line(["-" * w for w in widths])] + [line(r) for r in cells[1:]])
