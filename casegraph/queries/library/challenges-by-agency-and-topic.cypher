// Professionals challenging another agency's decision, by who challenged, whose decision and
// topic; number of reviews and of challenges. The Cypher twin of challenges-by-agency-and-topic.rq.
// The three facts must be stated in one review, as SPARQL's single GRAPH ?review block asks:
// their relationships carry the same `review`.
// Portable Cypher (FalkorDB and Neo4j 5): three relationship types from one node, so no
// relationship can serve two parts of the pattern; `by` and `of` are backquoted, being
// keywords somewhere in Cypher.
MATCH (byCode:Concept)<-[byLink:CHALLENGED_BY]-(challenge)-[ofLink:CHALLENGED_AGENCY]->(ofCode:Concept),
      (challenge)-[topicLink:CHALLENGE_TOPIC]->(topicCode:Concept)
WHERE byLink.review = ofLink.review AND ofLink.review = topicLink.review
WITH byCode, ofCode, topicCode, count(DISTINCT byLink.review) AS reviews, count(DISTINCT challenge) AS challenges
RETURN byCode.code AS `by`, byCode.label AS byLabel, ofCode.code AS `of`, ofCode.label AS ofLabel,
       topicCode.code AS topic, topicCode.label AS topicLabel, reviews, challenges
ORDER BY reviews DESC, `by`, `of`, topic
