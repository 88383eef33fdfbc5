"""The people a review names, found by the names reviews use, with every mention merged.

Published reviews are pseudonymous: "Child Q", "Young Person 3", "YP1", "Mr A", "Adult B",
"Female 1", "Subject", professionals by title and number ("Social Worker 1"); some give first
names ("Liam") or, for adults convicted, full names ("Adil Harper", later "Mr Harper" or "A.
Harper"). A person is proposed from the pseudonym patterns, from a key-people list ("Child Q -
the subject of this review, aged 14"), and from capitalised names that the text uses as people
(followed by "was", "'s", an age, or after "by", "with", "friend"). Roles come from the list's
description, the pseudonym and how incidents use them; gender from titles and pronouns; age from
"aged 14", "a 15-year-old", "(14)", "when she was 13".
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from casegraph.drafting.sentences import MONTH, Sentence

PSEUDONYM = re.compile(
    r"\b(?:(?P<child>Child|Young [Pp]erson|Sibling|Baby)\s(?P<letter>[A-Z]{1,2}\d?|\d{1,3})"
    r"|(?P<yp>YP)\s?(?P<number>\d{1,3}|[A-Z])"
    r"|(?P<adult>Adult|Male|Female|Person|Perpetrator)\s(?P<tag>[A-Z]{1,2}|\d{1,3})"
    r"|(?P<title>Mr|Mrs|Ms|Miss)\.?\s(?P<surname>[A-Z](?:['’][A-Z])?(?:[a-z'’-]*[a-z])?)"
    r"|(?P<pro>(?:Social Worker|Police Officer|School Nurse|Project Worker|Head of Year|Youth Worker|Key Worker|"
    r"Family Support Worker|Personal Adviser|Housing Officer|Teacher|Health Visitor|GP|YOT Worker|"
    r"Detective Constable|Designated Safeguarding Lead|DSL|Practitioner|Manager|Team Manager)\s(?P<pn>\d{1,3}|[A-Z]))"
    r")(?![\w-])")
RELATIVE = re.compile(r"\b(?P<whose>[A-Z][\w]*(?: [A-Z0-9][\w]*)?)[’']s (?P<relation>(?:older |younger |maternal |"
                      r"paternal |step)?(?:mother|father|sister|brother|aunt|uncle|grandmother|grandfather|"
                      r"stepmother|stepfather|mum|dad|cousin|parents|carer|partner))\b")
NAME = re.compile(r"\b(?:[A-Z]\.\s)?[A-Z](?:['’][A-Z])?[a-z]+(?:[-’'][A-Z]?[a-z]+)?"
                  r"(?:\s[A-Z](?:['’][A-Z])?[a-z]+(?:-[A-Z][a-z]+)?)?\b")
PERSON_AFTER = re.compile(r"^(?:[’']s\b|\s(?:was|were|had|has|is|told|said|disclosed|went|attended|lived|"
                          r"became|reported|and (?:his|her|their))\b|\s?\((?:\d{1,2}|aged|age)|,\s(?:aged|then|a\s\d))")
PERSON_BEFORE = re.compile(r"(?:\bby|\bwith|\bfriend|\bfriends|\bboyfriend|\bgirlfriend|\bnamed|\bcalled|\bcousin|"
                           r"\bpartner)\s$")
LOCATIVE = re.compile(r"(?:\bin|\bat|\bnear|\baround|\bvia)\s$")
IN_A_LIST_OF_PEOPLE = re.compile(r"\b(?:by|with|and friends?)\s(?:(?:Mr|Mrs|Ms|Miss)\s)?[A-Z][\w'’.]*(?:\s[A-Z][\w'’]*)?"
                                 r"(?:,\s(?:(?:Mr|Mrs|Ms|Miss)\s)?[A-Z][\w'’.]*(?:\s[A-Z][\w'’]*)?)*,?\s(?:and\s)?$")
AGE = re.compile(rf"(?:\baged\s(?P<a>\d{{1,2}})\b|\b(?:a|an)\s(?P<b>\d{{1,2}})[- ]year[- ]old\b|\((?:aged\s)?(?P<c>\d{{1,2}})\)"
                 rf"|\bwhen (?:she|he|they) was (?P<d>\d{{1,2}})\b|\bthen (?:aged )?(?P<e>\d{{1,2}})\b"
                 rf"|\b(?:she|he|they) was (?P<f>\d{{1,2}}) in (?P<at>{MONTH}\s(?:19|20)\d\d|(?:19|20)\d\d(?:-\d\d)?)"
                 rf"|^\s(?:was|is) (?P<g>\d{{1,2}})\b(?! (?:times|occasions|episodes|months|weeks|days)))")
PRONOUNS = {"female": re.compile(r"\b(she|her|hers|herself|girl|young woman|daughter)\b", re.I),
            "male": re.compile(r"\b(he|him|his|himself|boy|young man|son)\b", re.I)}
NOT_NAMES = frozenset("""The A An This That These Those There Their They She He It In On At By For From Of To And
But Or When Where While After Before During Following Between Over Under Following Although However Professionals
Practitioners Police Children Social Care School Health Housing Education Local Authority Review Serious Case
Recommendation Recommendations Learning Finding Findings Introduction Background Chronology Context Contexts
Analysis Summary Conclusion Published Author Lead Reviewer Independent Key People Who Multi Agency Response
Responses Safeguarding Partnership Board Panel National Government Department Home Office Court Crown Youth
Offending Team Service Services Council City County Borough Academy College Park Station Estate Street Road Centre
House Hotel Unit Mother Father Sister Brother Aunt Uncle Grandmother Child Young Person Adult Mr Mrs Ms Miss Dr
Synthetic Practice Episodes Episode Missing Strategy Section Plan Assessment Referral Meeting Agency Agencies
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Snapchat Instagram Facebook WhatsApp TikTok YouTube
Omegle Telegram Discord Twitter Kik Spring Summer Autumn Winter Early Mid Late Staff Parents Family Families
CAMHS MASH NRM YOT YOS CSE CCE SEND EHCP GP DSL AP PRU Also Then Both Each All Some Most Many One Two Three
Approximately About Around Throughout Since Until Despite Within Without Whilst During Overall Concerns Scope Terms
Methodology Purpose Period Timeline Note Notes Date Dates Name Names Role Roles Gender Age DOB AKA Partnership
Perpetrator Perpetrators Professional Had Has Was Were Victim Victims Subject Subjects""".split())
NOT_NAMES |= frozenset(m.rstrip(".") for m in MONTH.strip("(?:)").split("|") if m.isalpha())
YOUNG_WORDS = re.compile(r"\b(subject|young person at the centre|the child|this review concerns|the young person)\b", re.I)
ROLE_WORDS = [("family-member", re.compile(r"\b(mother|father|sister|brother|aunt|uncle|grand\w+|step\w+|parent|"
                                           r"carer|cousin|family member)\b", re.I)),
              ("professional", re.compile(r"\b(practitioner|social worker|officer|teacher|nurse|worker|manager|"
                                          r"professional|GP|clinician)\b", re.I)),
              ("peer", re.compile(r"\b(peer|friend|boyfriend|girlfriend|classmate|another young person)\b", re.I)),
              ("unconnected-adult", re.compile(r"\b(adult|man|woman|perpetrator|older male|older man|offender)\b", re.I)),
              ("young-person", YOUNG_WORDS)]


@dataclass(eq=False)  # one per person found: identity is equality
class Person:
    name: str
    role: str
    mentions: list[tuple[int, int]] = field(default_factory=list)
    gender: str = ""
    age: int | None = None
    age_at: str = ""
    age_evidence: tuple[int, int] | None = None
    relation: str = ""
    relative_of: str = ""  # the name of whose relative
    confidence: float = 0.6

    @property
    def first(self) -> tuple[int, int]:
        return min(self.mentions)


def find_people(text: str, sentences: list[Sentence], title: str = "") -> list[Person]:
    """Everyone the text names, each once, with every mention, in order of first mention."""
    people: dict[str, Person] = {}

    def add(name: str, role: str, start: int, end: int, confidence: float) -> Person:
        key = _key(name)
        person = people.get(key)
        if person is None:
            person = people[key] = Person(name, role, confidence=confidence)
        elif role and (not person.role or confidence > person.confidence):
            person.role, person.confidence = role, max(confidence, person.confidence)
        if (start, end) not in person.mentions:
            person.mentions.append((start, end))
        return person

    for match in PSEUDONYM.finditer(text):
        name = " ".join(match.group().split())
        role = ("young-person" if match.group("child") or match.group("yp") else
                "professional" if match.group("pro") else "")
        add(name, role, match.start(), match.end(), 0.85)
    for match in RELATIVE.finditer(text):
        if _key(match.group("whose")) in people or match.group("whose").split()[0] not in NOT_NAMES:
            person = add(match.group(), "family-member", match.start(), match.end(), 0.8)
            person.relation, person.relative_of = match.group("relation"), match.group("whose")
    _key_people_lines(text, add)
    _names_used_as_people(text, sentences, people, add)
    _merge_surnames(people)
    starts = [s.start for s in sentences]
    for person in people.values():
        _describe(person, text, sentences, starts)
    _subjects(people, title)
    return sorted((p for p in people.values() if p.role), key=lambda p: p.first)


def _key(name: str) -> str:
    return " ".join(name.replace("’", "'").split()).casefold()


def _key_people_lines(text: str, add) -> None:
    """A list of who is who: "Child Q – the subject of this review", "Tia | subject | female"."""
    for match in re.finditer(r"(?m)^(?P<name>[A-Z][\w’'.]*(?: [A-Z0-9][\w’'.]*){0,3})\s*(?:[–—|:]|\s-\s)\s*"
                             r"(?P<about>[^\n]{3,200})$", text):
        name, about = match.group("name"), match.group("about")
        if name.split()[0] in NOT_NAMES and not PSEUDONYM.fullmatch(name):
            continue
        role = next((role for role, words in ROLE_WORDS if words.search(about[:80])), "")
        if role:
            person = add(name, role, match.start("name"), match.end("name"), 0.9)
            said = re.search(r"\b(female|male|girl|boy|she/her|he/him|non-binary|they/them)\b", about, re.I)
            if said:
                person.gender = {"girl": "female", "boy": "male", "she/her": "female", "he/him": "male",
                                 "they/them": "non-binary"}.get(said.group().lower(), said.group().lower())


def _names_used_as_people(text: str, sentences: list[Sentence], people: dict, add) -> None:
    candidates: Counter = Counter()
    spans: dict[str, list[tuple[int, int]]] = {}
    person_like: Counter = Counter()
    placed: Counter = Counter()
    taken = {start for person in people.values() for start, _ in person.mentions}
    for sentence in sentences:
        for match in NAME.finditer(sentence.text):
            words = match.group().split()
            while words and words[0] in NOT_NAMES:
                words = words[1:]
            while words and words[-1] in NOT_NAMES:
                words = words[:-1]
            if not words or any(w in NOT_NAMES for w in words) or len(words[-1]) < 3:
                continue
            name = " ".join(words)
            start = sentence.start + match.start() + match.group().index(words[0])
            if start in taken:
                continue
            end = start + len(name)
            candidates[name] += 1
            spans.setdefault(name, []).append((start, end))
            after, before = text[end:end + 24], text[max(0, start - 80):start]
            if LOCATIVE.search(before) or after.startswith((" Academy", " School", " Park", " estate", " Road",
                                                             " Street", " Close", " House", " Centre", " College")):
                placed[name] += 1  # "in Fernbury", "Ashwood Academy": a place's name, not a person's
            elif PERSON_AFTER.match(after) or PERSON_BEFORE.search(before) or IN_A_LIST_OF_PEOPLE.search(before):
                person_like[name] += 1
    for name in sorted(name for name in person_like if person_like[name] > placed[name]):
        if any(len(key.split()) == 2 and key.split()[-1] == _key(name) for key in people):  # "Harper" of "Mr Harper"
            continue
        role = "unconnected-adult" if len(name.split()) > 1 else ""
        for start, end in spans[name]:
            add(name, role, start, end, 0.6 if candidates[name] > 1 else 0.45)


def _merge_surnames(people: dict) -> None:
    """"Mr Harper", "A. Harper" and "Harper" are the full name "Adil Harper" they shorten, when only one
    full name in the text has that surname."""
    full = {}
    for key, person in people.items():
        words = person.name.split()
        if len(words) == 2 and words[0][0].isupper() and not words[0].endswith(".") and words[0] not in NOT_NAMES:
            full.setdefault(words[-1], []).append(key)
    given = {}
    for key in [key for keys in full.values() for key in keys]:
        given.setdefault(people[key].name.split()[0], []).append(key)
    for key in list(people):
        person = people[key]
        words = person.name.split()
        surname = words[-1]
        short = len(words) == 1 or words[0] in ("Mr", "Mrs", "Ms", "Miss") or words[0].endswith(".")
        # "Stuart", once "Stuart Harper" is named, is him when no other full name starts so
        by_surname = full.get(surname, ()) if short else ()
        by_given = given.get(words[0], ()) if len(words) == 1 and person.role in ("", "peer", "unconnected-adult") else ()
        matches = [found for found in (by_surname, by_given) if len(found) == 1 and found[0] != key]
        if matches:
            target = people[matches[0][0]]
            target.mentions += person.mentions
            target.role = target.role or person.role
            if words[0] == "Mr":
                target.gender = "male"
            elif words[0] in ("Mrs", "Ms", "Miss"):
                target.gender = "female"
            del people[key]
    for person in people.values():
        person.mentions.sort()


def _describe(person: Person, text: str, sentences: list[Sentence], starts: list[int]) -> None:
    words = person.name.split()
    if words[0] == "Mr":
        person.gender = "male"
    elif words[0] in ("Mrs", "Ms", "Miss"):
        person.gender = "female"
    if not person.role and words[0] in ("Mr", "Mrs", "Ms", "Miss", "Adult", "Male", "Female"):
        person.role = "unconnected-adult"
    votes: Counter = Counter()
    for start, end in person.mentions:
        n = bisect.bisect_right(starts, start) - 1
        if n < 0 or sentences[n].end < start:
            continue
        sentence = sentences[n]
        rest = text[end:sentence.end] + " " + (sentences[n + 1].text[:80] if n + 1 < len(sentences) else "")
        for gender, pronoun in PRONOUNS.items():
            first = pronoun.search(rest[:120])
            if first and not re.search(r"\b[A-Z][a-z]+ [A-Z]\b|\b(?:Child|Young Person|Mr|Ms|Mrs) ", rest[:first.start()]):
                votes[gender] += 1
        if person.age is None:
            age = AGE.search(text[end:min(sentence.end, end + 60)])
            if age:
                person.age = int(next(v for k, v in age.groupdict().items() if v and k != "at"))
                person.age_at = age.group("at") or (sentence.dates[0].what if sentence.dates else "")
                person.age_evidence = (start, end + age.end())
    if not person.gender and votes and (votes.most_common(1)[0][1] >= 2 * (sum(votes.values()) - votes.most_common(1)[0][1])):
        person.gender = votes.most_common(1)[0][0]


def _subjects(people: dict, title: str) -> None:
    """The review's young person: named in the title, else the most mentioned child."""
    named = [p for p in people.values() if p.role in ("young-person", "") and re.search(rf"\b{re.escape(p.name)}\b", title)]
    for person in named:
        person.role = "young-person"
    children = sorted((p for p in people.values() if p.role == "young-person"), key=lambda p: -len(p.mentions))
    subjects = named or children[:1]
    for person in children:
        if person not in subjects and len(person.mentions) < max(3, len(subjects[0].mentions) // 3):
            person.role = "peer"
    for person in people.values():
        if not person.role:
            person.role = "peer" if len(person.name.split()) == 1 else "unconnected-adult"
