"""The candidate matches an analyst decides on, computed once and cached in the store.

`casegraph link candidates`, `show`, `accept` and `reject` each need the candidates, each in a new
process, and matching every stored review's records each time would repeat the same work; so they
are computed once and cached in ``<store>/linking/candidates.json``. The cache is keyed by what the
reviews say (the catalog of loaded reviews and the linking code), not by the store's files, so a
decision (which changes the files) does not throw the cache away. The cache holds every candidate above its threshold,
decided or not; the decided ones (read from `decisions`) are filtered out when proposing.

Learning from the decisions (`learn=True`, `casegraph link candidates --learn`) scores with m
re-estimated from the decisions in force (see `learning`), so those candidates depend on the
decisions too: they are cached apart, in ``candidates-learned.json``, keyed by the reviews, the
code and the decisions used, and computed again after any decision. The plain cache is never
keyed on decisions, so deciding stays quick; an id listed by a learning listing is still found
(`find_candidate`) while the reviews and code it was computed from are unchanged.

`compute_candidates` is the one place the matcher is called (tests replace it to fix its output).
"""
from __future__ import annotations

import difflib
import hashlib
import importlib.util
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import orjson

from casegraph.errors import StoreError
from casegraph.graph.durability import write_durably
from casegraph.linking.decisions import (DecisionError, UnknownCandidate, current_decisions, decided_pairs, histories,
                                        history_for_id, xsd_datetime)

CACHE_DIR = "linking"
CACHE_FILE = "candidates.json"
LEARNED_FILE = "candidates-learned.json"  # candidates learned from the decisions
CACHE_VERSION = 1


@dataclass(frozen=True)
class CandidateSet:
    """The candidates at or above `threshold`, decided ones included, and where they came from."""

    candidates: tuple  # of Candidate, best first
    threshold: float
    computed: bool  # False: read from the cache

    def by_id(self) -> dict:
        return {c.id: c for c in self.candidates}


def compute_candidates(store, threshold: float, labelled: Sequence | None = None) -> list:
    """Records of every stored review, matched (the one place the matcher is called); with
    `labelled` ((IRI, IRI, is one entity) of decided pairs), learning m from them."""
    from casegraph.linking.candidates import find_candidates
    from casegraph.linking.reading import link_records

    return find_candidates(link_records(store), threshold=threshold, labelled=labelled or ())


def cache_path(store, learned: bool = False) -> Path:
    return Path(store.path) / CACHE_DIR / (LEARNED_FILE if learned else CACHE_FILE)


def labels_in_force(store) -> list:
    """The decisions in force as labels for learning: (left, right, accepted?)."""
    from casegraph.linking.learning import labels_from_decisions

    return labels_from_decisions(current_decisions(store))


# Every module whose code decides which candidates there are and how they score.
MATCHING_MODULES = tuple(f"casegraph.linking.{name}" for name in (
    "records", "reading", "closure", "words", "names", "settings", "features", "comparisons", "blocking", "results", "learning",
    "parallel", "candidates"))


def cache_key(store, labelled: Sequence | None = None) -> str:
    """What the candidates depend on: the stored reviews (as the catalog records each load) and
    the linking code. Decisions and links are not part of it, unless the candidates were learned
    from `labelled` pairs (see `labels_in_force`): then those labels are."""
    if labelled is not None:
        from casegraph.linking.learning import labels_key

        text = json.dumps({"reviews-and-code": cache_key(store), "labels": labels_key(labelled)})
        return hashlib.sha256(text.encode()).hexdigest()
    from casegraph.graph.durability import CATALOG_FILE

    try:
        catalog = json.loads((Path(store.path) / CATALOG_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        catalog = {}
    except (OSError, ValueError) as error:
        raise StoreError(f"cannot read the store catalog {Path(store.path) / CATALOG_FILE}: {error}") from None
    code = hashlib.sha256()
    for module in MATCHING_MODULES:
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):  # not installed, or not loaded from a file
            continue
        if spec and spec.origin and os.path.exists(spec.origin):
            code.update(Path(spec.origin).read_bytes())
    text = json.dumps({"reviews": catalog.get("reviews", {}), "ontology": catalog.get("ontology"),
                       "code": code.hexdigest(), "version": CACHE_VERSION}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def load_candidates(store, threshold: float | None = None, *, refresh: bool = False,
                    learn: bool = False) -> CandidateSet:
    """The candidates at or above `threshold` (default: the matcher's), from the cache when it
    still matches the stored reviews and was computed at that threshold or a lower one. With
    `learn`, scored by a model that learns from the decisions in force (cached apart, keyed on
    those decisions too)."""
    from casegraph.linking.candidates import DEFAULT_THRESHOLD

    threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    if not 0.0 <= threshold <= 1.0:
        raise DecisionError(f"threshold {threshold} is outside 0..1; scores run from 0 (no match) to 1")
    labels = labels_in_force(store) if learn else None
    key = cache_key(store, labels)
    cache = _Cache.read(store, learned=learn)
    if not refresh and cache.fresh(key) and cache.threshold <= threshold:
        candidates = cache.candidates(threshold)
        if candidates is not None:
            return CandidateSet(candidates, threshold, False)
    # Compute at the lowest threshold asked for so far (or the default), so ids an analyst has
    # seen stay findable, and a later listing at the default needs no second run.
    lowest = min([threshold, DEFAULT_THRESHOLD] + ([cache.threshold] if cache.threshold is not None else []))
    computed = compute_candidates(store, lowest, labels) if learn else compute_candidates(store, lowest)
    candidates = sorted(computed, key=lambda c: (-c.score, c.id))
    _Cache.write(store, key, lowest, candidates, base=cache_key(store) if learn else None)
    return CandidateSet(tuple(c for c in candidates if c.score >= threshold), threshold, True)


def proposals(store, threshold: float | None = None, *, kinds: Sequence[str] | None = None,
              limit: int | None = None, refresh: bool = False, learn: bool = False, order: str = "score") -> list:
    """Candidates to show an analyst: not yet decided, of these kinds, best first (order "score")
    or those whose answer would teach the model most first (order "informative", drawn down to
    `learning.INFORMATIVE_THRESHOLD` unless a threshold is given). learn: score with m learned
    from the decisions in force (`load_candidates`)."""
    from casegraph.linking.learning import INFORMATIVE_THRESHOLD, ORDERS, informative_order

    if order not in ORDERS:
        raise DecisionError(f"no order {order!r}; choose one of {', '.join(ORDERS)}")
    if threshold is None and order == "informative":
        threshold = INFORMATIVE_THRESHOLD
    found = load_candidates(store, threshold, refresh=refresh, learn=learn).candidates
    decided = decided_pairs(store) | told_as_one(store)
    chosen = [c for c in found if frozenset((c.left, c.right)) not in decided]
    if kinds:
        def of_kind(candidate_kind: str, kind: str) -> bool:  # "place" takes in "place:school"
            return candidate_kind == kind or candidate_kind.startswith(kind + ":")

        known = sorted({c.kind for c in found})
        unknown = [k for k in kinds if not any(of_kind(c, k) for c in known)]
        if unknown and known:
            raise DecisionError(f"no candidates of kind {', '.join(map(repr, unknown))}; the kinds found are "
                                f"{', '.join(known)}")
        chosen = [c for c in chosen if any(of_kind(c.kind, k) for k in kinds)]
    if order == "informative":
        chosen = informative_order(chosen)
    return chosen[:limit] if limit is not None else chosen


def cached_proposals(store, threshold: float | None = None) -> tuple[list, float] | None:
    """The undecided candidates at or above `threshold` (default: the matcher's) as the cache holds
    them, and that threshold; None when the cache is missing or no longer matches the reviews.
    Never computes: for pictures, which should not start an hour of matching unasked."""
    from casegraph.linking.candidates import DEFAULT_THRESHOLD

    threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    cache = _Cache.read(store)
    if not cache.fresh(cache_key(store)) or cache.threshold > threshold:
        return None
    found = cache.candidates(threshold)
    if found is None:
        return None
    decided = decided_pairs(store) | told_as_one(store)
    return [c for c in found if frozenset((c.left, c.right)) not in decided], threshold


def told_as_one(store) -> set[frozenset[str]]:
    """Pairs of incidents a review itself says are one event (`same_as` in its file): linked as an
    analyst's acceptance would link them, so never proposed."""
    from casegraph.ontology import CG

    return {frozenset((a.value, b.value)) for a, b in store.query(f"SELECT ?a ?b {{ ?a <{CG}sameEventAs> ?b }}")}


def find_candidate(store, candidate_id: str):
    """The cached (or freshly computed) candidate with this id; UnknownCandidate if none.

    Only the candidate asked for is decoded from a fresh cache, so deciding stays quick however
    many candidates there are. A candidate only a learning listing (`--learn`) proposed is found
    in its cache while the reviews and code are unchanged, whatever was decided since."""
    key = cache_key(store)
    cache = _Cache.read(store)
    fresh = cache.fresh(key)
    if fresh and (candidate := cache.find(candidate_id)) is not None:
        return candidate
    learned = _Cache.read(store, learned=True)
    if learned.data.get("base") == key and learned.fresh(learned.data.get("key")):
        if (candidate := learned.find(candidate_id)) is not None:
            return candidate
    if fresh:
        ids, threshold = cache.ids(), cache.threshold
    else:
        found = load_candidates(store, cache.threshold)
        candidate = found.by_id().get(candidate_id)
        if candidate is not None:
            return candidate
        ids, threshold = list(found.by_id()), found.threshold
    close = difflib.get_close_matches(candidate_id, ids, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise UnknownCandidate(f"no candidate {candidate_id!r} among the {len(ids)} candidate(s) at threshold "
                           f"{threshold:g}{hint} (list them with casegraph link candidates)")


def decidable(store, candidate_id: str):
    """What `decisions.accept` and `reject` take for this id: the id itself when an earlier decision
    knows the pair, else the cached candidate; UnknownCandidate if neither (nothing changes)."""
    if history_for_id(histories(store), candidate_id) is not None:
        return candidate_id
    try:
        return find_candidate(store, candidate_id)
    except UnknownCandidate as error:
        raise UnknownCandidate(f"{error}; nothing changed") from None


@dataclass(frozen=True)
class _Cache:
    """The cache file as read: its key and threshold, and the candidates still as JSON."""

    data: dict

    @classmethod
    def read(cls, store, learned: bool = False) -> _Cache:
        try:
            data = orjson.loads(cache_path(store, learned).read_bytes())
        except (OSError, ValueError):  # orjson's decode error is a ValueError
            data = {}  # missing or unreadable: compute again
        return cls(data if isinstance(data, dict) else {})

    @property
    def threshold(self) -> float | None:
        value = self.data.get("threshold")
        return float(value) if isinstance(value, (int, float)) else None

    def fresh(self, key: str) -> bool:
        return (self.data.get("version") == CACHE_VERSION and self.data.get("key") == key
                and self.threshold is not None and isinstance(self.data.get("candidates"), list))

    def candidates(self, threshold: float) -> tuple | None:
        try:
            return tuple(_candidate_from_json(item) for item in self.data["candidates"] if item["score"] >= threshold)
        except (KeyError, TypeError, ValueError):  # written by another version of the matcher
            return None

    def ids(self) -> list[str]:
        return [item.get("id") for item in self.data["candidates"] if isinstance(item, dict)]

    def find(self, candidate_id: str):
        for item in self.data["candidates"]:
            if isinstance(item, dict) and item.get("id") == candidate_id:
                try:
                    return _candidate_from_json(item)
                except (KeyError, TypeError, ValueError):
                    return None
        return None

    @staticmethod
    def write(store, key: str, threshold: float, candidates: list, base: str | None = None) -> None:
        """base: for candidates learned from decisions, the key of the reviews and code alone."""
        target = cache_path(store, learned=base is not None)
        data = {"version": CACHE_VERSION, "key": key, "threshold": threshold,
                "computed_at": xsd_datetime(), "candidates": list(candidates)}
        if base is not None:
            data["base"] = base
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # orjson writes the dataclasses as objects of their fields (tuples as arrays), as
            # dataclasses.asdict would, ten times quicker for a corpus's tens of thousands.
            encoded = orjson.dumps(data)
            # readers see the old cache or the new one, never half of one
            write_durably(target, lambda handle: handle.write(encoded), sync=False)
        except OSError:
            pass  # the cache only saves time: a store on a read-only disk still answers, just slower


def _candidate_from_json(data: dict):
    from casegraph.linking.candidates import Candidate, Comparison

    values = {name: _tuples(value) for name, value in data.items()}
    values["comparisons"] = tuple(Comparison(**item) for item in data["comparisons"])
    return Candidate(**values)


def _tuples(value):
    """JSON arrays back to the tuples a frozen dataclass holds."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value

