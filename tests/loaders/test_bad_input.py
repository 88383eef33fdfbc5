"""Every kind of bad input gets a message naming the file, line, field and what was expected,
and leaves the store as it was (data-driven: one row per kind)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.errors import ReviewFileError
from casegraph.graph.store import ReviewStore
from casegraph.loaders import load
from casegraph.loaders.review_file import CUT_OFF
from casegraph.loaders.yaml_reader import ALIAS_MESSAGE
from tests.conftest import MINIMAL


def replace(old: str, new: str, count: int = 1):
    def mutate(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, count)
    return mutate


# (id, mutation of minimal.yaml or raw bytes, expected fragments of the message, expected line)
CASES = [
    ("malformed-yaml", replace('title: "Test review: Child T"', "title: [unclosed"),
     ["YAML syntax error"], 6),
    ("unknown-field", replace("    name: Child T\n", "    name: Child T\n    nickname: T\n"),
     ["people[0].nickname", "unknown field 'nickname'", "allowed fields:"], 18),
    ("misspelt-field", replace("    victims: [child-t]\n    perpetrators: [mr-a, group-a]",
                               "    victim: [child-t]\n    perpetrators: [mr-a, group-a]"),
     ["incidents[0].victim", "unknown field 'victim'", "did you mean 'victims'"], 55),
    ("missing-required", replace("    role: peer\n", ""),
     ["people[2]", "missing required field 'role'"], 28),
    ("dangling-reference", replace("victims: [child-t]\n    perpetrators: [mr-a", "victims: [child-x]\n    perpetrators: [mr-a"),
     ["incidents[0].victims[0]", "'child-x' is not the id of any item in people", "did you mean 'child-t'"], 55),
    ("reference-to-wrong-kind", replace("perpetrators: [peer-b]", "perpetrators: [park-1]"),
     ["incidents[1].perpetrators[0]", "'park-1' is a place", "must refer to people or groups"], 65),
    ("young-person-is-a-peer", replace("    young_person: child-t\n    people: [mr-a]",
                                       "    young_person: peer-b\n    people: [mr-a]"),
     ["contexts[0].young_person", "has role 'peer'"], 72),
    ("duplicate-id", replace("  - id: peer-b\n", "  - id: child-t\n"),
     ["people[2].id", "duplicate id 'child-t'", "already used by people[0] on line 15"], 28),
    ("duplicate-key", replace("    name: Child T\n", "    name: Child T\n    name: Child U\n"),
     ["duplicate key 'name'", "first on line 17"], 18),
    ("unknown-code", replace("harm_types: [sexual-exploitation, peer", "harm_types: [sexual-exploit, peer"),
     ["review.harm_types[0]", "unknown harm-type code 'sexual-exploit'", "did you mean 'sexual-exploitation'",
      "expected one of:"], 8),
    ("unknown-class-code", replace("    kind: park\n", "    kind: playground\n"),
     ["places[2].kind", "unknown Place code 'playground'", "expected one of:"], 46),
    ("impossible-date", replace("when: 2015-03", "when: 2015-02-30"),
     ["responses[0].when", "impossible date '2015-02-30'", "February 2015 has 28 days"], 86),
    ("unreadable-date", replace("when: May 2015", "when: Smarch 2015"),
     ["responses[1].when", "'Smarch' is not a month name"], 92),
    ("closure-without-reason", replace("    closure_reason: parents-protective\n", ""),
     ["responses[1]", "missing required field 'closure_reason' (required when kind is case-closure)"], 87),
    ("reason-without-closure", replace("    kind: assessment\n", "    kind: assessment\n    closure_reason: below-threshold\n"),
     ["responses[0]", "closure_reason is only allowed when kind is case-closure"], 80),
    ("wrong-type", replace("  year: 2016", "  year: twenty-sixteen"),
     ["review.year", "expected a whole number, got str 'twenty-sixteen'"], 6),
    ("no-young-person", replace("    role: young-person\n", "    role: peer\n"),
     ["people", "at least one person with role 'young-person'"], 14),
    ("not-a-review", lambda text: "services:\n  web:\n    image: nginx\n",
     ["not a casegraph review", "'casegraph: review/2'"], 1),
    ("wrong-version", replace("casegraph: review/1", "casegraph: review/9"),
     ["casegraph:", "unsupported format 'review/9'"], 2),
    ("empty-file", lambda text: "   \n", ["the file is empty"], None),
    ("binary-file", lambda text: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["binary file, not a review"], None),
    ("not-utf8", lambda text: "casegraph: review/1\nreview:\n  title: caf\xe9\n".encode("latin-1"),
     ["not UTF-8 text"], 3),
    ("utf-16", lambda text: text.encode("utf-16"), ["the file is UTF-16 text", "save it as UTF-8"], None),
    # YAML that a review file may not contain, and the limits
    ("alias-bomb", lambda text: alias_bomb(text), [ALIAS_MESSAGE], 5),
    ("anchor", replace("  area: Testshire", "  area: &place Testshire"), [ALIAS_MESSAGE], 9),
    ("tag", replace("  year: 2016", "  year: !!int 2016"), ["YAML tags (!name, !!type) are not allowed"], 6),
    ("huge-year", replace("  year: 2016", "  year: " + "9" * 5000),
     ["a number of 5,000 digits", "at most 20", "put it in quotes"], 6),
    ("huge-page", replace("    page: 3\n", "    page: " + "1" * 4301 + "\n"), ["a number of 4,301 digits"], 12),
    ("long-text", replace("    name: Child T\n", "    name: " + "x" * 100_001 + "\n"),
     ["a value of 100,001 characters", "at most 100,000"], 17),
    ("deep-nesting", replace("  area: Testshire", "  area: " + "[" * 40 + "]" * 40),
     ["nested more than 32 levels deep"], 9),
    ("long-date", replace("when: early 2015", "when: early" + " " * 50_000 + "2015"),
     ["incidents[0].when", "(50,009 characters) is too long to be a date"], 58),
    ("long-value-quoted-cut", replace("    kind: park\n", "    kind: " + "p" * 5000 + "\n"),
     ["places[2].kind", "unknown Place code 'ppp", "'... (5,000 characters); expected one of:"], 46),
    # YAML 1.1 numbers and booleans are text
    ("base-60-year", replace("  year: 2016", "  year: 33:37"), ["review.year", "expected a whole number, got str '33:37'"], 6),
    ("hex-year", replace("  year: 2016", "  year: 0x7E1"), ["review.year", "expected a whole number, got str '0x7E1'"], 6),
    ("octal-year", replace("  year: 2016", "  year: 03741"), ["review.year", "expected a whole number, got str '03741'"], 6),
    ("yes-is-text", replace("    paraphrase: true", "    paraphrase: yes"),
     ["review.evidence.paraphrase", "expected true or false, got str 'yes'"], 13),
    ("merge-key-is-a-field", replace("  area: Testshire\n", "  <<: {area: Testshire}\n"),
     ["review.<<", "unknown field '<<'"], 9),
    # a file cut off, and fields in the wrong place
    ("cut-off", lambda text: text[: text.index("Child T was exploited") + 9], [CUT_OFF], 11),
    ("agency-on-young-person", replace("    name: Child T\n", "    name: Child T\n    agency: police\n"),
     ["people[0].agency", "unknown field 'agency' for a person with role 'young-person'",
      "only role professional has it"], 18),
    ("id-ending-in-newline", replace("  id: test-review-2016", '  id: "test-review-2016\\n"'),
     ["review.id", "is not a valid id"], 4),
]


def alias_bomb(text: str) -> str:
    """The "billion laughs": nine levels of nine aliases, 3.5 KB standing for 387 million strings."""
    lines = ["  extra:", '    a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"    a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    text = text.replace("  area: Testshire\n", "  area: Testshire\n" + "\n".join(lines) + "\n")
    return text.replace('  title: "Test review: Child T"', "  title: *a8")


def write_case(tmp_path: Path, mutate) -> Path:
    content = mutate(MINIMAL.read_text(encoding="utf-8"))
    path = tmp_path / "bad.yaml"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.mark.parametrize("mutate, fragments, line", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_message_names_file_line_field_and_expectation(tmp_path, mutate, fragments, line):
    path = write_case(tmp_path, mutate)
    with pytest.raises(ReviewFileError) as caught:
        load(path)
    message = str(caught.value)
    assert str(path) in message
    assert len(message) < 2_000, "messages quote values cut, never whole"
    for fragment in fragments:
        assert fragment in message, message
    if line is not None:
        assert f"{path}:{line}:" in message, message


@pytest.mark.parametrize("mutate", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_file_leaves_store_unchanged_and_others_still_load(tmp_path, store_path, mutate):
    good_first = tmp_path / "first"
    good_first.mkdir()
    (good_first / "minimal.yaml").write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["load", str(good_first), "--store", str(store_path)]).exit_code == 0
    with ReviewStore.open(store_path) as store:
        before = set(store.quads("test-review-2016"))

    batch = tmp_path / "batch"
    batch.mkdir()
    bad = write_case(batch, mutate)
    other = batch / "other.yaml"
    other.write_text(MINIMAL.read_text(encoding="utf-8").replace("test-review-2016", "other-review-2017"),
                     encoding="utf-8")
    result = runner.invoke(main, ["load", str(batch), "--store", str(store_path)])

    assert result.exit_code == 1, result.output
    assert "1 file(s) failed" in result.output and str(bad) in result.output
    with ReviewStore.open(store_path) as store:
        assert set(store.quads("test-review-2016")) == before
        assert store.review_ids() == ["other-review-2017", "test-review-2016"]


def test_every_problem_in_a_file_is_reported_at_once(tmp_path):
    mutate = replace("victims: [child-t]\n    perpetrators: [mr-a", "victims: [child-x]\n    perpetrators: [mr-z")
    with pytest.raises(ReviewFileError) as caught:
        load(write_case(tmp_path, mutate))
    assert len(caught.value.problems) == 2


def test_same_review_id_in_two_files_is_refused(tmp_path, store_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["load", str(tmp_path), "--store", str(store_path)])
    assert result.exit_code == 1
    assert "is also the id of" in result.output and "b.yaml" in result.output


def test_unsupported_file_type_named(tmp_path):
    path = tmp_path / "review.txt"
    path.write_text("hello")
    with pytest.raises(ReviewFileError, match=r"unsupported file type '.txt'"):
        load(path)
