"""Tables printed to a terminal show control characters from the reviews instead of obeying them."""
from casegraph.output import render


def test_terminal_escape_sequences_in_a_table_are_shown_not_obeyed():
    table = render(["name"], [["Child \x1b]0;owned\x07M\x1b[2J"]])
    assert "\x1b" not in table and "\x07" not in table
    assert "Child \\x1b]0;owned\\x07M\\x1b[2J" in table


def test_json_and_csv_keep_the_value_as_it_is():
    assert "\\u001b" in render(["name"], [["a\x1bb"]], "json")
    assert "a\x1bb" in render(["name"], [["a\x1bb"]], "csv")
