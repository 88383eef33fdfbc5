"""The example files stay good and, between them, show the whole review/2 format: every file under
examples/ validates and loads, the synthetic ones say so and the coded ones do not, every review/2
field (and every field of its nested detail sections) is used by some example, as is every code
the review/2 issue added, and the event told twice is one event once both reviews are loaded."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from casegraph.graph.loading import load_paths
from casegraph.loaders import fields, load
from casegraph.loaders.yaml_reader import loads_yaml
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"
REVIEWS = EXAMPLES / "reviews"
SYNTHETIC = EXAMPLES / "synthetic"
VERSION = 2
NEW_CODES = {  # scheme -> the codes the review/2 issue added, each shown by some example
    "harm-type": {"harm-by-professionals", "intimate-search", "accident", "road-collision", "victim-of-crime",
                  "not-stated"},
    "agency": {"not-stated"},
}


def example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())


FILES = example_files()


def parsed(path: Path) -> dict:
    return loads_yaml(path.read_text(encoding="utf-8"), path)


def test_there_are_coded_and_synthetic_examples():
    folders = {path.parent for path in FILES}
    assert folders == {REVIEWS, SYNTHETIC}
    assert len(list(SYNTHETIC.glob("*.yaml"))) >= 3


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(EXAMPLES)) for p in FILES])
def test_every_example_loads(path):
    review = load(path)
    assert review.quads
    assert review.review_id == parsed(path)["review"]["id"]


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(EXAMPLES)) for p in FILES])
def test_synthetic_examples_say_so_and_coded_ones_do_not(path):
    synthetic = path.parent == SYNTHETIC
    assert parsed(path)["review"].get("synthetic", False) is synthetic
    if synthetic:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#") and "SYNTHETIC" in first.upper() and "no real child" in first


def format_paths(prefix: str, section: fields.Section) -> Iterator[str]:
    """Every review/2 field path of a section, into the nested sections of item(s) and stays fields."""
    for field in section.fields_for(VERSION):
        path = f"{prefix}.{field.name}"
        yield path
        if field.kind in ("item", "items", "stays") and field.detail is not None:
            yield from format_paths(path, field.detail)


def all_format_paths() -> set[str]:
    found = set(format_paths("review", fields.REVIEW))
    for section in fields.sections_for(VERSION):
        found |= set(format_paths(section.name, section))
    return found


def used_paths(prefix: str, value: object) -> Iterator[str]:
    """The field paths present in a parsed value: lists are looked through, not named."""
    if isinstance(value, list):
        for entry in value:
            yield from used_paths(prefix, entry)
    elif isinstance(value, dict):
        for key, entry in value.items():
            path = f"{prefix}.{key}"
            yield path
            yield from used_paths(path, entry)


CODED = ROOT / "tests" / "data" / "qda" / "coded"  # what `casegraph import qdpx --out` writes: coding fields
DRAFTS = ROOT / "tests" / "data" / "drafting"  # what `casegraph draft` writes: proposals with offset evidence


def used_in_examples() -> set[str]:
    used: set[str] = set()
    for path in FILES + sorted(CODED.glob("*.yaml")) + sorted(DRAFTS.glob("*.yaml")):
        data = parsed(path)
        used |= set(used_paths("review", data["review"]))
        for section in fields.sections_for(VERSION):
            used |= set(used_paths(section.name, data.get(section.name) or []))
    return used


def test_every_review2_field_is_used_by_an_example():
    unused = all_format_paths() - used_in_examples()
    assert not unused, f"review/2 fields no example file uses: {', '.join(sorted(unused))}"


def codes_used(scheme: str) -> set[str]:
    """Every code of `scheme` that an example file writes, in any field of that scheme."""
    def walk(section: fields.Section, value: object) -> Iterator[str]:
        for entry in value if isinstance(value, list) else [value]:
            if not isinstance(entry, dict):
                continue
            for field in section.fields_for(VERSION):
                if field.name not in entry:
                    continue
                if field.scheme == scheme and field.kind in ("code", "codes"):
                    got = entry[field.name]
                    yield from (got if isinstance(got, list) else [got])
                elif field.detail is not None:
                    yield from walk(field.detail, entry[field.name])

    found: set[str] = set()
    for path in FILES:
        data = parsed(path)
        found |= set(walk(fields.REVIEW, data["review"]))
        for section in fields.ITEM_SECTIONS:
            found |= set(walk(section, data.get(section.name) or []))
    return found


@pytest.mark.parametrize("scheme", sorted(NEW_CODES))
def test_every_new_code_is_used_by_an_example(scheme):
    missing = NEW_CODES[scheme] - codes_used(scheme)
    assert not missing, f"{scheme} codes no example file uses: {', '.join(sorted(missing))}"


def test_the_synthetic_examples_load_together_with_no_link_waiting(tmp_path):
    report = load_paths([SYNTHETIC], tmp_path / "store")
    assert not report.failed, [str(r.error) for r in report.failed]
    assert report.waiting == [], [w.message() for w in report.waiting]
