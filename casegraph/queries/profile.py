"""What one stored review is, read from its own graph: title, year, kind, authors, harm types, the
people by role, places, incidents in date order, responses and counts (`casegraph show`).

Every property is optional, so a review of format 1 reads as well as one of format 2 (authors,
level, dates of publication and commissioning, stated counts, cohort, ethnicity, outcomes). The
review's graph is bound as a parameter (?review), never written into the query text. Classes and
codes are labelled from the ontology (`vocabulary().label`); records are counted once, under
their most specific class, so superclasses (person, record) and alignments outside the ontology's
records (prov:Entity, which evidence excerpts are typed with and which once showed as "Entity")
never appear as rows.

    with ReviewStore.open(path) as store:
        profile = review_profile(store, "scr-30-2016")
    profile.people["young person"][0].name   # 'Child M'
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

from casegraph.graph.store import ReviewStore
from casegraph.ontology import CG, Vocabulary, review_iri, short_id, vocabulary

RECORD = CG + "Record"
# The order of the people's roles in a profile: the young people the review is about first.
ROLE_ORDER = ("young-person", "family-member", "peer", "unconnected-adult", "professional")


def _agency(term, label: str | None) -> str | None:
    """A professional's agency as a profile line reads it: "agency not stated" rather than a bare
    "Not stated" beside their name."""
    return "agency not stated" if term is not None and term.value.endswith("/agency/not-stated") else label


@dataclass(frozen=True)
class Code:
    """A code of a code list (or a class's notation) and its label."""

    code: str
    label: str


@dataclass(frozen=True)
class PersonEntry:
    id: str
    name: str
    gender: str | None = None
    age: str | None = None  # as the review words it: "about 14", "14-15"
    ethnicity: str | None = None  # as the review words it, else the ethnicity code's label
    outcome: str | None = None  # the outcome kinds' labels ("died"), joined
    looked_after: bool | None = None
    agency: str | None = None  # professionals: their agency's label


@dataclass(frozen=True)
class GroupEntry:
    id: str
    name: str
    kind: str
    members: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlaceEntry:
    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class IncidentEntry:
    id: str
    date: str | None  # as written ("early 2015"); None when the review gives none
    earliest: str | None  # ISO date, the sort key (None: undated, or only an age)
    harm_types: list[str]
    victims: list[str]
    perpetrators: list[str]
    places: list[str]
    harm_note: str | None = None
    same_as: list[str] = field(default_factory=list)  # review-id/item-id of the same event told elsewhere


@dataclass(frozen=True)
class ReviewProfile:
    id: str
    title: str
    year: int | None
    kind: Code | None
    level: Code | None = None
    partnership: str | None = None
    area: str | None = None
    synthetic: bool = False
    source: str | None = None  # the citation the coding comes from
    summary: str | None = None
    published: str | None = None
    commissioned: str | None = None
    stated_findings: int | None = None  # counts the review itself states (review/2)
    stated_recommendations: int | None = None
    cohort_size: int | None = None
    cohort_description: str | None = None
    harm_types: list[Code] = field(default_factory=list)
    harm_note: str | None = None
    authors: list[str] = field(default_factory=list)
    people: dict[str, list[PersonEntry]] = field(default_factory=dict)  # role label -> people
    groups: list[GroupEntry] = field(default_factory=list)
    places: list[PlaceEntry] = field(default_factory=list)
    incidents: list[IncidentEntry] = field(default_factory=list)
    responses: dict[str, int] = field(default_factory=dict)  # agency label -> responses
    recommendations: int = 0  # recommendations coded as records
    recommendations_by_level: dict[str, int] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)  # most specific class label -> records
    triples: int = 0
    loaded_from: str = ""
    loaded_at: str = ""

    @property
    def people_count(self) -> int:
        return sum(len(people) for people in self.people.values())

    def to_dict(self) -> dict:
        """Plain data for JSON."""
        return asdict(self)


REVIEW_PROPERTIES = "SELECT ?review ?property ?value WHERE { GRAPH ?review { ?review ?property ?value } }"

AUTHORS = """SELECT ?review ?author ?name WHERE { GRAPH ?review {
  ?review cg:author ?author . OPTIONAL { ?author rdfs:label ?name } } }"""

COHORT = """SELECT ?review ?size ?description WHERE { GRAPH ?review {
  ?review cg:hasCohort ?cohort .
  OPTIONAL { ?cohort cg:cohortSize ?size }
  OPTIONAL { ?cohort cg:description ?description } } }"""

TYPES = "SELECT ?review ?node ?class WHERE { GRAPH ?review { ?node a ?class } }"

NAMES = "SELECT ?review ?node ?name WHERE { GRAPH ?review { ?node rdfs:label ?name } }"

PEOPLE = """SELECT ?review ?person ?gender ?age ?ethnicity ?ethnicityCode ?lookedAfter ?agency
WHERE { GRAPH ?review {
  ?person a cg:Person .
  OPTIONAL { ?person cg:gender ?gender }
  OPTIONAL { ?person cg:ageText ?age }
  OPTIONAL { ?person cg:ethnicity ?ethnicity }
  OPTIONAL { ?person cg:ethnicityCode ?ethnicityCode }
  OPTIONAL { ?person cg:lookedAfter ?lookedAfter }
  OPTIONAL { ?person cg:agency ?agency } } }"""

OUTCOMES = """SELECT ?review ?person ?kind WHERE { GRAPH ?review {
  ?person cg:hasOutcome ?outcome . ?outcome cg:outcomeKind ?kind } }"""

MEMBERS = """SELECT ?review ?group ?member WHERE { GRAPH ?review {
  ?group a cg:Group . ?member cg:memberOf ?group } }"""

INCIDENTS = """SELECT ?review ?incident ?when ?earliest ?latest ?note ?link ?target WHERE { GRAPH ?review {
  ?incident a cg:Incident .
  OPTIONAL { ?incident cg:dateText ?when }
  OPTIONAL { ?incident cg:dateEarliest ?earliest }
  OPTIONAL { ?incident cg:dateLatest ?latest }
  OPTIONAL { ?incident cg:harmNote ?note }
  OPTIONAL { VALUES ?link { cg:harmType cg:hasVictim cg:hasPerpetrator cg:occurredAt cg:sameEventAs }
             ?incident ?link ?target } } }"""

RESPONSES = """SELECT ?review ?agency (COUNT(DISTINCT ?response) AS ?count) WHERE { GRAPH ?review {
  ?response a cg:ProfessionalResponse . OPTIONAL { ?response cg:agency ?agency } } }
GROUP BY ?review ?agency"""

RECOMMENDATIONS = """SELECT ?review ?level (COUNT(DISTINCT ?recommendation) AS ?count) WHERE { GRAPH ?review {
  ?recommendation a cg:Recommendation . OPTIONAL { ?recommendation cg:recommendationLevel ?level } } }
GROUP BY ?review ?level"""


def review_profile(store: ReviewStore, review_id: str) -> ReviewProfile:
    """The profile of one stored review (ReviewNotFound, naming the closest id, if not stored)."""
    summary = store.summary(review_id)
    reader = _Reader(store, review_id, vocabulary())
    vocab, about = reader.vocab, reader.review_properties()
    size, cohort_text = reader.cohort()
    kind, level = about.get(CG + "reviewKind"), about.get(CG + "reviewLevel")
    recommendations = reader.counts(RECOMMENDATIONS, "level")
    return ReviewProfile(
        id=review_id, title=summary.title, year=summary.year,
        kind=_code(vocab, kind[0]) if kind else None, level=_code(vocab, level[0]) if level else None,
        partnership=_first(about, "partnership"), area=_first(about, "area"),
        synthetic=_first(about, "synthetic") == "true", source=_first(about, "sourceCitation"),
        summary=_first(about, "summary"), published=_first(about, "publishedText"),
        commissioned=_first(about, "commissionedText"),
        stated_findings=_integer(_first(about, "findingsCount")),
        stated_recommendations=_integer(_first(about, "recommendationsCount")),
        cohort_size=size, cohort_description=cohort_text,
        harm_types=sorted((_code(vocab, h) for h in about.get(CG + "harmType", [])), key=lambda c: c.label),
        harm_note=_first(about, "harmNote"), authors=sorted(reader.authors.values(), key=str.casefold),
        people=reader.people(), groups=reader.groups(), places=reader.places(), incidents=reader.incidents(),
        responses=reader.counts(RESPONSES, "agency"), recommendations=sum(recommendations.values()),
        recommendations_by_level=recommendations, records=reader.record_counts(), triples=summary.triples,
        loaded_from=summary.source, loaded_at=summary.loaded_at)


class _Reader:
    """The queries of one profile, each run on the review's own graph; the records' classes, their
    names and the review's authors are read once, for every part that needs them."""

    def __init__(self, store: ReviewStore, review_id: str, vocab: Vocabulary):
        self.store, self.review_id, self.vocab = store, review_id, vocab
        self.base = review_iri(review_id)
        self._review = {ox.Variable("review"): ox.NamedNode(self.base)}
        self.classes = self._most_specific_classes()
        self.names: dict[str, str] = {}
        for row in self.rows(NAMES):  # the first name in order, should a record have two
            node, name = row["node"].value, row["name"].value
            self.names[node] = min(name, self.names.get(node, name))
        self.authors = {row["author"].value: self.name(row["author"].value) for row in self.rows(AUTHORS)}

    def rows(self, sparql: str):
        return self.store.query(sparql, reviews=[self.review_id], substitutions=self._review)

    def local(self, iri: str) -> str:
        """The item id of one of the review's records (the IRI itself for anything else)."""
        return iri[len(self.base) + 1:] if iri.startswith(self.base + "/") else iri

    def name(self, iri: str) -> str:
        """A record's name, or its item id when it has none."""
        return self.names.get(iri) or self.local(iri)

    def label(self, term) -> str | None:
        return None if term is None else self.vocab.label(term.value)

    def review_properties(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        for row in self.rows(REVIEW_PROPERTIES):
            found[row["property"].value].append(row["value"].value)
        return found

    def _most_specific_classes(self) -> dict[str, str]:
        """Each record's most specific record class. Nodes that are not records (the review,
        evidence excerpts, details such as outcomes) are left out, and so are classes that are
        not records' (prov:Entity, rdf:Statement)."""
        types: dict[str, set[str]] = defaultdict(set)
        for row in self.rows(TYPES):
            types[row["node"].value].add(row["class"].value)
        supers = self.vocab.superclasses
        chosen = {}
        for node, classes in types.items():
            records = {c for c in classes if RECORD in supers.get(c, ())}
            if not records:
                continue
            specific = [c for c in records if not any(c in supers[o] for o in records if o != c)]
            chosen[node] = min(specific, key=lambda c: (-len(supers[c]), self.vocab.label(c)))
        return chosen

    def of_kind(self, root: str) -> dict[str, str]:
        """The records under one class root ("Group", "Place"), each with its most specific class."""
        return {iri: cls for iri, cls in self.classes.items() if CG + root in self.vocab.superclasses[cls]}

    def record_counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for cls in self.classes.values():
            counts[self.vocab.label(cls)] += 1
        return _by_count(counts)

    def cohort(self) -> tuple[int | None, str | None]:
        for row in self.rows(COHORT):
            return _integer(_value(row["size"])), _value(row["description"])
        return None, None

    def people(self) -> dict[str, list[PersonEntry]]:
        outcomes: dict[str, set[str]] = defaultdict(set)
        for row in self.rows(OUTCOMES):
            outcomes[row["person"].value].add(self.vocab.label(row["kind"].value))
        by_role: dict[str, dict[str, PersonEntry]] = defaultdict(dict)
        for row in self.rows(PEOPLE):
            iri = row["person"].value
            role = self.classes.get(iri, CG + "Person")
            if iri in self.authors or iri in by_role.get(role, {}):
                continue  # an author (shown as one), or a second value of a property that should have one
            looked_after = _value(row["lookedAfter"])
            by_role[role][iri] = PersonEntry(
                self.local(iri), self.name(iri), gender=self.label(row["gender"]), age=_value(row["age"]),
                ethnicity=_value(row["ethnicity"]) or self.label(row["ethnicityCode"]),
                outcome=", ".join(sorted(outcomes[iri])) or None,
                looked_after=None if looked_after is None else looked_after == "true",
                agency=_agency(row["agency"], self.label(row["agency"])))
        order = {self.vocab.class_codes["Person"].get(code): n for n, code in enumerate(ROLE_ORDER)}
        roles = sorted(by_role, key=lambda role: (order.get(role, len(order)), self.vocab.label(role)))
        return {self.vocab.label(role): sorted(by_role[role].values(), key=_by_name) for role in roles}

    def groups(self) -> list[GroupEntry]:
        members: dict[str, set[str]] = defaultdict(set)
        for row in self.rows(MEMBERS):
            members[row["group"].value].add(self.name(row["member"].value))
        return sorted((GroupEntry(self.local(iri), self.name(iri), self.vocab.label(cls),
                                  sorted(members[iri], key=str.casefold))
                       for iri, cls in self.of_kind("Group").items()), key=_by_name)

    def places(self) -> list[PlaceEntry]:
        return sorted((PlaceEntry(self.local(iri), self.name(iri), self.vocab.label(cls))
                       for iri, cls in self.of_kind("Place").items()), key=_by_name)

    def incidents(self) -> list[IncidentEntry]:
        found: dict[str, dict] = {}
        for row in self.rows(INCIDENTS):
            entry = found.setdefault(row["incident"].value, {
                "date": _value(row["when"]), "earliest": _value(row["earliest"]), "latest": _value(row["latest"]),
                "note": _value(row["note"]), **{link: set() for link in _LINKS}})
            if row["link"] is not None:
                link, target = row["link"].value, row["target"].value
                entry[link].add(self.vocab.label(target) if link == CG + "harmType"
                                else short_id(target) if link == SAME_EVENT else self.name(target))
        incidents = [IncidentEntry(self.local(iri), e["date"], e["earliest"] or e["latest"],
                                   *(sorted(e[link], key=str.casefold) for link in _LINKS[:4]),
                                   harm_note=e["note"], same_as=sorted(e[SAME_EVENT]))
                     for iri, e in found.items()]
        # By earliest date (or latest, for a date open at its start), undated last, then by id.
        return sorted(incidents, key=lambda i: (i.earliest is None, i.earliest or "", i.id))

    def counts(self, sparql: str, column: str) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for row in self.rows(sparql):
            counts[self.label(row[column]) or "not recorded"] += int(row["count"].value)
        return _by_count(counts)


SAME_EVENT = CG + "sameEventAs"
_LINKS = (CG + "harmType", CG + "hasVictim", CG + "hasPerpetrator", CG + "occurredAt", SAME_EVENT)


def _by_count(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _code(vocab: Vocabulary, iri: str) -> Code:
    scheme_code = vocab.concepts.get(iri)
    return Code(scheme_code[1] if scheme_code else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1], vocab.label(iri))


def _first(about: dict[str, list[str]], local: str) -> str | None:
    values = about.get(CG + local)
    return sorted(values)[0] if values else None


def _value(term) -> str | None:
    return None if term is None else term.value


def _integer(text: str | None) -> int | None:
    return int(text) if text is not None and text.lstrip("-").isdigit() else None


def _by_name(entry) -> tuple[str, str]:
    return entry.name.casefold(), entry.id

