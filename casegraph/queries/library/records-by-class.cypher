// How many records of each class the stored reviews describe, superclasses included; the
// Cypher twin of records-by-class.rq.
// A node's labels are its class and all its superclasses, so each label counts the node once;
// only nodes typed in a review (those with a `review` property) count, so the codes' Concept
// nodes are left out. A relationship record is no node but the relationship it states, which
// carries the record's `iri` and `recordLabels` (the labels its node would have had), so those
// relationships count under their record labels; a review's shapes allow a relationship record
// only the five kinds of cg:knows, so only those relationship types are read. The class is given
// as its full IRI, as SPARQL gives it.
// Portable Cypher (FalkorDB and Neo4j 5): no subqueries. Nodes and relationship records are
// counted per label apart (no IRI is both) and the two short lists of counts added: carrying a
// list of every node's label through a row per relationship record took minutes at 1,300 reviews.
MATCH (record)
WHERE record.review IS NOT NULL
UNWIND labels(record) AS label
WITH label, count(DISTINCT record.iri) AS records
WITH collect([label, records]) AS counted
OPTIONAL MATCH ()-[statement:FRIEND_OF|INTIMATE_PARTNER_OF|RELATIVE_OF|ASSOCIATE_OF|ACQUAINTANCE_OF]->()
WHERE statement.recordLabels IS NOT NULL
WITH counted, collect(statement) AS statements
UNWIND [s IN statements | [l IN s.recordLabels | [l, s.iri]]] + [[[null, null]]] AS folded
UNWIND folded AS pair
WITH counted, pair[0] AS label, count(DISTINCT pair[1]) AS records
WITH counted, collect([label, records]) AS more
UNWIND counted + more AS pair
WITH pair[0] AS label, sum(pair[1]) AS count
WHERE label IS NOT NULL
RETURN 'https://w3id.org/casegraph/ontology#' + label AS class, toInteger(count) AS count
ORDER BY count DESC, class
