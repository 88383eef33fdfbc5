"""Push the property-graph view (casegraph.graph.view) to a Neo4j 5 database over Bolt.

The sibling of sparql_push: settings from the environment, one clear line per failure (raised
as Neo4jError), a progress callback, a report of what changed. What goes over the wire:

1. Schema: a uniqueness constraint on ``iri`` for each key label (``Review``, ``Record``,
   ``Evidence``, ``Concept``, the ontology's disjoint top classes; every node has exactly one)
   and an index on ``review``, so every MERGE and MATCH below is an index lookup.
2. Nodes, grouped by exact label set, ``batch_size`` rows per write transaction:
   ``UNWIND $rows AS row MERGE (n:Key {iri: row.iri}) SET n = row.props SET n:Other:...``.
3. Relationships, grouped by type and the key labels of both ends, the same way. A relationship
   record's relationship (one with an ``iri``, see casegraph.graph.view) is merged on that iri
   too, so two records of one relationship stay two relationships.

Values go as the view holds them, but for dates: each date with an ``<name>EpochDay`` twin is sent
as a ``datetime.date`` and stored as a Neo4j ``date`` (``stored_properties``); the twins go too,
so saved Cypher that does date arithmetic on them runs unchanged on both engines. A partial
date (no twin) stays text.
4. Replacement: for each review in the view, what Neo4j holds for it (nodes whose ``review``
   is that review, relationships leaving them whose ``review`` is one of the view's reviews)
   is read back in batches, and whatever the view no longer has is removed: nodes (DETACH
   DELETE; also the ``Relationship`` record nodes older views had), relationships, labels. Analysts' ``SAME_AS`` links (no ``review``) between nodes
   of the view's reviews are removed when the view no longer has them; codes (``Concept``
   nodes) are shared by all reviews and never removed.

Labels and relationship types cannot be Cypher parameters: they come only from the ontology,
are checked against ``^[A-Za-z][A-Za-z0-9]*$`` (types may also have ``_``) and backtick-quoted.
Every value is a parameter. MERGE and SET make a push idempotent: pushing the same view twice
leaves the same database, and a push interrupted part-way (each batch commits on its own) is
completed by running it again.

The neo4j driver is imported only when a function needs it, so importing casegraph stays light.
"""
from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from casegraph.graph.cypher.neo4j import Neo4jError, first_line

if TYPE_CHECKING:  # pragma: no cover
    import neo4j

    from casegraph.graph.view import Node, PropertyGraph

KEY_LABELS = ("Review", "Record", "Evidence", "Detail", "Concept")  # every node has exactly one
REVIEWED_LABELS = tuple(label for label in KEY_LABELS if label != "Concept")  # Concept nodes carry no review
LINK_TYPE = "SAME_AS"  # the analysts' links, which carry no review
BATCH_SIZE = 1_000  # rows per write transaction: large enough to amortise round trips, small enough for any heap
REVIEWS_PER_READ = 200  # reviews whose stored nodes and relationships are read back in one query
LABEL_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9]*")
TYPE_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")

Progress = Callable[[str, int, int], None]  # (step, done, total): step is "nodes", "relationships" or "removals"


@dataclass
class PushReport:
    """What a push did. *_written counts rows sent; *_created and *_removed what actually changed."""

    nodes_written: int = 0
    nodes_created: int = 0
    relationships_written: int = 0
    relationships_created: int = 0
    nodes_removed: int = 0
    relationships_removed: int = 0
    labels_removed: int = 0
    batches: int = 0  # write transactions
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """False when the database already held exactly the view (a repeated push)."""
        return any((self.nodes_created, self.relationships_created, self.nodes_removed,
                    self.relationships_removed, self.labels_removed))


# -- names and values --------------------------------------------------------------------------
def cypher_name(name: str, pattern: re.Pattern = LABEL_PATTERN) -> str:
    """A label (or, with TYPE_PATTERN, a relationship type) checked and backtick-quoted for Cypher.

    >>> cypher_name("YoungPerson")
    '`YoungPerson`'
    >>> cypher_name("Person`) DETACH DELETE n //")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    casegraph.graph.cypher.neo4j.Neo4jError: 'Person`) DETACH DELETE n //' is not a Neo4j name casegraph writes ...
    """
    if not pattern.fullmatch(name):
        raise Neo4jError(f"{name!r} is not a Neo4j name casegraph writes (letters and digits, from the ontology); "
                         "check the ontology")
    return f"`{name}`"


def _held_name(name: str) -> str:
    """A label read back from Neo4j (not necessarily ours), quoted with backticks doubled."""
    return "`" + name.replace("`", "``") + "`"


def key_label(node: Node) -> str:
    """The one key label of a node: Review, Record, Evidence or Concept."""
    keys = [label for label in KEY_LABELS if label in node.labels]
    if len(keys) != 1:
        raise Neo4jError(f"node {node.iri} has labels {sorted(node.labels)}, not exactly one of "
                         f"{', '.join(KEY_LABELS)}; the view gives every node one")
    return keys[0]


def stored_properties(properties: dict[str, object], what: str) -> dict[str, object]:
    """Properties as Neo4j stores them: dates with an EpochDay twin as `datetime.date`, lists of
    one type (ints and floats make floats); `what` names the node or relationship in errors.

    >>> stored_properties({"dateEarliest": "2015-01-31", "dateEarliestEpochDay": 16466, "ages": [14, 15.5]}, "x")
    {'dateEarliest': datetime.date(2015, 1, 31), 'dateEarliestEpochDay': 16466, 'ages': [14.0, 15.5]}
    """
    from casegraph.graph.cypher.neo4j import typed_dates

    given = properties
    properties = typed_dates(properties)
    for name, value in given.items():
        if isinstance(value, list):
            kinds = {type(item) for item in value}
            if kinds == {int, float}:
                properties = properties if properties is not given else dict(properties)
                properties[name] = [float(item) for item in value]
            elif len(kinds) > 1:
                raise Neo4jError(f"{what} property {name!r} mixes {sorted(k.__name__ for k in kinds)} "
                                 f"values ({value!r}), which Neo4j cannot store in one list; fix the review")
    return properties


def _storable(node: Node) -> dict[str, object]:
    return stored_properties(node.properties, f"node {node.iri}")


# -- pushing -----------------------------------------------------------------------------------
def ensure_schema(driver: neo4j.Driver, database: str | None = None) -> None:
    """Uniqueness constraints on iri and indexes on review for every key label (kept if they exist)."""
    for label in KEY_LABELS:
        quoted = cypher_name(label)
        driver.execute_query(f"CREATE CONSTRAINT casegraph_{label.lower()}_iri IF NOT EXISTS "
                             f"FOR (n:{quoted}) REQUIRE n.iri IS UNIQUE", database_=database)
        if label != "Concept":
            driver.execute_query(f"CREATE INDEX casegraph_{label.lower()}_review IF NOT EXISTS "
                                 f"FOR (n:{quoted}) ON (n.review)", database_=database)
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)


def push_view(driver: neo4j.Driver, view: PropertyGraph, *, database: str | None = None,
              batch_size: int = BATCH_SIZE, progress: Progress | None = None) -> PushReport:
    """Make the Neo4j database hold exactly the view for each of the view's reviews.

    Other reviews already in the database stay as they are. progress(step, done, total) is
    called after each write transaction. Raises Neo4jError on the first failure; the batches
    committed before it stay, and running the push again completes it.
    """
    if batch_size < 1:
        raise Neo4jError(f"batch_size must be at least 1, not {batch_size}")
    started = time.perf_counter()
    report = PushReport()
    plan = _Plan(view)  # every name and value checked before anything is written
    with _translated_errors("push to Neo4j"):
        ensure_schema(driver, database)
        with driver.session(database=database) as session:
            writer = _Writer(session, report, batch_size, progress)
            writer.write_nodes(plan)
            writer.write_relationships(plan)
            _remove_stale(session, view, writer)
    report.seconds = time.perf_counter() - started
    return report


def push_view_naively(driver: neo4j.Driver, view: PropertyGraph, database: str | None = None) -> PushReport:
    """The benchmark's baseline: one auto-commit MERGE per node and per relationship, no removals.

    Same schema and parameters as push_view, so a comparison measures batching alone.
    """
    started = time.perf_counter()
    report = PushReport()
    with _translated_errors("push to Neo4j"):
        ensure_schema(driver, database)
        with driver.session(database=database) as session:
            for node in view.nodes.values():
                counters = session.run(_merge_node(node.labels, "$"), iri=node.iri,
                                       props=_storable(node)).consume().counters
                report.nodes_written += 1
                report.nodes_created += counters.nodes_created
            for r in _unique(view.relationships):
                query = _merge_relationship(r.type, key_label(view.nodes[r.start]), key_label(view.nodes[r.end]), "$",
                                            keyed="iri" in r.properties)
                counters = session.run(query, start=r.start, end=r.end, iri=r.properties.get("iri"),
                                       props=_relationship_props(r)).consume().counters
                report.relationships_written += 1
                report.relationships_created += counters.relationships_created
    report.seconds = time.perf_counter() - started
    return report


@contextlib.contextmanager
def _translated_errors(doing: str) -> Iterator[None]:
    """Driver and server errors become one-line Neo4jErrors that say a re-run completes the push."""
    from neo4j import exceptions

    try:
        yield
    except exceptions.Neo4jError as error:
        raise Neo4jError(f"the {doing} failed: {first_line(error.message)} ({error.code}); the batches "
                         "written before it stay, so run the push again once that is fixed") from None
    except exceptions.DriverError as error:
        raise Neo4jError(f"the {doing} lost its connection ({first_line(error)}); the batches written "
                         "before it stay, so run the push again once Neo4j answers") from None


def _merge_node(labels: Iterable[str], value: str = "row.") -> str:
    """MERGE one node on its key label and iri; value is "row." inside UNWIND, "$" for parameters."""
    labels = set(labels)
    key = next(label for label in KEY_LABELS if label in labels)
    others = "".join(":" + cypher_name(label) for label in sorted(labels - {key}))
    query = f"MERGE (n:{cypher_name(key)} {{iri: {value}iri}}) SET n = {value}props"
    return query + (f" SET n{others}" if others else "")


def _merge_relationship(type_: str, start_key: str, end_key: str, value: str = "row.", *, keyed: bool = False) -> str:
    """MERGE one relationship between two nodes; keyed: on its iri too (a relationship record's)."""
    key = f" {{iri: {value}iri}}" if keyed else ""
    return (f"MATCH (a:{cypher_name(start_key)} {{iri: {value}start}}) "
            f"MATCH (b:{cypher_name(end_key)} {{iri: {value}end}}) "
            f"MERGE (a)-[r:{cypher_name(type_, TYPE_PATTERN)}{key}]->(b) SET r = {value}props")


def _relationship_props(relationship) -> dict[str, object]:
    properties = dict(relationship.properties)
    if relationship.review is not None:
        properties["review"] = relationship.review
    return stored_properties(properties, f"{relationship.type} relationship from {relationship.start}")


def relationship_identity(relationship) -> tuple:
    """What tells two relationships apart in Neo4j: type, ends and, for a relationship record's, its iri."""
    return relationship.type, relationship.start, relationship.end, relationship.properties.get("iri")


def _unique(relationships):
    """One relationship per identity: MERGE would make one of them anyway."""
    return list({relationship_identity(r): r for r in reversed(relationships)}.values())[::-1]


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


class _Plan:
    """The batched queries of a push, built (so every label, type and value checked) up front."""

    def __init__(self, view: PropertyGraph):
        self.nodes: list[tuple[str, list[dict]]] = []  # (query, rows)
        for labels, nodes in sorted(view.label_sets().items(), key=lambda item: sorted(item[0])):
            key_label(nodes[0])
            rows = [{"iri": n.iri, "props": _storable(n)} for n in nodes]
            self.nodes.append(("UNWIND $rows AS row " + _merge_node(labels), rows))
        groups: dict[tuple[str, str, str, bool], list[dict]] = {}
        for r in _unique(view.relationships):
            keyed = "iri" in r.properties
            key = (r.type, key_label(view.nodes[r.start]), key_label(view.nodes[r.end]), keyed)
            row = {"start": r.start, "end": r.end, "props": _relationship_props(r)}
            groups.setdefault(key, []).append({**row, "iri": r.properties["iri"]} if keyed else row)
        self.relationships: list[tuple[str, str, list[dict]]] = [  # (type, query, rows)
            (type_, f"UNWIND $rows AS row {_merge_relationship(type_, start, end, keyed=keyed)} "
                    "RETURN count(r) AS written", rows)
            for (type_, start, end, keyed), rows in sorted(groups.items())]


class _Writer:
    """Runs batched write transactions, counting them into the report and telling progress."""

    def __init__(self, session, report: PushReport, batch_size: int, progress: Progress | None):
        self.session, self.report, self.batch_size, self.progress = session, report, batch_size, progress

    def run(self, query: str, rows: list):
        def work(tx):
            return tx.run(query, rows=rows).consume().counters

        counters = self.session.execute_write(work)
        self.report.batches += 1
        return counters

    def write_nodes(self, plan: _Plan) -> None:
        total, done = sum(len(rows) for _, rows in plan.nodes), 0
        for query, rows in plan.nodes:
            for batch in _chunks(rows, self.batch_size):
                self.report.nodes_created += self.run(query, batch).nodes_created
                self.report.nodes_written += len(batch)
                done += len(batch)
                self.tell("nodes", done, total)

    def write_relationships(self, plan: _Plan) -> None:
        total, done = sum(len(rows) for _, _, rows in plan.relationships), 0
        for type_, query, rows in plan.relationships:
            for batch in _chunks(rows, self.batch_size):
                written, counters = self.session.execute_write(_count_written, query, batch)
                self.report.batches += 1
                if written != len(batch):
                    raise Neo4jError(f"{len(batch) - written} {type_} relationship(s) found no end node in Neo4j "
                                     "(were nodes deleted during the push?); run the push again")
                self.report.relationships_created += counters.relationships_created
                self.report.relationships_written += len(batch)
                done += len(batch)
                self.tell("relationships", done, total)

    def tell(self, step: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(step, done, total)


def _count_written(tx, query: str, rows: list):
    result = tx.run(query, rows=rows)
    written = result.single()["written"]
    return written, result.consume().counters


# -- replacement -------------------------------------------------------------------------------
_HELD_NODES = "MATCH (n:{key}) WHERE n.review IN $chunk RETURN elementId(n) AS id, n.iri AS iri, labels(n) AS labels"
_HELD_RELATIONSHIPS = (
    "MATCH (a:{key})-[r]->(b) WHERE a.review IN $chunk "
    f"AND (r.review IN $reviews OR (r.review IS NULL AND type(r) = '{LINK_TYPE}' AND b.review IN $reviews)) "
    "RETURN elementId(r) AS id, type(r) AS type, a.iri AS start, b.iri AS end, r.iri AS iri")
# Each deletion re-checks what it read (iri, type, ends), so an element id reused in between is never hit.
_DELETE_NODES = "UNWIND $rows AS row MATCH (n) WHERE elementId(n) = row.id AND n.iri = row.iri DETACH DELETE n"
_DELETE_RELATIONSHIPS = ("UNWIND $rows AS row MATCH (a)-[r]->(b) WHERE elementId(r) = row.id "
                         "AND type(r) = row.type AND a.iri = row.start AND b.iri = row.end DELETE r")
_REMOVE_LABEL = "UNWIND $rows AS row MATCH (n) WHERE elementId(n) = row.id AND n.iri = row.iri REMOVE n:{label}"


def _remove_stale(session, view: PropertyGraph, writer: _Writer) -> None:
    """Remove what Neo4j holds for the view's reviews that the view no longer has.

    Read after the writes, so a node whose labels changed is compared with its new self. A
    relationship of a review leaves a node of that review (review IRIs are minted per review);
    the read starts from those nodes, through the review index.
    """
    reviews = sorted({n.properties["review"] for n in view.nodes.values() if "review" in n.properties})
    wanted_nodes = {(key_label(n), iri) for iri, n in view.nodes.items()}
    wanted_relationships = {relationship_identity(r) for r in view.relationships}
    for chunk in _chunks(reviews, REVIEWS_PER_READ):
        stale_nodes, stale_labels = [], {}
        stale_relationships = []
        for key in REVIEWED_LABELS:
            held = session.execute_read(_read, _HELD_NODES.format(key=cypher_name(key)), chunk=chunk)
            for row in held:
                if (key, row["iri"]) not in wanted_nodes:
                    stale_nodes.append({"id": row["id"], "iri": row["iri"]})
                    continue
                for label in set(row["labels"]) - view.nodes[row["iri"]].labels:
                    stale_labels.setdefault(label, []).append({"id": row["id"], "iri": row["iri"]})
            held = session.execute_read(_read, _HELD_RELATIONSHIPS.format(key=cypher_name(key)),
                                        chunk=chunk, reviews=reviews)
            stale_relationships += [row for row in held
                                    if (row["type"], row["start"], row["end"], row["iri"]) not in wanted_relationships]
        total = len(stale_relationships) + len(stale_nodes) + sum(map(len, stale_labels.values()))
        done = 0
        for batch in _chunks(stale_relationships, writer.batch_size):
            writer.report.relationships_removed += writer.run(_DELETE_RELATIONSHIPS, batch).relationships_deleted
            done += len(batch)
            writer.tell("removals", done, total)
        for batch in _chunks(stale_nodes, writer.batch_size):
            counters = writer.run(_DELETE_NODES, batch)
            writer.report.nodes_removed += counters.nodes_deleted
            writer.report.relationships_removed += counters.relationships_deleted
            done += len(batch)
            writer.tell("removals", done, total)
        for label, rows in sorted(stale_labels.items()):
            for batch in _chunks(rows, writer.batch_size):
                writer.report.labels_removed += writer.run(_REMOVE_LABEL.format(label=_held_name(label)),
                                                           batch).labels_removed
                done += len(batch)
                writer.tell("removals", done, total)


def _read(tx, query: str, **parameters) -> list[dict]:
    return [record.data() for record in tx.run(query, **parameters)]
