"""`casegraph import qdpx` and `casegraph export qdpx`: a project's sources become reviews holding its
codebook, texts and coded excerpts; importing again replaces exactly; a failed import stores
nothing; import, export and import again give the same graph."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.graph.store import ReviewStore
from tests.loaders.test_qda_reader import G, SAMPLES, TEXT, project_xml, qdpx

QUOTES = "00000000-0000-4000-8000-000000000099"
HARM = f"""
  <Code guid="{G['themes']}" name="Contextual dynamics of harm" isCodable="true" color="#ff0000">
   <Description>Table 1's primary node</Description>
   <Code guid="{G['peers']}" name="Peers" isCodable="true"/>
  </Code>
  <Code guid="{QUOTES}" name="Quotes for report" isCodable="true"/>"""
CODED = f"""
   <PlainTextSelection guid="{G['s1']}" startPosition="14" endPosition="37">
    <Coding guid="{G['c1']}" creatingUser="{G['user']}" creationDateTime="2024-02-03T04:05:06Z">
     <CodeRef targetGUID="{G['peers']}"/></Coding>
   </PlainTextSelection>
   <PlainTextSelection guid="{G['s2']}" startPosition="0" endPosition="4">
    <Coding guid="{G['c2']}" creatingUser="{G['user']}"><CodeRef targetGUID="{QUOTES}"/></Coding>
   </PlainTextSelection>"""


def project(path, selections: str = CODED, codes: str = HARM, text: str = TEXT):
    xml = project_xml(selections, codes=codes).replace('name="Small"', 'name="EFH reviews"')
    xml = xml.replace(f'<CodeRef targetGUID="{G["peers"]}"/>\n   <VariableValue>',
                      '<VariableValue>')  # the case is the child: Age and Area, no code
    return qdpx(path, xml, {f"sources/{G['source']}.txt": text.encode("utf-8")})


def run(*args, store=None):
    result = CliRunner().invoke(main, [*args] + (["--store", str(store)] if store else []))
    return result


@pytest.fixture
def store(tmp_path):
    return tmp_path / "store"


def stored_quads(store) -> dict[str, set]:
    with ReviewStore.open(store) as opened:
        return {review: set(opened.quads(review)) for review in opened.review_ids()}


def framework_rows(store) -> dict[str, tuple[int, int]]:
    result = run("query", "run", "framework-nodes", "--format", "json", store=store)
    assert result.exit_code == 0, result.output
    return {row["node"].rsplit("/", 1)[-1]: (row["reviews"], row["items"]) for row in json.loads(result.stdout)
            if row["items"]}


def test_a_project_imports_into_the_store_and_answers_framework_nodes(tmp_path, store):
    result = run("import", "qdpx", str(project(tmp_path / "p.qdpx")), store=store)
    assert result.exit_code == 0, result.output
    assert "stored 1 review(s) of project 'EFH reviews' with 2 coded excerpt(s)" in result.stderr
    assert framework_rows(store) == {"harm-peers": (1, 1)}
    (quads,) = stored_quads(store).values()
    texts = {q.object.value for q in quads if q.predicate.value.endswith("#quote")}
    assert texts == {"Child A met older peers", "Café"}
    assert any(q.predicate.value.endswith("#codedBy") and q.object.value == "analyst" for q in quads)


def test_out_writes_review_files_that_load_to_the_same_graph(tmp_path, store):
    path = project(tmp_path / "p.qdpx")
    result = run("import", "qdpx", str(path), "--out", str(tmp_path / "reviews"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "reviews").iterdir()) == ["scr-child-a.txt", "scr-child-a.yaml"]
    assert (tmp_path / "reviews" / "scr-child-a.txt").read_text(encoding="utf-8") == TEXT
    assert run("load", str(tmp_path / "reviews"), store=store).exit_code == 0
    other = tmp_path / "direct"
    assert run("import", "qdpx", str(path), store=other).exit_code == 0
    assert stored_quads(store) == stored_quads(other)


def test_importing_again_replaces_exactly_and_drops_sources_gone(tmp_path, store):
    path = project(tmp_path / "p.qdpx")
    assert run("import", "qdpx", str(path), store=store).exit_code == 0
    first = stored_quads(store)
    assert run("import", "qdpx", str(path), store=store).exit_code == 0
    assert stored_quads(store) == first
    fewer = project(tmp_path / "fewer.qdpx", selections=CODED.split("</PlainTextSelection>")[0] + "</PlainTextSelection>")
    assert run("import", "qdpx", str(fewer), store=store).exit_code == 0
    (quads,) = stored_quads(store).values()
    assert {q.object.value for q in quads if q.predicate.value.endswith("#quote")} == {"Child A met older peers"}
    renamed = tmp_path / "renamed.qdpx"
    xml_renamed = project_xml(CODED, codes=HARM).replace('name="Small"', 'name="EFH reviews"').replace(
        'name="SCR Child A"', 'name="SCR Child B"')
    qdpx(renamed, xml_renamed, {f"sources/{G['source']}.txt": TEXT})
    result = run("import", "qdpx", str(renamed), store=store)
    assert result.exit_code == 0 and "removed 1 it no longer has: scr-child-a" in result.stderr
    assert list(stored_quads(store)) == ["scr-child-b"]


def test_a_review_of_the_same_id_from_elsewhere_is_not_overwritten(tmp_path, store):
    path = project(tmp_path / "p.qdpx")
    assert run("import", "qdpx", str(path), "--out", str(tmp_path / "files")).exit_code == 0
    file = tmp_path / "files" / "scr-child-a.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("  project: EFH reviews\n", ""), encoding="utf-8")
    assert run("load", str(tmp_path / "files"), store=store).exit_code == 0
    before = stored_quads(store)
    result = run("import", "qdpx", str(path), store=store)
    assert result.exit_code == 3 and "stored already, and not from project 'EFH reviews'" in result.stderr
    assert stored_quads(store) == before


def test_a_failed_import_stores_nothing(tmp_path, store):
    assert run("import", "qdpx", str(project(tmp_path / "p.qdpx")), store=store).exit_code == 0
    before = stored_quads(store)
    undated = project_xml(CODED, codes=HARM).replace(' creationDateTime="2024-01-02T03:04:05Z"', "")
    bad = qdpx(tmp_path / "undated.qdpx", undated.replace('name="Small"', 'name="EFH reviews"'),
               {f"sources/{G['source']}.txt": TEXT})
    result = run("import", "qdpx", str(bad), store=store)
    assert result.exit_code == 1 and "give its case a Year variable" in result.stderr
    slip = qdpx(tmp_path / "slip.qdpx", project_xml(), {"../../evil.txt": "x"})
    assert run("import", "qdpx", str(slip), store=store).exit_code == 1
    assert stored_quads(store) == before


def test_show_mapping_stores_nothing(tmp_path, store):
    result = run("import", "qdpx", str(project(tmp_path / "p.qdpx")), "--show-mapping", "--format", "csv", store=store)
    assert result.exit_code == 0
    assert "Contextual dynamics of harm/Peers,framework/harm-peers" in result.stdout
    assert not (store / "reviews.json").exists() or stored_quads(store) == {}


def test_import_export_import_gives_the_same_graph(tmp_path, store):
    assert run("import", "qdpx", str(project(tmp_path / "p.qdpx")), store=store).exit_code == 0
    exported = tmp_path / "back.qdpx"
    result = run("export", "--store", str(store), "qdpx", str(exported))
    assert result.exit_code == 0, result.output
    again = tmp_path / "again"
    assert run("import", "qdpx", str(exported), store=again).exit_code == 0
    assert stored_quads(again) == stored_quads(store)


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the REFI-QDA samples are not beside the repository")
@pytest.mark.parametrize("name, reviews", [("paper_themes_ICLS_MAXQDA24", 10), ("ponte_target-atlas-project", 0)])
def test_the_real_samples_import_with_every_code_and_source(tmp_path, store, name, reviews):
    from casegraph.loaders.qda.reader import read_project

    path = SAMPLES / f"{name}.qdpx"
    project_read = read_project(path)
    result = run("import", "qdpx", str(path), store=store)
    assert result.exit_code == 0, result.output
    if not reviews:  # codes and no sources: nothing to store, and it says so
        assert f"no source documents, so it holds no reviews; nothing stored. Its {len(project_read.codes)} code(s)" \
            in result.stderr
        return
    stored = stored_quads(store)
    assert len(stored) == reviews == len(project_read.sources)
    for quads in stored.values():
        guids = {q.object.value for q in quads if q.predicate.value.endswith("#qdaGuid")}
        assert {c.guid for c in project_read.codes} <= guids
    assert {q.object.value for quads in stored.values() for q in quads if q.predicate.value.endswith("#qdaGuid")} >= \
        {s.guid for s in project_read.sources}


# --- a project coded in NVivo with the study's Table 1 names ----------------------------------

def test_an_nvivo_project_answers_framework_nodes_with_the_counts_coded(tmp_path, store):
    from tests.loaders.test_qda_nvivo_fixture import NVIVO_STYLE, nvivo_style_qdpx

    expected = json.loads((NVIVO_STYLE / "expected.json").read_text(encoding="utf-8"))
    coded = {key: (value["reviews"], value["items"]) for key, value in expected.items()
             if isinstance(value, dict) and "items" in value}
    result = run("import", "qdpx", str(nvivo_style_qdpx(tmp_path)), store=store)
    assert result.exit_code == 0, result.output
    assert "stored 4 review(s) of project" in result.stderr and f"{expected['selections']} coded excerpt(s)" in result.stderr
    assert "note:" not in result.stderr  # every review's year and kind come from its case
    assert framework_rows(store) == coded
    cypher = run("query", "run", "framework-nodes", "--engine", "cypher", "--format", "json", store=store)
    assert {row["node"].rsplit("/", 1)[-1]: (row["reviews"], row["items"]) for row in json.loads(cypher.stdout)
            if row["items"]} == coded
    with ReviewStore.open(store) as opened:
        harm = {title.value: sorted(code.rsplit("/", 1)[-1] for code in codes.value.split())
                for title, codes in opened.query(
                    "SELECT ?title (GROUP_CONCAT(STR(?h)) AS ?codes) { ?r a cg:Review ; rdfs:label ?title ; "
                    "cg:harmType ?h } GROUP BY ?title")}
        people = {(row[0].value, row[1].value.rsplit("#", 1)[-1]) for row in opened.query(
            "SELECT ?name ?class { ?p a cg:Person, ?class ; rdfs:label ?name . "
            "FILTER(?class IN (cg:YoungPerson, cg:Peer)) }")}
    assert {title: codes for title, codes in harm.items()} == expected["harm_types_per_source"]
    assert ("Child Q", "YoungPerson") in people and ("Child S", "Peer") in people


def test_the_nvivo_project_round_trips_to_the_same_graph(tmp_path, store):
    from tests.loaders.test_qda_nvivo_fixture import nvivo_style_qdpx

    assert run("import", "qdpx", str(nvivo_style_qdpx(tmp_path)), store=store).exit_code == 0
    assert run("export", "--store", str(store), "qdpx", str(tmp_path / "back.qdpx")).exit_code == 0
    again = tmp_path / "again"
    assert run("import", "qdpx", str(tmp_path / "back.qdpx"), store=again).exit_code == 0
    assert stored_quads(again) == stored_quads(store)


def test_hand_coded_reviews_export_with_casegraphs_code_lists(tmp_path, store):
    from casegraph.loaders.qda.mapping import map_codes
    from casegraph.loaders.qda.reader import read_project
    from tests.conftest import EXAMPLES

    assert run("load", str(EXAMPLES / "scr-30-2016.yaml"), store=store).exit_code == 0
    assert run("export", "--store", str(store), "qdpx", str(tmp_path / "hand.qdpx")).exit_code == 0
    project_read = read_project(tmp_path / "hand.qdpx")  # schema-checked as it is read
    mapping = map_codes(project_read)
    lists = {target.list for target in mapping.targets.values()}
    assert {"framework", "harm-type", "response-kind"} <= lists
    assert "Context types" in {code.name for code in project_read.codes}  # its codes share Table 1's names
    assert any(case.name == "Child M" for case in project_read.cases)


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the REFI-QDA samples are not beside the repository")
@pytest.mark.parametrize("name", ["paper_themes_ICLS_MAXQDA24", "ponte_blank-atlas-project",
                                  "ponte_target-atlas-project"])
def test_the_real_samples_write_back_as_read(tmp_path, name):
    from casegraph.loaders.qda.reader import read_project
    from casegraph.loaders.qda.writer import write_project

    project_read = read_project(SAMPLES / f"{name}.qdpx")
    again = read_project(write_project(project_read, tmp_path / "again.qdpx"))
    strip = lambda p: (p.codes, tuple((s.guid, s.name, s.kind, s.text, s.selections, s.codings) for s in p.sources),
                       p.users, p.variables, p.cases)  # noqa: E731 (paths and sets are the writer's own)
    assert strip(again) == strip(project_read)
