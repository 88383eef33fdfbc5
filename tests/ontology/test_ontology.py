"""The ontology is the contract: complete labels and definitions, the study's code lists, the
CIN alignments, and SHACL shapes that the loaders' output satisfies."""
from __future__ import annotations

import pyshacl
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from casegraph.loaders import load
from casegraph.loaders.fields import ITEM_SECTIONS, REVIEW
from casegraph.ontology import CG, CODE, CODES_FILE, ONTOLOGY_FILE, SHAPES_FILE, vocabulary
from casegraph.synthetic import generate_corpus
from tests.conftest import DATA, EXAMPLES, MINIMAL

REVIEW2_TERMS = DATA / "rdf" / "review2-terms.ttl"
TABLE3 = {"criminal-exploitation", "sexual-exploitation", "drug-misuse", "harmful-sexual-behaviour",
          "peer-on-peer-abuse", "radicalisation", "intimate-partner-abuse", "suicide", "serious-youth-violence"}
BEYOND_TABLE3 = {"harm-by-professionals", "accident", "victim-of-crime", "not-stated"}


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in (ONTOLOGY_FILE, CODES_FILE):
        graph.parse(path, format="turtle")
    return graph


def terms(graph: rdflib.Graph):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, SKOS.Concept,
             SKOS.ConceptScheme)
    return {s for kind in kinds for s in graph.subjects(RDF.type, kind)
            if isinstance(s, rdflib.URIRef) and (str(s).startswith(CG) or str(s).startswith(CODE))}


def test_every_term_has_a_label_and_a_definition(ontology):
    found = terms(ontology)
    assert len(found) > 150
    unlabelled = [t for t in found if not (ontology.value(t, RDFS.label) or ontology.value(t, SKOS.prefLabel))]
    undefined = [t for t in found if not ontology.value(t, SKOS.definition)]
    assert not unlabelled and not undefined


def test_every_concept_is_in_exactly_one_scheme(ontology):
    for concept in ontology.subjects(RDF.type, SKOS.Concept):
        assert len(set(ontology.objects(concept, SKOS.inScheme))) == 1, concept


def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES_FILE)


def conformance(data: rdflib.Graph, ontology: rdflib.Graph) -> tuple[bool, str]:
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes(), ont_graph=ontology, inference="rdfs")
    return conforms, text


def test_study_tables_are_the_code_lists(ontology):
    vocab = vocabulary()
    harm = vocab.schemes["harm-type"]
    assert TABLE3 <= set(harm)
    tops = {code for code, iri in harm.items() if iri not in vocab.broader}
    assert TABLE3 <= tops
    assert tops == TABLE3 | BEYOND_TABLE3  # Table 3 and casegraph's four, marked as casegraph's
    casegraph = rdflib.Literal("casegraph")
    assert {code for code in tops if casegraph in set(ontology.objects(rdflib.URIRef(harm[code]), DCTERMS.source))} \
        == BEYOND_TABLE3
    framework = vocab.schemes["framework"]
    children = {top: [c for c, iri in framework.items() if vocab.broader.get(iri) == {framework[top]}]
                for top in ("contextual-dynamics-of-harm", "contextual-dynamics-of-safety",
                            "professional-responses", "approach-of-review")}
    assert [len(v) for v in children.values()] == [8, 8, 7, 6]


@pytest.mark.parametrize("harm, cin", [("sexual-exploitation", "11A"), ("criminal-exploitation", "24A")])
def test_harm_types_map_to_cin_census_factors(ontology, harm, cin):
    concept = rdflib.URIRef(f"{CODE}harm-type/{harm}")
    assert rdflib.URIRef(f"{CODE}cin-factor/{cin}") in set(ontology.objects(concept, SKOS.exactMatch))


def test_every_coded_field_has_codes_in_the_ontology():
    vocab = vocabulary()
    sections = [REVIEW, *ITEM_SECTIONS]
    for section in sections:
        for field in section.fields:
            nested = getattr(field, "detail", None)  # review/2: a field whose values are details
            if nested is not None and nested not in sections:
                sections.append(nested)
            if field.scheme:
                assert vocab.codes(field.scheme), f"{section.name}.{field.name}: {field.scheme} has no codes"
    assert set(vocab.relationship_codes) == {"friend", "intimate-partner", "relative", "associate", "acquaintance"}


def test_superclasses_come_from_the_ontology():
    vocab = vocabulary()
    assert CG + "Person" in vocab.superclasses[CG + "YoungPerson"]
    assert CG + "Place" in vocab.superclasses[CG + "Park"]


def test_loader_output_conforms_to_the_shapes(tmp_path, ontology):
    """YAML is checked field by field before conversion; the RDF it becomes must also satisfy
    the SHACL shapes, so both routes into the store mean the same thing by 'valid'."""
    generate_corpus(tmp_path, 4, seed=11)
    files = [MINIMAL, *sorted(EXAMPLES.glob("*.yaml")), *sorted((tmp_path / "reviews").glob("*.yaml")),
             *sorted((DATA / "qda" / "coded").glob("*.yaml"))]
    data = rdflib.Graph()
    for path in files:
        data.parse(data="".join(f"{q.triple} .\n" for q in load(path).quads), format="nt")
    conforms, _, text = pyshacl.validate(data, shacl_graph=rdflib.Graph().parse(SHAPES_FILE),
                                         ont_graph=ontology, inference="rdfs")
    assert conforms, text


# ---- review/2 --------------------------------------------------------------------------------

NEW_CODES = {  # scheme -> codes review/2 adds (all of a new scheme's)
    "harm-type": {"harm-by-professionals", "intimate-search", "restraint", "adultification", "accident",
                  "road-collision", "victim-of-crime", "not-stated"},
    "agency": {"not-stated"},
    "response-kind": {"school-exclusion", "fixed-term-exclusion", "permanent-exclusion", "managed-move",
                      "alternative-provision", "stop-and-search", "arrest", "charge", "bail", "remand", "sentence",
                      "police-operation", "disruption-notice", "child-abduction-warning-notice", "nrm-referral",
                      "return-home-interview", "youth-offending-order", "training-and-policy-change",
                      "not-stated"},
    "response-target": {"not-stated"},
    "closure-reason": {"not-stated"},
    "challenge-topic": {"not-stated"},
    "recommendation-level": {"not-stated"},
    "context-type": {"not-stated"},
    "review-level": {"local", "national", "not-stated"},
    "exclusion-kind": {"fixed-term", "permanent", "managed-move", "alternative-provision", "not-stated"},
    "outcome-kind": {"died", "seriously-injured", "seriously-harmed", "not-stated"},
    "harm-role": {"victim", "perpetrator", "both"},
}
NEW_SCHEMES = {"review-level", "ethnicity", "exclusion-kind", "outcome-kind", "harm-role"}
BROADER = {  # review/2 narrower concept -> its broader one, scheme by scheme
    "harm-type": {"intimate-search": "harm-by-professionals", "restraint": "harm-by-professionals",
                  "adultification": "harm-by-professionals", "road-collision": "accident"},
    "response-kind": {"fixed-term-exclusion": "school-exclusion", "permanent-exclusion": "school-exclusion",
                      "managed-move": "school-exclusion", "alternative-provision": "school-exclusion",
                      "disruption-notice": "disruption", "child-abduction-warning-notice": "disruption-notice",
                      "nrm-referral": "referral"},
}


@pytest.mark.parametrize("scheme", sorted(NEW_CODES))
def test_review2_codes_are_in_their_schemes(scheme):
    codes = set(vocabulary().schemes[scheme])
    if scheme in NEW_SCHEMES:
        assert codes == NEW_CODES[scheme]
    else:
        assert NEW_CODES[scheme] <= codes


@pytest.mark.parametrize("scheme", sorted(BROADER))
def test_review2_narrower_codes_sit_under_their_broader_ones(scheme):
    vocab = vocabulary()
    concepts = vocab.schemes[scheme]
    for narrow, broad in BROADER[scheme].items():
        assert concepts[broad] in vocab.broader[concepts[narrow]], (narrow, broad)


@pytest.mark.parametrize("scheme", ["agency", "response-kind", "response-target", "closure-reason", "challenge-topic",
                                    "recommendation-level", "context-type", "harm-type", "review-level", "ethnicity",
                                    "exclusion-kind", "outcome-kind"])
def test_schemes_of_required_fields_have_not_stated(scheme):
    vocab = vocabulary()
    concept = vocab.schemes[scheme].get("not-stated")
    assert concept and concept not in vocab.broader  # a top concept, under nothing


def test_every_top_concept_is_declared_both_ways(ontology):
    for scheme in ontology.subjects(RDF.type, SKOS.ConceptScheme):
        assert set(ontology.objects(scheme, SKOS.hasTopConcept)) == set(ontology.subjects(SKOS.topConceptOf, scheme)), \
            scheme


def test_broader_and_narrower_are_declared_both_ways(ontology):
    broader = set(ontology.subject_objects(SKOS.broader))
    narrower = {(n, b) for b, n in ontology.subject_objects(SKOS.narrower)}
    assert broader == narrower


def test_ethnicity_is_the_ons_2021_classification():
    vocab = vocabulary()
    ethnicity = vocab.schemes["ethnicity"]
    groups = {"asian", "black", "mixed", "white", "other"}
    tops = {code for code, iri in ethnicity.items() if iri not in vocab.broader}
    assert tops == groups | {"not-stated"}
    categories = {code: {c for c, iri in ethnicity.items() if iri in vocab.broader.get(ethnicity[code], ())}
                  for code in ethnicity if code not in tops}
    assert len(categories) == 19
    assert all(len(above) == 1 and above <= groups for above in categories.values())
    per_group = {group: sorted(c for c, above in categories.items() if above == {group}) for group in groups}
    assert {group: len(codes) for group, codes in per_group.items()} == \
        {"asian": 5, "black": 3, "mixed": 4, "white": 5, "other": 2}


def test_exclusion_kinds_match_response_kinds(ontology):
    vocab = vocabulary()
    responses = set(vocab.schemes["response-kind"].values())
    for code, iri in vocab.schemes["exclusion-kind"].items():
        matches = set(map(str, ontology.objects(rdflib.URIRef(iri), SKOS.exactMatch)))
        if code == "not-stated":  # an exclusion of some kind: broader than each, equal to none
            assert not matches
            continue
        assert len(matches) == 1 and matches <= responses, code
        (match,) = matches
        assert vocab.schemes["response-kind"]["school-exclusion"] in vocab.broader[match]
        assert rdflib.URIRef(iri) in set(ontology.objects(rdflib.URIRef(match), SKOS.exactMatch))  # both ways


def test_review2_response_kinds_are_framed_where_table1_fits():
    vocab = vocabulary()
    kinds, framework = vocab.schemes["response-kind"], vocab.schemes["framework"]
    framed = {code: vocab.framed_as.get(iri) for code, iri in kinds.items()}
    for code in ("stop-and-search", "arrest", "charge", "bail", "remand", "sentence", "police-operation",
                 "disruption-notice", "child-abduction-warning-notice", "youth-offending-order"):
        assert framed[code] == framework["criminal-justice-intervention"], code
    assert framed["return-home-interview"] == framework["support-to-individual"]
    assert framed["not-stated"] is None and framed["training-and-policy-change"] is None
    not_stated = [vocab.schemes[s]["not-stated"] for s in ("agency", "response-target", "context-type")]
    assert not any(c in vocab.framed_as or c in vocab.harm_coding or c in vocab.safety_coding for c in not_stated)


def test_review2_classes_carry_their_codes():
    vocab = vocabulary()
    assert vocab.class_codes["Person"]["reviewer"] == CG + "Reviewer"
    assert vocab.class_codes["Place"]["alternative-provision"] == CG + "AlternativeProvision"
    assert CG + "School" in vocab.superclasses[CG + "AlternativeProvision"]
    assert vocab.class_codes["Place"]["secure-setting"] == CG + "SecureSetting"
    assert CG + "AccommodationOrService" in vocab.superclasses[CG + "SecureSetting"]
    details = ("Placement", "MissingEpisode", "Exclusion", "Outcome", "HarmRole", "Attendance", "Residence", "Cohort")
    for name in details:
        assert vocab.superclasses[CG + name] == {CG + name, CG + "Detail"}  # a detail, not a record


def test_shapes_code_lists_are_the_schemes():
    """Each sh:in list of concepts holds one whole scheme, so no code the ontology has is refused
    and none it lacks is accepted."""
    vocab = vocabulary()
    graph = shapes()
    checked = 0
    for node in graph.objects(None, SH["in"]):
        members = [str(m) for m in Collection(graph, node)]
        if not all(m in vocab.concepts for m in members):
            assert not any(m in vocab.concepts for m in members), members  # classes or properties, not codes
            continue
        schemes = {vocab.concepts[m][0] for m in members}
        assert len(schemes) == 1, members
        (scheme,) = schemes
        assert len(members) == len(set(members)) and set(members) == set(vocab.schemes[scheme].values()), scheme
        checked += 1
    assert checked >= 20


REVIEW2_TERMS_USED = {
    "classes": ("Reviewer", "AlternativeProvision", "SecureSetting", "Placement", "MissingEpisode", "Exclusion",
                "Outcome", "HarmRole", "Attendance", "Residence", "Cohort"),
    "properties": ("author", "reviewLevel", "ethnicityCode", "hasPlacement", "hasMissingEpisode", "hasExclusion",
                   "hasOutcome", "hasHarmRole", "hasAttendance", "hasResidence", "hasCohort", "atPlace",
                   "exclusionKind", "outcomeKind", "harmRole", "sameEventAs", "commissionedText",
                   "commissionedLatest", "publishedText", "publishedEarliest", "publishedLatest", "findingsCount",
                   "recommendationsCount", "cohortSize", "harmNote", "ethnicity", "lookedAfter", "send", "ehcp",
                   "episodeCount", "cause", "relativeOf", "description", "dateEarliest", "dateLatest", "evidence"),
}


def test_a_graph_of_the_review2_terms_conforms_to_the_shapes(ontology):
    """review/2's terms, as the loader will write them: details with open dates, a review or incident
    with no harm type, an incident the same event as one in another review's graph."""
    data = rdflib.Graph().parse(REVIEW2_TERMS)
    used = set(data.predicates()) | set(data.objects(None, RDF.type))
    assert not [t for kind in REVIEW2_TERMS_USED.values() for t in kind if rdflib.URIRef(CG + t) not in used]
    declared = set(ontology.subjects(RDF.type, OWL.Class)) | set(ontology.subjects(RDF.type, OWL.ObjectProperty)) \
        | set(ontology.subjects(RDF.type, OWL.DatatypeProperty))
    assert {t for t in used if str(t).startswith(CG)} <= declared
    conforms, text = conformance(data, ontology)
    assert conforms, text


REVIEW2 = "https://w3id.org/casegraph/review/review2-terms-2022"


@pytest.mark.parametrize("extra, message", [
    (f"<{REVIEW2}/child-t/placement-1> cg:atPlace <{REVIEW2}/mother-t> .", "cg:atPlace"),
    (f"<{REVIEW2}/child-t> cg:hasExclusion <{REVIEW2}/child-t/placement-1> .", "exactly one kind of detail"),
    (f"<{REVIEW2}/mother-t> cg:hasHarmRole <{REVIEW2}/child-t/harm-role-1> .", "belong to exactly one record"),
    (f"<{REVIEW2}/child-t/missing-1> cg:episodeCount 0 .", "cg:episodeCount"),
    (f'<{REVIEW2}/inc-2> cg:sameEventAs "scr-1-2020/stabbing" .', "cg:sameEventAs"),
    (f"<{REVIEW2}> cg:author <{REVIEW2}/child-t> .", "cg:author"),
    (f"<{REVIEW2}/foster-t> a cg:SecureSetting .", "narrower place kind"),
    (f'<{REVIEW2}/child-t/lives-at-1> cg:dateEarliest "2021-01-01"^^xsd:date .', "cg:dateEarliest"),
    (f"<{REVIEW2}/child-t> cg:ethnicityCode <https://w3id.org/casegraph/code/harm-type/accident> .",
     "cg:ethnicityCode"),
])
def test_the_shapes_refuse_misused_review2_terms(ontology, extra, message):
    text = REVIEW2_TERMS.read_text(encoding="utf-8") + "\n" + extra + "\n"
    conforms, report = conformance(rdflib.Graph().parse(data=text, format="turtle"), ontology)
    assert not conforms and message in report
