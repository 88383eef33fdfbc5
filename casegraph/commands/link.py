"""`casegraph link`: candidate matches between records, and analysts' decisions on them.

A thin layer over `casegraph.linking`: `candidate_cache` (candidates), `cards` (the matching card)
and `decisions` (accept, reject, undo, list); each command opens the store, calls one library
function and prints the result.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from casegraph.commands.common import FORMAT_CHOICES, format_option, handles_errors, interactive, store_option
from casegraph.linking.learning import INFORMATIVE_THRESHOLD, ORDERS
from casegraph.linking.settings import DEFAULT_THRESHOLD
from casegraph.ontology import short_id




def _decision_options(func):
    """What accept, reject and undo take: the candidate, the store, why and who."""
    func = handles_errors(func)
    func = click.option("--analyst", envvar="CASEGRAPH_ANALYST", default=None,
                        help="Who decides (default: $CASEGRAPH_ANALYST, else your user name).")(func)
    func = click.option("--note", default="", help="Why: kept with the decision.")(func)
    func = store_option(func)
    return click.argument("candidate_id", metavar="ID")(func)


_FORCE = click.option("--force", is_flag=True,
                      help="Decide even if it contradicts a decision in force (A=B and B=C accepted, A=C "
                           "rejected); `link check` lists contradictions.")


@click.group()
def link():
    """Find records that may be the same person, group or place, and decide on them.

    Nothing is linked automatically: an analyst accepts or rejects each candidate. An accepted
    pair counts as one entity in saved questions, Cypher and the property-graph view; a rejected
    pair is not proposed again; undo restores the state before. Decisions are kept, with who,
    when, why and the score at the time, in the graph https://w3id.org/casegraph/decisions, and
    survive reloading the reviews.

    \b
    Examples:
      casegraph link candidates --limit 20
      casegraph link show cc9a713b37d
      casegraph link accept cc9a713b37d --note "same car and address in both reviews"
      casegraph link list
      casegraph link explain scr-49-2013/christine scr-30-2016/child-m
      casegraph link clusters
      casegraph link accept-cluster k710285cc89 --note "his real name in all three"
    """


@link.command("candidates")
@store_option
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help=f"Lowest score shown (default: {DEFAULT_THRESHOLD}, the matcher's default threshold; "
                   f"{INFORMATIVE_THRESHOLD} with --order informative).")
@click.option("--kind", "kinds", multiple=True,
              help="Only candidates of this kind (repeatable): young-person, adult, group, place (every "
                   "place:...), place:school, ... as in the kind column.")
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many, the first in --order.")
@click.option("--learn", is_flag=True,
              help="Score with m re-estimated from the decisions in force: accepted pairs show how one "
                   "entity's two records compare. Computed again after each decision.")
@click.option("--order", type=click.Choice(ORDERS), default="score", show_default=True,
              help="score: best first. informative: first the undecided pairs whose answer would teach the "
                   "model most (score nearest 0.5), drawn from scores down to the lower threshold.")
@click.option("--refresh", is_flag=True, help="Compute again even if the cached candidates are up to date.")
@format_option
@handles_errors
def candidates(store, threshold, kinds, limit, learn, order, refresh, fmt):
    """List candidate matches not yet decided, best first (or the most informative first).

    Candidates are computed from every stored review and cached in the store (STORE/linking/),
    so `show`, `accept` and `reject` find them by id without computing again; they are computed
    again when the reviews change. --format json gives each attribute's comparison too.

    With --learn the model learns from the analysts' decisions (as Splink estimates m from
    labelled pairs): decide some pairs, list again with --learn, and the scores reflect them.
    With --order informative the pairs most worth deciding come first, so fewer decisions teach
    the model more (uncertainty sampling, as dedupe asks).

    \b
    Examples:
      casegraph link candidates
      casegraph link candidates --kind adult --threshold 0.8 --limit 10
      casegraph link candidates --format json > candidates.json
      casegraph link candidates --order informative --limit 20
      casegraph link accept cc9a713b37d && casegraph link candidates --learn --order informative --limit 20
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.linking.candidate_cache import proposals
    from casegraph.output import is_structured, render, render_records

    with ReviewStore.open(store) as opened:
        found = proposals(opened, threshold, kinds=list(kinds) or None, limit=limit, refresh=refresh, learn=learn,
                          order=order)
    if is_structured(fmt):
        import dataclasses

        click.echo(render_records([dataclasses.asdict(c) for c in found], fmt))
        return
    rows = [[c.id, c.kind, round(c.score, 3), short_id(c.left), _label(c, "left"), short_id(c.right), _label(c, "right"),
             ", ".join(x.attribute for x in c.comparisons if x.outcome == "agree"),
             ", ".join(x.attribute for x in c.comparisons if x.outcome == "disagree")] for c in found]
    click.echo(render(["id", "kind", "score", "left", "left label", "right", "right label", "agree", "disagree"],
                      rows, fmt))
    if fmt == "table" and interactive():
        click.echo(f"{len(found)} candidate(s); see one with: casegraph link show ID", err=True)


def _decision(iri: str | None, compact: bool) -> str | None:
    from casegraph.linking.decisions import DECISION_BASE

    return iri[len(DECISION_BASE):] if compact and iri and iri.startswith(DECISION_BASE) else iri


def _label(candidate, side: str) -> str:
    return getattr(candidate, f"{side}_label", "") or ""


@link.command("show")
@click.argument("candidate_id", metavar="ID")
@store_option
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="table", show_default=True,
              help="table: the card to read; json, jsonl: the whole card as data; csv, tsv: its comparisons, "
                   "one row each.")
@handles_errors
def show(candidate_id, store, fmt):
    """Show a candidate's matching card: both records side by side, with their reviews and
    evidence, how each attribute compared and counted, and the pair's decisions.

    \b
    Examples:
      casegraph link show cc9a713b37d
      casegraph link show cc9a713b37d --format json
      casegraph link show cc9a713b37d --format csv > comparisons.csv
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.linking.cards import match_card
    from casegraph.output import is_structured, render, render_records

    with ReviewStore.open(store) as opened:
        card = match_card(opened, candidate_id)
    if is_structured(fmt):
        import dataclasses

        click.echo(render_records([dataclasses.asdict(card)], fmt) if fmt == "jsonl"
                   else json.dumps(dataclasses.asdict(card), indent=2, ensure_ascii=False))
    elif fmt == "table":
        click.echo(render_card(card))
    else:
        prior = [] if card.prior_weight is None else [[card.candidate_id, "prior", "", round(card.prior_weight, 3), ""]]
        click.echo(render(["candidate", "attribute", "outcome", "weight", "detail"],
                          prior + [[card.candidate_id, c.attribute, c.outcome, round(c.weight, 3), c.detail]
                                   for c in card.comparisons], fmt))


def render_card(card) -> str:
    """The card as text: records side by side, then the comparisons as a waterfall."""
    from casegraph.output import render

    score = "" if card.score is None else f"score {card.score:.3f}"
    lines = [f"candidate {card.candidate_id}  {card.kind}  {score}".rstrip(), f"status: {_status(card.current)}", ""]
    left, right = card.left, card.right

    def review(record) -> str:
        return f"{record.review_id}: {record.review_title}" if record.review_id else "(no stored review)"

    rows = [["record", short_id(left.iri), short_id(right.iri)], ["review", review(left), review(right)],
            ["label", left.label, right.label], ["class", ", ".join(left.classes[:1]), ", ".join(right.classes[:1])]]
    for name in sorted({n for n, _ in left.attributes} | {n for n, _ in right.attributes}):
        rows.append([name, _values(left, name), _values(right, name)])
    for number in range(max(len(left.evidence), len(right.evidence))):
        rows.append(["evidence" if number == 0 else "", _excerpt(left, number), _excerpt(right, number)])
    lines.append(render(["", "left", "right"], rows))
    lines.append("")
    if card.comparisons:
        lines.append(render(["attribute", "outcome", "weight", "", "detail"], _waterfall(card)))
    elif card.explanation:
        lines.append(f"no longer a candidate; when decided: {card.explanation}")
    if card.history:
        lines += ["", "decisions:"]
        lines += [f"  {d.when}  {d.verdict:<8}  {d.analyst}" + (f"  {d.note}" if d.note else "") for d in card.history]
    return "\n".join(lines)


def _waterfall(card) -> list[list]:
    """Rows in the spirit of Splink's waterfall chart: where the weight starts (the prior), what
    each comparison adds or takes away, and where it ends, with the score that weight gives."""
    steps = ([("prior", "", card.prior_weight, "before any comparison")] if card.prior_weight is not None else []) + [
        (c.attribute, c.outcome, c.weight, c.detail) for c in card.comparisons]
    peak = max(abs(weight) for _, _, weight, _ in steps) or 1
    rows = [[name, outcome, f"{weight:+.2f}", _bar(weight, peak), detail] for name, outcome, weight, detail in steps]
    total = sum(weight for _, _, weight, _ in steps)
    score = f"score {card.score:.3f}" if card.score is not None else ""
    return rows + [["total", "", f"{total:+.2f}", "", score]]


def _bar(weight: float, peak: float) -> str:
    if not weight:
        return ""
    return ("+" if weight > 0 else "-") * max(1, round(10 * abs(weight) / peak))


def _values(record, name: str) -> str:
    return "; ".join(value for n, value in record.attributes if n == name)


def _excerpt(record, number: int) -> str:
    if number >= len(record.evidence):
        return ""
    excerpt = record.evidence[number]
    text = excerpt.quote if len(excerpt.quote) <= 70 else excerpt.quote[:67] + "..."
    where = f" ({excerpt.page})" if excerpt.page else ""
    return f"{'~' if excerpt.paraphrase else ''}\"{text}\"{where}"


def _status(decision) -> str:
    if decision is None:
        return "undecided"
    note = f" ({decision.note})" if decision.note else ""
    return f"{decision.verdict} by {decision.analyst} at {decision.when}{note}"


def _decide(verb: str, candidate_id: str, store, note: str, analyst: str | None, force: bool = False) -> None:
    from casegraph.graph.store import ReviewStore
    from casegraph.linking import decisions
    from casegraph.linking.candidate_cache import decidable

    with ReviewStore.open(store, write=True) as opened:
        decide = getattr(decisions, verb)
        target = candidate_id if verb == "undo" else decidable(opened, candidate_id)
        options = {"force": force} if verb != "undo" else {}
        change = decide(opened, target, analyst=analyst, note=note, **options)
    click.echo(describe(change))


def describe(change) -> str:
    """One line on what a decision did, for people."""
    from casegraph.linking.decisions import noun

    decision = change.decision
    pair = f"{short_id(decision.left)} and {short_id(decision.right)}"
    score = f" (score {decision.score:.3f})" if decision.score is not None else ""
    if decision.verdict == "undone":
        before = change.before
        text = (f"undid {before.analyst}'s {noun(before.verdict)} of {decision.candidate_id} ({pair}) "
                f"from {before.when}; now {_status(change.after)}")
    else:
        text = f"{decision.verdict} {decision.candidate_id}: {pair}{score}, by {decision.analyst}"
        if change.before is not None:
            earlier = change.before
            text += f"; this overrides {earlier.analyst}'s decision ({earlier.verdict} at {earlier.when})"
    if change.link_added:
        text += "; linked them (owl:sameAs)"
    if change.link_removed:
        text += "; removed their owl:sameAs link"
    return text


@link.command("accept")
@_decision_options
@_FORCE
def accept(candidate_id, store, note, analyst, force):
    """Accept a candidate: its two records are one entity (linked with owl:sameAs).

    A pair another analyst rejected may be accepted: the later decision is current and both are
    kept. To change your own decision, undo it first.

    \b
    Examples:
      casegraph link accept cc9a713b37d --note "same alias and address"
      casegraph link accept cc9a713b37d --analyst "J. Smith"
    """
    _decide("accept", candidate_id, store, note, analyst, force)


@link.command("reject")
@_decision_options
@_FORCE
def reject(candidate_id, store, note, analyst, force):
    """Reject a candidate: its two records are not one entity, and the pair is not proposed again.

    \b
    Examples:
      casegraph link reject cc9a713b37d --note "different ages in the same year"
    """
    _decide("reject", candidate_id, store, note, analyst, force)


@link.command("undo")
@_decision_options
def undo(candidate_id, store, note, analyst):
    """Undo the latest decision in force on a candidate, restoring the state before it.

    Undoing an acceptance removes its link (unless an earlier acceptance is still in force);
    undoing a decision that overrode another brings that one back. The undo is recorded too.

    \b
    Examples:
      casegraph link undo cc9a713b37d --note "accepted by mistake"
    """
    _decide("undo", candidate_id, store, note, analyst)


@link.command("quality")
@store_option
@click.option("--truth", "truth_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The corpus's ground truth (casegraph generate writes ground-truth.csv): a CSV with columns "
                   "entity_id, review_id, record_id and kind.")
@click.option("--threshold", "thresholds", type=click.FloatRange(0, 1), multiple=True,
              help="Measure at this threshold (repeatable; default 0.5 0.7 0.8 0.9 0.95 0.99).")
@click.option("--min-precision", type=click.FloatRange(0, 1), default=0.9, show_default=True,
              help="Also find, for all records and each kind, the lowest threshold keeping this precision.")
@click.option("--refresh", is_flag=True, help="Compute the candidates again even if the cached ones are up to date.")
@format_option
@handles_errors
def quality(store, truth_path, thresholds, min_precision, refresh, fmt):
    """Measure the candidates against a corpus's ground truth: precision and recall at each
    threshold, for all records and for each kind the truth gives.

    A pair counts once; within one true entity every pair of its records is a true pair. Every
    candidate counts, decided or not: this measures the matcher, not the analysts. `found` are
    true pairs proposed, `wrong` pairs proposed that are two entities, `missed` true pairs not
    proposed; precision is blank when nothing is proposed, recall when there is nothing to find
    (family members and professionals of a generated corpus never recur). The rows marked in `chosen` give the lowest threshold at which precision is still
    --min-precision or more (the most recall it allows), among scores above the lowest threshold
    asked for.

    \b
    Examples:
      casegraph generate --reviews 200 --out corpus
      casegraph load corpus/reviews
      casegraph link quality --truth corpus/ground-truth.csv
      casegraph link quality --truth corpus/ground-truth.csv --threshold 0.8 --min-precision 0.95 --format csv
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.linking.candidate_cache import load_candidates
    from casegraph.linking.quality import (QUALITY_THRESHOLDS, check_reviews_loaded, quality_report,
                                           read_ground_truth, read_truth_kinds)
    from casegraph.output import is_structured, render

    truth, kinds = read_ground_truth(truth_path), read_truth_kinds(truth_path)
    thresholds = thresholds or QUALITY_THRESHOLDS
    with ReviewStore.open(store) as opened:
        check_reviews_loaded(truth, opened.review_ids(), truth_path)
        found = load_candidates(opened, min(thresholds), refresh=refresh).candidates
    rows = quality_report(found, truth, kinds, thresholds, min_precision)
    digits = 4 if is_structured(fmt) else 3
    click.echo(render(["kind", "threshold", "precision", "recall", "found", "wrong", "missed", "chosen"],
                      [[r.kind, round(r.threshold, digits),
                        round(r.precision, digits) if r.found + r.wrong else None,  # nothing proposed
                        round(r.recall, digits) if r.found + r.missed else None,  # nothing to find
                        r.found, r.wrong, r.missed, r.chosen] for r in rows], fmt))


@link.command("list")
@store_option
@click.option("--all", "everything", is_flag=True, help="Every decision ever made, undone and superseded ones too.")
@click.option("--stale", is_flag=True,
              help="Only decisions on a record that no stored review describes (waiting for their review, or "
                   "left behind by a reload).")
@format_option
@handles_errors
def list_decisions(store, everything, stale, fmt):
    """List the decisions in force, newest first (--all: the whole history, oldest first).

    A record whose review is no longer stored is marked in the `missing` column; its decisions
    and links are kept, and count again when the review is loaded again. --stale lists only
    those: decisions restored (casegraph restore) before their reviews were loaded wait there
    and take effect when the reviews are loaded; a decision whose record a reload no longer has
    stays there until the record comes back or an analyst undoes it. Nothing is dropped.

    \b
    Examples:
      casegraph link list
      casegraph link list --all --format csv > decisions.csv
      casegraph link list --stale
    """
    from casegraph.graph.store import ReviewStore
    from casegraph.linking.decisions import current_decisions, decisions, missing_records
    from casegraph.output import is_structured, render

    with ReviewStore.open(store) as opened:
        chosen = decisions(opened) if everything else current_decisions(opened)
        missing = missing_records(opened, [iri for d in chosen for iri in (d.left, d.right)])
    if stale:
        chosen = [d for d in chosen if d.left in missing or d.right in missing]
    compact = not is_structured(fmt)
    show_iri = short_id if compact else (lambda iri: iri)
    columns = ["id", "verdict", "left", "right", "analyst", "time", "score", "note", "missing"]
    if everything:
        columns += ["decision", "supersedes", "undoes"]
    rows = []
    for d in chosen:
        row = [d.candidate_id, d.verdict, show_iri(d.left), show_iri(d.right), d.analyst,
               d.when if compact else d.time, None if d.score is None else round(d.score, 3), d.note,
               " ".join(show_iri(i) for i in (d.left, d.right) if i in missing)]
        if everything:
            row += [_decision(d.iri, compact), _decision(d.supersedes, compact), _decision(d.undoes, compact)]
        rows.append(row)
    click.echo(render(columns, rows, fmt))
    if missing and fmt == "table":
        click.echo(f"{len(missing)} record(s) are in no stored review (removed?); their decisions and links are "
                   "kept", err=True)
