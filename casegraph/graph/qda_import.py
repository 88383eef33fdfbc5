"""Storing the reviews a REFI-QDA project holds: every review checked as a review file is, then
all of them stored in one journaled step, or none.

Importing a project again replaces what the first import stored, exactly, as reloading a review
file does: its reviews are replaced and those the project no longer has are removed (a review
knows its project by `cg:qdaProject`). A review id that a review file, or another project, has
already stored is refused rather than overwritten.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from casegraph.errors import CasegraphError, ReviewFileError
from casegraph.graph.cypher.embedded import update_in_place
from casegraph.graph.store import ReviewStore
from casegraph.loaders.base import PreparedReview, ReviewGraph
from casegraph.loaders.checks import check_review_data
from casegraph.loaders.convert import convert_review
from casegraph.loaders.qda.project_reviews import ImportedReview
from casegraph.ontology import CG, review_iri


class ImportFailed(CasegraphError):
    """Reviews of a project that did not check; nothing of the project was stored."""

    def __init__(self, archive: Path, errors: list[ReviewFileError]):
        self.errors = errors
        super().__init__(f"{archive}: {len(errors)} review(s) of the project have problems, so nothing was stored:\n"
                         + "\n".join(str(error) for error in errors))


class ImportConflict(CasegraphError):
    """A review id the import would take is held by a review that did not come from the project."""


@dataclass
class ProjectImport:
    """What an import stored: the reviews, those an earlier import of the project had that are gone now."""

    project: str
    stored: list[str]
    removed: list[str]
    excerpts: int
    notes: dict[str, list[str]] = field(default_factory=dict)  # review id -> what to check


def prepare(imported: list[ImportedReview], archive: Path) -> list[PreparedReview]:
    """Each review checked and converted as a review file would be; ImportFailed lists every problem."""
    prepared, errors = [], []
    for review in imported:
        source = Path(f"{archive}#{review.review_id}")
        _, problems = check_review_data(review.data)
        if problems:
            errors.append(ReviewFileError(source, problems))
            continue
        review_id, quads = convert_review(review.data)
        prepared.append(ReviewGraph(review_id, review_iri(review_id), quads, source).prepared())
    if errors:
        raise ImportFailed(archive, errors)
    return prepared


def project_review_ids(store: ReviewStore, project: str) -> list[str]:
    """The stored reviews an import of `project` gave."""
    prefix = review_iri("")
    rows = store.query(f"SELECT ?g ?name {{ GRAPH ?g {{ ?g <{CG}qdaProject> ?name }} }}")
    return sorted(g.value[len(prefix):] for g, name in rows if name.value == project and g.value.startswith(prefix))


def import_project(imported: list[ImportedReview], archive: Path, project: str,
                   store_path: Path | None = None) -> ProjectImport:
    """Check every review, then store them all and remove the project's reviews it no longer has."""
    prepared = prepare(imported, archive)
    new = {review.review_id for review in prepared}
    update_in_place()
    with ReviewStore.open(store_path, write=True) as store:
        earlier = set(project_review_ids(store, project))
        taken = sorted(review_id for review_id in new - earlier if review_id in store)
        if taken:
            raise ImportConflict(f"{archive}: review(s) {', '.join(taken)} are stored already, and not from project "
                                 f"{project!r}; importing would replace them. Remove them first (casegraph remove) "
                                 "or rename the project's sources")
        removed = sorted(earlier - new)
        store.replace(prepared, removing=removed)
        if store.discarded:  # earlier versions replaced or removed: make them gone from the files
            store.rebuild()
    return ProjectImport(project, sorted(new), removed,
                         sum(len(review.data.get("excerpts") or ()) for review in imported),
                         {review.review_id: review.notes for review in imported if review.notes})
