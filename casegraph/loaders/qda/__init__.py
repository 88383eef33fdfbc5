"""REFI-QDA projects (`.qdpx`, the exchange format of NVivo, ATLAS.ti and MAXQDA), read safely
into plain data (`model`): the archive (`archive`), the XML (`xml`), the schema
(`Project-mrt2019.xsd`, the official QDA-XML Project schema v1.0, MIT) and the project itself
(`reader.read_project`)."""
from __future__ import annotations

from pathlib import Path

from casegraph.errors import CasegraphError


class QdaError(CasegraphError):
    """A `.qdpx` archive or its `project.qde` that casegraph will not read: one line naming the
    archive, the member (and line) and what to do."""

    def __init__(self, archive: Path | str, message: str, member: str | None = None, line: int | None = None):
        self.archive, self.problem, self.member, self.line = str(archive), message, member, line
        where = self.archive + (f" [{member}" + (f", line {line}" if line else "") + "]" if member else "")
        super().__init__(f"{where}: {message}")

    def __reduce__(self):  # errors travel back from worker processes
        return type(self), (self.archive, self.problem, self.member, self.line)


__all__ = ["QdaError"]
