"""The review file format, declared once.

The JSON Schema (schema.py), the cross-reference checks (checks.py) and the conversion to
RDF (convert.py) are all driven by these tables, so a field added here is documented,
checked and converted in one step.
"""
from __future__ import annotations

from dataclasses import dataclass

FORMAT_MARKER = "casegraph"
FORMAT_VERSION = "review/1"
# (?!\n): Python's $ (which the schema validators use) also matches before a final newline, and an
# id becomes an IRI, which cannot hold one; ECMAScript's $ (editors') needs no help
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*(?!\n)$"


@dataclass(frozen=True)
class Field:
    """One key of a review item.

    kind: text | texts | id | year | bool | page | date | age | code | codes | class |
          relationship | ref | refs | evidence
    predicate: local name in the cg: namespace (or "rdfs:label"); None when the field is
               turned into RDF specially (id, class, relationship, date, age, evidence).
    scheme: the SKOS concept scheme of a code(s) field, or the class root of a class field.
    targets: the sections a ref(s) field may point into.
    inverse: the triple runs from the referenced item to this one (group members).
    roles: people only: the roles that may have the field (empty: every role); for any other
           role the field is unknown, as a misspelt one is.
    """

    name: str
    kind: str
    predicate: str | None = None
    required: bool = False
    scheme: str | None = None
    targets: tuple[str, ...] = ()
    min_items: int = 0
    inverse: bool = False
    description: str = ""
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    name: str
    fields: tuple[Field, ...]
    rdf_class: str | None = None  # fixed class; None when a class field decides it
    description: str = ""

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def _common(*, label: bool = True) -> tuple[Field, ...]:
    fields = (Field("id", "id", required=True, description="local id, unique in the file"),)
    if label:
        fields += (Field("name", "text", "rdfs:label", description="name or pseudonym as written in the review"),)
    return fields


_DESCRIPTION = Field("description", "text", "description", description="short paraphrase")
_CODES = Field("codes", "codes", "codedAs", scheme="framework", description="framework (Table 1) codes")
_EVIDENCE = Field("evidence", "evidence", description="the excerpt this item is coded from")
_WHEN = Field("when", "date", description="partial or approximate date")
_TAIL = (_DESCRIPTION, _CODES, _EVIDENCE)

EVIDENCE = Section("evidence", (
    Field("quote", "text", "quote", required=True, description="short quote or paraphrase"),
    Field("page", "page", "page", description="page number or section"),
    Field("paraphrase", "bool", "paraphrase", description="true when quote is a paraphrase"),
    Field("note", "text", "note"),
), rdf_class="Evidence")

REVIEW = Section("review", (
    Field("id", "id", required=True, description="review id; becomes the review's IRI and graph name"),
    Field("title", "text", "rdfs:label", required=True),
    Field("year", "year", "publicationYear", required=True, description="publication year"),
    Field("kind", "code", "reviewKind", required=True, scheme="review-kind"),
    Field("harm_types", "codes", "harmType", required=True, scheme="harm-type", min_items=1),
    Field("partnership", "text", "partnership", description="safeguarding partnership"),
    Field("area", "text", "area"),
    Field("synthetic", "bool", "synthetic", description="true for generated, not real, data"),
    Field("source", "text", "sourceCitation", description="citation of where the coding comes from"),
    Field("summary", "text", "summary"),
    _CODES, _EVIDENCE,
), rdf_class="Review")

PEOPLE = Section("people", _common() + (
    Field("role", "class", required=True, scheme="Person"),
    Field("aliases", "texts", "alias"),
    Field("gender", "code", "gender", scheme="gender"),
    Field("age", "age", description='age or age band: 14, "about 14", "14-15"'),
    Field("age_at", "date", description="when the age held"),
    Field("born", "date"),
    Field("area", "text", "area"),
    Field("agency", "code", "agency", scheme="agency", description="professionals: their agency",
          roles=("professional",)),
    Field("relation", "text", "relation", description="family members: relation to the young person"),
    Field("frequents", "refs", "frequents", targets=("places",)),
    Field("lives_at", "ref", "livesAt", targets=("places",)),
    Field("attends", "ref", "attends", targets=("places",)),
    Field("member_of", "refs", "memberOf", targets=("groups",)),
) + _TAIL)

GROUPS = Section("groups", _common() + (
    Field("kind", "class", required=True, scheme="Group"),
    Field("members", "refs", "memberOf", targets=("people",), inverse=True),
) + _TAIL)

PLACES = Section("places", _common() + (
    Field("kind", "class", required=True, scheme="Place"),
    Field("area", "text", "area"),
    Field("platform", "text", "platform", description="online spaces: the platform"),
) + _TAIL)

RELATIONSHIPS = Section("relationships", _common(label=False) + (
    Field("from", "ref", "rdf:subject", required=True, targets=("people",)),
    Field("to", "ref", "rdf:object", required=True, targets=("people",)),
    Field("kind", "relationship", required=True),
) + _TAIL, rdf_class="Relationship")

INCIDENTS = Section("incidents", _common() + (
    Field("harm_types", "codes", "harmType", required=True, scheme="harm-type", min_items=1),
    Field("victims", "refs", "hasVictim", required=True, targets=("people",), min_items=1),
    Field("perpetrators", "refs", "hasPerpetrator", targets=("people", "groups")),
    Field("involved", "refs", "involves", targets=("people",)),
    Field("places", "refs", "occurredAt", targets=("places",)),
    _WHEN,
) + _TAIL, rdf_class="Incident")

CONTEXTS = Section("contexts", _common() + (
    Field("dynamic", "class", required=True, scheme="ContextAssociation", description="harm or safety"),
    Field("context", "code", "contextType", required=True, scheme="context-type"),
    Field("young_person", "ref", "concernsYoungPerson", targets=("people",)),
    Field("places", "refs", "contextPlace", targets=("places",)),
    Field("people", "refs", "contextParticipant", targets=("people", "groups")),
) + _TAIL)

RESPONSES = Section("responses", _common() + (
    Field("agency", "code", "agency", required=True, scheme="agency"),
    Field("kind", "code", "responseKind", required=True, scheme="response-kind"),
    Field("target", "code", "targetLevel", required=True, scheme="response-target"),
    Field("targets", "refs", "targets", targets=("people", "groups", "places")),
    Field("responds_to", "refs", "respondsTo", targets=("incidents",)),
    _WHEN,
    Field("closure_reason", "code", "closureReason", scheme="closure-reason",
          description="required when kind is case-closure"),
) + _TAIL, rdf_class="ProfessionalResponse")

CHALLENGES = Section("challenges", _common() + (
    Field("by", "code", "challengedBy", required=True, scheme="agency"),
    Field("of", "code", "challengedAgency", required=True, scheme="agency"),
    Field("topic", "code", "challengeTopic", required=True, scheme="challenge-topic"),
    Field("about", "refs", "challengesResponse", targets=("responses",)),
    _WHEN,
) + _TAIL, rdf_class="Challenge")

RECOMMENDATIONS = Section("recommendations", _common() + (
    Field("level", "code", "recommendationLevel", required=True, scheme="recommendation-level"),
    Field("themes", "codes", "recommendationTheme", scheme="recommendation-theme"),
    Field("text", "text", "recommendationText", required=True),
) + _TAIL, rdf_class="Recommendation")

ITEM_SECTIONS: tuple[Section, ...] = (PEOPLE, GROUPS, PLACES, RELATIONSHIPS, INCIDENTS, CONTEXTS,
                                      RESPONSES, CHALLENGES, RECOMMENDATIONS)
CASE_CLOSURE = "case-closure"
