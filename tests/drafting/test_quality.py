"""Scoring drafts against synthetic ground truth: a perfect draft scores 1 everywhere, each kind
of mistake costs its own field and no other, and the keyword baseline is fooled by negation."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from casegraph.drafting.quality import (FIELDS, Counts, QualityReport, dates_overlap, keyword_baseline, measure,
                                        score, split_sentences)
from casegraph.synthetic import generate_corpus
from casegraph.synthetic.narrative import HELD_OUT, write_narratives

REVIEWS = 4  # one review per phrasing family, the held-out one included


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("quality")
    generated = generate_corpus(root / "corpus", REVIEWS, seed=5)
    out = root / "texts"
    write_narratives(generated.review_paths, out, seed=9, pdf=False)
    return out


@pytest.fixture(scope="module")
def documents(corpus) -> list[tuple[str, dict]]:
    return [(path.read_bytes().decode("utf-8"), json.loads(path.with_suffix(".truth.json").read_text("utf-8")))
            for path in sorted(corpus.glob("*.txt"))]


def evidence(text: str, span) -> dict:
    start, end = span
    return {"quote": text[start:end], "document": "text", "start": start, "end": end}


def perfect_draft(text: str, truth: dict) -> dict:
    """The draft a perfect drafter would write: every truth item, with evidence where the truth has it."""
    distractors = [s["span"] for s in truth["sentences"] if not s["asserted"]]

    def first_mention(item: dict) -> dict:
        told = [m for m in item["mentions"] if not any(d[0] < m[1] and m[0] < d[1] for d in distractors)]
        return {"evidence": evidence(text, told[0])} if told else {}

    def proposed(item: dict) -> dict:
        return {**item, "status": "proposed", "confidence": 0.9}

    draft = {"casegraph": "review/2",
             "review": proposed({"id": truth["review_id"], "harm_types": list(truth["review"]["harm_types"])}),
             "documents": [{"id": "text", "name": truth["review_id"], "kind": "text"}],
             "people": [proposed({"id": p["id"], "role": p["role"], "name": p["name"], **first_mention(p)})
                        for p in truth["people"]],
             "places": [proposed({"id": p["id"], "kind": p["kind"], "name": p["name"], **first_mention(p)})
                        for p in truth["places"]],
             "incidents": [proposed({"id": i["id"], "harm_types": i["harm_types"],
                                     **({"when": i["when"]} if i["when"] else {}),
                                     "evidence": evidence(text, i["span"])}) for i in truth.get("incidents", [])],
             "responses": [proposed({"id": r["id"], "kind": r["kind"], "agency": r["agency"] or "not-stated",
                                     "evidence": evidence(text, r["span"])}) for r in truth.get("responses", [])],
             "recommendations": [proposed({"id": r["id"], "level": r["level"], "themes": [r["theme"]],
                                           "evidence": evidence(text, r["span"])})
                                 for r in truth.get("recommendations", [])]}
    codes = sorted({c for s in truth["sentences"] for c in s["codes"]})
    draft["qda_codes"] = [{"id": f"code-{c}", "name": c, "stands_for": f"framework/{c}"} for c in codes] + [
        {"id": f"flag-{f}", "name": f} for f in ("exploitation", "missing", "send", "exclusion")]
    draft["excerpts"] = [
        {"id": f"sel-{k}-{code}", "document": "text", "start": s["span"][0], "end": s["span"][1],
         "quote": text[s["span"][0]:s["span"][1]], "status": "proposed", "confidence": 0.8,
         "codings": [{"code": code}]}
        for k, s in enumerate(truth["sentences"])
        for code in [f"code-{c}" for c in s["codes"]] + [f"flag-{f}" for f in s["flags"]]]
    return draft


def perfect(counts: Counts) -> bool:
    return counts.precision == 1.0 and counts.recall == 1.0


def only_dropped(before: dict, after: dict, fields: set[str]) -> None:
    """`after` is below 1 in exactly `fields`; every other field is still perfect."""
    assert all(perfect(before[name]) for name in FIELDS)
    assert {name for name in FIELDS if not perfect(after[name])} == fields, after


def test_counts_define_the_edge_cases():
    assert Counts(0, 0, 0).precision == Counts(0, 0, 0).recall == Counts(0, 0, 0).f1 == 1.0
    assert Counts(0, 0, 3).precision == 0.0 and Counts(0, 2, 0).recall == 0.0
    assert Counts(3, 1, 2).precision == 0.75 and Counts(3, 1, 2).recall == 0.6
    assert Counts(3, 1, 2).f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert Counts(1, 2, 3) + Counts(1, 1, 1) == Counts(2, 3, 4)


def test_a_perfect_draft_scores_one_everywhere(documents):
    for text, truth in documents:
        counts = score(perfect_draft(text, truth), text, truth)
        assert set(counts) == set(FIELDS)
        assert all(perfect(counts[name]) for name in FIELDS), (truth["review_id"], counts)
        assert counts["people"].tp == len(truth["people"]) and counts["framework-codes"].tp > 0
        assert counts["asserted-only"].fp == 0 and counts["asserted-only"].tp > 0


def perturbed(documents, change) -> list[tuple[dict, dict]]:
    """(counts before, counts after) the change, for every document it applies to."""
    scored = []
    for text, truth in documents:
        draft = perfect_draft(text, truth)
        changed = copy.deepcopy(draft)
        try:
            change(changed, text, truth)
        except (IndexError, StopIteration):  # nothing of the kind in this document
            continue
        scored.append((score(draft, text, truth), score(changed, text, truth)))
    assert scored
    return scored


def test_a_missing_person_costs_people_recall_only(documents):
    for before, after in perturbed(documents, lambda d, text, truth: d["people"].pop()):
        only_dropped(before, after, {"people"})
        assert after["people"].fn == 1 and after["people"].fp == 0


def test_a_wrong_role_costs_people_roles_only(documents):
    def change(draft, text, truth):
        draft["people"][0]["role"] = "professional" if draft["people"][0]["role"] != "professional" else "peer"
    for before, after in perturbed(documents, change):
        only_dropped(before, after, {"people-roles"})
        assert after["people-roles"].fp == after["people-roles"].fn == 1
        assert after["people"] == before["people"]


def test_a_wrong_review_harm_type_costs_that_field_only(documents):
    def change(draft, text, truth):
        draft["review"]["harm_types"] = draft["review"]["harm_types"][1:] + ["accident"]
    for before, after in perturbed(documents, change):
        only_dropped(before, after, {"review-harm-types"})
        assert after["review-harm-types"].fp == 1 and after["review-harm-types"].fn == 1


def distractor(truth: dict) -> list[int]:
    return next(s["span"] for s in truth["sentences"] if not s["asserted"])


def test_an_excerpt_on_a_distractor_costs_asserted_only(documents):
    def change(draft, text, truth):
        start, end = distractor(truth)
        draft["qda_codes"].append({"id": "code-harm", "name": "Harm", "stands_for": "harm-type/physical-assault"})
        draft["excerpts"].append({"id": "sel-distractor", "document": "text", "start": start, "end": end,
                                  "quote": text[start:end], "codings": [{"code": "code-harm"}]})
    for before, after in perturbed(documents, change):
        only_dropped(before, after, {"asserted-only"})
        assert after["asserted-only"].fp == 1


def test_a_flag_on_a_distractor_costs_flags_and_asserted_only(documents):
    def change(draft, text, truth):
        start, end = distractor(truth)
        draft["excerpts"].append({"id": "sel-distractor", "document": "text", "start": start, "end": end,
                                  "quote": text[start:end], "codings": [{"code": "flag-missing"}]})
    for before, after in perturbed(documents, change):
        only_dropped(before, after, {"sentence-flags", "asserted-only"})
        assert after["sentence-flags"].fp == 1 and after["sentence-flags"].fn == 0


def test_a_wrong_date_costs_incidents_and_dates_only(documents):
    def change(draft, text, truth):
        next(i for i in draft["incidents"] if i.get("when"))["when"] = "1990"
    for before, after in perturbed(documents, change):
        only_dropped(before, after, {"incidents", "dates"})
        assert after["dates"] == Counts(before["dates"].tp - 1, 1, 1)
        assert after["incidents"] == Counts(before["incidents"].tp - 1, 1, 1)


def test_an_undated_incident_costs_dates_only(documents):
    def change(draft, text, truth):
        next(i for i in draft["incidents"] if i.get("when")).pop("when")
    for before, after in perturbed(documents, change):
        only_dropped(before, after, {"incidents", "dates"})  # a dated truth incident needs a date to match
        assert after["dates"].fn == 1 and after["dates"].fp == 0


def test_a_quote_that_is_not_the_text_is_no_evidence(documents):
    def change(draft, text, truth):
        draft["responses"][0]["evidence"]["quote"] = "something else"
    for before, after in perturbed(documents, change):
        only_dropped(before, after, {"responses"})
        assert after["responses"].fp == after["responses"].fn == 1


def test_a_wrong_response_kind_costs_responses_only(documents):
    def change(draft, text, truth):
        draft["responses"][0]["kind"] = "arrest" if draft["responses"][0]["kind"] != "arrest" else "bail"
    for before, after in perturbed(documents, change):
        only_dropped(before, after, {"responses"})


def test_dates_overlap_reads_the_forms_reviews_write():
    assert dates_overlap("03/03/2016", "3 March 2016") and dates_overlap("2014/15", "May 2015")
    assert dates_overlap("approximately 2014", "2014-06") and dates_overlap("mid-2014", "June 2014")
    assert dates_overlap("2015-16", "early 2016") and not dates_overlap("2015-16", "2017")
    assert not dates_overlap("2014", "2016") and not dates_overlap(None, "2014")
    assert dates_overlap("aged 14", "aged about 14") and not dates_overlap("aged 14", "2014")


def test_split_sentences_cuts_at_stops_and_line_ends():
    text = "One. Two! Three?\nFour\fFive 2.5 six"
    assert [text[s:e] for s, e in split_sentences(text)] == ["One.", "Two!", "Three?", "Four", "Five 2.5 six"]


def test_the_keyword_baseline_is_fooled_by_negation():
    text = "Child A went missing from home.\nNo missing episodes for Child A were recorded."
    truth = {"review_id": "r", "review": {"harm_types": []}, "people": [], "places": [],
             "sentences": [{"span": [0, 31], "codes": [], "flags": ["missing"], "asserted": True},
                           {"span": [32, len(text)], "codes": [], "flags": [], "asserted": False}]}
    draft = keyword_baseline(text, truth)
    assert [e["codings"] for e in draft["excerpts"]] == [[{"code": "flag-missing"}]] * 2
    counts = score(draft, text, truth)
    assert counts["sentence-flags"] == Counts(1, 1, 0) and counts["asserted-only"] == Counts(1, 1, 0)


def test_measure_splits_held_out_and_scores_both_systems(corpus, documents):
    def draft_fn(path: Path) -> tuple[dict, str]:
        text = path.read_bytes().decode("utf-8")
        return perfect_draft(text, json.loads(path.with_suffix(".truth.json").read_text("utf-8"))), text

    report = measure(corpus, draft_fn)
    assert isinstance(report, QualityReport) and report.documents == REVIEWS and report.seconds > 0
    assert {(g, s) for _, g, s, _ in report.rows} == {(g, s) for g in ("development", "held-out")
                                                      for s in ("casegraph draft", "keyword baseline")}
    assert [f for f, g, s, _ in report.rows if (g, s) == ("held-out", "casegraph draft")] == list(FIELDS)
    assert all(perfect(c) for _, _, system, c in report.rows if system == "casegraph draft")
    held_out = [(text, truth) for text, truth in documents if truth["family"] == HELD_OUT]
    assert len(held_out) == 1 and all(t["held_out"] == (t["family"] == HELD_OUT) for _, t in documents)
    text, truth = held_out[0]
    assert report.counts("incidents", "held-out", "casegraph draft").tp == len(truth["incidents"])
    assert report.counts("people", "development", "casegraph draft").tp == sum(
        len(t["people"]) for _, t in documents if not t["held_out"])
    baseline = score(keyword_baseline(text, truth), text, truth)
    assert report.counts("sentence-flags", "held-out", "keyword baseline") == baseline["sentence-flags"]
    rows = report.table()
    assert rows[0].keys() == {"field", "group", "system", "precision", "recall", "f1", "tp", "fp", "fn"}
    assert len(rows) == len(FIELDS) * 4


def test_the_keyword_baseline_proposes_distractors_as_facts(corpus):
    report = measure(corpus, lambda path: ({"casegraph": "review/2", "review": {}}, path.read_text("utf-8")))
    total = {name: sum((c for f, _, s, c in report.rows if f == name and s == "keyword baseline"), Counts())
             for name in FIELDS}
    assert total["asserted-only"].fp > 0 and total["asserted-only"].precision < 1
    assert total["sentence-flags"].precision < 1 and total["review-harm-types"].precision < 1
    assert total["people"] == Counts(0, 0, total["people"].fn) and total["people"].fn > 0
    empty = [c for f, _, s, c in report.rows if s == "casegraph draft" and f not in ("people-roles", "asserted-only")]
    assert all(c.tp == c.fp == 0 for c in empty)
