"""The codebook holds every code list a review file draws on, exactly the codes the loaders
accept, each defined, narrower codes right after their broader one, in a stable order."""
from __future__ import annotations

import pytest

from casegraph.errors import CasegraphError
from casegraph.ontology import CLASS_ROOTS, vocabulary
from casegraph.ontology.codebook import RELATIONSHIP_KIND, UnknownCodeList, code_list, codebook, markdown

LISTS = codebook()
IDS = [found.id for found in LISTS]


def test_every_scheme_class_list_and_the_relationship_kinds_are_present():
    vocab = vocabulary()
    assert IDS == sorted(vocab.schemes) + list(CLASS_ROOTS) + [RELATIONSHIP_KIND]
    kinds = {found.id: found.kind for found in LISTS}
    assert {kinds[s] for s in vocab.schemes} == {"scheme"} and {kinds[r] for r in CLASS_ROOTS} == {"class"}
    assert kinds[RELATIONSHIP_KIND] == "relationship"


@pytest.mark.parametrize("found", LISTS, ids=IDS)
def test_a_list_holds_the_codes_the_loaders_accept(found):
    vocab = vocabulary()
    accepted = vocab.relationship_codes if found.id == RELATIONSHIP_KIND else (
        vocab.class_codes.get(found.id) or vocab.schemes[found.id])
    notations = [code.notation for code in found.codes]
    assert len(notations) == len(set(notations)), "each code once"
    assert sorted(code.notation for code in found.codes) == sorted(accepted)
    assert {code.notation: code.iri for code in found.codes} == accepted


@pytest.mark.parametrize("found", LISTS, ids=IDS)
def test_every_list_and_code_has_a_label_and_a_definition(found):
    assert found.codes and found.label and found.definition
    undefined = [code.notation for code in found.codes if not (code.label and code.definition)]
    assert not undefined, f"{found.id}: codes without a label or definition: {undefined}"


@pytest.mark.parametrize("found", LISTS, ids=IDS)
def test_narrower_codes_follow_their_broader_one(found):
    notations = {code.notation for code in found.codes}
    trail: list[str] = []  # the codes above the current one, by depth
    for code in found.codes:
        assert set(code.broader) <= notations
        assert (code.depth == 0) == (not code.broader), code.notation
        assert code.depth <= len(trail), f"{code.notation} is deeper than the code before it allows"
        del trail[code.depth:]
        if code.depth:
            assert trail[-1] == code.broader[0], f"{code.notation} is not under its broader {code.broader[0]}"
        trail.append(code.notation)
        assert [c.notation for c in found.narrower(code.notation)] == [
            c.notation for c in found.codes if code.notation in c.broader]


@pytest.mark.parametrize("found", LISTS, ids=IDS)
def test_siblings_are_in_notation_order(found):
    siblings: dict[tuple[str, ...], list[str]] = {}
    for code in found.codes:
        siblings.setdefault(code.broader[:1], []).append(code.notation)
    for under, codes in siblings.items():
        assert codes == sorted(codes, key=lambda n: (n.casefold(), n)), under


def test_the_order_is_stable_from_one_reading_to_the_next():
    codebook.cache_clear()
    try:
        assert codebook() == LISTS
    finally:
        codebook.cache_clear()


@pytest.mark.parametrize("list_id, code, broader", [
    ("harm-type", "county-lines", "criminal-exploitation"),  # skos:broader
    ("framework", "harm-family", "contextual-dynamics-of-harm"),
    ("Place", "park", "public-space"),  # rdfs:subClassOf between coded classes
    ("Place", "residential-unit", "accommodation-service"),
])
def test_broader_codes_come_from_concepts_and_from_classes(list_id, code, broader):
    found = code_list(list_id)
    assert found.code(code).broader == (broader,) and found.code(code).depth == found.code(broader).depth + 1
    assert code in [c.notation for c in found.narrower(broader)]


def test_lists_are_found_by_id_in_any_case():
    assert code_list("place") is code_list("Place")
    assert code_list("HARM-TYPE").id == "harm-type"


def test_an_unknown_list_names_close_matches_and_the_known_lists():
    with pytest.raises(UnknownCodeList) as raised:
        code_list("harmtype")
    assert isinstance(raised.value, CasegraphError)
    assert raised.value.suggestions[0] == "harm-type"
    assert "did you mean 'harm-type'" in str(raised.value) and "relationship-kind" in str(raised.value)
    assert set(raised.value.known) == set(IDS)


def test_an_unknown_code_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="no-such-code"):
        code_list("harm-type").code("no-such-code")


def test_the_markdown_has_every_code_with_its_definition_and_notes():
    text = markdown(uses={"harm-type": ["review.harm_types"]}, header=["*generated*"])
    assert text.startswith("# Code lists\n\n*generated*\n")
    assert "Used by: `review.harm_types`." in text
    for found in LISTS:
        assert f"## `{found.id}`: {found.label}" in text
        section = text.split(f"## `{found.id}`: ")[1].split("\n## ")[0].splitlines()
        for code in found.codes:
            line = next(line for line in section if line.lstrip().startswith(f"- **`{code.notation}`**"))
            assert line.startswith("  " * code.depth + "- ")
            assert code.definition in line and all(note in line for note in code.scope_notes)


def test_as_dict_is_plain_data():
    data = code_list("harm-type").as_dict()
    assert data["id"] == "harm-type" and data["codes"][0].keys() >= {"notation", "label", "definition",
                                                                       "scope_notes", "broader", "depth"}
