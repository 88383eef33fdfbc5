"""A review's coding proposed from its own text, as a `review/2` draft.

Every proposal is `status: proposed` with a confidence and evidence quoting the words it came
from at their offsets (and page) in the document's extracted text, which the draft keeps beside
itself. Incidents, responses and flags come only from sentences that assert them (see
sentences.py); sentence-level framework codes and flags are excerpts coded with the draft's own
codebook, whose codes stand for the framework's.
"""
from __future__ import annotations

import bisect
import re

from casegraph.drafting.extract import ExtractedText
from casegraph.drafting.lexicon import EXPLOITATION
from casegraph.drafting.people import Person, find_people
from casegraph.drafting.places import Place, find_places
from casegraph.drafting.sentences import Sentence, dates_in, sentences as split, units
from casegraph.loaders.fields import FORMAT_MARKER, FORMAT_VERSION
from casegraph.loaders.review_writer import slug
from casegraph.ontology import vocabulary

DOCUMENT = "text"  # the id of the draft's one document
FLAGS = {"missing": "Missing episode", "exploitation": "Exploitation", "send": "SEND", "exclusion": "Exclusion"}
HARM_WORDS = re.compile(r"\b(harm|risk|exploit\w*|abuse\w*|danger\w*|context of harm|linked to|put at risk|"
                        r"unsafe|vulnerab\w*|targeted|exposed)\b", re.I)
SAFETY_WORDS = re.compile(r"\b(safety|safe|protect\w*|protective|support\w*|trusted|stabilis\w*)\b", re.I)
KIND = [("cspr", re.compile(r"Child Safeguarding Practice Review|\bCSPR\b|Rapid Review|Local Child Safeguarding", re.I)),
        ("scr", re.compile(r"Serious Case Review|\bSCR\b", re.I)),
        ("thematic", re.compile(r"\bthematic\b", re.I))]
PARTNERSHIP = re.compile(r"^[^\n]{0,80}?(?:Safeguarding (?:Children )?(?:Partnership|Board)|LSCB|Safeguarding "
                         r"Partnership|Children's Partnership)[^\n]{0,40}$", re.M)
PUBLISHED = re.compile(r"\b(?:Published|Publication date|Date of publication)\s*:?\s*(?P<date>[^\n]{4,30})", re.I)
AUTHOR = re.compile(r"^\s*(?:Author|Lead reviewer|Independent reviewer|Reviewer|Written by)s?\s*:?\s*(?P<who>[^\n]{3,80})$",
                    re.I | re.M)
RECOMMENDATION = re.compile(r"(?m)^\s*(?:Recommendation\s*(?P<a>\d{1,2})|R(?P<b>\d{1,2})|Learning point\s*(?P<c>\d{1,2})|"
                            r"(?P<d>\d{1,2})[.)])\s*(?:\((?P<level>local|national)\))?\s*[:.–—-]?\s*(?P<text>[A-Z][^\n]{15,})")
NATIONAL = re.compile(r"\b(national|Department for Education|DfE|Home Office|government|Ofsted|the Panel|"
                      r"Ministry of Justice|NHS England)\b", re.I)
# a sentence about the review itself ("commissioned following concerns about CSE") tells of no one incident
ABOUT_THE_REVIEW = re.compile(r"\b(commissioned|this review|the review|scope|terms of reference)\b", re.I)
SHOULD = re.compile(r"\b(should|must|needs? to|ought to|is asked to|are asked to)\b")
FAMILY_TARGET = re.compile(r"\b(family|parents?|mother|father|carers?)\b", re.I)


def draft(extracted: ExtractedText, text_file: str, review_id: str | None = None) -> dict:
    """The draft of one document: a review/2 dict whose evidence counts into `extracted.text`,
    which the caller writes to `text_file` beside the draft."""
    text = extracted.text
    sentences = split(text)
    title = _title(extracted)
    people = find_people(text, sentences, title)
    places = find_places(text, sentences)
    builder = _Draft(extracted, sentences, people, places)
    data = {FORMAT_MARKER: FORMAT_VERSION, "review": builder.review(title, review_id),
            "documents": [{"id": DOCUMENT, "name": extracted.path.name, "kind": extracted.kind, "text_file": text_file}]}
    data["people"] = builder.people() + builder.authors(data["review"])
    data["places"] = builder.places()
    data["incidents"] = builder.incidents()
    data["responses"] = builder.responses()
    data["recommendations"] = builder.recommendations()
    data["qda_codes"], data["excerpts"] = builder.sentence_codes()
    harms = builder.review_harms(data["incidents"])
    if harms:
        data["review"]["harm_types"] = harms
    return {key: value for key, value in data.items() if value}


def _title(extracted: ExtractedText) -> str:
    first = next((line.strip() for line in extracted.text.splitlines() if line.strip()), "")
    return extracted.title if extracted.title and len(extracted.title) > 8 else first[:200]


class _Draft:
    def __init__(self, extracted: ExtractedText, sentences: list[Sentence], people: list[Person], places: list[Place]):
        self.extracted, self.text, self.sentences = extracted, extracted.text, sentences
        self.persons, self.sites = people, places
        self.ids: set[str] = set()
        self.person_ids = {id(p): self.new_id(slug(p.name)) for p in people}
        self.place_ids = {id(p): self.new_id(slug(p.name)) for p in places}
        self.vocab = vocabulary()
        self._mention_index: dict[int, dict] = {}

    def new_id(self, wanted: str) -> str:
        found, n = wanted, 1
        while found in self.ids:
            n += 1
            found = f"{wanted}-{n}"
        self.ids.add(found)
        return found

    def evidence(self, start: int, end: int) -> dict:
        return {"quote": self.text[start:end], "document": DOCUMENT, "start": start, "end": end,
                "page": self.extracted.page_of(start)}

    @staticmethod
    def proposed(item: dict, confidence: float, evidence: dict) -> dict:
        return {**item, "status": "proposed", "confidence": round(confidence, 2), "evidence": evidence}

    # -- the review ------------------------------------------------------------------------------
    def review(self, title: str, review_id: str | None) -> dict:
        head = self.text[:3000]
        kind = next((code for code, words in KIND if words.search(head)), "not-stated")
        review = {"id": review_id or slug(title), "title": title or self.extracted.path.stem, "kind": kind}
        published = PUBLISHED.search(head)
        dates = dates_in(published.group("date")) if published else []
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", head)]
        if dates:
            review["published"] = dates[0].what
            review["year"] = int(re.search(r"(?:19|20)\d\d", dates[0].what).group())
        else:
            review["year"] = max(years) if years else 2000
        if match := PARTNERSHIP.search(head):
            review["partnership"] = match.group().strip()
        if title in self.text:
            start = self.text.index(title)
            return self.proposed(review, 0.7 if kind != "not-stated" else 0.4, self.evidence(start, start + len(title)))
        return self.proposed(review, 0.4, self.evidence(0, min(len(self.text), 80)))

    def review_harms(self, incidents: list[dict]) -> list[str]:
        """What the review is about: the harms its opening asserts ("commissioned after Child Q was
        sexually exploited"), else the harms of most of its incidents; not every harm an incident names."""
        opening = self.sentences[:max(8, len(self.sentences) // 8)]
        stated = {t.code for s in opening if s.asserted for _, t in s.terms_of("harm-type")}
        if stated:
            return sorted(stated)
        counts: dict[str, int] = {}
        for incident in incidents:
            for code in incident["harm_types"]:
                counts[code] = counts.get(code, 0) + 1
        top = max(counts.values(), default=0)
        return sorted(code for code, n in counts.items() if n * 3 >= top)

    def authors(self, review: dict) -> list[dict]:
        """The review's named authors ("Independent reviewer: Jane Smith") as people of role reviewer."""
        found = []
        for match in AUTHOR.finditer(self.text[:5000]):
            for name in re.finditer(r"\b(?:Dr |Professor )?[A-Z][a-z]+(?: [A-Z]\.)?(?: [A-Z][a-z'’-]+){1,2}\b",
                                    match.group("who")):
                start = match.start("who") + name.start()
                item = {"id": self.new_id(slug(name.group())), "role": "reviewer", "name": name.group()}
                found.append(self.proposed(item, 0.7, self.evidence(start, start + len(name.group()))))
        if found:
            review["authors"] = [item["id"] for item in found]
        return found

    # -- people and places -----------------------------------------------------------------------
    def people(self) -> list[dict]:
        found = []
        by_name = {p.name: self.person_ids[id(p)] for p in self.persons}
        for person in self.persons:
            item = {"id": self.person_ids[id(person)], "role": person.role, "name": person.name}
            if person.gender:
                item["gender"] = person.gender
            if person.age is not None and person.role != "professional":
                item["age"] = person.age
                if person.age_at:
                    item["age_at"] = person.age_at
            if person.relation:
                item["relation"] = person.relation
                if person.relative_of in by_name and by_name[person.relative_of] != item["id"]:
                    item["relative_of"] = by_name[person.relative_of]
            if person.role in ("young-person", "peer"):
                item.update(self._said_of(person))
            start, end = person.age_evidence if "age" in item and person.age_evidence else person.first
            found.append(self.proposed(item, person.confidence, self.evidence(start, end)))
        return found

    def _said_of(self, person: Person) -> dict:
        """Looked-after status, ethnicity as worded and outcome, from asserted sentences that name the
        person first ("Child Q, who is of White British heritage, became looked after in 2018")."""
        said: dict = {}
        for sentence in self.sentences:
            named = self._in(sentence, self.persons)
            if not named or named[0][1] is not person or not sentence.asserted:
                continue
            if sentence.terms_of("person") and "looked_after" not in said:
                said["looked_after"] = True
            for found, term in sentence.terms_of("ethnicity"):
                if found.text[:1].isupper() and "ethnicity" not in said:
                    said["ethnicity"], said["ethnicity_code"] = found.text, term.code
            for found, term in sentence.terms_of("outcome-kind"):
                if "outcome" not in said:
                    outcome = {"kind": term.code}
                    if sentence.dates:
                        outcome["when"] = sentence.dates[0].what
                    harms = sorted({t.code for _, t in sentence.terms_of("harm-type")})
                    if harms:
                        outcome["harm_types"] = harms
                    outcome["evidence"] = self.evidence(sentence.start, sentence.end)
                    said["outcome"] = outcome
        return said

    def places(self) -> list[dict]:
        found = []
        for place in self.sites:
            item = {"id": self.place_ids[id(place)], "kind": place.kind, "name": place.name}
            if place.platform:
                item["platform"] = place.platform
            found.append(self.proposed(item, place.confidence, self.evidence(*place.first)))
        return found

    def _in(self, sentence: Sentence, things) -> list[tuple[int, object]]:
        """(offset, thing) of each person or place mentioned in the sentence, in order."""
        return self._mentions(things).get(sentence.start, [])

    def _mentions(self, things) -> dict[int, list[tuple[int, object]]]:
        """Each sentence's mentions of these people (or places), by the sentence's start: worked out
        once, as every sentence asks (a 100-page review has thousands of both)."""
        key = id(things)
        if key not in self._mention_index:
            starts = [s.start for s in self.sentences]
            index: dict[int, list[tuple[int, object]]] = {}
            for thing in things:
                for start, end in thing.mentions:
                    n = bisect.bisect_right(starts, start) - 1
                    if n >= 0 and end <= self.sentences[n].end:
                        index.setdefault(starts[n], []).append((start, thing))
            for found in index.values():
                found.sort(key=lambda pair: pair[0])
            self._mention_index[key] = index
        return self._mention_index[key]

    # -- incidents and responses -----------------------------------------------------------------
    def incidents(self) -> list[dict]:
        found, last_young = [], None
        for sentence in self.sentences:
            mentioned = [(start, p) for start, p in self._in(sentence, self.persons)
                         if p.role != "professional"]
            for _, person in mentioned:
                if person.role == "young-person":
                    last_young = person
            harms = [(f, t) for f, t in sentence.terms_of("harm-type")]
            if not harms or not sentence.asserted or ABOUT_THE_REVIEW.search(sentence.text):
                continue
            at = harms[0][0].start
            by = re.search(r"\b(?:by|from)\b", self.text[at:sentence.end])
            split_at = at + by.start() if by else sentence.end
            victims = list(dict.fromkeys(p for start, p in mentioned if start < at))
            if not victims:  # "intimate images of Holly were shared by ...": the harmed come after the harm
                victims = list(dict.fromkeys(p for start, p in mentioned if at <= start < split_at))
            perpetrators = list(dict.fromkeys(p for start, p in mentioned if start >= split_at))
            if not victims and re.match(r"\s*(She|He|They)\b", sentence.text) and last_young:
                victims = [last_young]
            victims = [p for p in victims if p not in perpetrators]
            if not victims:
                continue
            item = {"id": self.new_id("inc-1" if not found else f"inc-{len(found) + 1}"),
                    "harm_types": sorted({t.code for _, t in harms}),
                    "victims": [self.person_ids[id(p)] for p in victims]}
            if perpetrators:
                item["perpetrators"] = [self.person_ids[id(p)] for p in perpetrators]
            places = list(dict.fromkeys(p for _, p in self._in(sentence, self.sites)))
            if places:
                item["places"] = [self.place_ids[id(p)] for p in places]
            if sentence.dates:
                item["when"] = sentence.dates[0].what
            confidence = 0.5 + 0.15 * bool(perpetrators) + 0.15 * bool(sentence.dates) + 0.1 * (not sentence.negated)
            found.append(self.proposed(item, min(confidence, 0.9), self.evidence(sentence.start, sentence.end)))
        return found

    def responses(self) -> list[dict]:
        found = []
        for sentence in self.sentences:
            kinds = list(dict.fromkeys(t.code for _, t in sentence.terms_of("response-kind")))
            if not kinds or not sentence.asserted:
                continue
            agencies = [t.code for _, t in sentence.terms_of("agency")]
            young = [self.person_ids[id(p)] for _, p in self._in(sentence, self.persons)
                     if p.role == "young-person"]
            for kind in kinds:
                item = {"id": self.new_id(f"resp-{len(found) + 1}"), "agency": agencies[0] if agencies else "not-stated",
                        "kind": kind, "target": "family" if FAMILY_TARGET.search(sentence.text) else "individual"}
                if young:
                    item["targets"] = list(dict.fromkeys(young))
                if sentence.dates:
                    item["when"] = sentence.dates[0].what
                if kind == "case-closure":
                    reasons = [t.code for _, t in sentence.terms_of("closure-reason")]
                    item["closure_reason"] = reasons[0] if reasons else "not-stated"
                found.append(self.proposed(item, 0.6 + 0.2 * bool(agencies), self.evidence(sentence.start, sentence.end)))
        return found

    def recommendations(self) -> list[dict]:
        found = []
        heading = re.search(r"(?im)^\s*(?:\d+\.?\s*)?(recommendations|learning points|learning)\s*$", self.text)
        ends = {offset: offset + len(unit) for offset, unit in units(self.text)}
        starts = sorted(ends)
        for match in RECOMMENDATION.finditer(self.text):
            numbered = match.group("a") or match.group("b") or match.group("c")
            under_heading = heading and match.start() > heading.start()
            if not numbered and not under_heading and not SHOULD.search(match.group("text")):
                continue  # a bare "1." is a recommendation under a Recommendations heading, or when it asks
            unit = starts[bisect.bisect_right(starts, match.start("text")) - 1] if starts else None
            end = max(match.end(), ends[unit]) if unit is not None else match.end()  # its wrapped lines too
            words = " ".join(self.text[match.start("text"):end].split())
            level = match.group("level") or ("national" if NATIONAL.search(words) else "local")
            item = {"id": self.new_id(f"rec-{len(found) + 1}"), "level": level, "text": words}
            themes = sorted({t.code for s in self._sentences_in(match.start(), match.end())
                             for _, t in s.terms_of("recommendation-theme")})
            if themes:
                item["themes"] = themes
            start = match.start() + len(match.group()) - len(match.group().lstrip())
            found.append(self.proposed(item, 0.8 if numbered else 0.6, self.evidence(start, end)))
        return found

    def _sentences_in(self, start: int, end: int) -> list[Sentence]:
        return [s for s in self.sentences if start <= s.start and s.end <= end]

    # -- sentence-level coding ----------------------------------------------------------------------
    def sentence_codes(self) -> tuple[list[dict], list[dict]]:
        codes: dict[str, dict] = {}
        excerpts = []
        for sentence in self.sentences:
            found = self._codes_of(sentence)
            if not found:
                continue
            for code_id, name, stands_for in found:
                entry = {"id": code_id, "name": name}
                if stands_for:
                    entry["stands_for"] = stands_for
                codes.setdefault(code_id, entry)
            excerpt = {"id": self.new_id(f"sentence-{len(excerpts) + 1}"), "document": DOCUMENT,
                       "start": sentence.start, "end": sentence.end, "quote": sentence.text,
                       "codings": [{"code": code_id, "by": "casegraph draft"} for code_id, _, _ in found],
                       "status": "proposed", "confidence": 0.6}
            excerpts.append(excerpt)
        return sorted(codes.values(), key=lambda c: c["id"]), excerpts

    def _codes_of(self, sentence: Sentence) -> list[tuple[str, str, str]]:
        found = []
        if sentence.asserted:
            flags = {t.code for _, t in sentence.terms_of("flag")}
            if any(t.code in EXPLOITATION for _, t in sentence.terms_of("harm-type")):
                flags.add("exploitation")
            found += [(f"flag-{flag}", FLAGS[flag], "") for flag in sorted(flags)]
        if sentence.hypothetical:
            return found
        contexts = {t.code for _, t in sentence.terms_of("context-type")}
        contexts |= {"online-space" for _, t in sentence.terms_of("Place") if t.code == "online-space"}
        dynamics = []
        if SAFETY_WORDS.search(sentence.text):
            dynamics.append(("safety", self.vocab.safety_coding))
        elif HARM_WORDS.search(sentence.text):
            dynamics.append(("harm", self.vocab.harm_coding))
        for dynamic, mapping in dynamics:
            for context in sorted(contexts):
                framework = mapping.get(self.vocab.schemes["context-type"].get(context, ""), "")
                if framework:
                    code = framework.rsplit("/", 1)[-1]
                    name = f"{self.vocab.label(framework)} (context of {dynamic})"  # "Peers" alone is both
                    found.append((f"framework-{code}", name, f"framework/{code}"))
        for _, term in sentence.terms_of("framework"):
            if term.hidden or len(term.phrase.split()) > 3:
                found.append((f"framework-{term.code}", self.vocab.label(self.vocab.schemes["framework"][term.code]),
                              f"framework/{term.code}"))
        return list(dict.fromkeys(found))

