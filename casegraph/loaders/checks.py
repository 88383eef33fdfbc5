"""Check a parsed review file: its shape (JSON Schema), then what a schema cannot say
(ids unique, references resolve to the right kind of item, dates exist).

Messages quote values through `excerpt`, never whole: a value may be 100,000 characters long.
At most MAX_PROBLEMS problems are reported for a file, so a file of errors is explained quickly.
"""
from __future__ import annotations

import difflib
import functools
import re

from casegraph.errors import Problem
from casegraph.loaders.dates import DateError, parse_age, parse_partial_date
from casegraph.loaders.fields import (DOCUMENTS, EVIDENCE, FORMAT_MARKER, FORMAT_VERSION, FORMAT_VERSIONS, PEOPLE, REVIEW,
                                      REVIEWER, YOUNG_PERSON, Field, sections_for)
from casegraph.loaders.coding_checks import check_excerpts
from casegraph.loaders.schema import EXTERNAL_REF_PATTERN, review_schema
from casegraph.loaders.yaml_reader import LONGEST_NAME, excerpt, format_path, line_of, short_id

SINGULAR = {"people": "person", "groups": "group", "places": "place", "relationships": "relationship",
            "incidents": "incident", "contexts": "context", "responses": "response",
            "challenges": "challenge", "recommendations": "recommendation", "qda_codes": "project code",
            "documents": "document", "excerpts": "excerpt"}
MAX_PROBLEMS = 100  # per file: the first hundred say what is wrong; more only take time to find
MAX_SUGGESTED = 1_000  # "did you mean" looks among at most this many names


@functools.cache
def _fast_validator(version: int):
    import fastjsonschema

    return fastjsonschema.compile(review_schema(version))


@functools.cache
def _explaining_validator(version: int):
    """Draft 7, with the keywords whose own messages repr the whole value replaced by ones that
    do not: jsonschema would build "[...] is not of type 'string'" from a value of any size."""
    import jsonschema

    original = jsonschema.Draft7Validator.VALIDATORS

    def _failed(keyword: str) -> jsonschema.ValidationError:
        return jsonschema.ValidationError(f"fails {keyword}")  # never the value: _explain says what is wrong

    def type_(validator, types, instance, schema):
        if not any(validator.is_type(instance, t) for t in ([types] if isinstance(types, str) else types)):
            yield _failed("type")

    def enum(validator, enums, instance, schema):
        if not all(isinstance(e, str) for e in enums):
            yield from original["enum"](validator, enums, instance, schema)
        elif not (isinstance(instance, str) and instance in enums):
            yield _failed("enum")

    def const(validator, const, instance, schema):
        if not isinstance(const, str):
            yield from original["const"](validator, const, instance, schema)
        elif not (isinstance(instance, str) and instance == const):
            yield _failed("const")

    def pattern(validator, regex, instance, schema):
        if validator.is_type(instance, "string") and not re.search(regex, instance):
            yield _failed("pattern")

    def sized(keyword, kind, too_few):
        def check(validator, bound, instance, schema):
            if validator.is_type(instance, kind) and too_few(instance, bound):
                yield _failed(keyword)
        return check

    def not_(validator, subschema, instance, schema):
        if validator.evolve(schema=subschema).is_valid(instance):
            yield _failed("not")

    def additional(validator, allowed, instance, schema):
        if allowed is not False or "patternProperties" in schema:
            yield from original["additionalProperties"](validator, allowed, instance, schema)
        elif validator.is_type(instance, "object") and any(k not in schema.get("properties", {}) for k in instance):
            yield _failed("additionalProperties")

    return jsonschema.validators.extend(jsonschema.Draft7Validator, {
        "type": type_, "enum": enum, "const": const, "pattern": pattern, "not": not_,
        "additionalProperties": additional,
        "minLength": sized("minLength", "string", lambda value, n: len(value) < n),
        "minItems": sized("minItems", "array", lambda value, n: len(value) < n),
        "minimum": sized("minimum", "number", lambda value, n: value < n),
        "maximum": sized("maximum", "number", lambda value, n: value > n),
    })(review_schema(version))


def format_version(data: object) -> int | None:
    """The format version a parsed review file declares (1 or 2), None when it declares none we read."""
    marker = data.get(FORMAT_MARKER) if isinstance(data, dict) else None
    return FORMAT_VERSIONS.get(marker) if isinstance(marker, str) else None


def check_marker(data: object) -> list[Problem]:
    """Is this a review file at all? Checked first so other YAML gets one clear line."""
    if not isinstance(data, dict) or FORMAT_MARKER not in data:
        kind = type(data).__name__ if not isinstance(data, dict) else "mapping without it"
        return [Problem("", f"not a casegraph review: expected a mapping whose first key is "
                            f"'{FORMAT_MARKER}: {FORMAT_VERSION}' (found a {kind})", line_of(data, ()))]
    if format_version(data) is None:
        readable = " or ".join(f"'{marker}'" for marker in FORMAT_VERSIONS)
        return [Problem(FORMAT_MARKER, f"unsupported format {excerpt(data[FORMAT_MARKER])}; this casegraph "
                                       f"reads {readable}", line_of(data, (FORMAT_MARKER,)))]
    return []


def check_schema(data: dict, version: int) -> list[Problem]:
    import fastjsonschema

    try:
        _fast_validator(version)(data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    problems: dict = {}
    for problem in _schema_problems(data, version):
        problems.setdefault((problem.path, problem.message), problem)
        if len(problems) > MAX_PROBLEMS:
            break
    return _capped(list(problems.values()))


def _schema_problems(data: dict, version: int):
    """Problems as the schema finds them, one at a time: a caller may stop when it has enough."""
    for error in _explaining_validator(version).iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {})
            allowed = _allowed_fields(sorted(known), error.instance, path)
            found = ((path + (key,), _unknown_field(str(key), allowed, error.instance, path))
                     for key in error.instance if key not in known)
        elif error.validator == "not" and (name := _role_field(error, path)):
            allowed = _allowed_fields(sorted(f.name for f in PEOPLE.fields_for(version)), error.instance, path)
            found = iter([(path + (name,), _unknown_field(name, allowed, error.instance, path))])
        else:
            found = iter([(path, _explain(error))])
        for where, message in found:
            yield Problem(format_path(where), message, line_of(data, where))


def _capped(problems: list[Problem]) -> list[Problem]:
    problems = sorted(problems, key=lambda p: (p.line or 0, p.path))
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return problems[:MAX_PROBLEMS] + [Problem("", f"more problems not listed: only the first {MAX_PROBLEMS} "
                                                  "are; fix these and check the file again")]


ROLE = next(f.name for f in PEOPLE.fields if f.kind == "class")
ROLE_LIMITED = {f.name: f for f in PEOPLE.fields if f.roles}  # fields only some roles of person have


def _person_field(path: tuple, name: str):
    """The role-limited field `name`, when `path` is a person (people[n])."""
    return ROLE_LIMITED.get(name) if len(path) == 2 and path[0] == PEOPLE.name else None


def _role_field(error, path: tuple) -> str | None:
    """The field a person has that only other roles may have (the schema says `not required`)."""
    value = error.validator_value
    names = value.get("required", []) if isinstance(value, dict) else []
    return names[0] if len(names) == 1 and _person_field(path, names[0]) else None


def _allowed_fields(names: list[str], item: dict, path: tuple) -> list[str]:
    """A person may have the fields of every role, and those of their own role."""
    role = item.get(ROLE)
    if not isinstance(role, str):
        return names
    return [name for name in names if not (field := _person_field(path, name)) or role in field.roles]


def _unknown_field(name: str, allowed: list[str], item: dict, path: tuple) -> str:
    listing = f"allowed fields: {', '.join(allowed)}"
    if (field := _person_field(path, name)) and item.get(ROLE) not in field.roles:
        return (f"unknown field {name!r} for a person with {ROLE} {excerpt(item.get(ROLE))}: only {ROLE} "
                f"{' or '.join(field.roles)} has it; {listing}")
    return f"unknown field {excerpt(name)}{_did_you_mean(name, allowed)}; {listing}"


def _explain(error) -> str:
    kind, value, schema = error.validator, error.instance, error.schema
    if kind == "required":
        missing = error.validator_value
        name = next((m for m in missing if m not in value), missing[0])
        reason = " (required when kind is case-closure)" if name == "closure_reason" else ""
        return f"missing required field {name!r}{reason}"
    if kind == "not" and error.absolute_path and "closure_reason" in value:
        return "closure_reason is only allowed when kind is case-closure"
    if kind == "enum":
        scheme = schema.get("title", "code")
        choices = schema["enum"]
        return (f"unknown {scheme} code {excerpt(value)}{_did_you_mean(value, choices)}; "
                f"expected one of: {', '.join(choices)}")
    if kind == "const":
        return f"expected {error.validator_value!r}, got {excerpt(value)}"
    if kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"expected {_a(expected)}, got {_describe(value)}"
    if kind == "pattern" and error.validator_value == EXTERNAL_REF_PATTERN:
        return (f"{excerpt(value)} is not review-id/item-id: name the other review's id and its item's "
                "id, e.g. scr-12-2018/inc-3")
    if kind == "pattern":
        return (f"{excerpt(value)} is not a valid id: use letters, digits, '.', '_' and '-', "
                "starting with a letter or digit")
    if kind == "minItems":
        return f"expected at least {error.validator_value} item(s), got {len(value)}"
    if kind == "minLength":
        return "must not be empty"
    if kind in ("minimum", "maximum"):
        return f"{excerpt(value)} is out of range ({kind} {error.validator_value})"
    return error.message


def _a(expected: str) -> str:
    names = {"string": "text", "array": "a list", "object": "a mapping of fields", "integer": "a whole number",
             "boolean": "true or false", "number": "a number"}
    return " or ".join(names.get(part, part) for part in expected.split(" or "))


def _describe(value: object) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {excerpt(value)}"


def _did_you_mean(value: object, choices) -> str:
    choices = list(choices)
    if not isinstance(value, str) or len(value) > LONGEST_NAME or len(choices) > MAX_SUGGESTED:
        return ""
    close = difflib.get_close_matches(value, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def index_ids(data: dict) -> tuple[dict[str, tuple[str, int]], list[Problem]]:
    """Map each local id to (section, position), reporting duplicates."""
    index: dict[str, tuple[str, int]] = {}
    problems = []
    for section in sections_for(format_version(data) or 1):
        for position, item in enumerate(data.get(section.name) or ()):
            local_id = item["id"]
            if local_id in index:
                first_section, first_position = index[local_id]
                first_line = line_of(data, (first_section, first_position))
                problems.append(Problem(
                    f"{section.name}[{position}].id",
                    f"duplicate id {excerpt(local_id)}: already used by {first_section}[{first_position}] "
                    f"on line {first_line}; ids must be unique in the file",
                    line_of(data, (section.name, position, "id"))))
            else:
                index[local_id] = (section.name, position)
    return index, problems


def check_references(data: dict, index: dict[str, tuple[str, int]], version: int) -> list[Problem]:
    problems: list[Problem] = []
    known: dict[tuple[str, ...], list[str]] = {}  # ids in each set of target sections, listed once
    checks = _Checks(data, index, known, version)
    problems += checks.fields(REVIEW.fields_for(version), ("review",), data["review"])
    for section in sections_for(version):
        fields = section.fields_for(version)
        for position, item in enumerate(data.get(section.name) or ()):
            problems += checks.fields(fields, (section.name, position), item)
            if len(problems) > MAX_PROBLEMS:
                return problems
    people = data.get(PEOPLE.name) or ()
    # A review brought in from QDA software may be its documents and their coding alone.
    if not any(person.get("role") == YOUNG_PERSON for person in people) and not data.get(DOCUMENTS.name):
        problems.append(Problem("people", "a review must describe at least one person with role "
                                          f"{YOUNG_PERSON!r} (the subject of the review)",
                                line_of(data, ("people",))))
    return problems


class _Checks:
    """What a schema cannot say about one file's fields: references resolve, dates exist."""

    def __init__(self, data: dict, index, known, version: int):
        self.data, self.index, self.known, self.version = data, index, known, version

    def problem(self, path: tuple, message: str) -> Problem:
        return Problem(format_path(path), message, line_of(self.data, path))

    def fields(self, fields: tuple[Field, ...], path: tuple, item: dict) -> list[Problem]:
        problems = []
        for field in fields:
            if field.name not in item:
                continue
            value, where = item[field.name], path + (field.name,)
            if field.kind in ("ref", "refs"):
                refs = [value] if field.kind == "ref" else value
                for n, ref in enumerate(refs):
                    at = where + ((n,) if field.kind == "refs" else ())
                    message = _reference_problem(self.data, field.targets, ref, self.index, field.name, self.known)
                    if message:
                        problems.append(self.problem(at, message))
            elif field.kind in ("date", "age"):
                try:
                    parse_age(value) if field.kind == "age" else parse_partial_date(value)
                except DateError as error:
                    problems.append(self.problem(where, str(error)))
            elif field.kind in ("item", "items", "stays"):
                problems += self.details(field, where, value)
            elif field.kind == "evidence":
                problems += self.fields(EVIDENCE.fields_for(self.version), where, value)
            elif field.kind == "external-refs":
                problems += self.same_events(path, where, value)
        return problems

    def details(self, field: Field, where: tuple, value) -> list[Problem]:
        if field.kind == "item":
            return self.fields(field.detail.fields_for(self.version), where, value)
        problems = []
        for n, entry in enumerate([value] if isinstance(value, str) else value):
            if isinstance(entry, dict):
                problems += self.fields(field.detail.fields_for(self.version), where + (n,), entry)
            elif message := _reference_problem(self.data, field.targets, entry, self.index, field.name, self.known):
                problems.append(self.problem(where + ((n,) if not isinstance(value, str) else ()), message))
        return problems

    def same_events(self, path: tuple, where: tuple, refs: list[str]) -> list[Problem]:
        """same_as into this file must name another of its incidents; into another review, anything
        (that review may be loaded later: the store says so on load)."""
        problems = []
        own = self.data["review"]["id"]
        for n, ref in enumerate(refs):
            review, item = ref.split("/", 1)
            if review != own:
                continue
            found = self.index.get(item)
            if found is None or found[0] != "incidents":
                problems.append(self.problem(where + (n,), f"{excerpt(ref)} names this review, but {excerpt(item)} "
                                                           "is not one of its incidents"))
            elif found == (path[0], path[1]):
                problems.append(self.problem(where + (n,), f"{excerpt(ref)} is this incident itself"))
        return problems


def _reference_problem(data: dict, targets: tuple[str, ...], ref: str, index, field_name: str,
                       known: dict[tuple[str, ...], list[str]]) -> str | None:
    wanted = " or ".join(targets)
    if ref not in index:
        if targets not in known:
            known[targets] = sorted(i for i, (s, _) in index.items() if s in targets)
        ids = known[targets]
        hint = _did_you_mean(ref, ids)
        listing = f"; known ids there: {', '.join(map(short_id, ids[:20]))}{' ...' if len(ids) > 20 else ''}" \
            if ids else f"; this file has no {wanted}"
        return f"{excerpt(ref)} is not the id of any item in {wanted}{hint}{listing}"
    section, position = index[ref]
    if section not in targets:
        return f"{excerpt(ref)} is {_article(SINGULAR[section])} (in {section}), but {field_name} must refer to {wanted}"
    wanted_role = {"young_person": YOUNG_PERSON, "authors": REVIEWER}.get(field_name)
    if wanted_role and data[section][position].get("role") != wanted_role:
        return f"{excerpt(ref)} has role {data[section][position].get('role')!r}; {field_name} must refer to a " \
               f"person with role {wanted_role!r}"
    return None


def _article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def check_review_data(data: object) -> tuple[dict[str, tuple[str, int]], list[Problem]]:
    """All problems in a parsed review file (the first MAX_PROBLEMS), and the id index when there are none."""
    problems = check_marker(data)
    if problems:
        return {}, problems
    version = format_version(data)
    problems = check_schema(data, version)  # type: ignore[arg-type]
    if problems:
        return {}, problems
    index, problems = index_ids(data)  # type: ignore[arg-type]
    if len(problems) <= MAX_PROBLEMS:
        problems += check_references(data, index, version)  # type: ignore[arg-type]
        problems += _check_publication(data)  # type: ignore[arg-type]
        problems += check_excerpts(data)  # type: ignore[arg-type]
    return index, _capped(problems)


def _check_publication(data: dict) -> list[Problem]:
    """`published` must fall in `year`, the publication year: two fields, one fact."""
    review = data["review"]
    if "published" not in review:
        return []
    try:
        published = parse_partial_date(review["published"])
    except DateError:
        return []  # reported with the other dates
    years = {d.year for d in (published.earliest, published.latest) if d}
    if years and review["year"] not in range(min(years), max(years) + 1):
        path = ("review", "published")
        return [Problem(format_path(path), f"published {excerpt(review['published'])} is not in year "
                                           f"{review['year']}, the publication year; correct one of them",
                        line_of(data, path))]
    return []
