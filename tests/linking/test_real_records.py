"""Linking the records real reviews make (tests/data/linking-real, hand-made as reviews are
written): one event told twice, a named mother and reviewer, a real name given as an alias in one
review and as the name in another, and two reviews' "Child Q" who are two children."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from casegraph.cli import main
from casegraph.graph.store import ReviewStore
from casegraph.linking.explain import UnknownRecord, explain_pair
from tests.conftest import DATA

REAL = DATA / "linking-real"


def run(store, *args) -> str:
    result = CliRunner().invoke(main, [*args, "--store", str(store)])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "store"
    run(path, "load", str(REAL))
    return path


def candidates(store, *refresh: str) -> dict[frozenset, dict]:
    found = json.loads(run(store, "link", "candidates", "--format", "json", *refresh))
    return {frozenset((c["left"].rsplit("/review/", 1)[1], c["right"].rsplit("/review/", 1)[1])): c for c in found}


def pattern(store, kind, *args) -> list[dict]:
    return json.loads(run(store, "patterns", kind, *args, "--format", "json"))


def saved_counts(store) -> dict[str, tuple[int, int]]:
    """Serious youth violence incidents (harm-types) and incidents at the linked park
    (places-with-incidents-in-several-reviews), in each language."""
    counts = {}
    for engine in ("sparql", "cypher"):
        harm = json.loads(run(store, "query", "run", "harm-types", "--engine", engine, "--format", "json"))
        places = json.loads(run(store, "query", "run", "places-with-incidents-in-several-reviews", "--engine", engine,
                                "--format", "json"))
        violence = next(r["incidents"] for r in harm if r["harmType"].endswith("/serious-youth-violence"))
        counts[engine] = (int(violence), sum(int(p["incidents"]) for p in places))
    return counts


def test_an_alias_agrees_with_the_name_another_review_gives(store):
    boy = candidates(store)[frozenset(("cspr-a-2020/child-c", "scr-b-2021/jaden"))]
    name = next(c for c in boy["comparisons"] if c["attribute"] == "name")
    assert name["outcome"] == "agree" and "jaden moss" in name["detail"]


def test_a_named_mother_and_a_named_reviewer_are_proposed(store):
    found = candidates(store)
    assert found[frozenset(("cspr-a-2020/mother", "scr-b-2021/mum"))]["kind"] == "family-member"
    assert found[frozenset(("cspr-a-2020/reviewer", "scr-b-2021/reviewer"))]["kind"] == "professional"


def test_one_event_told_twice_is_proposed_and_once_accepted_counts_once(store):
    found = candidates(store)
    event = found[frozenset(("cspr-a-2020/stabbing", "scr-b-2021/knife-attack"))]
    assert event["kind"] == "incident"
    assert {c["attribute"]: c["outcome"] for c in event["comparisons"]} == {
        "harm": "agree", "when": "agree", "area": "agree", "linked": "agree", "victim": "missing"}
    boy = found[frozenset(("cspr-a-2020/child-c", "scr-b-2021/jaden"))]
    park = found[frozenset(("cspr-a-2020/park", "scr-b-2021/northgate"))]
    for pair in (boy, park):
        run(store, "link", "accept", pair["id"])
    # the boy and the park are one: the two tellings of the stabbing look like two events
    assert len(pattern(store, "timeline", "--person", "cspr-a-2020/child-c")) == 2
    assert len(pattern(store, "missed-links")) == 1
    assert [p["incidents"] for p in pattern(store, "shared-places")] == [2]
    assert saved_counts(store) == {"sparql": (2, 2), "cypher": (2, 2)}
    run(store, "link", "accept", event["id"])
    assert saved_counts(store) == {"sparql": (1, 1), "cypher": (1, 1)}  # one event, in every saved question
    timeline = pattern(store, "timeline", "--person", "cspr-a-2020/child-c")
    assert len(timeline) == 1 and timeline[0]["review"] == "cspr-a-2020; scr-b-2021"
    assert pattern(store, "missed-links") == []
    assert pattern(store, "shared-places") == []  # one event at one place is not a pattern


def test_a_linked_victim_brings_two_tellings_together(store):
    boy = candidates(store)[frozenset(("cspr-a-2020/child-c", "scr-b-2021/jaden"))]
    run(store, "link", "accept", boy["id"])
    # links do not make the cached candidates stale (deciding stays quick): --refresh computes again
    event = candidates(store, "--refresh")[frozenset(("cspr-a-2020/stabbing", "scr-b-2021/knife-attack"))]
    victim = next(c for c in event["comparisons"] if c["attribute"] == "victim")
    assert victim["outcome"] == "agree" and victim["weight"] > 3


def test_two_reviews_child_q_are_explained_and_not_proposed(store):
    assert not any("child-q" in " ".join(pair) for pair in candidates(store))
    with ReviewStore.open(store) as opened:
        found = explain_pair(opened, "scr-d-2022/child-q", "cspr-c-2022/child-q")
    outcomes = {c.attribute: c.outcome for c in found.comparisons}
    assert {a for a, o in outcomes.items() if o == "disagree"} >= {"gender", "birth", "area"}
    assert outcomes["pseudonym"] == "agree"
    assert 0 < next(c.weight for c in found.comparisons if c.attribute == "pseudonym") < 1  # nearly no evidence
    assert not found.compared and not found.proposed and "no blocking rule" in found.verdict()
    assert all(not check.brings_together for check in found.blocking)  # a pseudonym is never a key
    area = next(c for c in found.comparisons if c.attribute == "area")
    assert "from its review" in area.detail


def test_link_explain_on_the_command_line(store):
    text = run(store, "link", "explain", "cspr-c-2022/child-q", "scr-d-2022/child-q")
    assert "prior" in text and "gender     disagree" in text and "not proposed" in text
    proposed = run(store, "link", "explain", "cspr-a-2020/mother", "scr-b-2021/mum")
    assert "proposed: score" in proposed and "name          yes" in proposed
    different = run(store, "link", "explain", "cspr-a-2020/mother", "cspr-a-2020/park")
    assert "never compared" in different
    result = CliRunner().invoke(main, ["link", "explain", "cspr-a-2020/nobody", "cspr-a-2020/park", "--store",
                                       str(store)])
    assert result.exit_code == 2 and "no person, group or place record 'cspr-a-2020/nobody'" in result.output


def test_explain_names_an_unknown_record(store):
    with ReviewStore.open(store) as opened, pytest.raises(UnknownRecord, match="no person, group or place"):
        explain_pair(opened, "cspr-a-2020/child-c", "scr-b-2021/nobody")


def test_an_event_a_review_says_is_told_elsewhere_is_linked_not_proposed(tmp_path):
    store = tmp_path / "store"
    run(store, "load", str(DATA / "review2"))
    with ReviewStore.open(store) as opened:
        found = explain_pair(opened, "every-field-2021/collision", "other-review-2022/killing")
    assert found.family == "incident"
    proposed = json.loads(run(store, "link", "candidates", "--threshold", "0", "--format", "json"))
    assert found.candidate_id not in {c["id"] for c in proposed}


def test_a_cluster_is_accepted_in_one_step_and_undone_in_one_step(store):
    clusters = json.loads(run(store, "link", "clusters", "--format", "json"))
    boy = next(c for c in clusters if len(c["records"]) == 3)
    assert {r["iri"].rsplit("/review/", 1)[1] for r in boy["records"]} == {
        "cspr-a-2020/child-c", "scr-b-2021/jaden", "thm-e-2023/peer-jm"}
    run(store, "link", "accept-cluster", boy["id"], "--note", "one boy: his name in all three")
    accepted = json.loads(run(store, "link", "list", "--format", "json"))
    assert len(accepted) == 3 and {d["verdict"] for d in accepted} == {"accepted"}
    assert len(pattern(store, "timeline", "--person", "thm-e-2023/peer-jm")) == 2  # the stabbing, told twice
    run(store, "link", "undo-cluster", boy["id"])
    assert json.loads(run(store, "link", "list", "--format", "json")) == []


def test_a_contradicting_decision_is_refused_unless_forced(store):
    found = candidates(store)
    pairs = [found[frozenset(p)]["id"] for p in (("cspr-a-2020/child-c", "scr-b-2021/jaden"),
                                                 ("scr-b-2021/jaden", "thm-e-2023/peer-jm"),
                                                 ("cspr-a-2020/child-c", "thm-e-2023/peer-jm"))]
    run(store, "link", "accept", pairs[0])
    run(store, "link", "accept", pairs[1])
    refused = CliRunner().invoke(main, ["link", "reject", pairs[2], "--store", str(store)])
    assert refused.exit_code == 3 and "contradict" in refused.output
    assert len(json.loads(run(store, "link", "list", "--format", "json"))) == 2
    run(store, "link", "reject", pairs[2], "--force", "--note", "different boys after all?")
    checked = CliRunner().invoke(main, ["link", "check", "--store", str(store)])
    assert checked.exit_code == 1 and pairs[2] in checked.output
