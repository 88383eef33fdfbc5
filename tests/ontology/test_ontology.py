"""The ontology is the contract: complete labels and definitions, the study's code lists, the
CIN alignments, and SHACL shapes that the loaders' output satisfies."""
from __future__ import annotations

import pyshacl
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from casegraph.loaders import load
from casegraph.loaders.fields import ITEM_SECTIONS, REVIEW
from casegraph.ontology import CG, CODE, CODES_FILE, ONTOLOGY_FILE, SHAPES_FILE, vocabulary
from casegraph.synthetic import generate_corpus
from tests.conftest import EXAMPLES, MINIMAL


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


def test_study_tables_are_the_code_lists():
    vocab = vocabulary()
    table3 = {"criminal-exploitation", "sexual-exploitation", "drug-misuse", "harmful-sexual-behaviour",
              "peer-on-peer-abuse", "radicalisation", "intimate-partner-abuse", "suicide", "serious-youth-violence"}
    harm = vocab.schemes["harm-type"]
    assert table3 <= set(harm)
    assert {code for code, iri in harm.items() if iri not in vocab.broader} == table3  # the top concepts
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
    for section in (REVIEW, *ITEM_SECTIONS):
        for field in section.fields:
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
    files = [MINIMAL, *sorted(EXAMPLES.glob("*.yaml")), *sorted((tmp_path / "reviews").glob("*.yaml"))]
    data = rdflib.Graph()
    for path in files:
        data.parse(data="".join(f"{q.triple} .\n" for q in load(path).quads), format="nt")
    conforms, _, text = pyshacl.validate(data, shacl_graph=rdflib.Graph().parse(SHAPES_FILE),
                                         ont_graph=ontology, inference="rdfs")
    assert conforms, text
