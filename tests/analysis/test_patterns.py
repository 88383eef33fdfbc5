"""Pattern reports on a small hand-made corpus, with and without the analysts' accepted links.

tests/data/patterns holds three invented reviews built so that every report has known rows:

- pat-a-2018: Mr K harms Amy (inc-1, "early 2017", Riverside Park) and Ben (inc-2, "March
  2017", on Ben's Snapchat); the men at the garages (an organised adult group whose one member
  is Mr L) harm Cal (inc-3, "2017", Riverside Park; a social worker involved); Mr L harms Amy
  (inc-4, "aged about 14": undated). Ben, Cal and Dev (a peer) are the crew; Dev is Amy's
  friend. Responses: resp-1 to inc-1, resp-2 to inc-2, resp-4 to inc-1 and inc-3 together,
  resp-3 targets Amy ("2017").
- pat-b-2019: K harms Ema (inc-5, "summer 2018", the park by the river) and A. (inc-6,
  2018-07-14, on Snapchat); Fin is Ema's friend; resp-5 to inc-5, resp-6 to inc-6 (and A.).
- pat-c-2020: Hal (a peer) harms Gia on " snapchat " (inc-8); a peers context joins them.

links.ru links K = Mr K, A. = Amy, the park by the river = Riverside Park and Hal = Fin.
Expected rows show record IRIs without https://w3id.org/casegraph/review/.
"""
from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

from casegraph.graph.store import ReviewStore
from casegraph.graph.view import PropertyGraph, build_view
from casegraph.analysis import patterns
from casegraph.analysis.entities import PatternError, entity_graph, identities
from casegraph.analysis.patterns import run_report
from casegraph.ontology import REVIEW as REVIEW_PREFIX
from casegraph.graph.loading import load_paths
from casegraph.queries import saved_query
from casegraph.queries.sparql import display, run_sparql, run_update
from tests.conftest import DATA

CORPUS = DATA / "patterns"
LINKS_GRAPH = "https://w3id.org/casegraph/links"
PARK_LINK = [("pat-b-2019/park-b", "pat-a-2018/park")]


def _store(directory: Path, links: str | None) -> Path:
    report = load_paths([CORPUS], directory / "store")
    assert not report.failed, [str(r.error) for r in report.failed]
    if links:
        with ReviewStore.open(directory / "store", write=True) as store:
            run_update(store, links)
    return directory / "store"


def _pairs(pairs: list[tuple[str, str]]) -> str:
    triples = " ".join(f"<{REVIEW_PREFIX}{a}> owl:sameAs <{REVIEW_PREFIX}{b}> ." for a, b in pairs)
    return f"INSERT DATA {{ GRAPH <{LINKS_GRAPH}> {{ {triples} }} }}"


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[str, Path]:
    return {"raw": _store(tmp_path_factory.mktemp("raw"), None),
            "linked": _store(tmp_path_factory.mktemp("linked"), (CORPUS / "links.ru").read_text(encoding="utf-8")),
            "park-link": _store(tmp_path_factory.mktemp("park"), _pairs(PARK_LINK))}


@pytest.fixture(scope="module")
def views(stores) -> dict[str, PropertyGraph]:
    found = {}
    for name, path in stores.items():
        with ReviewStore.open(path) as store:
            found[name] = build_view(store.review_quads())
    return found


def short(value):
    if isinstance(value, list):
        return [short(v) for v in value]
    if isinstance(value, str) and value.startswith(REVIEW_PREFIX):
        return value[len(REVIEW_PREFIX):]
    return value


def rows(report) -> list[list]:
    return [short(row) for row in report.rows]


# -- every report's exact rows --------------------------------------------------------------------

A, B, C = "pat-a-2018", "pat-b-2019", "pat-c-2020"
COLUMNS = {
    "adults-linked": ["adult", "name", "kind", "youngPeople", "reviews", "incidents", "youngPeopleNames", "reviewIds"],
    "peer-groups": ["group", "size", "youngPeople", "others", "members", "names", "reviewIds", "groups"],
    "shared-places": ["place", "name", "kind", "platform", "reviews", "incidents", "records", "reviewIds"],
    "connections": ["from", "fromName", "to", "toName", "steps", "intermediaries", "route"],
    "timeline": ["when", "earliest", "latest", "event", "record", "review", "role", "detail", "description",
                 "respondsTo"],
    "missed-links": ["incident1", "when1", "review1", "incident2", "when2", "review2", "reason", "shared",
                     "sharedNames"],
    "central": ["rank", "person", "name", "kind", "degree", "reviewIds"],
}
TIMELINE_A = [  # by earliest day, then latest: "early 2017" (Jan-Apr) before "2017"; undated last
    ["early 2017", "2017-01-01", "2017-04-30", "incident", f"{A}/inc-1", A, "victim", "sexual-exploitation", None, []],
    ["2017", "2017-01-01", "2017-12-31", "response", f"{A}/resp-3", A, "targets", "childrens-social-care plan", None,
     []],
    ["April 2017", "2017-04-01", "2017-04-30", "response", f"{A}/resp-1", A, "responds", "police disruption", None,
     [f"{A}/inc-1"]],
    ["May 2017", "2017-05-01", "2017-05-31", "response", f"{A}/resp-4", A, "responds",
     "police contextual-intervention", None, [f"{A}/inc-1", f"{A}/inc-3"]],
]
TIMELINE_UNDATED = [["aged about 14", None, None, "incident", f"{A}/inc-4", A, "victim", "sexual-exploitation", None,
                     []]]
CAL_PATH = [f"{A}/amy", "Amy", f"{A}/cal", "Cal", 3, [f"{A}/dev", f"{A}/crew"],
            "Amy <-FRIEND_OF- Dev -MEMBER_OF-> The crew <-MEMBER_OF- Cal"]
SEPARATELY_A = [f"{A}/inc-1", "early 2017", A, f"{A}/inc-2", "March 2017", A, "responded-separately",
                [f"{A}/mr-k"], ["Mr K"]]
SNAPCHAT = [None, "Snapchat", "online-space", "Snapchat", 3, 3, 3, [A, B, C]]  # by platform name, no link needed

CASES = [
    # Mr K: Amy and Ben; Mr L, as Mr L and as the one member of the perpetrating organised
    # group: Cal and Amy. The group itself harmed only Cal. K (pat-b) harmed Ema and A.
    ("adults-linked", {}, "raw", [
        [f"{A}/mr-k", "Mr K", "unconnected-adult", 2, 1, 2, ["Amy", "Ben"], [A]],
        [f"{A}/mr-l", "Mr L", "unconnected-adult", 2, 1, 2, ["Amy", "Cal"], [A]],
        [f"{B}/mr-k-b", "K", "unconnected-adult", 2, 1, 2, ["A.", "Ema"], [B]]]),
    # Linked, Mr K and K are one adult who harmed Amy (= A.), Ben and Ema in two reviews.
    ("adults-linked", {}, "linked", [
        [f"{A}/mr-k", "Mr K", "unconnected-adult", 3, 2, 4, ["Amy", "Ben", "Ema"], [A, B]],
        [f"{A}/mr-l", "Mr L", "unconnected-adult", 2, 1, 2, ["Amy", "Cal"], [A]]]),
    # The crew with Amy (Dev's friend); Ema and Fin (friends); Gia and Hal (incident, context).
    ("peer-groups", {}, "raw", [
        [1, 4, 3, 1, [f"{A}/amy", f"{A}/ben", f"{A}/cal", f"{A}/dev"], ["Amy", "Ben", "Cal", "Dev"], [A],
         [f"{A}/crew"]],
        [2, 2, 1, 1, [f"{B}/ema", f"{B}/fin"], ["Ema", "Fin"], [B], []],
        [3, 2, 1, 1, [f"{C}/gia", f"{C}/hal"], ["Gia", "Hal"], [C], []]]),
    # Linked, Hal is Fin: Ema, Fin and Gia are one group across two reviews; Amy is also A. (pat-b).
    ("peer-groups", {}, "linked", [
        [1, 4, 3, 1, [f"{A}/amy", f"{A}/ben", f"{A}/cal", f"{A}/dev"], ["Amy", "Ben", "Cal", "Dev"], [A, B],
         [f"{A}/crew"]],
        [2, 3, 2, 1, [f"{B}/ema", f"{B}/fin", f"{C}/gia"], ["Ema", "Fin", "Gia"], [B, C], []]]),
    # Raw, no place is in two reviews; Snapchat is (three records, three reviews) by its name.
    ("shared-places", {}, "raw", [SNAPCHAT]),
    ("shared-places", {}, "linked", [
        SNAPCHAT,
        [f"{A}/park", "Riverside Park", "park", None, 2, 3, 2, [A, B]]]),
    # Raw: inc-1 and inc-2 share Mr K and were responded to separately; so were inc-5 and inc-6
    # (K). inc-1 and inc-3 share the park but resp-4 responded to both; inc-1 and inc-4 share Amy
    # but inc-4 had no response; inc-3's social worker does not count.
    ("missed-links", {}, "raw", [
        SEPARATELY_A,
        [f"{B}/inc-5", "summer 2018", B, f"{B}/inc-6", "2018-07-14", B, "responded-separately", [f"{B}/mr-k-b"],
         ["K"]]]),
    # Linked: every pair across the two reviews sharing Mr K, Amy or the park, most shared first.
    ("missed-links", {}, "linked", [
        [f"{A}/inc-1", "early 2017", A, f"{B}/inc-5", "summer 2018", B, "different-reviews",
         [f"{A}/mr-k", f"{A}/park"], ["Mr K", "Riverside Park"]],
        [f"{A}/inc-1", "early 2017", A, f"{B}/inc-6", "2018-07-14", B, "different-reviews",
         [f"{A}/amy", f"{A}/mr-k"], ["Amy", "Mr K"]],
        [f"{A}/inc-2", "March 2017", A, f"{B}/inc-5", "summer 2018", B, "different-reviews", [f"{A}/mr-k"], ["Mr K"]],
        [f"{A}/inc-2", "March 2017", A, f"{B}/inc-6", "2018-07-14", B, "different-reviews", [f"{A}/mr-k"], ["Mr K"]],
        [f"{A}/inc-3", "2017", A, f"{B}/inc-5", "summer 2018", B, "different-reviews", [f"{A}/park"],
         ["Riverside Park"]],
        [f"{A}/inc-4", "aged about 14", A, f"{B}/inc-6", "2018-07-14", B, "different-reviews", [f"{A}/amy"], ["Amy"]],
        SEPARATELY_A,
        [f"{B}/inc-5", "summer 2018", B, f"{B}/inc-6", "2018-07-14", B, "responded-separately", [f"{A}/mr-k"],
         ["Mr K"]]]),
    # People tied to: Amy (Dev, Mr K, Mr L), Ben, Cal, Dev (the crew and Amy or an adult), ...;
    # the social worker is a professional and left out; equal scores share a rank.
    ("central", {"limit": 9}, "raw", [
        [1, f"{A}/amy", "Amy", "young-person", 3, [A]],
        [1, f"{A}/ben", "Ben", "young-person", 3, [A]],
        [1, f"{A}/cal", "Cal", "young-person", 3, [A]],
        [1, f"{A}/dev", "Dev", "peer", 3, [A]],
        [5, f"{A}/mr-k", "Mr K", "unconnected-adult", 2, [A]],
        [5, f"{A}/mr-l", "Mr L", "unconnected-adult", 2, [A]],
        [5, f"{B}/ema", "Ema", "young-person", 2, [B]],
        [5, f"{B}/mr-k-b", "K", "unconnected-adult", 2, [B]],
        [9, f"{B}/amy-b", "A.", "young-person", 1, [B]]]),
    ("central", {"limit": 3}, "linked", [
        [1, f"{A}/amy", "Amy", "young-person", 3, [A, B]],
        [1, f"{A}/ben", "Ben", "young-person", 3, [A]],
        [1, f"{A}/cal", "Cal", "young-person", 3, [A]]]),
    # Betweenness (shortest paths between pairs of others through them): Mr K is on every path
    # between {Ema, Fin, Gia} and the 5 others of pat-a (15 pairs) and on one of Amy-Ben's two
    # (0.5); Ema between {Fin, Gia} and the 6 of pat-a (12); Fin between Gia and the 7 others.
    ("central", {"measure": "betweenness", "limit": 3}, "linked", [
        [1, f"{A}/mr-k", "Mr K", "unconnected-adult", 15.5, [A, B]],
        [2, f"{B}/ema", "Ema", "young-person", 12.0, [B]],
        [3, f"{B}/fin", "Fin", "peer", 7.0, [B, C]]]),
    ("timeline", {"people": [f"{A}/amy"]}, "raw", TIMELINE_A + TIMELINE_UNDATED),
    # Linked, A. is Amy: her incident in pat-b (2018-07-14) and its response join the timeline,
    # asked for by either record.
    ("timeline", {"people": [f"{B}/amy-b"]}, "linked", TIMELINE_A + [
        ["2018-07-14", "2018-07-14", "2018-07-14", "incident", f"{B}/inc-6", B, "victim", "online-grooming", None, []],
        ["August 2018", "2018-08-01", "2018-08-31", "response", f"{B}/resp-6", B, "responds, targets",
         "police casework", None, [f"{B}/inc-6"]],
    ] + TIMELINE_UNDATED),
    ("connections", {"people": [f"{A}/amy", f"{A}/cal", f"{B}/ema"]}, "raw", [
        CAL_PATH,
        [f"{A}/amy", "Amy", f"{B}/ema", "Ema", None, [], "no connection"],
        [f"{A}/cal", "Cal", f"{B}/ema", "Ema", None, [], "no connection"]]),
    # Linked: three shortest paths from Amy to Ema, through Mr K or the park.
    ("connections", {"people": [f"{A}/amy", f"{A}/cal", f"{B}/ema"]}, "linked", [
        CAL_PATH,
        [f"{A}/amy", "Amy", f"{B}/ema", "Ema", 4, [f"{A}/inc-1", f"{A}/mr-k", f"{B}/inc-5"],
         "Amy <-HAS_VICTIM- inc-1 -HAS_PERPETRATOR-> Mr K <-HAS_PERPETRATOR- inc-5 -HAS_VICTIM-> Ema"],
        [f"{A}/amy", "Amy", f"{B}/ema", "Ema", 4, [f"{A}/inc-1", f"{A}/park", f"{B}/inc-5"],
         "Amy <-HAS_VICTIM- inc-1 -OCCURRED_AT-> Riverside Park <-OCCURRED_AT- inc-5 -HAS_VICTIM-> Ema"],
        [f"{A}/amy", "Amy", f"{B}/ema", "Ema", 4, [f"{B}/inc-6", f"{A}/mr-k", f"{B}/inc-5"],
         "Amy <-HAS_VICTIM- inc-6 -HAS_PERPETRATOR-> Mr K <-HAS_PERPETRATOR- inc-5 -HAS_VICTIM-> Ema"],
        [f"{A}/cal", "Cal", f"{B}/ema", "Ema", 4, [f"{A}/inc-3", f"{A}/park", f"{B}/inc-5"],
         "Cal <-HAS_VICTIM- inc-3 -OCCURRED_AT-> Riverside Park <-OCCURRED_AT- inc-5 -HAS_VICTIM-> Ema"]]),
    ("connections", {"people": [f"{A}/amy", f"{B}/ema"], "limit": 1}, "linked", [
        [f"{A}/amy", "Amy", f"{B}/ema", "Ema", 4, [f"{A}/inc-1", f"{A}/mr-k", f"{B}/inc-5"],
         "Amy <-HAS_VICTIM- inc-1 -HAS_PERPETRATOR-> Mr K <-HAS_PERPETRATOR- inc-5 -HAS_VICTIM-> Ema"]]),
    ("connections", {"people": [f"{A}/amy", f"{B}/amy-b"]}, "linked", [
        [f"{A}/amy", "Amy", f"{A}/amy", "Amy", 0, [], "Amy (one entity)"]]),
]


def _id(case) -> str:
    kind, options, corpus, _ = case
    return "-".join([kind, corpus, *(f"{k}={short(v)}" for k, v in options.items() if k != "people")])


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_report_rows(views, case):
    kind, options, corpus, expected = case
    options = {**options, "people": [REVIEW_PREFIX + p for p in options.get("people", [])]}
    report = run_report(views[corpus], kind, **options)
    columns = COLUMNS[kind] if options.get("measure", "degree") == "degree" else [
        *COLUMNS[kind][:4], options["measure"], "reviewIds"]
    assert report.columns == columns
    assert rows(report) == expected
    assert report.merged


def test_every_kind_has_a_raw_and_a_linked_case():
    covered = {(kind, corpus) for kind, _, corpus, _ in CASES}
    assert covered == {(kind, corpus) for kind in patterns.KINDS for corpus in ("raw", "linked")}


@pytest.mark.parametrize("kind", patterns.KINDS)
def test_raw_on_a_linked_store_is_the_raw_answer(views, kind):
    options = {"connections": {"people": [f"{A}/amy", f"{B}/ema"]}, "timeline": {"people": [f"{A}/amy"]}}.get(kind, {})
    unlinked = run_report(views["linked"], kind, merged=False, **options)
    assert unlinked.rows == run_report(views["raw"], kind, **options).rows
    assert not unlinked.merged


def test_one_link_changes_only_what_it_touches(views):
    """Only the park is linked: it becomes a shared place, and its incidents in the two reviews
    missed links; the adults are unchanged."""
    view = views["park-link"]
    assert rows(patterns.shared_places(view)) == [SNAPCHAT, [f"{A}/park", "Riverside Park", "park", None, 2, 3, 2,
                                                             [A, B]]]
    assert [(r[0], r[3], r[6], r[7]) for r in rows(patterns.missed_links(view))] == [
        (f"{A}/inc-1", f"{B}/inc-5", "different-reviews", [f"{A}/park"]),
        (f"{A}/inc-3", f"{B}/inc-5", "different-reviews", [f"{A}/park"]),
        (f"{A}/inc-1", f"{A}/inc-2", "responded-separately", [f"{A}/mr-k"]),
        (f"{B}/inc-5", f"{B}/inc-6", "responded-separately", [f"{B}/mr-k-b"])]
    assert patterns.adults_linked(view).rows == patterns.adults_linked(views["raw"]).rows


def test_answers_do_not_depend_on_the_order_of_the_view(views):
    view = views["linked"]
    shuffled_relationships = list(view.relationships)
    random.Random(3).shuffle(shuffled_relationships)
    nodes = list(view.nodes.items())
    random.Random(4).shuffle(nodes)
    shuffled = replace(view, nodes=dict(nodes), relationships=shuffled_relationships)
    for kind in ("adults-linked", "peer-groups", "shared-places", "missed-links", "central"):
        assert run_report(shuffled, kind).rows == run_report(view, kind).rows, kind
    people = [f"{A}/amy", f"{B}/ema"]
    assert run_report(shuffled, "connections", people=people).rows == run_report(view, "connections",
                                                                                  people=people).rows


# -- the entity graph -----------------------------------------------------------------------------

def test_linked_records_are_one_entity_keeping_each_records_review_and_evidence(views):
    graph = entity_graph(views["linked"])
    amy = graph.nodes[f"{REVIEW_PREFIX}{A}/amy"]
    assert f"{REVIEW_PREFIX}{B}/amy-b" not in graph
    assert short(amy["records"]) == [f"{A}/amy", f"{B}/amy-b"]
    assert amy["reviews"] == [A, B] and amy["names"] == ["A.", "Amy"] and amy["name"] == "Amy"
    assert [(short(e["record"]), e["review"], e["quote"]) for e in amy["evidence"]] == [
        (f"{A}/amy", A, "Amy was seen with Mr K in Riverside Park."),
        (f"{B}/amy-b", B, "A., a girl from a neighbouring area, was also abused by K.")]
    assert short(sorted(graph.graph["entity_of"][REVIEW_PREFIX + r] for r in (f"{A}/amy", f"{B}/amy-b"))) == [
        f"{A}/amy", f"{A}/amy"]
    # Each relationship keeps its review and the records it joined.
    edges = [(short(list(d["records"])), d["review"])
             for _, _, d in graph.in_edges(f"{REVIEW_PREFIX}{A}/amy", data=True) if d["type"] == "HAS_VICTIM"]
    assert sorted(edges) == [([f"{A}/inc-1", f"{A}/amy"], A), ([f"{A}/inc-4", f"{A}/amy"], A),
                             ([f"{B}/inc-6", f"{B}/amy-b"], B)]


def test_identity_follows_links_both_ways_and_names_the_smallest_record(views):
    found = {short(k): short(v) for k, v in identities(views["linked"]).items()}
    assert found == {f"{A}/mr-k": f"{A}/mr-k", f"{B}/mr-k-b": f"{A}/mr-k", f"{A}/amy": f"{A}/amy",
                     f"{B}/amy-b": f"{A}/amy", f"{A}/park": f"{A}/park", f"{B}/park-b": f"{A}/park",
                     f"{B}/fin": f"{B}/fin", f"{C}/hal": f"{B}/fin"}
    assert identities(views["raw"]) == {}


# -- the same definitions as the saved questions ---------------------------------------------------

def _saved(store_path: Path, name: str, values: dict[str, str] | None = None) -> list[dict]:
    with ReviewStore.open(store_path) as store:
        result = run_sparql(store, saved_query(name).text, values, saved=saved_query(name))
    return [dict(zip(result.columns, [display(t, compact=False) for t in row])) for row in result.rows]


@pytest.mark.parametrize("corpus", ["raw", "linked"])
def test_adults_linked_agrees_with_the_saved_question(stores, views, corpus):
    saved = {(r["adult"], r["youngPeople"], r["reviews"], r["incidents"])
             for r in _saved(stores[corpus], "adults-linked-to-young-people")}
    ours = {(r[0], r[3], r[4], r[5]) for r in patterns.adults_linked(views[corpus]).rows}
    assert ours == saved


@pytest.mark.parametrize("corpus", ["raw", "linked", "park-link"])
def test_shared_places_agree_with_the_saved_question(stores, views, corpus):
    """Place rows are the saved question's rows; platform rows (no `place`) are extra."""
    saved = {(r["place"], r["reviews"], r["incidents"], r["records"])
             for r in _saved(stores[corpus], "places-with-incidents-in-several-reviews")}
    ours = {(r[0], r[4], r[5], r[6]) for r in patterns.shared_places(views[corpus]).rows if r[0]}
    assert ours == saved


@pytest.mark.parametrize("corpus,person", [("raw", f"{A}/amy"), ("linked", f"{A}/amy"),
                                           ("linked", f"{B}/amy-b")])
def test_timeline_incidents_agree_with_the_saved_question(stores, views, corpus, person):
    saved = {(r["incident"], r["role"]) for r in _saved(stores[corpus], "incidents-of-young-person",
                                                        {"person": f"<{REVIEW_PREFIX}{person}>"})}
    report = patterns.timeline(views[corpus], person)
    assert {(r[4], r[6]) for r in report.rows if r[3] == "incident"} == saved


# -- bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,options,message", [
    ("timeline", {"people": [f"{A}/amyy"]}, f"no person '{A}/amyy' in the stored reviews; did you mean '{A}/amy'?"),
    ("timeline", {"people": ["nobody-at-all"]}, "no person 'nobody-at-all' in the stored reviews. Give a record IRI"),
    ("timeline", {"people": [f"{A}/inc-1"]}, f"'{A}/inc-1' is a record of class Incident, not a person"),
    ("timeline", {"people": []}, "timeline needs exactly one person, got 0"),
    ("connections", {"people": [f"{A}/amy"]}, "connections needs two or more people, got 1"),
    ("connections", {"people": [f"{A}/amy", f"{A}/resp-1"]}, "not a person, group or place"),
    ("central", {"measure": "closeness"}, "unknown measure 'closeness'; choose one of degree, betweenness"),
    ("central", {"limit": 0}, "limit must be 1 or more, not 0"),
    ("adults-linked", {"people": [f"{A}/amy"]}, "people are chosen only for connections and timeline"),
    ("adults-linked", {"measure": "betweenness"}, "a measure applies only to central"),
    ("missed-links", {"limit": 3}, "a limit applies only to central and connections"),
    ("missed-link", {}, "unknown report 'missed-link' (did you mean 'missed-links'?)"),
])
def test_bad_options_name_the_value(views, kind, options, message):
    with pytest.raises(PatternError) as raised:
        run_report(views["raw"], kind, **options)
    assert message in str(raised.value)
