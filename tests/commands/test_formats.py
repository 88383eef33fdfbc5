"""One set of output conventions everywhere: every command that prints records takes
--format table|csv|tsv|json|jsonl, and every csv is one table that pandas reads as it is."""
from __future__ import annotations

import io
import json

import click
import pytest
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.output import FORMATS
from tests.conftest import DATA, EXAMPLES, MINIMAL

SYNTHETIC = EXAMPLES.parent / "synthetic"


def commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, prefix + (name,))
        yield prefix + (name,), command


def format_choices(command: click.Command) -> list[str] | None:
    for param in command.params:
        if "--format" in getattr(param, "opts", ()) and isinstance(param.type, click.Choice):
            return list(param.type.choices)
    return None


def test_every_command_that_prints_records_takes_every_format():
    record_commands = {path: choices for path, command in commands(main)
                       if (choices := format_choices(command)) and ("table" in choices or "csv" in choices)}
    assert {("show",), ("link", "show"), ("load",), ("validate",), ("stats",), ("list",)} <= set(record_commands)
    for path, choices in record_commands.items():
        assert set(FORMATS) <= set(choices), f"casegraph {' '.join(path)} --format lacks {set(FORMATS) - set(choices)}"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("formats") / "store"
    result = CliRunner().invoke(main, ["load", str(EXAMPLES), str(SYNTHETIC), "--store", str(path)])
    assert result.exit_code == 0, result.output
    return path


def run(*args) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.mark.parametrize("args", [
    ["stats"], ["show", "scr-30-2016"], ["list"], ["query", "run", "harm-types"], ["query", "list"],
    ["codes"], ["codes", "gender"], ["patterns", "adults-linked"], ["link", "list"], ["link", "candidates"],
], ids=lambda args: "-".join(args))
def test_every_csv_is_one_table_pandas_reads(store, args):
    pandas = pytest.importorskip("pandas")
    store_args = [] if args[0] in ("codes",) or args[:2] == ["query", "list"] else ["--store", store]
    text = run(*args, *store_args, "--format", "csv")
    frame = pandas.read_csv(io.StringIO(text))
    assert len(frame.columns) >= 2
    lines = [line for line in run(*args, *store_args, "--format", "jsonl").splitlines() if line]
    assert all(isinstance(json.loads(line), dict) for line in lines)
    if args[0] != "show":  # a profile's csv is its fields flattened; its jsonl one profile
        assert len(lines) == len(frame)


def test_stats_csv_is_long_form(store):
    pandas = pytest.importorskip("pandas")
    frame = pandas.read_csv(io.StringIO(run("stats", "--store", store, "--format", "csv")))
    assert list(frame.columns) == ["table", "name", "measure", "count"]
    reviews = json.loads(run("stats", "--store", store, "--format", "json"))["reviews"]
    assert frame[(frame.table == "reviews")]["count"].tolist() == [reviews]
    by_year = frame[frame.table == "reviews by year"]
    assert by_year["count"].sum() == reviews


def test_show_csv_flattens_the_whole_profile(store):
    profile = json.loads(run("show", "scr-49-2013", "--store", store, "--format", "json"))
    rows = dict(line.split(",", 1) for line in run("show", "scr-49-2013", "--store", store, "--format", "csv")
                .splitlines()[1:] if "," in line)
    assert rows["id"] == profile["id"] == "scr-49-2013"
    assert rows["year"] == str(profile["year"])


def test_load_and_validate_list_every_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("casegraph: review/2\nreview:\n  id: bad\n  title: No year\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(MINIMAL), str(bad), "--format", "jsonl"])
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["status"], r["triples"] > 0) for r in records] == [("checked", True), ("failed", False)]
    assert records[1]["problems"] == [f"{bad}:2: review: missing required field 'year'"]
    loaded = CliRunner().invoke(main, ["load", str(DATA / "review2"), "--store", str(tmp_path / "s"), "--format", "csv"])
    assert loaded.exit_code == 0
    assert loaded.stdout.splitlines()[0] == "file,review,status,triples,problems"
    assert {line.split(",")[2] for line in loaded.stdout.splitlines()[1:]} == {"loaded"}


def test_link_show_csv_is_the_comparisons(store):
    candidate = json.loads(run("link", "candidates", "--store", store, "--format", "json"))[0]
    text = run("link", "show", candidate["id"], "--store", store, "--format", "csv")
    header, *rows = text.splitlines()
    assert header == "candidate,attribute,outcome,weight,detail"
    assert {row.split(",")[1] for row in rows} >= {c["attribute"] for c in candidate["comparisons"]}


def test_a_table_fits_the_terminal(store, monkeypatch):
    monkeypatch.setattr("casegraph.output.terminal_width", lambda: 80)
    text = run("query", "list")
    assert max(len(line) for line in text.splitlines()) <= 80


def test_an_unknown_saved_question_is_a_usage_error(store):
    result = CliRunner().invoke(main, ["query", "run", "reviews-per-yaer", "--store", str(store)])
    assert result.exit_code == 2 and "did you mean 'reviews-per-year'" in result.output


def test_help_shows_the_default_threshold_and_real_candidate_ids():
    from casegraph.linking.settings import DEFAULT_THRESHOLD

    runner = CliRunner()
    assert f"default: {DEFAULT_THRESHOLD}" in runner.invoke(main, ["link", "candidates", "--help"]).output
    shown = runner.invoke(main, ["link", "show", "--help"]).output
    assert "casegraph link show cc9a713b37d" in shown


def test_every_default_is_shown_in_help():
    unset = getattr(click.core, "UNSET", None)
    hidden = []
    for path, command in commands(main):
        for param in command.params:
            if not isinstance(param, click.Option) or param.is_flag or param.show_default:
                continue
            if param.default in (None, (), "", unset) or type(param.default).__name__ == "Sentinel":
                continue
            if "default" not in (param.help or "").lower():
                hidden.append(f"casegraph {' '.join(path)} {param.opts[0]}={param.default!r}")
    assert not hidden
