"""Candidate matches: pairs of records that may stand for one real person, group or place.

A Fellegi–Sunter model, applied within each kind family (young people, adults, groups, each
family of places: see `kind_family`). Every attribute comparison has an outcome (agree, partial,
disagree, missing) and a weight, log2(m / u): m is the chance of that outcome when the two records
are one entity, u when they are not. The prior log-odds and the weights of all attributes add up
to the match weight, and the match probability is 1 / (1 + 2^-weight). Each candidate keeps every
comparison, like a Splink waterfall chart.

Where the numbers come from (nothing here reads any ground truth):

* m: for every attribute but the name and the area, measured on training pairs: records of
  different reviews in one area that share a rare name (a handle, a full name), as Splink trains
  m from a blocking rule; each training pair counts as one entity with the probability its
  prior, name and area give, the rest being taken to look like random pairs (see
  `_Model._measure_m`). The name's and the area's m are the judgements in `PRIOR_M`, and so is
  every m of a family with too few training pairs (measured m is shrunk towards them). Not
  fitted by expectation maximisation: on pseudonymous records it finds clusters such as "same
  area and same school" rather than "same person", and calls them matches (tried: precision
  fell to 2%).
* u: measured on each family's records, from pairs in different reviews (all pairs of a small
  family, a random sample of a large one), shrunk towards `PRIOR_U` so a handful of records does
  not make an outcome look impossible. For every attribute but area itself the pairs are drawn
  within one area, because the pairs blocking proposes share their area far more often than
  random ones. Agreement on a name is term-frequency adjusted, as in Splink: its u is the share
  of records carrying the rarest name the two share (see `_Frequencies` for which records).
* the prior: `EXPECTED_MATCHES` other records of the same entity per record, a judgement; a
  fitted prior collapses towards "no matches" when records carry as little evidence as
  pseudonymous people do.

A linked name or a shared incident is counted among the area's records born in the years both
records allow, when that share is the larger: children of one age in one area share friends,
schools, abusers and incidents. An incident is a person's role in it (harmed or harming), its
harm type and its month, kept only when no other record of the review had that role in it (two
children harmed together cannot say which is which); when two records share one, it stands for
their harm types and years, which are then not counted again.

Births are compared as the ranges of months a record allows (a birth date, or an age at a date):
they agree when the ranges overlap, and agreeing is weighed like a name, by the share of the
area's records the wider range would also fit ("born March 2002" on both counts far more than
"aged 14 in 2016"). A person's real name is also compared as initial and surname, for spellings.

Blocking keeps the work sub-quadratic: a pair is compared only if the two records share a key
under one of `BLOCKING_RULES` (see `blocking_keys`), and is scored once, under the first rule it
shares a key in. A key shared by more than MAX_BLOCK records is not blocked on: it is too common
to point at one entity (a platform named in hundreds of reviews is better found by a pattern
report than by a million pairs). Records of one review are paired only when they are of one kind
and share an identifying name: a review may have recorded one person or place twice without
seeing it, but otherwise keeping two records apart is the review's own judgement that they differ.
"""
from __future__ import annotations

import hashlib
import math
import random
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from casegraph.linking.records import GROUP, PERSON, PLACE, PSEUDONYMOUS_KINDS, LinkRecord, normalise_name

DEFAULT_THRESHOLD = 0.9
OUTCOMES = ("agree", "partial", "disagree", "missing")
AGREE, PARTIAL, DISAGREE, MISSING = range(4)

# -- kind families: which records may be one entity ---------------------------------------------

PERSON_FAMILIES = {"young-person": "young-person", "peer": "young-person",  # a subject here, a peer there
                   "unconnected-adult": "adult", "family-member": "family-member",
                   "professional": "professional"}


def kind_family(record: LinkRecord) -> str:
    """The family a record is compared within: people by role (a young person may be a peer in
    another review), every group with every group, places by their top-level kind (a park with
    a street, never with a school): "young-person", "adult", "group", "place:public-space", ..."""
    if record.root == PERSON:
        return PERSON_FAMILIES.get(record.kind, "person")
    if record.root == GROUP:
        return "group"
    return f"place:{_place_families().get(record.kind, record.kind)}"


_PLACE_FAMILIES: dict[str, str] = {}


def _place_families() -> dict[str, str]:
    """Place kind code -> code of its top-level place class (park -> public-space)."""
    if not _PLACE_FAMILIES:
        from casegraph.ontology import CG, vocabulary

        vocab = vocabulary()
        code_of = {iri: code for code, iri in vocab.class_codes[PLACE].items()}
        for code, iri in vocab.class_codes[PLACE].items():
            ancestors = [c for c in vocab.superclasses.get(iri, (iri,)) if c in code_of and c != CG + PLACE]
            _PLACE_FAMILIES[code] = code_of[min(ancestors, key=lambda c: len(vocab.superclasses[c]))]
    return _PLACE_FAMILIES


# -- names: which words identify and which only describe ---------------------------------------

# Words a review uses to say what someone or something is, not who or which: "Child M",
# "Young Person 4", "Mr C", "Adult 2", "Social Worker 1", "House K", "Group 3", "the park".
GENERIC_WORDS = frozenset("""
a an and the of in at on near by around to from s his her their its
child children young person people yp boy girl man woman men women male female adult adults
mr mrs ms miss dr perpetrator offender victim subject suspect peer peers friend friends associate
mother father mum dad stepfather stepmother brother sister sibling aunt uncle grandmother
grandfather cousin carer older younger parent parents family partner boyfriend girlfriend
social worker workers officer police nurse teacher head year yot project housing staff manager
professional practitioner care colleagues team
group gang boys crew network friendship
house flat address place area street road close lane avenue estate park school academy college
station bus stop centre center town city high club youth unit lodge service services home
foster placement residential supported
account chat media online platform app takeaway shop
""".split())
_CODE_WORD = re.compile(r"^(?:[a-z]|\d+|[a-z]{1,3}\d+|\d+[a-z]?)$")  # "m", "4", "yp3", "2b"


def name_key(name: str, stop: frozenset[str] = frozenset()) -> str:
    """The words of a normalised name that may identify, as one string: generic words, single
    letters, numbers and words in `stop` (area names, compared as areas) dropped.

    >>> name_key("young person 4")
    ''
    >>> name_key("park ashfield park northbridge", frozenset({"northbridge"}))
    'ashfield'
    """
    return " ".join(dict.fromkeys(t for t in name.split()
                                  if t not in GENERIC_WORDS and t not in stop and not _CODE_WORD.match(t)))


def is_code_name(name: str) -> bool:
    """True for a pseudonym that only codes a role ("Child M", "YP3", "Adult 2", "Group 1"):
    reviews assign these independently, so two reviews' "Child M" are no evidence of one child.

    >>> [is_code_name(normalise_name(n)) for n in ("Child M", "Mr C", "Smokey")]
    [True, True, False]
    """
    return not name_key(name)


# -- results -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """One attribute of one candidate: the outcome and how much it counted (log2 Bayes factor)."""

    attribute: str
    outcome: str  # agree | partial | disagree | missing
    weight: float
    detail: str


@dataclass(frozen=True)
class Candidate:
    """A pair of records that may be one entity; left is the record with the smaller IRI.

    weight = prior_weight + the comparisons' weights; score = 1 / (1 + 2^-weight).
    """

    id: str
    left: str
    right: str
    kind: str  # the kind family compared within, e.g. "young-person", "adult", "place:school"
    score: float  # match probability, 0..1
    comparisons: tuple[Comparison, ...]
    left_review: str = ""
    right_review: str = ""
    left_label: str = ""
    right_label: str = ""
    prior_weight: float = 0.0

    @property
    def weight(self) -> float:
        return self.prior_weight + sum(c.weight for c in self.comparisons)


def candidate_id(left_iri: str, right_iri: str) -> str:
    """A short id for a pair, the same whichever way round it is given.

    >>> candidate_id("b", "a") == candidate_id("a", "b")
    True
    """
    pair = " ".join(sorted((left_iri, right_iri)))
    return "c" + hashlib.sha1(pair.encode("utf-8")).hexdigest()[:10]


# -- the model's settings ----------------------------------------------------------------------

# m: the chance of (agree, partial, disagree) when two records, both recording the attribute, are
# one entity. Person names only count when they identify (code names like "Child M" are missing).
PRIOR_M = {
    # a real name, street name or handle, when both records give one, mostly recurs as written or as
    # initial and surname; a pseudonym is missing, not disagreeing
    "name": (0.9, 0.05, 0.05),
    "place-name": (0.75, 0.15, 0.1),  # one place is written "Ashfield Park", "the park (Ashfield Park)"
    "group-name": (0.5, 0.2, 0.3),
    "kind": (0.6, 0.4, 0.0),  # the subject of one review is often a peer in another
    "place-kind": (0.95, 0.05, 0.0),  # a park here is rarely a street there
    "group-kind": (0.8, 0.2, 0.0),  # a gang to one review is an organised group to another
    "gender": (0.97, 0.0, 0.03),
    "birth": (0.85, 0.12, 0.03),
    "area": (0.85, 0.0, 0.15),  # people are reviewed where they live, but adults travel
    "place-area": (0.95, 0.0, 0.05),
    "years": (0.5, 0.4, 0.1),  # two reviews may cover different years of one life
    "harm": (0.6, 0.0, 0.4),
    "linked": (0.45, 0.2, 0.35),  # one entity in two reviews is often linked to a place, person or group in both
    "agency": (0.95, 0.0, 0.05),
    "relation": (0.9, 0.0, 0.1),
    "incident": (0.3, 0.0, 0.7),  # one incident recorded by both reviews, as victim or perpetrator
}
ATTRIBUTES = {  # family -> the attributes compared, in explanation order
    "young-person": ("name", "kind", "gender", "birth", "area", "years", "harm", "linked", "incident"),
    "adult": ("name", "gender", "birth", "area", "years", "harm", "linked", "incident"),
    "family-member": ("name", "relation", "gender", "birth", "area", "years", "harm", "linked"),
    "professional": ("name", "agency", "gender", "area", "years", "harm", "linked"),
    "person": ("name", "kind", "gender", "birth", "area", "years", "harm", "linked", "incident"),
    "group": ("name", "kind", "area", "years", "harm", "linked"),
    "place": ("name", "kind", "area", "years", "harm", "linked"),
    "place:online-space": ("name", "years", "harm", "linked"),  # a platform has no area
}
# u before any data: what two different entities' records look like. Measured u is shrunk
# towards these by PSEUDO_PAIRS pseudo-pairs, which matters only in a small corpus.
PRIOR_U = {
    "name": (0.01, 0.05, 0.94), "kind": (0.7, 0.3, 0.0), "gender": (0.5, 0.0, 0.5),
    "birth": (0.1, 0.15, 0.75), "area": (0.1, 0.0, 0.9), "years": (0.3, 0.4, 0.3), "harm": (0.4, 0.0, 0.6),
    "linked": (0.05, 0.1, 0.85), "agency": (0.2, 0.0, 0.8), "relation": (0.2, 0.0, 0.8),
    "incident": (0.01, 0.0, 0.99),
}
PSEUDO_PAIRS = 50
PRIOR_SHARE = 0.05  # a name's share of records before any are counted, shrunk in by PSEUDO_RECORDS
PSEUDO_RECORDS = 20
RANDOM_PAIRS = 20_000  # pairs drawn per family to measure u (all pairs when there are fewer)
MAX_BLOCK = 50  # records sharing one blocking key; beyond this the key is too common to block on
TRAINING_SHARE = 0.001  # pairs sharing a name this rare, in one area, train m (see `_Model._measure_m`)
MEASURED_M = ("kind", "gender", "birth", "years", "harm", "linked", "agency", "relation", "incident")
WIDE_BIRTH_YEARS = 3  # a birth range over more years than this is not blocked on by year
NARROW_BIRTH_MONTHS = 3  # a birth range over at most this many months is blocked on by month
NEAR_BIRTH_MONTHS = 12  # birth ranges this close without overlapping partly agree (an age a year out)
FAR_YEARS = 3  # years active further apart than this disagree
EXPECTED_MATCHES = 1.0  # other records of the same entity expected per record: the prior


def _attributes(family: str) -> tuple[str, ...]:
    return ATTRIBUTES.get(family) or ATTRIBUTES[family.split(":")[0]]


def _prior_m(family: str, attribute: str) -> tuple[float, float, float]:
    root = family.split(":")[0]
    if attribute in ("name", "kind") and root in ("place", "group") or attribute == "area" and root == "place":
        return PRIOR_M[f"{root}-{attribute}"]
    return PRIOR_M[attribute]


# -- features ----------------------------------------------------------------------------------

def _initial_forms(record: LinkRecord) -> frozenset[str]:
    """A person's name as initial and surname ("j lowe" for "Jamal Lowe", "J. Lowe" or "Jamaal
    Lowe"): two reviews often spell a first name differently or give only its initial. Only for
    names a review gives as a person's own (not pseudonyms of PSEUDONYMOUS_KINDS, not "Mr C")."""
    if record.kind in PSEUDONYMOUS_KINDS:
        return frozenset()
    words = normalise_name(record.label).split()
    if len(words) < 2 or not words[0].isalpha() or words[0] in GENERIC_WORDS or not name_key(words[-1]):
        return frozenset()
    return frozenset({f"{words[0][0]} {words[-1]}"})


class _Features:
    """What one record is compared on, worked out once (slots: there may be 100,000 of them)."""

    __slots__ = ("record", "review", "kind", "names", "words", "gender", "birth", "area", "years", "harms",
                 "linked", "linked_words", "events", "born_years")

    def __init__(self, record: LinkRecord, stop: frozenset[str]):
        self.record = record
        self.review = record.review
        self.kind = record.kind
        names = record.aliases if record.kind in PSEUDONYMOUS_KINDS else record.names
        keys = frozenset(filter(None, (name_key(normalise_name(n), stop) for n in names)))
        self.words = frozenset(w for n in keys for w in n.split())
        self.names = keys | _initial_forms(record) if record.root == PERSON else keys
        self.gender = record.gender if record.gender != "unknown" else None
        self.birth = record.birth_months
        self.born_years = _birth_years(self)
        area = record.area or record.review_area
        self.area = normalise_name(area) if area else None
        self.years = record.years
        self.harms = record.harm_types
        # Places, people and groups together: a school and the friendship group named after it
        # are one piece of evidence, not two.
        self.linked = frozenset(filter(None, (name_key(n, stop) for n in record.places | record.people)))
        self.linked_words = frozenset(w for n in self.linked for w in n.split())
        self.events = record.events


class _Frequencies:
    """How common each identifying name is: the u of a term-frequency adjusted agreement.

    A person's or place's own name ("n") is counted among the records of *other* areas than the
    pair's: in its own area a name is common mostly because the one entity recurs there, which
    says nothing about how often two different entities bear it. A linked name ("l": a school, a
    group, a co-offender) is counted among the other records of the pair's own area(s), because
    many different people there are linked to one school or group; so is a group's own name,
    because groups are named after local places ("the Ashfield friendship group") and two
    groups in one town may share one. With a single area, every name is counted locally.
    """

    def __init__(self, features: list[_Features], local_names: bool = False):
        self.local_names = local_names
        self.counts: Counter = Counter()  # (area, field, name) and (ALL_AREAS, field, name): records
        self.totals: Counter = Counter()  # (area, field) and (ALL_AREAS, field): records with any such name
        self.cache: dict = {}  # share's answers: many pairs share one school, one name, one area
        for f in features:
            cohorts = [(f.area, year) for year in f.born_years]
            for field, names in (("n", f.names), ("l", f.linked), ("e", f.events)):
                if names:
                    for area in (f.area, ALL_AREAS, *(cohorts if field != "n" else ())):
                        self.totals[area, field] += 1
                        self.counts.update((area, field, name) for name in names)

    def share(self, areas: tuple, field: str, names: Iterable[str], years: Iterable[int] = ()) -> tuple[float, str]:
        """The smallest share of records carrying one of `names`, and that name. With `years` (of
        birth), a linked name or incident is counted among the area's records born in those years:
        friends share friends, and children of one age in one area share schools, abusers and
        incidents, so its share among all the area's records would say too little about how often
        two different children of the same age share it. The larger of the two shares counts."""
        key = (areas, field, names, years)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._share(areas, field, names, years)
        return found

    def _share(self, areas: tuple, field: str, names: Iterable[str], years: Iterable[int]) -> tuple[float, str]:
        counts, totals = self.counts, self.totals
        areas = tuple(dict.fromkeys(areas))
        local = field != "n" or self.local_names
        if years and field != "n":  # never below its share in the whole area: a few records say little
            areas += tuple((area, year) for area in areas for year in years)
        elsewhere = 0 if local else totals[ALL_AREAS, field] - sum(totals[area, field] for area in areas)
        best = None
        for name in names:
            if elsewhere > 0:
                count = counts[ALL_AREAS, field, name] - sum(counts[area, field, name] for area in areas)
                share = _shrunk(count, elsewhere)
            else:  # the pair's own areas, one of the pair's records left out
                share = max(_shrunk(counts[area, field, name] - 1, totals[area, field] - 1) for area in areas)
            if best is None or (share, -len(name), name) < (best[0], -len(best[1]), best[1]):  # ties: the fuller name
                best = (share, name)
        return best


def _shrunk(count: int, total: int) -> float:
    """count / total, shrunk towards PRIOR_SHARE: a name seen once among three records is not
    known to be carried by a third of all records."""
    return (max(count, 0) + PSEUDO_RECORDS * PRIOR_SHARE) / (max(total, 0) + PSEUDO_RECORDS)


ALL_AREAS = "\0all"  # the key of the family-wide counts


class _Births:
    """How many records of each area a range of birth months fits: the u of agreeing on birth.

    Counted in the pair's own area(s), the two records left out, and shrunk like a name's share.
    """

    def __init__(self, features: Iterable[_Features]):
        starts: dict[object, list[int]] = defaultdict(list)
        ends: dict[object, list[int]] = defaultdict(list)
        for f in features:
            if f.birth is not None:
                starts[f.area].append(f.birth[0])
                ends[f.area].append(f.birth[1])
        self.starts = {area: sorted(values) for area, values in starts.items()}
        self.ends = {area: sorted(values) for area, values in ends.items()}
        self.cache: dict = {}

    def share(self, areas: tuple, months: tuple[int, int]) -> float:
        """The largest share, over `areas`, of records whose birth range overlaps `months`."""
        key = (areas, months)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._share(areas, months)
        return found

    def _share(self, areas: tuple, months: tuple[int, int]) -> float:
        best = 0.0
        for area in dict.fromkeys(areas):
            starts, ends = self.starts.get(area, ()), self.ends.get(area, ())
            fits = len(starts) - bisect_left(ends, months[0]) - (len(starts) - bisect_right(starts, months[1]))
            best = max(best, _shrunk(fits - 2, len(starts) - 2))
        return best


# -- comparing ---------------------------------------------------------------------------------

# Outcomes as (outcome, u of a term-frequency adjusted agreement or None), made once: comparing
# millions of pairs must not allocate a tuple per attribute.
_AGREED, _PARTLY, _DISAGREED, _MISSED = ((o, None) for o in range(4))


def _birth_years(f: _Features) -> range:
    """The years a record may have been born in, when a person's birth is known to within
    WIDE_BIRTH_YEARS years; else none (worked out once per record, as `born_years`)."""
    if f.birth is None or f.record.root != PERSON:
        return range(0)
    years = range(f.birth[0] // 12, f.birth[1] // 12 + 1)
    return years if len(years) <= WIDE_BIRTH_YEARS else range(0)


def _cohort(a: _Features, b: _Features) -> range:
    """The years of birth both records allow, when each is known to within WIDE_BIRTH_YEARS years."""
    ya, yb = a.born_years, b.born_years
    return range(max(ya.start, yb.start), min(ya.stop, yb.stop)) if ya and yb else range(0)


def _one_incident(a: _Features, b: _Features) -> bool:
    """Both records were in one incident (see `_Comparer.incident`). The incident then says what
    its harm type, year, place and other people say, so those are not counted again: one piece of
    evidence, not four (as Splink's levels of one comparison exclude each other)."""
    return bool(a.events) and bool(b.events) and not a.events.isdisjoint(b.events)


def _exactly(a: object, b: object):
    """Agree when equal, disagree when not, missing when either is unknown."""
    if a is None or b is None:
        return _MISSED
    return _AGREED if a == b else _DISAGREED


class _Comparer:
    """The outcome of each attribute for a pair (`name`, `gender`, ...), and a readable detail
    for an explanation (`detail`)."""

    def __init__(self, frequencies: _Frequencies, births: _Births | None = None):
        self.frequencies = frequencies
        self.births = births or _Births(())

    def _named(self, field: str, mine: frozenset, theirs: frozenset, a: _Features, b: _Features, words):
        if not mine or not theirs:
            return _MISSED
        same = mine & theirs
        if same:
            return AGREE, self.frequencies.share((a.area, b.area), field, same, _cohort(a, b) if field != "n" else ())[0]
        return _PARTLY if words and not words[0].isdisjoint(words[1]) else _DISAGREED

    def name(self, a: _Features, b: _Features):
        return self._named("n", a.names, b.names, a, b, (a.words, b.words))

    def linked(self, a: _Features, b: _Features):
        return self._named("l", a.linked, b.linked, a, b, (a.linked_words, b.linked_words))

    def incident(self, a: _Features, b: _Features):
        """Agree when both records were harmed, or both harmed someone, in an incident of one harm
        type in one month, weighted like a linked name by the share of the area's records with
        such an incident (two reviews recording one assault, not two assaults that month)."""
        return self._named("e", a.events, b.events, a, b, None)

    @staticmethod
    def kind(a: _Features, b: _Features):
        return _AGREED if a.kind == b.kind else _PARTLY

    @staticmethod
    def gender(a: _Features, b: _Features):
        return _exactly(a.gender, b.gender)

    def birth(self, a: _Features, b: _Features):
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
    def area(a: _Features, b: _Features):
        return _exactly(a.area, b.area)

    @staticmethod
    def years(a: _Features, b: _Features):
        if a.years is None or b.years is None or _one_incident(a, b):
            return _MISSED
        gap = max(a.years[0], b.years[0]) - min(a.years[1], b.years[1])
        return _AGREED if gap <= 0 else _PARTLY if gap <= FAR_YEARS else _DISAGREED

    @staticmethod
    def harm(a: _Features, b: _Features):
        if not a.harms or not b.harms or _one_incident(a, b):
            return _MISSED
        return _DISAGREED if a.harms.isdisjoint(b.harms) else _AGREED

    @staticmethod
    def agency(a: _Features, b: _Features):
        ga, gb = a.record.agency, b.record.agency
        if not ga or not gb:
            return _MISSED
        return _AGREED if ga == gb else _DISAGREED

    @staticmethod
    def relation(a: _Features, b: _Features):
        ra, rb = a.record.relation, b.record.relation
        if not ra or not rb:
            return _MISSED
        return _AGREED if normalise_name(ra) == normalise_name(rb) else _DISAGREED

    def detail(self, attribute: str, a: _Features, b: _Features) -> str:
        """What was compared, in words, for an explanation."""
        if attribute in ("name", "linked"):
            field, mine, theirs = ("n", a.names, b.names) if attribute == "name" else ("l", a.linked, b.linked)
            if not mine or not theirs:
                return ""
            same = mine & theirs
            if same:
                years = _cohort(a, b) if field == "l" else ()
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
            years = _cohort(a, b)
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


# -- blocking ----------------------------------------------------------------------------------

# (A bare area, gender and year of birth is not a rule: on a 100,000-record corpus it proposed
# 200,000 pairs with nothing identifying in common, none of which reached even p = 0.5.)
BLOCKING_RULES = ("name", "area-name", "linked-name", "linked-birth", "birth-month", "incident")
NAME_RULES = 2  # the first rules, whose pairs share a name


def blocking_keys(features: _Features) -> tuple[frozenset, ...]:
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


def _pairs(features: list[_Features], rules: int = len(BLOCKING_RULES)) -> Iterator[tuple[int, int, int]]:
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
    for features in _families(list(records), kinds).values():
        for i, j, _ in _pairs(features):
            yield features[i].record.iri, features[j].record.iri


# -- the model ---------------------------------------------------------------------------------

class _Model:
    """The weights of one family: log2(m/u) per attribute and outcome, and the prior."""

    def __init__(self, family: str, features: list[_Features], comparer: _Comparer, rng: random.Random,
                 named_pairs: Iterable[tuple[int, int]] = ()):
        self.family = family
        self.comparer = comparer
        self.attributes = _attributes(family)
        self.functions = [getattr(comparer, a) for a in self.attributes]
        self.u = self._measure_u(features, rng)
        self.m = self._measure_m(features, named_pairs)
        self.weights = [_ordered([math.log2(max(m, _FLOOR) / max(u, _FLOOR)) for m, u in zip(ms, us)], ms)
                        for ms, us in zip(self.m, self.u)]
        self.prior_weight = 0.0
        self._plan = [(function, weights, m[AGREE]) for function, weights, m in zip(self.functions, self.weights, self.m)]

    def _measure_m(self, features: list[_Features], named_pairs: Iterable[tuple[int, int]]) -> list[tuple]:
        """m of the attributes in MEASURED_M, measured on training pairs: records of different
        reviews in one area sharing a name carried by at most TRAINING_SHARE of the records (a
        handle, a full name). This is how Splink trains m from a blocking rule: an attribute's m
        is what it does among pairs chosen by another attribute, not fitted by expectation
        maximisation to the clusters the data happen to form. The name's own m and the area's
        stay the judgements of PRIOR_M, since the pairs were chosen by them.

        Not every training pair is one entity (in a large corpus two people in an area may bear
        one full name): each is one with the probability its prior, name and area give, and the
        others are taken to look like random pairs of the area (u), so their outcomes are taken
        out of the counts before they are read as m. Shrunk towards PRIOR_M by PSEUDO_PAIRS, so
        few training pairs change little."""
        priors = [_prior_m(self.family, a) for a in self.attributes]
        if "name" not in self.attributes:
            return priors
        name, m_name = self.comparer.name, _prior_m(self.family, "name")[AGREE]
        prior = _prior_weight(len(features))
        if "area" in self.attributes:
            index = self.attributes.index("area")
            prior += math.log2(_prior_m(self.family, "area")[AGREE] / max(self.u[index][AGREE], _FLOOR))
        training = []
        for i, j in named_pairs:
            a, b = features[i], features[j]
            if a.review != b.review and a.area == b.area:
                outcome, share = name(a, b)
                if outcome == AGREE and share <= TRAINING_SHARE:
                    training.append((a, b, probability(prior + math.log2(m_name / share))))
        rows = []
        for attribute, function, prior_m, u in zip(self.attributes, self.functions, priors, self.u):
            if attribute not in MEASURED_M or not training:
                rows.append(prior_m)
                continue
            counts, others = [0.0, 0.0, 0.0], 0.0
            for a, b, p in training:
                outcome = function(a, b)[0]
                if outcome != MISSING:
                    counts[outcome] += 1
                    others += 1 - p
            counts = [max(count - others * u[outcome], 0.0) for outcome, count in enumerate(counts)]
            total = sum(counts)
            rows.append(tuple((count + PSEUDO_PAIRS * p) / (total + PSEUDO_PAIRS) for count, p in zip(counts, prior_m)))
        return rows

    def _measure_u(self, features: list[_Features], rng: random.Random) -> list[list[float]]:
        """Outcome shares among pairs of records from different reviews (all pairs of a small
        family, RANDOM_PAIRS random ones of a large one): for area, any two records of the family;
        for the rest, two records of the same area. Shrunk towards PRIOR_U by PSEUDO_PAIRS, so a
        family of five records does not declare an outcome impossible."""
        anywhere, nearby = _u_pairs(features, rng)
        rows = []
        for attribute, function in zip(self.attributes, self.functions):
            counts = [0, 0, 0]
            for a, b in (anywhere if attribute == "area" or not nearby else nearby):
                outcome = function(a, b)[0]
                if outcome != MISSING:
                    counts[outcome] += 1
            prior, total = PRIOR_U[attribute], sum(counts)
            rows.append([(count + PSEUDO_PAIRS * p) / (total + PSEUDO_PAIRS) for count, p in zip(counts, prior)])
        return rows

    def evidence(self, a: _Features, b: _Features) -> float:
        """The sum of the comparisons' weights (without the prior)."""
        total = 0.0
        for function, weights, m_agree in self._plan:
            outcome, share = function(a, b)
            if outcome != MISSING:
                total += weights[outcome] if share is None else _adjusted(m_agree, share, weights)
        return total

    def explain(self, a: _Features, b: _Features) -> tuple[Comparison, ...]:
        out = []
        for attribute, (function, weights, m_agree) in zip(self.attributes, self._plan):
            outcome, share = function(a, b)
            if outcome == MISSING:
                weight = 0.0
            else:
                weight = weights[outcome] if share is None else _adjusted(m_agree, share, weights)
            out.append(Comparison(attribute, OUTCOMES[outcome], weight, self.comparer.detail(attribute, a, b)))
        return tuple(out)

    def set_prior(self, records: int) -> None:
        """The prior odds that two records of the family are one entity: EXPECTED_MATCHES other
        records of the same entity for each record, among the family's other records."""
        self.prior_weight = _prior_weight(records)


def _prior_weight(records: int) -> float:
    prior = min(EXPECTED_MATCHES / max(records - 1, 1), 0.5)
    return math.log2(prior / (1 - prior))


def _ordered(weights: list[float], m: tuple[float, float, float]) -> list[float]:
    """Agreeing never counts less than partly agreeing, nor that less than disagreeing (of the
    outcomes an attribute can have: m > 0): with u measured on few records the raw ratios can
    cross, and an explanation where agreement lowers the score would mislead."""
    ordered, floor = list(weights), -math.inf
    for outcome in (DISAGREE, PARTIAL, AGREE):
        if m[outcome] > 0:
            ordered[outcome] = floor = max(ordered[outcome], floor)
    return ordered


def _adjusted(m_agree: float, share: float, weights: list[float]) -> float:
    """The weight of agreeing on a name carried by `share` of the records (term-frequency
    adjusted), never below partly agreeing."""
    return max(math.log2(m_agree / share), weights[PARTIAL])


def _u_pairs(features: list[_Features], rng: random.Random) -> tuple[list, list]:
    """Pairs of records from different reviews to measure u on: (any two, two of one area)."""
    n = len(features)
    if n * (n - 1) // 2 <= RANDOM_PAIRS:
        anywhere = [(a, b) for i, a in enumerate(features) for b in features[i + 1:] if a.review != b.review]
        return anywhere, [(a, b) for a, b in anywhere if a.area == b.area]
    by_area: dict[object, list[_Features]] = defaultdict(list)
    for f in features:
        by_area[f.area].append(f)
    anywhere, nearby = [], []
    for _ in range(RANDOM_PAIRS):
        a = features[rng.randrange(n)]
        for found, pool in ((anywhere, features), (nearby, by_area[a.area])):
            b = pool[rng.randrange(len(pool))]
            if b.review != a.review:
                found.append((a, b))
    return anywhere, nearby


_FLOOR = 1e-3  # m of an outcome judged impossible: still possible (a typo must not veto a match)


def probability(weight: float) -> float:
    """Match probability for a match weight in bits: 1 / (1 + 2^-weight)."""
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** -weight)


# -- finding candidates ------------------------------------------------------------------------

def _stop_words(records: list[LinkRecord]) -> frozenset[str]:
    """Area names: compared as areas, so never also as words of a name."""
    return frozenset(word for area in {a for r in records for a in (r.area, r.review_area) if a}
                     for word in normalise_name(area).split())


def _selected(record: LinkRecord, family: str, kinds: Collection[str] | None) -> bool:
    return kinds is None or record.kind in kinds or family in kinds or family.split(":")[0] in kinds


def _families(records: list[LinkRecord], kinds: Collection[str] | None) -> dict[str, list[_Features]]:
    stop = _stop_words(records)
    families: dict[str, list[_Features]] = defaultdict(list)
    for record in records:
        family = kind_family(record)
        if _selected(record, family, kinds):
            families[family].append(_Features(record, stop))
    _keep_unique_events(records, families.values())
    return families


def _keep_unique_events(records: list[LinkRecord], families: Iterable[list[_Features]]) -> None:
    """Keep, of each record's incidents, those in which its review has no other record of the
    same role, harm type and month: two children harmed together are both victims of it, and the
    incident cannot say which of them another review's victim is."""
    seen = Counter((r.review, event) for r in records for event in r.events)
    for features in families:
        for f in features:
            if f.events:
                f.events = frozenset(e for e in f.events if seen[f.review, e] == 1)


def find_candidates(records: Iterable[LinkRecord], *, threshold: float = DEFAULT_THRESHOLD,
                    exclude: Collection[frozenset[str]] = (), kinds: Collection[str] | None = None,
                    seed: int = 0) -> list[Candidate]:
    """Pairs of records that may be one entity, with match probability >= threshold, best first.

    exclude: pairs (frozensets of two IRIs) already decided, never proposed again. kinds: record
    kinds ("peer", "park") or families ("young-person", "adult", "group", "place",
    "place:public-space") to compare; default all. seed: for the random pairs that measure u.
    """
    families = _families(list(records), kinds)
    excluded = {frozenset(pair) for pair in exclude}
    found: list[Candidate] = []
    for family in sorted(families):
        found += _family_candidates(family, families[family], threshold, excluded, random.Random(seed))
    found.sort(key=lambda c: (-c.score, c.id))
    return found


def _family_candidates(family: str, features: list[_Features], threshold: float, excluded,
                       rng: random.Random) -> list[Candidate]:
    frequencies = _Frequencies(features, local_names=family == "group")
    lefts, rights, named = array("i"), array("i"), []
    for i, j, rule in _pairs(features):
        lefts.append(i)
        rights.append(j)
        if rule < NAME_RULES:
            named.append((i, j))
    model = _Model(family, features, _Comparer(frequencies, _Births(features)), rng, named)
    evidence = array("d", (model.evidence(features[i], features[j]) for i, j in zip(lefts, rights)))
    model.set_prior(len(features))
    needed = -math.inf if threshold <= 0 else (math.log2(threshold / (1 - threshold)) if threshold < 1 else math.inf)
    out = []
    for i, j, e in zip(lefts, rights, evidence):
        if model.prior_weight + e < needed - 1e-9:
            continue
        a, b = features[i], features[j]
        if a.record.iri > b.record.iri:
            a, b = b, a
        if frozenset((a.record.iri, b.record.iri)) in excluded:
            continue
        out.append(Candidate(candidate_id(a.record.iri, b.record.iri), a.record.iri, b.record.iri, family,
                             probability(model.prior_weight + e), model.explain(a, b),
                             a.review, b.review, a.record.label, b.record.label, model.prior_weight))
    return out
