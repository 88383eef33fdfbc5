// The study's Table 1 coding framework: for each primary node and child node, the number of
// reviews with anything coded to it (the review itself, a context, a response) and the number
// of coded items. The Cypher twin of framework-nodes.rq.
// Primary nodes are the framework codes with nothing above them (the scheme's top concepts);
// child nodes are the codes directly below them (BROADER links only adjacent codes). A
// CODED_AS relationship's `review` is the review that states it.
// Portable Cypher (FalkorDB and Neo4j 5): no subqueries; "has no broader code" is an OPTIONAL
// MATCH counted to zero, and OPTIONAL MATCH keeps nodes nothing is coded to (count 0).
MATCH (primary:Concept {scheme: 'framework'})
OPTIONAL MATCH (primary)-[up:BROADER]->(:Concept)
WITH primary, count(up) AS above
WHERE above = 0
MATCH (child:Concept)-[:BROADER]->(primary)
OPTIONAL MATCH (item)-[coded:CODED_AS]->(child)
RETURN primary.iri AS primaryNode, primary.label AS primaryLabel, child.iri AS node, child.label AS label,
       count(DISTINCT coded.review) AS reviews, count(DISTINCT item) AS items
ORDER BY primaryLabel, reviews DESC, label
