"""casegraph: serious case reviews of extra-familial harm to young people as one queryable graph.

The library is usable without the command line:

    from casegraph.graph.loading import load_paths, validate_paths
    from casegraph.graph.store import ReviewStore
"""
from casegraph.errors import CasegraphError

__all__ = ["CasegraphError"]
