// People, groups and incidents within N steps of a person: a step joins an incident and its
// victims, perpetrators or people involved, two people in a relationship, a group and a
// member, or two reviews' records an analyst linked with owl:sameAs (SAME_AS). The Cypher
// twin of within-hops-of-person.rq.
// The variable-length bound is the hops parameter, validated as an integer and written into the
// text where the placeholder in double braces stands (Cypher cannot take that bound as a
// parameter). A node within N steps along any walk is within N
// steps along a path without repeated relationships, so Cypher's trails find the same nodes
// as SPARQL's repeated steps. The review is the node's own (the one that names it), given as
// its review node's IRI; the kind is each code of the node's coded classes (`kinds`), or
// "incident" for a node with none.
// Portable Cypher (FalkorDB and Neo4j 5): one undirected variable-length pattern over several
// relationship types, DISTINCT before the lookups.
MATCH (person:Record {iri: $person})-[:HAS_VICTIM|HAS_PERPETRATOR|INVOLVES|KNOWS|FRIEND_OF|INTIMATE_PARTNER_OF|RELATIVE_OF|ASSOCIATE_OF|ACQUAINTANCE_OF|MEMBER_OF|SAME_AS*1..{{hops}}]-(node)
WHERE node.iri <> person.iri
WITH DISTINCT person, node
OPTIONAL MATCH (source:Review {review: node.review})
UNWIND coalesce(node.kinds, ['incident']) AS kind
RETURN DISTINCT person.iri AS person, node.iri AS node, kind, node.label AS name,
       CASE WHEN node.label IS NULL THEN null ELSE source.iri END AS review
ORDER BY kind, name
