"""`casegraph qdpx show`: an NVivo-style project coded with the study's own Table 1 names shows
what each code maps to, with no mapping file; a hostile archive is one line and exit 3."""
from __future__ import annotations

import csv
import io
import zipfile

from click.testing import CliRunner

from casegraph.cli import main

G = {name: f"00000000-0000-4000-8000-{number:012d}" for number, name in enumerate(
    ["user", "harm", "peers", "school", "cse", "memo", "source", "s1", "s2", "c1", "c2", "c3"])}
TEXT = "Child A was exploited by older peers at the park near her school."


def nvivo_style(path):
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="EFH reviews" origin="NVivo 14">
 <Users><User guid="{G['user']}" name="researcher"/></Users>
 <CodeBook><Codes>
  <Code guid="{G['harm']}" name="Contextual dynamics of harm" isCodable="true">
   <Code guid="{G['peers']}" name="Peers" isCodable="true"/>
   <Code guid="{G['school']}" name="School" isCodable="true"/>
  </Code>
  <Code guid="{G['cse']}" name="Child exploitation via sexual abuse" isCodable="true"/>
  <Code guid="{G['memo']}" name="Memo: ask the author" isCodable="true"/>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="{G['source']}" name="SCR Child A (2019)" plainTextPath="internal://{G['source']}.txt">
   <PlainTextSelection guid="{G['s1']}" startPosition="0" endPosition="25">
    <Coding guid="{G['c1']}" creatingUser="{G['user']}"><CodeRef targetGUID="{G['cse']}"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="{G['s2']}" startPosition="29" endPosition="40">
    <Coding guid="{G['c2']}" creatingUser="{G['user']}"><CodeRef targetGUID="{G['peers']}"/></Coding>
   </PlainTextSelection>
  </TextSource>
 </Sources>
</Project>
"""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        archive.writestr(f"sources/{G['source']}.txt", TEXT)
    return path


def test_the_studys_names_map_with_no_mapping_file(tmp_path):
    result = CliRunner().invoke(main, ["qdpx", "show", str(nvivo_style(tmp_path / "p.qdpx")), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["Contextual dynamics of harm/Peers"]["casegraph"] == "framework/harm-peers"
    assert rows["Child exploitation via sexual abuse"]["casegraph"] == "harm-type/sexual-exploitation"
    assert rows["Memo: ask the author"]["casegraph"] == "" and "no casegraph code" in rows["Memo: ask the author"]["how"]
    assert "5 code(s) of which 4 map, 1 source(s), 2 coded selection(s)" in result.stderr


def test_a_mapping_file_changes_the_answer(tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text('mappings:\n  "Memo: ask the author": none\n  "Contextual dynamics of harm/School": '
                       'framework/harm-school\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["qdpx", "show", str(nvivo_style(tmp_path / "p.qdpx")), "--mapping", str(mapping),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"how": "left unmapped by the mapping file"' in result.stdout


def test_a_hostile_archive_is_one_line_and_exit_3(tmp_path):
    hostile = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(hostile, "w") as archive:
        archive.writestr("../../outside.txt", "x")
        archive.writestr("project.qde", "<Project/>")
    result = CliRunner().invoke(main, ["qdpx", "show", str(hostile)])
    assert result.exit_code == 3
    assert result.output.startswith("error: ") and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path.parent / "outside.txt").exists()
