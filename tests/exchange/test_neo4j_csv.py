"""CSV files for neo4j-admin: they parse, say exactly what the view says, and import for real.

Three levels of proof: Python's csv module reads the files back to the view (no server);
the rows read back, pushed through UNWIND into the Neo4j test server, give the graph push_view
gives; and the real importer (neo4j-admin's AdminTool class, from the jars the test server's
launcher already has) builds a database that the launcher then serves for the same check.
"""
from __future__ import annotations

import csv
import os
import secrets
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casegraph.exchange.neo4j_csv import import_command, write_neo4j_csv
from casegraph.graph.view import Node, PropertyGraph, Relationship
from casegraph.graph.cypher.neo4j import Neo4jError
from tests.conftest import EXAMPLES, MINIMAL, ROOT
from tests.neo4j_fixtures import stored_graph, view_graph
from tests.neo4j_fixtures import load_view, skip_or_fail

LAUNCHER = ROOT / "tests" / "servers" / "neo4j" / "target"
JAVA_OPTS = ["-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError"]
OPENS = ["--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
         "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED"]


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> PropertyGraph:
    return load_view([EXAMPLES, MINIMAL], tmp_path_factory.mktemp("csv") / "store")


def read_back(paths: list[Path], delimiter: str = ";") -> tuple[dict, set]:
    """The files as view_graph's shape, read with Python's csv module and the header's types."""
    from neo4j.time import Date

    convert = {"string": str, "long": int, "double": float, "boolean": lambda text: text == "true",
               "date": Date.from_iso_format}

    def typed(columns: list[str], cells: list[str]) -> dict:
        properties = {}
        for column, cell in zip(columns, cells):
            if cell == "":
                continue  # no property (the examples have no empty strings)
            name, _, kind = column.partition(":")
            kind = kind or "string"
            if kind.endswith("[]"):
                properties[name] = [convert[kind[:-2]](item) for item in cell.split(delimiter)]
            else:
                properties[name] = convert[kind](cell)
        return properties

    nodes, relationships = {}, set()
    for header_path in [p for p in paths if p.name.endswith(".header.csv")]:
        data_path = header_path.with_name(header_path.name.removesuffix(".header.csv") + ".csv")
        with header_path.open(encoding="utf-8", newline="") as file:
            (header,) = list(csv.reader(file))
        with data_path.open(encoding="utf-8", newline="") as file:
            rows = list(csv.reader(file, strict=True))
        for row in rows:
            assert len(row) == len(header), (data_path.name, row)
            if header[0] == ":START_ID":
                start, end, type_ = row[:3]
                properties = typed(header[3:], row[3:])
                relationships.add((type_, start, end, tuple(sorted(
                    (k, tuple(v) if isinstance(v, list) else v) for k, v in properties.items()))))
                continue
            properties = {"iri": row[0], **typed(header[2:], row[2:])}
            assert row[0] not in nodes
            nodes[row[0]] = (frozenset(row[1].split(delimiter)), properties)
    return nodes, relationships


def test_the_files_read_back_to_the_view(tmp_path, examples):
    paths = write_neo4j_csv(examples, tmp_path / "csv")
    assert [p.name for p in paths] == [
        "nodes-Review.header.csv", "nodes-Review.csv", "nodes-Record.header.csv", "nodes-Record.csv",
        "nodes-Evidence.header.csv", "nodes-Evidence.csv", "nodes-Detail.header.csv", "nodes-Detail.csv",
        "nodes-Concept.header.csv", "nodes-Concept.csv",
        "relationships.header.csv", "relationships.csv"]
    assert read_back(paths) == view_graph(examples)
    header = (tmp_path / "csv" / "nodes-Record.header.csv").read_text(encoding="utf-8").strip().split(",")
    assert header[:2] == ["iri:ID", ":LABEL"]
    assert {"ageMin:double", "ageApproximate:boolean", "label", "review"} <= set(header)
    review_header = (tmp_path / "csv" / "nodes-Review.header.csv").read_text(encoding="utf-8")
    assert "publicationYear:long" in review_header
    assert {"dateEarliest:date", "dateEarliestEpochDay:long", "dateText", "harmTypes:string[]", "gender"} <= set(header)
    relationships_header = (tmp_path / "csv" / "relationships.header.csv").read_text().strip().split(",")
    assert relationships_header[:4] == [":START_ID", ":END_ID", ":TYPE", "review"]  # then the records' properties
    assert {"iri", "identifier", "kind", "recordLabels:string[]", "evidenceQuote"} <= set(relationships_header)


AWKWARD = "https://example.org/awkward"
CODE = "https://example.org/code"


def awkward() -> PropertyGraph:
    """Values a CSV writer gets wrong: quotes, commas, the array delimiter, a newline, non-ASCII, ""."""
    return PropertyGraph(
        {AWKWARD: Node(AWKWARD, {"Record", "Person"}, {
            "iri": AWKWARD, "review": "r", "label": 'He said "hi", then; left\nnext line',
            "note": ["x, y", 'say "z"'], "ageMin": 14.0, "flag": True, "place": "Zoë's café ✓", "empty": "",
            "years": [2014, 2**40], "scores": [0.1, -1e-300], "checks": [True, False], "big": 2**53 + 1,
            "tiny": 5e-324, "bornEarliest": "2001-02-03", "bornEarliestEpochDay": 11356}),
         CODE: Node(CODE, {"Concept"}, {"iri": CODE, "code": "x"})},
        [Relationship("CODED_AS", AWKWARD, CODE, "r"), Relationship("SAME_AS", CODE, AWKWARD, None)]
        + [Relationship("FRIEND_OF", AWKWARD, AWKWARD, "r", {  # two relationship records of one relationship
            "iri": f"{AWKWARD}/rel-{n}", "recordLabels": ["Record", "Relationship"], "kind": "friend",
            "evidenceQuote": f'"quoted", line {n}', "dateEarliest": ["2015-01-31", "2016-02-29"],
            "dateEarliestEpochDay": [16466, 16860]}) for n in (1, 2)])


def test_awkward_values_survive_and_columns_get_one_type(tmp_path):
    view = awkward()
    b = "https://example.org/b"
    view.nodes[b] = Node(b, {"Record"}, {"iri": b, "review": "r", "note": "single", "ageMin": 14, "scores": [1, 2.5],
                                         "bornEarliest": "2001"})
    view.relationships += [Relationship("KNOWS", AWKWARD, b, "r"), Relationship("KNOWS", AWKWARD, b, "r")]
    paths = write_neo4j_csv(view, tmp_path)
    nodes, relationships = read_back(paths)
    a, b = nodes[AWKWARD][1], nodes[b][1]
    assert a["label"] == 'He said "hi", then; left\nnext line' and a["place"] == "Zoë's café ✓"
    assert a["note"] == ["x, y", 'say "z"'] and b["note"] == ["single"]  # a single value in a list column
    assert (a["ageMin"], b["ageMin"]) == (14.0, 14.0) and type(b["ageMin"]) is float  # an int in a double column
    assert b["scores"] == [1.0, 2.5] and a["flag"] is True
    (line,) = [line for line in (tmp_path / "nodes-Record.csv").read_text(encoding="utf-8").split("\n")
               if line.startswith(f'"{AWKWARD}"')]
    assert ',"",' in line  # an empty string is written quoted, so it stays a string (a missing one is bare)
    assert len(relationships) == 5  # the repeated KNOWS once, as MERGE would; the two records twice
    (record,) = [p for t, _, _, p in relationships if ("iri", f"{AWKWARD}/rel-1") in p]
    assert dict(record)["evidenceQuote"] == '"quoted", line 1'
    assert [str(d) for d in dict(record)["dateEarliest"]] == ["2015-01-31", "2016-02-29"]
    assert str(a["bornEarliest"]) == "2001-02-03" and b["bornEarliest"] == "2001"  # a partial date: text column
    assert ("SAME_AS", CODE, AWKWARD, ()) in relationships
    assert "--multiline-fields=true" in import_command(paths)  # the label spans two lines


TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1)
VALUES = st.one_of(TEXT, st.booleans(), st.integers(-2**63, 2**63 - 1), st.floats(allow_nan=False),
                   st.lists(TEXT.filter(lambda t: ";" not in t), min_size=2, max_size=4))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["label", "note", "page", "ageMin", "flag"]), VALUES, max_size=5),
                min_size=1, max_size=4))
def test_any_values_of_one_type_per_column_read_back_exactly(properties):
    kinds = {}
    for props in properties:  # one type per column, as the view's properties have
        for name, value in props.items():
            kinds.setdefault(name, type(value))
    nodes = {}
    for i, props in enumerate(properties):
        iri = f"https://example.org/{i}"
        kept = {name: value for name, value in props.items() if type(value) is kinds[name]}
        nodes[iri] = Node(iri, {"Record", "Person"}, {"iri": iri, **kept})
    view = PropertyGraph(nodes, [])
    with tempfile.TemporaryDirectory() as directory:
        assert read_back(write_neo4j_csv(view, directory)) == view_graph(view)


def test_a_list_element_holding_the_array_delimiter_is_refused_until_another_is_chosen(tmp_path):
    a = "https://example.org/a"
    view = PropertyGraph({a: Node(a, {"Record"}, {"iri": a, "note": ["one; two", "three"]})}, [])
    with pytest.raises(Neo4jError, match=r"node https://example.org/a property 'note'.*'one; two' contains the "
                                         r"array delimiter ';'.*array_delimiter"):
        write_neo4j_csv(view, tmp_path)
    paths = write_neo4j_csv(view, tmp_path, array_delimiter="|")
    assert read_back(paths, "|")[0][a][1]["note"] == ["one; two", "three"]
    assert "'--array-delimiter=|'" in import_command(paths, array_delimiter="|")
    with pytest.raises(Neo4jError, match="one character other than a comma"):
        write_neo4j_csv(view, tmp_path, array_delimiter=",")


def test_values_of_different_types_in_one_column_are_refused(tmp_path):
    a, b = "https://example.org/a", "https://example.org/b"
    view = PropertyGraph({a: Node(a, {"Record"}, {"iri": a, "page": 4}),
                          b: Node(b, {"Record"}, {"iri": b, "page": "iv"})}, [])
    with pytest.raises(Neo4jError, match=r"property 'page' of nodes-Record nodes has values of different types "
                                         r"\(long on https://example.org/a; string on https://example.org/b\)"):
        write_neo4j_csv(view, tmp_path)


def test_names_that_are_not_from_the_ontology_are_refused(tmp_path):
    a = "https://example.org/a"
    with pytest.raises(Neo4jError, match="not a name from the ontology"):
        write_neo4j_csv(PropertyGraph({a: Node(a, {"Record", "Bad;Label"}, {"iri": a})}, []), tmp_path)
    with pytest.raises(Neo4jError, match="not exactly one of Review, Record"):
        write_neo4j_csv(PropertyGraph({a: Node(a, {"Person"}, {"iri": a})}, []), tmp_path)


def test_the_import_command_names_every_file_pair_headers_first(tmp_path, examples):
    paths = write_neo4j_csv(examples, tmp_path / "csv")
    arguments = shlex.split(import_command(paths, database="reviews"))
    assert arguments[:4] == ["neo4j-admin", "database", "import", "full"] and arguments[-1] == "reviews"
    groups = [a.partition("=") for a in arguments if a.startswith(("--nodes=", "--relationships="))]
    assert [kind for kind, _, _ in groups] == ["--nodes"] * 5 + ["--relationships"]
    for _, _, files in groups:
        header, data = map(Path, files.split(","))
        assert header.is_absolute() and header.name.endswith(".header.csv")
        assert data == header.with_name(header.name.replace(".header", ""))
    assert "--array-delimiter=;" in arguments and "--multiline-fields=true" not in arguments

    with pytest.raises(Neo4jError, match="has no data file relationships.csv"):
        import_command([p for p in paths if p.name != "relationships.csv"])
    odd = write_neo4j_csv(examples, tmp_path / "a,b")
    with pytest.raises(Neo4jError, match="cannot take the path .*write the files to a directory without them"):
        import_command(odd)


# -- against Neo4j -----------------------------------------------------------------------------
def test_rows_read_back_and_pushed_through_unwind_give_the_views_graph(tmp_path, examples, empty_neo4j):
    nodes, relationships = read_back(write_neo4j_csv(examples, tmp_path))
    empty_neo4j.execute_query("UNWIND $rows AS row CREATE (n:$(row.labels)) SET n = row.props",
                              rows=[{"labels": sorted(labels), "props": props} for labels, props in nodes.values()])
    empty_neo4j.execute_query(
        "UNWIND $rows AS row MATCH (a {iri: row.start}) MATCH (b {iri: row.end}) "
        "CREATE (a)-[r:$(row.type)]->(b) SET r = row.props",
        rows=[{"type": t, "start": s, "end": e, "props": dict(p)} for t, s, e, p in relationships])
    assert stored_graph(empty_neo4j) == view_graph(examples)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_neo4j_admin_imports_the_files_into_a_database_holding_the_view(tmp_path, examples):
    java = shutil.which(os.environ.get("CASEGRAPH_NEO4J_JAVA", "java"))
    jar = LAUNCHER / "neo4j-test-server.jar"
    if not java or not jar.exists() or not list((LAUNCHER / "lib").glob("neo4j-import-tool-*.jar")):
        skip_or_fail(f"needs java and {jar} with its lib/ (tests/servers/neo4j.sh start builds them)")
    import neo4j

    view = awkward()  # the examples and the awkward values, in one database
    view = PropertyGraph({**examples.nodes, **view.nodes}, examples.relationships + view.relationships)
    paths = write_neo4j_csv(view, tmp_path / "csv")
    home = tmp_path / "home"
    home.mkdir()
    arguments = shlex.split(import_command(paths))
    assert arguments[0] == "neo4j-admin"  # the script runs org.neo4j.cli.AdminTool, as here
    imported = subprocess.run([java, *JAVA_OPTS, *OPENS, "-cp", f"{LAUNCHER / 'lib'}/*", "org.neo4j.cli.AdminTool",
                               *arguments[1:]], env={**os.environ, "NEO4J_HOME": str(home)}, cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
    assert imported.returncode == 0, imported.stdout[-3000:] + imported.stderr[-3000:]
    assert f"{len(view.nodes)} nodes" in imported.stdout

    port, password = free_port(), secrets.token_urlsafe(12)
    log = tmp_path / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen([java, *JAVA_OPTS, "-jar", str(jar), str(home), str(port), password],
                                  stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while "READY " not in log.read_text(errors="replace"):
            assert server.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
        with neo4j.GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=("neo4j", password)) as imported_db:
            assert stored_graph(imported_db) == view_graph(view)  # the empty string and the newline too
    finally:
        server.terminate()  # the launcher shuts the database down cleanly on SIGTERM
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
