"""Linking across reviews: records that may stand for the same real person, group or place.

`reading.link_records(store)` reads what each review records about its people, groups and places
into `LinkRecord`s; `candidates.find_candidates(records)` proposes pairs that may be one entity,
each with a match probability and an explanation of every attribute compared; `quality` measures
candidates against a generated corpus's ground truth. Nothing here decides a link: an analyst
does (see `decisions`), choosing among the candidates cached in the store (`candidate_cache`) and
reading each pair's matching card (`cards`).

Submodules are imported by name (``from casegraph.linking.candidates import find_candidates``) so
that importing the package stays cheap.

May import `graph`, `loaders`, `ontology` and the base modules; never `queries` or anything above.
"""
