"""A review's connections (cg:connectedThrough), derived on loading, are those the rule gives.

The rule is written here a second way, as SPARQL over the whole store (the form
young-people-connected asked it in before the connections were derived), and both must agree:
on the bundled examples, the review/2 and links test reviews and a generated corpus, and on
random reviews.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casegraph.graph.loading import load_paths
from casegraph.graph.store import ReviewStore
from casegraph.loaders import load
from casegraph.ontology import CG, PREFIXES, RDF, review_iri
from casegraph.ontology.connections import CONNECTED_THROUGH, READS, connections, with_connections
from tests.conftest import DATA, EXAMPLES, MINIMAL

_PARTS = "{ ?incident cg:hasVictim ?PERSON } UNION { ?incident cg:hasPerpetrator ?PERSON } UNION { ?incident cg:involves ?PERSON }"
_KNOWS = " UNION ".join(f"{{ ?youngPerson cg:{p} ?connector }} UNION {{ ?connector cg:{p} ?youngPerson }}"
                        for p in ("knows", "friendOf", "intimatePartnerOf", "relativeOf", "associateOf", "acquaintanceOf"))
_TIES = " UNION ".join(f"{{ ?youngPerson cg:{p} ?connector }}" for p in ("memberOf", "frequents", "livesAt", "attends"))
RULE = f"""
SELECT DISTINCT ?review ?youngPerson ?connector WHERE {{
  GRAPH ?review {{
    ?youngPerson a cg:YoungPerson .
    {{
      {_PARTS.replace("PERSON", "youngPerson")}
      {{ {_PARTS.replace("PERSON", "connector")} UNION {{ ?incident cg:occurredAt ?connector }}
        UNION {{ ?incident cg:hasPerpetrator ?group . ?connector cg:memberOf ?group }} }}
    }}
    UNION {{ {_KNOWS} }}
    UNION {{ {_TIES} }}
    UNION {{
      ?context cg:concernsYoungPerson ?youngPerson .
      {{ ?context cg:contextParticipant ?connector }} UNION {{ ?context cg:contextPlace ?connector }}
        UNION {{ ?context cg:contextParticipant ?group . ?connector cg:memberOf ?group }}
    }}
  }}
  MINUS {{ {{ ?connector a cg:YoungPerson }} UNION {{ ?connector a cg:Professional }} }}
}}"""
DERIVED = f"SELECT ?review ?youngPerson ?connector WHERE {{ GRAPH ?review {{ ?youngPerson <{CONNECTED_THROUGH}> ?connector }} }}"


def _rows(store, query: str) -> set[tuple[str, ...]]:
    return {tuple(term.value for term in row) for row in store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)}


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Path:
    from casegraph.synthetic import generate_corpus

    directory = tmp_path_factory.mktemp("connections")
    corpus = generate_corpus(directory / "corpus", 30, 11)
    report = load_paths([EXAMPLES, MINIMAL, DATA / "links", DATA / "review2", *corpus.review_paths],
                        directory / "store")
    assert not report.failed, [str(r.error) for r in report.failed]
    return directory / "store"


def test_loaded_reviews_hold_the_connections_the_rule_gives(stored):
    with ReviewStore.open(stored) as store:
        derived = _rows(store.oxigraph, DERIVED)
        expected = _rows(store.oxigraph, RULE)
    assert derived == expected
    assert len(derived) > 300
    assert len({review for review, _, _ in derived}) > 40  # most reviews connect someone


def test_scr_30_connects_child_m_to_the_adults_and_places_of_her_review():
    graph = load(EXAMPLES / "scr-30-2016.yaml")
    found = {(a.rsplit("/", 1)[1], b.rsplit("/", 1)[1]) for a, b in connections(graph.quads)}
    assert found == {("child-m", "father"), ("child-m", "mr-c"), ("child-m", "school"), ("child-m", "near-school")}


def test_connections_a_file_states_are_dropped_and_derived_again():
    graph = load(EXAMPLES / "scr-30-2016.yaml")
    iri = review_iri(graph.review_id)
    bogus = ox.Quad(ox.NamedNode(iri + "/child-m"), ox.NamedNode(CONNECTED_THROUGH),
                    ox.NamedNode(iri + "/social-care"), ox.NamedNode(iri))
    again = with_connections(graph.quads + [bogus], iri)
    assert set(again) == set(graph.quads) and len(again) == len(graph.quads)


# -- random reviews -------------------------------------------------------------------------------

REVIEW = review_iri("random")
CLASSES = ("YoungPerson", "Professional", "UnconnectedAdult", "FamilyMember", "PeerGroup", "Park", "School")
LINKS = ("hasVictim", "hasPerpetrator", "involves", "occurredAt", "memberOf", "knows", "friendOf",
         "relativeOf", "frequents", "livesAt", "attends", "concernsYoungPerson", "contextParticipant",
         "contextPlace")
records = st.integers(0, 7)
quads = st.tuples(
    st.lists(st.tuples(records, st.sampled_from(CLASSES)), max_size=12),
    st.lists(st.tuples(records, st.sampled_from(LINKS), records), max_size=30),
)


def _quads(types, links) -> list[ox.Quad]:
    graph = ox.NamedNode(REVIEW)

    def node(number: int) -> ox.NamedNode:
        return ox.NamedNode(f"{REVIEW}/r{number}")

    return ([ox.Quad(node(n), ox.NamedNode(RDF + "type"), ox.NamedNode(CG + c), graph) for n, c in types]
            + [ox.Quad(node(a), ox.NamedNode(CG + p), node(b), graph) for a, p, b in links])


@settings(max_examples=150, deadline=None)
@given(quads)
def test_random_reviews_connect_as_the_rule_says(drawn):
    review = _quads(*drawn)
    store = ox.Store()
    store.extend(review)
    expected = {(person, other) for _, person, other in _rows(store, RULE)}
    assert connections(review) == expected
    # READS names all the rule reads, so a store derives from those quads alone
    read = [q for q in review if (q.predicate.value, None) in READS or (q.predicate.value, q.object.value) in READS]
    assert connections(read) == expected
