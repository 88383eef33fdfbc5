"""Synthetic reviews written out as narrative documents, with the ground truth of every fact.

`write_narrative` tells one review file's data as a published review would: a title page, an
introduction, key people, background, key episodes (the incidents), professional responses,
findings (the coded contexts and the review's framework codes) and numbered recommendations,
pages separated by a form feed at section boundaries. Each review is written in one of the
phrasing families of `casegraph.synthetic.phrasing`; `HELD_OUT` is kept for measuring only.

The truth: every mention of a person or place; each incident, response, case closure and
recommendation with the span of its sentence; every sentence (headings and title-page lines too)
with its framework codes and flags: `exploitation` (a young person of the review was sexually or
criminally exploited), `missing`, `send`, `exclusion`. Distractors (negations, hypotheticals,
others' histories) are `asserted: false` and state no fact. Groups, relationships and challenges
are not told. Offsets are Python string indices.
"""
from __future__ import annotations

import json
import math
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml

from casegraph.synthetic.phrasing import (AGENCY, ALIAS, APPROACH, AUTHOR, BORN, CLOSURE, CONTEXT, CONTEXT_FRAME,
                                          EXCLUSION, EXPLOITATION, FAMILIES, FILLER, HARM, HARM_NOUN, HELD_OUT, INTRO,
                                          KIND, NOUN, PRONOUNS, PUBLISHED, REC_ALT, REC_FRAME, REC_HEADINGS, RESPONSE,
                                          ROLE, SECTIONS, STAY, TITLES, age_core, age_phrase, date_key,
                                          date_phrase, distractor_plan, latin1)
from casegraph.synthetic.tables import MONTHS

__all__ = ["FAMILIES", "HELD_OUT", "Narrative", "write_narrative", "write_narratives"]

PAGE_CHARS, PAGE_BREAK_AT, PAGE_LINES, LINE_CHARS = 4000, 3000, 56, 95  # A4, 10 pt Helvetica


@dataclass(frozen=True)
class Narrative:
    review_id: str
    family: str
    text: str  # the document's full plain text; pages separated by "\f"
    truth: dict  # JSON-serialisable ground truth (see the module docstring)


class _Sentence:
    def __init__(self, segs: list, asserted: bool = True, codes=(), flags=()):
        first = next((k for k, (text, _) in enumerate(segs) if text), None)
        if first is not None and segs[first][1] is None:  # capitalise a leading plain word
            segs[first] = (segs[first][0][0].upper() + segs[first][0][1:], None)
        self.segs, self.asserted, self.codes, self.flags = segs, asserted, list(codes), list(flags)
        self.span = (0, 0)

    def __len__(self) -> int:
        return sum(len(text) for text, _ in self.segs)


def _seq(items: list) -> list:
    """Segment lists joined "A, B and C"."""
    joins = [[]] + [[(", ", None)]] * (len(items) - 2) + [[(" and ", None)]]
    return [seg for join, segs in zip(joins, items) for seg in join + segs]


class _Narrator:
    def __init__(self, doc: dict, rng: random.Random, family: str):
        self.doc, self.rng, self.family, self.i = doc, rng, family, FAMILIES.index(family)
        self.people = {p["id"]: p for p in doc.get("people", [])}
        self.places = {p["id"]: p for p in doc.get("places", [])}
        self.seen, self.stated = Counter(), {}  # mentions so far; person id -> facts stated
        self.short = self.short_forms()
        self.items: list[tuple[str, dict, _Sentence]] = []
        self.subjects = [pid for pid, p in self.people.items() if p["role"] == "young-person"]

    def pick(self, options: tuple):
        return options[self.i]

    def short_forms(self) -> dict:
        forms = {}
        for pid, p in self.people.items():
            parts = str(p.get("name", pid)).split(" ")
            if p["role"] != "unconnected-adult" or len(parts) != 2 or parts[0] in TITLES or parts[1].isdigit():
                continue
            title = {"male": "Mr", "female": "Ms"}.get(p.get("gender"))
            form = (f"{title} {parts[1]}" if title else "", "", "" if parts[0].endswith(".") else parts[0],
                    parts[1])[self.i]
            if form:
                forms[pid] = form
        counts = Counter(forms.values()) + Counter(str(p.get("name", pid)) for pid, p in self.people.items())
        return {pid: form for pid, form in forms.items() if counts[form] == 1}

    def pronoun(self, pid: str, case: int = 0) -> str:
        return PRONOUNS.get(self.people[pid].get("gender"), ("they", "them", "their"))[case]

    def be(self, pid: str) -> str:
        return "were" if self.pronoun(pid) == "they" else "was"

    def name(self, rid: str) -> list:
        if rid in self.people:
            full = str(self.people[rid].get("name", rid))
            self.seen[rid] += 1
            return [(self.short.get(rid, full) if self.seen[rid] > 1 else full, ("person", rid))]
        if rid in self.places:
            return [(str(self.places[rid].get("name", rid)), ("place", rid))]
        return [("the group involved", None)]

    def names(self, ids) -> list:
        return _seq([self.name(rid) for rid in ids])

    def fill(self, template: str, **slots) -> list:
        segs, rest = [], template
        while "{" in rest:
            head, _, rest = rest.partition("{")
            key, _, rest = rest.partition("}")
            value = slots[key]
            segs += ([(head, None)] if head else []) + (value if isinstance(value, list) else [(value, None)])
        return [seg for seg in segs + [(rest, None)] if seg[0]]

    def dated(self, clause: list, when) -> tuple[list, str]:
        """The clause with its date where the family puts it; returns (segments, the date as written)."""
        if when is None or when == "":
            return clause + [(".", None)], ""
        prep, core = date_phrase(when, self.family)
        if self.i == 1:  # chronology entries lead with the date as it is
            return [(core, ("when",)), (": ", None)] + clause + [(".", None)], core
        if self.i == 0 or (self.i == 3 and self.rng.random() < 0.6):
            lead = f"{prep}{core}"
            lead = lead[0].upper() + lead[1:]
            return [(lead, ("when",)), (", " if self.i == 0 else " ", None)] + clause + [(".", None)], \
                lead[len(prep):]
        return clause + [(f"{',' if core.startswith('aged') else ''} {prep}{core}.", None)], core

    def title_page(self) -> list:
        review, i = self.doc["review"], self.i
        title = _Sentence(self.fill("{K}: {Y}", K=self.pick(KIND[review.get("kind", "scr")]),
                                    Y=self.names(self.subjects[:2])))
        published = review.get("published")
        if published is None and self.rng.random() < 0.8:
            published = f"{self.rng.choice(MONTHS)} {review['year']}"
        published = date_phrase(published, self.family)[1] if published else None
        lines = [title] + [_Sentence([(line, None)]) for line in (
            str(review.get("partnership", "")), PUBLISHED[i].format(d=published or review["year"]), AUTHOR[i],
            f"Synthetic data: not a real case ({review['id']})")]
        self.review = {"title": "".join(t for t, _ in title.segs), "kind": review.get("kind"), "year": review["year"],
                       "partnership": review.get("partnership"), "harm_types": list(review.get("harm_types", [])),
                       "published": published}
        return [("lines", lines)]

    def introduction(self) -> list:
        harms = self.doc["review"].get("harm_types", [])
        words = [[(self.pick(HARM_NOUN.get(h, (h.replace("-", " "),) * 4)), None)] for h in harms]
        flags = ["exploitation"] if set(harms) & set(EXPLOITATION) else []
        first = _Sentence(self.fill(self.pick(INTRO), P=str(self.doc["review"].get("partnership", "the partnership")),
                                    H=_seq(words), Y=self.names(self.subjects)), flags=flags)
        return [("para", [first] + [_Sentence([(text, None)]) for text in self.pick(FILLER)])]

    def person_line(self, pid: str) -> _Sentence:
        p, i, facts = self.people[pid], self.i, self.stated.setdefault(pid, {})
        role, gender, subj, was = p["role"], p.get("gender"), self.pronoun(pid), self.be(pid)
        noun, pair = NOUN.get(role, {}).get(gender, ""), f"{subj}/{self.pronoun(pid, 1)}"
        parts = [[(ROLE[role][i].format(a=AGENCY.get(p.get("agency"), ("an agency", "agency") * 2)[i]), None)]]
        if gender:
            facts["gender"] = gender
            plain = f"{subj} {'are' if subj == 'they' else 'is'} a {noun}" if noun else f"referred to as {subj}"
            parts.append([((f"a {noun}" if noun else pair, gender, plain, pair)[i], None)])
        if "age" in p:
            at = date_phrase(p["age_at"], self.family)[1] if p.get("age_at") else ""
            before, after = age_phrase(p["age"], at, self.family, subj)
            core = age_core(p["age"])
            parts.append([((f"{subj} {was} " if i == 2 else "") + before + core + after, None)])
            facts.update(age=int(core) if core.isdigit() else core, age_at=at or None)
        if p.get("born"):
            facts["born"] = date_phrase(p["born"], self.family)[1]
            parts.append([(BORN[i].format(s=f"{subj} {was}") + facts["born"], None)])
        if p.get("aliases"):
            facts["aliases"] = [str(p["aliases"][0])]
            parts.append([(ALIAS[i], None), (facts["aliases"][0], ("person", pid)), ("'", None)])
        segs = self.name(pid) + [((" – ", " | ", " – ", " – ")[i], None)]
        for k, part in enumerate(parts):
            segs += ([((", ", " | ", "; ", "; ")[i], None)] if k else []) + part
        return _Sentence(segs + ([(".", None)] if i != 1 else []))

    def key_people(self) -> list:
        order = {"young-person": 0, "family-member": 1, "peer": 2, "unconnected-adult": 3, "professional": 4}
        ids = sorted(self.people, key=lambda pid: order.get(self.people[pid]["role"], 5))
        lines = [self.person_line(pid) for pid in ids if self.people[pid]["role"] in order]
        return [("lines", lines[k:k + 8]) for k in range(0, len(lines), 8)]

    def stays(self, value) -> list:
        ids = [v.get("place") if isinstance(v, dict) else v for v in (value if isinstance(value, list) else [value])]
        return [rid for rid in ids if rid in self.places]

    def background(self) -> list:
        paras = []
        for pid in self.subjects:
            p, sent, subj = self.people[pid], [], self.pronoun(pid)
            for key in ("attends", "lives_at", "frequents"):
                places = self.stays(p.get(key))
                if places:
                    who = self.name(pid) if not sent else [(subj, None)]
                    verb = [(f" {STAY[key][self.i]} ", None)]
                    sent.append(_Sentence(who + verb + self.names(places) + [(".", None)]))
            sent += self.history(pid)
            if sent:
                paras.append(("para", sent))
        return paras

    def history(self, pid: str) -> list:
        """A young person's SEND, missing episodes and exclusions, as the review file records them."""
        p, out, facts = self.people[pid], [], self.stated.setdefault(pid, {})
        if p.get("send"):
            words = " had special educational needs (SEND)" + (" and an EHCP" if p.get("ehcp") else "")
            out.append(_Sentence(self.name(pid) + [(words + ".", None)], flags=["send"]))
            facts.update(send=True, **({"ehcp": True} if p.get("ehcp") else {}))
        for ep in p.get("missing_episodes") or []:
            count = int(ep.get("count", 1))
            segs, when = self.dated(self.name(pid) + [(" went missing from home" + (f" {count} times" if count > 1
                                                                                   else ""), None)], ep.get("when"))
            out.append(_Sentence(segs, flags=["missing"]))
            facts.setdefault("missing_episodes", []).append({"count": count, "when": when or None})
        for ex in p.get("exclusions") or []:
            kind = ex.get("kind", "not-stated")
            at = [(" from ", None)] + self.name(ex["place"]) if ex.get("place") in self.places else []
            segs, when = self.dated(self.name(pid) + [(EXCLUSION.get(kind, EXCLUSION["not-stated"]), None)] + at,
                                    ex.get("when"))
            out.append(_Sentence(segs, flags=["exclusion"]))
            facts.setdefault("exclusions", []).append({"kind": kind, "when": when or None})
        return out

    def incident(self, inc: dict) -> _Sentence:
        victims = [v for v in inc.get("victims", []) if v in self.people]
        perps = [v for v in inc.get("perpetrators", []) if v in self.people]
        code = (inc.get("harm_types") or ["not-stated"])[0]
        template = self.pick(HARM.get(code, ("{V} {be} harmed (" + code.replace("-", " ") + "){by}",) * 4))
        by = [(" by ", None)] + self.names(perps) if perps and "{by}" in template else []
        frm = [(" from ", None)] + self.names(perps) if perps and "{from}" in template else []
        many = len(victims) > 1
        clause = self.fill(template, V=self.names(victims), be="were" if many else "was",
                           a_victim="victims" if many else "a victim", by=by, **{"from": frm},
                           their=self.pronoun(victims[0], 2) if victims else "their")
        for k, place in enumerate(p for p in inc.get("places", []) if p in self.places):
            online = self.places[place].get("kind") == "online-space"
            clause += [((" and " if k else " ") + (("via " if self.i != 2 else "on ") if online else "at "), None)]
            clause += self.name(place)
        segs, when = self.dated(clause, inc.get("when"))
        sentence = _Sentence(segs, flags=["exploitation"] if code in EXPLOITATION else [])
        self.items.append(("incidents", {"id": inc["id"], "harm_types": list(inc.get("harm_types", [])),
                                         "when": when or None, "victims": victims, "perpetrators": perps}, sentence))
        return sentence

    def response(self, resp: dict) -> _Sentence:
        kind = resp.get("kind", "not-stated")
        groups = {g["id"] for g in self.doc.get("groups", [])}
        targets = [t for t in resp.get("targets", []) if t in self.people or t in self.places or t in groups]
        people, homes = [t for t in targets if t in self.people], [t for t in targets if t in self.places]
        agency = self.pick(AGENCY.get(resp.get("agency"), ("an agency", "Agency", "an agency", "an agency")))
        template = self.pick(RESPONSE.get(kind, ("{A} responded to concerns about {T}",) * 4))
        t_ids = people if kind == "out-of-home-placement" else targets
        clause = self.fill(template, A=agency, T=self.names(t_ids) if t_ids else "the young person",
                           PL=self.names(homes) if homes else "a placement",
                           R=(" " + self.pick(CLOSURE[resp["closure_reason"]])) if resp.get("closure_reason")
                           in CLOSURE else "")
        segs, when = self.dated(clause, resp.get("when"))
        sentence = _Sentence(segs)
        self.items.append(("responses", {"id": resp["id"], "kind": kind, "agency": resp.get("agency"),
                                         "when": when or None}, sentence))
        self.items += [("closures", {"id": resp["id"], "reason": resp.get("closure_reason", "not-stated")},
                        sentence)] if kind == "case-closure" else []
        return sentence

    def context(self, ctx: dict) -> _Sentence:
        young = ctx.get("young_person") if ctx.get("young_person") in self.people else None
        who = [p for p in ctx.get("people", []) if p in self.people]
        where = [p for p in ctx.get("places", []) if p in self.places]
        detail = []
        if who or where:
            detail = [((" – notably ", " – ", ", especially ", ", in particular ")[self.i], None)]
            detail += self.names(who) + ([(" at " if who else "", None)] + self.names(where) if where else [])
        frame = self.pick(CONTEXT_FRAME[ctx["dynamic"]])
        segs = self.fill(frame, C=self.pick(CONTEXT.get(ctx["context"], ("another context",) * 4)),
                         Y=self.names([young]) if young else "the young people", D=detail)
        return _Sentence(segs, codes=[f"{ctx['dynamic']}-{ctx['context']}"])

    def recommendations(self) -> list:
        blocks, number = [], 0
        for k, level in enumerate(("local", "national")):
            recs = [r for r in self.doc.get("recommendations", []) if r.get("level") == level]
            heading = REC_HEADINGS[self.i][k]
            lines = [_Sentence([(heading, None)])] if heading and recs else []
            for rec in recs:
                number, theme = number + 1, (rec.get("themes") or ["other-theme"])[0]
                text = rec["text"] if self.i in (0, 1) or theme not in REC_ALT else REC_ALT[theme][self.i - 2][k]
                lines.append(_Sentence([(REC_FRAME[self.i].format(n=number, level=level, text=text), None)]))
                self.items.append(("recommendations", {"id": rec["id"], "number": number, "level": level,
                                                       "theme": theme}, lines[-1]))
            blocks += [("lines", lines[j:j + 7]) for j in range(0, len(lines), 7)]
        return blocks

    def distractors(self) -> list:
        """Sentences that must not become facts: negations, hypotheticals, others' histories."""
        return [_Sentence(self.fill(template, **{k: self.names([v[1]]) if isinstance(v, tuple) else v
                                                 for k, v in slots.items()}), asserted=False)
                for template, slots in distractor_plan(self.doc, self.rng, self.family)]

    def sections(self) -> list:
        heads, i = SECTIONS[self.i], self.i
        by_line = "lines" if i == 1 else "para"
        title, intro, people, background = self.title_page(), self.introduction(), self.key_people(), self.background()
        told = sorted(self.doc.get("incidents", []), key=lambda inc: date_key(inc.get("when", "")))
        incidents = [self.incident(inc) for inc in told]
        responses = [self.response(r) for r in self.doc.get("responses", [])]
        findings = [self.context(c) for c in self.doc.get("contexts", [])]
        findings += [_Sentence([(self.pick(APPROACH[c]), None)], codes=[c])
                     for c in self.doc["review"].get("codes", []) if c in APPROACH]
        chunk = 6 if by_line == "lines" else 3
        groups = [[(by_line, s[k:k + chunk]) for k in range(0, len(s), chunk)]
                  for s in (incidents, responses, findings)]
        body = [intro, people, background, *groups]
        options = [blocks for k, blocks in enumerate(body) if k in (2, 3, 5) and blocks]
        for sentence in self.distractors() if options else []:  # into background, episodes or findings
            _, sentences = self.rng.choice(self.rng.choice(options))
            slots = [k for k in range(len(sentences) + 1) if k == len(sentences) or sentences[k].segs[0][1]
                     or sentences[k].segs[0][0][:1].isdigit()]
            sentences.insert(self.rng.choice(slots), sentence)
        sections = [(head, blocks) for head, blocks in zip(heads, body + [self.recommendations()]) if blocks]
        return [(None, title)] + sections


def _size(blocks: list) -> tuple[int, int]:
    """(characters, printed lines) of blocks; a heading is one line and a blank."""
    chars = lines = 0
    for kind, content in blocks:
        parts = [len(content)] if kind == "heading" else [len(s) + 1 for s in content]
        chars += sum(parts) + 2
        lines += sum(math.ceil(n / LINE_CHARS) for n in (parts if kind != "para" else [sum(parts)])) + 1
    return chars, lines


def _paginate(sections: list) -> list[list]:
    """Pages of blocks: a new page at a section boundary once a page is full enough, and between
    blocks when a section would overflow the page."""
    pages: list[list] = []
    for number, (head, blocks) in enumerate(sections):
        heading = [("heading", _Sentence([(head, None)]))] if head else []
        chars, lines = _size(pages[-1] + heading + blocks[:1]) if pages else (0, 0)
        if number < 2 or chars - _size(heading + blocks[:1])[0] >= PAGE_BREAK_AT or chars > PAGE_CHARS \
                or lines > PAGE_LINES:
            pages.append([])
        pages[-1] += heading
        for block in blocks:
            chars, lines = _size(pages[-1] + [block])
            if pages[-1] and (chars > PAGE_CHARS or lines > PAGE_LINES):
                pages.append([("heading", _Sentence([(f"{head} (continued)", None)]))] if head else [])
            pages[-1].append(block)
    return pages


def write_narrative(doc: dict, rng: random.Random, family: str) -> Narrative:
    """One review file's data (as yaml.safe_load gives it) as a narrative document with its truth."""
    if family not in FAMILIES:
        raise ValueError(f"unknown phrasing family {family!r}; expected one of {', '.join(FAMILIES)}")
    narrator = _Narrator(doc, rng, family)
    pages = _paginate(narrator.sections())
    parts, sentences, mentions, pos = [], [], {}, 0
    for p, page in enumerate(pages):
        for b, (kind, content) in enumerate(page):
            for s, sentence in enumerate([content] if kind == "heading" else content):
                parts.append(("\n" if kind == "lines" else " ") if s else "\n\n" if b else "\f" if p else "")
                start = pos = pos + len(parts[-1])
                for text, ref in sentence.segs:
                    if ref and ref[0] != "when":
                        mentions.setdefault(ref, []).append([pos, pos + len(text)])
                    parts.append(text)
                    pos += len(text)
                sentence.span = (start, pos)
                sentences.append(sentence)
    text = "".join(parts)
    for ref, spans in list(mentions.items()):  # "Tia's father", "Kayla's family home" also mention Tia, Kayla
        for pid, person in narrator.people.items():
            owner = str(person.get("name", pid)) + "'s "
            if ref != ("person", pid):
                nested = [[s, s + len(owner) - 3] for s, e in spans if text[s:e].startswith(owner)]
                mentions.setdefault(("person", pid), []).extend(nested) if nested else None
    people = [{"id": pid, "name": str(person.get("name", pid)), "role": person["role"],
               **{k: narrator.stated.get(pid, {}).get(k) for k in ("gender", "age", "age_at")},
               **{k: v for k, v in narrator.stated.get(pid, {}).items() if k not in ("gender", "age", "age_at")},
               "mentions": sorted(mentions[("person", pid)])}
              for pid, person in narrator.people.items() if ("person", pid) in mentions]
    places = [{"id": rid, "name": str(place.get("name", rid)), "kind": place.get("kind"),
               "mentions": sorted(mentions[("place", rid)])}
              for rid, place in narrator.places.items() if ("place", rid) in mentions]
    truth = {"review_id": doc["review"]["id"], "family": family, "held_out": family == HELD_OUT,
             "review": narrator.review, "people": people, "places": places}
    for list_name in ("incidents", "responses", "closures", "recommendations"):
        found = [{**fields, "span": list(s.span)} for name, fields, s in narrator.items if name == list_name]
        truth.update({list_name: found} if found or list_name != "closures" else {})
    truth["sentences"] = [{"span": list(s.span), "codes": s.codes if s.asserted else [],
                           "flags": s.flags if s.asserted else [], "asserted": s.asserted} for s in sentences]
    return Narrative(doc["review"]["id"], family, text, truth)


def _write_pdf(narrative: Narrative, path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(datetime(2020, 1, 1, tzinfo=timezone.utc))
    pdf.set_title(latin1(narrative.truth["review"]["title"]))
    pdf.set_margins(15, 15, 15)
    for page in narrative.text.split("\f"):
        pdf.add_page()
        body = latin1(page)
        for size in (10, 9, 8, 7, 6, 5):  # a page that would overflow is set smaller, never split
            pdf.set_font("Helvetica", size=size)
            lines = pdf.multi_cell(0, size * 0.45, body, dry_run=True, output="LINES", align="L")
            if len(lines) * size * 0.45 <= pdf.h - 30:
                break
        pdf.multi_cell(0, size * 0.45, body, align="L")
    pdf.output(str(path))


def write_narratives(review_paths, out_dir: Path, seed: int, pdf: bool = True) -> list[Path]:
    """Each review file as `<review_id>.txt`, `.truth.json` and (with `pdf`) `.pdf` under `out_dir`.

    Families go round-robin from a seeded start, so every family (`HELD_OUT` included) appears once
    there are as many reviews as families. The same seed gives byte-identical files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    start, written = random.Random(seed).randrange(len(FAMILIES)), []
    for k, review_path in enumerate(review_paths):
        with Path(review_path).open(encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        review_id = doc["review"]["id"]
        family = FAMILIES[(start + k) % len(FAMILIES)]
        narrative = write_narrative(doc, random.Random(f"{seed}:{review_id}:{family}"), family)
        text_path, truth_path = out_dir / f"{review_id}.txt", out_dir / f"{review_id}.truth.json"
        text_path.write_text(narrative.text, encoding="utf-8", newline="")
        truth_path.write_text(json.dumps(narrative.truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written += [text_path, truth_path]
        if pdf:
            _write_pdf(narrative, out_dir / f"{review_id}.pdf")
            written.append(out_dir / f"{review_id}.pdf")
    return written
