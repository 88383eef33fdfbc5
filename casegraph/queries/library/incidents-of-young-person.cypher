// One young person's incidents in date order, undated last, with the responses to each: those
// recorded as responding to it, and those targeting the young person within $days days of it;
// records linked with owl:sameAs count as the same person. The Cypher twin of
// incidents-of-young-person.rq.
// The person's records are those joined to it by SAME_AS (either direction, any number of
// steps; the zero-length path is the record itself). A response targeting the person counts
// when it does not respond to the incident and both ends of each gap are dated:
// responseEarliest <= incidentLatest + days and incidentEarliest <= responseLatest + days (a
// missing date makes the comparison null, so the response is left out, as SPARQL's failed date
// arithmetic does). The review is the incident's own, given as its review node's IRI.
// Portable Cypher (FalkorDB and Neo4j 5): no subqueries; the two kinds of response are
// gathered with collect() and joined with list comprehensions, an incident without any keeps
// one row with nulls, and dates are compared as day numbers (`...EpochDay`): FalkorDB's
// date() + duration({days: n}) is off by days (2010-06-30 + 183 days gives 2011-01-01).
MATCH (person:Record {iri: $person})
MATCH (incident)-[part:HAS_VICTIM|INVOLVES|HAS_PERPETRATOR]->(:Record)-[:SAME_AS*0..]-(person)
WITH DISTINCT person, incident,
     CASE type(part) WHEN 'HAS_VICTIM' THEN 'victim' WHEN 'INVOLVES' THEN 'involved' ELSE 'perpetrator' END AS role
OPTIONAL MATCH (responding)-[:RESPONDS_TO]->(incident)
WITH person, incident, role, collect(DISTINCT responding) AS responding
OPTIONAL MATCH (targeting)-[:TARGETS]->(:Record)-[:SAME_AS*0..]-(person)
WITH person, incident, role, responding, collect(DISTINCT targeting) AS targeting
WITH person, incident, role,
     [r IN responding | [r, 'responds to the incident']]
     + [r IN targeting WHERE NOT r.iri IN [s IN responding | s.iri]
        AND r.dateEarliestEpochDay <= incident.dateLatestEpochDay + $days
        AND incident.dateEarliestEpochDay <= r.dateLatestEpochDay + $days
        | [r, 'targets the young person around the time']] AS found
UNWIND CASE WHEN size(found) = 0 THEN [[null, null]] ELSE found END AS hit
WITH person, incident, role, hit[0] AS response, hit[1] AS link
OPTIONAL MATCH (source:Review {review: incident.review})
OPTIONAL MATCH (response)-[:AGENCY]->(agency)
OPTIONAL MATCH (response)-[:RESPONSE_KIND]->(responseKind)
WITH DISTINCT person.iri AS person, incident.iri AS incident, role, incident.dateText AS dateText,
     incident.dateEarliest AS date, source.iri AS review, incident.description AS description,
     response.iri AS response, link, agency.iri AS agency, responseKind.iri AS responseKind,
     response.dateText AS responseDateText, response.dateEarliest AS responseDate
RETURN person, incident, role, dateText, date, review, description, response, link, agency,
       responseKind, responseDateText, $days AS days
ORDER BY date IS NULL, date, incident, responseDate, response
