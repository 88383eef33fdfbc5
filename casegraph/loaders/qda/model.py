"""A REFI-QDA project as plain, immutable data: what `reader.read_project` returns and what
casegraph maps to reviews (and writes back). Names follow the QDA-XML elements they come from;
every element keeps its `guid`, so a project read, mapped and written back keeps its identity."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class User:
    """A `<User>`: who coded."""

    guid: str
    name: str = ""
    id: str = ""  # the project's own user id, where given


@dataclass(frozen=True)
class Code:
    """A `<Code>` of the codebook, flattened: `parent` is the guid of the code it sits in."""

    guid: str
    name: str
    is_codable: bool = True
    color: str | None = None  # "#rrggbb"
    description: str = ""
    parent: str | None = None

    def path(self, by_guid: dict[str, Code]) -> tuple[str, ...]:
        """The names from the top of the codebook down to this code."""
        names, code = [], self
        while code is not None:
            names.append(code.name)
            code = by_guid.get(code.parent) if code.parent else None
        return tuple(reversed(names))


@dataclass(frozen=True)
class Coding:
    """One code applied to a selection (`<Coding>` with its `<CodeRef>`), by whom and when."""

    guid: str
    code: str  # the code's guid
    creator: str | None = None  # a user's guid
    created: str | None = None  # xsd:dateTime as written


@dataclass(frozen=True)
class Selection:
    """A coded `<PlainTextSelection>`: character offsets [start, end) into its source's plain
    text, the excerpt itself, and the codings applied to it."""

    guid: str
    start: int
    end: int
    text: str  # source text[start:end]
    codings: tuple[Coding, ...] = ()
    name: str = ""
    description: str = ""
    creator: str | None = None
    created: str | None = None


@dataclass(frozen=True)
class Source:
    """A `<TextSource>` (or a PDF or other source with a plain-text representation): its name, its
    plain text where the project holds it, and its coded selections."""

    guid: str
    name: str
    kind: str  # "text", "pdf", "picture", "audio", "video"
    text: str | None = None  # None: the project holds no plain text for it
    path: str | None = None  # the member of the archive it came from, as written in the project
    description: str = ""
    selections: tuple[Selection, ...] = ()
    codings: tuple[Coding, ...] = ()  # codes applied to the whole source
    creator: str | None = None
    created: str | None = None


@dataclass(frozen=True)
class Variable:
    """A `<Variable>` that cases carry (NVivo's classifications' attributes)."""

    guid: str
    name: str
    type: str  # Text, Boolean, Integer, Float, Date, DateTime
    description: str = ""


@dataclass(frozen=True)
class Case:
    """A `<Case>`: a person, a review, any unit the researcher classified, with its variables'
    values (by variable guid, as text as written), the codes applied to it and its sources."""

    guid: str
    name: str
    description: str = ""
    values: tuple[tuple[str, str], ...] = ()  # (variable guid, value as written)
    codes: tuple[str, ...] = ()  # code guids
    sources: tuple[str, ...] = ()  # source guids
    selections: tuple[str, ...] = ()  # selection guids


@dataclass(frozen=True)
class Project:
    """A whole REFI-QDA project."""

    name: str
    origin: str = ""  # the software that wrote it ("MAXQDA 24 (Release 24.7.0)")
    created: str | None = None
    modified: str | None = None
    users: tuple[User, ...] = ()
    codes: tuple[Code, ...] = ()  # every code, parents before children
    sources: tuple[Source, ...] = ()
    variables: tuple[Variable, ...] = ()
    cases: tuple[Case, ...] = ()
    sets: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)  # (set name, member guids)

    def code_by_guid(self) -> dict[str, Code]:
        return {code.guid: code for code in self.codes}

    def selection_count(self) -> int:
        return sum(len(source.selections) for source in self.sources)
