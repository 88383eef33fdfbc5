// Number of reviews (and of coded contexts and young people) per context type under the
// study's Table 1 node "Contextual dynamics of protection and safety"; the Cypher twin of
// contexts-of-safety.rq.
// SAFETY_CODING is the code list's cg:safetyCoding from a context type to its framework node;
// the review is the one stating the context's type.
// Portable Cypher (FalkorDB and Neo4j 5): OPTIONAL MATCH keeps context types nobody coded.
MATCH (contextCode:Concept {scheme: 'context-type'})-[:SAFETY_CODING]->(framework:Concept)
OPTIONAL MATCH (context:ContextOfSafety)-[typed:CONTEXT_TYPE]->(contextCode)
OPTIONAL MATCH (context)-[:CONCERNS_YOUNG_PERSON]->(youngPerson)
RETURN contextCode.iri AS contextType, contextCode.label AS label, framework.iri AS frameworkNode,
       framework.label AS frameworkLabel, count(DISTINCT typed.review) AS reviews,
       count(DISTINCT context) AS contexts, count(DISTINCT youngPerson) AS youngPeople
ORDER BY reviews DESC, label
