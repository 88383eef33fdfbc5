// Pairs of young people connected through a shared adult, peer, group or place: the connecting
// record, its kind, and how many reviews the connection draws on (2 or more: across reviews).
// Links are incidents both are part of (or where it happened, or a member of a perpetrating
// group), relationships (either direction), groups, places frequented, lived at or attended,
// and coded contexts (their participants and places, and members of participating groups);
// records linked with owl:sameAs count as one. The Cypher twin of young-people-connected.rq.
// Each link is kept with the review that states the young person's part in it. Identity:
// records joined by SAME_AS (either direction, any number of steps) are one entity, named by
// the smallest IRI among its young-person records (for a young person) or among its people,
// groups and places other than young people and professionals (for a connector); an unlinked
// record is its own entity. Connectors are anyone or anything but young people and
// professionals. A pair counts the reviews of either side (the union of both sides' reviews).
// Each pair is listed once, the smaller IRI first; the SPARQL orders a pair by a hash of the
// IRIs instead (a speed device), so its first and second young person may be swapped: compare
// pairs unordered. The kind is the connector's `kind`, the code of its most specific class.
// Portable Cypher (FalkorDB and Neo4j 5): no subqueries; each kind of link is an OPTIONAL
// MATCH folded into one list with collect() before the next, so rows never multiply across
// kinds; pairs come from unwinding each connector's list of young people twice. Each young
// person's identity is found once, before its links are gathered, and each connector's once per
// distinct (young person, review, connector) row: about 25% faster than per link.
MATCH (youngRecord:YoungPerson)
OPTIONAL MATCH (youngRecord)-[:SAME_AS*0..]-(sameYoungPerson:YoungPerson)
WITH youngRecord, min(sameYoungPerson.iri) AS youngPerson
OPTIONAL MATCH (incident)-[part:HAS_VICTIM|HAS_PERPETRATOR|INVOLVES]->(youngRecord)
OPTIONAL MATCH (incident)-[:HAS_VICTIM|HAS_PERPETRATOR|INVOLVES|OCCURRED_AT]->(shared)
WITH youngRecord, youngPerson, collect(DISTINCT [part.review, shared]) AS links
OPTIONAL MATCH (incident)-[part:HAS_VICTIM|HAS_PERPETRATOR|INVOLVES]->(youngRecord)
OPTIONAL MATCH (incident)-[:HAS_PERPETRATOR]->(:Record)<-[:MEMBER_OF]-(member)
WITH youngRecord, youngPerson, links, collect(DISTINCT [part.review, member]) AS more
WITH youngRecord, youngPerson, links + more AS links
OPTIONAL MATCH (youngRecord)-[tie:KNOWS|FRIEND_OF|INTIMATE_PARTNER_OF|RELATIVE_OF|ASSOCIATE_OF|ACQUAINTANCE_OF]-(related)
WITH youngRecord, youngPerson, links, collect(DISTINCT [tie.review, related]) AS more
WITH youngRecord, youngPerson, links + more AS links
OPTIONAL MATCH (youngRecord)-[tie:MEMBER_OF|FREQUENTS|LIVES_AT|ATTENDS]->(place)
WITH youngRecord, youngPerson, links, collect(DISTINCT [tie.review, place]) AS more
WITH youngRecord, youngPerson, links + more AS links
OPTIONAL MATCH (context)-[about:CONCERNS_YOUNG_PERSON]->(youngRecord)
OPTIONAL MATCH (context)-[:CONTEXT_PARTICIPANT|CONTEXT_PLACE]->(named)
WITH youngRecord, youngPerson, links, collect(DISTINCT [about.review, named]) AS more
WITH youngRecord, youngPerson, links + more AS links
OPTIONAL MATCH (context)-[about:CONCERNS_YOUNG_PERSON]->(youngRecord)
OPTIONAL MATCH (context)-[:CONTEXT_PARTICIPANT]->(:Record)<-[:MEMBER_OF]-(member)
WITH youngRecord, youngPerson, links, collect(DISTINCT [about.review, member]) AS more
WITH youngRecord, youngPerson, links + more AS links
UNWIND links AS link
WITH DISTINCT youngPerson, link[0] AS review, link[1] AS connectorRecord
WHERE connectorRecord IS NOT NULL AND NOT connectorRecord:YoungPerson AND NOT connectorRecord:Professional
OPTIONAL MATCH (connectorRecord)-[:SAME_AS*0..]-(sameConnector)
WHERE (sameConnector:Person OR sameConnector:Group OR sameConnector:Place)
      AND NOT sameConnector:YoungPerson AND NOT sameConnector:Professional
WITH review, youngPerson, connectorRecord, min(sameConnector.iri) AS connectorEntity
WITH DISTINCT review, youngPerson, coalesce(connectorEntity, connectorRecord.iri) AS connector
WITH connector, youngPerson, collect(DISTINCT review) AS reviews
WITH connector, collect([youngPerson, reviews]) AS sides
UNWIND sides AS one
UNWIND sides AS two
WITH connector, one, two
WHERE one[0] < two[0]
WITH one[0] AS youngPerson1, two[0] AS youngPerson2, connector,
     size(one[1]) + size([r IN two[1] WHERE NOT r IN one[1]]) AS reviews
MATCH (first:YoungPerson {iri: youngPerson1})
WHERE first.label IS NOT NULL
MATCH (second:YoungPerson {iri: youngPerson2})
WHERE second.label IS NOT NULL
OPTIONAL MATCH (connecting:Record {iri: connector})
RETURN youngPerson1, first.label AS name1, youngPerson2, second.label AS name2, connector,
       connecting.label AS connectorName,
       CASE WHEN connecting:Person OR connecting:Group OR connecting:Place THEN connecting.kind END AS kind,
       reviews
ORDER BY reviews DESC, kind
