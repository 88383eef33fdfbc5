"""The places a review names, each with its kind from the ontology's place kinds.

Reviews name places by a proper name and a head word ("Ashwood Academy", "Kingsway Park",
"Greenfield estate", "Northbridge bus station"), by a pseudonym ("House A", "Address B",
"Flat 2"), by address ("49 Churchmead Close"), by platform ("Snapchat") or by a common noun
with "the" ("the family home", "the park (Kingsway Park)"). The head word's kind comes from the
lexicon, that is, from the place kinds' labels in the ontology.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from casegraph.drafting.sentences import Sentence

PSEUDONYM = re.compile(r"\b(?:House|Address|Flat|Property|Location|Premises)\s(?:[A-Z]|\d{1,2})\b")
ADDRESS = re.compile(r"\b\d{1,4}[A-Za-z]?\s(?:[A-Z][a-z]+\s){1,3}(?:Close|Road|Street|Avenue|Drive|Way|Lane|Court|"
                     r"Gardens|Crescent|Terrace|Place|Grove|Walk|Rise|View|Mews)\b")
# a proper name (one to three capitalised words) before a head word
NAMED = re.compile(r"\b(?:[A-Z][a-z'’]+(?:\s|-)){1,3}(?P<head>[A-Za-z]+(?:\s[a-z]+)?)\b")
PLATFORMS = ("Snapchat", "Instagram", "Facebook", "WhatsApp", "TikTok", "YouTube", "Omegle", "Telegram", "Discord",
             "Twitter", "Kik", "Messenger", "Wizz", "Yubo", "Roblox", "Xbox Live", "PlayStation Network")
PLATFORM = re.compile(r"\b(?:" + "|".join(PLATFORMS) + r")\b(?:\s(?:group chat|account|messages?|profile|group))?")
# head words of named places, by kind (the place kinds' own labels come from the lexicon as well)
HEADS = {
    "school": "Academy|School|College|High School|Grammar School",
    "alternative-provision": "Pupil Referral Unit|PRU|Alternative Provision|Learning Centre",
    "park": "Park|Playing Fields|Recreation Ground|Common|Woods",
    "transport-hub": "bus station|train station|railway station|Station|Interchange|station",
    "bus-stop": "bus stop",
    "estate": "estate|Estate",
    "town-centre": "town centre|city centre|high street|High Street|Shopping Centre|shopping centre",
    "hotspot": "takeaway|Takeaway|kebab shop|chicken shop|shop|Arcade|off licence|Kebab|Pizza|Chicken",
    "street": "Street|Road|Lane|Avenue",
    "youth-service": "youth centre|youth club|Youth Centre|Youth Club",
    "residential-unit": "children's home|residential unit|Children's Home|residential home",
    "supported-housing": "supported housing|supported accommodation|hostel|Hostel",
    "foster-placement": "foster placement|foster home",
    "secure-setting": "secure unit|Secure Unit|YOI|Young Offender Institution",
    "health-service": "Hospital|hospital|Clinic|clinic",
    "private-address": "House|Flat|flat",
}
HEAD = re.compile(r"\b(?:[A-Z][a-z'’]+\s){1,3}(?P<head>" + "|".join(HEADS.values()) + r")\b")
HOME = re.compile(r"\b(?:[A-Z][\w]*(?: [A-Z0-9][\w]*)?)[’']s (?:family )?home\b")
COMMON = re.compile(r"\b(?:the|a|his|her|their)\s(?P<place>family home|park|bus station|train station|town centre|"
                    r"high street|children's home|residential unit|supported housing unit|youth centre|youth club|"
                    r"foster placement|school|estate|station)(?:\s\((?P<named>[^)]{2,60})\))?", re.I)


@dataclass(eq=False)  # one per person found: identity is equality
class Place:
    name: str
    kind: str
    mentions: list[tuple[int, int]] = field(default_factory=list)
    platform: str = ""
    confidence: float = 0.7

    @property
    def first(self) -> tuple[int, int]:
        return min(self.mentions)


def _kind_of(head: str) -> str:
    for kind, words in HEADS.items():
        if re.fullmatch(words, head):
            return kind
    return ""


def find_places(text: str, sentences: list[Sentence]) -> list[Place]:
    """Every place the text names, each once (by name), with every mention."""
    places: dict[str, Place] = {}
    taken: list[tuple[int, int]] = []

    def add(name: str, kind: str, start: int, end: int, confidence: float, platform: str = "") -> None:
        if not kind or any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        key = " ".join(name.split()).casefold()
        place = places.setdefault(key, Place(name, kind, platform=platform, confidence=confidence))
        place.mentions.append((start, end))

    for match in COMMON.finditer(text):  # "the park (Kingsway Park)" is one place, as written
        if match.group("named"):
            kind = _kind_of(match.group("place")) or _kind_of(match.group("place").title()) or "public-space"
            add(match.group().split(" ", 1)[1], "family-home" if "home" in match.group("place") else kind,
                match.start() + len(match.group().split(" ", 1)[0]) + 1, match.end(), 0.8)
    for match in HOME.finditer(text):
        add(match.group(), "family-home", match.start(), match.end(), 0.8)
    for match in PLATFORM.finditer(text):
        add(match.group(), "online-space", match.start(), match.end(), 0.9, platform=match.group().split()[0])
    for match in ADDRESS.finditer(text):
        add(match.group(), "private-address", match.start(), match.end(), 0.85)
    for match in PSEUDONYM.finditer(text):
        add(match.group(), "private-address", match.start(), match.end(), 0.85)
    for match in HEAD.finditer(text):
        words = match.group().split()
        while words and words[0] in ("The", "In", "At", "On", "From", "To", "Near", "By", "During", "After", "Child"):
            words = words[1:]
        if len(words) < 2:
            continue
        name = " ".join(words)
        start = match.end() - len(name)
        add(name, _kind_of(match.group("head")), start, match.end(), 0.75)
    for match in COMMON.finditer(text):
        place = match.group("place").lower()
        if place in ("school", "estate", "station", "park"):
            continue  # "the school" is a reference to one already named, or to none
        kind = "family-home" if place == "family home" else _kind_of(place)
        start = match.start("place") - len("the ")
        add(text[start:match.end("place")], kind, start, match.end("place"), 0.6)
    for place in places.values():
        place.mentions.sort()
    return sorted(places.values(), key=lambda place: place.first)
