"""A project's reviews written as review/2 files an analyst can read, edit and load: one YAML file
per review and each document's plain text in a UTF-8 file beside it (`text_file`), since excerpt
offsets count its characters and a review's text is too long to sit well in YAML."""
from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path

import yaml

from casegraph.errors import CasegraphError
from casegraph.loaders.qda.project_reviews import ImportedReview

HEADER = ("# Imported by casegraph import qdpx from the REFI-QDA project\n#   {project}\n"
          "# Check it, add what the coding cannot say (incidents, places, responses), then load it.\n"
          "# Excerpts quote the text file(s) named under documents at their character offsets: edit\n"
          "# the text and every excerpt after the edit no longer matches.\n")


class _Dumper(yaml.SafeDumper):
    """Block YAML without anchors and aliases (casegraph's reader refuses them)."""

    def ignore_aliases(self, data) -> bool:
        return True


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
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return HEADER.format(project=project) + body


def write_review_files(reviews: list[ImportedReview], out: Path, project: str) -> list[Path]:
    """Write every review and text file into `out` (made if need be); returns the review files.

    Everything is written to a private directory inside `out` first and then moved into place,
    so a failure part way (a full disk) leaves no half-written file.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".casegraph-import-", dir=out))
    except OSError as error:
        raise CasegraphError(f"cannot write to {out}: {error.strerror or error}") from None
    written = []
    try:
        for review in reviews:
            data, texts = review_file_data(review)
            for name, text in texts.items():
                (staging / name).write_text(text, encoding="utf-8", newline="")
            (staging / f"{review.review_id}.yaml").write_text(dump_review(data, project), encoding="utf-8")
        for path in sorted(staging.iterdir()):
            os.replace(path, out / path.name)
            if path.suffix == ".yaml":
                written.append(out / path.name)
    except OSError as error:
        raise CasegraphError(f"cannot write the review files to {out}: {error.strerror or error}") from None
    finally:
        for path in staging.iterdir():
            path.unlink()
        staging.rmdir()
    return written
