"""Synthetic reviews told as narrative documents: every truth span says what it claims, every
family appears, the same seed gives the same bytes, and the PDF has the text's pages."""
from __future__ import annotations

import copy
import json
import random
import re

import pypdfium2 as pdfium
import pytest
import yaml

from casegraph.synthetic import generate_corpus
from casegraph.synthetic.narrative import FAMILIES, HELD_OUT, write_narrative, write_narratives
from casegraph.synthetic.phrasing import EXPLOITATION

FLAGS = {"missing", "exploitation", "send", "exclusion"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("narrative")
    generated = generate_corpus(root / "corpus", 8, seed=3)
    paths = list(generated.review_paths)
    first = write_narratives(paths, root / "a", seed=11)
    again = write_narratives(paths, root / "b", seed=11)
    docs = {}
    for path in paths:
        with path.open(encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        docs[doc["review"]["id"]] = doc
    narratives = {}
    for review_id in docs:
        text = (root / "a" / f"{review_id}.txt").read_text(encoding="utf-8")
        truth = json.loads((root / "a" / f"{review_id}.truth.json").read_text(encoding="utf-8"))
        narratives[review_id] = (text, truth)
    return {"root": root, "docs": docs, "narratives": narratives, "first": first, "again": again}


def name_forms(person: dict, people: list[dict]) -> set[str]:
    """A person's name, aliases, and the short forms a narrative may use after the first mention."""
    name = person["name"]
    forms = {name, *person.get("aliases", [])}
    parts = name.split(" ")
    if person["role"] == "unconnected-adult" and len(parts) == 2:
        forms |= {parts[0], parts[1], f"Mr {parts[1]}", f"Ms {parts[1]}"}
    return forms


def test_every_family_appears_and_held_out_is_flagged(corpus):
    families = [truth["family"] for _, truth in corpus["narratives"].values()]
    assert set(families) == set(FAMILIES)
    assert HELD_OUT in FAMILIES
    for _, truth in corpus["narratives"].values():
        assert truth["held_out"] == (truth["family"] == HELD_OUT)


def test_same_seed_gives_identical_bytes(corpus):
    first, again = corpus["first"], corpus["again"]
    assert [p.name for p in first] == [p.name for p in again]
    assert {p.suffix for p in first} == {".txt", ".json", ".pdf"}
    for a, b in zip(first, again):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_mentions_are_names_of_the_person_or_place(corpus):
    for review_id, (text, truth) in corpus["narratives"].items():
        for person in truth["people"]:
            forms = name_forms(person, truth["people"])
            assert person["mentions"]
            for s, e in person["mentions"]:
                assert 0 <= s < e <= len(text)
                assert text[s:e] in forms, (review_id, person["id"], text[s:e])
        for place in truth["places"]:
            assert place["mentions"]
            for s, e in place["mentions"]:
                assert text[s:e] == place["name"], (review_id, place["id"], text[s:e])


def test_facts_are_in_their_sentences(corpus):
    for review_id, (text, truth) in corpus["narratives"].items():
        people = {p["id"]: p for p in truth["people"]}
        for inc in truth["incidents"]:
            s, e = inc["span"]
            sentence = text[s:e]
            assert inc["when"] is None or inc["when"] in sentence, (review_id, inc)
            for pid in inc["victims"] + inc["perpetrators"]:
                assert any(s <= a and b <= e for a, b in people[pid]["mentions"]), (review_id, inc["id"], pid)
        for resp in truth["responses"] + truth.get("closures", []):
            s, e = resp["span"]
            assert resp.get("when") is None or resp["when"] in text[s:e]
        for rec in truth["recommendations"]:
            s, e = rec["span"]
            assert str(rec["number"]) in text[s:e]
        for person in truth["people"]:
            region = text[min(m[0] for m in person["mentions"]):]
            if person["age"] is not None:
                assert str(person["age"]) in region
            if person["age_at"] is not None:
                assert person["age_at"] in region
        assert truth["review"]["title"] in text.split("\f")[0]
        assert truth["review"]["published"] is None or truth["review"]["published"] in text.split("\f")[0]


def test_sentences_cover_the_text_in_order(corpus):
    for review_id, (text, truth) in corpus["narratives"].items():
        pos, asserted = 0, []
        for sentence in truth["sentences"]:
            s, e = sentence["span"]
            assert pos <= s < e <= len(text) and not text[pos:s].strip(), (review_id, text[pos:s])
            assert set(sentence["flags"]) <= FLAGS
            assert sentence["asserted"] or not (sentence["flags"] or sentence["codes"])
            asserted.append(sentence["asserted"])
            pos = e
        assert not text[pos:].strip()
        prose = len(asserted)
        assert 0.03 <= asserted.count(False) / prose <= 0.3, review_id
        assert {r["span"][0] for r in truth["incidents"]} <= {s["span"][0] for s in truth["sentences"]}


def test_truth_is_in_the_review_file(corpus):
    for review_id, (_, truth) in corpus["narratives"].items():
        doc = corpus["docs"][review_id]
        people = {p["id"]: p for p in doc["people"]}
        incidents = {i["id"]: i for i in doc["incidents"]}
        for person in truth["people"]:
            source = people[person["id"]]
            assert person["name"] == source["name"] and person["role"] == source["role"]
            assert person["gender"] in (None, source.get("gender"))
        for inc in truth["incidents"]:
            source = incidents[inc["id"]]
            assert inc["harm_types"] == source["harm_types"]
            assert inc["victims"] == source["victims"]
            # groups are not told, so an incident's perpetrators are the people among them
            assert inc["perpetrators"] == [p for p in source.get("perpetrators", []) if p in people]
        responses = {r["id"]: r for r in doc.get("responses", [])}
        for resp in truth["responses"]:
            assert responses[resp["id"]]["kind"] == resp["kind"]
        for closure in truth.get("closures", []):
            assert responses[closure["id"]]["closure_reason"] == closure["reason"]
        assert len(truth["recommendations"]) == len(doc.get("recommendations", []))
        codes = {c for s in truth["sentences"] for c in s["codes"]}
        expected = {f"{c['dynamic']}-{c['context']}" for c in doc.get("contexts", [])}
        assert codes == expected | set(doc["review"].get("codes", []))


def test_exploitation_flags_and_distractors(corpus):
    for review_id, (text, truth) in corpus["narratives"].items():
        flagged = {tuple(s["span"]) for s in truth["sentences"] if "exploitation" in s["flags"]}
        for inc in truth["incidents"]:
            assert (tuple(inc["span"]) in flagged) == (inc["harm_types"][0] in EXPLOITATION)
        facts = {tuple(item["span"]) for name in ("incidents", "responses", "recommendations")
                 for item in truth[name]}
        for sentence in truth["sentences"]:
            if not sentence["asserted"]:
                assert tuple(sentence["span"]) not in facts


def test_pdf_has_the_pages_of_the_text(corpus):
    for review_id, (text, _) in corpus["narratives"].items():
        pdf = pdfium.PdfDocument(str(corpus["root"] / "a" / f"{review_id}.pdf"))
        try:
            assert len(pdf) == text.count("\f") + 1
            first = pdf[0].get_textpage().get_text_range()
            assert re.sub(r"\s+", " ", text.split("\f")[0].replace("–", "-"))[:30] in re.sub(r"\s+", " ", first)
        finally:
            pdf.close()
        for page in text.split("\f"):
            assert len(page) <= 4200


def test_families_word_the_same_review_differently(corpus):
    doc = next(iter(corpus["docs"].values()))
    texts = {family: write_narrative(doc, random.Random(5), family).text for family in FAMILIES}
    assert len(set(texts.values())) == len(FAMILIES)
    assert write_narrative(doc, random.Random(5), "formal") == write_narrative(doc, random.Random(5), "formal")
    with pytest.raises(ValueError):
        write_narrative(doc, random.Random(5), "unknown")


def test_send_missing_and_exclusions_are_told_and_flagged(corpus):
    doc = copy.deepcopy(next(iter(corpus["docs"].values())))
    subject = next(p for p in doc["people"] if p["role"] == "young-person")
    school = next((p["id"] for p in doc["places"] if p["kind"] == "school"), None)
    subject.update(send=True, ehcp=True, missing_episodes=[{"count": 3, "when": "2014"}],
                   exclusions=[{"kind": "fixed-term", "when": "autumn 2013", **({"place": school} if school else {})}])
    for family in FAMILIES:
        narrative = write_narrative(doc, random.Random(2), family)
        truth, text = narrative.truth, narrative.text
        person = next(p for p in truth["people"] if p["id"] == subject["id"])
        assert person["send"] and person["ehcp"]
        assert person["missing_episodes"][0]["count"] == 3 and person["exclusions"][0]["kind"] == "fixed-term"
        flagged = {flag: [text[slice(*s["span"])] for s in truth["sentences"] if flag in s["flags"]]
                   for flag in ("send", "missing", "exclusion")}
        assert any("SEND" in s for s in flagged["send"])
        assert any("missing" in s and "3 times" in s for s in flagged["missing"])
        assert any("exclusion" in s for s in flagged["exclusion"])
        denials = [text[slice(*s["span"])] for s in truth["sentences"] if not s["asserted"]]
        assert not any(subject["name"] in s and "missing" in s for s in denials)
