"""review/2: what real reviews say gets a field or a code, every new field has its wrong-value
messages, review/1 files migrate to review/2 files meaning the same, and one event told in two
reviews counts once (every-field-2021 and other-review-2022 under tests/data/review2)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from casegraph.analysis import patterns
from casegraph.cli import main
from casegraph.errors import ReviewFileError
from casegraph.graph.loading import load_paths
from casegraph.graph.store import ReviewStore
from casegraph.graph.view import build_view
from casegraph.loaders import load
from casegraph.loaders.migrate import migrate_text
from casegraph.ontology import CG, CODE, REVIEW, XSD
from casegraph.queries.sparql import run_update
from tests.conftest import DATA, MINIMAL
from tests.loaders.test_bad_input import replace

FIXTURES = DATA / "review2"
EVERY = FIXTURES / "every-field-2021.yaml"
OTHER = FIXTURES / "other-review-2022.yaml"
BASE = REVIEW + "every-field-2021"


def triples(path: Path) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.predicate.value, q.object.value) for q in load(path).quads}


def objects(found: set, subject: str, predicate: str) -> set[str]:
    return {o for s, p, o in found if s == subject and p == CG + predicate}


@pytest.fixture(scope="module")
def every() -> set[tuple[str, str, str]]:
    return triples(EVERY)


def test_review_facts(every):
    assert objects(every, BASE, "author") == {f"{BASE}/author-1"}
    assert objects(every, BASE, "reviewLevel") == {f"{CODE}review-level/national"}
    assert objects(every, BASE, "publishedEarliest") == {"2021-06-01"}
    assert objects(every, BASE, "commissionedLatest") == {"2020-03-31"}
    assert objects(every, BASE, "findingsCount") == {"8"} and objects(every, BASE, "recommendationsCount") == {"14"}
    assert objects(every, BASE, "harmType") == {f"{CODE}harm-type/harm-by-professionals",
                                                 f"{CODE}harm-type/road-collision"}
    cohort = f"{BASE}/_cohort"
    assert objects(every, BASE, "hasCohort") == {cohort}
    assert objects(every, cohort, "cohortSize") == {"60"}
    typed = next(q for q in load(EVERY).quads if q.subject.value == cohort and q.predicate.value == CG + "cohortSize")
    assert typed.object.datatype == ox.NamedNode(XSD + "integer")


def test_person_details(every):
    child = f"{BASE}/child-v"
    assert objects(every, child, "ethnicity") == {"Black British of Caribbean heritage"}
    assert objects(every, child, "ethnicityCode") == {f"{CODE}ethnicity/black-caribbean"}
    assert objects(every, child, "lookedAfter") == {"true"} and objects(every, child, "ehcp") == {"false"}
    placements = objects(every, child, "hasPlacement")
    assert placements == {f"{child}/placement-1", f"{child}/placement-2"}
    assert objects(every, f"{child}/placement-1", "atPlace") == {f"{BASE}/foster-1"}
    assert objects(every, f"{child}/placement-2", "atPlace") == set()  # where is not stated
    assert objects(every, f"{child}/placement-2", "dateEarliest") == {"2018-01-01"}
    assert objects(every, f"{child}/placement-2", "dateLatest") == set()  # "from 2018": open
    missing = f"{child}/missing-1"
    assert objects(every, missing, "episodeCount") == {"30"}
    assert objects(every, missing, "dateEarliest") == {"2018-01-01"} and objects(every, missing, "dateLatest") == {"2020-12-31"}
    exclusion = f"{child}/exclusion-1"
    assert objects(every, exclusion, "exclusionKind") == {f"{CODE}exclusion-kind/permanent"}
    assert objects(every, exclusion, "dateLatest") == {"2018-12-31"} and not objects(every, exclusion, "dateEarliest")
    outcome = f"{child}/outcome"
    assert objects(every, outcome, "outcomeKind") == {f"{CODE}outcome-kind/died"}
    assert objects(every, outcome, "harmType") == {f"{CODE}harm-type/road-collision"}
    roles = {next(iter(objects(every, r, "harmRole"))) for r in objects(every, child, "hasHarmRole")}
    assert roles == {f"{CODE}harm-role/victim", f"{CODE}harm-role/both"}


def test_stays_are_edges_and_dated_details(every):
    child = f"{BASE}/child-v"
    assert objects(every, child, "attends") == {f"{BASE}/school-v", f"{BASE}/ap-v"}
    assert objects(every, child, "hasAttendance") == {f"{child}/attends-1"}  # only the dated one
    assert objects(every, f"{child}/attends-1", "dateLatest") == {"2019-04-30"}
    assert objects(every, child, "livesAt") == {f"{BASE}/foster-1"} and not objects(every, child, "hasResidence")


def test_family_member_is_the_young_persons_relative_by_default(every):
    assert objects(every, f"{BASE}/mother-v", "relativeOf") == {f"{BASE}/child-v"}
    assert not objects(every, f"{BASE}/author-1", "relativeOf")


def test_harm_type_is_optional_with_a_note_and_not_stated_codes(every):
    unknown = f"{BASE}/unknown-harm"
    assert not objects(every, unknown, "harmType")
    assert objects(every, unknown, "harmNote") == {"the review says only that he was harmed"}
    assert objects(every, f"{BASE}/closure", "agency") == {f"{CODE}agency/not-stated"}
    assert objects(every, f"{BASE}/closure", "closureReason") == {f"{CODE}closure-reason/not-stated"}
    assert objects(every, f"{BASE}/collision", "sameEventAs") == {f"{REVIEW}other-review-2022/killing"}


def test_review2_graphs_conform_to_the_shapes():
    import pyshacl
    import rdflib

    from casegraph.ontology import CODES_FILE, ONTOLOGY_FILE, SHAPES_FILE

    ontology = rdflib.Graph()
    for path in (ONTOLOGY_FILE, CODES_FILE):
        ontology.parse(path, format="turtle")
    data = rdflib.Graph()
    for path in (EVERY, OTHER):
        data.parse(data="".join(f"{q.triple} .\n" for q in load(path).quads), format="nt")
    conforms, _, text = pyshacl.validate(data, shacl_graph=rdflib.Graph().parse(SHAPES_FILE),
                                         ont_graph=ontology, inference="rdfs")
    assert conforms, text


# -- wrong values ------------------------------------------------------------------------------------

BAD = [
    ("unknown-ethnicity", replace("ethnicity_code: black-caribbean", "ethnicity_code: caribbean"),
     ["people[0].ethnicity_code", "unknown ethnicity code 'caribbean'", "did you mean 'black-caribbean'"], 25),
    ("author-not-a-reviewer", replace("authors: [author-1]", "authors: [child-v]"),
     ["review.authors[0]", "has role 'young-person'", "authors must refer to a person with role 'reviewer'"], 11),
    ("same-as-not-a-record", replace("same_as: [other-review-2022/killing]", "same_as: [killing]"),
     ["incidents[2].same_as[0]", "is not review-id/item-id"], 95),
    ("same-as-own-non-incident", replace("same_as: [other-review-2022/killing]", "same_as: [every-field-2021/child-v]"),
     ["incidents[2].same_as[0]", "is not one of its incidents"], 95),
    ("same-as-itself", replace("same_as: [other-review-2022/killing]", "same_as: [every-field-2021/collision]"),
     ["incidents[2].same_as[0]", "is this incident itself"], 95),
    ("open-date-unreadable", replace('when: "before 2019"', 'when: "before the summer"'),
     ["people[0].exclusions[0].when", "cannot read 'before the summer'", '"before 2019"', '"from 2015"'], 40),
    ("published-not-in-year", replace('published: "2021-06"', 'published: "2019-06"'),
     ["review.published", "is not in year 2021"], 13),
    ("stay-without-place", replace("      - place: school-v\n        when", "      - when"),
     ["people[0].attends[0]", "missing required field 'place'"], 52),
    ("stay-unknown-place", replace("      - ap-v", "      - ap-w"),
     ["people[0].attends[1]", "'ap-w' is not the id of any item in places", "did you mean 'ap-v'"], 54),
    ("placement-at-a-person", replace("      - place: foster-1", "      - place: mother-v"),
     ["people[0].placements[0].place", "'mother-v' is a person", "must refer to places"], 28),
    ("negative-count", replace("findings_count: 8", "findings_count: -8"),
     ["review.findings_count", "out of range"], 14),
    ("unknown-outcome", replace("kind: died", "kind: dead"),
     ["people[0].outcome.kind", "unknown outcome-kind code 'dead'", "did you mean 'died'"], 42),
    ("unknown-stay-field", replace('        when: "until early 2019"', '        until: "early 2019"'),
     ["people[0].attends[0].until", "unknown field 'until'", "allowed fields:"], 53),
]


@pytest.mark.parametrize("mutate, fragments, line", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_new_fields_wrong_values_are_named(tmp_path, mutate, fragments, line):
    path = tmp_path / "bad.yaml"
    path.write_text(mutate(EVERY.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ReviewFileError) as caught:
        load(path)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, message
    assert f"{path}:{line}:" in message, message


def test_review2_fields_are_unknown_in_review1(tmp_path):
    path = tmp_path / "v1.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8").replace("    gender: female\n",
                                                                "    gender: female\n    ethnicity: White\n", 1),
                    encoding="utf-8")
    with pytest.raises(ReviewFileError, match=r"unknown field 'ethnicity'"):
        load(path)


def test_review1_still_requires_harm_types(tmp_path):
    path = tmp_path / "v1.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8").replace(
        "  harm_types: [sexual-exploitation, peer-on-peer-abuse]\n", "", 1), encoding="utf-8")
    with pytest.raises(ReviewFileError, match=r"missing required field 'harm_types'"):
        load(path)


# -- migration ---------------------------------------------------------------------------------------

REVIEW1_FILES = sorted(p for p in DATA.rglob("*.yaml") if "casegraph: review/1" in p.read_text(encoding="utf-8"))


def test_there_are_review1_files_to_migrate():
    assert MINIMAL in REVIEW1_FILES and len(REVIEW1_FILES) >= 10


@pytest.mark.parametrize("path", REVIEW1_FILES, ids=lambda p: p.name)
def test_review1_migrates_to_the_same_graph_plus_the_new_defaults(tmp_path, path):
    text = path.read_text(encoding="utf-8")
    migrated = migrate_text(text, path)
    assert "review/2" in migrated.splitlines()[[n for n, line in enumerate(text.splitlines())
                                                if line.startswith("casegraph:")][0]]
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert comments == [line for line in migrated.splitlines() if line.lstrip().startswith("#")]
    new = tmp_path / path.name
    new.write_text(migrated, encoding="utf-8")
    before, after = set(load(path).quads), set(load(new).quads)
    assert before <= after
    # a relationship's new default kind, and the connection derived from it
    assert {q.predicate.value for q in after - before} <= {CG + "relativeOf", CG + "connectedThrough"}


def test_migrate_command_rewrites_in_place_and_checks(tmp_path):
    folder = tmp_path / "reviews"
    folder.mkdir()
    shutil.copy(MINIMAL, folder / "minimal.yaml")
    shutil.copy(EVERY, folder / "every.yaml")
    (folder / "bad.yaml").write_text("casegraph: review/1\nreview: {}\n", encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(main, ["migrate", "--check", str(folder)])
    assert checked.exit_code == 1 and "would migrate" in checked.output
    assert "review/1" in (folder / "minimal.yaml").read_text(encoding="utf-8")  # --check wrote nothing
    result = runner.invoke(main, ["migrate", str(folder)])
    assert result.exit_code == 1, result.output  # the bad file is reported and left alone
    assert f"migrated {folder / 'minimal.yaml'}" in result.output
    assert "1 already review/2" in result.output and "1 with problems left alone" in result.output
    assert "casegraph: review/2" in (folder / "minimal.yaml").read_text(encoding="utf-8")
    assert (folder / "bad.yaml").read_text(encoding="utf-8") == "casegraph: review/1\nreview: {}\n"
    assert runner.invoke(main, ["migrate", str(folder / "minimal.yaml")]).output.startswith("migrated 0 file(s)")


# -- one event told twice ----------------------------------------------------------------------------

def _store(tmp_path: Path, same_as: bool) -> Path:
    folder = tmp_path / ("with" if same_as else "without")
    folder.mkdir()
    for path in (EVERY, OTHER):
        text = path.read_text(encoding="utf-8")
        if not same_as:
            text = "\n".join(line for line in text.splitlines() if "same_as" not in line) + "\n"
        (folder / path.name).write_text(text, encoding="utf-8")
    report = load_paths([folder], folder / "store")
    assert not report.failed, [str(r.error) for r in report.failed]
    with ReviewStore.open(folder / "store", write=True) as store:
        run_update(store, (FIXTURES / "links.ru").read_text(encoding="utf-8"))
        return build_view(store.review_quads())


@pytest.mark.parametrize("same_as", [False, True], ids=["told-twice", "same-as"])
def test_one_event_told_twice_counts_once(tmp_path, same_as):
    view = _store(tmp_path, same_as)
    timeline = patterns.timeline(view, "every-field-2021/child-v")
    collisions = [row for row in timeline.rows if "road-collision" in row[7]]
    missed = patterns.missed_links(view).rows
    places = patterns.shared_places(view).rows
    if not same_as:  # what the real reviews showed: the killing twice, a missed link, a shared place
        assert len(collisions) == 2
        assert any(r[6] == "different-reviews" for r in missed)
        assert [r[1] for r in places] == ["the ring road"]
        return
    assert len(collisions) == 1
    assert collisions[0][5] == "every-field-2021; other-review-2022"  # both reviews' evidence reachable
    assert not [r for r in missed if r[6] == "different-reviews"]
    assert places == []


def test_same_as_naming_a_review_not_loaded_waits(tmp_path):
    report = load_paths([EVERY], tmp_path / "store")
    assert [w.message() for w in report.waiting] == [
        "every-field-2021/collision: same_as other-review-2022/killing waits: that review is not loaded; "
        "the link takes effect when it is loaded"]
    report = load_paths([OTHER], tmp_path / "store")
    assert report.waiting == []
    result = CliRunner().invoke(main, ["load", str(EVERY), "--store", str(tmp_path / "fresh")])
    assert result.exit_code == 0 and "waits: that review is not loaded" in result.output


def test_both_versions_schemas_are_published():
    from casegraph.loaders.schema import dumps_schema
    from tests.conftest import ROOT

    assert dumps_schema(1) == (ROOT / "schema" / "review-1.schema.json").read_text(encoding="utf-8")
    assert dumps_schema(2) == (ROOT / "schema" / "review.schema.json").read_text(encoding="utf-8")
    output = CliRunner().invoke(main, ["schema", "--version", "1"]).output
    assert '"const": "review/1"' in output and "ethnicity" not in output


def test_new_terms_reach_the_view_and_the_picture(tmp_path):
    from casegraph.viz.network import picture_graph

    view = _store(tmp_path, same_as=True)
    types = {(r.type, r.start, r.end) for r in view.relationships}
    assert ("RELATIVE_OF", f"{BASE}/mother-v", f"{BASE}/child-v") in types  # the family tie drawn by itself
    assert ("SAME_EVENT_AS", f"{BASE}/collision", f"{REVIEW}other-review-2022/killing") in types
    assert ("HAS_OUTCOME", f"{BASE}/child-v", f"{BASE}/child-v/outcome") in types
    assert {"Detail", "Outcome"} <= view.nodes[f"{BASE}/child-v/outcome"].labels
    picture = picture_graph(view)
    assert f"{BASE}/child-v/outcome" not in picture  # details are facts about a record, not records
    assert picture.nodes[f"{BASE}/author-1"]["style"].label == "review author"
    mother = picture.graph["entity_of"][f"{BASE}/mother-v"]
    child = picture.graph["entity_of"][f"{BASE}/child-v"]
    assert picture.has_edge(mother, child, key="RELATIVE_OF")
    collision = picture.graph["entity_of"][f"{BASE}/collision"]
    assert collision == picture.graph["entity_of"][f"{REVIEW}other-review-2022/killing"]
    assert picture.nodes[collision]["reviews"] == ["every-field-2021", "other-review-2022"]


@pytest.mark.parametrize("fmt, suffix", [("trig", ".trig"), ("nquads", ".nq")])
def test_a_review2_graph_exported_loads_back_as_rdf(tmp_path, fmt, suffix):
    """The RDF loader's trust boundary and shapes accept what the YAML loader writes, the
    same-event link into another review included."""
    load_paths([EVERY], tmp_path / "store")
    out = tmp_path / f"every{suffix}"
    with ReviewStore.open(tmp_path / "store") as store, out.open("wb") as handle:
        store.dump(handle, fmt, ["every-field-2021"])
    assert set(load(out).quads) == set(load(EVERY).quads)


def test_a_bad_review2_file_leaves_the_store_as_it_was(tmp_path):
    load_paths([EVERY], tmp_path / "store")
    with ReviewStore.open(tmp_path / "store") as store:
        before = set(store.quads("every-field-2021"))
    bad = tmp_path / "every-field-2021.yaml"
    bad.write_text(EVERY.read_text(encoding="utf-8").replace("kind: died", "kind: dead"), encoding="utf-8")
    assert load_paths([bad], tmp_path / "store").failed
    with ReviewStore.open(tmp_path / "store") as store:
        assert set(store.quads("every-field-2021")) == before
