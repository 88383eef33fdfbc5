// Professional responses by responding agency and target; number of responses and of reviews.
// Give agency (an agency code, e.g. police) for one agency only. The Cypher twin of
// response-targets-by-agency.rq.
// $agency is null when not given (every agency), as an unbound SPARQL variable; the review is
// the one stating the response's agency, as in the SPARQL.
// Portable Cypher (FalkorDB and Neo4j 5): two relationship types from one node, so no
// relationship can serve both parts of the pattern.
MATCH (agencyCode:Concept)<-[by:AGENCY]-(response)-[:TARGET_LEVEL]->(target:Concept)
WHERE $agency IS NULL OR agencyCode.code = $agency
WITH agencyCode, target, count(DISTINCT response) AS responses, count(DISTINCT by.review) AS reviews
RETURN agencyCode.code AS agency, agencyCode.label AS agencyLabel, target.iri AS targetLevel,
       target.label AS label, responses, reviews
ORDER BY agency, responses DESC, label
