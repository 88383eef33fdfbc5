"""What each review records about a person, group or place, for linking (`LinkRecord`).

Every record's IRI belongs to its review, and what it is compared on is what that review says,
so each review's records are assembled from its quads alone (`review_records`, on the loader's
workers) and kept beside the store (see `casegraph.linking.reading`); `query_records` assembles
those of a whole store from four SPARQL scans, never one query per record, where none are kept.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

from casegraph.linking.words import PSEUDONYMOUS_KINDS, identifying_labels, normalise_name
from casegraph.ontology import CG, RDFS, REVIEW

PERSON, GROUP, PLACE, INCIDENT = "Person", "Group", "Place", "Incident"
# An age written without `age_at` held at some time before publication: assume within this many
# years of it (reviews are usually published two to five years after the events they describe).
YEARS_BEFORE_PUBLICATION = 5


@dataclass(frozen=True)
class LinkRecord:
    """One person, group or place as one review records it.

    kind is the record's most specific coded class ("young-person", "peer", "park", "gang", ...)
    and root its class root ("Person", "Group", "Place"). Names are as written. `places` holds the
    normalised names (see `normalise_name`) of the places and platforms the record is linked to,
    `people` those of the people and groups, but only names that may identify: aliases, and
    labels, except that of PSEUDONYMOUS_KINDS only a full name counts (published reviews give
    children pseudonyms of their own, and call a parent "Child M's mother"; "Sarah Jones" is her
    name). Year and month ranges are inclusive (lo, hi); a
    month is counted as year * 12 + month - 1, so a birth given as "March 2002" is (24026, 24026)
    and "aged 14 in May 2016" is (24016, 24028): whatever the two days, born between May 2001 and
    May 2002. `events` are the incidents it was harmed or harmed someone in, dated to a month.
    """

    iri: str
    review: str
    kind: str
    label: str
    root: str = PERSON
    names: tuple[str, ...] = ()  # label, aliases and (online spaces) platform, as written
    aliases: tuple[str, ...] = ()  # other names the review gives, as written
    gender: str | None = None  # gender code
    birth_months: tuple[int, int] | None = None  # year * 12 + month - 1
    area: str | None = None  # as recorded on the record itself
    review_area: str | None = None  # as recorded on its review
    years: tuple[int, int] | None = None  # years of the incidents it is part of
    harm_types: frozenset[str] = frozenset()  # of its incidents, else of its review
    places: frozenset[str] = frozenset()
    people: frozenset[str] = frozenset()
    agency: str | None = None  # professionals
    relation: str | None = None  # family members, as written
    events: frozenset[tuple[str, str, int]] = frozenset()  # (role, harm type, month): see `_events`
    outcome: tuple[str, int | None, int | None] | None = None  # (outcome kind, first month, last month)
    months: tuple[int, int] | None = None  # incidents: the months it may have happened in
    victims: frozenset[str] = frozenset()  # incidents: the entities harmed (a record, or its linked group's smallest IRI)
    looked_after: bool | None = None
    published: int | None = None  # its review's publication year

    @property
    def birth_years(self) -> tuple[int, int] | None:
        """The range of birth months to the year."""
        months = self.birth_months
        return None if months is None else (months[0] // 12, months[1] // 12)


def _record_classes() -> dict[str, tuple[str, str, int]]:
    """Class IRI -> (code, root, depth) for every coded person, group and place class."""
    from casegraph.ontology import vocabulary

    vocab = vocabulary()
    return {iri: (code, root, len(vocab.superclasses.get(iri, ())))
            for root in (PERSON, GROUP, PLACE) for code, iri in vocab.class_codes[root].items()}


_VALUE_PREDICATES = {  # predicate IRI -> short name used below
    RDFS + "label": "label", CG + "alias": "alias", CG + "area": "area", CG + "platform": "platform",
    CG + "gender": "gender", CG + "agency": "agency", CG + "relation": "relation",
    CG + "ageMin": "ageMin", CG + "ageMax": "ageMax", CG + "ageApproximate": "ageApproximate",
    CG + "ageAtEarliest": "ageAtEarliest", CG + "ageAtLatest": "ageAtLatest",
    CG + "bornEarliest": "bornEarliest", CG + "bornLatest": "bornLatest",
    CG + "harmType": "harmType", CG + "dateEarliest": "dateEarliest", CG + "dateLatest": "dateLatest",
    CG + "publicationYear": "publicationYear", CG + "hasOutcome": "hasOutcome", CG + "outcomeKind": "outcomeKind",
    CG + "lookedAfter": "lookedAfter",
}
# Incidents and context associations: every record in one is linked to every other in it.
_MEMBERSHIP_PREDICATES = ("hasVictim", "hasPerpetrator", "involves", "occurredAt", "concernsYoungPerson",
                          "contextPlace", "contextParticipant")
# A person's own places, groups and relationships (the direct cg:knows sub-property triples, one
# row each, rather than the reified statement's two).
_DIRECT_PREDICATES = ("frequents", "livesAt", "attends", "memberOf")


def _values(iris) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def _code(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def _year(date_text: str) -> int:
    return int(date_text[:4])


def _pairs(store, query: str) -> Iterator[tuple[str, str]]:
    """Rows of a two-variable query as plain strings (Oxigraph's cost per row dominates, so keep
    rows few and narrow)."""
    for first, second in store.query(query):
        yield first.value, second.value


def query_records(store) -> list[LinkRecord]:
    """Every person, group and place in the store as a `LinkRecord`, read by SPARQL over the union
    of all reviews, in IRI order, each incident's victims as its own review names them (see
    `casegraph.linking.reading` for the reading that keeps each review's records, and links them).

    Four queries, each a plain scan of a few predicates (Oxigraph's joins cost more than the
    rows they save): record types; literal and code values; memberships of incidents and context
    associations; a person's own places, groups and relationships.
    """
    classes = _record_classes()
    tables = _Tables()
    for iri, class_iri in _pairs(store, f"SELECT ?r ?t {{ VALUES ?t {{ {_values(classes)} }} ?r a ?t }}"):
        tables.typed(iri, classes[class_iri])
    for (incident,) in store.query(f"SELECT ?r {{ ?r a <{CG}Incident> }}"):  # events are linkable too
        tables.kinds[incident.value] = _INCIDENT_KIND
    short = _VALUE_PREDICATES
    for subject, predicate, obj in store.query(f"SELECT ?s ?p ?o {{ VALUES ?p {{ {_values(short)} }} ?s ?p ?o }}"):
        tables.value(subject.value, short[predicate.value], obj.value)
    predicates = _values(CG + p for p in _MEMBERSHIP_PREDICATES)
    for container, predicate, member in store.query(f"SELECT ?c ?p ?m {{ VALUES ?p {{ {predicates} }} ?c ?p ?m }}"):
        tables.member(container.value, predicate.value, member.value)
    tables.pairs = list(_pairs(store, f"SELECT ?a ?b {{ VALUES ?p {{ {_values(_direct_predicates())} }} ?a ?p ?b }}"))
    return tables.records()


def review_records(quads: Iterable) -> list[LinkRecord]:
    """The records of one review, from its quads (pyoxigraph quads), as `query_records` reads them
    from a store holding only that review: one pass, no store. A loader's worker calls it."""
    classes, short = _record_classes(), _VALUE_PREDICATES
    members, direct = {CG + p for p in _MEMBERSHIP_PREDICATES}, set(_direct_predicates())
    tables, incidents = _Tables(), []
    for quad in quads:
        predicate = quad.predicate.value
        if predicate == _RDF_TYPE:
            found = classes.get(quad.object.value)
            if found is not None:
                tables.typed(quad.subject.value, found)
            elif quad.object.value == CG + "Incident":
                incidents.append(quad.subject.value)
        elif predicate in short:
            tables.value(quad.subject.value, short[predicate], quad.object.value)
        elif predicate in members:
            tables.member(quad.subject.value, predicate, quad.object.value)
        elif predicate in direct:
            tables.pairs.append((quad.subject.value, quad.object.value))
    tables.kinds.update(dict.fromkeys(incidents, _INCIDENT_KIND))
    return tables.records()


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_INCIDENT_KIND = ("incident", INCIDENT, 0)
_ROLE_OF = {CG + "hasVictim": "victim", CG + "hasPerpetrator": "perpetrator"}


def _direct_predicates() -> list[str]:
    from casegraph.ontology import vocabulary

    return [CG + p for p in _DIRECT_PREDICATES] + list(vocabulary().relationship_codes.values())


class _Tables:
    """What the records are assembled from, filled by a store's queries or one review's quads."""

    def __init__(self):
        self.kinds: dict[str, tuple[str, str, int]] = {}  # record -> (code, root, depth)
        self.values: dict[str, dict[str, list[str]]] = defaultdict(dict)
        self.members: dict[str, list[str]] = defaultdict(list)  # incident or context -> records in it
        self.roles: dict[tuple[str, str], str] = {}  # (incident, record) -> "victim" | "perpetrator"
        self.pairs: list[tuple[str, str]] = []  # a person's own places, groups and relationships

    def typed(self, iri: str, found: tuple[str, str, int]) -> None:
        """The record's most specific coded class wins."""
        if iri not in self.kinds or found[2] > self.kinds[iri][2]:
            self.kinds[iri] = found

    def value(self, subject: str, name: str, value: str) -> None:
        self.values[subject].setdefault(name, []).append(value)

    def member(self, container: str, predicate: str, member: str) -> None:
        self.members[container].append(member)
        role = _ROLE_OF.get(predicate)
        if role:
            self.roles[container, member] = role

    def records(self) -> list[LinkRecord]:
        return _assemble(self.kinds, self.values, self.members, self.pairs, self.roles)


class _Neighbourhood:
    """What each record is linked to: directly, or by sharing an incident or context association."""

    def __init__(self, kinds, values, members, pairs, incidents: set[str] | None = None):
        self.kinds = kinds
        self.places: dict[str, set[str]] = defaultdict(set)  # record -> linked place IRIs
        self.people: dict[str, set[str]] = defaultdict(set)  # record -> linked person and group IRIs
        self.incidents: dict[str, list[str]] = defaultdict(list)  # record -> incident IRIs
        for one, other in pairs:
            self._link(one, other)
        for container, inside in members.items():
            inside = [m for m in inside if m in kinds]
            # An incident, not a context association: it has victims (review/2 incidents may have no
            # harm type); without roles, the harm type that every review/1 incident has tells.
            if container in incidents if incidents is not None else "harmType" in values.get(container, ()):
                for member in inside:
                    self.incidents[member].append(container)
            for i, one in enumerate(inside):
                for other in inside[i + 1:]:
                    self._link(one, other)

    def _link(self, one: str, other: str) -> None:
        if one == other or one not in self.kinds or other not in self.kinds:
            return
        (self.places if self.kinds[other][1] == PLACE else self.people)[one].add(other)
        (self.places if self.kinds[one][1] == PLACE else self.people)[other].add(one)


def _month(date_text: str) -> int:
    return int(date_text[:4]) * 12 + int(date_text[5:7]) - 1


def _birth_months(v: dict[str, list[str]], published: int | None) -> tuple[int, int] | None:
    """The months a person may have been born in, from a birth date, or an age at a date (or,
    without the date, at some time in the YEARS_BEFORE_PUBLICATION before publication)."""
    if v.get("bornEarliest"):
        return _month(v["bornEarliest"][0]), _month(v["bornLatest"][0])
    if not v.get("ageMin"):
        return None
    low, high = float(v["ageMin"][0]), float(v["ageMax"][0])
    if v.get("ageApproximate", ["false"])[0] == "true":  # "about 14": 13 to 15
        low, high = low - 1, high + 1
    if v.get("ageAtEarliest"):
        first, last = _month(v["ageAtEarliest"][0]), _month(v["ageAtLatest"][0])
    elif published:
        first, last = (published - YEARS_BEFORE_PUBLICATION) * 12, published * 12 + 11
    else:
        return None
    # aged `high` in month `first`: born in that month `high + 1` years before at the earliest
    # (a birthday later in the month); aged `low` in month `last`: born `low` years before at the latest
    return int(first - 12 * (high + 1)), int(last - 12 * low)


def _events(incidents, values, roles, iri: str) -> frozenset[tuple[str, str, int]]:
    """(role, harm type, month) of each incident the record is a victim or perpetrator in that is
    dated to within one month: what two reviews recording one incident both write."""
    out = set()
    for incident in incidents:
        role = roles.get((incident, iri))
        w = values[incident]
        if role and w.get("dateEarliest") and w.get("dateLatest"):
            month = _month(w["dateEarliest"][0])
            if month == _month(w["dateLatest"][0]):
                out.update((role, _code(harm), month) for harm in w.get("harmType", ()))
    return frozenset(out)


def _outcome(values, v: dict[str, list[str]]) -> tuple[str, int | None, int | None] | None:
    """(kind, first month, last month) of a person's outcome (died, seriously injured); months
    None where the review gives no date, or one bound of an open one."""
    if not v.get("hasOutcome"):
        return None
    w = values.get(v["hasOutcome"][0], {})
    if not w.get("outcomeKind"):
        return None
    first, last = (_month(w[key][0]) if w.get(key) else None for key in ("dateEarliest", "dateLatest"))
    return _code(w["outcomeKind"][0]), first, last


def _incident(iri: str, review_iri: str, v: dict, members, kinds, normalised, victims: frozenset[str],
              review) -> LinkRecord:
    """An incident as a record to link: two reviews telling one event (its harm types, months,
    places, the people in it, and the entities it harmed, which analysts' links make shared)."""
    inside = [m for m in members.get(iri, ()) if m in kinds]
    first, last = (_month(v[key][0]) if v.get(key) else None for key in ("dateEarliest", "dateLatest"))
    months = None if first is None and last is None else \
        (first if first is not None else last, last if last is not None else first)
    places = [m for m in inside if kinds[m][1] == PLACE]
    people = [m for m in inside if kinds[m][1] != PLACE]
    return LinkRecord(
        iri=iri, review=review_iri[len(REVIEW):], kind="incident", label=(v.get("label") or [_code(iri)])[0],
        root=INCIDENT, review_area=review["area"][0] if "area" in review else None,
        years=(months[0] // 12, months[1] // 12) if months else None,
        harm_types=frozenset(map(_code, v.get("harmType", ()))),
        places=frozenset(n for m in places for n in normalised[m]),
        people=frozenset(n for m in people for n in normalised[m]),
        months=months, victims=victims,
        published=_year(review["publicationYear"][0]) if review.get("publicationYear") else None)


def _assemble(kinds, values, members, pairs, roles=None) -> list[LinkRecord]:
    victims: dict[str, list[str]] = defaultdict(list)
    for (container, member), role in (roles or {}).items():
        if role == "victim":
            victims[container].append(member)

    incidents = {container for (container, _), role in roles.items() if role == "victim"} if roles else None
    around = _Neighbourhood(kinds, values, members, pairs, incidents)
    empty: dict[str, list[str]] = {}
    normalised: dict[str, tuple[str, ...]] = {}  # record -> the names others may know it by
    for iri, (code, _, _) in kinds.items():
        v = values.get(iri, empty)
        labels = identifying_labels(code, v.get("label", [])) if code != "incident" else []
        normalised[iri] = tuple(filter(None, map(normalise_name, labels + v.get("alias", []) + v.get("platform", []))))

    def linked_names(iris) -> frozenset[str]:
        return frozenset(chain.from_iterable(map(normalised.__getitem__, iris))) if iris else frozenset()

    incident_years: dict[str, list[int]] = {}
    records = []
    for iri in sorted(kinds):
        code, root, _ = kinds[iri]
        review_iri, _, _ = iri.rpartition("/")
        review = values.get(review_iri, empty)
        published = _year(review["publicationYear"][0]) if review.get("publicationYear") else None
        v = values.get(iri, empty)
        if root == INCIDENT:
            records.append(_incident(iri, review_iri, v, members, kinds, normalised,
                                     frozenset(victims.get(iri, ())), review))
            continue
        incidents = around.incidents.get(iri, ())
        years, harms = [], set()
        for incident in incidents:
            known = incident_years.get(incident)
            if known is None:
                w = values[incident]
                known = incident_years[incident] = [_year(d) for d in w.get("dateEarliest", []) + w.get("dateLatest", [])]
            years += known
            harms.update(map(_code, values[incident].get("harmType", ())))
        labels = v.get("label", [])
        records.append(LinkRecord(
            iri=iri, review=review_iri[len(REVIEW):], kind=code, label=labels[0] if labels else _code(iri),
            root=root, names=tuple(dict.fromkeys(labels + v.get("alias", []) + v.get("platform", []))),
            aliases=tuple(v.get("alias", [])),
            gender=_code(v["gender"][0]) if "gender" in v else None,
            birth_months=_birth_months(v, published) if root == PERSON else None,
            area=v["area"][0] if "area" in v else None,
            review_area=review["area"][0] if "area" in review else None,
            years=(min(years), max(years)) if years else None,
            harm_types=frozenset(harms or map(_code, review.get("harmType", []))),
            places=linked_names(around.places.get(iri)),
            people=linked_names(around.people.get(iri)),
            agency=_code(v["agency"][0]) if "agency" in v else None,
            relation=v["relation"][0] if "relation" in v else None,
            events=_events(incidents, values, roles, iri) if roles and root == PERSON else frozenset(),
            outcome=_outcome(values, v) if root == PERSON else None,
            looked_after={"true": True, "false": False}.get(v["lookedAfter"][0]) if "lookedAfter" in v else None,
            published=published))
    return records


__all__ = ["PSEUDONYMOUS_KINDS", "LinkRecord", "normalise_name", "query_records", "review_records"]
