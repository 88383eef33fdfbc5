"""What each record is compared on (`Features`), and how common what it carries is.

`Frequencies` gives the u of agreeing on a name, a linked name or an incident (term-frequency
adjusted, as in Splink), `Births` the u of agreeing on birth; `feature_families` works out the features
of every record, family by family.

A linked name or a shared incident is counted among the area's records born in the years both
records allow, when that share is the larger: children of one age in one area share friends,
schools, abusers and incidents. An incident is a person's role in it (harmed or harming), its
harm type and its month, kept only when no other record of the review had that role in it (two
children harmed together cannot say which is which).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable

from casegraph.linking.names import (descriptive_key, first_names, identifying_names, initial_forms, kind_family,
                                     name_key, pseudonym)
from casegraph.linking.records import INCIDENT, PERSON, PLACE, LinkRecord, normalise_name
from casegraph.linking.settings import PRIOR_SHARE, PSEUDO_RECORDS, WIDE_BIRTH_YEARS


# -- features ----------------------------------------------------------------------------------

ROLE_KINDS = frozenset({"professional", "reviewer"})  # people a role in an agency may identify

class Features:
    """What one record is compared on, worked out once (slots: there may be 100,000 of them)."""

    __slots__ = ("record", "review", "kind", "names", "initials", "first_names", "words", "gender", "birth", "area",
                 "area_source", "years", "harms", "linked", "linked_words", "events", "born_years", "pseudonym",
                 "role", "outcome", "months", "victims", "broader_harms")

    def __init__(self, record: LinkRecord, stop: frozenset[str], areas: frozenset[str] = frozenset()):
        self.record = record
        self.review = record.review
        self.kind = record.kind
        names = identifying_names(record)  # every name and alias, each compared with all the other's
        keys = frozenset(filter(None, (name_key(n, stop) for n in names)))
        if not keys and record.root == PLACE:  # "the bus station, Ravensholt": a town has few
            keys = frozenset(filter(None, (descriptive_key(n, stop) for n in names)))
        self.words = frozenset(w for n in keys for w in n.split())
        self.initials = initial_forms(record) if record.root == PERSON else frozenset()
        self.first_names = first_names(record) if self.initials else frozenset()
        self.names = keys | self.initials
        self.pseudonym = pseudonym(record) if record.root == PERSON else None
        # A professional known only by a role ("the CSE lead"): the role's identifying words, which
        # with the agency, area and years may point at one person; a bare role ("the social worker") has none.
        self.role = (name_key(self.pseudonym, stop) or None) if record.kind in ROLE_KINDS and self.pseudonym else None
        self.outcome = record.outcome
        self.months, self.victims = record.months, record.victims
        # incidents: the broader codes of its harm types, so "sexual exploitation" here and "child
        # sexual exploitation" there are compatible, if not the same
        self.broader_harms = broader_harms(record.harm_types) if record.root == INCIDENT else frozenset()
        self.gender = record.gender if record.gender != "unknown" else None
        self.birth = record.birth_months
        self.born_years = _birth_years(self)
        area, self.area_source = (normalise_name(record.area), "record") if record.area else (None, None)
        if area is None and record.root == PLACE:  # "Elmwood Park in Ambervale", in another town's review
            area = _named_area(names, areas)
            self.area_source = "name" if area else None
        if area is None and record.review_area:
            area, self.area_source = normalise_name(record.review_area), "review"
        self.area = area
        self.years = record.years
        self.harms = record.harm_types
        # Places, people and groups together: a school and the friendship group named after it
        # are one piece of evidence, not two.
        self.linked = frozenset(filter(None, (name_key(n, stop) for n in record.places | record.people)))
        self.linked_words = frozenset(w for n in self.linked for w in n.split())
        self.events = record.events


# What a record must carry for an attribute to compare it at all (absent: always missing).
_CARRIES = {"pseudonym": lambda f: f.pseudonym, "care": lambda f: f.record.looked_after is not None,
            "outcome": lambda f: f.outcome, "role": lambda f: f.role, "when": lambda f: f.months,
            "victim": lambda f: f.victims}


def carried(attribute: str, features: list[Features]) -> int:
    """How many of the records carry what `attribute` compares (up to 2: enough to know it counts);
    attributes every record may carry count as 2."""
    test = _CARRIES.get(attribute)
    if test is None:
        return 2
    found = 0
    for f in features:
        if test(f):
            found += 1
            if found >= 2:
                break
    return found


def broader_harms(codes: frozenset[str]) -> frozenset[str]:
    """Every harm-type code broader than one of `codes` (their ancestors in the code list)."""
    from casegraph.ontology import concept_iri, vocabulary

    vocab = vocabulary()
    found: set[str] = set()
    for code in codes:
        todo = list(vocab.broader.get(concept_iri("harm-type", code), ()))
        while todo:
            iri = todo.pop()
            if iri not in found:
                found.add(iri)
                todo.extend(vocab.broader.get(iri, ()))
    return frozenset(iri.rsplit("/", 1)[-1] for iri in found)


def _named_area(names: Iterable[str], areas: frozenset[str]) -> str | None:
    """The one area a place's normalised names name ("elmwood park in ambervale", "ravensholt
    bus station"), if exactly one: a review often names a place in a neighbouring town."""
    found = {area for name in names for area in areas if f" {area} " in f" {name} "}
    return found.pop() if len(found) == 1 else None


def _birth_years(f: Features) -> range:
    """The years a record may have been born in, when a person's birth is known to within
    WIDE_BIRTH_YEARS years; else none (worked out once per record, as `born_years`)."""
    if f.record.birth_years is None or f.record.root != PERSON:
        return range(0)
    years = range(f.record.birth_years[0], f.record.birth_years[1] + 1)
    return years if len(years) <= WIDE_BIRTH_YEARS else range(0)


class Frequencies:
    """How common each identifying name is: the u of a term-frequency adjusted agreement.

    A person's or place's own name ("n") is counted among the records of *other* areas than the
    pair's: in its own area a name is common mostly because the one entity recurs there, which
    says nothing about how often two different entities bear it. A linked name ("l": a school, a
    group, a co-offender) is counted among the other records of the pair's own area(s), because
    many different people there are linked to one school or group; so is a group's own name,
    because groups are named after local places ("the Ashfield friendship group") and two
    groups in one town may share one. With a single area, every name is counted locally.
    """

    def __init__(self, features: list[Features], local_names: bool = False):
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


class Births:
    """How many records of each area a range of birth months fits: the u of agreeing on birth.

    Counted in the pair's own area(s), the two records left out, and shrunk like a name's share.
    """

    def __init__(self, features: Iterable[Features]):
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


# -- every record's features, family by family -------------------------------------------------

def _area_names(records: list[LinkRecord]) -> frozenset[str]:
    """Every area the records give, normalised."""
    return frozenset(normalise_name(a) for r in records for a in (r.area, r.review_area) if a)


def stop_words(records: list[LinkRecord]) -> frozenset[str]:
    """Area names: compared as areas, so never also as words of a name."""
    return frozenset(word for area in _area_names(records) for word in area.split())


def _selected(record: LinkRecord, family: str, kinds: Collection[str] | None) -> bool:
    return kinds is None or record.kind in kinds or family in kinds or family.split(":")[0] in kinds


def feature_families(records: list[LinkRecord], kinds: Collection[str] | None) -> dict[str, list[Features]]:
    stop, areas = stop_words(records), _area_names(records)
    families: dict[str, list[Features]] = defaultdict(list)
    for record in records:
        family = kind_family(record)
        if _selected(record, family, kinds):
            families[family].append(Features(record, stop, areas))
    keep_unique_events(records, families.values())
    return families


def keep_unique_events(records: list[LinkRecord], families: Iterable[list[Features]]) -> None:
    """Keep, of each record's incidents, those in which its review has no other record of the
    same role, harm type and month: two children harmed together are both victims of it, and the
    incident cannot say which of them another review's victim is."""
    seen = Counter((r.review, event) for r in records for event in r.events)
    for features in families:
        for f in features:
            if f.events:
                f.events = frozenset(e for e in f.events if seen[f.review, e] == 1)
