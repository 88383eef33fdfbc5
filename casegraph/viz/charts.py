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
  ("2016", "early 2017") drawn as a bar over the days it may mean (the pattern report timeline);
- ``escalation``: the escalation timeline of a person or a group (analysis.escalation): one lane
  per person (them, and the peers and adults who shared their incidents), every review's
  incidents, responses and case closures on one axis, linked events once, missed links dashed.

SVG keeps its text as text (searchable, and small); neither format embeds a timestamp, so the
same data gives the same file.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from casegraph.output import clipped
from casegraph.viz.network import VizError

if TYPE_CHECKING:
    from casegraph.graph.store import ReviewStore

AXIS_LABEL_CHARACTERS = 60
DISCRETE_COUNTS = 9  # up to this many items in a cell, the matrix has one colour per count
PRIMARY_TAGS = {"Contextual dynamics of harm": "harm", "Contextual dynamics of protection and safety": "safety",
                "Professional responses": "response", "Approach of the case review": "approach"}
BLUE, ORANGE, RED = "#0072B2", "#E69F00", "#D55E00"  # Okabe-Ito: told apart with any colour vision
KINDS = ("reviews-per-year", "harm-types", "framework-matrix", "timeline", "escalation")
MATRIX_GROUPS = ("auto", "review", "year", "area")
MATRIX_REVIEWS = 40  # more reviews than this, and "auto" groups the framework matrix by year
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
REVIEW_GROUPS = """
SELECT ?graph (SAMPLE(?year) AS ?y) (SAMPLE(?area) AS ?a)
WHERE { GRAPH ?graph { ?graph a cg:Review OPTIONAL { ?graph cg:publicationYear ?year }
                       OPTIONAL { ?graph cg:area|cg:partnership ?area } } }
GROUP BY ?graph
"""


@dataclass
class ChartTable:
    """What one chart draws: a title, column names and rows (plain values)."""

    kind: str
    title: str
    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    lanes: list[tuple[str, str, str]] = field(default_factory=list)  # escalation: (entity, name, role) per lane
    missed: list[tuple[str, str, str]] = field(default_factory=list)  # escalation: missed links between its rows


def chart_table(store: ReviewStore, kind: str, *, person: str | None = None, merged: bool = True,
                by: str = "auto", top: int | None = None, group: str | None = None) -> ChartTable:
    """The rows of one chart kind (see the module docstring) from the stored reviews.

    framework-matrix: `by` review, year or area ("auto": by review up to MATRIX_REVIEWS reviews,
    else by year of publication, so a large corpus gives a legible picture); `top` keeps the N
    reviews with most items coded (by review only)."""
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
        return _framework_matrix(store, by, top)
    if kind == "timeline":
        return _timeline(store, person, merged)
    if kind == "escalation":
        return _escalation(store, person, group, merged)
    raise VizError(f"unknown chart {kind!r}; choose one of {', '.join(KINDS)}")


def _plain(term) -> object:
    """A SPARQL result term as a plain value: an IRI's text, a literal's number or text."""
    import pyoxigraph as ox

    from casegraph.graph.view import literal_value

    return literal_value(term) if isinstance(term, ox.Literal) else getattr(term, "value", term)


def natural_key(text: str) -> tuple:
    """Sorts "scr-2" before "scr-12", as a reader expects.

    >>> sorted(["scr-12", "scr-2", "scr-1"], key=natural_key)
    ['scr-1', 'scr-2', 'scr-12']
    """
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
                 for part in re.split(r"(\d+)", str(text)) if part)


def _framework_matrix(store: ReviewStore, by: str = "auto", top: int | None = None) -> ChartTable:
    from casegraph.ontology import REVIEW
    from casegraph.queries.sparql import run_sparql

    if by not in MATRIX_GROUPS:
        raise VizError(f"cannot group the framework matrix by {by!r}; choose one of {', '.join(MATRIX_GROUPS)}")
    rows = [[_plain(term) for term in row] for row in run_sparql(store, FRAMEWORK_MATRIX).rows]
    rows = [[str(graph)[len(REVIEW):], primary, label, items] for graph, primary, _, label, items in rows
            if str(graph).startswith(REVIEW)]
    reviews = {row[0] for row in rows}
    if by == "auto":
        by = "review" if len(reviews) <= MATRIX_REVIEWS or top else "year"
    if by == "review" and top:
        totals: dict[str, int] = {}
        for review, _, _, items in rows:
            totals[review] = totals.get(review, 0) + items
        kept = set(sorted(totals, key=lambda r: (-totals[r], natural_key(r)))[:top])
        rows = [row for row in rows if row[0] in kept]
    if by != "review":
        about = {str(graph)[len(REVIEW):]: (year, area) for graph, year, area in
                 ([_plain(t) for t in row] for row in run_sparql(store, REVIEW_GROUPS).rows)}
        summed: dict[tuple, int] = {}
        for review, primary, node, items in rows:
            year, area = about.get(review, (None, None))
            group = str(year if by == "year" else area or "area not stated")
            summed[group, primary, node] = summed.get((group, primary, node), 0) + items
        rows = [[group, primary, node, items] for (group, primary, node), items in summed.items()]
    rows.sort(key=lambda row: (natural_key(row[0]), row[1], row[2]))
    what = {"review": "review", "year": "year of publication", "area": "area"}[by]
    return ChartTable("framework-matrix", f"Coding framework by {what} (items coded)", [by, "primary node", "node", "items"],
                      rows)


def _timeline(store: ReviewStore, person: str | None, merged: bool) -> ChartTable:
    from casegraph.analysis.escalation import EVENT_SCHEMES
    from casegraph.analysis.patterns import timeline
    from casegraph.graph.view_cache import view_of_store
    from casegraph.ontology import vocabulary

    if not person:
        raise VizError("the timeline chart needs a person (--person REVIEW/ITEM or a record IRI)")
    report = timeline(view_of_store(store), person, merged=merged)
    wanted = ["when", "earliest", "latest", "event", "record", "detail", "review"]
    at = [report.columns.index(name) for name in wanted]
    labels = vocabulary().code_labels(*EVENT_SCHEMES)
    rows = [[row[i] for i in at] for row in report.rows]
    for row in rows:  # "childrens-social-care out-of-home-placement" as a reader says it
        detail = re.sub(r"(?<=[a-z0-9]) (?=[a-z0-9])", " · ", row[5] or "")  # agency · kind
        row[5] = re.sub(r"[a-z0-9]+(?:-[a-z0-9]+)*", lambda m: labels.get(m.group(), m.group()), detail)
    return ChartTable("timeline", f"Timeline of {person}", wanted, rows)


def _escalation(store: ReviewStore, person: str | None, group: str | None, merged: bool) -> ChartTable:
    """The escalation chart's rows: one per event, with the lanes it is drawn on."""
    from casegraph.analysis.escalation import escalation
    from casegraph.graph.view_cache import view_of_store

    if not (person or group):
        raise VizError("the escalation chart needs a person (--person) or a group (--group)")
    found = escalation(view_of_store(store), person=person, group=group, merged=merged)
    rows = [[e.when, e.earliest, e.latest, e.kind, e.entity, e.detail, "; ".join(e.reviews), list(e.lanes)]
            for e in found.events]
    return ChartTable("escalation", found.title, ["when", "earliest", "latest", "event", "record", "detail", "review",
                                                  "lanes"], rows, [(l.entity, l.name, l.role) for l in found.lanes],
                      list(found.missed))


# -- drawing --------------------------------------------------------------------------------------

def draw(table: ChartTable, path, fmt: str | None = None):
    """Write the chart to `path` as PNG or SVG (from `fmt`, else the file's suffix); `path` may be a
    binary file object, with `fmt` given."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    path = Path(path) if isinstance(path, (str, Path)) else path
    fmt = (fmt or (path.suffix.lstrip(".") if isinstance(path, Path) else "") or "png").lower()
    if fmt not in FORMATS:
        raise VizError(f"cannot write a chart as {fmt!r}; choose {' or '.join(FORMATS)} (--format, or the "
                       f"file's suffix)")
    if not table.rows:
        raise VizError(f"nothing to draw for {table.kind}: the stored reviews give it no rows")
    with plt.rc_context({"svg.fonttype": "none", "font.size": 9, "svg.hashsalt": "casegraph"}):
        figure = {"reviews-per-year": _bars, "harm-types": _harm_bars, "framework-matrix": _heatmap,
                  "timeline": _timeline_axes, "escalation": _escalation_axes}[table.kind](plt, table)
        figure.suptitle(table.title)
        figure.savefig(path, format=fmt, dpi=120, bbox_inches="tight",
                       metadata={"Date": None} if fmt == "svg" else {"Software": None})
        plt.close(figure)
    return path


def _bars(plt, table: ChartTable):
    figure, axes = plt.subplots(figsize=(7, 3.6), layout="constrained")
    years = [str(row[0]) for row in table.rows]
    counts = [row[1] for row in table.rows]
    bars = axes.bar(years, counts, color=BLUE)
    axes.bar_label(bars)
    axes.set_xlabel("year of publication")
    axes.set_ylabel("reviews")
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _harm_bars(plt, table: ChartTable):
    """Reviews and incidents on panels of their own: a harm type in 5 reviews and 90 incidents
    would otherwise flatten every review bar."""
    rows = list(reversed(table.rows))  # largest at the top
    figure, (left, right) = plt.subplots(1, 2, sharey=True, figsize=(9, 0.32 * len(rows) + 1.4), layout="constrained")
    positions = list(range(len(rows)))
    for axes, column, colour, what in ((left, 1, BLUE, "reviews"), (right, 2, ORANGE, "incidents")):
        bars = axes.barh(positions, [r[column] for r in rows], height=0.7, color=colour)
        axes.bar_label(bars, fontsize=7, padding=2)
        axes.set_xlabel(what)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.spines[["top", "right"]].set_visible(False)
    left.set_yticks(positions, [str(r[0]) for r in rows])
    left.set_ylabel("harm type")
    return figure


def _heatmap(plt, table: ChartTable):
    import numpy as np
    from matplotlib.colors import BoundaryNorm, ListedColormap

    groups = sorted({row[0] for row in table.rows}, key=natural_key)
    nodes = sorted({(row[1], row[2]) for row in table.rows})
    grid = np.zeros((len(groups), len(nodes)))
    for group, primary, node, items in table.rows:
        grid[groups.index(group), nodes.index((primary, node))] = items
    figure, axes = plt.subplots(figsize=(max(6, 0.32 * len(nodes) + 3), max(3, 0.25 * len(groups) + 2.4)),
                                layout="constrained")
    top = int(grid.max())
    if top <= DISCRETE_COUNTS:  # small counts: one colour per count, not a continuous ramp
        colours = plt.get_cmap("Blues")(np.linspace(0.15, 1, top))
        cmap = ListedColormap(np.vstack([[1, 1, 1, 1], colours]))
        norm = BoundaryNorm(np.arange(-0.5, top + 1), cmap.N)
        image = axes.imshow(grid, aspect="auto", cmap=cmap, norm=norm, interpolation="nearest")
        figure.colorbar(image, ax=axes, label="items coded", location="bottom", shrink=0.5, aspect=30,
                        ticks=range(top + 1))
    else:
        image = axes.imshow(grid, aspect="auto", cmap="Blues", interpolation="nearest")
        bar = figure.colorbar(image, ax=axes, label="items coded", location="bottom", shrink=0.5, aspect=30)
        bar.ax.xaxis.get_major_locator().set_params(integer=True)
    names = [f"{clipped(node, AXIS_LABEL_CHARACTERS - 12)} · {clipped(PRIMARY_TAGS.get(primary, primary), 10)}"
             for primary, node in nodes]
    axes.xaxis.tick_top()  # node names where the eye starts, under the title
    axes.set_xticks(range(len(nodes)), names, rotation=60, ha="left", fontsize=7)
    axes.set_yticks(range(len(groups)), [str(g) for g in groups], fontsize=7)
    axes.set_ylabel(table.columns[0] if table.columns[0] != "review" else "review")
    for (y, x), value in np.ndenumerate(grid):
        if value:
            axes.text(x, y, str(int(value)), ha="center", va="center", fontsize=6,
                      color="white" if value > grid.max() / 2 else "black")
    return figure


def _timeline_axes(plt, table: ChartTable):
    from datetime import date

    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    dated = [row for row in table.rows if row[1]]
    if not dated:
        raise VizError(f"nothing to draw for the timeline: none of its {len(table.rows)} events has a date")
    figure, axes = plt.subplots(figsize=(9, 0.34 * len(dated) + 1.8), layout="constrained")
    colours = {"incident": RED, "response": BLUE}
    for y, (when, earliest, latest, event, record, detail, review) in enumerate(dated):
        start, end = date.fromisoformat(earliest[:10]), date.fromisoformat((latest or earliest)[:10])
        axes.plot([start, end], [y, y], color=colours.get(event, "#555"), linewidth=6, solid_capstyle="butt")
        axes.plot([start], [y], marker="o", color=colours.get(event, "#555"))
        axes.annotate(f"{when}: {detail}", (end, y), xytext=(6, 0), textcoords="offset points", va="center",
                      fontsize=7)
    axes.set_yticks(range(len(dated)), [f"{row[6] or row[4].rsplit('/', 2)[-2]}: {row[3]}" for row in dated],
                    fontsize=7)
    axes.invert_yaxis()
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    axes.set_xlabel("date (a partial date is drawn over the days it may mean)")
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(handles=[Line2D([], [], color=colour, linewidth=6, label=event) for event, colour in colours.items()],
                loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    undated = len(table.rows) - len(dated)
    if undated:
        axes.set_title(f"{undated} undated event(s) not drawn (casegraph patterns timeline lists them)",
                       fontsize=8, loc="left", color="#444")
    return figure


MARKS = {"incident": ("o", RED), "response": ("s", BLUE), "closure": ("X", "#000000")}


MISSED = "#CC79A7"
MISSED_ALL_UP_TO = 60  # more missed links than this are drawn only between neighbours on a lane


def _missed_drawn(table: ChartTable, dated: list, centre: dict, lane_of: dict) -> list[tuple]:
    """The missed links to draw, as pairs of (date, lane) ends: all of them when few, each from
    one incident's mark to the other's; else those between incidents next to each other in time
    on one lane, along that lane (a chain that shows the pattern; every pair is in the page's table)."""
    missed = [(a, b) for a, b, _ in table.missed if centre.get(a) and centre.get(b)]
    if len(missed) <= MISSED_ALL_UP_TO:
        return [(centre[a], centre[b]) for a, b in missed]
    pairs = {frozenset(pair) for pair in missed}
    on_lane: dict[str, list] = defaultdict(list)
    for _when, earliest, _latest, _event, record, _detail, _review, lanes in dated:
        for lane in lanes:
            if lane in lane_of:
                on_lane[lane].append((earliest, record))
    drawn = []
    for lane, events in on_lane.items():
        ordered = [record for _, record in sorted(events)]
        drawn += [((centre[a][0], lane_of[lane]), (centre[b][0], lane_of[lane]))
                  for a, b in zip(ordered, ordered[1:]) if frozenset((a, b)) in pairs]
    return drawn


def _arcs(ends: list, mdates):
    """Dashed arcs over the lanes between pairs of (date, lane) points, as one collection (an
    annotation each took seconds for a few thousand)."""
    import numpy as np
    from matplotlib.collections import LineCollection

    t = np.linspace(0.0, 1.0, 17)[:, None]
    segments = []
    for (x1, y1), (x2, y2) in ends:
        start, end = np.array([mdates.date2num(x1), y1]), np.array([mdates.date2num(x2), y2])
        control = (start + end) / 2 - np.array([0.0, 0.35])  # bulging up, above the lane
        segments.append((1 - t) ** 2 * start + 2 * (1 - t) * t * control + t ** 2 * end)
    return LineCollection(segments, colors=MISSED, linestyles="--", linewidths=0.9)


def _escalation_axes(plt, table: ChartTable):
    """One lane per person; each event on the lanes of those in it, joined when on several; an
    event two reviews recorded drawn once and named with both; missed links dashed."""
    from datetime import date

    import matplotlib.dates as mdates
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    dated = [row for row in table.rows if row[1]]
    if not dated:
        raise VizError(f"nothing to draw for the escalation timeline: none of its {len(table.rows)} events has a date")
    lane_of = {entity: n for n, (entity, _, _) in enumerate(table.lanes)}
    figure, axes = plt.subplots(figsize=(11, 0.55 * len(table.lanes) + 2.2), layout="constrained")
    centre = {}
    # each kind's marks, spans and joins gathered and drawn as one artist each: an artist per
    # event took most of the time of a group's timeline
    marks, spans, joins = defaultdict(list), defaultdict(list), defaultdict(list)
    for when, earliest, latest, event, record, detail, review, lanes in dated:
        start, end = date.fromisoformat(earliest[:10]), date.fromisoformat((latest or earliest)[:10])
        middle = start + (end - start) / 2
        ys = sorted(lane_of[lane] for lane in lanes if lane in lane_of)
        if len(ys) > 1:
            joins[event].append([(mdates.date2num(middle), ys[0]), (mdates.date2num(middle), ys[-1])])
        for y in ys:
            spans[event].append([(mdates.date2num(start), y), (mdates.date2num(end), y)])
            marks[event].append((middle, y))
        if ";" in review:  # recorded in two reviews: drawn once, both named
            axes.annotate(review, (middle, ys[0]), xytext=(0, 8), textcoords="offset points", fontsize=8.5,
                          ha="center", color="#333")
        centre[record] = (middle, ys[0]) if ys else None
    for event, points in marks.items():
        marker, colour = MARKS.get(event, ("o", "#555"))
        axes.add_collection(LineCollection(joins[event], colors=colour, linewidths=0.8, alpha=0.5))
        axes.add_collection(LineCollection(spans[event], colors=colour, linewidths=5, alpha=0.35, capstyle="butt"))
        axes.plot([x for x, _ in points], [y for _, y in points], marker=marker, color=colour, markersize=6,
                  linestyle="none")
    drawn_missed = _missed_drawn(table, dated, centre, lane_of)
    if drawn_missed:
        axes.add_collection(_arcs(drawn_missed, mdates))
    # text of 8.5 pt and more: at least 11 px on the page, as on the network pages
    axes.set_yticks(range(len(table.lanes)), [f"{name} ({role})" for _, name, role in table.lanes], fontsize=9)
    axes.set_ylim(len(table.lanes) - 0.5, -0.7)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    axes.set_xlabel("date (a partial date is drawn over the days it may mean)")
    axes.grid(axis="y", color="#eee")
    axes.spines[["top", "right"]].set_visible(False)
    handles = [Line2D([], [], marker=m, color=c, linestyle="none", label=e) for e, (m, c) in MARKS.items()]
    every = len(table.missed) <= MISSED_ALL_UP_TO
    handles.append(Line2D([], [], color=MISSED, linestyle="--",
                          label="missed link (shared someone, never linked)" if every else
                          f"missed link, between neighbours on a lane ({len(table.missed)} in all)"))
    axes.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=9)
    undated = len(table.rows) - len(dated)
    if undated:
        axes.set_title(f"{undated} undated event(s) not drawn", fontsize=9, loc="left", color="#444")
    return figure

