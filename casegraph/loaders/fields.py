"""The review file format, declared once.

The JSON Schema (schema.py), the cross-reference checks (checks.py) and the conversion to
RDF (convert.py) are all driven by these tables, so a field added here is documented,
checked and converted in one step.
"""
from __future__ import annotations

from dataclasses import dataclass

FORMAT_MARKER = "casegraph"
FORMAT_VERSIONS = {"review/1": 1, "review/2": 2}  # marker value -> version number
FORMAT_VERSION = "review/2"  # what casegraph writes, and documents first
CURRENT = FORMAT_VERSIONS[FORMAT_VERSION]
# (?!\n): Python's $ (which the schema validators use) also matches before a final newline, and an
# id becomes an IRI, which cannot hold one; ECMAScript's $ (editors') needs no help
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*(?!\n)$"


@dataclass(frozen=True)
class Field:
    """One key of a review item.

    kind: text | texts | id | year | count | bool | page | date | age | code | codes | class |
          relationship | ref | refs | stays | external-refs | evidence | item | items |
          code-ref (a code of any list, as list/code) | text-file (read by the loader into `text`) |
          confidence (a number from 0 to 1)
    predicate: local name in the cg: namespace (or "rdfs:label"); None when the field is
               turned into RDF specially (id, class, relationship, date, age, evidence).
    scheme: the SKOS concept scheme of a code(s) field, or the class root of a class field.
    targets: the sections a ref(s) field may point into.
    inverse: the triple runs from the referenced item to this one (group members).
    roles: people only: the roles that may have the field (empty: every role); for any other
           role the field is unknown, as a misspelt one is.
    since, until: the format versions that have the field (a field changed in review/2 is two
           fields, one until 1 and one since 2).
    optional_since: the version from which a required field may be left out.
    detail: item(s) and stays fields: the nested section of each value, which becomes a node of
           its own (a cg:Detail) linked by `predicate`; slug names it (<item>/<slug>-<n>).
    detail_class: the class of those nodes, when not the nested section's own.
    detail_predicate: stays only: what links the item to each dated stay; `predicate` is the
           plain edge to the place.
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
    since: int = 1
    until: int | None = None
    optional_since: int | None = None
    detail: Section | None = None
    slug: str = ""
    detail_class: str | None = None
    detail_predicate: str | None = None

    def in_version(self, version: int) -> bool:
        return self.since <= version and (self.until is None or version <= self.until)

    def required_in(self, version: int) -> bool:
        return self.required and not (self.optional_since and version >= self.optional_since)


@dataclass(frozen=True)
class Section:
    name: str
    fields: tuple[Field, ...]
    rdf_class: str | None = None  # fixed class; None when a class field decides it
    description: str = ""
    since: int = 1  # the first format version that has the section

    def field(self, name: str, version: int = CURRENT) -> Field:
        return next(f for f in self.fields if f.name == name and f.in_version(version))

    def fields_for(self, version: int) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.in_version(version))


def _common(*, label: bool = True) -> tuple[Field, ...]:
    fields = (Field("id", "id", required=True, description="local id, unique in the file"),)
    if label:
        fields += (Field("name", "text", "rdfs:label", description="name or pseudonym as written in the review"),)
    return fields


_DESCRIPTION = Field("description", "text", "description", description="short paraphrase")
_CODES = Field("codes", "codes", "codedAs", scheme="framework", description="framework (Table 1) codes")
_EVIDENCE = Field("evidence", "evidence", description="the excerpt this item is coded from")
_WHEN = Field("when", "date", description="partial or approximate date")


def _v2(name: str, kind: str, predicate: str | None = None, **options) -> Field:
    return Field(name, kind, predicate, since=2, **options)


# casegraph draft's proposals: casegraph load refuses a file that still has a proposed item
STATUS = _v2("status", "code", "draftStatus", scheme="draft-status",
             description="proposed: casegraph draft proposed it and no analyst has confirmed it yet (delete the "
                         "line, or write confirmed, once you have read its evidence)")
_CONFIDENCE = _v2("confidence", "confidence", "draftConfidence",
                  description="casegraph draft: how clearly the quoted words state it, 0 to 1")
_TAIL = (_DESCRIPTION, _CODES, _EVIDENCE, STATUS, _CONFIDENCE)

EVIDENCE = Section("evidence", (
    Field("quote", "text", "quote", required=True, description="short quote or paraphrase"),
    Field("page", "page", "page", description="page number or section"),
    Field("paraphrase", "bool", "paraphrase", description="true when quote is a paraphrase"),
    Field("note", "text", "note"),
    _v2("document", "ref", "inDocument", targets=("documents",),
        description="the document whose text start and end count into"),
    _v2("start", "count", "startOffset", description="the quote's first character in the document's text (from 0)"),
    _v2("end", "count", "endOffset", description="the character after its last"),
), rdf_class="Evidence")

_DETAIL_TAIL = (_DESCRIPTION, _EVIDENCE)
_AT_PLACE = Field("place", "ref", "atPlace", targets=("places",), description="place id")
PLACEMENT = Section("placement", (_AT_PLACE, _WHEN) + _DETAIL_TAIL, rdf_class="Placement",
                    description="a period in care (looked after), at a placement where known")
MISSING_EPISODE = Section("missing-episode", (
    Field("count", "count", "episodeCount", description="how many episodes this entry stands for (default 1)"),
    _WHEN) + _DETAIL_TAIL, rdf_class="MissingEpisode", description="one or more missing episodes")
EXCLUSION = Section("exclusion", (
    Field("kind", "code", "exclusionKind", required=True, scheme="exclusion-kind"),
    Field("place", "ref", "atPlace", targets=("places",), description="the school or provision"),
    _WHEN) + _DETAIL_TAIL, rdf_class="Exclusion", description="a school exclusion or managed move")
OUTCOME = Section("outcome", (
    Field("kind", "code", "outcomeKind", required=True, scheme="outcome-kind"),
    _WHEN,
    Field("cause", "text", "cause", description="how, as the review says it"),
    Field("harm_types", "codes", "harmType", scheme="harm-type"),
) + _DETAIL_TAIL, rdf_class="Outcome", description="what happened to the person (died, seriously injured)")
HARM_ROLE = Section("harm-role-period", (
    Field("role", "code", "harmRole", required=True, scheme="harm-role"),
    _WHEN) + _DETAIL_TAIL, rdf_class="HarmRole",
    description="the person's part in harm over a period: victim, perpetrator or both")
STAY = Section("stay", (Field("place", "ref", "atPlace", required=True, targets=("places",),
                              description="place id"), _WHEN) + _DETAIL_TAIL,
               description="a place for a period")
COHORT = Section("cohort", (
    Field("size", "count", "cohortSize", required=True, description="how many young people"),
    Field("description", "text", "description", description='who they are, e.g. "60 young people known to the YOT"'),
    _EVIDENCE), rdf_class="Cohort", description="a thematic review's cohort")
DETAILS: tuple[Section, ...] = (PLACEMENT, MISSING_EPISODE, EXCLUSION, OUTCOME, HARM_ROLE, STAY, COHORT)

VARIABLE = Section("variable", (
    Field("name", "text", "variableName", required=True, description="the variable as the QDA project names it"),
    Field("value", "text", "variableValue", required=True, description="its value, as written"),
), rdf_class="VariableValue", description="an attribute a QDA project's case carries (NVivo's classification attribute)")
CODING = Section("coding", (
    Field("code", "ref", "qdaCode", required=True, targets=("qda_codes",), description="the project code applied"),
    Field("by", "text", "codedBy", description="who applied it (the QDA project's user)"),
    Field("at", "text", "codedAt", description="when, as the project records it (xsd:dateTime)"),
    Field("guid", "text", "qdaGuid", description="the coding's GUID in the QDA project"),
), rdf_class="Coding", description="one project code applied to a passage, by whom and when")
_GUID = _v2("guid", "text", "qdaGuid", description="its GUID in the QDA project it came from")
_VARIABLES = _v2("variables", "items", "hasVariable", detail=VARIABLE, slug="variable",
                 description="other attributes the QDA project's case gives, kept as written")
CODING_DETAILS: tuple[Section, ...] = (VARIABLE, CODING)  # details of imported coding

REVIEW = Section("review", (
    Field("id", "id", required=True, description="review id; becomes the review's IRI and graph name"),
    Field("title", "text", "rdfs:label", required=True),
    Field("year", "year", "publicationYear", required=True, description="publication year"),
    Field("kind", "code", "reviewKind", required=True, scheme="review-kind"),
    Field("harm_types", "codes", "harmType", required=True, scheme="harm-type", min_items=1, optional_since=2),
    _v2("harm_note", "text", "harmNote", description="the harm as the review words it, beside or instead of a code"),
    _v2("level", "code", "reviewLevel", scheme="review-level",
        description="local review, or the national panel's"),
    _v2("authors", "refs", "author", targets=("people",), description="ids of people with role reviewer"),
    _v2("commissioned", "date", description="when the review was commissioned"),
    _v2("published", "date", description="when it was published (month or day where known)"),
    _v2("findings_count", "count", "findingsCount", description="how many findings the review makes"),
    _v2("recommendations_count", "count", "recommendationsCount",
        description="how many recommendations the review makes (whether or not each is coded)"),
    _v2("cohort", "item", "hasCohort", detail=COHORT, slug="cohort", description="a thematic review's cohort"),
    Field("partnership", "text", "partnership", description="safeguarding partnership"),
    Field("area", "text", "area"),
    Field("synthetic", "bool", "synthetic", description="true for generated, not real, data"),
    Field("source", "text", "sourceCitation", description="citation of where the coding comes from"),
    Field("summary", "text", "summary"),
    _v2("project", "text", "qdaProject", description="the QDA project it was coded in (REFI-QDA import)"),
    _GUID, _VARIABLES, _CODES, _EVIDENCE, STATUS, _CONFIDENCE,
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
    _v2("relative_of", "ref", "relativeOf", targets=("people",),
        description="whose relative (default for a family member: the review's one young person)"),
    _v2("ethnicity", "text", "ethnicity", description="ethnicity as the review words it"),
    _v2("ethnicity_code", "code", "ethnicityCode", scheme="ethnicity", description="ONS 2021 census category"),
    _v2("looked_after", "bool", "lookedAfter", description="looked after (in care) at any time in the review"),
    _v2("placements", "items", "hasPlacement", detail=PLACEMENT, slug="placement",
        description="periods in care and where"),
    _v2("send", "bool", "send", description="special educational needs or disabilities"),
    _v2("ehcp", "bool", "ehcp", description="an education, health and care plan"),
    _v2("missing_episodes", "items", "hasMissingEpisode", detail=MISSING_EPISODE, slug="missing"),
    _v2("exclusions", "items", "hasExclusion", detail=EXCLUSION, slug="exclusion"),
    _v2("outcome", "item", "hasOutcome", detail=OUTCOME, slug="outcome"),
    _v2("harm_roles", "items", "hasHarmRole", detail=HARM_ROLE, slug="harm-role",
        description="victim, perpetrator or both, over time"),
    Field("frequents", "refs", "frequents", targets=("places",)),
    Field("lives_at", "ref", "livesAt", targets=("places",), until=1),
    Field("attends", "ref", "attends", targets=("places",), until=1),
    _v2("lives_at", "stays", "livesAt", targets=("places",), detail=STAY, slug="lives-at", detail_class="Residence",
        detail_predicate="hasResidence",
        description="place id, or a list of place ids or {place, when}"),
    _v2("attends", "stays", "attends", targets=("places",), detail=STAY, slug="attends", detail_class="Attendance",
        detail_predicate="hasAttendance",
        description="place id, or a list of place ids or {place, when}: a school, then alternative provision"),
    Field("member_of", "refs", "memberOf", targets=("groups",)),
    _GUID, _VARIABLES,
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
    Field("harm_types", "codes", "harmType", required=True, scheme="harm-type", min_items=1, optional_since=2),
    _v2("harm_note", "text", "harmNote", description="the harm as the review words it"),
    Field("victims", "refs", "hasVictim", required=True, targets=("people",), min_items=1),
    Field("perpetrators", "refs", "hasPerpetrator", targets=("people", "groups")),
    Field("involved", "refs", "involves", targets=("people",)),
    Field("places", "refs", "occurredAt", targets=("places",)),
    _WHEN,
    _v2("same_as", "external-refs", "sameEventAs",
        description="the same event recorded in another review, as review-id/item-id"),
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

# ---- Coding brought in from QDA software (REFI-QDA): the project's own codes, the review's text
# and the passages coded in it. Not records: they are how the review was coded, not what it says
# happened, so they are linked from the review by their own predicates (`link`) and never
# described, drawn or linked across reviews as people and places are.
QDA_CODES = Section("qda_codes", _common() + (
    Field("parent", "ref", "skos:broader", targets=("qda_codes",), description="the code it sits under"),
    Field("stands_for", "code-ref", description="the casegraph code it stands for, as list/code "
                                                "(framework/harm-peers, harm-type/sexual-exploitation)"),
    Field("color", "text", "color", description='"#rrggbb" as the project gives it'),
    Field("codable", "bool", "codable", description="false for a code used only to group others"),
    Field("description", "text", "skos:definition"), _GUID,
), rdf_class="ProjectCode", since=2,
    description="a code of the QDA project's own codebook, kept whole whether or not it maps")
DOCUMENTS = Section("documents", _common() + (
    Field("kind", "text", "documentKind", required=True, description="text or pdf (or picture, audio, video)"),
    Field("text_file", "text-file", description="the document's plain text, a UTF-8 file beside this one; excerpt "
                                           "offsets count characters in it"),
    Field("text", "text", "plainText", description="the plain text itself, in place of text_file"),
    Field("description", "text", "description"), _GUID,
    Field("added", "text", "addedAt", description="when it was added to the QDA project (xsd:dateTime)"),
    Field("codings", "items", "hasCoding", detail=CODING, slug="coding", min_items=1,
          description="project codes applied to the whole document"),
), rdf_class="SourceDocument", since=2,
    description="a document the review's text is in, as the QDA project holds it")
EXCERPTS = Section("excerpts", (
    Field("id", "id", required=True, description="local id, unique in the file"),
    Field("document", "ref", "inDocument", required=True, targets=("documents",)),
    Field("start", "count", "startOffset", required=True, description="first character, counting from 0"),
    Field("end", "count", "endOffset", required=True, description="the character after the last"),
    Field("quote", "text", "quote", required=True, description="the document's text from start to end, exactly"),
    Field("codings", "items", "hasCoding", detail=CODING, slug="coding", min_items=1),
    Field("about", "refs", "about", targets=("people",), description="the people (QDA cases) it is about"),
    Field("name", "text", "rdfs:label"), Field("note", "text", "note"), _GUID, STATUS, _CONFIDENCE,
), rdf_class="CodedExcerpt", since=2,
    description="a coded passage: evidence at character offsets into a document")
CODING_SECTIONS: tuple[Section, ...] = (QDA_CODES, DOCUMENTS, EXCERPTS)
ALL_SECTIONS: tuple[Section, ...] = ITEM_SECTIONS + CODING_SECTIONS


def sections_for(version: int) -> tuple[Section, ...]:
    """The list sections a `review/N` file may have."""
    return tuple(section for section in ALL_SECTIONS if section.since <= version)
CODING_LINKS = {"qda_codes": "hasProjectCode", "documents": "hasDocument", "excerpts": "hasExcerpt"}
STANDS_FOR_LISTS = {"framework": "codedAs", "harm-type": "harmType", "context-type": "contextType",
                    "response-kind": "responseKind", "Person": "aboutRole"}  # list -> what an excerpt gets

CASE_CLOSURE = "case-closure"
REVIEWER = "reviewer"  # the person role the review's authors have
FAMILY_MEMBER = "family-member"
YOUNG_PERSON = "young-person"

