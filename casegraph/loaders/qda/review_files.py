"""A project's reviews written as review/2 files an analyst can read, edit and load: one YAML file
per review and each document's plain text in a UTF-8 file beside it (`text_file`), since excerpt
offsets count its characters and a review's text is too long to sit well in YAML."""
from __future__ import annotations

import copy
from pathlib import Path

from casegraph.loaders.qda.project_reviews import ImportedReview
from casegraph.loaders.review_writer import dump_yaml, write_files

HEADER = ("# Imported by casegraph import qdpx from the REFI-QDA project\n#   {project}\n"
          "# Check it, add what the coding cannot say (incidents, places, responses), then load it.\n"
          "# Excerpts quote the text file(s) named under documents at their character offsets: edit\n"
          "# the text and every excerpt after the edit no longer matches.\n")


def review_file_data(review: ImportedReview) -> tuple[dict, dict[str, str]]:
    """The review as a file holds it (each document's text replaced by `text_file`), and the texts by file name."""
    data = copy.deepcopy(review.data)
    documents = data.get("documents") or []
    texts = {}
    for document in documents:
        if "text" not in document:
            continue
        name = f"{review.review_id}.txt" if len(documents) == 1 else f"{review.review_id}.{document['id']}.txt"
        texts[name] = document.pop("text")
        ordered = {key: document[key] for key in ("id", "name", "kind") if key in document}
        ordered["text_file"] = name
        ordered.update((key, value) for key, value in document.items() if key not in ordered)
        document.clear()
        document.update(ordered)
    return data, texts


def dump_review(data: dict, project: str) -> str:
    return HEADER.format(project=project) + dump_yaml(data)


def write_review_files(reviews: list[ImportedReview], out: Path, project: str) -> list[Path]:
    """Write every review and text file into `out` (made if need be), all or none; returns the review files."""
    files = {}
    for review in reviews:
        data, texts = review_file_data(review)
        files.update(texts)
        files[f"{review.review_id}.yaml"] = dump_review(data, project)
    return [path for path in write_files(out, files) if path.suffix == ".yaml"]
