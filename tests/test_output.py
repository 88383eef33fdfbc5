"""Tables printed to a terminal show control characters from the reviews instead of obeying them."""
from casegraph.output import render


def test_terminal_escape_sequences_in_a_table_are_shown_not_obeyed():
    table = render(["name"], [["Child \x1b]0;owned\x07M\x1b[2J"]])
    assert "\x1b" not in table and "\x07" not in table
    assert "Child \\x1b]0;owned\\x07M\\x1b[2J" in table


def test_json_and_csv_keep_the_value_as_it_is():
    assert "\\u001b" in render(["name"], [["a\x1bb"]], "json")
    assert "a\x1bb" in render(["name"], [["a\x1bb"]], "csv")


import json  # noqa: E402

from hypothesis import given, strategies as st  # noqa: E402

from casegraph.output import FORMATS, MIN_COLUMN  # noqa: E402

_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)


@given(st.lists(st.tuples(_text, st.integers(0, 10 ** 6), _text), min_size=1, max_size=8), st.integers(30, 200))
def test_a_table_fits_the_width_and_never_cuts_numbers(rows, width):
    table = render(["name", "count", "description"], [list(r) for r in rows], width=width)
    lines = table.splitlines()
    narrowest = sum(max(MIN_COLUMN, len(h)) for h in ("name", "description")) + 7 + 4
    if width >= narrowest:
        assert all(len(line) <= width for line in lines)
    for (_, count, _), line in zip(rows, lines[2:]):
        assert f" {count}" in line or line.startswith(str(count))


def test_a_table_printed_to_a_pipe_is_not_cut():
    long = "x" * 500
    assert long in render(["text"], [[long]])  # under pytest stdout is no terminal


def test_json_lines_are_one_object_per_row():
    text = render(["id", "n"], [["a", 1], ["b", None]], "jsonl")
    assert [json.loads(line) for line in text.splitlines()] == [{"id": "a", "n": 1}, {"id": "b", "n": None}]


def test_every_format_is_one_table():
    for fmt in FORMATS:
        assert render(["id"], [["a"]], fmt)
