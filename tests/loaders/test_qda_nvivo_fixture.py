"""A synthetic project in the shape of an NVivo 14 REFI-QDA export (tests/data/qda/nvivo-style/):
four invented reviews coded with the study's Table 1 names, read whole, quoted exactly, mapped with
no mapping file, and counted as its expected.json says.

Other tests can build the archive with `nvivo_style_qdpx(tmp_path)`."""
from __future__ import annotations

import json
import zipfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest

from casegraph.loaders.qda.mapping import code_named, map_codes
from casegraph.loaders.qda.reader import read_project
from casegraph.ontology.codebook import code_list

NVIVO_STYLE = Path(__file__).resolve().parent.parent / "data" / "qda" / "nvivo-style"
NS = "{urn:QDA-XML:project:1.0}"
PRIMARY = ("Approach of the case review", "Contextual dynamics of harm",
           "Contextual dynamics of protection and safety", "Professional responses")


def nvivo_style_qdpx(target_dir: Path | str) -> Path:
    """The NVivo-style project zipped as NVivo exports it: `project.qde` at the root and each
    source's plain text under `sources/`. Returns `target_dir/nvivo-style.qdpx`."""
    path = Path(target_dir) / "nvivo-style.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(NVIVO_STYLE / "project.qde", "project.qde")
        for text in sorted((NVIVO_STYLE / "sources").glob("*.txt")):
            archive.write(text, f"sources/{text.name}")
    return path


@pytest.fixture
def nvivo_project(tmp_path) -> Path:
    return nvivo_style_qdpx(tmp_path)


@pytest.fixture
def project(nvivo_project):
    return read_project(nvivo_project)


@pytest.fixture(scope="module")
def expected() -> dict:
    return json.loads((NVIVO_STYLE / "expected.json").read_text(encoding="utf-8"))


def framework_counts(expected: dict) -> dict[str, dict[str, int]]:
    return {key: value for key, value in expected.items() if isinstance(value, dict) and "items" in value}


def test_the_project_reads_whole_and_schema_valid(project, expected):
    assert project.origin.startswith("NVivo 14 ")
    assert [u.id for u in project.users] == ["MO", "RL"]
    assert len(project.sources) == expected["sources"]
    assert project.selection_count() == expected["selections"]
    assert len(project.codes) == expected["codes"]
    assert len(project.cases) == expected["cases"]
    assert [c.name for c in project.codes if c.parent is None] == \
        [*PRIMARY, "Harm types", "Memos to follow up", "Quotes for report"]
    assert any(c.color for c in project.codes) and any(c.description for c in project.codes)
    assert all(c.color is None or c.color.startswith("#") for c in project.codes)
    for source in project.sources:
        assert source.kind == "text" and 1500 <= len(source.text) <= 4000
        assert "SYNTHETIC TEXT" in source.text
        assert source.path == f"internal://{source.guid}.txt"


def test_every_selection_quotes_its_text_exactly(project, expected):
    tree = ET.parse(NVIVO_STYLE / "project.qde").getroot()  # read independently of casegraph
    written = {s.get("guid"): (int(s.get("startPosition")), int(s.get("endPosition")))
               for s in tree.iter(f"{NS}PlainTextSelection")}
    assert len(written) == project.selection_count()
    for source in project.sources:
        text = (NVIVO_STYLE / "sources" / f"{source.guid}.txt").read_text(encoding="utf-8")
        assert source.text == text
        # The passages the coder meant (expected.json), not only what the offsets happen to cut out.
        assert [s.text for s in sorted(source.selections, key=lambda s: s.start)] == expected["excerpts"][source.name]
        for selection in source.selections:
            start, end = written[selection.guid]
            assert (selection.start, selection.end) == (start, end)
            assert selection.text == text[start:end] and text.count(selection.text) == 1
            assert selection.codings and all(c.creator and c.created for c in selection.codings)
        # Offsets are characters, not bytes: non-ASCII text comes before the first coded passage.
        first = min(s.start for s in source.selections)
        assert len(text[:first].encode("utf-8")) > first


def test_table_1_names_map_to_the_framework_with_no_mapping_file(project, expected):
    mapping = map_codes(project)
    by_guid = project.code_by_guid()
    unmapped = sorted("/".join(by_guid[guid].path(by_guid)) for guid in mapping.unmapped)
    assert unmapped == expected["unmapped_codes"]
    assert all(why == "no casegraph code of that name" for why in mapping.unmapped.values())
    table_1 = [c for c in project.codes if c.path(by_guid)[0] in PRIMARY]
    for code in table_1:
        target = mapping.target(code.guid)
        assert target is not None and target.list == "framework", code.path(by_guid)
        if code.parent:  # a child node sits under its primary node's code
            assert target.broader == (mapping.target(code.parent).code,), code.path(by_guid)
    # Every framework code is the target of exactly one Table 1 code.
    assert sorted(mapping.target(c.guid).code for c in table_1) == sorted(c.notation for c in code_list("framework").codes)
    harm_types = [c for c in project.codes if c.parent and by_guid[c.parent].name == "Harm types"]
    assert harm_types and all(mapping.target(c.guid).list == "harm-type" for c in harm_types)


def test_counts_per_framework_code_equal_expected(project, expected):
    mapping = map_codes(project)
    sources, items = defaultdict(set), defaultdict(int)
    harm_types = {source.name: set() for source in project.sources}
    for source in project.sources:
        for selection in source.selections:
            for target in {mapping.target(c.code) for c in selection.codings} - {None}:
                if target.list == "framework" and target.broader:  # child nodes
                    sources[target.code].add(source.guid)
                    items[target.code] += 1
                elif target.list == "harm-type":
                    harm_types[source.name].add(target.code)
    counted = {code: {"reviews": len(sources[code]), "items": items[code]} for code in sources}
    assert counted == framework_counts(expected)
    assert {name: sorted(found) for name, found in harm_types.items()} == expected["harm_types_per_source"]


def test_cases_carry_nvivo_classification_attributes(project):
    variables = {v.guid: v for v in project.variables}
    assert {(v.name, v.type) for v in variables.values()} == {
        ("Gender", "Text"), ("Age", "Integer"), ("Role", "Text"),
        ("Year", "Integer"), ("Review type", "Text"), ("Area", "Text")}
    source_guids = {s.guid for s in project.sources}
    reviews, people = [], []
    for case in project.cases:
        values = {variables[guid].name: value for guid, value in case.values}
        assert len(case.sources) == 1 and case.sources[0] in source_guids
        (reviews if "Year" in values else people).append(values)
        if "Year" in values:
            assert set(values) == {"Year", "Review type", "Area"} and 2010 <= int(values["Year"]) <= 2022
            assert code_named("review-kind", values["Review type"]) in ("scr", "cspr")
        else:
            assert set(values) == {"Gender", "Age", "Role"} and 10 <= int(values["Age"]) < 18
            assert code_named("Person", values["Role"]) in ("young-person", "peer")
            assert code_named("gender", values["Gender"]) in ("female", "male")
    assert len(reviews) == len(project.sources) and len(people) == 5
