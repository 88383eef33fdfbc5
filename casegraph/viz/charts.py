"""Charts of the stored reviews as PNG or SVG files, drawn with matplotlib without a display.

Each chart is two steps, so the numbers can be checked apart from the drawing:
`chart_table(store, kind, ...)` returns a `ChartTable` (the rows a chart draws, the same
numbers `casegraph query run` gives), and `draw(table, path)` writes the picture. The kinds:

- ``reviews-per-year``: reviews by publication year (the saved question reviews-per-year; the
  study's Figure 1);
- ``harm-types``: reviews and incidents per harm type of the study's Table 3 (the saved
  question harm-types);
- ``framework-matrix``: reviews x the coding framework's child nodes (contexts of harm and of
  safety, responses, the review's approach), each cell the number of items coded to that node
  in that review; the study's framework analysis, one row per review;
- ``timeline``: a person's incidents and professional responses on a time axis, a partial date
  ("2016", "early 2017") drawn as a bar over the days it may mean (the pattern report timeline).

SVG keeps its text as text (searchable, and small); neither format embeds a timestamp, so the
same data gives the same file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from casegraph.output import clipped
from casegraph.viz.network import VizError

if TYPE_CHECKING:
    from casegraph.graph.store import ReviewStore

AXIS_LABEL_CHARACTERS = 60
KINDS = ("reviews-per-year", "harm-types", "framework-matrix", "timeline")
FORMATS = ("png", "svg")
FRAMEWORK_MATRIX = """
SELECT ?graph ?primaryLabel ?node ?label (COUNT(DISTINCT ?item) AS ?items)
WHERE {
  ?primary skos:topConceptOf code:framework ; skos:prefLabel ?primaryLabel .
  ?node skos:broader ?primary ; skos:prefLabel ?label .
  GRAPH ?graph { ?item cg:codedAs ?node }
}
GROUP BY ?graph ?primaryLabel ?node ?label
"""


@dataclass
class ChartTable:
    """What one chart draws: a title, column names and rows (plain values)."""

    kind: str
    title: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)


def chart_table(store: ReviewStore, kind: str, *, person: str | None = None, merged: bool = True) -> ChartTable:
    """The rows of one chart kind (see the module docstring) from the stored reviews."""
    from casegraph.queries import saved_query
    from casegraph.queries.sparql import run_sparql

    if kind in ("reviews-per-year", "harm-types"):
        saved = saved_query(kind)
        result = run_sparql(store, saved.text, saved=saved)
        rows = [[_plain(term) for term in row] for row in result.rows]
        if kind == "reviews-per-year":
            return ChartTable(kind, "Reviews by year of publication", ["year", "reviews"], rows)
        return ChartTable(kind, "Reviews and incidents by harm type", ["harm type", "reviews", "incidents"],
                          [[label, reviews, incidents] for _, label, reviews, incidents in rows])
    if kind == "framework-matrix":
        return _framework_matrix(store)
    if kind == "timeline":
        return _timeline(store, person, merged)
    raise VizError(f"unknown chart {kind!r}; choose one of {', '.join(KINDS)}")


def _plain(term) -> object:
    """A SPARQL result term as a plain value: an IRI's text, a literal's number or text."""
    import pyoxigraph as ox

    from casegraph.graph.view import literal_value

    return literal_value(term) if isinstance(term, ox.Literal) else getattr(term, "value", term)


def _framework_matrix(store: ReviewStore) -> ChartTable:
    from casegraph.ontology import REVIEW
    from casegraph.queries.sparql import run_sparql

    rows = [[_plain(term) for term in row] for row in run_sparql(store, FRAMEWORK_MATRIX).rows]
    rows = [[str(graph)[len(REVIEW):], primary, label, items] for graph, primary, _, label, items in rows
            if str(graph).startswith(REVIEW)]
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    return ChartTable("framework-matrix", "Coding framework by review (items coded)",
                      ["review", "primary node", "node", "items"], rows)


def _timeline(store: ReviewStore, person: str | None, merged: bool) -> ChartTable:
    from casegraph.graph.view import view_of_store
    from casegraph.analysis.patterns import timeline

    if not person:
        raise VizError("the timeline chart needs a person (--person REVIEW/ITEM or a record IRI)")
    report = timeline(view_of_store(store), person, merged=merged)
    wanted = ["when", "earliest", "latest", "event", "record", "detail"]
    at = [report.columns.index(name) for name in wanted]
    return ChartTable("timeline", f"Timeline of {person}", wanted, [[row[i] for i in at] for row in report.rows])


# -- drawing --------------------------------------------------------------------------------------

def draw(table: ChartTable, path: Path, fmt: str | None = None) -> Path:
    """Write the chart to `path` as PNG or SVG (from `fmt`, else the file's suffix)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "png").lower()
    if fmt not in FORMATS:
        raise VizError(f"cannot write a chart as {fmt!r}; choose {' or '.join(FORMATS)} (--format, or the "
                       f"file's suffix)")
    if not table.rows:
        raise VizError(f"nothing to draw for {table.kind}: the stored reviews give it no rows")
    with plt.rc_context({"svg.fonttype": "none", "font.size": 9, "svg.hashsalt": "casegraph"}):
        figure = {"reviews-per-year": _bars, "harm-types": _harm_bars, "framework-matrix": _heatmap,
                  "timeline": _timeline_axes}[table.kind](plt, table)
        figure.suptitle(table.title)
        figure.savefig(path, format=fmt, dpi=120, bbox_inches="tight",
                       metadata={"Date": None} if fmt == "svg" else {"Software": None})
        plt.close(figure)
    return path


def _bars(plt, table: ChartTable):
    figure, axes = plt.subplots(figsize=(7, 3.6))
    years = [str(row[0]) for row in table.rows]
    counts = [row[1] for row in table.rows]
    bars = axes.bar(years, counts, color="#1f77b4")
    axes.bar_label(bars)
    axes.set_xlabel("year of publication")
    axes.set_ylabel("reviews")
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _harm_bars(plt, table: ChartTable):
    rows = list(reversed(table.rows))  # largest at the top
    figure, axes = plt.subplots(figsize=(7, 0.35 * len(rows) + 1.2))
    positions = range(len(rows))
    reviews = axes.barh([p + 0.2 for p in positions], [r[1] for r in rows], height=0.4, label="reviews",
                        color="#1f77b4")
    incidents = axes.barh([p - 0.2 for p in positions], [r[2] for r in rows], height=0.4, label="incidents",
                          color="#ff7f0e")
    axes.bar_label(reviews, fontsize=7)
    axes.bar_label(incidents, fontsize=7)
    axes.set_yticks(list(positions), [str(r[0]) for r in rows])
    axes.legend(loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _heatmap(plt, table: ChartTable):
    import numpy as np

    reviews = sorted({row[0] for row in table.rows})
    nodes = sorted({(row[1], row[2]) for row in table.rows})
    grid = np.zeros((len(reviews), len(nodes)))
    for review, primary, node, items in table.rows:
        grid[reviews.index(review), nodes.index((primary, node))] = items
    figure, axes = plt.subplots(figsize=(max(6, 0.32 * len(nodes) + 3), max(3, 0.25 * len(reviews) + 2)))
    image = axes.imshow(grid, aspect="auto", cmap="Blues", interpolation="nearest")
    names = [clipped(f"{node} ({primary})", AXIS_LABEL_CHARACTERS) for primary, node in nodes]
    axes.set_xticks(range(len(nodes)), names, rotation=70, ha="right", fontsize=7)
    axes.set_yticks(range(len(reviews)), reviews, fontsize=7)
    for (y, x), value in np.ndenumerate(grid):
        if value:
            axes.text(x, y, str(int(value)), ha="center", va="center", fontsize=6,
                      color="white" if value > grid.max() / 2 else "black")
    bar = figure.colorbar(image, ax=axes, label="items coded", shrink=0.8)
    bar.ax.yaxis.get_major_locator().set_params(integer=True)
    return figure


def _timeline_axes(plt, table: ChartTable):
    from datetime import date

    import matplotlib.dates as mdates

    dated = [row for row in table.rows if row[1]]
    if not dated:
        raise VizError(f"nothing to draw for the timeline: none of its {len(table.rows)} events has a date")
    figure, axes = plt.subplots(figsize=(8, 0.32 * len(dated) + 1.5))
    colours = {"incident": "#d62728", "response": "#1f77b4"}
    for y, (when, earliest, latest, event, record, detail) in enumerate(dated):
        start, end = date.fromisoformat(earliest[:10]), date.fromisoformat((latest or earliest)[:10])
        axes.plot([start, end], [y, y], color=colours.get(event, "#555"), linewidth=6, solid_capstyle="butt")
        axes.plot([start], [y], marker="o", color=colours.get(event, "#555"))
        axes.annotate(f"{when}: {detail}", (end, y), xytext=(6, 0), textcoords="offset points", va="center",
                      fontsize=7)
    axes.set_yticks(range(len(dated)), [f"{row[3]} {row[4].rsplit('/', 1)[-1]}" for row in dated], fontsize=7)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    axes.spines[["top", "right"]].set_visible(False)
    undated = len(table.rows) - len(dated)
    if undated:
        axes.set_xlabel(f"{undated} undated event(s) not drawn")
    return figure
