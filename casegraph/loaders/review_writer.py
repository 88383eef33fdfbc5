"""Review files written by casegraph (an import's, a draft's): block YAML the reader accepts, and
every file of a set put in place only once all are written."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml

from casegraph.errors import CasegraphError


def slug(text: str, fallback: str = "item") -> str:
    """An id for an item of a review file casegraph writes: lower case, ASCII, hyphens, at most 60.

    >>> slug("SCR: Child A (2019)"), slug("Évaluation"), slug("***")
    ('scr-child-a-2019', 'evaluation', 'item')
    """
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-") or fallback


class ReviewDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml's emitter: several times faster
    """Block YAML without anchors and aliases (casegraph's reader refuses them)."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=ReviewDumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def write_files(out: Path, files: dict[str, str]) -> list[Path]:
    """Write each named text into `out` (made if need be); returns the paths, in the order given.

    Everything is written to a private directory inside `out` first and then moved into place,
    so a failure part way (a full disk) leaves no half-written file.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".casegraph-write-", dir=out))
    except OSError as error:
        raise CasegraphError(f"cannot write to {out}: {error.strerror or error}") from None
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8", newline="")
        for name in files:
            os.replace(staging / name, out / name)
    except OSError as error:
        raise CasegraphError(f"cannot write {', '.join(files)} to {out}: {error.strerror or error}") from None
    finally:
        for path in staging.iterdir():
            path.unlink()
        staging.rmdir()
    return [out / name for name in files]
