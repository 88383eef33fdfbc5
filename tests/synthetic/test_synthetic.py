"""The synthetic corpus: deterministic, marked synthetic, valid by construction, linked across reviews."""
from __future__ import annotations

import csv
import re
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casegraph.synthetic import CODES, HEADER, LISTS, generate_corpus
from casegraph.synthetic.tables import MONTHS

SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
DATE_FORMS = [r"\d{4}", r"\d{4}-\d{2}", r"\d{4}-\d{2}-\d{2}", rf"{MONTH} \d{{4}}",
              rf"\d{{1,2}}(st|nd|rd|th)? {MONTH} \d{{4}}", r"(early|mid|late|spring|summer|autumn) \d{4}",
              r"\d{4}/\d{4}", r"\d{4} to \d{4}", r"(about|around|circa|c\.|~) \d{4}", r"aged about \d{1,2}"]
DATE = re.compile("^(" + "|".join(f"(?:{form})" for form in DATE_FORMS) + ")$")
AGE = re.compile(r"^(\d{1,2}|about \d{1,2}|aged about \d{1,2}|\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2} \(approx\.\))$")
FIELDS = {  # the fields the review format allows in each list (docs/review-format.md)
    "people": {"id", "role", "name", "aliases", "gender", "age", "age_at", "born", "area", "agency",
               "relation", "description", "frequents", "lives_at", "attends", "member_of", "codes", "evidence"},
    "groups": {"id", "kind", "name", "members", "codes", "evidence"},
    "places": {"id", "kind", "name", "area", "platform", "codes", "evidence"},
    "relationships": {"id", "from", "to", "kind", "codes", "evidence"},
    "incidents": {"id", "harm_types", "victims", "perpetrators", "involved", "places", "when", "description",
                  "codes", "evidence"},
    "contexts": {"id", "dynamic", "context", "young_person", "places", "people", "description", "codes", "evidence"},
    "responses": {"id", "agency", "kind", "target", "targets", "responds_to", "when", "closure_reason",
                  "description", "codes", "evidence"},
    "challenges": {"id", "by", "of", "topic", "about", "when", "description", "codes", "evidence"},
    "recommendations": {"id", "level", "themes", "text", "codes", "evidence"},
}
REVIEW_FIELDS = {"id", "title", "year", "kind", "harm_types", "partnership", "area", "synthetic", "source",
                 "summary", "codes", "evidence"}
# (list, field) -> the lists its ids must come from
REFERENCES = {
    ("people", "frequents"): {"places"}, ("people", "lives_at"): {"places"}, ("people", "attends"): {"places"},
    ("people", "member_of"): {"groups"}, ("groups", "members"): {"people"},
    ("relationships", "from"): {"people"}, ("relationships", "to"): {"people"},
    ("incidents", "victims"): {"people"}, ("incidents", "perpetrators"): {"people", "groups"},
    ("incidents", "involved"): {"people"}, ("incidents", "places"): {"places"},
    ("contexts", "young_person"): {"people"}, ("contexts", "places"): {"places"},
    ("contexts", "people"): {"people", "groups"}, ("responses", "targets"): {"people", "groups", "places"},
    ("responses", "responds_to"): {"incidents"}, ("challenges", "about"): {"responses"},
}
CODED = {  # (list, field) -> code list in CODES
    ("people", "role"): "role", ("people", "gender"): "gender", ("people", "agency"): "agency",
    ("groups", "kind"): "group-kind", ("places", "kind"): "place-kind", ("relationships", "kind"): "relationship-kind",
    ("incidents", "harm_types"): "harm-type", ("contexts", "context"): "context-type",
    ("responses", "agency"): "agency", ("responses", "kind"): "response-kind",
    ("responses", "target"): "response-target", ("responses", "closure_reason"): "closure-reason",
    ("challenges", "by"): "agency", ("challenges", "of"): "agency", ("challenges", "topic"): "challenge-topic",
    ("recommendations", "level"): "recommendation-level", ("recommendations", "themes"): "recommendation-theme",
}


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def check_review(doc: dict) -> None:
    """Every rule of the format the generator promises to keep, with a readable failure."""
    assert list(doc)[0] == "casegraph" and doc["casegraph"] == "review/1"
    assert set(doc) <= {"casegraph", "review", *LISTS}
    review = doc["review"]
    assert set(review) <= REVIEW_FIELDS and {"id", "title", "year", "kind", "harm_types"} <= set(review)
    assert review["kind"] in CODES["review-kind"] and review["harm_types"]
    assert set(review["harm_types"]) <= CODES["harm-type"] and set(review.get("codes", [])) <= CODES["framework"]
    ids = {name: {item["id"] for item in doc.get(name, [])} for name in LISTS}
    all_ids = [item["id"] for name in LISTS for item in doc.get(name, [])]
    assert len(all_ids) == len(set(all_ids)), "ids are unique within the file"
    assert all(SLUG.match(i) for i in all_ids + [review["id"]])
    roles = {p["id"]: p["role"] for p in doc["people"]}
    assert "young-person" in roles.values()
    for name in LISTS:
        for item in doc.get(name, []):
            assert set(item) <= FIELDS[name], (name, set(item) - FIELDS[name])
            for (list_name, key), targets in REFERENCES.items():
                if list_name == name and key in item:
                    allowed = set().union(*(ids[t] for t in targets))
                    assert set(as_list(item[key])) <= allowed, (name, item["id"], key, item[key])
            for (list_name, key), scheme in CODED.items():
                if list_name == name and key in item:
                    assert set(as_list(item[key])) <= CODES[scheme], (name, key, item[key])
            if "evidence" in item:
                assert item["evidence"]["quote"] and item["evidence"]["paraphrase"] is True
    for inc in doc.get("incidents", []):
        assert inc["harm_types"] and inc["victims"]
    for ctx in doc.get("contexts", []):
        assert ctx["dynamic"] in {"harm", "safety"} and roles[ctx["young_person"]] == "young-person"
    for resp in doc.get("responses", []):
        assert ("closure_reason" in resp) == (resp["kind"] == "case-closure")
    for item in [*doc.get("incidents", []), *doc.get("responses", []), *doc.get("challenges", [])]:
        assert "when" not in item or DATE.match(str(item["when"])), item["when"]
    for person in doc["people"]:
        assert "age" not in person or AGE.match(str(person["age"])), person["age"]
        assert "born" not in person or DATE.match(str(person["born"])), person["born"]
        assert "age_at" not in person or DATE.match(person["age_at"])


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def truth_rows(corpus) -> list[dict]:
    with corpus.ground_truth_path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return generate_corpus(tmp_path_factory.mktemp("synthetic"), reviews=30, seed=7)


@pytest.fixture(scope="module")
def docs(corpus) -> dict[str, dict]:
    return {path.stem: load(path) for path in corpus.review_paths}


def test_writes_the_files_it_reports(corpus, docs):
    assert corpus.reviews == 30 and len(corpus.review_paths) == 30
    assert [p.name for p in corpus.review_paths] == [f"synthetic-{n:05d}.yaml" for n in range(1, 31)]
    assert corpus.ground_truth_path.name == "ground-truth.csv"
    assert corpus.record_counts == {name: sum(len(d.get(name, [])) for d in docs.values()) for name in LISTS}
    assert 40 <= corpus.items / corpus.reviews <= 120


def test_every_file_is_valid_by_construction(docs):
    for review_id, doc in docs.items():
        assert doc["review"]["id"] == review_id
        check_review(doc)


def test_every_file_is_marked_synthetic(corpus, docs):
    for path in corpus.review_paths:
        assert path.read_text(encoding="utf-8").startswith(HEADER)
        review = docs[path.stem]["review"]
        assert review["synthetic"] is True and review["source"] == "casegraph synthetic corpus (seed 7)"
        assert review["title"] == f"Synthetic review {path.stem[-5:]}"


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path):
    def contents(out: Path, seed: int) -> dict[str, bytes]:
        generate_corpus(out, reviews=8, seed=seed)
        return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}

    first = contents(tmp_path / "a", 11)
    assert first == contents(tmp_path / "b", 11)
    other = contents(tmp_path / "c", 12)
    assert first.keys() == other.keys() and first != other


def test_ground_truth_names_existing_records_once_each(corpus, docs):
    rows = truth_rows(corpus)
    assert rows and set(rows[0]) == {"entity_id", "review_id", "record_id", "kind"}
    pairs = [(row["review_id"], row["record_id"]) for row in rows]
    assert len(pairs) == len(set(pairs)), "one row per record"
    entity_lists = ("people", "groups", "places")
    records = {(rid, item["id"]) for rid, doc in docs.items() for name in entity_lists for item in doc.get(name, [])}
    assert set(pairs) == records


def test_entities_recur_across_reviews_consistently(corpus, docs):
    reviews_of, records_of = defaultdict(set), defaultdict(list)
    for row in truth_rows(corpus):
        reviews_of[row["entity_id"]].add(row["review_id"])
        records_of[row["entity_id"]].append(next(
            item for name in ("people", "groups", "places") for item in docs[row["review_id"]].get(name, [])
            if item["id"] == row["record_id"]))
    shared = [e for e, reviews in reviews_of.items() if len(reviews) > 1]
    assert any(e.startswith("adult-") for e in shared) and any(e.startswith("place-") for e in shared)
    for entity, records in records_of.items():
        assert len({r["gender"] for r in records if "gender" in r}) <= 1, entity
        assert len({r.get("kind") for r in records}) == 1, entity  # places and groups keep their kind
        births = {int(str(r["age_at"])[-4:] if " " in str(r["age_at"]) else str(r["age_at"])[:4])
                  - int(str(r["age"]).split()[-1]) for r in records
                  if re.fullmatch(r"(about |aged about )?\d+", str(r.get("age", "x")))}
        assert not births or max(births) - min(births) <= 1, entity


def test_reports_progress_per_file(tmp_path):
    seen = []
    generate_corpus(tmp_path, reviews=5, seed=1, progress=seen.append)
    assert seen == [1, 2, 3, 4, 5]


def test_a_smaller_run_replaces_a_larger_one(tmp_path):
    generate_corpus(tmp_path, reviews=6, seed=1)
    (tmp_path / "reviews" / "mine.yaml").write_text("casegraph: review/1\n", encoding="utf-8")
    generate_corpus(tmp_path, reviews=3, seed=1)
    assert sorted(p.name for p in (tmp_path / "reviews").iterdir()) == [
        "mine.yaml", "synthetic-00001.yaml", "synthetic-00002.yaml", "synthetic-00003.yaml"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reviews=st.integers(1, 6), seed=st.integers(0, 2**32))
def test_references_always_resolve(reviews, seed):
    with tempfile.TemporaryDirectory() as out:
        corpus = generate_corpus(Path(out), reviews=reviews, seed=seed)
        for path in corpus.review_paths:
            check_review(load(path))


def _month_of(text: str) -> tuple[int, int]:
    """(year, month) of "2002-03" or "March 2002"."""
    if " " in text:
        month, year = text.split()
        return int(year), MONTHS.index(month) + 1
    return int(text[:4]), int(text[5:7])


def test_identifying_details_recur_as_reviews_write_them(tmp_path):
    """Handles and street names recur (written "@jazzyb07" or "JazzyB07"), adults' real names keep
    their surname, a month of birth is the same in every review and every age at a month fits it."""
    corpus = generate_corpus(tmp_path, reviews=60, seed=11)
    docs = {path.stem: load(path) for path in corpus.review_paths}
    records_of = defaultdict(list)
    for row in truth_rows(corpus):
        person = next((p for p in docs[row["review_id"]]["people"] if p["id"] == row["record_id"]), None)
        if person:
            records_of[row["entity_id"], row["kind"]].append(person)
    handles = months = named = 0
    for (entity, kind), people in records_of.items():
        aliases = {a.lstrip("@").lower() for p in people for a in p.get("aliases", [])}
        assert len(aliases) <= 1, (entity, aliases)
        handles += bool(aliases) and kind == "young-person"
        born = {_month_of(str(p["born"])) for p in people if "born" in p}
        assert len(born) <= 1, (entity, born)
        if born and kind == "young-person":
            [(year, month)] = born
            months += 1
            for p in people:
                if "age_at" in p and "-" in str(p["age_at"]) or " " in str(p.get("age_at", "")):
                    at_year, at_month = _month_of(str(p["age_at"]))
                    age = int(p["age"])
                    assert (at_year - age - 1) * 12 + at_month <= year * 12 + month <= (at_year - age) * 12 + at_month
        if kind == "adult":
            surnames = {p["name"].split()[-1] for p in people if not re.match(r"^(Mr|Ms|Adult|Perpetrator) ", p["name"])}
            assert len(surnames) <= 1, (entity, surnames)
            named += bool(surnames)
    assert handles and months and named


def test_pseudonyms_still_differ_between_reviews(corpus, docs):
    """Young people keep the review's own pseudonyms: the same child is not given one name twice."""
    names = defaultdict(set)
    for row in truth_rows(corpus):
        if row["kind"] == "young-person":
            person = next(p for p in docs[row["review_id"]]["people"] if p["id"] == row["record_id"])
            names[row["entity_id"]].add(person["name"])
    assert any(len(n) > 1 for n in names.values())


def test_a_real_incident_recurs_in_the_reviews_of_those_harmed_in_it(tmp_path):
    """A later review of someone harmed in an incident another review recorded may record it again:
    the same harm type, the date to the day or month, the same place; and every handle is one
    child's (a platform gives a handle to one account)."""
    corpus = generate_corpus(tmp_path, reviews=120, seed=5)
    docs = {path.stem: load(path) for path in corpus.review_paths}
    entity_of = {(row["review_id"], row["record_id"]): row["entity_id"] for row in truth_rows(corpus)}
    seen: dict[tuple, set[str]] = defaultdict(set)  # (victim entity, harm, month) -> reviews
    owner: dict[str, str] = {}
    for review, doc in docs.items():
        for person in doc["people"]:
            for alias in person.get("aliases", []) if person["role"] in ("young-person", "peer") else []:
                handle = alias.lstrip("@").lower()
                assert owner.setdefault(handle, entity_of[review, person["id"]]) == entity_of[review, person["id"]]
        for inc in doc.get("incidents", []):
            month = re.match(r"^(\d{4})-(\d{2})(?:-\d{2})?$|^(?:\d{1,2} )?([A-Z][a-z]+) (\d{4})$", str(inc["when"]))
            if not month:
                continue
            key = month.group(1, 2) if month.group(1) else (month.group(4), MONTHS.index(month.group(3)) + 1)
            for victim in inc["victims"]:
                seen[entity_of[review, victim], inc["harm_types"][0], tuple(map(int, key))].add(review)
    assert any(len(reviews) > 1 for reviews in seen.values())
