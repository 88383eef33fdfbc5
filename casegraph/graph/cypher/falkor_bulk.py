"""The whole view written into an empty FalkorDB graph with its bulk command, `GRAPH.BULK`.

A first build through Cypher (`UNWIND $rows CREATE ...`) spends most of its time writing every
value as Cypher text, having FalkorDB parse it, and sending node ids back and forth to join
the relationships. `GRAPH.BULK` takes the values in FalkorDB's own binary form (the format of
the `falkordb-bulk-loader` tool): each node's id is its place in the order sent, so a
relationship names its ends by those numbers and nothing comes back.

Format, as the module reads it: a first call starts with `BEGIN`; each call then gives the
counts of nodes, relationships, node blocks and relationship blocks, and the blocks. A block is
a name (labels joined by `:`, or a relationship type) and its property names, then each
entity's values in that order, a relationship's preceded by the ids of its two ends. A missing
value (type 0) leaves that property unset. Values are typed: bool 1, double 2, string 3
(NUL-terminated UTF-8), long 4, array 5 (its length, then typed values).
"""
from __future__ import annotations

import struct
from collections import defaultdict
from collections.abc import Callable

from casegraph.errors import StoreError
from casegraph.graph.view import PropertyGraph

CALL_BYTES = 32 * 2**20  # each GRAPH.BULK call carries about this much (redis takes up to 512 MB)
_NULL = b"\x00"
_TRUE, _FALSE = struct.pack("=B?", 1, True), struct.pack("=B?", 1, False)
_LONG, _DOUBLE, _ARRAY = struct.Struct("=Bq"), struct.Struct("=Bd"), struct.Struct("=Bq")
_ENDS = struct.Struct("=QQ")


class Unpackable(StoreError):
    """A value FalkorDB cannot hold (a number beyond 64 bits, text with a NUL character); its
    Cypher build refuses these too."""


def bulk_load(connection, graph_name: str, view: PropertyGraph,
              progress: Callable[[int], None] | None = None) -> None:
    """Write every node and relationship of `view` into `graph_name`, which must not exist yet.
    Raises `Unpackable`, naming the record, before sending anything if a value does not fit."""
    packer = _Packer()
    ids: dict[str, int] = {}
    node_blocks = []
    by_labels: dict[tuple[str, ...], list] = defaultdict(list)
    for node in view.nodes.values():
        by_labels[tuple(sorted(node.labels))].append(node)
    for labels, group in sorted(by_labels.items()):
        names = sorted({key for node in group for key in node.properties})
        rows = []
        for node in group:
            ids[node.iri] = len(ids)
            rows.append(packer.row(node.properties, names, node.iri))
        node_blocks.append((":".join(labels), names, rows))
    relationship_blocks = []
    by_type: dict[str, list] = defaultdict(list)
    for relationship in view.relationships:
        by_type[relationship.type].append(relationship)
    for type_name, group in sorted(by_type.items()):
        # In the order the Cypher build sets them: a record's own (sorted in the view), then `review`.
        names = sorted({key for r in group for key in r.properties} - {"review"}) + ["review"]
        rows = [_ENDS.pack(ids[r.start], ids[r.end]) + packer.row({**r.properties, "review": r.review}, names, r.start)
                for r in group]
        relationship_blocks.append((type_name, names, rows))
    _send(connection, graph_name, node_blocks, relationship_blocks, progress)


def _send(connection, graph_name: str, node_blocks: list, relationship_blocks: list,
          progress: Callable[[int], None] | None) -> None:
    """The blocks in calls of about CALL_BYTES, nodes before the relationships that join them."""
    pending: list[tuple[bool, bytes, int]] = []  # (is a node block, blob, entities)
    size, first = 0, True

    def flush() -> None:
        nonlocal pending, size, first
        if not pending:
            return
        nodes = sum(count for is_node, _, count in pending if is_node)
        relationships = sum(count for is_node, _, count in pending if not is_node)
        blobs = [blob for is_node, blob, _ in pending if is_node] + [blob for is_node, blob, _ in pending if not is_node]
        blocks = sum(1 for is_node, _, _ in pending if is_node)
        arguments = ["BEGIN"] if first else []
        connection.execute_command("GRAPH.BULK", graph_name, *arguments, nodes, relationships, blocks,
                                   len(pending) - blocks, *blobs)
        if progress:
            progress(nodes + relationships)
        pending, size, first = [], 0, False

    for is_node, blocks in ((True, node_blocks), (False, relationship_blocks)):
        for name, names, rows in blocks:
            header = _header(name, names)
            start = 0
            while start < len(rows):
                taken, end = len(header), start
                while end < len(rows) and (end == start or size + taken + len(rows[end]) < CALL_BYTES):
                    taken += len(rows[end])
                    end += 1
                pending.append((is_node, header + b"".join(rows[start:end]), end - start))
                size += taken
                start = end
                if size >= CALL_BYTES:
                    flush()
        flush()  # every node before the first relationship


def _header(name: str, names: list[str]) -> bytes:
    return b"".join([_text(name), struct.pack("=I", len(names))] + [_text(n) for n in names])


def _text(value: str) -> bytes:
    return value.encode() + b"\x00"


class _Packer:
    """Values in the bulk format; the same strings (review ids, codes) packed once."""

    def __init__(self):
        self._strings: dict[str, bytes] = {}

    def row(self, properties: dict, names: list[str], record: str) -> bytes:
        try:
            return b"".join([self.value(properties.get(name)) for name in names])
        except Unpackable as error:
            raise Unpackable(f"{record}: {error}; the embedded Cypher engine cannot hold it: correct the "
                             "value in the review and load it again") from None

    def value(self, value: object) -> bytes:
        if isinstance(value, str):
            packed = self._strings.get(value)
            if packed is None:
                if "\x00" in value:
                    raise Unpackable(f"a text value with a NUL character: {value[:40]!r}")
                packed = self._strings[value] = b"\x03" + value.encode() + b"\x00"
            return packed
        if value is None:
            return _NULL
        if isinstance(value, bool):
            return _TRUE if value else _FALSE
        if isinstance(value, int):
            try:
                return _LONG.pack(4, value)
            except struct.error:
                raise Unpackable(f"the number {value} is beyond 64 bits") from None
        if isinstance(value, float):
            return _DOUBLE.pack(2, value)
        if isinstance(value, list):
            return _ARRAY.pack(5, len(value)) + b"".join([self.value(item) for item in value])
        raise Unpackable(f"a value of type {type(value).__name__}: {value!r:.40}")
