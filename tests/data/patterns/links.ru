# Analysts' accepted links between records of the pat-* test reviews, stored as the linking
# feature stores them: owl:sameAs in the graph <https://w3id.org/casegraph/links>. Directions
# are mixed on purpose.
INSERT DATA {
  GRAPH <https://w3id.org/casegraph/links> {
    <https://w3id.org/casegraph/review/pat-b-2019/mr-k-b> owl:sameAs <https://w3id.org/casegraph/review/pat-a-2018/mr-k> .
    <https://w3id.org/casegraph/review/pat-a-2018/amy> owl:sameAs <https://w3id.org/casegraph/review/pat-b-2019/amy-b> .
    <https://w3id.org/casegraph/review/pat-b-2019/park-b> owl:sameAs <https://w3id.org/casegraph/review/pat-a-2018/park> .
    <https://w3id.org/casegraph/review/pat-c-2020/hal> owl:sameAs <https://w3id.org/casegraph/review/pat-b-2019/fin> .
  }
}
