"""Reading REFI-QDA projects: real exports of MAXQDA and ATLAS.ti read whole, a small project
read back exactly, and each way a hostile archive attacks refused in one clear line."""
from __future__ import annotations

import re
import stat
import struct
import zipfile
import xml.etree.ElementTree as ET

import pytest

from casegraph.loaders.qda import QdaError
from casegraph.loaders.qda import archive as qda_archive
from casegraph.loaders.qda.reader import read_project
from tests.conftest import ROOT

SAMPLES = ROOT.parent / "shared" / "reference" / "refi-qda"
NS = "{urn:QDA-XML:project:1.0}"
SOURCE_TAGS = {"TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource"}
G = {name: f"00000000-0000-4000-8000-{number:012d}" for number, name in enumerate(
    ["user", "themes", "peers", "source", "s1", "s2", "c1", "c2", "case", "age", "area", "set"])}
TEXT = "Café meeting: Child A met older peers near the school."


def qdpx(path, xml: str, members: dict[str, bytes | str] | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", xml)
        for name, data in (members or {}).items():
            archive.writestr(name, data)
    return path


def project_xml(selections: str = "", codes: str | None = None, doctype: str = "") -> str:
    codes = codes if codes is not None else f"""
  <Code guid="{G['themes']}" name="Themes" isCodable="false" color="#ff0000">
   <Description>Top of the tree</Description>
   <Code guid="{G['peers']}" name="Peers" isCodable="true"/>
  </Code>"""
    return f"""<?xml version="1.0" encoding="utf-8"?>{doctype}
<Project xmlns="urn:QDA-XML:project:1.0" name="Small" origin="hand" creationDateTime="2024-01-02T03:04:05Z">
 <Users><User guid="{G['user']}" name="analyst" id="A1"/></Users>
 <CodeBook><Codes>{codes}
 </Codes></CodeBook>
 <Variables>
  <Variable guid="{G['age']}" name="Age" typeOfVariable="Integer"/>
  <Variable guid="{G['area']}" name="Area" typeOfVariable="Text"/>
 </Variables>
 <Cases>
  <Case guid="{G['case']}" name="Child A">
   <CodeRef targetGUID="{G['peers']}"/>
   <VariableValue><VariableRef targetGUID="{G['age']}"/><IntegerValue>15</IntegerValue></VariableValue>
   <VariableValue><VariableRef targetGUID="{G['area']}"/><TextValue>North</TextValue></VariableValue>
   <SourceRef targetGUID="{G['source']}"/>
  </Case>
 </Cases>
 <Sources>
  <TextSource guid="{G['source']}" name="SCR Child A" plainTextPath="internal://{G['source']}.txt">{selections}
  </TextSource>
 </Sources>
 <Sets><Set guid="{G['set']}" name="Reviewed"><MemberSource targetGUID="{G['source']}"/></Set></Sets>
</Project>
"""


SELECTIONS = f"""
   <PlainTextSelection guid="{G['s1']}" startPosition="0" endPosition="4" creatingUser="{G['user']}">
    <Coding guid="{G['c1']}" creatingUser="{G['user']}" creationDateTime="2024-02-03T04:05:06Z">
     <CodeRef targetGUID="{G['peers']}"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="{G['s2']}" startPosition="14" endPosition="37">
    <Coding guid="{G['c2']}" creatingUser="{G['user']}"><CodeRef targetGUID="{G['peers']}"/></Coding>
   </PlainTextSelection>"""


def small(path, selections: str = SELECTIONS, **kwargs):
    # Capital "Sources/" and a byte order mark, as some tools write them.
    return qdpx(path, project_xml(selections, **kwargs),
                {f"Sources/{G['source']}.txt": "\ufeff".encode() + TEXT.encode("utf-8")})


def refused(path) -> str:
    with pytest.raises(QdaError) as caught:
        read_project(path)
    message = str(caught.value)
    assert len(message.splitlines()) == 1 and str(path) in message
    return message


# --- real exports ----------------------------------------------------------------------------

@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the REFI-QDA samples are not beside the repository")
@pytest.mark.parametrize("name", ["paper_themes_ICLS_MAXQDA24", "ponte_blank-atlas-project",
                                  "ponte_target-atlas-project"])
def test_real_exports_read_with_every_code_and_source(name):
    path = SAMPLES / f"{name}.qdpx"
    with zipfile.ZipFile(path) as archive:  # counted independently, on the same bytes
        tree = ET.fromstring(archive.read("project.qde"))
    code_guids = [e.get("guid") for e in tree.iter(f"{NS}Code")]
    source_guids = [e.get("guid") for e in tree.iter() if e.tag.removeprefix(NS) in SOURCE_TAGS]
    project = read_project(path)
    assert sorted(c.guid for c in project.codes) == sorted(code_guids)
    assert sorted(s.guid for s in project.sources) == sorted(source_guids)
    by_guid = project.code_by_guid()
    seen: set[str] = set()
    for code in project.codes:  # parents first
        assert code.parent is None or code.parent in seen
        seen.add(code.guid)
    if name.startswith("paper_themes"):
        assert len(project.codes) == 307 and len(project.sources) == 10
        assert all(s.kind == "text" and len(s.text) > 1000 for s in project.sources)
        assert project.origin.startswith("MAXQDA 24") and len(project.sets) == 2
        assert by_guid[project.codes[1].guid].path(by_guid)[0] == project.codes[0].name


# --- a small project read back exactly --------------------------------------------------------

def test_a_small_project_reads_back_exactly(tmp_path):
    project = read_project(small(tmp_path / "small.qdpx"))
    assert (project.name, project.origin, project.created) == ("Small", "hand", "2024-01-02T03:04:05Z")
    assert [(u.guid, u.name, u.id) for u in project.users] == [(G["user"], "analyst", "A1")]
    themes, peers = project.codes
    assert (themes.name, themes.is_codable, themes.color, themes.description, themes.parent) == \
        ("Themes", False, "#ff0000", "Top of the tree", None)
    assert (peers.name, peers.parent, peers.path(project.code_by_guid())) == ("Peers", G["themes"], ("Themes", "Peers"))
    (source,) = project.sources
    assert (source.name, source.kind, source.text, source.path) == \
        ("SCR Child A", "text", TEXT, f"internal://{G['source']}.txt")
    first, second = source.selections
    assert (first.start, first.end, first.text, first.creator) == (0, 4, "Café", G["user"])
    assert (second.start, second.end, second.text) == (14, 37, "Child A met older peers")
    assert first.codings[0] == type(first.codings[0])(G["c1"], G["peers"], G["user"], "2024-02-03T04:05:06Z")
    assert second.codings[0].code == G["peers"] and project.selection_count() == 2
    (case,) = project.cases
    assert (case.name, case.values, case.codes, case.sources) == \
        ("Child A", ((G["age"], "15"), (G["area"], "North")), (G["peers"],), (G["source"],))
    assert [(v.name, v.type) for v in project.variables] == [("Age", "Integer"), ("Area", "Text")]
    assert project.sets == (("Reviewed", (G["source"],)),)


# --- attacks and damage, each one clear line ---------------------------------------------------

@pytest.mark.parametrize("name", ["../../x", "/etc/x", "sources\\..\\x", "sources/../../x"])
def test_unsafe_member_names_are_refused(tmp_path, name):
    message = refused(qdpx(tmp_path / "slip.qdpx", project_xml(), {name: "x"}))
    assert "unsafe member name" in message and name in message
    assert not (tmp_path.parent / "x").exists()


def test_a_symbolic_link_is_refused(tmp_path):
    path = tmp_path / "link.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", project_xml())
        link = zipfile.ZipInfo("sources/passwd.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert "symbolic link" in refused(path)


def test_too_many_members_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(qda_archive, "MAX_MEMBERS", 5)
    path = qdpx(tmp_path / "many.qdpx", project_xml(), {f"sources/{n}.txt": "x" for n in range(5)})
    assert "6 members" in refused(path)


def test_a_missing_project_qde_is_refused(tmp_path):
    path = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("other.xml", "<x/>")
    assert "no project.qde" in refused(path)


def test_a_member_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(qda_archive, "MAX_MEMBER_BYTES", 2 * 1024 * 1024)
    path = qdpx(tmp_path / "big.qdpx", b"\0" * (2 * 1024 * 1024 + 1))
    assert path.stat().st_size < 20_000
    assert "at most 2,097,152 bytes" in refused(path)


def test_a_zip_bomb_is_refused_by_its_ratio(tmp_path):
    path = qdpx(tmp_path / "bomb.qdpx", b"\0" * (3 * 1024 * 1024))
    assert "zip bomb" in refused(path)


def test_a_header_that_lies_about_the_size_is_caught_while_reading(tmp_path):
    path = qdpx(tmp_path / "liar.qdpx", b"<" * (3 * 1024 * 1024))
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 24:central + 28] = struct.pack("<I", 1000)  # the central directory's uncompressed size
    path.write_bytes(bytes(data))
    assert "cannot read the member" in refused(path)


BILLION_LAUGHS = """
<!DOCTYPE Project [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>"""


@pytest.mark.parametrize("doctype", ['\n<!DOCTYPE Project SYSTEM "project.dtd">', BILLION_LAUGHS],
                         ids=["doctype", "billion-laughs"])
def test_a_dtd_is_refused(tmp_path, doctype):
    xml = project_xml(doctype=doctype).replace('name="Small"', 'name="&lol4;"' if "lol" in doctype else 'name="Small"')
    message = refused(qdpx(tmp_path / "dtd.qdpx", xml))
    assert "DOCTYPE" in message and "line 2" in message and "lollol" not in message


def test_an_external_entity_never_reads_the_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-9f1c", encoding="utf-8")
    xml = project_xml(doctype=f'\n<!DOCTYPE Project [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>')
    xml = xml.replace('name="analyst"', 'name="&xxe;"').replace("Top of the tree", "&xxe;")
    with pytest.raises(QdaError) as caught:
        read_project(qdpx(tmp_path / "xxe.qdpx", xml))
    assert "DOCTYPE" in str(caught.value) and "TOP-SECRET" not in repr(caught.value.args)


def test_a_project_off_the_schema_names_the_line_and_element(tmp_path):
    xml = project_xml(codes=f'\n  <Code guid="{G["peers"]}" name="Peers"/>')
    line = next(n for n, text in enumerate(xml.splitlines(), 1) if 'name="Peers"' in text)
    message = refused(small(tmp_path / "off.qdpx", codes=f'\n  <Code guid="{G["peers"]}" name="Peers"/>', selections=""))
    assert f"line {line}" in message and "Code" in message and "isCodable" in message


def test_malformed_xml_is_refused(tmp_path):
    assert "not well-formed XML" in refused(qdpx(tmp_path / "bad.qdpx", "<Project><Users></Project>"))


def test_a_selection_past_the_end_of_its_text_is_refused_not_clipped(tmp_path):
    past = SELECTIONS.replace('endPosition="37"', f'endPosition="{len(TEXT) + 1}"')
    message = refused(small(tmp_path / "past.qdpx", selections=past))
    assert "'Peers'" in message and "'SCR Child A'" in message and f"{len(TEXT):,} characters" in message


def test_a_missing_text_member_is_reported(tmp_path):
    message = refused(qdpx(tmp_path / "notext.qdpx", project_xml(SELECTIONS)))
    assert "'SCR Child A'" in message and f"sources/{G['source']}.txt" in message


def test_a_code_reference_outside_the_codebook_is_refused(tmp_path):
    stray = SELECTIONS.replace(f'<CodeRef targetGUID="{G["peers"]}"/></Coding>',
                               f'<CodeRef targetGUID="{G["set"]}"/></Coding>')
    assert "not in the codebook" in refused(small(tmp_path / "stray.qdpx", selections=stray))


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "plain.qdpx"
    path.write_text("hello", encoding="utf-8")
    assert re.search(r"not a zip archive", refused(path))
