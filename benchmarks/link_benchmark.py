"""Linking benchmark: candidate matches among ~100,000 generated person records, casegraph against
Splink (DuckDB backend) in the same run, each in a fresh process, scored against the generator's
ground truth.

    python benchmarks/link_benchmark.py --work /tmp/link-bench            # 5800 reviews, ~102k people
    python benchmarks/link_benchmark.py --work /tmp/lb --reviews 300      # a quick run
    python benchmarks/link_benchmark.py --work /tmp/link-bench --no-splink
    python benchmarks/link_benchmark.py --work /tmp/lb --reviews 1000 --tools splink-equal --ceiling

The corpus and its store are kept in --work and reused. Both tools link the person records
(young people and peers, unconnected adults, family members, professionals) that casegraph's
`link_records` reads from the store, with the same blocking rules and the same attributes:

  casegraph  `link_records(store)` then `find_candidates(records, kinds=people)`;
  Splink     `link_records(store)`, a table of the same features, blocking on the same keys
             (`block_on` with exploded arrays; keys shared by more than MAX_BLOCK records
             dropped, as casegraph does), the same comparisons and levels, u by random sampling,
             the prior set to casegraph's (one other record of each entity per record), pairs
             within one review dropped unless casegraph's rule keeps them; twice:
             splink-fixed-m  m fixed to casegraph's PRIOR_M, the name term-frequency adjusted
                             (over the whole corpus; casegraph counts per area),
             splink-em       m estimated by EM (Splink's usual workflow; two sessions, since EM
                             cannot block on exploded arrays);
             splink-equal    configured as casegraph is, so that casegraph's lead, if any, is earned:
                             one Splink model per family, as casegraph has; every m the m casegraph's
                             own Model of that family measures (training pairs and judgements,
                             `Model.m`), not only PRIOR_M; casegraph's prior of that family; every
                             attribute casegraph compares for that family (pseudonym, care, outcome
                             and role too), each level one of casegraph's outcomes; the name agreeing
                             on any shared name (term-frequency adjusted on the record's rarest
                             name) unless casegraph's first-name rule makes it only partial (both
                             records spell out first names none of which is a spelling of one of the
                             other's, and share only initial and surname: `_other_first_names`, with
                             Metaphone, NYSIIS and Jaro-Winkler >= 0.85 as `spelling_variants`);
                             years and harm missing when the two records share an incident. What
                             stays Splink's own: u (random sampling over the family, where casegraph
                             samples pairs of one area), term frequencies over the whole corpus, a
                             birth overlap weighed by two levels (same month, any overlap; agree's
                             m split evenly) rather than by the share of records it fits, and no
                             term-frequency adjustment of linked names and incidents;
             splink-equal-u  splink-equal with casegraph's u too (`Model.u`, measured on pairs of
                             one area), split between levels of one outcome (birth's two) as
                             Splink's own sampling splits it: what is left of casegraph's lead is
                             then the term-frequency details and the weights' ordering.

Seconds are wall time inside the process: reading the records from the store, then matching.
Peak MB is the process's maximum resident set (ru_maxrss): Python, Oxigraph and DuckDB together.
Precision and recall count unordered pairs; within a true entity every pair of its records is a
true pair (see casegraph.linking.quality). Splink needs `pip install splink` (not a casegraph
dependency; see the `bench` extra note in the closing report).
"""
from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
import zlib
from collections import Counter
from pathlib import Path

PEOPLE = ("young-person", "adult", "family-member", "professional")
THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95, 0.99)
TOOLS = ("casegraph", "splink-fixed-m", "splink-em", "splink-equal", "splink-equal-u")
LOWEST = min(THRESHOLDS)
PRECISION_GOAL = 0.9  # issue 5: recall at precision of at least this


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def prepare(work: Path, reviews: int, seed: int) -> None:
    """Generate the corpus and load its store, unless --work already holds them."""
    marker = work / "corpus.json"
    wanted = {"reviews": reviews, "seed": seed}
    if marker.exists() and json.loads(marker.read_text()) == wanted and (work / "store").exists():
        return
    casegraph = [sys.executable, "-m", "casegraph.cli"]
    print(f"generating {reviews} reviews and loading them into {work / 'store'} (a few minutes) ...", flush=True)
    subprocess.run(casegraph + ["generate", "--reviews", str(reviews), "--seed", str(seed), "--out",
                                str(work / "corpus")], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(casegraph + ["load", str(work / "corpus" / "reviews"), "--store", str(work / "store")],
                   check=True, stdout=subprocess.DEVNULL)
    marker.write_text(json.dumps(wanted))


def _read_records(work: Path):
    from casegraph.graph.store import ReviewStore
    from casegraph.linking.reading import link_records

    with ReviewStore.open(work / "store") as store:
        return link_records(store)


def run_casegraph(work: Path) -> dict:
    from casegraph.linking.candidates import find_candidates

    started = time.perf_counter()
    records = _read_records(work)
    read = time.perf_counter()
    candidates = find_candidates(records, threshold=LOWEST, kinds=PEOPLE)
    done = time.perf_counter()
    people = sum(1 for r in records if r.root == "Person")
    return {"read_s": read - started, "match_s": done - read, "peak_mb": _peak_mb(), "people": people,
            "pairs": [(c.left, c.right, c.score) for c in candidates]}


# -- Splink --------------------------------------------------------------------------------------

def _splink_rows(records, families=None) -> list[dict]:
    """One row per person record: casegraph's features (the same names, initial forms, linked
    names, birth months and blocking keys, computed as `find_candidates` computes them), as Splink
    columns."""
    import jellyfish

    from casegraph.linking.candidates import BLOCKING_RULES, MAX_BLOCK, blocking_keys, feature_families, normalise_name

    families = families if families is not None else feature_families(records, PEOPLE)
    rows = []
    for family, features in sorted(families.items()):
        for f in features:
            r = f.record
            names, linked = sorted(f.names), sorted(f.linked)
            outcome = f.outcome or (None, None, None)
            first = sorted(f.first_names)
            row = {
                "unique_id": r.iri, "review": r.review, "family": family, "kind": r.kind, "area": f.area,
                "gender": f.gender, "birth_lo": f.birth[0] if f.birth else None,
                "birth_hi": f.birth[1] if f.birth else None,
                "years_lo": r.years[0] if r.years else None, "years_hi": r.years[1] if r.years else None,
                "harms": sorted(f.harms), "agency": r.agency or None,
                "relation": normalise_name(r.relation) if r.relation else None,
                "names": names, "name": names[0] if names else None, "name_words": sorted(f.words),
                "initials": sorted(f.initials), "first_names": first,
                "first_keys": sorted({f"={x}" for x in first} | {f"m:{jellyfish.metaphone(x)}" for x in first}
                                     | {f"y:{jellyfish.nysiis(x)}" for x in first}),
                "linked": linked, "linked_words": sorted(f.linked_words),
                "events": sorted("|".join(map(str, event)) for event in f.events),
                "pseudonym": f.pseudonym, "role": f.role, "role_words": sorted(f.role.split()) if f.role else [],
                "looked_after": r.looked_after, "outcome_kind": outcome[0],
                "outcome_lo": outcome[1] if outcome[1] is not None else outcome[2],
                "outcome_hi": outcome[2] if outcome[2] is not None else outcome[1]}
            for rule, keys in zip(BLOCKING_RULES, blocking_keys(f)):
                row[f"keys_{rule.replace('-', '_')}"] = sorted(f"{family}|{key}" for key in keys)
            rows.append(row)
    for rule in BLOCKING_RULES:  # casegraph does not block on crowded keys
        column = f"keys_{rule.replace('-', '_')}"
        sizes = Counter(k for row in rows for k in row[column])
        for row in rows:
            row[column] = [k for k in row[column] if sizes[k] <= MAX_BLOCK]
    counts = Counter(name for row in rows for name in row["names"])  # the rarest name, for term frequencies
    for row in rows:
        row["rarest_name"] = min(row["names"], key=lambda n: (counts[n], n)) if row["names"] else None
    return rows


def _splink_settings(rows: list[dict], fixed_m: bool):
    """The comparisons of casegraph's people families as Splink comparisons. With fixed_m, the m
    of every level is casegraph's PRIOR_M; otherwise left for EM."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    from casegraph.linking.candidates import BLOCKING_RULES, NARROW_BIRTH_MONTHS, NEAR_BIRTH_MONTHS, PRIOR_M

    def levels(name: str, conditions: list[tuple[str, str]], null: str, chances=None) -> cl.CustomComparison:
        chances = chances or PRIOR_M[name]
        built = [cll.CustomLevel(null).configure(is_null_level=True)]
        for (sql, label), m in zip(conditions, chances):
            built.append(cll.CustomLevel(sql, label_for_charts=label).configure(
                **({"m_probability": max(m, 1e-3)} if fixed_m else {})))
        built.append(cll.ElseLevel().configure(**({"m_probability": max(chances[-1], 1e-3)} if fixed_m else {})))
        return cl.CustomComparison(output_column_name=name, comparison_levels=built)

    def overlap(prefix: str, gap: int) -> str:
        return f"greatest({prefix}_lo_l, {prefix}_lo_r) - least({prefix}_hi_l, {prefix}_hi_r) <= {gap}"

    def exact(column: str, name: str):
        comparison = cl.ExactMatch(column)
        if fixed_m:
            comparison = comparison.configure(m_probabilities=[PRIOR_M[name][0], PRIOR_M[name][2] or PRIOR_M[name][1]])
        return comparison

    narrow = f"birth_hi_l - birth_lo_l < {NARROW_BIRTH_MONTHS} AND birth_hi_r - birth_lo_r < {NARROW_BIRTH_MONTHS}"
    birth_m = PRIOR_M["birth"]
    name = cl.CustomComparison(output_column_name="name", comparison_levels=[
        cll.CustomLevel("len(names_l) = 0 OR len(names_r) = 0").configure(is_null_level=True),
        cll.ExactMatchLevel("name", term_frequency_adjustments=True).configure(
            **({"m_probability": PRIOR_M["name"][0]} if fixed_m else {})),
        cll.CustomLevel("len(list_intersect(name_words_l, name_words_r)) > 0", label_for_charts="partial").configure(
            **({"m_probability": PRIOR_M["name"][1]} if fixed_m else {})),
        cll.ElseLevel().configure(**({"m_probability": PRIOR_M["name"][2]} if fixed_m else {}))])
    comparisons = [
        name,
        cl.CustomComparison(output_column_name="kind", comparison_levels=[
            cll.ExactMatchLevel("kind").configure(**({"m_probability": PRIOR_M["kind"][0]} if fixed_m else {})),
            cll.ElseLevel().configure(**({"m_probability": PRIOR_M["kind"][1]} if fixed_m else {}))]),
        exact("gender", "gender"),
        # casegraph weighs an overlap by how many records the wider range fits; Splink by two levels
        levels("birth", [(f"{overlap('birth', 0)} AND {narrow}", "same month"), (overlap("birth", 0), "overlap"),
                         (overlap("birth", NEAR_BIRTH_MONTHS), "within a year")],
               "birth_lo_l IS NULL OR birth_lo_r IS NULL",
               chances=(birth_m[0] / 2, birth_m[0] / 2, birth_m[1], birth_m[2])),
        exact("area", "area"),
        levels("years", [(overlap("years", 0), "agree"), (overlap("years", 3), "partial")],
               "years_lo_l IS NULL OR years_lo_r IS NULL"),
        cl.CustomComparison(output_column_name="harm", comparison_levels=[
            cll.CustomLevel("len(harms_l) = 0 OR len(harms_r) = 0").configure(is_null_level=True),
            cll.CustomLevel("len(list_intersect(harms_l, harms_r)) > 0").configure(
                **({"m_probability": PRIOR_M["harm"][0]} if fixed_m else {})),
            cll.ElseLevel().configure(**({"m_probability": PRIOR_M["harm"][2]} if fixed_m else {}))]),
        levels("linked", [("len(list_intersect(linked_l, linked_r)) > 0", "agree"),
                          ("len(list_intersect(linked_words_l, linked_words_r)) > 0", "partial")],
               "len(linked_l) = 0 OR len(linked_r) = 0"),
        exact("agency", "agency"),
        exact("relation", "relation"),
        levels("incident", [("len(list_intersect(events_l, events_r)) > 0", "agree")],
               "len(events_l) = 0 OR len(events_r) = 0"),
    ]
    families = Counter(row["family"] for row in rows)
    within = sum(n * (n - 1) / 2 for n in families.values())
    prior = (len(rows) / 2) / within  # casegraph's prior: one other record of each entity per record
    blocking = [block_on(f"keys_{rule.replace('-', '_')}", arrays_to_explode=[f"keys_{rule.replace('-', '_')}"])
                for rule in BLOCKING_RULES]
    return SettingsCreator(link_type="dedupe_only", comparisons=comparisons,
                           blocking_rules_to_generate_predictions=blocking,
                           probability_two_random_records_match=prior,
                           additional_columns_to_retain=["review", "kind"])


# casegraph's first-name rule (`comparisons._other_first_names`): the shared names are all initial
# forms ("j lowe") and both records spell out first names, none a spelling of one of the other's
# (`names.spelling_variants`: equal, the same Metaphone or NYSIIS key, or Jaro-Winkler >= 0.85).
OTHER_FIRST_NAMES = (
    "len(first_names_l) > 0 AND len(first_names_r) > 0"
    " AND list_has_all(initials_l, list_intersect(names_l, names_r))"
    " AND NOT list_has_any(first_keys_l, first_keys_r)"
    " AND len(list_filter(first_names_l, lambda x: len(list_filter(first_names_r,"
    " lambda y: jaro_winkler_similarity(x, y) >= 0.85)) > 0)) = 0")


def _equal_settings(rows: list[dict], family: str, model):
    """casegraph's comparisons of one family as Splink comparisons, every level one of casegraph's
    outcomes (agree, partial, disagree) with the m casegraph's `model` measured, and its prior."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    from casegraph.linking.candidates import (AGREE, BLOCKING_RULES, DISAGREE, FAR_YEARS, M_FLOOR,
                                              NARROW_BIRTH_MONTHS, NEAR_BIRTH_MONTHS, PARTIAL, probability)

    def overlap(prefix: str, gap: int) -> str:
        return f"greatest({prefix}_lo_l, {prefix}_lo_r) - least({prefix}_hi_l, {prefix}_hi_r) <= {gap}"

    def share(column: str) -> str:
        return f"len(list_intersect({column}_l, {column}_r)) > 0"

    def empty(column: str) -> str:
        return f"len({column}_l) = 0 OR len({column}_r) = 0"

    def null(column: str) -> str:
        return f"{column}_l IS NULL OR {column}_r IS NULL"

    incident = f"(len(events_l) > 0 AND len(events_r) > 0 AND {share('events')})"
    narrow = f"birth_hi_l - birth_lo_l < {NARROW_BIRTH_MONTHS} AND birth_hi_r - birth_lo_r < {NARROW_BIRTH_MONTHS}"
    same_outcome = "outcome_kind_l = outcome_kind_r"
    # attribute -> (missing, [(condition, outcome, share of the outcome's m, tf column)], else outcome or None)
    plan = {
        "name": (empty("names"), [(f"{share('names')} AND NOT ({OTHER_FIRST_NAMES})", AGREE, 1, "rarest_name"),
                                  (f"({OTHER_FIRST_NAMES}) OR {share('name_words')}", PARTIAL, 1, None)], DISAGREE),
        "pseudonym": (null("pseudonym"), [("pseudonym_l = pseudonym_r", AGREE, 1, None)], DISAGREE),
        "kind": ("false", [("kind_l = kind_r", AGREE, 1, None)], PARTIAL),
        "gender": (null("gender"), [("gender_l = gender_r", AGREE, 1, None)], DISAGREE),
        "birth": (null("birth_lo"), [(f"{overlap('birth', 0)} AND {narrow}", AGREE, 0.5, None),
                                     (overlap("birth", 0), AGREE, 0.5, None),
                                     (overlap("birth", NEAR_BIRTH_MONTHS), PARTIAL, 1, None)], DISAGREE),
        "area": (null("area"), [("area_l = area_r", AGREE, 1, None)], DISAGREE),
        "years": (f"{null('years_lo')} OR {incident}", [(overlap("years", 0), AGREE, 1, None),
                                                        (overlap("years", FAR_YEARS), PARTIAL, 1, None)], DISAGREE),
        "harm": (f"{empty('harms')} OR {incident}", [(share("harms"), AGREE, 1, None)], DISAGREE),
        "care": (null("looked_after"), [("looked_after_l = looked_after_r", AGREE, 1, None)], DISAGREE),
        "outcome": (null("outcome_kind"), [
            (f"{same_outcome} AND outcome_lo_l IS NOT NULL AND outcome_lo_r IS NOT NULL AND {overlap('outcome', 0)}",
             AGREE, 1, None),
            (f"{same_outcome} AND (outcome_lo_l IS NULL OR outcome_lo_r IS NULL OR "
             f"{overlap('outcome', NEAR_BIRTH_MONTHS)})", PARTIAL, 1, None)], DISAGREE),
        "linked": (empty("linked"), [(share("linked"), AGREE, 1, None), (share("linked_words"), PARTIAL, 1, None)],
                   DISAGREE),
        "incident": (empty("events"), [(share("events"), AGREE, 1, None)], DISAGREE),
        "agency": (null("agency"), [("agency_l = agency_r", AGREE, 1, None)], DISAGREE),
        "relation": (null("relation"), [("relation_l = relation_r", AGREE, 1, None)], DISAGREE),
        "role": (null("role"), [("role_l = role_r", AGREE, 1, None), ("list_has_any(role_words_l, role_words_r)",
                                                                       PARTIAL, 1, None)], DISAGREE),
    }
    comparisons, outcomes = [], []  # outcomes: each comparison's non-null levels' casegraph outcomes
    for attribute, m in zip(model.attributes, model.m):
        missing, conditions, otherwise = plan[attribute]
        outcomes.append([outcome for _, outcome, _, _ in conditions] + [otherwise])
        levels = [cll.CustomLevel(missing).configure(is_null_level=True)]
        for sql, outcome, part, tf in conditions:
            options = {"m_probability": max(m[outcome] * part, M_FLOOR), "label_for_charts": sql[:60]}
            if tf:
                options.update(tf_adjustment_column=tf, tf_adjustment_weight=1.0, disable_tf_exact_match_detection=True)
            levels.append(cll.CustomLevel(sql).configure(**options))
        levels.append(cll.ElseLevel().configure(m_probability=max(m[otherwise], M_FLOOR)))
        comparisons.append(cl.CustomComparison(output_column_name=attribute, comparison_levels=levels))
    blocking = [block_on(f"keys_{rule.replace('-', '_')}", arrays_to_explode=[f"keys_{rule.replace('-', '_')}"])
                for rule in BLOCKING_RULES]
    return SettingsCreator(link_type="dedupe_only", comparisons=comparisons,
                           blocking_rules_to_generate_predictions=blocking,
                           probability_two_random_records_match=probability(model.prior_weight),
                           additional_columns_to_retain=["review", "kind"]), outcomes


def _casegraph_u(model, outcomes):
    """Sets every level's u to casegraph's u of its outcome, split between levels of one outcome
    as Splink's sampling split it (for splink-equal-u)."""
    from casegraph.linking.candidates import M_FLOOR

    def use(linker) -> None:
        for comparison, levels, u in zip(linker._settings_obj.comparisons, outcomes, model.u):
            chosen = [level for level in comparison.comparison_levels if not level.is_null_level]
            estimated = [level.u_probability if isinstance(level.u_probability, float) else 0.0 for level in chosen]
            for level, outcome, guess in zip(chosen, levels, estimated):
                group = sum(e for e, o in zip(estimated, levels) if o == outcome)
                count = levels.count(outcome)
                level.u_probability = max(u[outcome] * (guess / group if group else 1 / count), M_FLOOR)
    return use


def _splink_predict(rows: list[dict], settings, estimate_m: bool, after_u=None) -> list[tuple]:
    """Splink's pairs of `rows` (u by random sampling; m by EM when `estimate_m`), those of one
    review kept only when casegraph's rule keeps them."""
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    connection = duckdb.connect()
    try:  # DuckDB 2 refuses the arrow lambdas Splink 4 writes, unless told
        connection.execute("SET lambda_syntax='ENABLE_SINGLE_ARROW'")
    except duckdb.Error:
        pass
    db = DuckDBAPI(connection=connection)
    table = db.register(pa.Table.from_pylist(rows), table_name="people")
    linker = Linker(table, settings, log_level="ERROR")
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    if after_u is not None:
        after_u(linker)
    if estimate_m:  # EM sessions (Splink cannot explode arrays here), each for the attributes it does not block on
        for rule in ("l.family = r.family AND l.area = r.area AND l.gender = r.gender AND l.birth_lo = r.birth_lo",
                     "l.family = r.family AND l.name = r.name"):
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, fix_probability_two_random_records_match=True, record_sample_proportion=1.0)
    predictions = linker.inference.predict(threshold_match_probability=LOWEST)
    relation = predictions.as_duckdbpyrelation()
    # casegraph's rule: records of one review pair only when of one kind and sharing a name
    kept = relation.filter("review_l <> review_r OR (kind_l = kind_r AND len(list_intersect(names_l, names_r)) > 0)")
    return [(left, right, float(p)) for left, right, p in
            kept.project("unique_id_l, unique_id_r, match_probability").fetchall()]


def run_splink(work: Path, mode: str) -> dict:
    """mode: "fixed-m", "em" or "equal" (see the module's docstring)."""
    import random

    from casegraph.linking.candidates import family_model, feature_families

    started = time.perf_counter()
    records = _read_records(work)
    read = time.perf_counter()
    if mode in ("equal", "equal-u"):  # one Splink model per family, with the m casegraph's model measures
        families = feature_families(records, PEOPLE)
        pairs, people = [], 0
        for family, features in sorted(families.items()):
            model = family_model(family, features, random.Random(0))[0]
            rows = _splink_rows(records, {family: features})
            people += len(rows)
            if len(rows) > 1:
                settings, outcomes = _equal_settings(rows, family, model)
                pairs += _splink_predict(rows, settings, estimate_m=False,
                                         after_u=_casegraph_u(model, outcomes) if mode == "equal-u" else None)
    else:
        rows = _splink_rows(records)
        people = len(rows)
        pairs = _splink_predict(rows, _splink_settings(rows, mode == "fixed-m"), estimate_m=mode == "em")
    done = time.perf_counter()
    return {"read_s": read - started, "match_s": done - read, "peak_mb": _peak_mb(), "people": people,
            "pairs": pairs}


# -- what the records allow -----------------------------------------------------------------------

def ceiling(work: Path, truth: dict[str, str]) -> None:
    """How much of the truth the records can reveal at all, whatever the model: the true pairs of
    people that share an identifying name, or a linked name in one area, and how often a shared
    name with the same area and an overlapping birth range is in truth one person."""
    from itertools import combinations

    rows = {row["unique_id"]: row for row in _splink_rows(_read_records(work))}
    by_entity: dict[str, list[dict]] = {}
    for iri, row in rows.items():
        by_entity.setdefault((row["family"], truth.get(iri)), []).append(row)
    counts = Counter()
    for (family, entity), members in by_entity.items():
        for a, b in combinations(members, 2):
            if entity is None:
                continue
            shared = "name" if set(a["names"]) & set(b["names"]) else (
                "linked name" if a["area"] == b["area"] and set(a["linked"]) & set(b["linked"]) else "neither")
            counts[family, shared] += 1
    print("\nwhat the records can reveal (true pairs of people, by what the two records share):\n")
    print("| family | a name | a linked name in one area | neither |")
    print("|---|---:|---:|---:|")
    for family in PEOPLE:
        total = sum(counts[family, k] for k in ("name", "linked name", "neither")) or 1
        print(f"| {family} | " + " | ".join(f"{counts[family, k]:,} ({counts[family, k] / total:.0%})"
                                             for k in ("name", "linked name", "neither")) + " |")
    same, pairs = 0, 0
    by_name: dict[tuple, list[dict]] = {}
    for row in rows.values():
        for name in row["names"]:
            by_name.setdefault((row["family"], row["area"], name), []).append(row)
    for members in by_name.values():
        for a, b in combinations(members, 2):
            if a["review"] != b["review"] and a["birth_lo"] is not None and b["birth_lo"] is not None \
                    and max(a["birth_lo"], b["birth_lo"]) <= min(a["birth_hi"], b["birth_hi"]):
                pairs += 1
                same += truth.get(a["unique_id"]) == truth.get(b["unique_id"])
    print(f"\npairs sharing a name, the area and an overlapping birth range: {pairs:,}, of which "
          f"{same / max(pairs, 1):.0%} are one person in truth")


def taught_by_truth(work: Path, truth: dict[str, str]) -> None:
    """The most recall at precision >= PRECISION_GOAL that any scoring of casegraph's own
    comparisons could reach, were it taught by the ground truth: every blocked pair of people is
    reduced to its comparison vector (each attribute's outcome; for a term-frequency adjusted
    agreement, the share of records carrying the name, to a power of two), and vectors are taken
    best first by the share of their pairs that are one entity. In-sample this is an upper bound
    (a vector seen once is "certain"); two-fold (each half's pairs ranked by the other half's
    shares) it is what a classifier trained on the truth would do on pairs it has not seen."""
    from casegraph.linking.candidates import (AGREE, attributes_of, Births, Comparer, feature_families, Frequencies,
                                              rule_pairs)
    from casegraph.linking.quality import true_pair_count

    pairs, true_pairs = Counter(), Counter()  # (family, vector, half) -> blocked pairs, true pairs
    for family, features in feature_families(_read_records(work), PEOPLE).items():
        comparer = Comparer(Frequencies(features), Births(features))
        functions = [getattr(comparer, a) for a in attributes_of(family)]
        for i, j, _ in rule_pairs(features):
            a, b = features[i], features[j]
            vector = []
            for function in functions:
                outcome, share = function(a, b)
                vector.append((outcome, min(int(-math.log2(max(share, 1e-9))), 14))
                              if outcome == AGREE and share is not None else outcome)
            same = truth.get(a.record.iri) is not None and truth.get(a.record.iri) == truth.get(b.record.iri)
            key = (family, tuple(vector), zlib.crc32(min(a.record.iri, b.record.iri).encode()) & 1)
            pairs[key] += 1
            true_pairs[key] += same
    total = true_pair_count(truth)

    def recall(ranked: list[tuple[float, int, int]]) -> float:
        found = proposed = best = 0
        for _, n, true in sorted(ranked, key=lambda row: -row[0]):
            found, proposed = found + true, proposed + n
            if found >= PRECISION_GOAL * proposed:
                best = found
        return best / total

    vectors = {key[:2] for key in pairs}
    together = [(sum(true_pairs[v + (h,)] for h in (0, 1)) / sum(pairs[v + (h,)] for h in (0, 1)),
                 sum(pairs[v + (h,)] for h in (0, 1)), sum(true_pairs[v + (h,)] for h in (0, 1))) for v in vectors]
    two_fold = [((true_pairs[v + (1 - h,)] + 0.5) / (pairs[v + (1 - h,)] + 1), pairs[v + (h,)], true_pairs[v + (h,)])
                for v in vectors for h in (0, 1)]
    print(f"\ntaught by the truth: the most recall at precision >= {PRECISION_GOAL} that any scoring of casegraph's "
          f"own comparisons could reach ({len(vectors):,} distinct comparison vectors, "
          f"{sum(true_pairs.values()):,} of {total:,} true pairs blocked)\n")
    print("| in-sample (upper bound) | two-fold (a classifier trained on the truth) |")
    print("|---:|---:|")
    print(f"| {recall(together):.4f} | {recall(two_fold):.4f} |")


# -- the report ----------------------------------------------------------------------------------

def _child(tool: str, work: Path) -> dict:
    out = work / f"{tool}.json"
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--work", str(work), "--child", tool], check=True)
    result = json.loads(out.read_text())
    result["wall_s"] = time.perf_counter() - started
    return result


def _candidates(result: dict) -> list:
    """A tool's (left, right, score) pairs as candidates, for casegraph.linking.quality."""
    from casegraph.linking.candidates import Candidate

    return [Candidate(id="", left=left, right=right, kind="", score=score, comparisons=())
            for left, right, score in result["pairs"]]


def _clusters(result: dict, truth: dict[str, str], people: list[str], threshold: float) -> tuple[int, float, float]:
    """(pairs, precision, recall) of the pairs within the connected components of the candidates
    at `threshold`: counted per component and entity, never listed (a long chain is many pairs)."""
    from casegraph.analysis.entities import smallest_in_group
    from casegraph.linking.quality import true_pair_count

    considered = set(people)
    group_of = smallest_in_group((left, right) for left, right, score in result["pairs"]
                                 if score >= threshold and left in considered and right in considered)
    components: dict[str, list[str]] = {}
    for record, group in group_of.items():
        components.setdefault(group, []).append(record)
    pairs = true_pos = 0
    for members in components.values():
        pairs += len(members) * (len(members) - 1) // 2
        entities = Counter(truth.get(m) for m in members if truth.get(m) is not None)
        true_pos += sum(n * (n - 1) // 2 for n in entities.values())
    return pairs, true_pos / max(pairs, 1), true_pos / max(true_pair_count(truth, people), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="keeps the corpus and store between runs")
    parser.add_argument("--reviews", type=int, default=5800, help="5800 reviews give about 102,000 person records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument("--tools", default=",".join(TOOLS),
                        help=f"the tools to run, casegraph first (default: {','.join(TOOLS)})")
    parser.add_argument("--ceiling", action="store_true", help="also show how much the records can reveal at all")
    parser.add_argument("--child", choices=TOOLS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = args.work
    if args.child:
        result = run_casegraph(work) if args.child == "casegraph" else run_splink(work, args.child[len("splink-"):])
        (work / f"{args.child}.json").write_text(json.dumps(result))
        return

    work.mkdir(parents=True, exist_ok=True)
    prepare(work, args.reviews, args.seed)
    from casegraph.linking.candidates import DEFAULT_THRESHOLD
    from casegraph.linking.quality import (lowest_threshold, precision_recall, read_ground_truth, read_truth_kinds,
                                           true_pair_count)

    truth = read_ground_truth(work / "corpus" / "ground-truth.csv")
    kinds = read_truth_kinds(work / "corpus" / "ground-truth.csv")
    people = [iri for iri, kind in kinds.items() if kind in ("young-person", "adult", "family-member", "professional")]
    tools = TOOLS[:1] if args.no_splink else ["casegraph"] + [t for t in args.tools.split(",") if t in TOOLS[1:]]
    results = {tool: _child(tool, work) for tool in tools}

    print(f"\ncorpus: {args.reviews} generated reviews (seed {args.seed}), {results['casegraph']['people']:,} "
          f"person records, {true_pair_count(truth, people):,} true pairs among them\n")
    print("| tool | read records s | match s | total s | peak MB | candidates | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    proposed_by = {tool: _candidates(result) for tool, result in results.items()}
    quality = {tool: precision_recall(proposed_by[tool], truth, THRESHOLDS, records=people) for tool in results}
    for tool, result in results.items():
        row = next(r for r in quality[tool] if r[0] == DEFAULT_THRESHOLD)
        proposed = sum(1 for *_, score in result["pairs"] if score >= DEFAULT_THRESHOLD)
        print(f"| {tool} (p >= {DEFAULT_THRESHOLD}) | {result['read_s']:.1f} | {result['match_s']:.1f} | "
              f"{result['read_s'] + result['match_s']:.1f} | {result['peak_mb']:.0f} | {proposed:,} | "
              f"{row[1]:.3f} | {row[2]:.4f} |")
    for tool in results:
        best = lowest_threshold(proposed_by[tool], truth, PRECISION_GOAL, records=people)
        if best:
            print(f"| {tool} (lowest threshold with precision >= {PRECISION_GOAL}: {best[0]:.3f}) | | | | | "
                  f"{best[3] + best[4]:,} | {best[1]:.3f} | {best[2]:.4f} |")
    clustered = _clusters(results["casegraph"], truth, people, DEFAULT_THRESHOLD)
    print(f"| casegraph clusters (p >= {DEFAULT_THRESHOLD}; not the headline) | | | | | {clustered[0]:,} | "
          f"{clustered[1]:.3f} | {clustered[2]:.4f} |")
    print("\nclusters: every pair within a connected component of the candidates at the threshold, what an "
          "analyst accepting chains of candidates ends up with")
    print("\nby threshold (precision / recall / true pairs found / false pairs proposed):\n")
    print("| threshold | " + " | ".join(tools) + " |")
    print("|---:|" + "---|" * len(tools))
    for index, threshold in enumerate(THRESHOLDS):
        cells = [f"{q[index][1]:.3f} / {q[index][2]:.4f} / {q[index][3]:,} / {q[index][4]:,}"
                 for q in quality.values()]
        print(f"| {threshold} | " + " | ".join(cells) + " |")
    print("\ngoals (issue 5): casegraph under 60 s and 2 GB; recall >= 0.95 at precision >= 0.90 at the default "
          "threshold")
    if args.ceiling:
        ceiling(work, truth)
        taught_by_truth(work, {iri: truth[iri] for iri in people if iri in truth})


if __name__ == "__main__":
    main()
