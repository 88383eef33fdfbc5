"""A REFI-QDA project as review/2 documents: what `casegraph import qdpx` stores or writes out.

Each source document becomes a review (`per="source"`), or each case that is a review does, with
the sources it refers to as its documents (`per="case"`). In every review: the project's whole
codebook (`qda_codes`, each with what it stands for), its documents with their plain text, every
coded selection as an excerpt at its offsets with who coded it and when, and the people its cases
describe. A case is a person when a `Role` variable (or a code it carries) names a person role;
any other case describes the reviews of its sources (`Year`, `Review type`, `Area`, ...). What
casegraph has no field for is kept as the case's variables, never dropped.

Nothing here guesses what a passage means beyond what its codes say: a passage coded "Child
sexual exploitation" makes the review's harm types include it, and the passage itself is the
evidence; incidents, places and responses are for the analyst to add to the files written out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from casegraph.loaders.fields import FORMAT_MARKER, FORMAT_VERSION
from casegraph.loaders.qda import QdaError
from casegraph.loaders.qda.mapping import CodeMapping, code_named, normalised
from casegraph.loaders.qda.model import Case, Code, Coding, Project, Source
from casegraph.loaders.review_writer import slug

PER = ("source", "case")
REVIEW_VARIABLES = {"year": "year", "publication year": "year", "review type": "kind", "type of review": "kind",
                    "kind": "kind", "area": "area", "local authority": "area", "partnership": "partnership",
                    "safeguarding partnership": "partnership", "level": "level"}
PERSON_VARIABLES = {"role": "role", "gender": "gender", "sex": "gender", "age": "age", "ethnicity": "ethnicity"}
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")


@dataclass
class ImportedReview:
    """One review/2 document (plain data, documents holding their `text`) and how it was made."""

    data: dict
    notes: list[str] = field(default_factory=list)  # what the analyst should check, in words

    @property
    def review_id(self) -> str:
        return self.data["review"]["id"]


def _unique(base: str, taken: set[str], guid: str = "") -> str:
    """`base`, or where that is taken `base` and the start of the guid: an id that does not depend on
    the order things come in, so a project exported and imported again gets the same ids."""
    found = base if base not in taken else f"{base}-{slug(guid)[:8]}" if guid else base
    n = 1
    while found in taken:
        n += 1
        found = f"{base}-{n}"
    taken.add(found)
    return found


class _Project:
    """The project indexed for building reviews: code ids, user names, who each case is."""

    def __init__(self, project: Project, mapping: CodeMapping):
        self.project, self.mapping = project, mapping
        self.by_guid = project.code_by_guid()
        taken: set[str] = set()
        self.code_ids = {c.guid: _unique(slug(".".join(c.path(self.by_guid)[-2:]), "code"), taken, c.guid)
                         for c in sorted(project.codes, key=lambda c: c.guid)}
        self.users = {u.guid: u.name or u.id or u.guid for u in project.users}
        self.variables = {v.guid: v for v in project.variables}
        self.roles = {case.guid: self.role_of(case) for case in project.cases}

    def role_of(self, case: Case) -> str | None:
        for guid, value in case.values:
            if normalised(self.variables[guid].name) == "role" and (role := code_named("Person", value)):
                return role
        targets = [self.mapping.target(code) for code in case.codes]
        return next((t.code for t in targets if t and t.list == "Person"), None)

    def qda_codes(self) -> list[dict]:
        codes = []
        for code in self.project.codes:
            item = {"id": self.code_ids[code.guid], "name": code.name}
            if code.parent:
                item["parent"] = self.code_ids[code.parent]
            if target := self.mapping.target(code.guid):
                item["stands_for"] = target.name
            if code.color:
                item["color"] = code.color
            if not code.is_codable:
                item["codable"] = False
            if code.description:
                item["description"] = code.description
            item["guid"] = code.guid
            codes.append(item)
        return codes

    def coding(self, coding: Coding) -> dict:
        item = {"code": self.code_ids[coding.code]}
        if coding.creator:
            item["by"] = self.users.get(coding.creator, coding.creator)
        if coding.created:
            item["at"] = coding.created
        item["guid"] = coding.guid
        return item

    def split(self, case: Case) -> tuple[dict, list[dict]]:
        """A case's values: those casegraph has fields for (by field name), and the rest as variables."""
        table = PERSON_VARIABLES if self.roles[case.guid] else REVIEW_VARIABLES
        known, rest = {}, []
        for guid, value in case.values:
            name = self.variables[guid].name
            wanted = table.get(normalised(name))
            if wanted and value.strip() and wanted not in known:
                known[wanted] = value.strip()
            elif value.strip():
                rest.append({"name": name, "value": value})
        return known, rest


def project_reviews(project: Project, mapping: CodeMapping, per: str = "source") -> list[ImportedReview]:
    """The reviews a project holds (see the module docstring); raises QdaError if `per` is unknown."""
    if per not in PER:
        raise QdaError(project.name, f"--review-per must be one of {', '.join(PER)}, not {per!r}")
    indexed = _Project(project, mapping)
    ordered = sorted(project.sources, key=lambda source: (source.name, source.guid))  # ids whatever the order
    sources = {source.guid: source for source in ordered}
    groups: list[tuple[Case | None, list[Source]]] = []
    review_cases = sorted((case for case in project.cases if not indexed.roles[case.guid]), key=lambda case: case.guid)
    if per == "case":
        grouped: set[str] = set()
        for case in review_cases:
            members = sorted((sources[guid] for guid in case.sources if guid in sources and guid not in grouped),
                             key=lambda source: (source.name, source.guid))
            if members:
                grouped |= {source.guid for source in members}
                groups.append((case, members))
        groups += [(None, [source]) for source in ordered if source.guid not in grouped]
    else:
        for source in ordered:
            describing = [case for case in review_cases if source.guid in case.sources]
            groups.append((describing[0] if describing else None, [source]))
    taken: set[str] = set()
    return [_review(indexed, case, members, taken) for case, members in groups]


def _review(indexed: _Project, case: Case | None, sources: list[Source], taken: set[str]) -> ImportedReview:
    project, notes = indexed.project, []
    title = case.name if case is not None and len(sources) > 1 else sources[0].name
    known, variables = indexed.split(case) if case is not None else ({}, [])
    review = {"id": _unique(slug(title, "review"), taken, (case.guid if case else sources[0].guid)), "title": title}
    review["year"] = _year(known.get("year"), title, sources, project, notes)
    kind = code_named("review-kind", known["kind"]) if "kind" in known else None
    if "kind" in known and not kind:
        variables.append({"name": "Review type", "value": known["kind"]})
    review["kind"] = kind or "not-stated"
    if "level" in known and (level := code_named("review-level", known["level"])):
        review["level"] = level
    for name in ("area", "partnership"):
        if name in known:
            review[name] = known[name]
    data: dict = {FORMAT_MARKER: FORMAT_VERSION, "review": review}
    people = _people(indexed, sources, notes)
    documents, excerpts, codings = _documents(indexed, sources, people)
    harm_types = _targets(indexed, codings, "harm-type")
    if harm_types:
        review["harm_types"] = harm_types
    if framework := _targets(indexed, [c for s in sources for c in s.codings], "framework"):
        review["codes"] = framework
    review["project"] = project.name
    if case is not None:
        review["guid"] = case.guid
    if variables:
        review["variables"] = variables
    if people:
        data["people"] = [person for person, _ in people.values()]
    data["qda_codes"] = indexed.qda_codes()
    data["documents"] = documents
    if excerpts:
        data["excerpts"] = excerpts
    return ImportedReview(data, notes)


def _year(written: str | None, title: str, sources: list[Source], project: Project, notes: list[str]) -> int:
    if written and written.strip().isdigit() and 1900 <= int(written) <= 2100:
        return int(written)
    if found := _YEAR.search(title):
        notes.append(f"year {found.group(1)} taken from the name {title!r}; give its case a Year variable to be sure")
        return int(found.group(1))
    for stamp, what in [(s.created, "the source was added to the project") for s in sources] + \
                       [(project.created, "the project was created")]:
        if stamp and _YEAR.match(stamp):
            notes.append(f"year {stamp[:4]} is when {what}, not the review's: give its case a Year variable")
            return int(stamp[:4])
    raise QdaError(project.name, f"nothing says which year review {title!r} is from: give its case a Year variable "
                                 "in the QDA software and export the project again")


def _people(indexed: _Project, sources: list[Source], notes: list[str]) -> dict[str, tuple[dict, Case]]:
    """Person cases that refer to these sources or their selections, by case guid."""
    guids = {source.guid for source in sources}
    selections = {selection.guid for source in sources for selection in source.selections}
    people: dict[str, tuple[dict, Case]] = {}
    taken: set[str] = set()
    for case in sorted(indexed.project.cases, key=lambda case: case.guid):
        role = indexed.roles[case.guid]
        if not role or not (guids & set(case.sources) or selections & set(case.selections)):
            continue
        known, variables = indexed.split(case)
        person = {"id": _unique(slug(case.name, "person"), taken, case.guid), "role": role, "name": case.name}
        if "gender" in known:
            gender = code_named("gender", known["gender"])
            person["gender"] = gender or "unknown"
            if not gender:
                variables.append({"name": "Gender", "value": known["gender"]})
        if "age" in known:
            person["age"] = _age(known["age"], case, variables, notes)
        if "age" in person and person["age"] is None:
            del person["age"]
        if "ethnicity" in known:
            person["ethnicity"] = known["ethnicity"]
        person["guid"] = case.guid
        if variables:
            person["variables"] = variables
        people[case.guid] = (person, case)
    return people


def _age(value: str, case: Case, variables: list[dict], notes: list[str]) -> str | int | None:
    from casegraph.loaders.dates import DateError, parse_age

    try:
        parse_age(value)
    except DateError:
        notes.append(f"age {value!r} of {case.name!r} is not an age casegraph reads; kept as a variable")
        variables.append({"name": "Age", "value": value})
        return None
    return int(value) if value.isdigit() else value


def _documents(indexed: _Project, sources: list[Source], people: dict) -> tuple[list[dict], list[dict], list[Coding]]:
    """The documents, the excerpts coded in them and every coding applied (to passages or to whole sources)."""
    about: dict[str, list[str]] = {}
    for person, case in people.values():
        for guid in case.selections:
            about.setdefault(guid, []).append(person["id"])
    documents, excerpts, codings, taken = [], [], [], set()
    for source in sorted(sources, key=lambda source: (source.name, source.guid)):
        document = {"id": _unique(slug(source.name, "document"), taken, source.guid), "name": source.name,
                    "kind": source.kind}
        if source.text is not None:
            document["text"] = source.text
        if source.description:
            document["description"] = source.description
        document["guid"] = source.guid
        if source.created:
            document["added"] = source.created
        if source.codings:
            document["codings"] = [indexed.coding(c) for c in sorted(source.codings, key=lambda c: c.guid)]
        documents.append(document)
        codings += source.codings
        # Numbered in text order, not the project's: the same passages get the same ids however written.
        for selection in sorted(source.selections, key=lambda s: (s.start, s.end, s.guid)):
            excerpt = {"id": f"sel-{len(excerpts) + 1}", "document": document["id"], "start": selection.start,
                       "end": selection.end, "quote": selection.text}
            if selection.codings:
                excerpt["codings"] = [indexed.coding(c) for c in sorted(selection.codings, key=lambda c: c.guid)]
            if selection.guid in about:
                excerpt["about"] = about[selection.guid]
            if selection.name:
                excerpt["name"] = selection.name
            if selection.description:
                excerpt["note"] = selection.description
            excerpt["guid"] = selection.guid
            excerpts.append(excerpt)
            codings += selection.codings
    return documents, excerpts, codings


def _targets(indexed: _Project, codings: list[Coding], list_id: str) -> list[str]:
    found = [indexed.mapping.target(coding.code) for coding in codings]
    return sorted({t.code for t in found if t and t.list == list_id})


__all__ = ["PER", "ImportedReview", "project_reviews", "Code"]
