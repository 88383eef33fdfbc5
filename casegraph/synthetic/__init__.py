"""Synthetic corpus of serious case reviews of extra-familial harm, with ground truth.

A hidden world of areas, young people, adults, groups and places is built first; each review
then records a slice of it under its own pseudonyms, ids and place names, as real reviews do.
`ground-truth.csv` says which records stand for the same real entity. Proportions follow
Firmin, Manister and Peace (2022). Every file written is marked synthetic.
"""
from __future__ import annotations

import csv
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import yaml

from casegraph.synthetic.tables import _DUMPER, CODES, HEADER, LISTS
from casegraph.synthetic.world import _build_world, _plan
from casegraph.synthetic.writer import _ReviewWriter

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
    plans = [_plan(rng, number) for number in range(1, reviews + 1)]
    world = _build_world(rng, plans)
    review_dir = Path(out_dir) / "reviews"
    review_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale(review_dir)
    paths, truth, counts = [], [], Counter({name: 0 for name in LISTS})
    for plan in plans:
        writer = _ReviewWriter(rng, world, plan, seed)
        doc = writer.build()
        review_id = doc["review"]["id"]
        path = review_dir / f"{review_id}.yaml"
        path.write_text(HEADER + yaml.dump(doc, Dumper=_DUMPER, sort_keys=False, allow_unicode=True),
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
