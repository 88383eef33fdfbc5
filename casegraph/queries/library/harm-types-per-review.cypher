// Each review with the harm types it records, labelled, and the Table 3 type each counts
// under; one row per review and harm type, in order of publication year. The Cypher twin of
// harm-types-per-review.rq.
// The Table 3 type is the code itself or the code above it with nothing above that.
// Portable Cypher (FalkorDB and Neo4j 5): no subqueries; "has no broader code" is an OPTIONAL
// MATCH counted to zero.
MATCH (review:Review)-[:HARM_TYPE]->(code:Concept {scheme: 'harm-type'})-[:BROADER*0..]->(top:Concept)
WHERE review.publicationYear IS NOT NULL AND review.label IS NOT NULL
OPTIONAL MATCH (top)-[up:BROADER]->(:Concept)
WITH review, code, top, count(up) AS above
WHERE above = 0
RETURN review.iri AS review, review.label AS title, review.publicationYear AS year,
       code.iri AS harmType, code.label AS label, top.iri AS table3Type, top.label AS table3Label
ORDER BY year
