// Places of the contexts of harm coded "Public location (physical)", by kind (the study's
// Table 2: generic public space, hotspot, travel route, bus stop, parks, estates, ...); number
// of reviews and of places per kind. The Cypher twin of public-location-kinds.rq.
// A place's kind is its `kind`: the code of its most specific class with a code (a park is
// also a public space), with `kindLabel` that class's label (the view takes both from the
// ontology). The coding and the place must be stated in one review, as in the SPARQL's single
// GRAPH ?review block.
// Portable Cypher (FalkorDB and Neo4j 5): two relationship types from one node, so no
// relationship can serve both parts of the pattern.
MATCH (:Concept {scheme: 'framework', code: 'harm-public-location'})<-[coded:CODED_AS]-(context)-[at:CONTEXT_PLACE]->(place)
WHERE coded.review = at.review AND place.kind IS NOT NULL
RETURN place.kind AS kind, place.kindLabel AS kindLabel,
       count(DISTINCT at.review) AS reviews, count(DISTINCT place) AS places
ORDER BY reviews DESC, kind
