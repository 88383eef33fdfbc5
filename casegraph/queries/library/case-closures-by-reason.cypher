// Case closures by the reason given (the study's Table 1 node "Close of case"); number of
// reviews and of closures per reason, reasons with none included. The Cypher twin of
// case-closures-by-reason.rq.
// A relationship's `review` is the review that states it, so counting its distinct values
// counts reviews, as SPARQL's GRAPH ?review does.
// Portable Cypher (FalkorDB and Neo4j 5): OPTIONAL MATCH keeps the reasons nobody gave.
MATCH (reason:Concept {scheme: 'closure-reason'})
OPTIONAL MATCH (closure)-[given:CLOSURE_REASON]->(reason)
RETURN reason.iri AS reason, reason.label AS label,
       count(DISTINCT given.review) AS reviews, count(DISTINCT closure) AS closures
ORDER BY reviews DESC, label
