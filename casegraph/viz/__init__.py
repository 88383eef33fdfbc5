"""Pictures of the stored reviews: network pages that open offline, and charts.

- `casegraph.viz.network`: the drawable graph of entities (accepted links merged) and its views
  (whole corpus, one review, a person's ego network, entities across reviews, a query's records);
- `casegraph.viz.layout`: positions computed before the page opens;
- `casegraph.viz.style`: colours, shapes and legend from the ontology's classes;
- `casegraph.viz.page`: one self-contained HTML page (vis-network inlined, nothing fetched);
- `casegraph.viz.charts`: PNG and SVG charts (reviews per year, harm types, framework matrix,
  a person's timeline).

`network_page` runs the whole path, from a property-graph view to a page on disk.

May import `analysis`, `linking`, `queries`, `graph`, `ontology` and the base modules; never
`exchange` or `commands`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from casegraph.graph.view import PropertyGraph


@dataclass(frozen=True)
class PageSummary:
    path: Path
    nodes: int
    edges: int
    description: str


def network_page(view: PropertyGraph, path: Path, *, show: str = "whole", review: str | None = None,
                 person: str | None = None, records: Iterable[str] = (), hops: int | None = None,
                 size_by: str = "degree", merged: bool = True, title: str | None = None,
                 physics: bool | None = None, overview: bool | None = None, candidates: Iterable = (),
                 threshold: float | None = None) -> PageSummary:
    """Draw one view of the stored reviews (see `casegraph.viz.network.select`) as a page at `path`.

    The whole corpus's page opens on the overview of its reviews (`casegraph.viz.overview`) when
    it has two or more (`overview` None), or when `overview` is True; `candidates` (undecided
    `Candidate`s at `threshold`) are drawn there as dashed lines."""
    from casegraph.viz.network import DEFAULT_HOPS, VizError, picture_graph, select
    from casegraph.viz.page import write_page

    picture = picture_graph(view, merged=merged)
    shown = select(picture, show, review=review, person=person, records=records, hops=hops)
    description = {"whole": "all stored reviews", "review": f"review {review}",
                   "ego": f"{person} and what lies within {DEFAULT_HOPS['ego'] if hops is None else hops} step(s)",
                   "cross-review": "entities recorded in two or more reviews, and their neighbours",
                   "records": "the records a query returned"}[show]
    if not len(shown):
        hint = ("; no records are linked across reviews yet: see `casegraph link candidates`"
                if show == "cross-review" else "")
        raise VizError(f"nothing to draw: the view of {description} is empty{hint}")
    links = "following the analysts' accepted links" if merged else "ignoring the analysts' links"
    summary = (f"{shown.number_of_nodes()} entities and {shown.number_of_edges()} relationships: {description}, "
               f"{links}. Hover or click for details; drag to move, scroll to zoom.")
    ego = None
    if show == "ego":  # the person the page is about, marked on it
        from casegraph.analysis.entities import resolve

        ego = resolve(picture, person, what="person", merged=merged)
    drawn_reviews = {r for _, reviews in shown.nodes(data="reviews") for r in reviews}
    with_overview = show == "whole" and (len(drawn_reviews) >= 2 if overview is None else overview)
    def overview_of(index, reviews):
        from casegraph.viz.overview import overview_data

        return overview_data(view, shown, index, reviews, candidates, threshold)

    write_page(shown, path, title=title or f"casegraph: {description}", summary=summary, size_by=size_by,
               physics=physics, ego=ego, overview=overview_of if with_overview else None)
    return PageSummary(Path(path), shown.number_of_nodes(), shown.number_of_edges(), description)
