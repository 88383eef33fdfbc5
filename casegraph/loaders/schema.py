"""The JSON Schema of the review file format, built from fields.py and the ontology's code lists."""
from __future__ import annotations

import json

from casegraph.loaders.fields import (CASE_CLOSURE, EVIDENCE, FORMAT_MARKER, FORMAT_VERSION, ID_PATTERN,
                                      ITEM_SECTIONS, REVIEW, Field, Section)
from casegraph.ontology import Vocabulary, vocabulary

SCHEMA_ID = "https://w3id.org/casegraph/schema/review-1.json"
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
    "evidence": {"$ref": "#/definitions/evidence"},
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
    else:
        schema = dict(_SIMPLE[field.kind])
    if field.min_items:
        schema["minItems"] = field.min_items
    if field.description:
        schema = {"description": field.description, **schema} if "$ref" not in schema else \
            {"allOf": [schema], "description": field.description}
    return schema


def _object_schema(section: Section) -> dict:
    schema = {
        "type": "object",
        "title": section.name,
        "additionalProperties": False,
        "required": [f.name for f in section.fields if f.required],
        "properties": {f.name: _field_schema(f) for f in section.fields},
    }
    role = next((f.name for f in section.fields if f.kind == "class"), None)
    limited = [f for f in section.fields if f.roles]
    if limited:  # a field only some roles have (a professional's agency) is unknown for the others
        schema["allOf"] = [{"if": {"properties": {role: {"enum": list(f.roles)}}},
                            "else": {"not": {"required": [f.name]}}} for f in limited]
    return schema


def _code_definitions(vocab: Vocabulary) -> dict:
    used = {f.scheme for s in (REVIEW, *ITEM_SECTIONS) for f in s.fields if f.scheme}
    definitions = {scheme: {"title": scheme, "enum": vocab.codes(scheme)} for scheme in sorted(used)}
    definitions["relationship-kind"] = {"title": "relationship-kind", "enum": sorted(vocab.relationship_codes)}
    return definitions


def review_schema() -> dict:
    """JSON Schema (draft-07) of a `casegraph: review/1` file (a fresh copy: validators may annotate theirs)."""
    definitions = _code_definitions(vocabulary())
    definitions["evidence"] = _object_schema(EVIDENCE)
    definitions["review"] = _object_schema(REVIEW)
    properties = {FORMAT_MARKER: {"const": FORMAT_VERSION, "description": "marks a casegraph review file"},
                  "review": {"$ref": "#/definitions/review"}}
    for section in ITEM_SECTIONS:
        definitions[section.name] = _object_schema(section)
        properties[section.name] = {"type": "array", "items": {"$ref": f"#/definitions/{section.name}"}}
    closure = definitions["responses"]
    closure["if"] = {"properties": {"kind": {"const": CASE_CLOSURE}}, "required": ["kind"]}
    closure["then"] = {"required": ["closure_reason"]}
    closure["else"] = {"not": {"required": ["closure_reason"]}}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "casegraph review file",
        "description": "One serious case review coded for casegraph; see docs/review-format.md.",
        "type": "object",
        "additionalProperties": False,
        "required": [FORMAT_MARKER, "review"],
        "properties": properties,
        "definitions": definitions,
    }


def dumps_schema() -> str:
    return json.dumps(review_schema(), indent=2, ensure_ascii=False) + "\n"
