"""Where what is derived from each review is kept: `<store>/views/`, one file per review digest
and part, named by the part's rules' version: the property-graph view's (see
`casegraph.graph.view_cache`), and others a loader is asked to derive (the records to link:
`casegraph.linking.reading`)."""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from casegraph.graph.durability import write_durably
from casegraph.graph.view import view_rules

VIEWS_DIR = "views"
T = TypeVar("T")


def part_file(store_path: Path, part: str, digest: str) -> Path:
    """Where the part named `part` (its rules' version) of a review with this digest is kept."""
    return Path(store_path) / VIEWS_DIR / f"{part}-{digest}.json"


def keep_parts(store_path: Path, parts: Iterable[tuple[str, str, bytes]]) -> None:
    """Write (part, digest, data) beside the store, each whole or not at all (a new name replaces
    nothing a reader has open). Best effort: one not written is derived when next needed."""
    with contextlib.suppress(OSError):
        (Path(store_path) / VIEWS_DIR).mkdir(mode=0o700, exist_ok=True)
        for part, digest, data in parts:
            target = part_file(store_path, part, digest)
            if not target.exists():
                write_durably(target, lambda handle: handle.write(data), sync=False)


def keep_views(store_path: Path, fragments: Iterable[tuple[str, bytes]]) -> None:
    """Write (digest, fragment) pairs beside the store (see `keep_parts`)."""
    keep_parts(store_path, ((view_rules(), digest, data) for digest, data in fragments))


def kept_part(store_path: Path, part: str, digest: str, parse: Callable[[bytes], T]) -> T | None:
    """The kept part of this digest, parsed, or None if there is none or it cannot be read or
    parsed (then it is deleted, to be derived again and kept anew)."""
    path = part_file(store_path, part, digest)
    try:
        return parse(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError):  # damaged: orjson's errors are ValueErrors
        with contextlib.suppress(OSError):
            path.unlink()
        return None


def prune_views(store_path: Path, digests: Iterable[str | None]) -> None:
    """Delete every kept part but those of these digests (the reviews stored now, as they are),
    and every view fragment of other view rules (a view fragment's part is its rules' version,
    which starts with a digit; other parts start with their name)."""
    current = {digest for digest in digests if digest}
    views = view_rules()
    for file in (Path(store_path) / VIEWS_DIR).glob("*"):
        part, _, digest = file.name.removesuffix(".json").rpartition("-")
        if digest not in current or (part[:1].isdigit() and part != views):
            file.unlink(missing_ok=True)
