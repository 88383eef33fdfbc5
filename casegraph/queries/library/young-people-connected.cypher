// Pairs of young people connected through a shared adult, peer, group or place: the connecting
// record, its kind, and how many reviews the connection draws on (2 or more: across reviews).
// Links are incidents both are part of (or where it happened, or a member of a perpetrating
// group), relationships (either direction), groups, places frequented, lived at or attended,
// and coded contexts (their participants and places, and members of participating groups);
// records linked with owl:sameAs count as one. The Cypher twin of young-people-connected.rq.
// Each review's links are derived when it is loaded (casegraph.ontology.connections states the
// rule) and are CONNECTED_THROUGH relationships here, each with the review that states it.
// Identity: records joined by SAME_AS (either direction, any number of steps) are one entity,
// named by the smallest IRI among its young-person records (for a young person) or among its
// people, groups and places other than young people and professionals (for a connector); an
// unlinked record is its own entity. A pair counts the reviews of either side (the union of
// both sides' reviews). Each pair is listed once, the smaller IRI first; the SPARQL orders a
// pair by a hash of the IRIs instead (a speed device), so its first and second young person may
// be swapped: compare pairs unordered. The kind is the connector's `kind`, the code of its most
// specific class.
// Portable Cypher (FalkorDB and Neo4j 5): no subqueries. Identities are the least IRI of a
// pattern comprehension (a per-row expression, not an aggregation); the links are gathered per
// connector once, and connectors with one link, most of them, are dropped before pairing.
MATCH (youngRecord:YoungPerson)
WITH youngRecord, reduce(least = youngRecord.iri, iri IN [(youngRecord)-[:SAME_AS*1..]-(same:YoungPerson) | same.iri] |
                         CASE WHEN iri < least THEN iri ELSE least END) AS youngPerson
MATCH (youngRecord)-[link:CONNECTED_THROUGH]->(connectorRecord)
WITH youngPerson, link.review AS review,
     reduce(least = null, iri IN [(connectorRecord)-[:SAME_AS*0..]-(same)
                                   WHERE (same:Person OR same:Group OR same:Place) AND NOT same:YoungPerson AND NOT same:Professional | same.iri] |
            CASE WHEN least IS NULL OR iri < least THEN iri ELSE least END) AS entity, connectorRecord
WITH coalesce(entity, connectorRecord.iri) AS connector, collect([youngPerson, review]) AS parts
WHERE size(parts) > 1
UNWIND parts AS one
UNWIND parts AS two
WITH connector, one, two
WHERE one[0] < two[0]
UNWIND [one[1], two[1]] AS review
WITH one[0] AS youngPerson1, two[0] AS youngPerson2, connector, count(DISTINCT review) AS reviews
MATCH (first:YoungPerson {iri: youngPerson1})
WHERE first.label IS NOT NULL
MATCH (second:YoungPerson {iri: youngPerson2})
WHERE second.label IS NOT NULL
OPTIONAL MATCH (connecting:Record {iri: connector})
RETURN youngPerson1, first.label AS name1, youngPerson2, second.label AS name2, connector,
       connecting.label AS connectorName,
       CASE WHEN connecting:Person OR connecting:Group OR connecting:Place THEN connecting.kind END AS kind,
       reviews
ORDER BY reviews DESC, kind
