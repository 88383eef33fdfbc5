"""Where each review's part of the property-graph view is kept: `<store>/views/`, one file per
review digest under the view rules' version (see `casegraph.graph.view_cache`)."""
from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

from casegraph.graph.durability import write_durably
from casegraph.graph.view import view_rules

VIEWS_DIR = "views"


def view_file(store_path: Path, digest: str) -> Path:
    """Where the view fragment of a review with this digest is kept, under these view rules."""
    return Path(store_path) / VIEWS_DIR / f"{view_rules()}-{digest}.json"


def keep_views(store_path: Path, fragments: Iterable[tuple[str, bytes]]) -> None:
    """Write (digest, fragment) pairs beside the store, each whole or not at all (a new name
    replaces nothing a reader has open). Best effort: one not written is derived when next needed."""
    with contextlib.suppress(OSError):
        (Path(store_path) / VIEWS_DIR).mkdir(mode=0o700, exist_ok=True)
        for digest, data in fragments:
            target = view_file(store_path, digest)
            if not target.exists():
                write_durably(target, lambda handle: handle.write(data), sync=False)


def prune_views(store_path: Path, digests: Iterable[str | None]) -> None:
    """Delete every kept fragment but those of these digests (the reviews stored now, as they are)."""
    kept = {view_file(store_path, digest).name for digest in digests if digest}
    for file in (Path(store_path) / VIEWS_DIR).glob("*"):
        if file.name not in kept:
            file.unlink(missing_ok=True)
