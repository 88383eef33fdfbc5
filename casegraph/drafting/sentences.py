"""A document's sentences with their offsets, whether each asserts what it says, its dates, and the
lexicon's phrases found in it (spaCy: a blank English pipeline, its sentencizer and PhraseMatcher,
with no model to download).

Reviews say a great deal that did not happen: "there was no evidence of sexual exploitation",
"professionals considered whether she might be at risk", "her brother had been excluded". A
sentence's *assertion* says whether a harm, flag or response in it is stated as fact: negated,
hypothetical and historical sentences propose nothing but framework coding.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from casegraph.drafting.lexicon import Term, lexicon
from casegraph.loaders.dates import DateError, parse_partial_date

NEGATED = re.compile(r"\b(no evidence|no indication|no concerns?|no reports?|no record|no suggestion|no sign|"
                     r"not|never|did not|didn't|was not|were not|wasn't|weren't|denied|ruled out|"
                     r"nothing to suggest|no missing|none)\b", re.I)
HYPOTHETICAL = re.compile(r"\b(considered whether|queried whether|whether|might|may have|may be|may not|"
                          r"could have|could be|would have|if|possibly|potentially|wondered|"
                          r"was thought to be at risk|were thought to be at risk)\b", re.I)
HISTORY = re.compile(r"\b(had previously|previously|historically|in the past|had a history|years earlier|"
                     r"had been known)\b", re.I)
MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?")
APPROX = r"(?:(?:about|around|approximately|approx\.|circa|c\.)\s+)?"
DATE = re.compile(
    rf"\b{APPROX}(?:"
    rf"(?P<dmy>\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH},?\s+(?:19|20)\d\d)"
    rf"|(?P<slash>\d{{1,2}}/\d{{1,2}}/(?:19|20)\d\d)"
    rf"|(?P<iso>(?:19|20)\d\d-\d\d(?:-\d\d)?)(?!\d)"
    rf"|(?P<my>{MONTH},?\s+(?:19|20)\d\d)"
    rf"|(?P<part>(?:early|mid|late|spring|summer|autumn|winter)[\s-](?:of\s)?(?:19|20)\d\d)"
    rf"|(?P<span>(?:19|20)\d\d[-/](?:\d\d)(?![\d/-]))"
    rf"|(?P<year>(?:19|20)\d\d)(?![\d/-])"
    rf")", re.I)


@dataclass(frozen=True)
class Found:
    """A span of the text and what it is."""

    start: int
    end: int
    text: str
    what: str = ""  # a lexicon term's "list/code", a date's normalised text


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    negated: bool = False
    hypothetical: bool = False
    history: bool = False
    terms: list[tuple[Found, Term]] = field(default_factory=list)
    dates: list[Found] = field(default_factory=list)

    @property
    def asserted(self) -> bool:
        return not (self.negated or self.hypothetical or self.history)

    def terms_of(self, list_name: str) -> list[tuple[Found, Term]]:
        return [(found, term) for found, term in self.terms if term.list == list_name]


@lru_cache(maxsize=1)
def _pipeline():
    import spacy
    from spacy.matcher import PhraseMatcher

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    folded, exact = PhraseMatcher(nlp.vocab, attr="LOWER"), PhraseMatcher(nlp.vocab, attr="ORTH")
    terms = lexicon().terms
    for n, term in enumerate(terms):
        # an abbreviation (CSE, SEND, GP) only in capitals: "send" and "gp" are other words
        matcher = exact if term.phrase.isupper() else folded
        matcher.add(str(n), [nlp.make_doc(term.phrase)])
    return nlp, folded, exact, terms


def units(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each run of lines that reads as one: a paragraph's lines as a PDF wraps them
    join (their line breaks read as spaces, offsets unchanged), while a heading, a list item and a
    line ending a sentence stand alone."""
    found = []
    for block in re.finditer(r"[^\n\f]+(?:\n[^\n\f]+)*", text):
        lines = [(block.start() + m.start(), m.group()) for m in re.finditer(r"[^\n]+", block.group())]
        start, end = lines[0][0], lines[0][0] + len(lines[0][1])
        for (_, line), (next_start, following) in zip(lines, lines[1:]):
            if not _continues(line, following):
                found.append((start, text[start:end]))
                start = next_start
            end = next_start + len(following)
        found.append((start, text[start:end]))
    return [(offset, unit.replace("\n", " ")) for offset, unit in found if unit.strip()]


LIST_ITEM = re.compile(r"\s*(?:[-•*–▪]\s|\d{1,2}[.)]\s|\(?[a-z]\)\s|Recommendation\s\d|R\d{1,2}\b|Learning point|"
                       r"(?:19|20)\d\d(?:-\d\d){0,2}:)")


def _continues(line: str, following: str) -> bool:
    line = line.rstrip()
    if not line or re.search(r"[.!?:;]$", line) or LIST_ITEM.match(following):
        return False
    return len(line) >= 50 or following.lstrip()[:1].islower()


def sentences(text: str) -> list[Sentence]:
    """Every sentence of `text`, with its assertion, lexicon phrases and dates."""
    from spacy.tokens import Span
    from spacy.util import filter_spans

    nlp, folded, exact, terms = _pipeline()
    lines = units(text)
    found: list[Sentence] = []
    for (offset, line), doc in zip(lines, nlp.pipe(line for _, line in lines)):
        # where one list's phrases overlap the longest reading wins ("groomed and sexually abused", not
        # "was groomed"); phrases of different lists (a harm and an outcome) may share words
        by_list: dict[str, list] = {}
        for key, begin, end in folded(doc) + exact(doc):
            by_list.setdefault(terms[int(nlp.vocab.strings[key])].list, []).append(Span(doc, begin, end, label=key))
        matches = sorted(((s.label, s.start, s.end) for spans in by_list.values() for s in filter_spans(spans)),
                         key=lambda m: (m[1], m[2]))
        for span in doc.sents:
            words = span.text.strip()
            if not words:
                continue
            start = offset + span.start_char + (len(span.text) - len(span.text.lstrip()))
            sentence = Sentence(start, start + len(words), text[start:start + len(words)])
            sentence.negated = bool(NEGATED.search(words))
            sentence.hypothetical = bool(HYPOTHETICAL.search(words))
            sentence.history = bool(HISTORY.search(words))
            for key, begin, end in matches:
                if span.start <= begin and end <= span.end:
                    term = terms[int(nlp.vocab.strings[key])]
                    chars = doc[begin:end]
                    sentence.terms.append((Found(offset + chars.start_char, offset + chars.end_char, chars.text,
                                                 f"{term.list}/{term.code}"), term))
            sentence.dates = dates_in(words, start)
            found.append(sentence)
    return found


def dates_in(text: str, offset: int = 0) -> list[Found]:
    """Each date the text gives, normalised to a form the review format reads (parse_partial_date)."""
    found = []
    for match in DATE.finditer(text):
        written = match.group()
        normal = _normalised(match)
        try:
            parse_partial_date(normal)
        except DateError:
            continue
        found.append(Found(offset + match.start(), offset + match.end(), written, normal))
    return found


def _normalised(match: re.Match) -> str:
    written = " ".join(match.group().split())
    approximate = re.match(r"(about|around|approximately|approx\.|circa|c\.)\s+", written, re.I)
    prefix = "about " if approximate else ""
    body = written[approximate.end():] if approximate else written
    if match.group("slash"):
        day, month, year = body.split("/")
        return f"{prefix}{year}-{int(month):02d}-{int(day):02d}"
    if match.group("span"):
        first, second = re.split(r"[-/]", body)
        return f"{prefix}{first} to {first[:2]}{second}"
    if match.group("part"):
        return prefix + re.sub(r"[\s-](?:of\s)?", " ", body, count=1)
    return prefix + body.replace(",", "")
