"""Analysts' decisions on candidate matches: accept, reject, undo, with their whole history.

Decisions live in a named graph of their own (DECISIONS_GRAPH), one PROV-O entity each, so they
survive reloading the reviews (a reload swaps only the review's own graph). The current state of
a pair is its latest decision that has not been undone; an accepted pair also has
`<left> owl:sameAs <right>` in the links graph, which every saved question, the property-graph
view and Cypher already honour. Nothing is ever deleted from the history.

Rules, so that bad input changes nothing:

- accepting or rejecting a pair that is already in that state is refused, naming who decided it
  and when;
- a pair decided by one analyst may be decided the other way by another analyst: the later
  decision becomes current and supersedes the earlier one (the issue's "the later one is recorded
  and the history kept");
- an analyst who wants to change their own decision undoes it first (`casegraph link undo ID`);
- undo reverts the pair's latest decision still in force and restores the state before it
  (undoing a rejection that overrode an acceptance brings the acceptance and its link back);
  it is itself recorded, as a decision with the verdict "undone";
- an acceptance or rejection that would contradict the decisions in force (accepted A=B and B=C
  while A=C is rejected: see `closure`) is refused with ContradictionError unless forced;
- decisions made together (a whole cluster: `cluster_decisions`) are written in one update with
  `record`, each `prov:wasGeneratedBy` the batch's activity, and undone together;
- a review removed from the store keeps its decisions and links; `current_decisions` reports the
  records that are no longer stored, so an analyst can see them, and reloading the review makes
  them whole again.

This module records and reads decisions, and nothing else. The candidates an analyst decides on
are computed and cached by `candidate_cache`, and the matching card that shows a pair with its
decisions is built by `cards`; both import from here, never the other way round, except that
`accept` and `reject` given a bare candidate id look it up in the cache (imported when needed).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from casegraph.errors import StoreError, UnknownName
from casegraph.linking.closure import ContradictionError, in_force, new_contradictions
from casegraph.linking.deciding import DecisionError, default_analyst, xsd_datetime
from casegraph.ontology import CG, OWL, RDF, RDFS, REVIEW, XSD

DECISIONS_GRAPH = "https://w3id.org/casegraph/decisions"
DECISION_BASE = "https://w3id.org/casegraph/decision/"
ANALYST_BASE = "https://w3id.org/casegraph/analyst/"
PROV = "http://www.w3.org/ns/prov#"
ACCEPTED, REJECTED, UNDONE = "accepted", "rejected", "undone"
VERDICTS = (ACCEPTED, REJECTED, UNDONE)
_NOUNS = {ACCEPTED: "acceptance", REJECTED: "rejection", UNDONE: "undo"}


class UnknownCandidate(DecisionError, UnknownName):
    """No candidate, and no decided pair, has that id."""


class AlreadyDecided(DecisionError):
    """The pair is already in the state asked for, or the same analyst decided it otherwise."""


class NothingToUndo(DecisionError):
    """The pair has no decision in force."""


@dataclass(frozen=True)
class Decision:
    """One analyst's decision on one pair of records, as stored."""

    iri: str
    candidate_id: str
    left: str
    right: str
    verdict: str  # accepted | rejected | undone
    analyst: str
    time: str  # xsd:dateTime in UTC, e.g. 2025-01-31T10:00:00.123456Z
    note: str = ""
    score: float | None = None  # the candidate's score when decided
    explanation: str = ""  # the candidate's comparisons when decided, summarised
    supersedes: str | None = None  # the pair's previous decision
    undoes: str | None = None  # for an undo: the decision it reverted
    batch: str | None = None  # the activity (prov:wasGeneratedBy) of decisions made together

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.left, self.right))

    @property
    def when(self) -> str:
        """The time to the second, for messages and tables."""
        return self.time[:19].replace("T", " ") + " UTC"


@dataclass(frozen=True)
class Change:
    """What one call to accept, reject or undo did."""

    decision: Decision  # the decision just recorded
    before: Decision | None  # the pair's current decision before it (None: undecided)
    after: Decision | None  # ... and after it (for an undo, the decision restored, or None)
    link_added: bool
    link_removed: bool


@dataclass(frozen=True)
class PairHistory:
    """Every decision on one pair, oldest first, and those still in force."""

    decisions: tuple[Decision, ...]

    @property
    def in_force(self) -> tuple[Decision, ...]:
        """Accept and reject decisions not undone, oldest first; the last is the current one."""
        stack: list[Decision] = []
        for decision in self.decisions:
            if decision.verdict == UNDONE:
                stack = [d for d in stack if d.iri != decision.undoes]
            else:
                stack.append(decision)
        return tuple(stack)

    @property
    def current(self) -> Decision | None:
        in_force = self.in_force
        return in_force[-1] if in_force else None

    @property
    def latest(self) -> Decision:
        return self.decisions[-1]


def noun(verdict: str) -> str:
    """
    >>> noun("rejected")
    'rejection'
    """
    return _NOUNS[verdict]


# -- reading the history --------------------------------------------------------------------------

_HISTORY_QUERY = f"""
SELECT ?d ?cid ?left ?right ?verdict ?analyst ?time ?note ?score ?explanation ?previous ?undoes ?batch
WHERE {{
  GRAPH <{DECISIONS_GRAPH}> {{
    ?d a cg:LinkDecision ; cg:candidateId ?cid ; cg:leftRecord ?left ; cg:rightRecord ?right ;
       cg:verdict ?verdict ; <{PROV}generatedAtTime> ?time ; <{PROV}wasAttributedTo> ?agent .
    ?agent rdfs:label ?analyst .
    OPTIONAL {{ ?d rdfs:comment ?note }}
    OPTIONAL {{ ?d cg:score ?score }}
    OPTIONAL {{ ?d cg:explanation ?explanation }}
    OPTIONAL {{ ?d <{PROV}wasRevisionOf> ?previous }}
    OPTIONAL {{ ?d cg:undoes ?undoes }} OPTIONAL {{ ?d <{PROV}wasGeneratedBy> ?batch }}
  }}
}}"""


def decisions(store) -> list[Decision]:
    """Every decision ever recorded, oldest first (each pair's in the order they superseded)."""
    found = []
    for row in store.query(_HISTORY_QUERY):
        value = [term.value if term is not None else None for term in row]
        d, cid, left, right, verdict, analyst, time, note, score, explanation, previous, undoes, batch = value
        found.append(Decision(d, cid, left, right, verdict, analyst, time, note or "",
                              float(score) if score is not None else None, explanation or "", previous, undoes, batch))
    ordered = []
    for history in _group(found).values():
        ordered.extend(history.decisions)
    return sorted(ordered, key=lambda d: d.time)


def _group(found: Iterable[Decision]) -> dict[frozenset[str], PairHistory]:
    by_pair: dict[frozenset[str], list[Decision]] = {}
    for decision in found:
        by_pair.setdefault(decision.pair, []).append(decision)
    return {pair: PairHistory(_chain(items)) for pair, items in by_pair.items()}


def _chain(items: list[Decision]) -> tuple[Decision, ...]:
    """Order one pair's decisions by what superseded what (time only breaks a broken chain)."""
    items = sorted(items, key=lambda d: (d.time, d.iri))
    by_previous = {d.supersedes: d for d in items}
    known = {d.iri for d in items}
    ordered = []
    step = next((d for d in items if d.supersedes not in known), None)
    while step is not None and step not in ordered:
        ordered.append(step)
        step = by_previous.get(step.iri)
    return tuple(ordered) + tuple(d for d in items if d not in ordered)


def histories(store) -> dict[frozenset[str], PairHistory]:
    """Each decided pair's history, keyed by the pair of record IRIs."""
    return _group(decisions(store))


def history(store, candidate_id: str) -> PairHistory:
    """The history of the pair with this candidate id; UnknownCandidate if it was never decided."""
    found = history_for_id(histories(store), candidate_id)
    if found is None:
        raise UnknownCandidate(f"no decision on candidate {candidate_id!r}; see casegraph link list --all")
    return found


def history_for_id(all_histories: dict[frozenset[str], PairHistory], candidate_id: str) -> PairHistory | None:
    """The history among `all_histories` of the pair with this candidate id, or None."""
    for pair_history in all_histories.values():
        if any(d.candidate_id == candidate_id for d in pair_history.decisions):
            return pair_history
    try:
        from casegraph.linking.candidates import candidate_id as make_id
    except ImportError:  # the matcher is not installed: ids can only be matched as recorded
        return None
    for pair_history in all_histories.values():  # ids recorded by an older version of the id scheme
        first = pair_history.decisions[0]
        if make_id(first.left, first.right) == candidate_id:
            return pair_history
    return None


def current_decisions(store) -> list[Decision]:
    """The decision in force on each decided pair, newest first."""
    current = [h.current for h in histories(store).values() if h.current is not None]
    return sorted(current, key=lambda d: d.time, reverse=True)


def stale_decisions(store) -> list[Decision]:
    """Decisions in force on a record no stored review describes, newest first: waiting for their
    review (restored before it was loaded), or stale (a reload no longer has that record). Kept."""
    current = current_decisions(store)
    missing = missing_records(store, [iri for d in current for iri in (d.left, d.right)])
    return [d for d in current if d.left in missing or d.right in missing]


def decided_pairs(store) -> set[frozenset[str]]:
    """Pairs of record IRIs with a decision in force: never proposed again (pass as `exclude`)."""
    return {pair for pair, h in histories(store).items() if h.current is not None}


def missing_records(store, iris: Iterable[str]) -> set[str]:
    """Those of these record IRIs that no stored review describes (their review was removed)."""
    import pyoxigraph as ox

    wanted = sorted(set(iris))
    if not wanted:
        return set()
    values = " ".join(str(ox.NamedNode(iri)) for iri in wanted)
    present = {row[0].value for row in store.query(
        f"SELECT DISTINCT ?r WHERE {{ VALUES ?r {{ {values} }} GRAPH ?g {{ ?r a ?class }} "
        f"FILTER(STRSTARTS(STR(?g), {str(ox.Literal(REVIEW))})) }}")}
    return set(wanted) - present


# -- deciding -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Target:
    candidate_id: str
    left: str
    right: str
    score: float | None
    explanation: str


def explanation_summary(candidate) -> str:
    """One line from a candidate's comparisons: `role agree +0.30; age partial +0.10; ...`."""
    return "; ".join(f"{c.attribute} {c.outcome} {c.weight:+.2f}" for c in candidate.comparisons)


def accept(store, candidate, *, analyst: str | None = None, note: str = "", when: dt.datetime | None = None,
           force: bool = False) -> Change:
    """Record that the two records of `candidate` are one entity, and link them with owl:sameAs.

    `candidate` is a Candidate (anything with id, left, right, score and comparisons) or the id
    of a pair decided before; `candidate_cache.decidable` gives either for any id. force: record
    it even if it contradicts a rejection in force (ContradictionError otherwise).
    """
    return record(store, [plan(store, ACCEPTED, candidate, analyst=analyst, note=note, when=when, force=force)])[0]


def reject(store, candidate, *, analyst: str | None = None, note: str = "", when: dt.datetime | None = None,
           force: bool = False) -> Change:
    """Record that the two records of `candidate` are not one entity: the pair is not proposed again."""
    return record(store, [plan(store, REJECTED, candidate, analyst=analyst, note=note, when=when, force=force)])[0]


def undo(store, candidate_id: str, *, analyst: str | None = None, note: str = "",
         when: dt.datetime | None = None) -> Change:
    """Revert the pair's latest decision in force, restoring the state before it; recorded too."""
    return record(store, [plan_undo(store, candidate_id, analyst=analyst, note=note, when=when)])[0]


def plan_undo(store, candidate_id: str, *, analyst: str | None = None, note: str = "", when: dt.datetime | None = None,
              batch: str | None = None, all_histories: dict | None = None) -> tuple:
    """The undo `undo` would record, as (decision, before, after), without writing it."""
    _require_writable(store)
    pair_history = history_for_id(histories(store) if all_histories is None else all_histories, candidate_id)
    if pair_history is None:
        raise NothingToUndo(f"candidate {candidate_id!r} has no decision to undo; nothing changed "
                            "(see casegraph link list)")
    in_force_ = pair_history.in_force
    if not in_force_:
        last = pair_history.latest
        raise NothingToUndo(f"candidate {candidate_id!r} has no decision in force to undo (its last decision, "
                            f"{last.analyst}'s {noun(last.verdict)} at {last.when}, left it undecided); "
                            "nothing changed")
    target = in_force_[-1]
    after = in_force_[-2] if len(in_force_) > 1 else None
    decision = Decision(
        _decision_iri(candidate_id, len(pair_history.decisions) + 1), candidate_id, target.left, target.right, UNDONE,
        _analyst(analyst), xsd_datetime(when), note, target.score, target.explanation,
        pair_history.latest.iri, target.iri, batch)
    return decision, target, after


def plan(store, verdict: str, candidate, *, analyst: str | None = None, note: str = "",
         when: dt.datetime | None = None, force: bool = False, batch: str | None = None,
         all_histories: dict | None = None) -> tuple:
    """The acceptance or rejection `accept` or `reject` would record, as (decision, before, after),
    without writing it; refused as they refuse it."""
    _require_writable(store)
    analyst = _analyst(analyst)
    all_histories = histories(store) if all_histories is None else all_histories
    if isinstance(candidate, str):
        pair_history = history_for_id(all_histories, candidate)
        if pair_history is None:
            raise UnknownCandidate(f"no decision on candidate {candidate!r} to go on; pass the Candidate itself "
                                   "(candidate_cache.decidable finds it by id); nothing changed")
        target = _target_from_history(pair_history, candidate)
    else:
        target = _target(candidate)
        pair_history = all_histories.get(frozenset((target.left, target.right)))
    if target.left == target.right:
        raise DecisionError(f"candidate {target.candidate_id!r} pairs {target.left} with itself; nothing changed")
    before = pair_history.current if pair_history else None
    if before is not None:
        _check_may_override(before, verdict, analyst, target.candidate_id)
    number = len(pair_history.decisions) + 1 if pair_history else 1
    decision = Decision(
        _decision_iri(target.candidate_id, number), target.candidate_id, target.left, target.right, verdict, analyst,
        xsd_datetime(when), note, target.score, target.explanation,
        pair_history.latest.iri if pair_history else None, None, batch)
    if not force and (found := new_contradictions(in_force(all_histories), {decision.pair: decision})):
        raise ContradictionError(f"{noun(verdict)} of {target.candidate_id} would contradict the decisions in "
                                 f"force: {found[0].describe()}; nothing changed (undo one of them first, or "
                                 "force it)")
    return decision, before, decision


def _check_may_override(before: Decision, verdict: str, analyst: str, candidate_id: str) -> None:
    if before.verdict == verdict:
        raise AlreadyDecided(f"candidate {candidate_id!r} is already {verdict} (by {before.analyst} at "
                             f"{before.when}); nothing changed")
    if before.analyst == analyst:
        raise AlreadyDecided(
            f"{analyst} already {before.verdict} candidate {candidate_id!r} at {before.when}; to change your own "
            f"decision, undo it first (casegraph link undo {candidate_id}); nothing changed")


def _target(candidate) -> _Target:
    return _Target(candidate.id, candidate.left, candidate.right, float(candidate.score),
                   explanation_summary(candidate))


def _target_from_history(pair_history: PairHistory, candidate_id: str) -> _Target:
    """A decided pair keeps the records, score and explanation of its first decision."""
    first = pair_history.decisions[0]
    return _Target(candidate_id, first.left, first.right, first.score, first.explanation)


def _analyst(name: str | None) -> str:
    name = (name if name is not None else default_analyst()).strip()
    if not name:
        raise DecisionError("the analyst's name is empty; give one with --analyst NAME (or $CASEGRAPH_ANALYST)")
    return name


def _require_writable(store) -> None:
    if not store.writable:
        raise StoreError("decisions need the store opened for writing (ReviewStore.open(path, write=True))")


def _decision_iri(candidate_id: str, number: int) -> str:
    return f"{DECISION_BASE}{quote(candidate_id, safe='')}/{number}"


def record(store, planned: list, extra: str = "") -> list[Change]:
    """Write planned decisions ((decision, before, after) from `plan` or `plan_undo`, each on its
    own pair) and `extra` triples for the decisions graph, and bring each pair's owl:sameAs link in
    line with the state after it, in one SPARQL update (one transaction): all happen or none."""
    import pyoxigraph as ox

    from casegraph.graph.store import LINKS_GRAPH

    operations, changes = [f"INSERT DATA {{ GRAPH <{DECISIONS_GRAPH}> {{\n{extra}\n}} }}"] if extra else [], []
    for decision, before, after in planned:
        linked_before = before is not None and before.verdict == ACCEPTED
        linked_after = after is not None and after.verdict == ACCEPTED
        operations.append(f"INSERT DATA {{ GRAPH <{DECISIONS_GRAPH}> {{\n{_triples(decision)}\n}} }}")
        link = f"{ox.NamedNode(decision.left)} {ox.NamedNode(OWL + 'sameAs')} {ox.NamedNode(decision.right)} ."
        if linked_before and not linked_after:
            operations.append(f"DELETE DATA {{ GRAPH <{LINKS_GRAPH}> {{ {link} }} }}")
        if linked_after and not linked_before:
            operations.append(f"INSERT DATA {{ GRAPH <{LINKS_GRAPH}> {{ {link} }} }}")
        changes.append(Change(decision, before, after, linked_after and not linked_before,
                              linked_before and not linked_after))
    if operations:
        store.update(" ;\n".join(operations), reviews_untouched=True)  # only the decisions and links graphs
    return changes


def _triples(decision: Decision) -> str:
    """The decision's triples, every term rendered by pyoxigraph (which escapes literals)."""
    import pyoxigraph as ox

    node = ox.NamedNode(decision.iri)
    agent = ox.NamedNode(ANALYST_BASE + quote(decision.analyst, safe=""))
    a = ox.NamedNode(RDF + "type")
    triples = [
        (node, a, ox.NamedNode(CG + "LinkDecision")), (node, a, ox.NamedNode(PROV + "Entity")),
        (node, ox.NamedNode(CG + "candidateId"), ox.Literal(decision.candidate_id)),
        (node, ox.NamedNode(CG + "leftRecord"), ox.NamedNode(decision.left)),
        (node, ox.NamedNode(CG + "rightRecord"), ox.NamedNode(decision.right)),
        (node, ox.NamedNode(CG + "verdict"), ox.Literal(decision.verdict)),
        (node, ox.NamedNode(PROV + "wasAttributedTo"), agent),
        (node, ox.NamedNode(PROV + "generatedAtTime"),
         ox.Literal(decision.time, datatype=ox.NamedNode(XSD + "dateTime"))),
        (agent, a, ox.NamedNode(PROV + "Agent")), (agent, ox.NamedNode(RDFS + "label"), ox.Literal(decision.analyst)),
    ]
    if decision.note:
        triples.append((node, ox.NamedNode(RDFS + "comment"), ox.Literal(decision.note)))
    if decision.score is not None:
        triples.append((node, ox.NamedNode(CG + "score"), ox.Literal(float(decision.score))))
    if decision.explanation:
        triples.append((node, ox.NamedNode(CG + "explanation"), ox.Literal(decision.explanation)))
    if decision.supersedes:
        triples.append((node, ox.NamedNode(PROV + "wasRevisionOf"), ox.NamedNode(decision.supersedes)))
    if decision.undoes:
        triples.append((node, ox.NamedNode(CG + "undoes"), ox.NamedNode(decision.undoes)))
    if decision.batch:
        triples.append((node, ox.NamedNode(PROV + "wasGeneratedBy"), ox.NamedNode(decision.batch)))
    return "\n".join(f"{s} {p} {o} ." for s, p, o in triples)

