"""The matcher's settings: the outcomes of a comparison, the judgements the model starts from
(`PRIOR_M`, `PRIOR_U`, `EXPECTED_MATCHES`) and the limits of measuring, comparing and blocking,
in one place so they are read and tuned together. How measured numbers replace the judgements
is told in `casegraph.linking.candidates`; nothing here reads any ground truth.
"""
from __future__ import annotations

DEFAULT_THRESHOLD = 0.9  # the lowest score `link candidates` proposes unless told otherwise
OUTCOMES = ("agree", "partial", "disagree", "missing")
AGREE, PARTIAL, DISAGREE, MISSING = range(4)


# -- the model's settings ----------------------------------------------------------------------

# m: the chance of (agree, partial, disagree) when two records, both recording the attribute, are
# one entity. Person names only count when they identify (code names like "Child M" are missing).
PRIOR_M = {
    # a real name, street name or handle, when both records give one, mostly recurs as written or as
    # initial and surname; a pseudonym is missing, not disagreeing
    "name": (0.9, 0.05, 0.05),
    "place-name": (0.75, 0.15, 0.1),  # one place is written "Ashfield Park", "the park (Ashfield Park)"
    "group-name": (0.5, 0.2, 0.3),
    "kind": (0.6, 0.4, 0.0),  # the subject of one review is often a peer in another
    "place-kind": (0.95, 0.05, 0.0),  # a park here is rarely a street there
    "group-kind": (0.8, 0.2, 0.0),  # a gang to one review is an organised group to another
    "gender": (0.97, 0.0, 0.03),
    "birth": (0.85, 0.12, 0.03),
    "area": (0.85, 0.0, 0.15),  # people are reviewed where they live, but adults travel
    "place-area": (0.95, 0.0, 0.05),
    "years": (0.5, 0.4, 0.1),  # two reviews may cover different years of one life
    "harm": (0.6, 0.0, 0.4),
    "linked": (0.45, 0.2, 0.35),  # one entity in two reviews is often linked to a place, person or group in both
    "agency": (0.95, 0.0, 0.05),
    "relation": (0.9, 0.0, 0.1),
    "incident": (0.3, 0.0, 0.7),  # one incident recorded by both reviews, as victim or perpetrator
    # each review gives a child its own pseudonym: one child's two records agree on it by chance only
    "pseudonym": (0.06, 0.0, 0.94),
    "role": (0.7, 0.2, 0.1),  # a professional known by role keeps it in the next review, or is renamed
    "care": (0.9, 0.0, 0.1),  # looked after in one review, mostly said in the other too
    "outcome": (0.9, 0.05, 0.05),  # one death or injury, dated alike by both reviews
    # incidents: one event told by two reviews
    "incident-harm": (0.75, 0.2, 0.05),  # coded alike, or one finer than the other
    "when": (0.8, 0.15, 0.05),  # dated to overlapping months, or near
    "victim": (0.6, 0.0, 0.4),  # the same (linked) child named as harmed
}
ATTRIBUTES = {  # family -> the attributes compared, in explanation order
    "young-person": ("name", "pseudonym", "kind", "gender", "birth", "area", "years", "harm", "care", "outcome",
                     "linked", "incident"),
    "adult": ("name", "pseudonym", "gender", "birth", "area", "years", "harm", "outcome", "linked", "incident"),
    "family-member": ("name", "relation", "gender", "birth", "area", "years", "harm", "linked"),
    "professional": ("name", "role", "agency", "gender", "area", "years", "harm", "linked"),
    "person": ("name", "pseudonym", "kind", "gender", "birth", "area", "years", "harm", "outcome", "linked",
               "incident"),
    "group": ("name", "kind", "area", "years", "harm", "linked"),
    "place": ("name", "kind", "area", "years", "harm", "linked"),
    "place:online-space": ("name", "years", "harm", "linked"),  # a platform has no area
    "incident": ("harm", "when", "area", "linked", "victim"),
}
# u before any data: what two different entities' records look like. Measured u is shrunk
# towards these by PSEUDO_PAIRS pseudo-pairs, which matters only in a small corpus.
PRIOR_U = {
    "name": (0.01, 0.05, 0.94), "kind": (0.7, 0.3, 0.0), "gender": (0.5, 0.0, 0.5),
    "birth": (0.1, 0.15, 0.75), "area": (0.1, 0.0, 0.9), "years": (0.3, 0.4, 0.3), "harm": (0.4, 0.0, 0.6),
    "linked": (0.05, 0.1, 0.85), "agency": (0.2, 0.0, 0.8), "relation": (0.2, 0.0, 0.8),
    "incident": (0.01, 0.0, 0.99), "pseudonym": (0.04, 0.0, 0.96), "role": (0.05, 0.1, 0.85),
    "care": (0.3, 0.0, 0.7), "outcome": (0.02, 0.03, 0.95), "when": (0.05, 0.1, 0.85), "victim": (0.001, 0.0, 0.999),
}
PSEUDO_PAIRS = 50
PRIOR_SHARE = 0.05  # a name's share of records before any are counted, shrunk in by PSEUDO_RECORDS
PSEUDO_RECORDS = 20
RANDOM_PAIRS = 20_000  # pairs drawn per family to measure u (all pairs when there are fewer)
MAX_BLOCK = 50  # records sharing one blocking key; beyond this the key is too common to block on
TRAINING_SHARE = 0.001  # pairs sharing a name this rare, in one area, train m (see `Model._measure_m`)
MEASURED_M = ("kind", "gender", "birth", "years", "harm", "linked", "agency", "relation", "incident", "role", "care",
              "outcome")  # incidents have no name to train on: their m stay the judgements
WIDE_BIRTH_YEARS = 3  # a birth range over more years than this is not blocked on by year
NARROW_BIRTH_MONTHS = 3  # a birth range over at most this many months is blocked on by month
NEAR_BIRTH_MONTHS = 12  # birth ranges this close without overlapping partly agree (an age a year out)
NEAR_EVENT_MONTHS = 3  # incidents dated this close without overlapping partly agree
EVENT_MONTHS = 3  # an incident dated to at most this many months is blocked on by month
EXPECTED_EVENT_MATCHES = 0.2  # other reviews telling one incident, per incident: most are told once
FAR_YEARS = 3  # years active further apart than this disagree
EXPECTED_MATCHES = 1.0  # other records of the same entity expected per record: the prior
# Places keep their names, so for them the prior is measured (as Splink's
# estimate_probability_two_random_records_match does from deterministic rules): pairs of records of
# one kind, in one area, from different reviews, sharing a name, taken to find this share of the
# true pairs. A town's park or school is in many of its reviews, a person in one or two.
NAMED_PAIRS_RECALL = 0.7
JOINT_LINKED = 3  # groups: the rarest shared members (or places) counted together, as independent evidence


def attributes_of(family: str) -> tuple[str, ...]:
    return ATTRIBUTES.get(family) or ATTRIBUTES[family.split(":")[0]]


def judged_m(family: str, attribute: str) -> tuple[float, float, float]:
    root = family.split(":")[0]
    if attribute in ("name", "kind") and root in ("place", "group") or attribute == "area" and root == "place":
        return PRIOR_M[f"{root}-{attribute}"]
    return PRIOR_M.get(f"{root}-{attribute}") or PRIOR_M[attribute]
