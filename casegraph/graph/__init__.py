"""The graph: the persistent RDF store (one named graph per review), the batch load pipeline
that fills it, the property-graph view derived from it, and the Cypher engines over that view.

May import `loaders`, `ontology` and the base modules (`errors`, `output`); never the rooms
above (`queries`, `linking`, `analysis`, `viz`, `exchange`, `commands`).
"""
