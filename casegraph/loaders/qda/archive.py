"""A `.qdpx` opened as the untrusted zip it is: every member name checked when it is opened,
members read into memory only (nothing is ever extracted to disk), and every size bounded both
by what the zip's headers claim and by what decompressing actually produces, since headers lie.

Only the members casegraph reads (`project.qde` and the plain text of sources) are size-checked:
a project may legitimately hold large videos or PDFs that casegraph never opens.
"""
from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from casegraph.loaders.qda import QdaError

# Limits. The MAXQDA sample (307 codes, 10 documents) is 11 members, 136 KB of XML and 40 KB per
# text; a project of a few thousand documents with their PDFs, pictures and notes stays far below
# 20,000 members. One member read may be 200 MB (a long transcript's text is a few MB; a
# project.qde of tens of thousands of codings some tens of MB), and all read together 500 MB, so
# a hostile archive costs at most about that in memory. Real text and XML compress 3 to 20 times;
# 100:1 over 1 MB is what a zip bomb (a run of one byte) does, not a document.
MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # members under this size may compress any amount (small XML, blank text)
CHUNK = 1024 * 1024
PROJECT = "project.qde"


class QdaArchive:
    """An open `.qdpx`; use as a context manager. `read(name)` gives one member's bytes."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.total = 0
        try:
            self._zip = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile as error:
            raise QdaError(self.path, f"not a zip archive ({error}); a .qdpx is the zip a REFI-QDA "
                                      "export writes: export the project again") from None
        except OSError as error:
            raise QdaError(self.path, f"cannot read the file: {error.strerror or error}") from None
        try:
            self._members = self._check_members()
        except QdaError:
            self._zip.close()
            raise

    def __enter__(self) -> QdaArchive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def _refuse(self, message: str, member: str | None = None) -> QdaError:
        return QdaError(self.path, message, member)

    def _check_members(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise self._refuse(f"{len(infos):,} members; casegraph reads archives of at most {MAX_MEMBERS:,}: "
                               "this is not an ordinary project export")
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            if name.startswith("/") or "\\" in name or ".." in PurePosixPath(name).parts or \
                    (len(name) > 1 and name[1] == ":") or "\x00" in name:
                raise self._refuse("an unsafe member name (absolute, with '..', a drive or a backslash); "
                                   "a project export never has one: do not open this archive", name)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise self._refuse("a symbolic link; a project export never holds links: "
                                   "do not open this archive", name)
            if name in members:
                raise self._refuse("the member appears twice; export the project again", name)
            members[name] = info
        if PROJECT not in members:
            raise self._refuse(f"no {PROJECT} in the archive; a .qdpx must hold the project as "
                               f"{PROJECT} at its top: export the project again from the QDA software")
        return members

    def find(self, name: str) -> str | None:
        """The member called `name`, or one whose name differs only in case (`Sources/` for
        `sources/`, as tools write either); None if there is none."""
        if name in self._members:
            return name
        folded = name.casefold()
        return next((member for member in self._members if member.casefold() == folded), None)

    def read(self, name: str) -> bytes:
        """The bytes of member `name` (as `find` gives it), refusing a member too big or too
        compressed whether its header says so or decompressing shows it."""
        info = self._members[name]
        self._check_size(name, info.file_size, info.compress_size)
        chunks, size = [], 0
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(CHUNK):
                    size += len(chunk)
                    self._check_size(name, size, info.compress_size)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError,
                ValueError, OSError) as error:  # corrupt data, bad CRC, encrypted, unknown compression
            raise self._refuse(f"cannot read the member ({error}); export the project again "
                               "without a password or unusual compression", name) from None
        self.total += size
        return b"".join(chunks)

    def _check_size(self, name: str, size: int, compressed: int) -> None:
        if size > MAX_MEMBER_BYTES:
            raise self._refuse(f"{size:,} bytes uncompressed or more; casegraph reads members of at most "
                               f"{MAX_MEMBER_BYTES:,} bytes: split the project", name)
        if size > RATIO_FLOOR and size > MAX_RATIO * max(compressed, 1):
            raise self._refuse(f"compressed more than {MAX_RATIO}:1 ({compressed:,} bytes to {size:,} or more), "
                               "which is a zip bomb, not a document: do not open this archive", name)
        if self.total + size > MAX_TOTAL_BYTES:
            raise self._refuse(f"the members read come to more than {MAX_TOTAL_BYTES:,} bytes uncompressed; "
                               "split the project", name)
