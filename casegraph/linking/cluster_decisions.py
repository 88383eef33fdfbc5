"""Deciding a whole cluster in one step, undoing it in one step, and finding contradictions.

A cluster decision is stored as the individual pair decisions it implies (the same PROV-O
decisions `decisions.accept` and `reject` write, each with its own score and explanation), plus
one batch: a `prov:Activity` in the decisions graph with `cg:batchAction`, `cg:clusterId`, who
(`prov:wasAssociatedWith`), when (`prov:startedAtTime`) and the note, that every decision of the
batch points to with `prov:wasGeneratedBy`. The batch and its decisions are written in one update:
all or nothing.

- `accept_cluster` accepts every undecided candidate pair inside the cluster (not only a spanning
  set), so that the owl:sameAs closure is the cluster and no pair inside it is proposed again;
  records given in `except_records` are left out: no pair touching them is decided (to say that
  they are someone else, `split` them off). Refused, changing nothing, if leaving them out splits
  the rest (no candidate pairs join it), if a record left out is already linked to one kept, or
  if the acceptances would contradict a rejection in force (unless forced).
- `split` rejects every candidate pair inside the cluster that joins records of different parts;
  one part given means that part against the rest of the cluster. Records of no part are left
  alone. An accepted pair between parts is overridden as `reject` overrides it (another
  analyst's acceptance; your own must be undone first). Refused if a rejection would contradict
  the acceptances in force (unless forced).
- `undo_batch` undoes every decision of a batch still in force, in one update and one new batch
  (`cg:undoesBatch`), restoring exactly the decisions and links before it. It is refused if any
  pair of the batch has been decided again since (undo that decision first); a decision of the
  batch already undone on its own is left as it is. Given a cluster id instead of a batch id, it
  undoes the latest batch on that cluster not yet undone.
- `check` lists the contradictions among the decisions in force (`closure.contradictions`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import quote

from casegraph.errors import UnknownName
from casegraph.linking.closure import ContradictionError, contradictions, in_force, new_contradictions
from casegraph.linking.clusters import UNDECIDED, Cluster, find_cluster, resolve_record
from casegraph.linking.deciding import DecisionError, default_analyst, xsd_datetime
from casegraph.linking.decisions import (ACCEPTED, ANALYST_BASE, DECISION_BASE, DECISIONS_GRAPH, PROV, REJECTED,
                                        AlreadyDecided, Change, Decision, NothingToUndo, decisions, histories, plan,
                                        plan_undo, record)
from casegraph.ontology import CG, RDF, RDFS, XSD, short_id

BATCH_BASE = DECISION_BASE + "batch/"
ACCEPT_CLUSTER, SPLIT, UNDO_BATCH = "accept-cluster", "split", "undo"


class UnknownBatch(DecisionError, UnknownName):
    """No batch, and no cluster decided in a batch, has that id."""


@dataclass(frozen=True)
class Batch:
    """Decisions made together, as stored."""

    iri: str
    action: str  # accept-cluster | split | undo
    cluster_id: str
    analyst: str
    time: str
    note: str = ""
    undoes: str | None = None  # for an undo: the batch it reverted
    decisions: tuple[Decision, ...] = ()

    @property
    def id(self) -> str:
        return self.iri[len(BATCH_BASE):]

    @property
    def when(self) -> str:
        return self.time[:19].replace("T", " ") + " UTC"


@dataclass(frozen=True)
class BatchChange:
    """What one cluster decision did: the batch and each pair's change."""

    batch: Batch
    changes: tuple[Change, ...]
    cluster: Cluster | None = None  # the cluster decided (None for an undo)


# -- deciding a cluster ---------------------------------------------------------------------------

def _state(store, threshold: float | None):
    from casegraph.linking.candidate_cache import load_candidates, told_as_one
    from casegraph.linking.clusters import build_clusters

    if not store.writable:
        from casegraph.errors import StoreError

        raise StoreError("decisions need the store opened for writing (ReviewStore.open(path, write=True))")
    candidates = load_candidates(store, threshold).candidates
    all_histories = histories(store)
    return {c.id: c for c in candidates}, all_histories, build_clusters(candidates, in_force(all_histories),
                                                                        told_as_one(store))


def accept_cluster(store, cluster_id: str, *, except_records: Sequence[str] = (), analyst: str | None = None,
                   note: str = "", threshold: float | None = None, force: bool = False,
                   when: dt.datetime | None = None) -> BatchChange:
    """Accept the records of a cluster (but `except_records`) as one entity, in one batch."""
    by_id, all_histories, found = _state(store, threshold)
    cluster = find_cluster(found, cluster_id)
    left_out = {resolve_record(cluster, name) for name in except_records}
    kept = [iri for iri in cluster.iris if iri not in left_out]
    if len(kept) < 2:
        raise DecisionError(f"leaving out {len(left_out)} of the {cluster.size} records of {cluster.id} leaves "
                            f"{len(kept)}: nothing to accept; nothing changed")
    for pair in cluster.pairs:
        if pair.status in (ACCEPTED, "stated") and (pair.left in left_out) != (pair.right in left_out):
            outside, inside = (pair.left, pair.right) if pair.left in left_out else (pair.right, pair.left)
            how = f"accepted as {pair.candidate_id}; undo that first" if pair.status == ACCEPTED else "its review says so"
            raise DecisionError(f"{short_id(outside)} cannot be left out of {cluster.id}: it is already one entity "
                                f"with {short_id(inside)} ({how}); nothing changed")
    inside = [p for p in cluster.pairs if p.left not in left_out and p.right not in left_out and p.status != REJECTED]
    groups = _groups(kept, inside)
    if len(groups) > 1:
        shown = "; ".join(", ".join(short_id(i) for i in group) for group in groups)
        raise DecisionError(f"without {', '.join(sorted(short_id(i) for i in left_out))} the records of {cluster.id} "
                            f"fall apart into {len(groups)} groups no candidate pair joins ({shown}); accept them "
                            "pair by pair (casegraph link accept ID); nothing changed")
    chosen = [p for p in inside if p.status == UNDECIDED]
    if not chosen:
        raise AlreadyDecided(f"cluster {cluster.id} is already accepted ({cluster.size} records joined by accepted "
                             "pairs); nothing changed")
    targets = [by_id.get(p.candidate_id) or p.candidate_id for p in chosen]
    return _decide_batch(store, ACCEPT_CLUSTER, ACCEPTED, cluster, targets, all_histories, analyst, note, force, when)


def split(store, cluster_id: str, parts: Sequence[Sequence[str]], *, analyst: str | None = None, note: str = "",
          threshold: float | None = None, force: bool = False, when: dt.datetime | None = None) -> BatchChange:
    """Reject the candidate pairs of a cluster that join records of different `parts` (one part: that
    part against the rest), in one batch."""
    by_id, all_histories, found = _state(store, threshold)
    cluster = find_cluster(found, cluster_id)
    named = [[resolve_record(cluster, name) for name in part] for part in parts if part]
    part_of: dict[str, int] = {}
    for number, part in enumerate(named):
        for iri in part:
            if part_of.setdefault(iri, number) != number:
                raise DecisionError(f"{short_id(iri)} is named in two parts; nothing changed")
    if len(named) == 1:
        named.append([iri for iri in cluster.iris if iri not in part_of])
        part_of.update({iri: 1 for iri in named[1]})
    if len(named) < 2 or not all(named):
        raise DecisionError(f"a split needs two parts with records (cluster {cluster.id} has {cluster.size}: "
                            f"{', '.join(short_id(i) for i in cluster.iris)}); nothing changed")
    between = [p for p in cluster.pairs if p.left in part_of and p.right in part_of
               and part_of[p.left] != part_of[p.right] and p.status != REJECTED]
    stated = [p for p in between if p.status == "stated"]
    if stated:
        raise DecisionError(f"the review itself says {short_id(stated[0].left)} and {short_id(stated[0].right)} are "
                            "one; they cannot be split; nothing changed")
    if not between:
        raise DecisionError(f"no candidate pair joins those parts of {cluster.id} directly: name the records "
                            "between them in a part too; nothing changed")
    targets = [by_id.get(p.candidate_id) if p.status == UNDECIDED else p.candidate_id for p in between]
    return _decide_batch(store, SPLIT, REJECTED, cluster, targets, all_histories, analyst, note, force, when)


def _decide_batch(store, action: str, verdict: str, cluster: Cluster, targets: list, all_histories: dict,
                  analyst: str | None, note: str, force: bool, when: dt.datetime | None) -> BatchChange:
    analyst = (analyst if analyst is not None else default_analyst()).strip()
    time = xsd_datetime(when)
    batch = _batch(action, cluster.id, analyst, time, note)
    planned = [plan(store, verdict, target, analyst=analyst, note=note, when=when, force=True, batch=batch.iri,
                    all_histories=all_histories) for target in targets]
    found = new_contradictions(in_force(all_histories), {d.pair: d for d, _, _ in planned})
    if found and not force:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise ContradictionError(f"{action} {cluster.id} would contradict the decisions in force: "
                                 f"{found[0].describe()}{more}; nothing changed (undo one of them first, or "
                                 "force it with --force)")
    changes = record(store, planned, _batch_triples(batch))
    return BatchChange(replace(batch, decisions=tuple(c.decision for c in changes)), tuple(changes),
                       cluster)


def _groups(records: list[str], pairs) -> list[list[str]]:
    from casegraph.linking.closure import components

    root = components((p.left, p.right) for p in pairs)
    grouped: dict[str, list[str]] = {}
    for iri in records:
        grouped.setdefault(root.get(iri, iri), []).append(iri)
    return sorted(grouped.values())


def _batch(action: str, cluster_id: str, analyst: str, time: str, note: str, undoes: str | None = None) -> Batch:
    if not analyst:
        raise DecisionError("the analyst's name is empty; give one with --analyst NAME (or $CASEGRAPH_ANALYST)")
    digest = hashlib.sha1(f"{action} {cluster_id} {analyst} {time} {undoes}".encode("utf-8")).hexdigest()[:10]
    return Batch(f"{BATCH_BASE}b{digest}", action, cluster_id, analyst, time, note, undoes)


def _batch_triples(batch: Batch) -> str:
    import pyoxigraph as ox

    node, agent = ox.NamedNode(batch.iri), ox.NamedNode(ANALYST_BASE + quote(batch.analyst, safe=""))
    triples = [(node, ox.NamedNode(RDF + "type"), ox.NamedNode(PROV + "Activity")),
               (node, ox.NamedNode(CG + "batchAction"), ox.Literal(batch.action)),
               (node, ox.NamedNode(CG + "clusterId"), ox.Literal(batch.cluster_id)),
               (node, ox.NamedNode(PROV + "wasAssociatedWith"), agent),
               (node, ox.NamedNode(PROV + "startedAtTime"), ox.Literal(batch.time, datatype=ox.NamedNode(XSD + "dateTime"))),
               (agent, ox.NamedNode(RDF + "type"), ox.NamedNode(PROV + "Agent")),
               (agent, ox.NamedNode(RDFS + "label"), ox.Literal(batch.analyst))]
    if batch.note:
        triples.append((node, ox.NamedNode(RDFS + "comment"), ox.Literal(batch.note)))
    if batch.undoes:
        triples.append((node, ox.NamedNode(CG + "undoesBatch"), ox.NamedNode(batch.undoes)))
    return "\n".join(f"{s} {p} {o} ." for s, p, o in triples)


# -- batches and undoing them ---------------------------------------------------------------------

_BATCH_QUERY = f"""
SELECT ?b ?action ?cluster ?analyst ?time ?note ?undoes
WHERE {{
  GRAPH <{DECISIONS_GRAPH}> {{
    ?b a <{PROV}Activity> ; cg:batchAction ?action ; cg:clusterId ?cluster ; <{PROV}wasAssociatedWith> ?agent ;
       <{PROV}startedAtTime> ?time .
    ?agent rdfs:label ?analyst .
    OPTIONAL {{ ?b rdfs:comment ?note }}
    OPTIONAL {{ ?b cg:undoesBatch ?undoes }}
  }}
}}"""


def batches(store) -> list[Batch]:
    """Every batch of decisions, oldest first, each with its decisions."""
    by_batch: dict[str, list[Decision]] = {}
    for decision in decisions(store):
        if decision.batch:
            by_batch.setdefault(decision.batch, []).append(decision)
    found = []
    for row in store.query(_BATCH_QUERY):
        iri, action, cluster, analyst, time, note, undoes = (t.value if t is not None else None for t in row)
        found.append(Batch(iri, action, cluster, analyst, time, note or "", undoes, tuple(by_batch.get(iri, ()))))
    return sorted(found, key=lambda b: (b.time, b.iri))


def undo_batch(store, batch_id: str, *, analyst: str | None = None, note: str = "",
               when: dt.datetime | None = None) -> BatchChange:
    """Undo every decision of a batch (or of the latest batch on a cluster id) in one step."""
    if not store.writable:
        from casegraph.errors import StoreError

        raise StoreError("decisions need the store opened for writing (ReviewStore.open(path, write=True))")
    every = batches(store)
    undone = {b.undoes for b in every if b.undoes}
    target = next((b for b in every if batch_id in (b.id, b.iri)), None)
    if target is None:
        on_cluster = [b for b in every if b.cluster_id == batch_id and b.action != UNDO_BATCH and b.iri not in undone]
        if not on_cluster:
            raise UnknownBatch(f"no batch {batch_id!r} (nor a cluster decided in one not yet undone); the batch id is "
                               "printed by accept-cluster and split; nothing changed")
        target = on_cluster[-1]
    if target.action == UNDO_BATCH:
        raise DecisionError(f"batch {target.id} is itself an undo; decide the cluster again instead (casegraph link "
                            "accept-cluster or split); nothing changed")
    if target.iri in undone:
        raise NothingToUndo(f"batch {target.id} ({target.action} {target.cluster_id} by {target.analyst} at "
                            f"{target.when}) is already undone; nothing changed")
    all_histories = histories(store)
    analyst = (analyst if analyst is not None else default_analyst()).strip()
    batch = _batch(UNDO_BATCH, target.cluster_id, analyst, xsd_datetime(when), note, target.iri)
    planned = []
    for decision in target.decisions:
        pair_in_force = all_histories[decision.pair].in_force
        if decision.iri not in {d.iri for d in pair_in_force}:
            continue  # undone on its own since: left as it is
        latest = pair_in_force[-1]
        if latest.iri != decision.iri:
            raise DecisionError(f"{decision.candidate_id} was decided again after batch {target.id} ({latest.analyst}'s "
                                f"{latest.verdict} at {latest.when}); undo that first (casegraph link undo "
                                f"{decision.candidate_id}); nothing changed")
        planned.append(plan_undo(store, decision.candidate_id, analyst=analyst, note=note, when=when,
                                 batch=batch.iri, all_histories=all_histories))
    if not planned:
        raise NothingToUndo(f"every decision of batch {target.id} has been undone on its own; nothing changed")
    changes = record(store, planned, _batch_triples(batch))
    return BatchChange(replace(batch, decisions=tuple(c.decision for c in changes)), tuple(changes))


def check(store) -> list:
    """The contradictions among the decisions in force (`closure.Contradiction`), by candidate id."""
    return contradictions(in_force(histories(store)))
