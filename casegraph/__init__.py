"""casegraph: serious case reviews of extra-familial harm to young people as one queryable graph.

From Python (see docs/python-api.md)::

    import casegraph

    cg = casegraph.open("my-store")          # default: $CASEGRAPH_STORE, else the user's data directory
    cg.load(["examples/reviews"])
    cg.query("reviews-per-year").to_pandas()
    cg.cypher("MATCH (p:YoungPerson) RETURN p.label AS name").rows
    cg.rdflib()                              # an rdflib Dataset over the same store
    cg.entities()                            # the networkx entity graph

The modules underneath (`casegraph.graph`, `casegraph.queries`, `casegraph.linking`, ...) are the
same library the command line is a thin layer over.
"""
from casegraph.api import Casegraph, LoadFailed, Result, open
from casegraph.errors import CasegraphError

__all__ = ["Casegraph", "CasegraphError", "LoadFailed", "Result", "open"]
