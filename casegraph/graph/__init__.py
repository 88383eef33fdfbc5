"""Graphs: the persistent RDF store (and, later, views derived from it)."""
