// Reviews and incidents per harm type of the study's Table 3; a narrower code counts under its
// Table 3 type, and a review or incident counts once per type. The Cypher twin of harm-types.rq.
// Table 3 types are the harm-type codes with nothing above them (no BROADER; in the code list
// they are the scheme's top concepts). A HARM_TYPE from a Review node is the review's own, one from an
// Incident the incident's (an outcome's harm type counts as neither), so two conditional counts split them (count ignores nulls).
// Portable Cypher (FalkorDB and Neo4j 5): no subqueries; "has no broader code" is an OPTIONAL
// MATCH counted to zero, and the roll-up is a zero-or-more BROADER path.
MATCH (top:Concept {scheme: 'harm-type'})
OPTIONAL MATCH (top)-[up:BROADER]->(:Concept)
WITH top, count(up) AS above
WHERE above = 0
OPTIONAL MATCH (code:Concept)-[:BROADER*0..]->(top)
OPTIONAL MATCH (subject)-[:HARM_TYPE]->(code)
// An event told in several reviews (incidents joined by SAME_AS or SAME_EVENT_AS, either
// direction, any number of steps) counts once, as the smallest IRI among its tellings.
OPTIONAL MATCH (subject:Incident)-[:SAME_AS|SAME_EVENT_AS*0..]-(telling:Incident)
WITH top, subject, min(telling.iri) AS event
RETURN top.iri AS harmType, top.label AS label,
       count(DISTINCT CASE WHEN 'Review' IN labels(subject) THEN subject.iri END) AS reviews,
       count(DISTINCT event) AS incidents
ORDER BY reviews DESC, incidents DESC, label
