"""A REFI-QDA project's codes map to casegraph's codes by name (the study's own Table 1 names need no
mapping file), by the code they sit under when a name recurs, or as a mapping file says."""
from __future__ import annotations

import pytest

from casegraph.loaders.qda.mapping import MappingError, map_codes, mapping_rows, read_mapping
from casegraph.loaders.qda.model import Code, Project


def project(*codes: tuple[str, str, str | None]) -> Project:
    return Project("nvivo-style", codes=tuple(Code(guid, name, parent=parent) for guid, name, parent in codes))


TABLE_1 = project(
    ("g-harm", "Contextual dynamics of harm", None),
    ("g-harm-peers", "Peers", "g-harm"),
    ("g-harm-school", "School", "g-harm"),
    ("g-safety", "Contextual dynamics of protection and safety", None),
    ("g-safety-peers", "Peers", "g-safety"),
    ("g-approach", "Approach of the case review", None),
    ("g-local", "Local system not equipped to respond to extra-familial contexts", "g-approach"),
    ("g-cse", "Child exploitation via sexual abuse", None),
    ("g-misc", "Memo: follow up with the author", None),
)


def test_the_studys_own_names_map_with_no_mapping_file():
    mapping = map_codes(TABLE_1)
    names = {guid: target.name for guid, target in mapping.targets.items()}
    assert names == {
        "g-harm": "framework/contextual-dynamics-of-harm", "g-harm-peers": "framework/harm-peers",
        "g-harm-school": "framework/harm-school", "g-safety": "framework/contextual-dynamics-of-safety",
        "g-safety-peers": "framework/safety-peers", "g-approach": "framework/approach-of-review",
        "g-local": "framework/local-not-equipped-contexts", "g-cse": "harm-type/sexual-exploitation"}
    assert mapping.unmapped == {"g-misc": "no casegraph code of that name"}  # kept, never dropped
    assert "under framework/contextual-dynamics-of-harm" in mapping.targets["g-harm-peers"].how


def test_a_recurring_name_with_nothing_above_it_is_ambiguous():
    mapping = map_codes(project(("g-peers", "Peers", None)))
    assert mapping.unmapped["g-peers"].startswith("ambiguous: framework/harm-peers, framework/safety-peers")


def test_a_mapping_file_names_codes_by_name_path_or_guid(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text('mappings:\n  "Memo: follow up with the author": none\n'
                    '  "Contextual dynamics of harm/School": framework/harm-school\n'
                    '  g-cse: harm-type/online-grooming\n', encoding="utf-8")
    mapping = map_codes(TABLE_1, read_mapping(path))
    assert mapping.targets["g-cse"].name == "harm-type/online-grooming"
    assert mapping.targets["g-cse"].how == "mapping file"
    assert mapping.unmapped["g-misc"] == "left unmapped by the mapping file"
    rows = {row[0]: row[1:] for row in mapping_rows(TABLE_1, mapping)}
    assert rows["Contextual dynamics of harm/Peers"][0] == "framework/harm-peers"


@pytest.mark.parametrize("overrides, message", [
    ({"No such code": "harm-type/sexual-exploitation"}, "which is no code of project 'nvivo-style'"),
    ({"g-cse": "harm-type/no-such-harm"}, "no code 'no-such-harm' in the harm-type list"),
    ({"g-cse": "colours/red"}, "'colours/red'"),
])
def test_a_bad_mapping_says_what_is_wrong(overrides, message):
    with pytest.raises(MappingError, match=message.replace("(", r"\(")):
        map_codes(TABLE_1, overrides)
