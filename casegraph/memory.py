"""Pausing Python's cycle collector while a big, acyclic structure is built."""
from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def without_cycle_collection():
    """Building hundreds of thousands of small acyclic objects (records, features, a page's lists)
    sets off the cycle collector again and again, and each pass walks the whole heap, the
    structure being built with it, for nothing: a third of such work, or more. Whatever cycles
    are made meanwhile are collected once it is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
