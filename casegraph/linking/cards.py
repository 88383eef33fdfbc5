"""The matching card: a candidate pair's two records side by side, for an analyst to decide on.

A card shows each record as its review describes it (review, label, classes, attributes and
evidence excerpts, read from the store), how each attribute compared and what it counted, and
the pair's decisions so far. It is built from the cached candidates (`candidate_cache`) and the
decisions (`decisions`), and works for a decided pair that is no longer a candidate too, so it
is kept apart from both: neither needs it.
"""
from __future__ import annotations

from dataclasses import dataclass

from casegraph.linking.candidate_cache import find_candidate
from casegraph.linking.decisions import Decision, UnknownCandidate, explanation_summary, history
from casegraph.ontology import CG, RDF, RDFS, REVIEW, short_id


@dataclass(frozen=True)
class Excerpt:
    quote: str
    page: str = ""
    paraphrase: bool = False


@dataclass(frozen=True)
class RecordCard:
    """One side of a matching card: a record as its review describes it."""

    iri: str
    review_id: str  # "" when no stored review describes the record any more
    review_title: str
    label: str
    classes: tuple[str, ...]  # class labels, most specific first
    attributes: tuple[tuple[str, str], ...]  # (property label, value); "← p" for records pointing here
    evidence: tuple[Excerpt, ...]


@dataclass(frozen=True)
class MatchCard:
    """Both records side by side, how each attribute compared, and the pair's decisions."""

    candidate_id: str
    kind: str
    score: float | None
    comparisons: tuple  # of Comparison; empty when the pair is no longer a candidate
    prior_weight: float | None  # the matcher's starting weight before any comparison, if it has one
    explanation: str  # the comparisons in one line (from the first decision when not a candidate)
    left: RecordCard
    right: RecordCard
    history: tuple[Decision, ...]
    current: Decision | None


def match_card(store, candidate_id: str) -> MatchCard:
    """The card for a candidate, or for a decided pair even if it is no longer a candidate."""
    try:
        pair_history = history(store, candidate_id)
    except UnknownCandidate:  # never decided
        pair_history = None
    try:
        candidate = find_candidate(store, candidate_id)
    except UnknownCandidate:
        if pair_history is None:
            raise
        candidate = None
    if candidate is not None:
        left, right, kind, score = candidate.left, candidate.right, candidate.kind, candidate.score
        comparisons, explanation = tuple(candidate.comparisons), explanation_summary(candidate)
        prior = getattr(candidate, "prior_weight", None)
    else:
        first = pair_history.decisions[0]
        left, right, kind, score, comparisons, explanation = (first.left, first.right, "", first.score, (),
                                                              first.explanation)
        prior = None
    decided = pair_history.decisions if pair_history else ()
    return MatchCard(candidate_id, kind, score, comparisons, prior, explanation, record_card(store, left),
                     record_card(store, right), decided, pair_history.current if pair_history else None)


_RECORD_QUERY = f"""
SELECT ?r ?g ?title ?p ?o ?label ?quote ?page ?paraphrase ?inverse
WHERE {{
  {{ GRAPH ?g {{ ?r ?p ?o }} BIND (false AS ?inverse)
     OPTIONAL {{ GRAPH ?g {{ ?o cg:quote ?quote OPTIONAL {{ ?o cg:page ?page }}
                            OPTIONAL {{ ?o cg:paraphrase ?paraphrase }} }} }} }}
  UNION {{ GRAPH ?g {{ ?o ?p ?r }} FILTER (?o != ?g) BIND (true AS ?inverse) }}  # not the review itself
  FILTER (STRSTARTS(STR(?g), "{REVIEW}"))
  OPTIONAL {{ GRAPH ?g {{ ?g rdfs:label ?title }} }}
  OPTIONAL {{ ?o rdfs:label ?label }}
}}"""
_HIDDEN = {RDF + "type", RDFS + "label", CG + "evidence", CG + "identifier", RDF + "subject", RDF + "object"}


def record_card(store, iri: str) -> RecordCard:
    """A record's review, label, classes, attributes and evidence excerpts, read from the store."""
    import pyoxigraph as ox

    from casegraph.ontology import vocabulary
    from casegraph.ontology.connections import CONNECTED_THROUGH

    vocab = vocabulary()
    review_id = title = label = ""
    classes: list[str] = []
    attributes: set[tuple[str, str]] = set()
    evidence: list[Excerpt] = []
    rows = store.query(_RECORD_QUERY, substitutions={ox.Variable("r"): ox.NamedNode(iri)})
    for row in rows:
        graph, review_title, prop, value, value_label, quote_, page, paraphrase, inverse = (
            term.value if term is not None else None for term in list(row)[1:])
        review_id, title = graph[len(REVIEW):], review_title or title
        if prop == CONNECTED_THROUGH:
            continue  # casegraph's derivation, not what the review says
        if inverse == "true":
            attributes.add((f"← {vocab.label(prop)}", value_label or short_id(value)))
        elif prop == RDF + "type":
            classes.append(value)
        elif prop == RDFS + "label":
            label = value
        elif prop == CG + "evidence" and quote_:
            evidence.append(Excerpt(quote_, page or "", paraphrase == "true"))
        elif prop not in _HIDDEN:
            shown = value_label or (vocab.label(value) if isinstance(row[4], ox.NamedNode) else value)
            attributes.add((vocab.label(prop), shown))
    ordered = sorted(set(classes), key=lambda c: -len(vocab.superclasses.get(c, ())))
    return RecordCard(iri, review_id, title, label, tuple(vocab.label(c) for c in ordered),
                      tuple(sorted(attributes)), tuple(evidence))


def explain_card(store, one: str, other: str, *, threshold: float | None = None):
    """The card for any two records, proposed or not (`explain.explain_pair`), and the explanation
    itself (blocking, verdict)."""
    from casegraph.linking.explain import explain_pair
    from casegraph.linking.settings import DEFAULT_THRESHOLD

    found = explain_pair(store, one, other, threshold=DEFAULT_THRESHOLD if threshold is None else threshold)
    try:
        pair_history = history(store, found.candidate_id)
    except UnknownCandidate:
        pair_history = None
    card = MatchCard(found.candidate_id, found.family or " / ".join(found.families), found.score, found.comparisons,
                     found.prior_weight, found.verdict() if found.family else "", record_card(store, found.left),
                     record_card(store, found.right), pair_history.decisions if pair_history else (),
                     pair_history.current if pair_history else None)
    return card, found
