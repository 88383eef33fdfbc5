"""Analysis over the whole graph: the entity graph (records merged by analysts' accepted links)
and the pattern reports built on it (adults linked across reviews, shared places, peer groups,
missed links, timelines, central entities).

May import `graph`, `linking`, `queries`, `loaders`, `ontology` and the base modules; never
`viz`, `exchange` or `commands`, which build on it.
"""
