// How many records of each class the stored reviews describe, superclasses included; the
// Cypher twin of records-by-class.rq.
// A node's labels are its class and all its superclasses, so each label counts the node once;
// only nodes typed in a review (those with a `review` property) count, so the codes' Concept
// nodes are left out. A relationship record is no node but the relationship it states, which
// carries the record's `iri` and `recordLabels` (the labels its node would have had), so those
// relationships count under their record labels. The class is given as its full IRI, as SPARQL
// gives it.
// Portable Cypher (FalkorDB and Neo4j 5): no subqueries; the nodes' (label, iri) pairs are
// collected, the relationship records' added to them, and the pairs counted per label.
MATCH (record)
WHERE record.review IS NOT NULL
UNWIND labels(record) AS label
WITH collect([label, record.iri]) AS pairs
OPTIONAL MATCH ()-[statement]->()
WHERE statement.recordLabels IS NOT NULL
WITH pairs, collect(statement) AS statements
UNWIND pairs + reduce(more = [], s IN statements | more + [l IN s.recordLabels | [l, s.iri]]) AS pair
RETURN 'https://w3id.org/casegraph/ontology#' + pair[0] AS class, count(DISTINCT pair[1]) AS count
ORDER BY count DESC, class
