// Reviews and incidents per exact harm-type code, each with the Table 3 type it falls under;
// the Cypher twin of harm-codes.rq.
// The Table 3 type is the code itself or the code above it with nothing above that (a top
// concept of the harm-type list). A HARM_TYPE from a Review node is the review's own, one from an
// Incident the incident's (an outcome's harm type counts as neither).
// Portable Cypher (FalkorDB and Neo4j 5): no subqueries; "has no broader code" is an OPTIONAL
// MATCH counted to zero.
MATCH (code:Concept {scheme: 'harm-type'})-[:BROADER*0..]->(top:Concept)
OPTIONAL MATCH (top)-[up:BROADER]->(:Concept)
WITH code, top, count(up) AS above
WHERE above = 0
OPTIONAL MATCH (subject)-[:HARM_TYPE]->(code)
// An event told in several reviews (incidents joined by SAME_AS or SAME_EVENT_AS, either
// direction, any number of steps) counts once, as the smallest IRI among its tellings.
OPTIONAL MATCH (subject:Incident)-[:SAME_AS|SAME_EVENT_AS*0..]-(telling:Incident)
WITH code, top, subject, min(telling.iri) AS event
RETURN code.iri AS harmType, code.label AS label, top.iri AS table3Type, top.label AS table3Label,
       count(DISTINCT CASE WHEN 'Review' IN labels(subject) THEN subject.iri END) AS reviews,
       count(DISTINCT event) AS incidents
ORDER BY table3Label, reviews DESC, label
