"""Rewrite a `review/1` file as `review/2`, keeping every comment, blank line and layout.

review/2 reads everything review/1 says the same way (its new fields are all optional and a
single place id still fits `attends` and `lives_at`), so a migration changes the format marker
only, and the new file means what the old one did plus review/2's defaults (a family member is the
relative of the review's one young person). The text is edited on the marker's own line rather
than parsed and dumped again, which is what keeps the analyst's comments: a YAML round trip would
drop them. Both versions of the file are checked, so a migration never writes a file that does not
load.
"""
from __future__ import annotations

import re
from pathlib import Path

from casegraph.errors import Problem, ReviewFileError
from casegraph.loaders.checks import check_review_data, format_version
from casegraph.loaders.fields import FORMAT_MARKER, FORMAT_VERSION, FORMAT_VERSIONS
from casegraph.loaders.review_file import ReviewFileLoader
from casegraph.loaders.yaml_reader import decode_text, line_of, loads_yaml

_OLD = next(marker for marker, number in FORMAT_VERSIONS.items() if number == 1)


def migrate_text(text: str, source: Path) -> str | None:
    """The review/2 text of a review/1 file; None when it is review/2 already. Raises
    ReviewFileError when the file is not a valid review (fix it first: `casegraph validate`)."""
    loader = ReviewFileLoader()
    data = loader.check(text.encode("utf-8"), source)
    if format_version(data) != 1:
        return None
    line = line_of(data, (FORMAT_MARKER,))
    lines = text.splitlines(keepends=True)
    marker = re.compile(rf"(?<![\w/.-]){re.escape(_OLD)}(?![\w/.-])")
    if line is None or not 1 <= line <= len(lines) or len(marker.findall(lines[line - 1])) != 1:
        raise ReviewFileError(source, [Problem(FORMAT_MARKER, f"cannot find '{_OLD}' on the marker's line; "
                                                              f"write '{FORMAT_MARKER}: {FORMAT_VERSION}' by hand",
                                               line)])
    lines[line - 1] = marker.sub(FORMAT_VERSION, lines[line - 1])
    migrated = "".join(lines)
    _, problems = check_review_data(loads_yaml(migrated, source))
    if problems:  # review/2 should read every review/1 file: a problem here is casegraph's, and shown
        raise ReviewFileError(source, problems)
    return migrated


def migrate_file(path: Path) -> bool:
    """Rewrite one file in place (atomically: a crash leaves the old file or the new one whole);
    False when it was review/2 already."""
    import os
    import tempfile

    from casegraph.loaders.yaml_reader import read_bytes

    text = decode_text(path, read_bytes(path))
    migrated = migrate_text(text, path)
    if migrated is None:
        return False
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(migrated)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
