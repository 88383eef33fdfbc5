"""link_records reads what each review records about its people, groups and places."""
from __future__ import annotations

import dataclasses

import pytest

from casegraph.linking.records import normalise_name
from tests.linking.conftest import iri


def test_one_record_per_person_group_place_and_incident(records):
    kinds = sorted((r.review, r.kind) for r in records if r.review == "tl-c-2020")
    incidents = sum(kind == "incident" for _, kind in kinds)
    assert incidents >= 1
    assert kinds == [("tl-c-2020", k) for k in ["incident"] * incidents + [
        "park", "street", "unconnected-adult", "unconnected-adult", "unconnected-adult", "young-person"]]
    assert [r.iri for r in records] == sorted(r.iri for r in records)


@pytest.mark.parametrize("record, kind, root", [
    ("tl-a-2018/elm-park", "park", "Place"),  # the most specific coded class, not public-space
    ("tl-b-2019/young-person-b", "peer", "Person"),
    ("tl-a-2018/men", "organised-adult-group", "Group"),
    ("tl-a-2018/snapchat", "online-space", "Place"),
])
def test_kind_is_the_most_specific_coded_class(by_iri, record, kind, root):
    assert (by_iri[iri(record)].kind, by_iri[iri(record)].root) == (kind, root)


@pytest.mark.parametrize("record, years", [
    ("tl-a-2018/child-m", (2002, 2002)),  # born "2002"
    ("tl-a-2018/mr-x", (1991, 1992)),  # 24 some time in 2016
    ("tl-a-2018/jason-holt", (1984, 1987)),  # "about 30" in 2016 is read as 29 to 31
    ("tl-b-2019/adult-2", (1990, 1992)),  # 25-26 in 2017
    ("tl-c-2020/mr-h", None),  # no age recorded
])
def test_birth_years_from_age_at_a_date_or_birth(by_iri, record, years):
    assert by_iri[iri(record)].birth_years == years


def test_what_a_record_is_linked_to(by_iri):
    child = by_iri[iri("tl-a-2018/child-m")]
    assert child.places == {"hillside academy", "elm park", "snapchat"}
    # adults' names and aliases may identify; the review's pseudonyms for children do not count
    assert child.people == {"mr x", "smokey", "jason holt"}
    assert child.harm_types == {"sexual-exploitation", "online-grooming"}
    assert child.years == (2016, 2016)
    assert (child.area, child.review_area, child.aliases, child.gender) == (None, "Ashbourne", ("Em",), "female")
    park = by_iri[iri("tl-a-2018/elm-park")]
    assert park.people == {"em", "mr x", "smokey", "jason holt"}
    assert park.area == "Ashbourne"


def test_a_record_without_incidents_takes_its_reviews_harm_types(by_iri):
    assert by_iri[iri("tl-a-2018/mother")].harm_types == {"sexual-exploitation"}
    assert by_iri[iri("tl-a-2018/mother")].relation == "mother"
    assert by_iri[iri("tl-a-2018/social-worker")].agency == "childrens-social-care"


def test_records_are_immutable_and_hashable(records):
    with pytest.raises(dataclasses.FrozenInstanceError):
        records[0].label = "changed"  # type: ignore[misc]
    assert len(set(records)) == len(records)


@pytest.mark.parametrize("text, expected", [
    ("The Park (Elm Park)", "park elm park"), ("Café Rouge", "cafe rouge"), ("  Mr   C ", "mr c"), ("the", "the"),
])
def test_normalise_name(text, expected):
    assert normalise_name(text) == expected
