"""Which codes of a REFI-QDA project stand for which casegraph terms.

By default a project code maps to the casegraph code whose label or alternative label is its
name (case, punctuation and "&"/"and" aside), in the code lists a researcher codes reviews
with: the study's framework (Table 1), harm types, context types, response kinds and person
roles. So a project coded with the study's own names needs no mapping file. A code whose name
matches codes of two lists is ambiguous and maps to neither until a mapping file says which.

A mapping file is YAML: project code (its name, its path "Parent/Child", or its guid) -> a
casegraph code as `list/code` (`harm-type/sexual-exploitation`, `framework/harm-peers`,
`Person/young-person`), or `none` to keep it unmapped::

    mappings:
      "CSE": harm-type/sexual-exploitation
      "Themes/Peer groups": framework/harm-peers
      "Misc": none

Unmapped codes are never dropped: they are kept whole as codes of the project's own scheme.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from casegraph.errors import CasegraphError
from casegraph.loaders.qda.model import Code, Project

MAPPED_LISTS = ("framework", "harm-type", "context-type", "response-kind", "Person")
NONE = "none"


@dataclass(frozen=True)
class Target:
    """A casegraph code a project code stands for, and why."""

    list: str  # a code list id: "harm-type", "framework", "Person", ...
    code: str  # its notation
    label: str
    how: str  # "label", "alternative label", "label, under <parent's target>" or "mapping file"
    broader: tuple[str, ...] = ()  # the notations of its broader codes in its list

    @property
    def name(self) -> str:
        return f"{self.list}/{self.code}"


@dataclass(frozen=True)
class CodeMapping:
    """Every project code's target (or why it has none)."""

    targets: dict[str, Target]  # project code guid -> target
    unmapped: dict[str, str]  # project code guid -> why: "no casegraph code of that name", ...

    def target(self, guid: str) -> Target | None:
        return self.targets.get(guid)


class MappingError(CasegraphError):
    """A mapping file that names a project code or a casegraph code that does not exist."""


def normalised(name: str) -> str:
    """
    >>> normalised("Peer-on-peer abuse"), normalised("Schools & education")
    ('peer on peer abuse', 'schools and education')
    """
    return " ".join(re.sub(r"[^0-9a-z]+", " ", name.lower().replace("&", " and ")).split())


def _by_name() -> dict[str, list[Target]]:
    from casegraph.ontology.codebook import code_list

    found: dict[str, list[Target]] = {}
    for list_id in MAPPED_LISTS:
        for code in code_list(list_id).codes:
            for text, how in [(code.label, "label")] + [(alt, "alternative label") for alt in code.alt_labels]:
                key = normalised(text)
                targets = found.setdefault(key, [])
                if not any(t.list == list_id and t.code == code.notation for t in targets):
                    targets.append(Target(list_id, code.notation, code.label, how, code.broader))
    return found


def code_named(list_id: str, text: str) -> str | None:
    """The notation of the code of a list whose notation, label or alternative label is `text`.

    >>> code_named("review-kind", "SCR"), code_named("gender", "female"), code_named("Person", "Young Person")
    ('scr', 'female', 'young-person')
    """
    from casegraph.ontology.codebook import code_list

    wanted = normalised(text)
    for code in code_list(list_id).codes:
        if wanted in {normalised(code.notation), normalised(code.label), *map(normalised, code.alt_labels)}:
            return code.notation
    return None


def _casegraph_code(text: str) -> Target:
    from casegraph.ontology.codebook import UnknownCodeList, code_list

    list_id, _, notation = text.partition("/")
    try:
        codes = {c.notation: c for c in code_list(list_id).codes}
    except UnknownCodeList as error:
        raise MappingError(f"{text!r}: {error}") from None
    if notation not in codes:
        raise MappingError(f"{text!r}: no code {notation!r} in the {list_id} list (see casegraph codes {list_id})")
    return Target(list_id, notation, codes[notation].label, "mapping file")


def map_codes(project: Project, overrides: dict[str, str] | None = None) -> CodeMapping:
    """Each project code's casegraph target: the mapping file's word first, else its name."""
    by_guid = project.code_by_guid()
    keys: dict[str, str] = {}  # a mapping file's ways to name a code -> its guid
    for code in project.codes:
        for key in (code.guid, code.name, "/".join(code.path(by_guid))):
            keys.setdefault(key, code.guid)
    chosen: dict[str, Target | None] = {}
    for key, value in (overrides or {}).items():
        if key not in keys:
            raise MappingError(f"mapping names {key!r}, which is no code of project {project.name!r} "
                               "(give a code's name, its path Parent/Child, or its guid)")
        chosen[keys[key]] = None if str(value).strip().lower() == NONE else _casegraph_code(str(value).strip())
    names = _by_name()
    targets, unmapped = {}, {}
    for code in project.codes:
        if code.guid in chosen:
            if chosen[code.guid] is None:
                unmapped[code.guid] = "left unmapped by the mapping file"
            else:
                targets[code.guid] = chosen[code.guid]
            continue
        found = names.get(normalised(code.name), [])
        if len(found) > 1:  # "Peers" under "Contextual dynamics of harm" is framework/harm-peers
            found = _under_parent(found, code, by_guid, targets)
        if len(found) == 1:
            targets[code.guid] = found[0]
        elif found:
            unmapped[code.guid] = "ambiguous: " + ", ".join(t.name for t in found) + " (say which in a mapping file)"
        else:
            unmapped[code.guid] = "no casegraph code of that name"
    return CodeMapping(targets, unmapped)


def _under_parent(found: list[Target], code: Code, by_guid: dict[str, Code], targets: dict[str, Target]) -> list[Target]:
    """Of several same-named targets, those below the target of the code's nearest mapped ancestor."""
    parent = by_guid.get(code.parent) if code.parent else None
    while parent is not None and parent.guid not in targets:
        parent = by_guid.get(parent.parent) if parent.parent else None
    if parent is None:
        return found
    above = targets[parent.guid]
    below = [t for t in found if t.list == above.list and above.code in t.broader]
    return [Target(t.list, t.code, t.label, f"{t.how}, under {above.name}", t.broader) for t in below] or found


def read_mapping(path: Path) -> dict[str, str]:
    """A mapping file's `mappings:` (see the module docstring), read with casegraph's bounded YAML."""
    from casegraph.loaders.yaml_reader import decode_text, loads_yaml, read_bytes

    data = loads_yaml(decode_text(path, read_bytes(path)), path)
    mappings = data.get("mappings") if isinstance(data, dict) else None
    if not isinstance(mappings, dict) or not all(isinstance(v, str) for v in mappings.values()):
        raise MappingError(f"{path}: expected `mappings:` with one `project code: list/code` per line")
    return {str(k): v for k, v in mappings.items()}


def mapping_rows(project: Project, mapping: CodeMapping) -> list[list[str]]:
    """One row per project code, for `--show-mapping`: path, target, how or why not."""
    by_guid = project.code_by_guid()
    rows = []
    for code in project.codes:
        target = mapping.target(code.guid)
        rows.append(["/".join(code.path(by_guid)), target.name if target else "",
                     target.how if target else mapping.unmapped.get(code.guid, "")])
    return rows


__all__ = ["CodeMapping", "MappingError", "Target", "code_named", "map_codes", "mapping_rows", "normalised",
           "read_mapping", "Code"]
