"""Check a parsed review file: its shape (JSON Schema), then what a schema cannot say
(ids unique, references resolve to the right kind of item, dates exist)."""
from __future__ import annotations

import difflib
import functools

from casegraph.errors import Problem
from casegraph.loaders.dates import DateError, parse_age, parse_partial_date
from casegraph.loaders.fields import FORMAT_MARKER, FORMAT_VERSION, ITEM_SECTIONS, PEOPLE, Section
from casegraph.loaders.schema import review_schema
from casegraph.loaders.yaml_reader import line_of

SINGULAR = {"people": "person", "groups": "group", "places": "place", "relationships": "relationship",
            "incidents": "incident", "contexts": "context", "responses": "response",
            "challenges": "challenge", "recommendations": "recommendation"}
YOUNG_PERSON = "young-person"


def format_path(path) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


@functools.cache
def _fast_validator():
    import fastjsonschema

    return fastjsonschema.compile(review_schema())


@functools.cache
def _explaining_validator():
    import jsonschema

    return jsonschema.Draft7Validator(review_schema())


def check_marker(data: object) -> list[Problem]:
    """Is this a review file at all? Checked first so other YAML gets one clear line."""
    if not isinstance(data, dict) or FORMAT_MARKER not in data:
        kind = type(data).__name__ if not isinstance(data, dict) else "mapping without it"
        return [Problem("", f"not a casegraph review: expected a mapping whose first key is "
                            f"'{FORMAT_MARKER}: {FORMAT_VERSION}' (found a {kind})", line_of(data, ()))]
    if data[FORMAT_MARKER] != FORMAT_VERSION:
        return [Problem(FORMAT_MARKER, f"unsupported format {data[FORMAT_MARKER]!r}; this casegraph "
                                       f"reads '{FORMAT_VERSION}'", line_of(data, (FORMAT_MARKER,)))]
    return []


def check_schema(data: dict) -> list[Problem]:
    import fastjsonschema

    try:
        _fast_validator()(data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    problems = {}
    for error in _explaining_validator().iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = sorted(error.schema.get("properties", {}))
            found = [(path + (key,), _unknown_field(str(key), allowed)) for key in error.instance
                     if key not in allowed]
        else:
            found = [(path, _explain(error))]
        for where, message in found:
            problem = Problem(format_path(where), message, line_of(data, where))
            problems.setdefault((problem.path, problem.message), problem)
    return sorted(problems.values(), key=lambda p: (p.line or 0, p.path))


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
        return (f"unknown {scheme} code {value!r}{_did_you_mean(str(value), choices)}; "
                f"expected one of: {', '.join(choices)}")
    if kind == "const":
        return f"expected {error.validator_value!r}, got {value!r}"
    if kind == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"expected {_a(expected)}, got {_describe(value)}"
    if kind == "pattern":
        return (f"{value!r} is not a valid id: use letters, digits, '.', '_' and '-', "
                "starting with a letter or digit")
    if kind == "minItems":
        return f"expected at least {error.validator_value} item(s), got {len(value)}"
    if kind == "minLength":
        return "must not be empty"
    if kind in ("minimum", "maximum"):
        return f"{value!r} is out of range ({kind} {error.validator_value})"
    return error.message


def _unknown_field(name: str, allowed: list[str]) -> str:
    return f"unknown field {name!r}{_did_you_mean(name, allowed)}; allowed fields: {', '.join(allowed)}"


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
    return f"{type(value).__name__} {value!r}"


def _did_you_mean(value: str, choices) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def index_ids(data: dict) -> tuple[dict[str, tuple[str, int]], list[Problem]]:
    """Map each local id to (section, position), reporting duplicates."""
    index: dict[str, tuple[str, int]] = {}
    problems = []
    for section in ITEM_SECTIONS:
        for position, item in enumerate(data.get(section.name) or ()):
            local_id = item["id"]
            if local_id in index:
                first_section, first_position = index[local_id]
                first_line = line_of(data, (first_section, first_position))
                problems.append(Problem(
                    f"{section.name}[{position}].id",
                    f"duplicate id {local_id!r}: already used by {first_section}[{first_position}] "
                    f"on line {first_line}; ids must be unique in the file",
                    line_of(data, (section.name, position, "id"))))
            else:
                index[local_id] = (section.name, position)
    return index, problems


def check_references(data: dict, index: dict[str, tuple[str, int]]) -> list[Problem]:
    problems = []
    for section in ITEM_SECTIONS:
        for position, item in enumerate(data.get(section.name) or ()):
            problems += _check_item(data, section, position, item, index)
    people = data.get(PEOPLE.name) or ()
    if not any(person.get("role") == YOUNG_PERSON for person in people):
        problems.append(Problem("people", "a review must describe at least one person with role "
                                          f"{YOUNG_PERSON!r} (the subject of the review)",
                                line_of(data, ("people",))))
    return problems


def _check_item(data: dict, section: Section, position: int, item: dict, index) -> list[Problem]:
    problems = []
    for field in section.fields:
        if field.name not in item:
            continue
        value = item[field.name]
        if field.kind in ("ref", "refs"):
            refs = [value] if field.kind == "ref" else value
            for n, ref in enumerate(refs):
                path = (section.name, position, field.name) + ((n,) if field.kind == "refs" else ())
                message = _reference_problem(data, field.targets, ref, index, field.name)
                if message:
                    problems.append(Problem(format_path(path), message, line_of(data, path)))
        elif field.kind in ("date", "age"):
            try:
                parse_age(value) if field.kind == "age" else parse_partial_date(value)
            except DateError as error:
                path = (section.name, position, field.name)
                problems.append(Problem(format_path(path), str(error), line_of(data, path)))
    return problems


def _reference_problem(data: dict, targets: tuple[str, ...], ref: str, index, field_name: str) -> str | None:
    wanted = " or ".join(targets)
    if ref not in index:
        known = sorted(i for i, (s, _) in index.items() if s in targets)
        hint = _did_you_mean(ref, known)
        listing = f"; known ids there: {', '.join(known[:20])}{' ...' if len(known) > 20 else ''}" if known else \
            f"; this file has no {wanted}"
        return f"{ref!r} is not the id of any item in {wanted}{hint}{listing}"
    section, position = index[ref]
    if section not in targets:
        return f"{ref!r} is {_article(SINGULAR[section])} (in {section}), but {field_name} must refer to {wanted}"
    if field_name == "young_person" and data[section][position].get("role") != YOUNG_PERSON:
        return f"{ref!r} has role {data[section][position].get('role')!r}; young_person must refer to a " \
               f"person with role {YOUNG_PERSON!r}"
    return None


def _article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def check_review_data(data: object) -> tuple[dict[str, tuple[str, int]], list[Problem]]:
    """All problems in a parsed review file, and the id index when there are none."""
    problems = check_marker(data)
    if problems:
        return {}, problems
    problems = check_schema(data)  # type: ignore[arg-type]
    if problems:
        return {}, problems
    index, problems = index_ids(data)  # type: ignore[arg-type]
    problems += check_references(data, index)  # type: ignore[arg-type]
    return index, sorted(problems, key=lambda p: (p.line or 0, p.path))

