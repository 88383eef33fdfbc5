"""`write_project(project, path)`: a `model.Project` written as a `.qdpx` that NVivo, ATLAS.ti and
MAXQDA open. The XML is built with ElementTree (values escaped by it, never formatted in), each
source's plain text goes in `sources/{guid}.txt`, and the document is checked against the
QDA-XML schema before the archive is written, so a bug here fails loudly instead of writing a
project the other tools refuse. The archive is written to a temporary file and moved into place.
"""
from __future__ import annotations

import os
import re
import tempfile
import uuid
import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

from casegraph.loaders.qda.model import Case, Code, Coding, Project, Selection, Source
from casegraph.loaders.qda.xml import NS, PROJECT, validate

SOURCE_TAGS = {"text": "TextSource", "picture": "PictureSource", "pdf": "PDFSource", "audio": "AudioSource",
               "video": "VideoSource"}
VALUE_TAGS = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue", "Float": "FloatValue",
              "Date": "DateValue", "DateTime": "DateTimeValue"}
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # XML 1.0 cannot hold these at all


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _element(parent: Element | None, tag: str, **attributes) -> Element:
    values = {key: _clean(str(value)) for key, value in attributes.items() if value not in (None, "")}
    return Element(tag, values) if parent is None else SubElement(parent, tag, values)


def _description(parent: Element, text: str) -> None:
    if text:
        _element(parent, "Description").text = _clean(text)


def _coding(parent: Element, coding: Coding) -> None:
    element = _element(parent, "Coding", guid=coding.guid, creatingUser=coding.creator,
                       creationDateTime=coding.created)
    _element(element, "CodeRef", targetGUID=coding.code)


def _codes(parent: Element, codes: tuple[Code, ...]) -> None:
    placed: dict[str | None, Element] = {None: _element(_element(parent, "CodeBook"), "Codes")}
    for code in codes:  # parents come first
        element = _element(placed.get(code.parent, placed[None]), "Code", guid=code.guid, name=code.name,
                           isCodable="true" if code.is_codable else "false", color=code.color)
        _description(element, code.description)
        placed[code.guid] = element


def _selection(parent: Element, selection: Selection) -> None:
    element = _element(parent, "PlainTextSelection", guid=selection.guid, name=selection.name,
                       startPosition=selection.start, endPosition=selection.end, creatingUser=selection.creator,
                       creationDateTime=selection.created)
    _description(element, selection.description)
    for coding in selection.codings:
        _coding(element, coding)


def _source(parent: Element, source: Source, members: dict[str, str]) -> None:
    text_path = f"internal://{source.guid}.txt" if source.text is not None else None
    if source.text is not None:
        members[f"sources/{source.guid}.txt"] = source.text
    tag = SOURCE_TAGS.get(source.kind, "TextSource")
    attributes = {"guid": source.guid, "name": source.name, "creatingUser": source.creator,
                  "creationDateTime": source.created}
    if tag == "TextSource":
        element = _element(parent, tag, plainTextPath=text_path, **attributes)
        _description(element, source.description)
        holder = element
    else:
        element = _element(parent, tag, path=source.path or f"internal://{source.guid}", **attributes)
        _description(element, source.description)
        holder = None
        if tag == "PDFSource" and text_path:
            holder = _element(element, "Representation", guid=str(uuid.uuid5(uuid.NAMESPACE_URL, source.guid)),
                              name=source.name, plainTextPath=text_path)
    for selection in source.selections if holder is not None else ():
        _selection(holder, selection)
    for coding in source.codings:
        _coding(element, coding)


def _case(parent: Element, case: Case, types: dict[str, str]) -> None:
    element = _element(parent, "Case", guid=case.guid, name=case.name)
    _description(element, case.description)
    for code in case.codes:
        _element(element, "CodeRef", targetGUID=code)
    for variable, value in case.values:
        holder = _element(element, "VariableValue")
        _element(holder, "VariableRef", targetGUID=variable)
        _element(holder, VALUE_TAGS.get(types.get(variable, "Text"), "TextValue")).text = _clean(value)
    for tag, guids in (("SourceRef", case.sources), ("SelectionRef", case.selections)):
        for guid in dict.fromkeys(guids):
            _element(element, tag, targetGUID=guid)


def project_xml(project: Project) -> tuple[bytes, dict[str, str]]:
    """The `project.qde` document and the archive members holding the sources' plain text."""
    root = _element(None, "Project", xmlns=NS, name=project.name, origin=project.origin,
                    creationDateTime=project.created, modifiedDateTime=project.modified)
    members: dict[str, str] = {}
    if project.users:
        users = _element(root, "Users")
        for user in project.users:
            _element(users, "User", guid=user.guid, name=user.name, id=user.id)
    if project.codes:
        _codes(root, project.codes)
    if project.variables:
        variables = _element(root, "Variables")
        for variable in project.variables:
            _description(_element(variables, "Variable", guid=variable.guid, name=variable.name,
                                  typeOfVariable=variable.type), variable.description)
    if project.cases:
        cases = _element(root, "Cases")
        types = {variable.guid: variable.type for variable in project.variables}
        for case in project.cases:
            _case(cases, case, types)
    if project.sources:
        sources = _element(root, "Sources")
        for kind in SOURCE_TAGS:  # the schema lists each kind of source in turn
            for source in project.sources:
                if SOURCE_TAGS.get(source.kind, "TextSource") == SOURCE_TAGS[kind]:
                    _source(sources, source, members)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="unicode").encode("utf-8"), members


def write_project(project: Project, path: Path | str) -> Path:
    """Write `project` as a .qdpx at `path` (checked against the schema first); returns the path."""
    path = Path(path)
    document, members = project_xml(project)
    validate(document, path)
    handle, temporary = tempfile.mkstemp(prefix=".casegraph-", suffix=".qdpx", dir=path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(PROJECT, document)
            for name, text in members.items():
                archive.writestr(name, text.encode("utf-8"))
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path
