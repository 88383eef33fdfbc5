"""What a review file may be: a regular file of bounded size, in plain YAML 1.2 values, complete,
explained in bounded messages; and a load reports the triples it stores."""
from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.errors import ReviewFileError
from casegraph.graph.loading import load_paths
from casegraph.graph.store import ReviewStore
from casegraph.loaders import load
from casegraph.loaders.checks import MAX_PROBLEMS
from casegraph.loaders.review_file import CUT_OFF
from casegraph.loaders.yaml_reader import MAX_FILE_BYTES, excerpt, loads_yaml, read_bytes
from tests.conftest import DATA, EXAMPLES, MINIMAL


def refused(path: Path, *fragments: str, seconds: float = 5.0) -> str:
    """The message loading `path` is refused with, from a thread, so a hang fails instead of hanging."""
    outcome: list = []

    def run():
        try:
            load(path)
            outcome.append(None)
        except ReviewFileError as error:
            outcome.append(str(error))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"loading {path} took more than {seconds} s"
    message = outcome[0]
    assert message is not None, f"{path} loaded"
    assert message.startswith(str(path)) and "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


# --- only regular files, of bounded size --------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_waiting(tmp_path):
    pipe = tmp_path / "review.yaml"
    os.mkfifo(pipe)
    refused(pipe, "not a regular file (a named pipe)")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_validate_reports_a_named_pipe_and_checks_the_other_files(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "good.yaml").write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    done: list = []
    worker = threading.Thread(target=lambda: done.append(CliRunner().invoke(
        main, ["validate", str(tmp_path / "pipe.yaml"), str(tmp_path / "good.yaml")])), daemon=True)
    worker.start()
    worker.join(10)
    assert done, "validate waited on the named pipe"
    assert done[0].exit_code == 1
    assert f"{tmp_path / 'pipe.yaml'}: not a regular file (a named pipe)" in done[0].output
    assert "checked 1 review(s)" in done[0].output


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_link_to_an_endless_device_is_refused(tmp_path):
    link = tmp_path / "review.yaml"
    link.symlink_to("/dev/zero")
    refused(link, "not a regular file (a device)")


def test_a_directory_named_like_a_review_is_refused(tmp_path):
    (tmp_path / "review.yaml").mkdir()
    refused(tmp_path / "review.yaml", "not a regular file (a directory)")


def test_a_link_to_a_review_file_is_read(tmp_path):
    link = tmp_path / "review.yaml"
    link.symlink_to(MINIMAL)
    assert load(link).review_id == "test-review-2016"


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, nothing need be read
    refused(big, f"the file is {MAX_FILE_BYTES + 1:,} bytes", "at most 4,194,304 bytes (4 MB)", seconds=1)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc here")
def test_no_more_than_the_limit_is_read_whatever_the_size_says():
    # /proc files are regular and say they are empty, but are not
    with pytest.raises(ReviewFileError, match="may be at most 10 bytes"):
        read_bytes(Path("/proc/self/status"), limit=10)


def test_a_huge_integer_in_json_is_a_clean_error(tmp_path):
    path = tmp_path / "review.json"
    path.write_text('{"casegraph": "review/1", "review": {"year": ' + "7" * 5000 + "}}")
    refused(path, f"{path}:1: a number of 5,000 digits")


def test_deep_json_is_a_clean_error(tmp_path):
    path = tmp_path / "review.json"
    path.write_text('{"casegraph": "review/1", "x": ' + "[" * 500 + "]" * 500 + "}")
    refused(path, "nested more than 32 levels deep")


# --- plain YAML 1.2 values ----------------------------------------------------------------------

PLAIN_VALUES = [  # as written, as read
    ("2017", 2017), ("-3", -3), ("0", 0), ("14.5", 14.5), ("1e3", 1000.0), ("true", True), ("False", False),
    ("null", None), ("~", None), ("", None),
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"), ("y", "y"), ("0x7E1", "0x7E1"),
    ("0o3741", "0o3741"), ("03741", "03741"), ("33:37", "33:37"), ("1_000", "1_000"), (".inf", ".inf"),
    ("=", "="), ("2014-05-03", "2014-05-03"), ('"2017"', "2017"),
]


@pytest.mark.parametrize("written, read", PLAIN_VALUES, ids=[w or "(empty)" for w, _ in PLAIN_VALUES])
def test_plain_values_are_read_as_yaml_1_2_core(written, read):
    value = loads_yaml(f"v: {written}\n", Path("values.yaml"))["v"]
    assert value == read and type(value) is type(read)


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    levels = ['  a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("casegraph: review/1\nunknown:\n" + "\n".join(levels) + "\nname: *a8\n")
    started = time.perf_counter()
    refused(path, f"{path}:3: YAML aliases (*name) and anchors (&name) are not allowed in review files")
    assert time.perf_counter() - started < 1


def test_anchors_and_tags_inside_text_are_text(tmp_path):
    path = tmp_path / "review.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8").replace(
        "Child T was exploited by an adult met near school.", '"A & E, *twice* !important"').replace(
        "name: Men at House A", "name: Men & boys at *House* A!"))
    quads = load(path).quads
    assert {"A & E, *twice* !important", "Men & boys at *House* A!"} <= {q.object.value for q in quads}


# --- a complete file ----------------------------------------------------------------------------

def test_a_file_without_a_final_line_break_is_refused(tmp_path):
    path = tmp_path / "review.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8").rstrip("\n"))
    refused(path, f"{path}:103: {CUT_OFF}")


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_any_final_line_break_will_do(tmp_path, ending):
    path = tmp_path / "review.yaml"
    path.write_bytes(MINIMAL.read_text(encoding="utf-8").replace("\n", ending).encode("utf-8"))
    assert load(path).review_id == "test-review-2016"


def test_a_json_review_needs_no_final_line_break_and_a_cut_one_fails(tmp_path):
    text = json.dumps(load_plain(MINIMAL))
    whole, cut = tmp_path / "whole.json", tmp_path / "cut.json"
    whole.write_text(text)
    cut.write_text(text[: len(text) // 2])
    assert load(whole).review_id == "test-review-2016"
    refused(cut, "YAML syntax error")


def load_plain(path: Path) -> dict:
    return json.loads(json.dumps(loads_yaml(path.read_text(encoding="utf-8"), path)))


def test_every_bundled_review_and_example_ends_with_a_line_break():
    files = [p for p in DATA.rglob("*") if p.is_file()] + sorted(EXAMPLES.glob("*"))
    assert files
    assert [p for p in files if not p.read_bytes().endswith(b"\n")] == []


# --- bounded messages ---------------------------------------------------------------------------

def test_excerpts_are_bounded():
    assert excerpt("x" * 100_000) == repr("x" * 80) + "... (100,000 characters)"
    assert excerpt(list(range(100_000))) == "a list of 100,000 item(s)"
    assert excerpt({"a": 1}) == "a mapping of 1 field(s)"
    assert excerpt(2016) == "2016" and excerpt("scr") == "'scr'"


HUGE = "q" * 90_000
HUGE_VALUES = [  # (where, old text, new text)
    ("code", "    kind: park\n", f"    kind: {HUGE}\n"),
    ("id", "  - id: park-1\n", f"  - id: '-{HUGE}'\n"),
    ("reference", "victims: [child-t]\n    perpetrators: [mr-a", f"victims: [{HUGE}]\n    perpetrators: [mr-a"),
    ("type", "    paraphrase: true", f"    paraphrase: {HUGE}"),
    ("marker", "casegraph: review/1", f"casegraph: {HUGE}"),
    ("unknown field", "    name: Child T\n", f"    name: Child T\n    {HUGE}: 1\n"),
    ("date", "when: early 2015", f"when: {HUGE}"),
    ("age", "age: about 14", f"age: {HUGE}"),
    ("duplicate key", "    name: Child T\n", f"    {HUGE}: 1\n    {HUGE}: 2\n"),
]


@pytest.mark.parametrize("old, new", [c[1:] for c in HUGE_VALUES], ids=[c[0] for c in HUGE_VALUES])
def test_no_message_quotes_a_whole_huge_value(tmp_path, old, new):
    path = tmp_path / "review.yaml"
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ReviewFileError) as caught:
        load(path)
    assert all(len(line) < 1_500 for line in str(caught.value).splitlines()), str(caught.value)[:3000]


@pytest.mark.parametrize("person, count", [
    ("  - {{id: p{n}, role: peer, nickname: P{n}}}\n", 3_000),  # unknown fields
    ("  - {{id: p{n}, role: peer, frequents: [nowhere-{n}]}}\n", 2_000),  # dangling references
], ids=["unknown-fields", "dangling-references"])
def test_at_most_a_hundred_problems_are_listed_quickly(tmp_path, person, count):
    path = tmp_path / "review.yaml"
    people = "".join(person.format(n=n) for n in range(count))
    path.write_text(MINIMAL.read_text(encoding="utf-8").replace("people:\n", "people:\n" + people))
    started = time.perf_counter()
    with pytest.raises(ReviewFileError) as caught:
        load(path)
    assert time.perf_counter() - started < 5  # a hang guard: the uncapped checks took 24 s
    problems = caught.value.problems
    assert len(problems) == MAX_PROBLEMS + 1
    assert "more problems not listed" in problems[-1].message


# --- what is reported is what is stored ---------------------------------------------------------

def test_a_professional_keeps_their_agency():
    quads = load(MINIMAL).quads
    assert any(q.subject.value.endswith("/sw-1") and q.predicate.value.endswith("#agency") for q in quads)


def test_membership_written_on_both_sides_is_one_triple(tmp_path, store_path):
    path = tmp_path / "review.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8").replace(
        "    name: Men at House A\n", "    name: Men at House A\n    members: [mr-a]\n"))
    member_of = [q for q in load(path).quads if q.predicate.value.endswith("#memberOf")]
    assert len(member_of) == 1


@pytest.mark.parametrize("paths", [[EXAMPLES], [MINIMAL, EXAMPLES / "scr-19-2017.yaml"]], ids=["examples", "both-sides"])
def test_reported_triples_are_the_distinct_triples_stored(store_path, paths):
    report = load_paths(paths, store_path)
    assert not report.failed
    with ReviewStore.open(store_path) as store:
        stored = sum(len(set(store.quads(result.review_id))) for result in report.results)
    assert report.triples == stored
