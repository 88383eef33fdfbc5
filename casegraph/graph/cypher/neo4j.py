"""Cypher on a Neo4j server the analyst runs (`--neo4j`), after `casegraph push neo4j`.

Read-only runs go through a READ transaction, which the server itself refuses to write in;
`allow_update` uses a WRITE transaction.
"""
from __future__ import annotations

from casegraph.errors import QueryError
from casegraph.graph.cypher import CypherEngine, CypherResult, plain, plain_node, plain_relationship
from casegraph.push_neo4j import Neo4jError, Neo4jSettings, connect


class Neo4jCypher(CypherEngine):
    name = "Neo4j"

    def __init__(self, settings: Neo4jSettings):
        self.settings = settings
        self.driver = connect(settings)

    def run(self, query: str, params: dict[str, object] | None = None, *,
            allow_update: bool = False) -> CypherResult:
        from neo4j import exceptions

        def work(tx):
            result = tx.run(query, params or {})
            return list(result.keys()), [[plain(value, _graph_object) for value in record.values()] for record in result]

        try:
            with self.driver.session(database=self.settings.database) as session:
                columns, rows = (session.execute_write if allow_update else session.execute_read)(work)
        except exceptions.CypherSyntaxError as error:
            raise QueryError(f"Cypher syntax error: {error.message}") from None
        except exceptions.ClientError as error:
            if "access mode" in (error.message or "").lower() or "read" in (error.code or "").lower():
                raise QueryError("this Cypher query writes; Neo4j runs it read-only unless you pass "
                                 "--allow-update") from None
            raise QueryError(f"Neo4j refused the query: {error.message}") from None
        except (exceptions.ServiceUnavailable, exceptions.SessionExpired) as error:
            raise Neo4jError(f"lost the connection to Neo4j at {self.settings.uri}: {error}") from None
        return CypherResult(columns, rows)

    def close(self) -> None:
        self.driver.close()


def _graph_object(value: object) -> dict | None:
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return plain_node(value.labels, dict(value))
    if isinstance(value, Relationship):
        return plain_relationship(value.type, dict(value))
    if isinstance(value, Path):
        return {"nodes": [_graph_object(n) for n in value.nodes],
                "relationships": [_graph_object(r) for r in value.relationships]}
    return None
