# Analysts' accepted links between records of the link-* test reviews, stored as the linking
# feature stores them: owl:sameAs in the graph <https://w3id.org/casegraph/links>. Directions
# are mixed on purpose, and Adult X (link-c) reaches Mr X (link-a) only through X (link-b).
# casegraph predeclares the owl: prefix (run with `casegraph query sparql ... --allow-update`).
INSERT DATA {
  GRAPH <https://w3id.org/casegraph/links> {
    <https://w3id.org/casegraph/review/link-b-2020/mr-ex> owl:sameAs <https://w3id.org/casegraph/review/link-a-2019/mr-x> .
    <https://w3id.org/casegraph/review/link-c-2021/adult-x> owl:sameAs <https://w3id.org/casegraph/review/link-b-2020/mr-ex> .
    <https://w3id.org/casegraph/review/link-a-2019/flat> owl:sameAs <https://w3id.org/casegraph/review/link-b-2020/flat-1> .
    <https://w3id.org/casegraph/review/link-b-2020/cara> owl:sameAs <https://w3id.org/casegraph/review/link-c-2021/cara-c> .
  }
}
