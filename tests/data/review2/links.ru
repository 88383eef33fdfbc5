# Analysts' accepted links between the two review/2 test reviews: the child and the road are one.
INSERT DATA {
  GRAPH <https://w3id.org/casegraph/links> {
    <https://w3id.org/casegraph/review/every-field-2021/child-v> owl:sameAs <https://w3id.org/casegraph/review/other-review-2022/yp-3> .
    <https://w3id.org/casegraph/review/other-review-2022/road> owl:sameAs <https://w3id.org/casegraph/review/every-field-2021/ring-road> .
  }
}
