"""A seeded corpus of broken review files: each must load or be refused with a clean error naming
the file, never raise anything else, and take bounded time and memory.

The corpus is made afresh, identically, on every run from the example reviews (and JSON twins of
two of them) by the mutations below, MUTATIONS_EACH times each.
"""
from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.errors import ReviewFileError
from casegraph.loaders import ReviewGraph, load
from casegraph.loaders.review_file import CUT_OFF
from casegraph.loaders.yaml_reader import ALIAS_MESSAGE, loads_yaml
from tests.conftest import EXAMPLES, MINIMAL

try:
    import resource
except ImportError:  # Windows has no resource module: the memory bound goes unchecked there
    resource = None

SEED = 20240611
MUTATIONS_EACH = 10
SECONDS_PER_FILE = 5.0
MEMORY_GROWTH_KB = 300_000  # peak memory may grow by at most this much on any one file

SEEDS = sorted(EXAMPLES.glob("*.yaml")) + [MINIMAL]
TEXTS = {path.name: path.read_text(encoding="utf-8") for path in SEEDS}
JSON_TWINS = {f"{Path(name).stem}.json": json.dumps(loads_yaml(TEXTS[name], Path(name)), indent=1)
              for name in ("minimal.yaml", "scr-30-2016.yaml")}


# Each mutation: (random, seed file's text) -> the broken file's content (text or bytes).
def cut_anywhere(rng, text):
    return text[: rng.randrange(1, len(text))]


def cut_at_line_end(rng, text):  # the one cut that may go unnoticed: the file may legitimately load
    ends = [i + 1 for i, c in enumerate(text) if c == "\n"]
    return text[: rng.choice(ends[:-1])]


def flip_bytes(rng, text):
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def lines_of(text):
    return text.splitlines(keepends=True)


def delete_line(rng, text):
    lines = lines_of(text)
    del lines[rng.randrange(len(lines))]
    return "".join(lines)


def duplicate_line(rng, text):
    lines = lines_of(text)
    n = rng.randrange(len(lines))
    return "".join(lines[: n + 1] + lines[n:])


def swap_lines(rng, text):
    lines = lines_of(text)
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return "".join(lines)


def shift_indent(rng, text):
    lines = lines_of(text)
    n = rng.randrange(len(lines))
    lines[n] = (" " * rng.randint(1, 3) + lines[n]) if rng.random() < 0.5 else lines[n][rng.randint(1, 3):]
    return "".join(lines)


def tabs(rng, text):
    return "".join(line.replace("  ", "\t", 1) if rng.random() < 0.2 else line for line in lines_of(text))


def insert_junk(rng, text):
    data = text.encode("utf-8")
    at = rng.randrange(len(data))
    junk = bytes(rng.choice(b"\x00\x01\x07\x1b\x7f\x80\xc3\xfe\xff{}[]&*!|>%@`'\"#:-?,\t\r\n ")
                 for _ in range(rng.randint(1, 40)))
    return data[:at] + junk + data[at:]


def binary_junk(rng, text):
    return bytes(rng.randrange(256) for _ in range(rng.choice([0, 1, 2, 17, 500, 4096])))


def blank(rng, text):
    return rng.choice(["", "\n", "   \n\t\n", "\ufeff", "---\n", "...\n", "# nothing\n", "~\n", "[]\n", "{}\n",
                       "casegraph: review/1\n", '"casegraph: review/1"\n', "null"])


def byte_order_marks(rng, text):
    return rng.choice([b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("utf-16"), text.encode("utf-16-be"),
                       text.encode("utf-32"), text.replace("\n", "\n\ufeff", 1).encode("utf-8"),
                       b"\xef\xbb\xbf\xef\xbb\xbf" + text.encode("utf-8")])


def line_breaks(rng, text):
    return rng.choice([text.replace("\n", "\r\n"), text.replace("\n", "\r"), text.replace("\n", "\u2028"),
                       text.replace("\n", "\x85"), text.replace("\n", "\r\n", 5), text + "\r\n\r\n"])


def alias_bomb(rng, text):
    depth, width = rng.randint(3, 9), rng.randint(2, 12)
    levels = [f'  a0: &a0 [{", ".join(["lol"] * width)}]']
    levels += [f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, depth)]
    top = "\n".join(levels)
    return rng.choice([
        f"casegraph: review/1\nextra:\n{top}\nname: *a{depth - 1}\n",
        text.replace("review:\n", f"bomb:\n{top}\nreview:\n", 1) + f"more: *a{depth - 1}\n",
        text.replace("\npeople:\n", "\npeople:\n  - &p {id: x, role: peer}\n  - *p\n", 1),
        text + "x: &x [*x]\n",
    ])


def deep_nesting(rng, text):
    depth = rng.choice([33, 100, 999, 1000, 5000, 100_000])
    return rng.choice([
        text + "extra: " + "[" * depth + "]" * depth + "\n",
        text + "extra: " + "{a: " * depth + "1" + "}" * depth + "\n",
        text + "extra:\n" + "".join("  " * i + f"k{i}:\n" for i in range(min(depth, 400))) + "  " * 400 + "v\n",
        text + "extra: " + "- " * min(depth, 2000) + "x\n",
        text + "extra: " + "[" * depth + "\n",
    ])


def huge_number(rng, text):
    digits = rng.choice(["9" * 21, "1" * 4301, "7" * 50_000, "-" + "3" * 5000, "1" * 4000 + ".5", "1e99999",
                         "0." + "1" * 10_000])
    key = rng.choice(["year", "page", "age", "when", "id", "name", "quote", "paraphrase"])
    return _set_first(text, key, digits)


def huge_string(rng, text):
    value = rng.choice(["x" * 100_001, "'" + "y" * 300_000 + "'", '"' + "\\u00e9" * 100_001 + '"',
                        "|\n    " + "z" * 150_000, "a" + " " * 200_000 + "b", "about" + " " * 50_000 + "14"])
    key = rng.choice(["name", "title", "quote", "when", "age", "kind", "id", "victims"])
    return _set_first(text, key, value)


def wrong_type(rng, text):
    key = rng.choice(["year", "title", "id", "kind", "harm_types", "people", "victims", "evidence", "when",
                      "role", "paraphrase", "page", "review", "casegraph", "members", "age"])
    value = rng.choice(["[a, b]", "{x: 1}", "null", "123", "true", "-1.5", '"text"', "[]", "{}", "[[1]]",
                        "2016-13-45", "''", "[child-t, child-t]", "[sexual-exploitation, sexual-exploitation]"])
    return _set_first(text, key, value)


def tags(rng, text):
    tag = rng.choice(["!!binary aGVsbG8=", "!!set {a, b}", "!!python/object/apply:os.system ['true']",
                      "!!timestamp 2001-12-14", "!!omap [a: 1]", "!!float 1", "!custom x", "!<tag:x> y",
                      "!!str 2016", "!!int '0x10'", "!!merge x"])
    key = rng.choice(["year", "name", "title", "when"])
    return _set_first(text, key, tag)


def duplicate_key(rng, text):
    lines = lines_of(text)
    keyed = [n for n, line in enumerate(lines) if ": " in line and not line.lstrip().startswith("-")]
    n = rng.choice(keyed)
    return "".join(lines[: n + 1] + [lines[n]] + lines[n + 1:])


def many_errors(rng, text):
    count = rng.choice([200, 2000, 20_000])
    bad = rng.choice(["  - {id: x, role: peer, nick: a}\n", "  - 1\n", "  - {id: 'bad id', role: nobody}\n",
                      "  - {id: p, role: peer, frequents: [nowhere]}\n", "  - {role: peer}\n"])
    return text.replace("\npeople:\n", "\npeople:\n" + bad * count, 1)


def control_characters(rng, text):
    at = rng.randrange(len(text))
    return text[:at] + rng.choice(["\x00", "\x01", "\x1b[31m", "\ufffe", "\ud800", "\x7f", "\u200b", "\ufeff"]) + text[at:]


def _set_first(text: str, key: str, value: str) -> str:
    lines = lines_of(text)
    for n, line in enumerate(lines):
        stripped = line.lstrip(" -")
        if stripped.startswith(f"{key}:"):
            indent = line[: len(line) - len(stripped)]
            lines[n] = f"{indent}{key}: {value}\n"
            return "".join(lines)
    return text + f"{key}: {value}\n"


MUTATIONS: dict[str, Callable] = {f.__name__.replace("_", "-"): f for f in (
    cut_anywhere, cut_at_line_end, flip_bytes, delete_line, duplicate_line, swap_lines, shift_indent, tabs,
    insert_junk, binary_junk, blank, byte_order_marks, line_breaks, alias_bomb, deep_nesting, huge_number,
    huge_string, wrong_type, tags, duplicate_key, many_errors, control_characters)}
JSON_MUTATIONS = ("cut-anywhere", "flip-bytes", "insert-junk", "huge-number", "deep-nesting", "byte-order-marks")


def corpus() -> list[tuple[str, str, bytes]]:
    """(case id, file name, content) for every broken file, the same on every run."""
    rng = random.Random(SEED)
    cases = []
    for kind, mutate in MUTATIONS.items():
        for n in range(MUTATIONS_EACH):
            name = rng.choice(sorted(TEXTS))
            cases.append((f"{kind}-{n}", name, _bytes(mutate(rng, TEXTS[name]))))
    for kind in JSON_MUTATIONS:
        for n in range(MUTATIONS_EACH // 2):
            name = rng.choice(sorted(JSON_TWINS))
            content = MUTATIONS[kind](rng, JSON_TWINS[name])
            cases.append((f"json-{kind}-{n}", name, _bytes(content)))
    return cases


def _bytes(content: str | bytes) -> bytes:
    return content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")


CASES = corpus()


def try_load(path: Path) -> tuple[str, object, float]:
    """("loaded", graph) or ("refused", error) or ("failed", exception), and the seconds taken."""
    started = time.perf_counter()
    try:
        outcome: tuple[str, object] = ("loaded", load(path))
    except ReviewFileError as error:
        outcome = ("refused", error)
    except Exception as error:  # noqa: BLE001 - anything else is the bug this test is for
        outcome = ("failed", error)
    return outcome[0], outcome[1], time.perf_counter() - started


def peak_kb() -> int:
    if resource is None:
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes there, KB on Linux


def test_the_corpus_is_large_varied_and_the_same_every_run():
    assert len(CASES) >= 200
    assert len({content for _, _, content in CASES}) > 0.9 * len(CASES)
    seeds = {name: text.encode("utf-8") for name, text in {**TEXTS, **JSON_TWINS}.items()}
    assert [case for case, name, content in CASES if content == seeds[name]] == []
    assert {case.rsplit("-", 1)[0] for case, _, _ in CASES} >= set(MUTATIONS)
    assert corpus() == CASES


@pytest.mark.parametrize("name, content", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_broken_file_loads_or_is_refused_cleanly(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    before = peak_kb()
    outcome, value, seconds = try_load(path)
    assert outcome != "failed", f"{type(value).__name__}: {value}"
    assert seconds < SECONDS_PER_FILE
    assert peak_kb() - before < MEMORY_GROWTH_KB
    if outcome == "refused":
        lines = str(value).splitlines()
        assert lines and all(line.startswith(f"{path}") for line in lines), lines[:3]
        assert all(len(line) < 2_000 for line in lines)
    else:
        assert isinstance(value, ReviewGraph) and len(value.quads) == len(set(value.quads))


@pytest.mark.parametrize("seed", sorted(TEXTS))
def test_a_cut_inside_a_line_is_always_refused(tmp_path, seed):
    text = TEXTS[seed]
    rng = random.Random(f"{SEED}-{seed}")
    inside = [i for i in range(1, len(text)) if text[i - 1] not in "\r\n"]
    path = tmp_path / seed
    for cut in rng.sample(inside, 10):
        path.write_text(text[:cut], encoding="utf-8")
        with pytest.raises(ReviewFileError, match=CUT_OFF):
            load(path)


MINIMAL_BOMB = ("casegraph: review/1\nreview:\n  id: bomb\n  unknown:\n"
                + '    a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
                + "".join(f"    a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9))
                + "  name: *a8\n")


def test_validate_reports_an_alias_bomb_in_one_line_and_checks_the_others(tmp_path):
    for path in SEEDS[:3]:
        (tmp_path / path.name).write_text(TEXTS[path.name], encoding="utf-8")
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(MINIMAL_BOMB, encoding="utf-8")
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert time.perf_counter() - started < 30
    assert result.exit_code == 1, result.output
    about_bomb = [line for line in result.output.splitlines() if line.startswith(f"{bomb}:")]
    assert about_bomb == [f"{bomb}:5: {ALIAS_MESSAGE}"]
    assert "checked 3 review(s)" in result.output and "1 file(s) failed" in result.output
    assert "Traceback" not in result.output

