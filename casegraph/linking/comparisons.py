"""The outcome of each attribute for a pair of records (`Comparer`), and its explanation.

Births are compared as the ranges of months a record allows (a birth date, or an age at a date):
they agree when the ranges overlap, and agreeing is weighed like a name, by the share of the
area's records the wider range would also fit ("born March 2002" on both counts far more than
"aged 14 in 2016"). When two records share an incident, it stands for their harm types and
years, which are then not counted again.
"""
from __future__ import annotations

import math

from casegraph.linking.features import Births, Features, Frequencies
from casegraph.linking.names import spelling_variants
from casegraph.linking.records import normalise_name
from casegraph.linking.settings import AGREE, FAR_YEARS, JOINT_LINKED, NEAR_BIRTH_MONTHS


# -- comparing ---------------------------------------------------------------------------------

# Outcomes as (outcome, u of a term-frequency adjusted agreement or None), made once: comparing
# millions of pairs must not allocate a tuple per attribute.
_AGREED, _PARTLY, _DISAGREED, _MISSED = ((o, None) for o in range(4))


def birth_cohort(a: Features, b: Features) -> range:
    """The years of birth both records allow, when each is known to within WIDE_BIRTH_YEARS years."""
    ya, yb = a.born_years, b.born_years
    return range(max(ya.start, yb.start), min(ya.stop, yb.stop)) if ya and yb else range(0)


def _one_incident(a: Features, b: Features) -> bool:
    """Both records were in one incident (see `Comparer.incident`). The incident then says what
    its harm type, year, place and other people say, so those are not counted again: one piece of
    evidence, not four (as Splink's levels of one comparison exclude each other)."""
    return bool(a.events) and bool(b.events) and not a.events.isdisjoint(b.events)


def _other_first_names(a: Features, b: Features) -> bool:
    """The two records share only initial and surname, and spell out different first names."""
    return (a.first_name is not None and b.first_name is not None and (a.names & b.names) <= a.initials
            and not spelling_variants(a.first_name, b.first_name))


def _exactly(a: object, b: object):
    """Agree when equal, disagree when not, missing when either is unknown."""
    if a is None or b is None:
        return _MISSED
    return _AGREED if a == b else _DISAGREED


class Comparer:
    """The outcome of each attribute for a pair (`name`, `gender`, ...), and a readable detail
    for an explanation (`detail`)."""

    def __init__(self, frequencies: Frequencies, births: Births | None = None, *, joint_linked: bool = False):
        self.frequencies = frequencies
        self.births = births or Births(())
        self.joint_linked = joint_linked

    def _named(self, field: str, mine: frozenset, theirs: frozenset, a: Features, b: Features, words):
        if not mine or not theirs:
            return _MISSED
        same = mine & theirs
        if same:
            return AGREE, self.frequencies.share((a.area, b.area), field, same, birth_cohort(a, b) if field != "n" else ())[0]
        return _PARTLY if words and not words[0].isdisjoint(words[1]) else _DISAGREED

    def name(self, a: Features, b: Features):
        """Agree on a shared name; only partly when all they share is initial and surname and both
        spell out first names that are not spellings of one name ("Owen Rowe" / "Omar Rowe")."""
        outcome = self._named("n", a.names, b.names, a, b, (a.words, b.words))
        if outcome[0] == AGREE and _other_first_names(a, b):
            return _PARTLY
        return outcome

    def linked(self, a: Features, b: Features):
        """With `joint_linked` (groups: a group is its members), each further shared member counts
        too: the share is the product of the JOINT_LINKED rarest shared names' shares."""
        outcome = self._named("l", a.linked, b.linked, a, b, (a.linked_words, b.linked_words))
        if self.joint_linked and outcome[0] == AGREE:
            shares = self._linked_shares(a, b)
            if len(shares) > 1:
                return AGREE, math.prod(share for share, _ in shares)
        return outcome

    def _linked_shares(self, a: Features, b: Features) -> list[tuple[float, str]]:
        """The JOINT_LINKED rarest names both records are linked to, with their shares."""
        cohort = birth_cohort(a, b)
        return sorted(self.frequencies.share((a.area, b.area), "l", (name,), cohort)
                      for name in a.linked & b.linked)[:JOINT_LINKED]

    def incident(self, a: Features, b: Features):
        """Agree when both records were harmed, or both harmed someone, in an incident of one harm
        type in one month, weighted like a linked name by the share of the area's records with
        such an incident (two reviews recording one assault, not two assaults that month)."""
        return self._named("e", a.events, b.events, a, b, None)

    @staticmethod
    def kind(a: Features, b: Features):
        return _AGREED if a.kind == b.kind else _PARTLY

    @staticmethod
    def gender(a: Features, b: Features):
        return _exactly(a.gender, b.gender)

    def birth(self, a: Features, b: Features):
        """Agree when the months of birth the two records allow overlap, weighted by how many of
        the area's records the wider of the two ranges would also fit (a month of birth on both
        counts far more than "aged 14 some time in 2016")."""
        if a.birth is None or b.birth is None:
            return _MISSED
        (alo, ahi), (blo, bhi) = a.birth, b.birth
        gap = (alo if alo > blo else blo) - (ahi if ahi < bhi else bhi)  # <= 0: the ranges overlap
        if gap <= 0:
            return AGREE, self.births.share((a.area, b.area), a.birth if ahi - alo >= bhi - blo else b.birth)
        return _PARTLY if gap <= NEAR_BIRTH_MONTHS else _DISAGREED

    @staticmethod
    def area(a: Features, b: Features):
        return _exactly(a.area, b.area)

    @staticmethod
    def years(a: Features, b: Features):
        if a.years is None or b.years is None or _one_incident(a, b):
            return _MISSED
        gap = max(a.years[0], b.years[0]) - min(a.years[1], b.years[1])
        return _AGREED if gap <= 0 else _PARTLY if gap <= FAR_YEARS else _DISAGREED

    @staticmethod
    def harm(a: Features, b: Features):
        if not a.harms or not b.harms or _one_incident(a, b):
            return _MISSED
        return _DISAGREED if a.harms.isdisjoint(b.harms) else _AGREED

    @staticmethod
    def agency(a: Features, b: Features):
        ga, gb = a.record.agency, b.record.agency
        if not ga or not gb:
            return _MISSED
        return _AGREED if ga == gb else _DISAGREED

    @staticmethod
    def relation(a: Features, b: Features):
        ra, rb = a.record.relation, b.record.relation
        if not ra or not rb:
            return _MISSED
        return _AGREED if normalise_name(ra) == normalise_name(rb) else _DISAGREED

    def detail(self, attribute: str, a: Features, b: Features) -> str:
        """What was compared, in words, for an explanation."""
        if attribute in ("name", "linked"):
            field, mine, theirs = ("n", a.names, b.names) if attribute == "name" else ("l", a.linked, b.linked)
            if not mine or not theirs:
                return ""
            same = mine & theirs
            if attribute == "name" and same and _other_first_names(a, b):
                return f"{sorted(same)[0]!r}, but first names {a.first_name!r} / {b.first_name!r}"
            if same and attribute == "linked" and self.joint_linked and len(same) > 1:
                shares = self._linked_shares(a, b)
                return "both " + ", ".join(f"{name!r} ({share:.2%})" for share, name in shares) + \
                    " (of such records in the area; together as rare as their product)"
            if same:
                years = birth_cohort(a, b) if field == "l" else ()
                share, name = self.frequencies.share((a.area, b.area), field, same, years)
                where = "in the area" if attribute == "linked" or self.frequencies.local_names else "in other areas"
                where += f" born {_span((years[0], years[-1]))}" if years else ""
                return f"both {name!r} ({share:.2%} of such records {where})"
            words = (a.words & b.words) if attribute == "name" else (a.linked_words & b.linked_words)
            if words:
                return f"share the word(s) {', '.join(sorted(words))}"
            return f"{sorted(mine)[0]!r} / {sorted(theirs)[0]!r}"
        if attribute == "incident":
            same = a.events & b.events
            if not same:
                return ""
            years = birth_cohort(a, b)
            share, (role, harm, month) = self.frequencies.share((a.area, b.area), "e", same, years)
            born = f" born {_span((years[0], years[-1]))}" if years else ""
            return f"both {role} of {harm} in {_month_span((month, month))} ({share:.2%} of such records in the area{born})"
        if attribute == "harm":
            shared = a.harms & b.harms
            return f"both {', '.join(sorted(shared))}" if shared else ""
        values = {"kind": (a.kind, b.kind), "gender": (a.gender, b.gender), "area": (a.area, b.area),
                  "birth": (a.birth, b.birth), "years": (a.years, b.years),
                  "agency": (a.record.agency, b.record.agency), "relation": (a.record.relation, b.record.relation)}
        left, right = values[attribute]
        if left is None or right is None:
            return ""
        if attribute == "birth":
            text = f"born {_month_span(left)} / {_month_span(right)}"
            outcome, share = self.birth(a, b)
            return text + (f" ({share:.2%} of the area's records fit)" if outcome == AGREE else "")
        if attribute == "years":
            left, right = _span(left), _span(right)
        return f"{left} / {right}"


def _span(years: tuple[int, int]) -> str:
    return str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"


def _month_span(months: tuple[int, int]) -> str:
    """(24026, 24026) -> "2002-03"; a range of months -> "2001-06..2002-06"."""
    lo, hi = (f"{m // 12}-{m % 12 + 1:02d}" for m in months)
    return lo if lo == hi else f"{lo}..{hi}"
