"""The records to link, each review's assembled once and kept beside the store.

Reading 230,000 records out of a 5,800-review store by SPARQL took half a minute, every time
(Oxigraph's cost per row, then assembling them in Python). A review's records depend only on its
own quads (`records.review_records`), so the loader's workers assemble them while they hold the
quads anyway (`record_part`, passed to `load_paths`) and the store keeps them under the review's
digest and these rules' version, as it keeps each review's part of the view. `link_records`
reads the kept ones; reviews loaded another way (an import, a restore, a store from before) or
changed by a SPARQL update get theirs on first read, and keep them. What joins reviews, the
analysts' links (owl:sameAs), is applied on reading: an incident's victims are the entities the
links make them.

The files are JSON (orjson): plain values, nothing executable, readable by any tool.
"""
from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path

import orjson

from casegraph.graph.view import view_rules
from casegraph.graph.view_files import keep_parts, kept_part
from casegraph.linking import records as records_module
from casegraph.linking import words as words_module
from casegraph.linking.closure import components
from casegraph.linking.records import LinkRecord, query_records, review_records
from casegraph.memory import without_cycle_collection
from casegraph.ontology import CG, OWL

_FIELDS = tuple(LinkRecord.__dataclass_fields__)
_EMPTY: frozenset = frozenset()


@functools.cache
def part_name() -> str:
    """The kept records' name: their rules' version (the code that assembles them, and the
    ontology's), so records assembled under other rules are assembled again."""
    code = b"".join(Path(module.__file__).read_bytes() for module in (records_module, words_module))
    return f"records.{hashlib.sha256(code + view_rules().encode()).hexdigest()[:16]}"


def records_bytes(records: Iterable[LinkRecord]) -> bytes:
    """Records as JSON rows, one value per field (sets sorted, so equal records give equal bytes)."""
    rows = []
    for record in records:
        row = [getattr(record, name) for name in _FIELDS]
        rows.append([sorted(value) if isinstance(value, frozenset) else value for value in row])
    return orjson.dumps(rows)


def records_from_bytes(data: bytes) -> list[LinkRecord]:
    made, new = [], object.__new__
    for (iri, review, kind, label, root, names, aliases, gender, birth_months, area, review_area, years, harm_types,
         places, people, agency, relation, events, outcome, months, victims, looked_after, published) in orjson.loads(data):
        # A frozen dataclass's __init__ sets each field through object.__setattr__: filling
        # __dict__ directly is several times quicker for a corpus's hundreds of thousands.
        record = new(LinkRecord)
        record.__dict__.update(
            iri=iri, review=review, kind=kind, label=label, root=root, names=tuple(names), aliases=tuple(aliases),
            gender=gender, birth_months=birth_months and tuple(birth_months), area=area, review_area=review_area,
            years=years and tuple(years), harm_types=frozenset(harm_types) if harm_types else _EMPTY,
            places=frozenset(places) if places else _EMPTY, people=frozenset(people) if people else _EMPTY,
            agency=agency, relation=relation, events=frozenset(map(tuple, events)) if events else _EMPTY,
            outcome=outcome and tuple(outcome), months=months and tuple(months),
            victims=frozenset(victims) if victims else _EMPTY, looked_after=looked_after, published=published)
        made.append(record)
    return made


def record_part(quads) -> tuple[str, bytes]:
    """One review's records, to keep beside the store (a loader's worker calls this)."""
    return part_name(), records_bytes(review_records(quads))


def link_records(store) -> list[LinkRecord]:
    """Every person, group and place in the store as a `LinkRecord`, sorted by IRI, incidents'
    victims joined by the analysts' links."""
    with without_cycle_collection():
        return _link_records(store)


def _link_records(store) -> list[LinkRecord]:
    digests, name, reviews = store.digests(), part_name(), store.review_ids()
    found: list[LinkRecord] = []
    missing = []
    for review in reviews:
        kept = kept_part(store.path, name, digests[review], records_from_bytes) if digests.get(review) else None
        if kept is None:  # none kept, or damaged (then deleted): assembled again
            missing.append(review)
        else:
            found += kept
    if missing:
        found += _derive(store, missing, len(reviews), digests)
    linked = [(a.value, b.value) for a, b in store.query(f"SELECT ?a ?b {{ ?a <{OWL}sameAs>|<{CG}sameEventAs> ?b }}")]
    found.sort(key=lambda record: record.iri)
    return _joined(found, components(linked)) if linked else found


def _derive(store, reviews: list[str], stored: int, digests: dict) -> list[LinkRecord]:
    """The records of `reviews`, assembled and kept: from each review's quads when few are
    missing (of the `stored` reviews), else from one pass over the store (its scans cost the same
    however few are wanted)."""
    if 2 * len(reviews) < stored:
        by_review = {review: review_records(store.review_quads([review], links=False)) for review in reviews}
    else:
        wanted = set(reviews)
        by_review = {review: [] for review in reviews}
        for record in query_records(store):
            if record.review in wanted:
                by_review[record.review].append(record)
    name = part_name()
    keep_parts(store.path, [(name, digests[review], records_bytes(found))
                            for review, found in by_review.items() if digests.get(review)])
    return [record for found in by_review.values() for record in found]


def _joined(records: list[LinkRecord], entity: dict[str, str]) -> list[LinkRecord]:
    """Each incident's victims as the entities the links join them into (their smallest IRI)."""
    import dataclasses

    return [dataclasses.replace(record, victims=frozenset(entity.get(v, v) for v in record.victims))
            if record.victims and not record.victims.isdisjoint(entity) else record for record in records]


__all__ = ["link_records", "part_name", "record_part", "records_bytes", "records_from_bytes"]
