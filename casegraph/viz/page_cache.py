"""A picture of an unchanged store is not drawn twice.

Drawing a corpus's page reads the view, derives the drawable graph and lays out every entity:
seconds for a big corpus, each time, for the same page. A page written for the whole corpus, a
review, a person or the entities across reviews is kept under the store (`<store>/pictures/`,
as private as the store, deleted with the store's other derived views when reviews are removed)
under a key of everything it depends on: the store's files as they are now (any load, link or
decision changes them), the candidate cache's, the options, and the code and page assets
that draw it. The same command on an unchanged store copies the kept page. At most `KEEP` pages are
kept, the least recently written going first.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
from pathlib import Path

from casegraph.graph.durability import store_fingerprint, write_durably
from casegraph.graph.view import view_rules
from casegraph.viz import PageSummary

PAGES_DIR = "pictures"
KEEP = 4
DRAWN_BY = (Path(__file__).parent, Path(__file__).parent.parent / "analysis")  # the code that draws a page


def page_key(store_path: Path, options: dict) -> str | None:
    """The key of a page drawn with these options from the store as it is now (None: no store)."""
    store = store_fingerprint(store_path)
    if store is None:
        return None
    linking = sorted((entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
                     for entry in os.scandir(store_path / "linking")) if (store_path / "linking").is_dir() else []
    return hashlib.sha256(json.dumps([store, linking, _code(), view_rules(), options],
                                     sort_keys=True, default=str).encode()).hexdigest()


@functools.cache
def _code() -> str:
    """The digest of the code and assets that draw a page: a new casegraph draws pages anew."""
    files = sorted(path for folder in DRAWN_BY for path in folder.rglob("*")
                   if path.is_file() and path.suffix in (".py", ".js", ".html", ".css"))
    return hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()


def cached_page(store_path: Path, key: str | None, output: Path) -> tuple[PageSummary, list[str]] | None:
    """The kept page of this key copied to `output` and the notes said when it was drawn, or None."""
    if key is None:
        return None
    folder = Path(store_path) / PAGES_DIR
    try:
        meta = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        shutil.copyfile(folder / f"{key}.html", output)
    except (OSError, ValueError):
        return None
    return PageSummary(Path(output), meta["nodes"], meta["edges"], meta["description"]), meta.get("notes", [])


def keep_page(store_path: Path, key: str | None, page: PageSummary, notes: list[str] = ()) -> None:
    """Keep a page just written under its key (best effort: a page not kept is drawn again)."""
    if key is None:
        return
    folder = Path(store_path) / PAGES_DIR
    with contextlib.suppress(OSError):
        folder.mkdir(mode=0o700, exist_ok=True)
        with open(page.path, "rb") as drawn:
            write_durably(folder / f"{key}.html", lambda handle: shutil.copyfileobj(drawn, handle), sync=False)
        meta = json.dumps({"nodes": page.nodes, "edges": page.edges, "description": page.description,
                           "notes": list(notes)}).encode()
        write_durably(folder / f"{key}.json", lambda handle: handle.write(meta), sync=False)
        pages = sorted(folder.glob("*.html"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in pages[KEEP:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
