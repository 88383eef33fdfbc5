"""casegraph talking to other systems: pushing to Neo4j and to SPARQL stores, Neo4j's CSV import
layout, and the read-only SPARQL endpoint (`casegraph serve`).

May import every library room below it (`analysis`, `linking`, `queries`, `graph`, `loaders`,
`ontology`); never `commands`. Nothing here runs unless a user asks for it by name.
"""
