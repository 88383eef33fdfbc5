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
from casegraph.ontology import short_id
from casegraph.linking.settings import AGREE, FAR_YEARS, JOINT_LINKED, NEAR_BIRTH_MONTHS, NEAR_EVENT_MONTHS


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
    """The two records share only initial and surname, and spell out first names of which none
    is a spelling of one of the other's."""
    return (bool(a.first_names) and bool(b.first_names) and (a.names & b.names) <= a.initials
            and not any(spelling_variants(x, y) for x in a.first_names for y in b.first_names))


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
        """Share a harm type; for incidents, partly when one's is broader than the other's
        ("sexual exploitation" / "child sexual exploitation": one event coded finer by one review)."""
        if not a.harms or not b.harms or _one_incident(a, b):
            return _MISSED
        if not a.harms.isdisjoint(b.harms):
            return _AGREED
        compatible = not a.broader_harms.isdisjoint(b.harms) or not b.broader_harms.isdisjoint(a.harms)
        return _PARTLY if compatible else _DISAGREED

    @staticmethod
    def when(a: Features, b: Features):
        """Incidents: the months each may have happened in overlap (agree), are within
        NEAR_EVENT_MONTHS (partly: one review's "spring 2016" is another's "June 2016"), or not."""
        gap = _months_apart(a.months, b.months) if a.months and b.months else None
        if gap is None:
            return _MISSED
        return _AGREED if gap <= 0 else _PARTLY if gap <= NEAR_EVENT_MONTHS else _DISAGREED

    @staticmethod
    def victim(a: Features, b: Features):
        """Incidents harming one entity: a record both name, or records an analyst linked. Two
        reviews' victims are otherwise different records, which says nothing, so never disagree."""
        return _AGREED if not a.victims.isdisjoint(b.victims) else _MISSED

    @staticmethod
    def pseudonym(a: Features, b: Features):
        """Two reviews' own pseudonyms ("Child Q", "YP1"): each review chooses its own, so agreeing
        is nearly no evidence (its weight is small) and they are never blocked on."""
        return _exactly(a.pseudonym, b.pseudonym)

    @staticmethod
    def role(a: Features, b: Features):
        """A professional's role's identifying words ("cse lead"), for those known only by role."""
        if a.role is None or b.role is None:
            return _MISSED
        return _AGREED if a.role == b.role else _PARTLY if not set(a.role.split()).isdisjoint(b.role.split()) \
            else _DISAGREED

    @staticmethod
    def care(a: Features, b: Features):
        """Looked after (in care) at some time in each review, where both say."""
        return _exactly(a.record.looked_after, b.record.looked_after)

    @staticmethod
    def outcome(a: Features, b: Features):
        """Agree on one outcome (died, seriously injured) at overlapping times; partly when one has no
        date, or the dates are within NEAR_BIRTH_MONTHS; disagree on another outcome or a time far
        apart. A death is rare among the area's records, so agreeing weighs much."""
        if a.outcome is None or b.outcome is None:
            return _MISSED
        if a.outcome[0] != b.outcome[0]:
            return _DISAGREED
        gap = _months_apart(a.outcome[1:], b.outcome[1:])
        if gap is None:
            return _PARTLY
        return _AGREED if gap <= 0 else _PARTLY if gap <= NEAR_BIRTH_MONTHS else _DISAGREED

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
                return (f"{sorted(same)[0]!r}, but first names {', '.join(sorted(a.first_names))!r} / "
                        f"{', '.join(sorted(b.first_names))!r}")
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
        if attribute in ("years", "harm") and _one_incident(a, b) and \
                (a.years and b.years if attribute == "years" else a.harms and b.harms):
            return "stands in the incident: the shared incident counts for it, so it is not counted again"
        if attribute == "harm":
            shared = a.harms & b.harms
            if not shared and (a.broader_harms & b.harms or b.broader_harms & a.harms):
                return f"{', '.join(sorted(a.harms))} / {', '.join(sorted(b.harms))} (one within the other)"
            return f"both {', '.join(sorted(shared))}" if shared else ""
        if attribute == "outcome":
            if a.outcome is None or b.outcome is None:
                return ""
            return f"{_outcome_text(a.outcome)} / {_outcome_text(b.outcome)}"
        values = {"kind": (a.kind, b.kind), "gender": (a.gender, b.gender), "area": (a.area, b.area),
                  "birth": (a.birth, b.birth), "years": (a.years, b.years), "pseudonym": (a.pseudonym, b.pseudonym),
                  "role": (a.role, b.role), "care": (a.record.looked_after, b.record.looked_after),
                  "when": (a.months, b.months), "victim": (a.victims & b.victims or None, True),
                  "agency": (a.record.agency, b.record.agency), "relation": (a.record.relation, b.record.relation)}
        left, right = values[attribute]
        if left is None or right is None:
            return ""
        if attribute == "area":
            return f"{left} / {right}" + _area_sources(a, b)
        if attribute == "when":
            return f"{_month_span(left)} / {_month_span(right)}"
        if attribute == "victim":
            return "both harmed " + ", ".join(sorted(short_id(v) for v in left))
        if attribute == "pseudonym":
            return f"{left!r} / {right!r} (each review's own pseudonym: nearly no evidence)"
        if attribute == "care":
            return f"{'looked after' if left else 'not looked after'} / {'looked after' if right else 'not looked after'}"
        if attribute == "birth":
            text = f"born {_month_span(left)} / {_month_span(right)}"
            outcome, share = self.birth(a, b)
            return text + (f" ({share:.2%} of the area's records fit)" if outcome == AGREE else "")
        if attribute == "years":
            left, right = _span(left), _span(right)
        return f"{left} / {right}"


def _months_apart(one: tuple, other: tuple) -> int | None:
    """How many months lie between two ranges (lo, hi) with either bound possibly None (open);
    <= 0 when they overlap; None when either has no bound at all."""
    if all(v is None for v in one) or all(v is None for v in other):
        return None
    lo1, hi1 = (one[0] if one[0] is not None else one[1]), (one[1] if one[1] is not None else one[0])
    lo2, hi2 = (other[0] if other[0] is not None else other[1]), (other[1] if other[1] is not None else other[0])
    return max(lo1, lo2) - min(hi1, hi2)


def _span(years: tuple[int, int]) -> str:
    return str(years[0]) if years[0] == years[1] else f"{years[0]}-{years[1]}"


def _area_sources(a: Features, b: Features) -> str:
    """Where the areas came from, when not both from the records themselves."""
    if a.area_source == b.area_source == "record":
        return ""
    words = {"record": "the record", "review": "its review", "name": "its name"}
    return f" (from {words.get(a.area_source, '?')} / {words.get(b.area_source, '?')})"


def _outcome_text(outcome: tuple) -> str:
    kind, lo, hi = outcome
    if lo is None and hi is None:
        return kind
    return f"{kind} {_month_span((lo if lo is not None else hi, hi if hi is not None else lo))}"


def _month_span(months: tuple[int, int]) -> str:
    """(24026, 24026) -> "2002-03"; a range of months -> "2001-06..2002-06"."""
    lo, hi = (f"{m // 12}-{m % 12 + 1:02d}" for m in months)
    return lo if lo == hi else f"{lo}..{hi}"
