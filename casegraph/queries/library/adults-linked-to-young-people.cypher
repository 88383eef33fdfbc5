// Adults who harmed two or more young people, within one review or across reviews: unconnected
// adults, organised groups of adults and their members, as perpetrators of incidents against
// young people, directly or through a group; records linked with owl:sameAs count as one,
// named by the smallest record IRI. The Cypher twin of adults-linked-to-young-people.rq.
// The adults a perpetrator stands for: an unconnected adult or organised adult group itself,
// and the members of a perpetrating group (all members of an organised adult group; unconnected
// adults in any group). Identity: records joined by SAME_AS (either direction, any number of
// steps) are one entity, named by the smallest IRI among the cluster's adults (unconnected
// adults, groups and group members) or young people; an unlinked record is its own entity.
// The review is the one stating the perpetrator. `kinds` holds the codes of all the adult's
// coded classes (SPARQL's a/skos:notation), one row each.
// Portable Cypher (FalkorDB and Neo4j 5): no subqueries; members are gathered with OPTIONAL
// MATCH and collect(); identities are the least IRI of a pattern comprehension over a
// variable-length path (a per-row expression, 20% faster than an OPTIONAL MATCH and min()).
MATCH (incident)-[perpetrated:HAS_PERPETRATOR]->(perpetrator), (incident)-[:HAS_VICTIM]->(victim:YoungPerson)
OPTIONAL MATCH (member)-[:MEMBER_OF]->(perpetrator)
WHERE perpetrator:OrganisedAdultGroup OR member:UnconnectedAdult
WITH perpetrated.review AS review, incident, victim, perpetrator, collect(DISTINCT member) AS members
UNWIND CASE WHEN perpetrator:UnconnectedAdult OR perpetrator:OrganisedAdultGroup
            THEN members + [perpetrator] ELSE members END AS adultRecord
WITH review, incident, victim, adultRecord,
     reduce(least = null, iri IN [(adultRecord)-[:SAME_AS*0..]-(same)
                                   WHERE same:UnconnectedAdult OR same:Group OR (same)-[:MEMBER_OF]->() | same.iri] |
            CASE WHEN least IS NULL OR iri < least THEN iri ELSE least END) AS adultEntity
WITH adultEntity, adultRecord, review, incident,
     reduce(least = victim.iri, iri IN [(victim)-[:SAME_AS*1..]-(same:YoungPerson) | same.iri] |
            CASE WHEN iri < least THEN iri ELSE least END) AS youngPerson
WITH coalesce(adultEntity, adultRecord.iri) AS adult, review, incident, youngPerson
WITH adult, count(DISTINCT youngPerson) AS youngPeople, count(DISTINCT review) AS reviews,
     count(DISTINCT incident) AS incidents
WHERE youngPeople >= 2
OPTIONAL MATCH (named:Record {iri: adult})
UNWIND coalesce(named.kinds, [null]) AS kind
RETURN adult, named.label AS name, kind, youngPeople, reviews, incidents
ORDER BY youngPeople DESC, reviews DESC
