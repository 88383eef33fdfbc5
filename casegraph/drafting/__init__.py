"""Drafting a review's coding from its own text: extraction, lexicons from the ontology, proposals."""
