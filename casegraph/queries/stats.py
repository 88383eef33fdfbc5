"""Corpus counts for `casegraph stats`: records by class, reviews and incidents by harm type, reviews by year.

Each table is a saved question of the library (`casegraph query run NAME` gives the same rows).
"""
from __future__ import annotations

from dataclasses import dataclass

from casegraph.graph.store import ReviewStore
from casegraph.ontology import vocabulary
from casegraph.queries import saved_query


@dataclass(frozen=True)
class Table:
    title: str
    columns: list[str]
    rows: list[list[object]]


def _value(term) -> object:
    if term is None:
        return None
    text = term.value
    return int(text) if text.isdigit() else text


def _run(store: ReviewStore, name: str, *columns: str) -> list[list[object]]:
    """The named columns of a saved question's rows."""
    result = store.query(saved_query(name).text)
    return [[_value(solution[column]) for column in columns] for solution in result]


def store_stats(store: ReviewStore) -> list[Table]:
    vocab = vocabulary()
    classes = [[vocab.label(cls), count] for cls, count in _run(store, "records-by-class", "class", "count")]
    harm = [[vocab.label(h), reviews, incidents]
            for h, reviews, incidents in _run(store, "harm-types", "harmType", "reviews", "incidents")]
    years = _run(store, "reviews-per-year", "year", "reviews")
    return [Table("records by class", ["class", "count"], classes),
            Table("harm types", ["harm type", "reviews", "incidents"], harm),
            Table("reviews by year", ["year", "reviews"], years)]
