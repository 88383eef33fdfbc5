// Professional responses by target (individual young person, family or extra-familial
// context, the study's Table 1 "Professional responses"), with the framework node each target
// counts under; number of responses and of reviews. The Cypher twin of response-targets.rq.
// FRAMED_AS is the code list's cg:framedAs between codes; a relationship's `review` is the
// review that states it.
// Portable Cypher (FalkorDB and Neo4j 5): OPTIONAL MATCH keeps targets no response had.
MATCH (target:Concept {scheme: 'response-target'})-[:FRAMED_AS]->(framework:Concept)
OPTIONAL MATCH (response)-[aimed:TARGET_LEVEL]->(target)
RETURN target.iri AS targetLevel, target.label AS label, framework.iri AS frameworkNode,
       framework.label AS frameworkLabel,
       count(DISTINCT response) AS responses, count(DISTINCT aimed.review) AS reviews
ORDER BY responses DESC, label
