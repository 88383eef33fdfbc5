// How many records of each class the stored reviews describe, superclasses included; the
// Cypher twin of records-by-class.rq.
// A node's labels are its class and all its superclasses, so each label counts the node once;
// only nodes typed in a review (those with a `review` property) count, so the codes' Concept
// nodes are left out. The class is given as its full IRI, as SPARQL gives it.
// Portable Cypher (FalkorDB and Neo4j 5): UNWIND over labels() and an aggregate.
MATCH (record)
WHERE record.review IS NOT NULL
UNWIND labels(record) AS label
RETURN 'https://w3id.org/casegraph/ontology#' + label AS class, count(DISTINCT record) AS count
ORDER BY count DESC, class
