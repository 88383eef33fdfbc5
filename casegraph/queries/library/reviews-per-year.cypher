// Number of reviews by publication year (the study's Figure 1); the Cypher twin of
// reviews-per-year.rq over the property-graph view.
// Portable Cypher (FalkorDB and Neo4j 5): one MATCH and an aggregate. The year is the review
// node's `publicationYear` (an xsd:gYear in the store, a number in the view).
MATCH (review:Review)
WHERE review.publicationYear IS NOT NULL
RETURN review.publicationYear AS year, count(DISTINCT review) AS reviews
ORDER BY year
