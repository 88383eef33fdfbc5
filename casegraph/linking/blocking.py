"""Blocking: which pairs of records are compared at all.

Blocking keeps the work sub-quadratic: a pair is compared only if the two records share a key
under one of `BLOCKING_RULES` (see `blocking_keys`), and is scored once, under the first rule it
shares a key in. A key shared by more than MAX_BLOCK records is not blocked on: it is too common
to point at one entity (a platform named in hundreds of reviews is better found by a pattern
report than by a million pairs). Records of one review are paired only when they are of one kind
and share an identifying name: a review may have recorded one person or place twice without
seeing it, but otherwise keeping two records apart is the review's own judgement that they differ.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator

from casegraph.linking.features import Features, feature_families
from casegraph.linking.records import PERSON, LinkRecord
from casegraph.linking.settings import MAX_BLOCK, NARROW_BIRTH_MONTHS, WIDE_BIRTH_YEARS


# -- blocking ----------------------------------------------------------------------------------

# (A bare area, gender and year of birth is not a rule: on a 100,000-record corpus it proposed
# 200,000 pairs with nothing identifying in common, none of which reached even p = 0.5.)
BLOCKING_RULES = ("name", "area-name", "linked-name", "linked-birth", "birth-month", "incident")
NAME_RULES = 2  # the first rules, whose pairs share a name


def blocking_keys(features: Features) -> tuple[frozenset, ...]:
    """A record's keys under each of BLOCKING_RULES, in that order.

    name: a full identifying name or alias ("jamal lowe", "ashfield" for Ashfield Park);
    area-name: the area and such a name, for names too common corpus-wide to block on alone
    (a street name, an initial and surname);
    linked-name: the area and the identifying name of a place, person or group it is linked to;
    linked-birth (people): the same, with each year of a birth range over at most
    WIDE_BIRTH_YEARS years (a school and a year of birth: a class, where the school alone is too
    many to pair);
    birth-month (people): area, gender and each month of a birth range over at most
    NARROW_BIRTH_MONTHS months, every gender when it is not recorded;
    incident (people): the area and each incident it was harmed or harmed someone in, to the month.
    """
    f = features
    linked = frozenset((f.area, name) for name in f.linked)
    linked_birth = months = frozenset()
    if f.record.root == PERSON and f.birth and f.area:
        lo, hi = f.birth
        genders = (f.gender,) if f.gender else ("female", "male", "non-binary")
        years = range(lo // 12, hi // 12 + 1)
        if len(years) <= WIDE_BIRTH_YEARS:
            linked_birth = frozenset((f.area, name, year) for name in f.linked for year in years)
        if hi - lo < NARROW_BIRTH_MONTHS:
            months = frozenset((f.area, g, month) for g in genders for month in range(lo, hi + 1))
    return (f.names, frozenset((f.area, name) for name in f.names), linked, linked_birth, months,
            frozenset((f.area, event) for event in f.events))


def rule_pairs(features: list[Features], rules: int = len(BLOCKING_RULES)) -> Iterator[tuple[int, int, int]]:
    """Each pair (i < j, rule) of records sharing a key under one of the first `rules` blocking
    rules, once: a pair is yielded under the first rule it shares a key in. Set operations do the work,
    so the Python loop runs once per pair, not once per shared key."""
    keys = [blocking_keys(f) for f in features]
    in_review: dict[str, set[int]] = defaultdict(set)
    for index, f in enumerate(features):
        in_review[f.review].add(index)
    blocks_by_rule = []
    for rule in range(rules):
        blocks: dict[object, list[int]] = defaultdict(list)
        for index, record_keys in enumerate(keys):
            for key in record_keys[rule]:
                blocks[key].append(index)
        blocks_by_rule.append({key: members for key, members in blocks.items() if 2 <= len(members) <= MAX_BLOCK})

    def other_kinds_in_review(i: int) -> set[int]:
        return {j for j in in_review[features[i].review] if features[j].kind != features[i].kind}

    for i, record_keys in enumerate(keys):
        seen: set[int] = set()
        for rule, blocks in enumerate(blocks_by_rule):
            near: set[int] = set()
            for key in record_keys[rule]:
                members = blocks.get(key)
                if members:
                    near.update(members)
            if rule:
                near -= in_review[features[i].review]  # one review's records pair only on a shared name ...
            else:
                near -= other_kinds_in_review(i)  # ... and only records of one kind
            near -= seen
            seen |= near
            for j in sorted(near):
                if j > i:
                    yield i, j, rule


def blocked_pairs(records: Iterable[LinkRecord], *, kinds: Collection[str] | None = None) -> Iterator[tuple[str, str]]:
    """The pairs of record IRIs `find_candidates` compares (each once), for counting and for
    comparing with other tools."""
    for features in feature_families(list(records), kinds).values():
        for i, j, _ in rule_pairs(features):
            yield features[i].record.iri, features[j].record.iri
