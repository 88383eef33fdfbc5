"""The embedded engine's graph kept in line with the store, review by review.

FalkorDB holds the whole view, and beside it (plain redis keys) the digest of each review it
holds, the digest of the analysts' links it holds, and the view rules it was built under. On
opening, each review whose digest differs from the store's catalog is deleted from the graph
(its nodes, and with them their relationships) and added again from its fragment
(`casegraph.graph.view_cache`); a removed review is deleted; the links between records are
replaced if the links changed, else only those of the reviews just added. Only a first build,
new view rules, a store whose reviews' digests are unknown (changed by a SPARQL update), a
graph someone wrote to (`--allow-update`), or a change to most reviews builds the whole graph.
"""
from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable

import orjson

from casegraph.graph.cypher.falkor_bulk import bulk_load
from casegraph.graph.view import PropertyGraph, Relationship, ReviewFragment, combine_view, view_rules
from casegraph.graph.view_cache import relationship_rows, relationships_from_rows

BATCH_ROWS = 5000
REVIEWS_KEY = "casegraph:view-reviews"  # hash: review id -> digest of the review the graph holds
LINKS_KEY = "casegraph:view-links"  # digest of the links the graph holds
RULES_KEY = "casegraph:view-rules"
OUTWARD_KEY = "casegraph:view-outward"  # hash: review id -> its relationships to other reviews' records
WRITTEN_KEY = "casegraph:view-written"  # set by a query allowed to write: the graph is no longer only the view
INDEX_SECONDS = 120.0  # the longest to wait for indexes to be filled after a bulk build
WHOLE_FROM = 0.5  # past this share of reviews changed, building the whole graph is quicker

Progress = Callable[[str, int, int], None]


def quote(name: str) -> str:
    """Labels and types cannot be parameters; ours come from the ontology, quoted all the same."""
    return "`" + name.replace("`", "``") + "`"


def links_digest(quads: Iterable) -> str:
    return hashlib.sha256("\n".join(sorted(str(q) for q in quads)).encode()).hexdigest()


def sync(client, graph_name: str, store, fragments: Callable[[list[str]], list[ReviewFragment]],
         progress: Progress | None = None) -> bool:
    """Bring the graph in line with the store; True if anything was written (so it should be saved)."""
    redis = client.connection
    held = {_text(k): _text(v) for k, v in (redis.hgetall(REVIEWS_KEY) or {}).items()}
    digests = store.digests()
    links = list(store.links_quads())
    links_now = links_digest(links)
    exists = graph_name in client.list_graphs()
    changed = sorted(r for r, d in digests.items() if not d or held.get(r) != d)
    removed = sorted(set(held) - set(digests))
    same_rules = exists and _text(redis.get(RULES_KEY)) == view_rules()
    if same_rules and not changed and not removed and _text(redis.get(LINKS_KEY)) == links_now:
        return False  # a graph someone wrote to keeps what they wrote, until the reviews change
    whole = (not same_rules or redis.get(WRITTEN_KEY) is not None or any(not d for d in digests.values())
             or len(changed) + len(removed) > WHOLE_FROM * max(len(digests), 1))
    graph = client.select_graph(graph_name)
    if whole:
        if exists:
            graph.delete()
            graph = client.select_graph(graph_name)
        added = fragments(sorted(digests))
        load_view(graph, combine_view(added, links), progress)
        outward = {fragment.review: fragment.outward for fragment in added if fragment.outward}
    else:
        for review in changed + removed:
            graph.query("MATCH (n) WHERE n.review = $review DETACH DELETE n", {"review": review})
        added = fragments(changed)
        outward = {review: rows for review, rows in _held_outward(redis).items() if review not in set(changed + removed)}
        ids = _concept_ids(graph)
        indexed = {row[0] for row in graph.query("CALL db.indexes() YIELD label RETURN label").result_set}
        _index(graph, {label for fragment in added for node in fragment.nodes.values() for label in node.labels}
               - indexed)
        for fragment in added:
            ids.update(_create_nodes(graph, fragment.nodes.values()))
            _create_relationships(graph, fragment.relationships + fragment.extra, ids)
        new = {iri for fragment in added for iri in fragment.nodes}
        # Relationships between reviews (one event told in two): the new reviews' own, and those
        # of other reviews into them, which went with the nodes they pointed to.
        across = [r for fragment in added for r in fragment.outward] + [
            r for rows in outward.values() for r in rows if r.end in new]
        _create_across(graph, across, ids)
        outward.update({fragment.review: fragment.outward for fragment in added if fragment.outward})
        if _text(redis.get(LINKS_KEY)) != links_now:
            graph.query("MATCH ()-[r:SAME_AS]->() DELETE r")
            _link(graph, links, None)
        else:
            _link(graph, links, new)
    redis.delete(REVIEWS_KEY, WRITTEN_KEY, OUTWARD_KEY)
    if digests:
        redis.hset(REVIEWS_KEY, mapping={review: digest or "" for review, digest in digests.items()})
    if outward:
        redis.hset(OUTWARD_KEY, mapping={review: orjson.dumps(relationship_rows(rows)) for review, rows in outward.items()})
    redis.set(LINKS_KEY, links_now)
    redis.set(RULES_KEY, view_rules())
    return True


def mark_written(client) -> None:
    client.connection.set(WRITTEN_KEY, "1")


def _text(value) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def cypher_literal(value: object) -> str:
    """A parameter value as the text of FalkorDB's `CYPHER name=value` header, as the client's
    own `stringify_param_value` writes it but in a fraction of the time (orjson's JSON is Cypher
    for strings, numbers, booleans, null and lists; FalkorDB reads no \\u escapes, so a string
    with one falls back to the client's quoting). Keys are our property names, backquoted."""
    if isinstance(value, dict):
        return "{" + ",".join(f"`{key}`:{cypher_literal(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return "[" + ",".join(map(cypher_literal, value)) + "]"
    text = orjson.dumps(value).decode()
    if "\\u" in text:
        from falkordb.helpers import stringify_param_value

        return stringify_param_value(value)
    return text


def query_rows(graph, statement: str, rows: list) -> object:
    """Run `statement` with `$rows` bound to `rows` (a list of maps), its header written quickly."""
    return graph.query(f"CYPHER rows={cypher_literal(rows)} {statement}")


def _held_outward(redis) -> dict[str, list[Relationship]]:
    return {_text(review): relationships_from_rows(orjson.loads(rows), _text(review))
            for review, rows in (redis.hgetall(OUTWARD_KEY) or {}).items()}


def _create_across(graph, relationships: list[Relationship], ids: dict[str, int]) -> None:
    """Relationships whose ends may be in reviews the graph held already: those ends found by iri."""
    wanted = sorted({iri for r in relationships for iri in (r.start, r.end) if iri not in ids})
    if wanted:
        found = graph.query("UNWIND $iris AS iri MATCH (n:Record {iri: iri}) RETURN n.iri, id(n)", {"iris": wanted})
        ids = {**ids, **dict(found.result_set)}
    _create_relationships(graph, [r for r in relationships if r.start in ids and r.end in ids], ids)


def _index(graph, labels: set[str]) -> None:
    """Index these labels' `iri` and `review` (the lookups of a build and of each review's update)."""
    for label in sorted(labels):
        graph.query(f"CREATE INDEX FOR (n:{quote(label)}) ON (n.iri, n.review)")


def _concept_ids(graph) -> dict[str, int]:
    return {iri: node_id for iri, node_id in graph.query("MATCH (c:Concept) RETURN c.iri, id(c)").result_set}


def _create_nodes(graph, nodes: Iterable, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    ids: dict[str, int] = {}
    by_labels: dict[frozenset[str], list] = defaultdict(list)
    for node in nodes:
        by_labels[frozenset(node.labels)].append(node)
    for labels, group in sorted(by_labels.items(), key=lambda item: sorted(item[0])):
        statement = (f"UNWIND $rows AS row CREATE (n:{':'.join(map(quote, sorted(labels)))}) "
                     f"SET n = row RETURN row.iri, id(n)")
        for start in range(0, len(group), BATCH_ROWS):
            batch = group[start:start + BATCH_ROWS]
            for iri, node_id in query_rows(graph, statement, [n.properties for n in batch]).result_set:
                ids[iri] = node_id
            if progress:
                progress(len(batch))
    return ids


def _create_relationships(graph, relationships: Iterable[Relationship], ids: dict[str, int],
                          progress: Callable[[int], None] | None = None) -> None:
    by_type: dict[str, list[dict]] = defaultdict(list)
    for relationship in relationships:
        properties = dict(relationship.properties)
        if relationship.review is not None:
            properties["review"] = relationship.review
        by_type[relationship.type].append({"s": ids[relationship.start], "e": ids[relationship.end],
                                           "props": properties})
    for type_name, rows in sorted(by_type.items()):
        # Projecting the ids first lets FalkorDB seek nodes by id instead of scanning them all.
        statement = (f"UNWIND $rows AS row WITH row.s AS start, row.e AS end, row.props AS props "
                     f"MATCH (s) WHERE id(s) = start MATCH (e) WHERE id(e) = end "
                     f"CREATE (s)-[r:{quote(type_name)}]->(e) SET r = props")
        for start in range(0, len(rows), BATCH_ROWS):
            query_rows(graph, statement, rows[start:start + BATCH_ROWS])
            if progress:
                progress(len(rows[start:start + BATCH_ROWS]))


def _link(graph, links: list, touching: set[str] | None) -> None:
    """SAME_AS for the analysts' links between records the graph holds (only those touching
    `touching`, the records just added, unless None)."""
    rows = [{"s": q.subject.value, "e": q.object.value} for q in links if q.predicate.value.endswith("#sameAs")
            and (touching is None or q.subject.value in touching or q.object.value in touching)]
    statement = ("UNWIND $rows AS row MATCH (s:Record {iri: row.s}) MATCH (e:Record {iri: row.e}) "
                 "CREATE (s)-[:SAME_AS]->(e)")
    for start in range(0, len(rows), BATCH_ROWS):
        query_rows(graph, statement, rows[start:start + BATCH_ROWS])


def load_view(graph, view: PropertyGraph, progress: Progress | None = None) -> None:
    """Write the whole view into the graph, which does not exist yet, with FalkorDB's bulk
    command (`falkor_bulk`; 2.7 s against 7.3 s through Cypher for the 1,300-review corpus),
    then index every label's `iri` and `review` and wait for the indexes to be filled."""
    total = len(view.nodes) + len(view.relationships)
    done = 0

    def tell(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("building the Cypher view", done, total)

    bulk_load(graph, graph.name, view, tell)
    _index(graph, {label for node in view.nodes.values() for label in node.labels})
    _await_indexes(graph)


def _await_indexes(graph) -> None:
    """Wait while FalkorDB fills indexes made over a full graph: it does so in the background,
    and a query meanwhile took a minute on a 1,300-review corpus instead of a second."""
    deadline = time.monotonic() + INDEX_SECONDS
    while time.monotonic() < deadline:
        statuses = [row[0] for row in graph.query("CALL db.indexes() YIELD status RETURN status").result_set]
        if all(status == "OPERATIONAL" for status in statuses):
            return
        time.sleep(0.02)


def load_view_through_cypher(graph, view: PropertyGraph, progress: Progress | None = None) -> None:
    """The whole view written as reviews are updated (the benchmarks' floor, the tests' reference).

    Index every label's `iri` and `review`, then write the whole view with batched UNWIND ...
    CREATE. Indexes first: FalkorDB fills an index created over a full graph in the background,
    and the first query meanwhile took a minute on a 1,300-review corpus instead of a second."""
    total = len(view.nodes) + len(view.relationships)
    done = 0

    def tell(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("building the Cypher view", done, total)

    _index(graph, {label for node in view.nodes.values() for label in node.labels})
    ids = _create_nodes(graph, view.nodes.values(), tell)
    _create_relationships(graph, view.relationships, ids, tell)
