"""How good a draft is: proposals scored against a synthetic narrative's ground truth.

`score` compares one draft (a `casegraph: review/2` dict) with the truth of the document it was
drafted from (`casegraph generate --texts`; see `casegraph.synthetic.narrative`); `measure` runs
a drafter and a keyword baseline over a folder of documents and sums the counts per field, apart
for the development phrasing families and the held-out one.

Every proposal counts, whatever its `status`. A proposal's span is its `evidence` (an excerpt's
own `start`/`end`), offsets into the text; a span outside the text, or whose `quote` is not the
text there (whitespace runs as one space), is no span. Spans overlap when they share a character.
Matching is one-to-one, greedy by the largest overlap (an equal name first); ties go to the
earlier item.

- people: a proposed person (any role) matches a truth person when its span overlaps one of the
  person's mentions or its `name` equals the truth name or an alias (case-folded). people-roles:
  over matched pairs only, an equal `role` is a tp, a different one an fp and an fn.
- places: as people, by span or `name`; the kind need not agree.
- review-harm-types: the set of `review.harm_types` against the truth's, `not-stated` left out.
- incidents: spans overlap, a harm type is shared, and the truth has no date or the proposal's
  `when` overlaps it (read by `parse_partial_date` as earliest-latest days; dd/mm/yyyy; failing
  that the years written, "2014/15" being 2014-2015; ages compare as ages, anything else as text).
- dates: incidents paired by span and harm type alone. Both dated: a tp when they overlap, else
  an fp and an fn; only the truth dated: an fn; only the proposal: an fp. A dated truth incident
  with no pair is an fn; unpaired proposals count under incidents only.
- responses: spans overlap and `kind` is equal (closures are kind case-closure on both sides).
  recommendations: spans overlap.
- framework-codes: (sentence, code) pairs of the truth's asserted sentences. A proposal is an
  excerpt coding whose code (by id in `qda_codes`) stands for `framework/<code>`; it finds every
  pair whose sentence its span overlaps. tp: pairs found; fn: pairs not found; fp: proposals that
  find no pair not already found (a wrong code, no such sentence, a repeat).
- sentence-flags: the same, for excerpts coded with the code id `flag-<flag>`.
- asserted-only: every proposal with a span (the review block, items, their evidence-bearing
  parts, excerpts) is an fp when it overlaps a sentence marked `asserted: false` (a negation,
  hypothetical or someone else's history), else a tp; fn is 0. Precision is the share of
  proposals not drawn from a distractor.

The keyword baseline has no rules: the text is cut into sentences after . ! ? (before
whitespace) and at line ends; in each, every `lexicon()` label found as whole words (case-folded,
except labels in capitals such as "SEND") counts. A sentence with harm-type words is an undated
incident of those types; one with response-kind words a response of each kind; one with flag
words, or exploitation harm types, an excerpt per flag; one with words of the lexicon's
"framework" list (if it has one) an excerpt per code. The review's harm types are all found.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable

from casegraph.drafting.lexicon import EXPLOITATION, lexicon
from casegraph.loaders.dates import DateError, parse_partial_date

FIELDS = ("people", "people-roles", "places", "review-harm-types", "incidents", "dates", "responses",
          "recommendations", "framework-codes", "sentence-flags", "asserted-only")
GROUPS = ("development", "held-out")
SYSTEMS = ("casegraph draft", "keyword baseline")
FLAGS = {"exploitation": "Exploitation", "missing": "Missing episode", "send": "SEND", "exclusion": "Exclusion"}
NOT_STATED = "not-stated"
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|[\n\f]")
DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
YEARS = re.compile(r"\b((?:19|20)\d{2})(?:\s*[/-]\s*(\d{2})\b(?![/-]))?")

Span = tuple[int, int]


@dataclass(frozen=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:  # nothing proposed: 1.0 if nothing was missed either, else 0.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float(self.fn == 0)

    @property
    def recall(self) -> float:  # nothing to find: 1.0 if nothing was proposed either, else 0.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float(self.fp == 0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class QualityReport:
    rows: list[tuple[str, str, str, Counts]] = field(default_factory=list)  # (field, group, system, counts)
    documents: int = 0
    seconds: float = 0.0

    def counts(self, field_name: str, group: str, system: str) -> Counts:
        return next((c for f, g, s, c in self.rows if (f, g, s) == (field_name, group, system)), Counts())

    def table(self) -> list[dict]:
        return [{"field": f, "group": g, "system": s, "precision": round(c.precision, 3),
                 "recall": round(c.recall, 3), "f1": round(c.f1, 3), "tp": c.tp, "fp": c.fp, "fn": c.fn}
                for f, g, s, c in self.rows]


def overlap(a: Span | None, b: Span | None) -> int:
    """Characters two half-open spans share (0 when either is missing)."""
    return 0 if a is None or b is None else max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _whitespace(value: object, fold: bool = False) -> str:
    text = " ".join(str(value).split())
    return text.casefold() if fold else text


def _span(node: object, text: str) -> Span | None:
    """The offsets of an evidence dict (or excerpt) if they lie in the text and fit its quote."""
    start, end = (node.get("start"), node.get("end")) if isinstance(node, dict) else (None, None)
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)) \
            or not 0 <= start < end <= len(text):
        return None
    quote = node.get("quote")
    return None if isinstance(quote, str) and _whitespace(quote) != _whitespace(text[start:end]) else (start, end)


def _items(draft: dict, name: str) -> list[dict]:
    return [item for item in draft.get(name) or [] if isinstance(item, dict)]


def _pair(proposals: list, truths: list, key: Callable) -> list[tuple[int, int]]:
    """One-to-one pairs (proposal index, truth index), greedy by `key` (None: no match), largest first."""
    candidates = [(key(p, t), i, j) for i, p in enumerate(proposals) for j, t in enumerate(truths)]
    candidates = [c for c in candidates if c[0] is not None]
    candidates.sort(key=lambda c: (tuple(-v for v in c[0]), c[1], c[2]))
    used_p, used_t, pairs = set(), set(), []
    for _, i, j in candidates:
        if i not in used_p and j not in used_t:
            used_p, used_t, pairs = used_p | {i}, used_t | {j}, pairs + [(i, j)]
    return pairs


def _matched(pairs: list, proposals: int, truths: int) -> Counts:
    return Counts(len(pairs), proposals - len(pairs), truths - len(pairs))


def _names(items: list[dict], text: str) -> list[tuple[Span | None, str]]:
    return [(_span(item.get("evidence"), text), _whitespace(item.get("name", ""), fold=True)) for item in items]


def _named(proposals: list[tuple[Span | None, str]], truths: list[dict]) -> list[tuple[int, int]]:
    """Pairs of (span, folded name) proposals with truth people or places (by mention or name)."""
    def key(proposal, truth):
        span, name = proposal
        names = {_whitespace(n, fold=True) for n in [truth.get("name", "")] + list(truth.get("aliases") or [])}
        shared = max((overlap(span, tuple(m)) for m in truth.get("mentions") or []), default=0)
        same = bool(name) and name in names
        return (int(same), shared) if same or shared else None
    return _pair(proposals, truths, key)


def _when(value: object) -> tuple | None:
    """("days", earliest, latest) with None for an open end, ("age", years), ("text", folded) or None."""
    text = _whitespace("" if value is None else value)
    if not text:
        return None
    try:
        date = parse_partial_date(text)
        return ("age", date.age) if date.age is not None else ("days", date.earliest, date.latest)
    except DateError:
        pass
    try:
        if day := DAY_MONTH_YEAR.search(text):
            exact = dt.date(int(day.group(3)), int(day.group(2)), int(day.group(1)))
            return ("days", exact, exact)
    except ValueError:  # 31/02/2016
        pass
    years = [int(m.group(1)) for m in YEARS.finditer(text)]
    years += [int(m.group(1)) // 100 * 100 + int(m.group(2)) + 100 * (int(m.group(2)) < int(m.group(1)) % 100)
              for m in YEARS.finditer(text) if m.group(2)]  # "2014/15", "1999-00"
    return ("days", dt.date(min(years), 1, 1), dt.date(max(years), 12, 31)) if years else ("text", text.casefold())


def dates_overlap(a: object, b: object) -> bool:
    """Whether two dates as written can mean the same time (False when either is missing)."""
    x, y = _when(a), _when(b)
    if x is None or y is None or x[0] != y[0] or x[0] != "days":
        return x is not None and y is not None and x == y
    return all(low is None or high is None or low <= high for low, high in ((x[1], y[2]), (y[1], x[2])))


def _harms(item: dict) -> set[str]:
    return {str(h) for h in item.get("harm_types") or [] if h != NOT_STATED}


def _incidents(draft: dict, text: str, truth: dict) -> tuple[Counts, Counts]:
    proposals = [(_span(i.get("evidence"), text), _harms(i), i.get("when")) for i in _items(draft, "incidents")]
    truths = [(tuple(t["span"]), _harms(t), t.get("when")) for t in truth.get("incidents") or []]

    def related(p, t):
        shared = overlap(p[0], t[0])
        return (shared,) if shared and p[1] & t[1] else None

    def same(p, t):
        found = related(p, t)
        return found if found and (not t[2] or dates_overlap(p[2], t[2])) else None

    incidents = _matched(_pair(proposals, truths, same), len(proposals), len(truths))
    tp = fp = fn = 0
    pairs = _pair(proposals, truths, related)
    for i, j in pairs:
        proposed, true = proposals[i][2], truths[j][2]
        if proposed and true:
            hit = dates_overlap(proposed, true)
            tp, fp, fn = tp + hit, fp + (not hit), fn + (not hit)
        else:
            fp, fn = fp + bool(proposed), fn + bool(true)
    paired = {j for _, j in pairs}
    fn += sum(1 for j, t in enumerate(truths) if j not in paired and t[2])
    return incidents, Counts(tp, fp, fn)


def _coded(draft: dict, text: str) -> tuple[list, list]:
    """(span, framework code) and (span, flag) proposals of the draft's excerpts."""
    codebook = {str(c.get("id")): c for c in _items(draft, "qda_codes")}
    codes, flags = [], []
    for excerpt in _items(draft, "excerpts"):
        span = _span(excerpt, text)
        for coding in excerpt.get("codings") or []:
            code_id = str(coding.get("code")) if isinstance(coding, dict) else ""
            stands_for = str(codebook.get(code_id, {}).get("stands_for") or "")
            if stands_for.startswith("framework/"):
                codes.append((span, stands_for.split("/", 1)[1]))
            if code_id.startswith("flag-") and code_id[5:] in FLAGS:
                flags.append((span, code_id[5:]))
    return codes, flags


def _sentence_pairs(proposals: list, sentences: list[dict], key: str) -> Counts:
    wanted = {(k, code) for k, s in enumerate(sentences) if s.get("asserted") for code in s.get(key) or []}
    found, fp = set(), 0
    for span, code in proposals:
        hits = {(k, code) for k, s in enumerate(sentences) if (k, code) in wanted
                and overlap(span, tuple(s["span"]))}
        if hits - found:
            found |= hits
        else:
            fp += 1
    return Counts(len(found), fp, len(wanted - found))


def _proposal_spans(node: object, text: str) -> list[Span | None]:
    """The evidence span of every evidence-bearing part of the draft, nested parts too."""
    if isinstance(node, list):
        return [span for value in node for span in _proposal_spans(value, text)]
    if not isinstance(node, dict):
        return []
    return ([_span(node["evidence"], text)] if "evidence" in node else []) + \
        [span for name, value in node.items() if name != "evidence" for span in _proposal_spans(value, text)]


def _asserted_only(draft: dict, text: str, truth: dict) -> Counts:
    body = {k: v for k, v in draft.items() if k not in ("qda_codes", "documents", "excerpts")}
    spans = _proposal_spans(body, text) + [_span(e, text) for e in _items(draft, "excerpts")]
    distractors = [tuple(s["span"]) for s in truth.get("sentences") or [] if not s.get("asserted")]
    fooled = [any(overlap(span, d) for d in distractors) for span in spans if span is not None]
    return Counts(fooled.count(False), fooled.count(True), 0)


def score(draft: dict, text: str, truth: dict) -> dict[str, Counts]:
    """Counts per field (`FIELDS`) of one draft against its document's truth (see the module docstring)."""
    people = _items(draft, "people")
    truth_people = truth.get("people") or []
    pairs = _named(_names(people, text), truth_people)
    same_role = sum(1 for i, j in pairs if people[i].get("role") == truth_people[j].get("role"))
    places = _items(draft, "places")
    place_pairs = _named(_names(places, text), truth.get("places") or [])
    review = draft.get("review") if isinstance(draft.get("review"), dict) else {}
    proposed_harms, true_harms = _harms(review), _harms(truth.get("review") or {})
    incidents, dates = _incidents(draft, text, truth)
    responses = [(_span(r.get("evidence"), text), r.get("kind")) for r in _items(draft, "responses")]
    truth_responses = [(tuple(r["span"]), r.get("kind")) for r in truth.get("responses") or []]
    response_pairs = _pair(responses, truth_responses, lambda p, t: (overlap(p[0], t[0]),)
                           if overlap(p[0], t[0]) and p[1] == t[1] else None)
    recs = [_span(r.get("evidence"), text) for r in _items(draft, "recommendations")]
    truth_recs = [tuple(r["span"]) for r in truth.get("recommendations") or []]
    rec_pairs = _pair(recs, truth_recs, lambda p, t: (overlap(p, t),) if overlap(p, t) else None)
    codes, flags = _coded(draft, text)
    sentences = truth.get("sentences") or []
    return {
        "people": _matched(pairs, len(people), len(truth_people)),
        "people-roles": Counts(same_role, len(pairs) - same_role, len(pairs) - same_role),
        "places": _matched(place_pairs, len(places), len(truth.get("places") or [])),
        "review-harm-types": Counts(len(proposed_harms & true_harms), len(proposed_harms - true_harms),
                                    len(true_harms - proposed_harms)),
        "incidents": incidents,
        "dates": dates,
        "responses": _matched(response_pairs, len(responses), len(truth_responses)),
        "recommendations": _matched(rec_pairs, len(recs), len(truth_recs)),
        "framework-codes": _sentence_pairs(codes, sentences, "codes"),
        "sentence-flags": _sentence_pairs(flags, sentences, "flags"),
        "asserted-only": _asserted_only(draft, text, truth),
    }


def split_sentences(text: str) -> list[Span]:
    """Spans of the text cut after . ! ? (before whitespace or the end) and at line ends."""
    spans, start = [], 0
    for match in list(SENTENCE_END.finditer(text)) + [None]:
        end = len(text) if match is None else match.end() if match.group()[0] in ".!?" else match.start()
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            spans.append((start + lead, start + len(piece.rstrip())))
        start = len(text) if match is None else match.end()
    return spans


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern, str, str]]:
    found = []
    for term in lexicon().terms:
        words = r"\s+".join(re.escape(word) for word in term.phrase.split())
        flags = 0 if term.phrase.isupper() else re.IGNORECASE
        found.append((re.compile(rf"(?<!\w){words}(?!\w)", flags), term.list, term.code))
    return found


def keyword_baseline(text: str, truth: dict) -> dict:
    """The draft lexicon words alone propose (see the module docstring); `truth` gives only the id."""
    review_id = str(truth.get("review_id") or "baseline")
    patterns = _patterns()
    harms_found: set[str] = set()
    incidents, responses, excerpts, codebook = [], [], [], {}

    def evidence(span: Span) -> dict:
        return {"quote": text[span[0]:span[1]], "document": "text", "start": span[0], "end": span[1]}

    def excerpt(span: Span, code_id: str) -> None:
        excerpts.append({"id": f"sel-{len(excerpts) + 1}", "document": "text", "start": span[0], "end": span[1],
                         "quote": text[span[0]:span[1]], "status": "proposed", "confidence": 0.5,
                         "codings": [{"code": code_id}]})

    for span in split_sentences(text):
        sentence = text[span[0]:span[1]]
        found: dict[str, list[str]] = {}
        for pattern, list_name, code in patterns:
            if pattern.search(sentence) and code not in found.setdefault(list_name, []):
                found[list_name].append(code)
        harms = sorted(found.get("harm-type", []))
        harms_found.update(harms)
        if harms:
            incidents.append({"id": f"inc-{len(incidents) + 1}", "harm_types": harms, "status": "proposed",
                              "confidence": 0.5, "evidence": evidence(span)})
        agency = (found.get("agency") or [NOT_STATED])[0]
        for kind in sorted(found.get("response-kind", [])):
            responses.append({"id": f"resp-{len(responses) + 1}", "agency": agency, "kind": kind,
                              "status": "proposed", "confidence": 0.5, "evidence": evidence(span)})
        flags = set(found.get("flag", [])) | ({"exploitation"} if set(harms) & set(EXPLOITATION) else set())
        for flag in sorted(flags):
            codebook[f"flag-{flag}"] = {"id": f"flag-{flag}", "name": FLAGS[flag]}
            excerpt(span, f"flag-{flag}")
        for code in sorted(found.get("framework", [])):
            codebook[f"code-{code}"] = {"id": f"code-{code}", "name": code, "stands_for": f"framework/{code}"}
            excerpt(span, f"code-{code}")
    draft = {"casegraph": "review/2",
             "review": {"id": review_id, "harm_types": sorted(harms_found), "status": "proposed", "confidence": 0.5},
             "documents": [{"id": "text", "name": review_id, "kind": "text"}],
             "incidents": incidents, "responses": responses}
    if excerpts:
        draft.update(qda_codes=[codebook[k] for k in sorted(codebook)], excerpts=excerpts)
    return draft


def measure(truth_dir: Path, draft_fn: Callable[[Path], tuple[dict, str]], documents: str = "txt") -> QualityReport:
    """Draft every `<id>.txt` (or, with documents="pdf", the `<id>.pdf` made from it) with an
    `<id>.truth.json` in `truth_dir` with `draft_fn`, and the text with the keyword baseline; the
    counts summed per field, group (development, held-out) and system. The truth's offsets are
    moved into the text each draft counts in (see `realigned`)."""
    began = time.perf_counter()
    sums: dict[tuple[str, str, str], Counts] = {}
    documents = 0
    for truth_path in sorted(Path(truth_dir).glob("*.truth.json")):
        text_path = truth_path.with_name(truth_path.name[:-len(".truth.json")] + ".txt")
        if not text_path.is_file():
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        text = text_path.read_bytes().decode("utf-8")
        document = text_path.with_suffix(".pdf") if documents == "pdf" else text_path
        if not document.is_file():
            continue
        draft, draft_text = draft_fn(document)
        group = GROUPS[1] if truth.get("held_out") else GROUPS[0]
        for system, counts in ((SYSTEMS[0], score(draft, draft_text, realigned(truth, text, draft_text))),
                               (SYSTEMS[1], score(keyword_baseline(text, truth), text, truth))):
            for name in FIELDS:
                sums[name, group, system] = sums.get((name, group, system), Counts()) + counts[name]
        documents += 1
    rows = [(name, group, system, sums[name, group, system]) for name in FIELDS for group in GROUPS
            for system in SYSTEMS if (name, group, system) in sums]
    return QualityReport(rows, documents, time.perf_counter() - began)


def realigned(truth: dict, text: str, extracted: str) -> dict:
    """The truth with every span moved from `text` (the file as written) to `extracted` (the text a
    draft's offsets count into: extraction joins pages and collapses blank lines, so offsets shift)."""
    if text == extracted:
        return truth
    import bisect
    import copy
    from difflib import SequenceMatcher

    blocks = [b for b in SequenceMatcher(None, text, extracted, autojunk=False).get_matching_blocks() if b.size]
    starts = [b.a for b in blocks]

    def moved(offset: int) -> int:
        n = bisect.bisect_right(starts, offset) - 1
        if n < 0:
            return blocks[0].b if blocks else 0
        block = blocks[n]
        return block.b + min(offset - block.a, block.size)

    def span(pair):
        return [moved(pair[0]), moved(pair[1])]

    moved_truth = copy.deepcopy(truth)
    for name in ("people", "places"):
        for item in moved_truth.get(name) or ():
            item["mentions"] = [span(m) for m in item.get("mentions") or ()]
    for name in ("incidents", "responses", "closures", "recommendations", "sentences"):
        for item in moved_truth.get(name) or ():
            if item.get("span"):
                item["span"] = span(item["span"])
    return moved_truth

