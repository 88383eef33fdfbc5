"""The JSON Schema of the review file format, built from fields.py and the ontology's code lists."""
from __future__ import annotations

import json

from casegraph.loaders.fields import (CASE_CLOSURE, CODING_DETAILS, CURRENT, DETAILS, EVIDENCE, FORMAT_MARKER,
                                      FORMAT_VERSIONS, ID_PATTERN, REVIEW, STANDS_FOR_LISTS, Field, Section,
                                      sections_for)
from casegraph.ontology import Vocabulary, vocabulary

SCHEMA_IDS = {1: "https://w3id.org/casegraph/schema/review-1.json",
              2: "https://w3id.org/casegraph/schema/review-2.json"}
SCHEMA_FILES = {1: "review-1.schema.json", 2: "review.schema.json"}  # under schema/: the current one unnumbered
_SLUG = ID_PATTERN.removeprefix("^").removesuffix("(?!\\n)$")
EXTERNAL_REF_PATTERN = f"^{_SLUG}/{_SLUG}(?!\\n)$"  # review-id/item-id
_TEXT = {"type": "string", "minLength": 1}
_DATE = {"type": ["string", "integer"], "description": "partial or approximate date, e.g. 2014, "
         '"2014-05", "May 2014", "early 2016", "about 2014", "aged about 14"'}
_SIMPLE = {
    "text": _TEXT,
    "texts": {"type": "array", "items": _TEXT},
    "id": {"type": "string", "pattern": ID_PATTERN},
    "year": {"type": "integer", "minimum": 1900, "maximum": 2100},
    "bool": {"type": "boolean"},
    "page": {"type": ["string", "integer"]},
    "date": _DATE,
    "age": {"type": ["string", "integer", "number"], "description": 'age or band: 14, "about 14", "14-15"'},
    "ref": {"type": "string", "pattern": ID_PATTERN},
    "count": {"type": "integer", "minimum": 0},
    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    "external-refs": {"type": "array", "items": {"type": "string", "pattern": EXTERNAL_REF_PATTERN}},
    "evidence": {"$ref": "#/definitions/evidence"},
    "text-file": _TEXT,
    "code-ref": {"$ref": "#/definitions/casegraph-code"},
}


def _field_schema(field: Field) -> dict:
    if field.kind in ("code", "class"):
        schema: dict = {"$ref": f"#/definitions/{field.scheme}"}
    elif field.kind == "codes":
        schema = {"type": "array", "items": {"$ref": f"#/definitions/{field.scheme}"}}
    elif field.kind == "relationship":
        schema = {"$ref": "#/definitions/relationship-kind"}
    elif field.kind == "refs":
        schema = {"type": "array", "items": _SIMPLE["ref"]}
    elif field.kind == "item":
        schema = {"$ref": f"#/definitions/{field.detail.name}"}
    elif field.kind == "items":
        schema = {"type": "array", "items": {"$ref": f"#/definitions/{field.detail.name}"}}
    elif field.kind == "stays":  # an id, or a list of ids and {place, when} mappings
        stay = {"if": {"type": "object"}, "then": {"$ref": f"#/definitions/{field.detail.name}"},
                "else": _SIMPLE["ref"]}
        schema = {"type": ["string", "array"], "pattern": ID_PATTERN, "items": stay}
    else:
        schema = dict(_SIMPLE[field.kind])
    if field.min_items:
        schema["minItems"] = field.min_items
    if field.description:
        schema = {"description": field.description, **schema} if "$ref" not in schema else \
            {"allOf": [schema], "description": field.description}
    return schema


def _object_schema(section: Section, version: int) -> dict:
    fields = section.fields_for(version)
    schema = {
        "type": "object",
        "title": section.name,
        "additionalProperties": False,
        "required": [f.name for f in fields if f.required_in(version)],
        "properties": {f.name: _field_schema(f) for f in fields},
    }
    if section.description:
        schema["description"] = section.description
    role = next((f.name for f in fields if f.kind == "class"), None)
    limited = [f for f in fields if f.roles]
    if limited:  # a field only some roles have (a professional's agency) is unknown for the others
        schema["allOf"] = [{"if": {"properties": {role: {"enum": list(f.roles)}}},
                            "else": {"not": {"required": [f.name]}}} for f in limited]
    return schema


def _code_definitions(vocab: Vocabulary, version: int) -> dict:
    used = {f.scheme for s in (REVIEW, *sections_for(version), *DETAILS) for f in s.fields_for(version) if f.scheme}
    definitions = {scheme: {"title": scheme, "enum": vocab.codes(scheme)} for scheme in sorted(used)}
    definitions["relationship-kind"] = {"title": "relationship-kind", "enum": sorted(vocab.relationship_codes)}
    if version >= 2:
        definitions["casegraph-code"] = {"title": "casegraph-code", "description": "a casegraph code as list/code",
                                         "enum": [f"{list_id}/{code}" for list_id in STANDS_FOR_LISTS
                                                  for code in vocab.codes(list_id)]}
    return definitions


def _used_details(version: int) -> list[Section]:
    return [d for d in (*DETAILS, *CODING_DETAILS)
            if any(f.detail is d for s in (REVIEW, *sections_for(version)) for f in s.fields_for(version))]


def review_schema(version: int = CURRENT) -> dict:
    """JSON Schema (draft-07) of a `casegraph: review/N` file (a fresh copy: validators may annotate theirs)."""
    marker = next(text for text, number in FORMAT_VERSIONS.items() if number == version)
    definitions = _code_definitions(vocabulary(), version)
    definitions["evidence"] = _object_schema(EVIDENCE, version)
    definitions["review"] = _object_schema(REVIEW, version)
    for detail in _used_details(version):
        assert detail.name not in definitions, f"nested section {detail.name!r} has a code list's name"
        definitions[detail.name] = _object_schema(detail, version)
    properties = {FORMAT_MARKER: {"const": marker, "description": "marks a casegraph review file"},
                  "review": {"$ref": "#/definitions/review"}}
    for section in sections_for(version):
        definitions[section.name] = _object_schema(section, version)
        properties[section.name] = {"type": "array", "items": {"$ref": f"#/definitions/{section.name}"}}
    closure = definitions["responses"]
    closure["if"] = {"properties": {"kind": {"const": CASE_CLOSURE}}, "required": ["kind"]}
    closure["then"] = {"required": ["closure_reason"]}
    closure["else"] = {"not": {"required": ["closure_reason"]}}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_IDS[version],
        "title": "casegraph review file",
        "description": f"One serious case review coded for casegraph ({marker}); see docs/review-format.md.",
        "type": "object",
        "additionalProperties": False,
        "required": [FORMAT_MARKER, "review"],
        "properties": properties,
        "definitions": definitions,
    }


def dumps_schema(version: int = CURRENT) -> str:
    return json.dumps(review_schema(version), indent=2, ensure_ascii=False) + "\n"
