"""`read_project(path)`: a `.qdpx` read into `model.Project`, refusing anything it cannot read
exactly. The archive is checked (`archive`), the XML parsed safely and validated (`xml`), then
every code, source, selection, coding, variable, case and set is read. An excerpt is the plain
text between a selection's offsets; offsets outside the text are an error, never clipped, since a
clipped excerpt would quote the wrong words."""
from __future__ import annotations

from pathlib import Path

from casegraph.loaders.qda import QdaError
from casegraph.loaders.qda.archive import PROJECT, QdaArchive
from casegraph.loaders.qda.model import Case, Code, Coding, Project, Selection, Source, User, Variable
from casegraph.loaders.qda.xml import NS, LineElement, parse, validate

INTERNAL = "internal://"
KINDS = {"TextSource": "text", "PDFSource": "pdf", "PictureSource": "picture", "AudioSource": "audio",
         "VideoSource": "video"}
VALUE_TAGS = tuple(f"{{{NS}}}{kind}Value" for kind in ("Text", "Boolean", "Integer", "Float", "Date", "DateTime"))


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _all(element: LineElement | None, *path: str) -> list[LineElement]:
    return element.findall("/".join(map(_q, path))) if element is not None else []


def _description(element: LineElement) -> str:
    found = element.find(_q("Description"))
    return (found.text or "") if found is not None else ""


def _refs(element: LineElement, tag: str) -> tuple[str, ...]:
    return tuple(ref.get("targetGUID") for ref in _all(element, tag))


def read_project(path: Path | str) -> Project:
    """Read a REFI-QDA project (`.qdpx`); raises QdaError naming the archive, member and line."""
    path = Path(path)
    with QdaArchive(path) as archive:
        data = archive.read(PROJECT)
        root = parse(data, path)
        validate(data, path)
        return _Reader(path, archive).project(root)


class _Reader:
    def __init__(self, path: Path, archive: QdaArchive):
        self.path, self.archive = path, archive
        self.codes: dict[str, Code] = {}

    def refuse(self, message: str, element: LineElement | None = None, member: str = PROJECT) -> QdaError:
        return QdaError(self.path, message, member, element.sourceline if element is not None else None)

    def project(self, root: LineElement) -> Project:
        users = tuple(User(u.get("guid"), u.get("name", ""), u.get("id", "")) for u in _all(root, "Users", "User"))
        codes = self.codebook(root)
        sources = tuple(self.source(element) for element in _all(root, "Sources", "*")
                        if element.tag.startswith(f"{{{NS}}}"))
        variables = tuple(Variable(v.get("guid"), v.get("name"), v.get("typeOfVariable"), _description(v))
                          for v in _all(root, "Variables", "Variable"))
        return Project(name=root.get("name"), origin=root.get("origin", ""), created=root.get("creationDateTime"),
                       modified=root.get("modifiedDateTime"), users=users, codes=codes, sources=sources,
                       variables=variables, cases=tuple(map(self.case, _all(root, "Cases", "Case"))),
                       sets=tuple(self.set(s) for s in _all(root, "Sets", "Set")))

    def codebook(self, root: LineElement) -> tuple[Code, ...]:
        """Every code, parents before children, in the codebook's order (depth first)."""
        stack = [(element, None) for element in reversed(_all(root, "CodeBook", "Codes", "Code"))]
        while stack:
            element, parent = stack.pop()
            guid = element.get("guid")
            if guid in self.codes:
                raise self.refuse(f"code guid {guid} is used twice ({self.codes[guid].name!r} and "
                                  f"{element.get('name')!r}); each code needs its own guid", element)
            self.codes[guid] = Code(guid, element.get("name"), element.get("isCodable") in ("true", "1"),
                                    element.get("color"), _description(element), parent)
            stack += [(child, guid) for child in reversed(_all(element, "Code"))]
        return tuple(self.codes.values())

    def source(self, element: LineElement) -> Source:
        kind = KINDS[element.tag.removeprefix(f"{{{NS}}}")]
        name = element.get("name", "")
        holder = element if kind == "text" else element.find(_q("Representation")) if kind == "pdf" else None
        text, where = self.plain_text(holder, name) if holder is not None else (None, None)
        selections = tuple(self.selection(s, text, name) for s in _all(holder, "PlainTextSelection"))
        return Source(element.get("guid"), name, kind, text, where, _description(element), selections,
                      tuple(map(self.coding, _all(element, "Coding"))), element.get("creatingUser"),
                      element.get("creationDateTime"))

    def plain_text(self, holder: LineElement, name: str) -> tuple[str | None, str | None]:
        """The source's plain text (inline, or an archive member) and the path as written."""
        inline = holder.find(_q("PlainTextContent"))
        if inline is not None:
            return inline.text or "", None
        written = holder.get("plainTextPath")
        if not written or not written.startswith(INTERNAL):
            return None, written  # no text, or text outside the archive: selections are refused below
        wanted = "sources/" + written.removeprefix(INTERNAL)
        member = self.archive.find(wanted)
        if member is None:
            raise self.refuse(f"source {name!r} has its text at {written!r}, but the archive has no member "
                              f"{wanted!r}: export the project again with its sources", holder)
        try:
            return self.archive.read(member).decode("utf-8-sig"), written
        except UnicodeDecodeError as error:
            raise self.refuse(f"the plain text of source {name!r} is not UTF-8 (byte {error.start:,}); "
                              "REFI-QDA plain text is UTF-8: export the project again", member=member) from None

    def coding(self, element: LineElement) -> Coding:
        code = element.find(_q("CodeRef")).get("targetGUID")
        if code not in self.codes:
            raise self.refuse(f"coding {element.get('guid')} applies code {code}, which is not in the codebook; "
                              "export the project again", element)
        return Coding(element.get("guid"), code, element.get("creatingUser"), element.get("creationDateTime"))

    def selection(self, element: LineElement, text: str | None, source: str) -> Selection:
        codings = tuple(map(self.coding, _all(element, "Coding")))
        start, end = int(element.get("startPosition")), int(element.get("endPosition"))
        names = ", ".join(repr(self.codes[c.code].name) for c in codings) or "no code"
        if text is None:
            raise self.refuse(f"selection {element.get('guid')} (coded {names}) is in source {source!r}, whose "
                              "plain text is not in the archive: export the project with its sources", element)
        if not 0 <= start <= end <= len(text):
            raise self.refuse(f"selection {element.get('guid')} (coded {names}) runs from character {start:,} "
                              f"to {end:,}, but source {source!r} has {len(text):,} characters; casegraph never "
                              "clips an excerpt: export the project again", element)
        return Selection(element.get("guid"), start, end, text[start:end], codings, element.get("name", ""),
                         _description(element), element.get("creatingUser"), element.get("creationDateTime"))

    def case(self, element: LineElement) -> Case:
        values = []
        for value in _all(element, "VariableValue"):
            found = next((child for child in value if child.tag in VALUE_TAGS), None)
            values.append((value.find(_q("VariableRef")).get("targetGUID"),
                           (found.text or "") if found is not None else ""))
        return Case(element.get("guid"), element.get("name", ""), _description(element), tuple(values),
                    _refs(element, "CodeRef"), _refs(element, "SourceRef"), _refs(element, "SelectionRef"))

    def set(self, element: LineElement) -> tuple[str, tuple[str, ...]]:
        members = [child.get("targetGUID") for child in element
                   if child.tag in (_q("MemberCode"), _q("MemberSource"), _q("MemberNote"))]
        return element.get("name"), tuple(members)
