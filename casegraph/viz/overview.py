"""The corpus overview: reviews as nodes, joined by what they share.

A whole corpus drawn entity by entity is a grid of look-alike hairballs, one per review, and
shows only that reviews are apart. The overview draws each review once, sized by the people it
records and coloured by year or by its main harm type, and joins two reviews by

- the entities an analyst's accepted links made one (solid, thicker the more they share), and
- the candidate matches above the threshold no one has decided yet (dashed, from the store's
  candidate cache: computing candidates is `casegraph link candidates`' work, not a picture's).

An entity recorded in more than `PAIRS_UP_TO` reviews (a bus station, a platform, a man known
across an area) would join every pair of them, a clique of thousands of lines for one place; it
is drawn instead as a small node of its own (a *hub*) with a line to each of its reviews.

The overview travels in the same page as the entity network (`casegraph.viz.page`), so a click on
a review or a line opens the entities behind it without another file, and the entity network is
one click away. Review indices are those of the entity page's review filter; entity indices are
the page's node indices.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from casegraph.viz.layout import grouped_positions

if TYPE_CHECKING:
    import networkx as nx

    from casegraph.graph.view import PropertyGraph

MIN_SIZE, MAX_SIZE = 8.0, 36.0
PAIRS_UP_TO = 3  # an entity in more reviews than this is a hub, not a line between each pair
HUB_SIZE = 5.0
NAMES_SHOWN = 6  # shared entities named in a line's tooltip
PEOPLE_FAMILY = "Person"
AREA_FROM = 3  # reviews of one area drawn together, in a circle named for it, from this many
OTHER_AREAS = "other areas, or none given"


def overview_data(view: PropertyGraph, picture: nx.MultiDiGraph, index: Mapping[str, int], reviews: list[str],
                  candidates: Iterable = (), threshold: float | None = None) -> dict:
    """The overview's JSON: one row per review in `reviews` (the page's order), one per joined pair."""
    about = _review_records(view)
    position = {review: i for i, review in enumerate(reviews)}
    people, harm = Counter(), defaultdict(Counter)
    shared: dict[tuple[int, int], list[str]] = defaultdict(list)
    hubs: list[tuple[str, list[int]]] = []
    for entity, data in picture.nodes(data=True):
        ids = sorted(position[r] for r in data["reviews"] if r in position)
        for i in ids:
            if data["style"].family == PEOPLE_FAMILY:
                people[i] += 1
            if data["labels"] & {"Incident"}:
                harm[i].update(data["harm"])
        if len(ids) > PAIRS_UP_TO:
            hubs.append((entity, ids))
            continue
        for a_at, a in enumerate(ids):
            for b in ids[a_at + 1:]:
                shared[(a, b)].append(entity)
    proposed: dict[tuple[int, int], list[tuple[str, str, float]]] = defaultdict(list)
    entity_of = picture.graph["entity_of"]
    for candidate in candidates:
        a, b = position.get(candidate.left_review), position.get(candidate.right_review)
        if a is None or b is None or a == b or candidate.left not in entity_of or candidate.right not in entity_of:
            continue
        left, right = entity_of[candidate.left], entity_of[candidate.right]
        if left != right:  # not already one entity through links made some other way
            proposed[(min(a, b), max(a, b))].append((left, right, candidate.score))
    harm_types = sorted({h for counts in harm.values() for h in counts})
    harm_index = {h: i for i, h in enumerate(harm_types)}
    pairs = list(shared) + [pair for pair in proposed if pair not in shared]
    first_hub = len(reviews)
    spokes = [(first_hub + h, i) for h, (_, ids) in enumerate(hubs) for i in ids]
    top = max(people.values(), default=0) or 1
    sizes = [MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(people[i] / top) for i in range(len(reviews))]
    areas = _by_area([about.get(review, {}).get("area") for review in reviews])
    where, circles = grouped_positions(areas, pairs + spokes, dict(enumerate(sizes)),
                                       loose=range(first_hub, first_hub + len(hubs)))
    rows = []
    for i, review in enumerate(reviews):
        record = about.get(review, {})
        year = record.get("publicationYear")
        main = harm[i].most_common(1)[0][0] if harm[i] else None
        size = sizes[i]
        title = str(record.get("label") or review)
        tip = "\n".join([f"{title} ({review})", f"{people[i]} people recorded; published {year or 'year not given'}",
                         "harm types of its incidents: " + (", ".join(sorted(harm[i])) or "none coded")])
        x, y = where[i]
        rows.append([i, review, title, year if isinstance(year, int) else None, people[i],
                     harm_index[main] if main is not None else None, x, y, round(size, 1), tip])
    links = []
    for (a, b), entities in sorted(shared.items()):
        names = [picture.nodes[e]["name"] for e in entities]
        tip = (f"{reviews[a]} and {reviews[b]} share {len(entities)} entit{'y' if len(entities) == 1 else 'ies'} "
               f"(accepted links): " + _named(names))
        links.append([a, b, "accepted", len(entities), tip, [index[e] for e in entities if e in index]])
    for (a, b), found in sorted(proposed.items()):
        names = [f"{picture.nodes[left]['name']} / {picture.nodes[right]['name']} ({score:.2f})"
                 for left, right, score in sorted(found, key=lambda f: -f[2])]
        tip = (f"{reviews[a]} and {reviews[b]}: {len(found)} candidate match(es) above the threshold, not yet "
               "decided (casegraph link candidates): " + _named(names))
        chosen = [index[e] for left, right, _ in found for e in (left, right) if e in index]
        links.append([a, b, "candidate", len(found), tip, sorted(set(chosen))])
    hub_rows = []
    for h, (entity, ids) in enumerate(hubs):
        data = picture.nodes[entity]
        x, y = where[first_hub + h]
        tip = (f"{data['name']} ({data['style'].label}), one entity in {len(ids)} reviews through accepted links: "
               + _named([reviews[i] for i in ids]))
        hub_rows.append([first_hub + h, data["name"], data["style"].shape, ids, index.get(entity), x, y,
                         round(HUB_SIZE + math.log2(len(ids)), 1), tip])
    years = [row[3] for row in rows if row[3] is not None]
    return {"reviews": rows, "harmTypes": harm_types, "years": [min(years), max(years)] if years else None,
            "links": links, "hubs": hub_rows, "threshold": threshold,
            "areas": [[name, x, y, r, len(areas[name]), areas[name]] for name, (x, y, r) in sorted(circles.items())]
            if len(areas) > 1 else []}


def _by_area(written: list) -> dict[str, list[int]]:
    """Review indices by the area each names, for areas with at least AREA_FROM reviews; the
    others together (under OTHER_AREAS) as one more group."""
    areas: dict[str, list[int]] = defaultdict(list)
    for i, area in enumerate(written):
        areas[str(area) if area else OTHER_AREAS].append(i)
    grouped = {area: ids for area, ids in areas.items() if area != OTHER_AREAS and len(ids) >= AREA_FROM}
    rest = sorted(i for area, ids in areas.items() if area not in grouped for i in ids)
    return {**grouped, OTHER_AREAS: rest} if rest else grouped


def _named(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else "")


def _review_records(view: PropertyGraph) -> dict[str, dict]:
    """Each review's own record (title, year) by review id."""
    return {str(node.properties.get("review")): node.properties for node in view.nodes.values()
            if "Review" in node.labels and node.properties.get("review")}
