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

from array import array
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator

from casegraph.linking.features import Features, feature_families
from casegraph.linking.records import PERSON, LinkRecord
from casegraph.linking.settings import EVENT_MONTHS, MAX_BLOCK, NARROW_BIRTH_MONTHS, WIDE_BIRTH_YEARS


# -- blocking ----------------------------------------------------------------------------------

# (A bare area, gender and year of birth is not a rule: on a 100,000-record corpus it proposed
# 200,000 pairs with nothing identifying in common, none of which reached even p = 0.5.)
BLOCKING_RULES = ("name", "area-name", "linked-name", "linked-birth", "birth-month", "incident", "outcome", "role",
                  "event")
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
    incident (people): the area and each incident it was harmed or harmed someone in, to the month;
    outcome (people): the area, the outcome (died, seriously injured) and each year it may have
    happened in, when dated to within OUTCOME_YEARS years (two reviews of one death, under two
    pseudonyms);
    role (professionals known only by a role, "the CSE lead"): the area, agency, role and each
    year the record is active in (its incidents' years, else its review's year). A bare role
    ("the social worker") has no identifying words and no key. Pseudonyms are never keys;
    event (incidents): the area, a harm type (or a broader one) and each month it may have
    happened in, when dated to within EVENT_MONTHS months; and each entity it harmed.
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
            frozenset((f.area, event) for event in f.events), _outcome_keys(f), _role_keys(f), _event_keys(f))


OUTCOME_YEARS = 2


def _outcome_keys(f: Features) -> frozenset:
    if f.outcome is None or not f.area or (f.outcome[1] is None and f.outcome[2] is None):
        return frozenset()
    kind, lo, hi = f.outcome
    years = range((lo if lo is not None else hi) // 12, (hi if hi is not None else lo) // 12 + 1)
    return frozenset((f.area, kind, year) for year in years) if len(years) <= OUTCOME_YEARS else frozenset()


def _event_keys(f: Features) -> frozenset:
    keys = {("victim", victim) for victim in f.victims}
    if f.months and f.area and f.months[1] - f.months[0] < EVENT_MONTHS:
        keys |= {(f.area, harm, month) for harm in f.harms | f.broader_harms
                 for month in range(f.months[0], f.months[1] + 1)}
    return frozenset(keys)


def _role_keys(f: Features) -> frozenset:
    record = f.record
    if f.role is None or not f.area:
        return frozenset()
    years = range(record.years[0], record.years[1] + 1) if record.years else \
        (range(record.published, record.published + 1) if record.published else range(0))
    return frozenset((f.area, record.agency, f.role, year) for year in years)


def pair_arrays(features: list[Features], rules: int = len(BLOCKING_RULES)) -> tuple[array, array, array]:
    """Each pair (i < j) of records sharing a key under one of the first `rules` blocking rules,
    once, with the first rule it shares a key in: three arrays (lefts, rights, rules), in order of
    i, then rule, then j. Set operations do the work, and only the members after i of each block
    are read (a block lists its members in order), so the Python loop runs once per record and
    rule, not once per pair or shared key."""
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

    lefts, rights, found_rules = array("i"), array("i"), array("b")
    for i, record_keys in enumerate(keys):
        seen: set[int] = set()
        for rule, blocks in enumerate(blocks_by_rule):
            near: set[int] = set()
            for key in record_keys[rule]:
                members = blocks.get(key)
                if members and members[-1] > i:
                    near.update(members[bisect_right(members, i):])
            if not near:
                continue
            if rule:
                near -= in_review[features[i].review]  # one review's records pair only on a shared name ...
            else:
                near -= other_kinds_in_review(i)  # ... and only records of one kind
            near -= seen
            seen |= near
            if near:
                rights.extend(sorted(near))
                lefts.extend([i] * len(near))
                found_rules.extend([rule] * len(near))
    return lefts, rights, found_rules


def rule_pairs(features: list[Features], rules: int = len(BLOCKING_RULES)) -> Iterator[tuple[int, int, int]]:
    """Each pair (i < j, rule) of records sharing a key under one of the first `rules` blocking
    rules, once: a pair is yielded under the first rule it shares a key in (see `pair_arrays`)."""
    return zip(*pair_arrays(features, rules))


def blocked_pairs(records: Iterable[LinkRecord], *, kinds: Collection[str] | None = None) -> Iterator[tuple[str, str]]:
    """The pairs of record IRIs `find_candidates` compares (each once), for counting and for
    comparing with other tools."""
    for features in feature_families(list(records), kinds).values():
        for i, j, _ in rule_pairs(features):
            yield features[i].record.iri, features[j].record.iri
