"""casegraph from Python: one object over one store, for notebooks and scripts.

    >>> import casegraph
    >>> cg = casegraph.open("my-store")                 # doctest: +SKIP
    >>> cg.load(["examples/reviews"])                    # doctest: +SKIP
    >>> cg.query("reviews-per-year").to_pandas()         # doctest: +SKIP

Each call opens the store for as long as it needs it, as a CLI command does, so the command line
and other notebooks can use the same store in between; reading calls see a consistent snapshot,
taken again when the store has changed. Rows are dicts of plain Python values: integers, floats,
booleans, `datetime.date`, text, and IRIs as short ids (`scr-30-2016/child-m` for a record, the
form `--param` and `show` take; `code:harm-type/...` for a code). See docs/python-api.md.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from casegraph.errors import CasegraphError, QueryError

ENGINES = ("sparql", "cypher", "neo4j")


class LoadFailed(CasegraphError):
    """Some files could not be loaded; `report` says which and why (the good files were stored)."""

    def __init__(self, report):
        self.report = report
        failed = report.failed
        stored = len(report.succeeded)
        super().__init__(f"{len(failed)} file(s) failed and nothing of them was stored ({stored} other review(s) "
                         "were):\n" + "\n".join(str(result.error) for result in failed))


@dataclass
class Result:
    """The answer to a query: `columns`, and `rows` as dicts keyed by column.

    An ASK query's answer is `boolean` (rows empty); a CONSTRUCT's triples are rows of subject,
    predicate and object.
    """

    columns: list[str]
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None

    def __iter__(self) -> Iterator[dict]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def to_pandas(self):
        """A pandas DataFrame of the rows, columns in the query's order (needs pandas installed)."""
        try:
            import pandas
        except ImportError:
            raise CasegraphError("to_pandas needs pandas: pip install 'casegraph[pandas]'") from None
        return pandas.DataFrame.from_records(self.rows, columns=self.columns)


class Casegraph:
    """One store (its directory), with the work the CLI does as methods. Use `casegraph.open()`."""

    def __init__(self, path: Path | str | None = None):
        from casegraph.graph.store import default_store_path

        self.path = Path(path) if path is not None else default_store_path()
        self._stack = contextlib.ExitStack()  # snapshots handed to rdflib; closed by close()
        self._reader = None  # (fingerprint, ReviewStore, ExitStack)
        self._cypher = None  # (fingerprint, EmbeddedCypher)

    # -- reviews -------------------------------------------------------------------------------
    def load(self, paths: Iterable[Path | str] | Path | str, *, raise_on_error: bool = True,
             accept_proposed: bool = False):
        """Check review files (or directories of them) and store each good one, replacing an earlier
        version exactly. Returns the LoadReport; raises LoadFailed if any file failed (after storing
        the others, as `casegraph load` does) unless `raise_on_error` is false. A draft with items
        still proposed fails unless `accept_proposed`."""
        from casegraph.graph.loading import load_paths
        from casegraph.linking.reading import record_part

        report = load_paths(_paths(paths), self.path, accept_proposed=accept_proposed, derive=(record_part,))
        self._forget_reader()
        if report.failed and raise_on_error:
            raise LoadFailed(report)
        return report

    def validate(self, paths: Iterable[Path | str] | Path | str, *, accept_proposed: bool = False):
        """Check review files without storing anything; the LoadReport lists each file's problems."""
        from casegraph.graph.loading import validate_paths

        return validate_paths(_paths(paths), accept_proposed=accept_proposed)

    def reviews(self) -> Result:
        """The stored reviews: id, year, kind, title, triples, source."""
        store = self._reading()
        columns = ["review", "year", "kind", "title", "triples", "source"]
        return Result(columns, [dict(zip(columns, (s.review_id, s.year, s.kind, s.title, s.triples, s.source)))
                                for s in store.summaries()])

    def remove(self, review_id: str) -> None:
        """Remove one review from the store (ReviewNotFound if it is not there)."""
        from casegraph.graph.cypher.embedded import update_in_place
        from casegraph.graph.store import ReviewStore

        update_in_place()
        with ReviewStore.open(self.path, write=True) as store:
            store.remove(review_id)
        self._forget_reader()

    # -- questions -----------------------------------------------------------------------------
    def query(self, name_or_sparql: str, *, engine: str = "sparql", reviews: list[str] | None = None,
              **params) -> Result:
        """A saved question by name (see `saved_questions()`), or SPARQL text, with `params` bound by
        the engine (never pasted into the text). `engine="cypher"` runs a saved question's Cypher
        twin on the embedded engine, `"neo4j"` on the Neo4j server named by $NEO4J_URI."""
        from casegraph.queries import saved_queries

        if engine not in ENGINES:
            raise QueryError(f"engine {engine!r}: use one of {', '.join(ENGINES)}")
        saved = saved_queries().get(name_or_sparql)
        values = _param_strings(params)
        if engine != "sparql":
            if saved is None or saved.cypher is None:
                raise QueryError(f"{name_or_sparql!r} is not a saved question with a Cypher form; for Cypher "
                                 "text use cypher()")
            if reviews:
                raise QueryError("reviews= applies to SPARQL; in Cypher, filter on the `review` property")
            return self._run_cypher(saved.cypher, values, saved=saved, on_neo4j=engine == "neo4j")
        from casegraph.queries.sparql import plain_value, run_sparql

        text = saved.text if saved else name_or_sparql
        result = run_sparql(self._reading(), text, values, reviews=reviews, saved=saved)
        if result.boolean is not None:
            return Result(["answer"], [], boolean=result.boolean)
        if result.triples is not None:
            rows = [[t.subject, t.predicate, t.object] for t in result.triples]
        else:
            rows = result.rows
        return Result(result.columns, [dict(zip(result.columns, map(plain_value, row))) for row in rows])

    def cypher(self, text: str, *, neo4j: bool = False, **params) -> Result:
        """Cypher over the property-graph view (embedded engine, or Neo4j with `neo4j=True`);
        `params` are Cypher parameters ($name)."""
        return self._run_cypher(text, _param_strings(params), saved=None, on_neo4j=neo4j)

    @staticmethod
    def saved_questions() -> Result:
        """The library of saved questions: name, parameters, whether it has a Cypher form, description."""
        from casegraph.queries import saved_queries

        columns = ["name", "parameters", "cypher", "description"]
        return Result(columns, [dict(zip(columns, (q.name, [p.name for p in q.params], q.cypher is not None,
                                                   q.description))) for q in saved_queries().values()])

    # -- graphs --------------------------------------------------------------------------------
    def rdflib(self):
        """An rdflib Dataset over a snapshot of the store as it is now (no copy: rdflib's store is
        Oxigraph, through oxrdflib). Each review is a named graph and the default graph is their
        union, so rdflib's SPARQL, serialisers and tools see casegraph's data. Read-only: change the
        store with load() and decide()."""
        import rdflib
        from oxrdflib import OxigraphStore

        from casegraph.graph.store import ReviewStore
        from casegraph.ontology import PREFIXES

        store = self._stack.enter_context(ReviewStore.open(self.path))
        dataset = rdflib.Dataset(store=OxigraphStore(store=store.oxigraph), default_union=True)
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace, override=True)
        return dataset

    def entities(self, *, merged: bool = True):
        """The networkx entity graph `viz` and `patterns` draw from: one node per record (per linked
        entity when `merged`) with attributes `name`, `names`, `labels` (its classes), `reviews`,
        `records`, `codes`, `kind` and `evidence`; edges carry `type` and `review`."""
        from casegraph.analysis.entities import entity_graph
        from casegraph.graph.view_cache import view_of_store

        return entity_graph(view_of_store(self._reading()), merged=merged)

    # -- linking -------------------------------------------------------------------------------
    def candidates(self, *, threshold: float | None = None, kinds: list[str] | None = None,
                   limit: int | None = None, learn: bool = False, order: str = "score") -> list:
        """Candidate matches not yet decided (`link candidates`), best first or, with
        `order="informative"`, those whose answer would teach the model most first; `learn`
        re-estimates the model from the decisions in force. Each has id, left, right, kind, score
        and the comparisons behind it."""
        from casegraph.linking.candidate_cache import proposals

        return proposals(self._reading(), threshold, kinds=kinds, limit=limit, learn=learn, order=order)

    def explain(self, one: str, other: str, *, threshold: float | None = None):
        """Why two records are, or are not, a candidate (`link explain`): blocking, every
        comparison and weight, the score and the verdict."""
        from casegraph.linking.explain import explain_pair
        from casegraph.linking.settings import DEFAULT_THRESHOLD

        return explain_pair(self._reading(), one, other,
                            threshold=DEFAULT_THRESHOLD if threshold is None else threshold)

    def decide(self, candidate_id: str, verdict: str, *, note: str = "", analyst: str | None = None):
        """Accept, reject or undo a candidate (`link accept|reject|undo`); returns the Change."""
        from casegraph.graph.store import ReviewStore
        from casegraph.linking import decisions
        from casegraph.linking.candidate_cache import decidable

        verbs = {"accept": decisions.accept, "reject": decisions.reject, "undo": decisions.undo}
        if verdict not in verbs:
            raise QueryError(f"verdict {verdict!r}: use accept, reject or undo")
        with ReviewStore.open(self.path, write=True) as store:
            target = candidate_id if verdict == "undo" else decidable(store, candidate_id)
            change = verbs[verdict](store, target, analyst=analyst, note=note)
        self._forget_reader()
        return change

    def decisions(self) -> list:
        """The analysts' decisions in force, one per pair."""
        from casegraph.linking.decisions import current_decisions

        return current_decisions(self._reading())

    # -- lifetime ------------------------------------------------------------------------------
    def close(self) -> None:
        """Release snapshots and stop the embedded Cypher engine, if started."""
        self._forget_reader()
        if self._cypher is not None:
            self._cypher[1].close()
            self._cypher = None
        self._stack.close()

    def __enter__(self) -> Casegraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"casegraph.open({str(self.path)!r})"

    def _reading(self):
        """A read snapshot, reused while the store is unchanged."""
        from casegraph.graph.durability import store_fingerprint
        from casegraph.graph.store import ReviewStore

        fingerprint = store_fingerprint(self.path)
        if self._reader is None or self._reader[0] != fingerprint:
            self._forget_reader()
            stack = contextlib.ExitStack()
            self._reader = (fingerprint, stack.enter_context(ReviewStore.open(self.path)), stack)
        return self._reader[1]

    def _forget_reader(self) -> None:
        if self._reader is not None:
            self._reader[2].close()
            self._reader = None

    def _run_cypher(self, text: str, values: dict[str, str], *, saved, on_neo4j: bool) -> Result:
        from casegraph.queries.cypher import run_cypher

        if on_neo4j:
            from casegraph.graph.cypher.neo4j import Neo4jCypher, Neo4jSettings

            with Neo4jCypher(Neo4jSettings.from_env(None, None, None, None)) as engine:
                result = run_cypher(engine, text, values, saved=saved)
        else:
            result = run_cypher(self._embedded(), text, values, saved=saved)
        return Result(result.columns, [dict(zip(result.columns, map(_native, row))) for row in result.rows])

    def _embedded(self):
        from casegraph.graph.cypher.embedded import EmbeddedCypher
        from casegraph.graph.durability import store_fingerprint

        fingerprint = store_fingerprint(self.path)
        if self._cypher is None or self._cypher[0] != fingerprint:
            if self._cypher is not None:
                self._cypher[1].close()
                self._cypher = None
            self._cypher = (fingerprint, EmbeddedCypher(self.path))
        return self._cypher[1]


def open(path: Path | str | None = None) -> Casegraph:  # noqa: A001 - the name sqlite3 and rdflib users expect
    """The casegraph store at `path` (default: $CASEGRAPH_STORE, else the user's data directory);
    it is created by the first load()."""
    return Casegraph(path)


def _paths(paths) -> list[Path]:
    return [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]


def _param_strings(params: dict[str, object]) -> dict[str, str]:
    """Keyword values as the text `--param` takes, which the engines bind with the declared type."""
    return {name: str(value).lower() if isinstance(value, bool) else str(value) for name, value in params.items()}


def _native(value: object) -> object:
    """Cypher values as SPARQL's plain values are: Neo4j's temporal types as datetime's, casegraph's
    IRIs as short ids."""
    from casegraph.queries.sparql import short_iri

    if isinstance(value, list):
        return [_native(v) for v in value]
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, str):
        return short_iri(value)
    to_native = getattr(value, "to_native", None)
    if to_native is not None and not isinstance(value, (dt.date, dt.datetime)):
        return to_native()
    return value
