"""Synthetic corpus of serious case reviews of extra-familial harm, with ground truth.

A hidden world of areas, young people, adults, groups and places is built first; each review
then records a slice of it under its own pseudonyms, ids and place names, as real reviews do.
`ground-truth.csv` says which records stand for the same real entity. Proportions follow
Firmin, Manister and Peace (2022). Every file written is marked synthetic.

What carries across reviews is only what a review would write, never an id of the hidden world:

* young people keep the review's own pseudonym ("Child M", "YP3", a first name), so their name
  is no evidence; what recurs is a social-media handle (four in five young people have one; a
  review gives it 85% of the time, written "jazzyb07", "@jazzyb07" or "Jazzyb07"), the school
  (always for the subject, 85% for a peer), gender, area, and the birth: a subject's month and
  year of birth (60%) or an age at a month ("14 in May 2016"), a peer's age at a month (80%) or a
  year. Ages are true of the birth month whatever the day, so two records of one child always
  allow overlapping months of birth;
* adults who harm are named in 85% of the reviews that record them (as published reviews name
  the convicted), from about 6,700 men's and 3,500 women's full names, so that a full name in one
  area is rare; the first name is sometimes spelled otherwise or cut to an initial ("Jamaal Lowe",
  "J. Lowe"). Half have a street name ("Big Smokey", from 240, so shared by a few in an area),
  given 85% of the time. An adult from a neighbouring area is usually recorded with their own
  area. Otherwise a review calls them "Mr C", "Adult 2" or "Adult K";
* incidents: when someone a review records was harmed in an incident that an earlier-written
  review recorded, and it falls in the review's period, each of the review's 7 to 12 incident
  slots is that real incident with chance 0.35 (each such incident once): the same harm type,
  the same place (written as this review writes it), the same date written to the day or month,
  and those of its victims and perpetrators this review records. Other incidents are new, dated
  to the day or month half the time and otherwise in any documented form (many give only a
  year). Nothing in an incident says which other review recorded it;
* handles are unique: a platform gives each to one account;
* places keep their names with the variants reviews use ("Ashfield Park", "the park (Ashfield
  Park)"); groups are named after their base or school, or "Group 3".

Family members and professionals are recorded per review and never recur (a review's "Social
Worker 1" or "Child M's mother" is no evidence of anyone in another review), so they have no
true pairs. A review sometimes records one adult twice without seeing it (`again`): both records
are in the truth, under pseudonyms, and are not identifiable from the review alone.

May import `ontology` and the base modules only: a generated corpus is plain review files.
"""
from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from casegraph.synthetic.tables import DUMPER, CODES, HEADER, LISTS
from casegraph.synthetic.world import build_world, plan_review
from casegraph.synthetic.writer import ReviewWriter

__all__ = ["CODES", "HEADER", "LISTS", "GeneratedCorpus", "generate_corpus"]


@dataclass(frozen=True)
class GeneratedCorpus:
    review_paths: tuple[Path, ...]
    reviews: int
    ground_truth_path: Path
    record_counts: dict[str, int]  # list name ("people", "incidents", ...) -> records in all reviews

    @property
    def items(self) -> int:
        return sum(self.record_counts.values())


def _remove_stale(review_dir: Path) -> None:
    """Drop files of an earlier run, so a smaller corpus is never mixed with a larger one's tail."""
    for old in sorted(review_dir.glob("synthetic-*.yaml")):
        with old.open(encoding="utf-8") as f:
            generated = f.readline() == HEADER
        if generated:
            old.unlink()


def generate_corpus(out_dir: Path, reviews: int, seed: int,
                    progress: Callable[[int], None] | None = None) -> GeneratedCorpus:
    """Write `reviews` synthetic review files and `ground-truth.csv` under `out_dir`.

    The same seed gives byte-identical files. `progress`, if given, is called with the number of
    review files written so far.
    """
    if reviews < 1:
        raise ValueError("reviews must be at least 1")
    rng = random.Random(seed)
    plans = [plan_review(rng, number) for number in range(1, reviews + 1)]
    world = build_world(rng, plans)
    review_dir = Path(out_dir) / "reviews"
    review_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(review_dir)
    paths, truth, counts = [], [], Counter({name: 0 for name in LISTS})
    for plan in plans:
        writer = ReviewWriter(rng, world, plan, seed)
        doc = writer.build()
        review_id = doc["review"]["id"]
        path = review_dir / f"{review_id}.yaml"
        path.write_text(HEADER + yaml.dump(doc, Dumper=DUMPER, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
        paths.append(path)
        truth += [(entity, review_id, record, kind) for entity, record, kind in writer.truth]
        counts.update({name: len(doc.get(name, ())) for name in LISTS})
        if progress:
            progress(len(paths))
    truth_path = Path(out_dir) / "ground-truth.csv"
    with truth_path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["entity_id", "review_id", "record_id", "kind"])
        out.writerows(truth)
    return GeneratedCorpus(tuple(paths), reviews, truth_path, dict(counts))
