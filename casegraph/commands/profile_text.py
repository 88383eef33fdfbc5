"""The profile `casegraph show` prints, as JSON or as text: a header, then People, Groups, Places,
Incidents, Responses, Recommendations and Records. Every value from a review passes through
`printable`, so a name holding a terminal escape sequence is shown, never obeyed; long lists are
cut, with the query that lists them all."""
from __future__ import annotations

import json
import re
import shlex
import textwrap

from casegraph.output import printable

LIMIT = 10  # entries shown per list (per role for people) before "... and N more"
WIDTH = 100
# What lists every entry of a cut section, run on the review's graph alone.
MORE = {
    "people": "SELECT ?person ?name WHERE { ?person a cg:Person ; rdfs:label ?name } ORDER BY ?name",
    "groups": "SELECT ?group ?name WHERE { ?group a cg:Group ; rdfs:label ?name } ORDER BY ?name",
    "places": "SELECT ?place ?name WHERE { ?place a cg:Place ; rdfs:label ?name } ORDER BY ?name",
    "incidents": "SELECT ?incident ?when WHERE { ?incident a cg:Incident "
                 "OPTIONAL { ?incident cg:dateText ?when } OPTIONAL { ?incident cg:dateEarliest ?from } } "
                 "ORDER BY ?from ?incident",
}


def profile_text(profile, store=None) -> str:
    """The profile as lines of text; `store` (the --store given, if any) goes into the hints."""
    p = _Printer(profile, store)
    p.header()
    p.people()
    p.groups()
    p.places()
    p.incidents()
    p.responses()
    p.recommendations()
    p.records()
    loaded = f"Loaded from {printable(profile.loaded_from or 'an unknown source')}"
    if profile.loaded_at:
        loaded += f" at {printable(profile.loaded_at)}"
    p.lines += ["", f"{loaded} ({profile.triples} triples)"]
    return "\n".join(p.lines)


def profile_json(profile) -> str:
    """The whole profile as JSON, whose strings cannot steer a terminal: json escapes C0 controls
    itself; DEL and the C1 controls (U+0080 to U+009F, which some terminals obey) are escaped too."""
    text = json.dumps(profile.to_dict(), indent=2, ensure_ascii=False)
    return _C1.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


_C1 = re.compile("[\x7f-\x9f]")


def _join(values) -> str:
    return ", ".join(printable(str(v)) for v in values)


class _Printer:
    def __init__(self, profile, store):
        self.profile = profile
        self.store = store
        self.lines: list[str] = []

    def add(self, text: str, indent: int = 2) -> None:
        self.lines.append(" " * indent + text)

    def section(self, title: str, count: int | None = None) -> None:
        self.lines += ["", title if count is None else f"{title} ({count})"]

    def more(self, hidden: int, what: str, indent: int = 2) -> None:
        if hidden <= 0:
            return
        command = ["casegraph", "query", "sparql", "--review", self.profile.id]
        if self.store is not None:
            command += ["--store", str(self.store)]
        self.add(f"... and {hidden} more ({printable(shlex.join(command + [MORE[what]]))})", indent)

    def header(self) -> None:
        p = self.profile
        self.lines.append(printable(f"{p.id}: {p.title}"))
        facts = [f"year {p.year}" if p.year is not None else None,
                 f"kind {p.kind.label} ({p.kind.code})" if p.kind else None,
                 f"level {p.level.label}" if p.level else None,
                 f"area {p.area}" if p.area else None,
                 f"partnership {p.partnership}" if p.partnership else None]
        self.add(_join(f for f in facts if f))
        dates = [f"published {p.published}" if p.published else None,
                 f"commissioned {p.commissioned}" if p.commissioned else None]
        if any(dates):
            self.add(_join(d for d in dates if d))
        if p.synthetic:
            self.add("SYNTHETIC: generated data, not a real review")
        if p.authors:
            self.add(f"authors: {_join(p.authors)}")
        harm = f"harm types: {_join(h.label for h in p.harm_types) or 'none coded'}"
        self.add(harm + (f" (note: {printable(p.harm_note)})" if p.harm_note else ""))
        if p.cohort_size is not None or p.cohort_description:
            size = f" of {p.cohort_size}" if p.cohort_size is not None else ""
            description = f": {printable(p.cohort_description)}" if p.cohort_description else ""
            self.add(f"cohort{size}{description}")
        stated = [f"{p.stated_findings} findings" if p.stated_findings is not None else None,
                  f"{p.stated_recommendations} recommendations" if p.stated_recommendations is not None else None]
        if any(stated):
            self.add(f"the review states {' and '.join(s for s in stated if s)}")
        if p.source:
            self.add(f"source: {printable(p.source)}")
        if p.summary:
            self.lines.append("")
            self.lines += textwrap.wrap(printable(p.summary), WIDTH, initial_indent="  ", subsequent_indent="  ")

    def people(self) -> None:
        self.section("People", self.profile.people_count)
        if not self.profile.people:
            self.add("none coded")
        for role, people in self.profile.people.items():
            self.add(f"{printable(role)} ({len(people)})")
            for person in people[:LIMIT]:
                details = [person.gender, person.age, person.ethnicity,
                           "looked after" if person.looked_after else None,
                           person.outcome, person.agency]
                shown = _join(d for d in details if d)
                self.add(printable(person.name) + (f": {shown}" if shown else ""), 4)
            self.more(len(people) - LIMIT, "people", 4)

    def groups(self) -> None:
        groups = self.profile.groups
        if not groups:
            return
        self.section("Groups", len(groups))
        for group in groups[:LIMIT]:
            members = f": {_join(group.members)}" if group.members else ""
            self.add(f"{printable(group.name)} ({printable(group.kind)}){members}")
        self.more(len(groups) - LIMIT, "groups")

    def places(self) -> None:
        places = self.profile.places
        self.section("Places", len(places))
        if not places:
            self.add("none coded")
        shown = sorted(places, key=lambda place: place.kind)[:LIMIT]
        width = max((len(printable(place.kind)) for place in shown), default=0)
        for place in shown:
            self.add(f"{printable(place.kind).ljust(width)}  {printable(place.name)}")
        self.more(len(places) - LIMIT, "places")

    def incidents(self) -> None:
        incidents = self.profile.incidents
        self.section("Incidents", len(incidents))
        if not incidents:
            self.add("none coded")
        shown = incidents[:LIMIT]
        width = min(max((len(printable(i.date or "undated")) for i in shown), default=0), 24)
        for incident in shown:
            victims = "victims" if len(incident.victims) > 1 else "victim"
            who = [f"{victims} {_join(incident.victims)}" if incident.victims else None,
                   f"by {_join(incident.perpetrators)}" if incident.perpetrators else None,
                   f"at {_join(incident.places)}" if incident.places else None]
            harm = _join(incident.harm_types) or "harm not coded"
            if incident.harm_note:
                harm += f" ({printable(incident.harm_note)})"
            if incident.same_as:
                who.append(f"same event as {_join(incident.same_as)}")
            text = "; ".join([harm] + [w for w in who if w])
            self.add(f"{printable(incident.date or 'undated').ljust(width)}  {text}")
        self.more(len(incidents) - LIMIT, "incidents")

    def responses(self) -> None:
        responses = self.profile.responses
        self.section("Responses", sum(responses.values()))
        if not responses:
            self.add("none coded")
        for agency, count in responses.items():
            self.add(f"{count:>5}  {printable(agency)}")

    def recommendations(self) -> None:
        p = self.profile
        self.section("Recommendations", p.recommendations)
        if not p.recommendations:
            self.add("none coded")
        for level, count in p.recommendations_by_level.items():
            self.add(f"{count:>5}  {printable(level)}")

    def records(self) -> None:
        records = self.profile.records
        self.section("Records", sum(records.values()))
        for label, count in records.items():
            self.add(f"{count:>5}  {printable(label)}")
