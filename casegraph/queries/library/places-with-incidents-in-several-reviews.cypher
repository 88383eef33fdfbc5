// Places where incidents recorded in two or more reviews occurred; place records linked with
// owl:sameAs count as one place, named by the smallest record IRI. The Cypher twin of
// places-with-incidents-in-several-reviews.rq.
// Identity across reviews: records joined by SAME_AS (either direction, any number of steps)
// are one entity, named by the smallest IRI among its place records; an unlinked record is
// its own entity (the zero-length path). The review is the one stating where the incident
// occurred.
// Portable Cypher (FalkorDB and Neo4j 5): a variable-length OPTIONAL MATCH and min() instead of
// a subquery; the entity's node is found again by its iri (indexed on :Record).
MATCH (incident)-[at:OCCURRED_AT]->(record)
OPTIONAL MATCH (record)-[:SAME_AS*0..]-(linked:Place)
// an event told in several reviews (incidents joined by SAME_AS or SAME_EVENT_AS) counts once
OPTIONAL MATCH (incident)-[:SAME_AS|SAME_EVENT_AS*0..]-(telling:Incident)
WITH at.review AS review, incident, record, min(linked.iri) AS entity, min(telling.iri) AS event
WITH coalesce(entity, record.iri) AS place, count(DISTINCT review) AS reviews,
     count(DISTINCT event) AS incidents, count(DISTINCT record) AS records
WHERE reviews >= 2
OPTIONAL MATCH (named:Record {iri: place})
RETURN place, named.label AS name, reviews, incidents, records
ORDER BY reviews DESC, incidents DESC
