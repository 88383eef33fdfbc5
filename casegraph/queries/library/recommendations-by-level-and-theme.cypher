// Review recommendations by level (local or national system) and theme; number of reviews and
// of recommendations. A recommendation without a theme counts with an empty (null) theme. The
// Cypher twin of recommendations-by-level-and-theme.rq.
// SPARQL sorts an unbound theme first; Cypher sorts nulls last, so the order says so
// (`theme IS NOT NULL` is false, first, for a null theme).
// Portable Cypher (FalkorDB and Neo4j 5): OPTIONAL MATCH for the theme, an aggregate, and an
// ORDER BY on projected columns only.
MATCH (recommendation)-[at:RECOMMENDATION_LEVEL]->(levelCode:Concept {scheme: 'recommendation-level'})
OPTIONAL MATCH (recommendation)-[:RECOMMENDATION_THEME]->(themeCode:Concept {scheme: 'recommendation-theme'})
WITH levelCode, themeCode, count(DISTINCT at.review) AS reviews, count(DISTINCT recommendation) AS recommendations
RETURN levelCode.code AS level, levelCode.label AS levelLabel, themeCode.code AS theme,
       themeCode.label AS themeLabel, reviews, recommendations
ORDER BY level, reviews DESC, theme IS NOT NULL, theme
