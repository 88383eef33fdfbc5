"""Cypher on a Neo4j server the analyst runs (`--neo4j`), after `casegraph push neo4j`, and the
connection (settings, login, one-line errors) that the push shares.

Read-only runs go through a READ transaction, which the server itself refuses to write in;
`allow_update` uses a WRITE transaction.

The push stores the view's dates as Neo4j `date` values; rows come back with them as ISO text
(`"2015-01-31"`), as the embedded engine gives them, so a query's rows compare across engines.
A date read with the driver itself is a `neo4j.time.Date`.
"""
from __future__ import annotations

import datetime as _dt
import logging
import os
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from casegraph.errors import CasegraphError, QueryError
from casegraph.graph.cypher import CypherEngine, CypherResult, plain, plain_node, plain_relationship
from casegraph.graph.view import values

if TYPE_CHECKING:  # pragma: no cover
    import neo4j


DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USERNAME = "neo4j"
URI_ENV, USERNAME_ENV, PASSWORD_ENV, DATABASE_ENV = "NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class Neo4jError(CasegraphError):
    """Neo4j cannot be reached, refuses the login, or fails a push; one line, never the password."""


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and as whom to connect; database None means the server's default database."""

    uri: str = DEFAULT_URI
    username: str = DEFAULT_USERNAME
    password: str = field(default="", repr=False)
    database: str | None = None

    @classmethod
    def from_env(cls, uri: str | None = None, username: str | None = None, password: str | None = None,
                 database: str | None = None, environ=os.environ) -> Neo4jSettings:
        """Settings given here, else from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE.

        >>> s = Neo4jSettings.from_env(environ={"NEO4J_URI": "neo4j://db:7687", "NEO4J_PASSWORD": "s3cret"})
        >>> s.uri, s.username, s.database, "s3cret" in repr(s)
        ('neo4j://db:7687', 'neo4j', None, False)
        """
        return cls(uri=uri or environ.get(URI_ENV) or DEFAULT_URI,
                   username=username or environ.get(USERNAME_ENV) or DEFAULT_USERNAME,
                   password=password if password is not None else environ.get(PASSWORD_ENV, ""),
                   database=database or environ.get(DATABASE_ENV) or None)


# -- connecting --------------------------------------------------------------------------------
def connect(settings: Neo4jSettings) -> neo4j.Driver:
    """A driver whose server answered, logged in and has the database; use it in a with block.

    Raises Neo4jError saying which: the server is unreachable, the login is refused, or the
    database does not exist.
    """
    import neo4j
    from neo4j import exceptions

    _quiet_driver_logs()
    where = _where(settings.uri)
    try:
        scheme = urllib.parse.urlsplit(settings.uri).scheme
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        scheme = ""
    if scheme not in SCHEMES:
        raise Neo4jError(f"{where!r} is not a Bolt URI: use one starting {', '.join(s + '://' for s in SCHEMES)} "
                         f"(e.g. {DEFAULT_URI}); set it with {URI_ENV}")
    if where != settings.uri:
        raise Neo4jError(f"the URI {where} carries a user name or password: give them in {USERNAME_ENV} and "
                         f"{PASSWORD_ENV} instead")

    def said(error: object) -> str:  # a driver's words, never with the password in them
        text = str(error)
        return text.replace(settings.password, "***") if settings.password else text

    try:
        driver = neo4j.GraphDatabase.driver(settings.uri, auth=(settings.username, settings.password))
    except (ValueError, exceptions.ConfigurationError) as error:
        raise Neo4jError(f"{where!r} is not a usable Neo4j URI ({first_line(said(error))}); "
                         f"check {URI_ENV}") from None
    try:
        driver.verify_connectivity()
        if settings.database:
            driver.execute_query("RETURN 1", database_=settings.database, routing_=neo4j.RoutingControl.READ)
    except exceptions.AuthError:
        driver.close()
        unset = "" if settings.password else f" ({PASSWORD_ENV} is not set)"
        raise Neo4jError(f"Neo4j at {where} refused the login of user {settings.username!r}{unset}: check "
                         f"{USERNAME_ENV} and {PASSWORD_ENV}") from None
    except (exceptions.ServiceUnavailable, exceptions.SessionExpired, OSError) as error:
        driver.close()
        raise Neo4jError(f"cannot reach Neo4j at {where} ({said(_reason(error))}): is the server running and "
                         f"listening for Bolt there? check {URI_ENV}") from None
    except exceptions.Neo4jError as error:
        driver.close()
        if error.code == "Neo.ClientError.Database.DatabaseNotFound":
            raise Neo4jError(f"Neo4j at {where} has no database {settings.database!r}: check {DATABASE_ENV} "
                             "(Community edition has only 'neo4j')") from None
        raise Neo4jError(f"Neo4j at {where} refused the connection: {first_line(said(error.message))}") from None
    except BaseException:
        driver.close()
        raise
    return driver


def _quiet_driver_logs() -> None:
    """The driver logs connection failures as errors; with no logging set up, Python would print
    them to stderr next to our own one line. A NullHandler stops that and changes nothing for
    an application that configures logging."""
    logger = logging.getLogger("neo4j")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())


def _where(uri: str) -> str:
    """The URI without any user:password@ part, for messages.

    >>> _where("neo4j://neo4j:s3cret@db:7687")
    'neo4j://db:7687'
    """
    if "@" not in uri:
        return uri
    scheme, _, rest = uri.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}" if rest else uri.rpartition("@")[2]


def _reason(error: BaseException) -> str:
    """What the operating system said, if the driver kept it (the routing driver wraps it twice)."""
    pending, texts = [error], []
    while pending and len(texts) < 20:
        current = pending.pop(0)
        texts.append(str(current))
        pending += list(getattr(current, "exceptions", ())) + [c for c in (current.__cause__,) if c is not None]
    for text in texts:
        found = re.search(r"\(reason (.+)\)\s*$", text, re.MULTILINE)
        if found:
            return found.group(1)
    return first_line(error).rstrip(":")


def first_line(error: object) -> str:
    """The first line of what an error says, at most 300 characters, for one-line messages."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


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


def _graph_object(value: object) -> dict | str | None:
    from neo4j.graph import Node, Path, Relationship
    from neo4j.time import Date, DateTime, Time

    if isinstance(value, Node):
        return plain_node(value.labels, {k: plain(v, _graph_object) for k, v in value.items()})
    if isinstance(value, Relationship):
        return plain_relationship(value.type, {k: plain(v, _graph_object) for k, v in value.items()})
    if isinstance(value, Path):
        return {"nodes": [_graph_object(n) for n in value.nodes],
                "relationships": [_graph_object(r) for r in value.relationships]}
    if isinstance(value, (Date, DateTime, Time)):
        return value.iso_format()
    return None


def typed_dates(properties: dict[str, object]) -> dict[str, object]:
    """The properties with each date that has an `<name>EpochDay` twin as a `datetime.date`
    (a list of them as a list): what Neo4j stores as `date` values. Anything else, a partial date
    among them, stays as it is; the dict given is not changed.

    >>> typed_dates({"dateEarliest": "2015-01-31", "dateEarliestEpochDay": 16466, "dateText": "2015"})
    {'dateEarliest': datetime.date(2015, 1, 31), 'dateEarliestEpochDay': 16466, 'dateText': '2015'}
    """
    typed = properties
    for name, value in properties.items():
        if name + "EpochDay" not in properties:
            continue
        try:
            dates = [_dt.date.fromisoformat(text[:10]) for text in values(value)]
        except (TypeError, ValueError):
            continue
        if typed is properties:
            typed = dict(properties)
        typed[name] = dates if isinstance(value, list) else dates[0]
    return typed
