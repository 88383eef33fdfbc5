"""One synthetic review: a slice of the world under the review's own names and ids."""
from __future__ import annotations

import random
import re
from collections import Counter, defaultdict

from casegraph.synthetic.tables import (ADULT_HARMS, AREAS, CHALLENGED, CHALLENGE_TOPICS, CHALLENGERS,
                                        CLOSURE_REASONS, CONTEXT_PLACES, CONTEXT_RESPONSES, FIRST, HARM_CONTEXTS,
                                        LETTERS, LISTS, NAME_VARIANTS, PROFESSIONALS, REC_TEXT, RELATIONS, RESPONSES,
                                        MONTHS, SAFETY_CONTEXTS, SCENARIOS)
from casegraph.synthetic.world import Entity, Plan, RealIncident, World, age_text, date_text, pick

# How often a review records each identifying detail it could give (see the package docstring).
ADULT_NAMED = 0.85  # an adult who harmed is named (as written, sometimes spelled otherwise)
ALIAS_RECORDED = 0.85  # a street name or social-media handle, when the person has one
SCHOOL_RECORDED = 0.85  # a young person's school
INCIDENT_AGAIN = 0.35  # an incident slot filled by a real incident another review recorded, when there is one
EXACT_DATE = 0.5  # a new incident dated to the day or month (else any documented form, many only a year)


def _spelled(rng: random.Random, name: str) -> str:
    """A real name as one review writes it: mostly as the world knows it, sometimes with the first
    name spelled otherwise or cut to an initial."""
    first, _, surname = name.partition(" ")
    roll = rng.random()
    if roll < 0.1 and first in NAME_VARIANTS:
        return f"{rng.choice(NAME_VARIANTS[first])} {surname}"
    if roll < 0.15:
        return f"{first[0]}. {surname}"
    return name


def _handle_text(rng: random.Random, handle: str) -> str:
    """A social-media handle as a review writes it: "@jazzyb07", "JazzyB07", "jazzyb07"."""
    return rng.choice([handle, f"@{handle}", handle.capitalize()])


class ReviewWriter:
    """Records one review's slice of the world under the review's own names and ids."""

    def __init__(self, rng: random.Random, world: World, plan: Plan, seed: int):
        self.rng, self.world, self.plan, self.seed = rng, world, plan, seed
        self.doc = {name: [] for name in LISTS}
        self.by_id, self.record_of, self.names = {}, {}, set()
        self.entity_of: dict[str, Entity] = {}  # record id -> the entity it records
        self.truth: list[tuple[str, str, str]] = []
        self.count, self.places_of_kind = Counter(), defaultdict(list)
        self.style = rng.randrange(3)  # pseudonyms by letter ("Mr C"), number ("Adult 2") or name
        self.letters = rng.sample(LETTERS, len(LETTERS))
        self.areas = [plan.area] * 4 + [(plan.area + 1) % len(AREAS), (plan.area - 1) % len(AREAS)]

    def add(self, list_name: str, text: str, fields: dict) -> str:
        rid = base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
        while rid in self.by_id:
            self.count["id " + base] += 1
            rid = f"{base}-{self.count['id ' + base] + 1}"
        self.by_id[rid] = item = {"id": rid, **fields}
        self.doc[list_name].append(item)
        return rid

    def item(self, list_name: str, prefix: str, **fields) -> str:
        self.count[prefix] += 1
        return self.add(list_name, f"{prefix}-{self.count[prefix]}", fields)

    def date(self, year_from: int = 0) -> tuple:
        return (self.rng.randint(max(year_from, self.plan.start), self.plan.year - 1),
                self.rng.randint(1, 12), self.rng.randint(1, 28))

    def described(self, list_name: str, prefix: str, text: str, p: float = 0.12, **fields) -> str:
        rid = self.item(list_name, prefix, **fields, description=text)
        if self.rng.random() < p:
            self.by_id[rid]["evidence"] = {"quote": f"Synthetic paraphrase: {text}",
                                           "page": self.rng.randint(3, 60), "paraphrase": True}
        return rid

    def names_of(self, ids: list[str]) -> str:
        return ", ".join(self.by_id[i].get("name", i) for i in ids)

    def pseudonym(self, ent: Entity, role: str, named: bool = True) -> str:
        rng, n = self.rng, self.count[role]
        letter = self.letters.pop() if self.letters else str(n)
        firsts = FIRST.get(ent.gender) or FIRST[rng.choice(["female", "male"])]
        unused = [first for first in firsts if first not in self.names]
        first = rng.choice(unused) if unused else f"{rng.choice(firsts)} {letter}"
        options = {"young-person": [f"Child {letter}", f"YP{n}", first],
                   "peer": [f"Young Person {letter}", f"Young Person {n}", first],
                   "unconnected-adult": [f"{'Mr' if ent.gender == 'male' else 'Ms'} {letter}",
                                         f"{rng.choice(['Adult', 'Perpetrator'])} {n}", f"Adult {letter}"]}[role]
        if role == "unconnected-adult" and named and rng.random() < ADULT_NAMED:
            options = [_spelled(rng, ent.name)] * 3  # named, as convicted adults are in published reviews
        name = next((option for option in [options[self.style], *options] if option not in self.names),
                    f"{options[self.style]} ({n})")
        self.names.add(name)
        return name

    def person(self, ent: Entity, role: str, name: str = "", again: bool = False, **fields) -> str:
        """The review's record of a person; `again` records someone already recorded a second time."""
        if ent.eid in self.record_of and not again:
            return self.record_of[ent.eid]
        rng = self.rng
        self.count[role] += 1
        rec = {"role": role, "name": name or self.pseudonym(ent, role, named=not again)}
        if ent.alias and rng.random() < ALIAS_RECORDED:  # a street name or a handle, as others wrote it
            rec["aliases"] = [_handle_text(rng, ent.alias) if ent.kind == "young-person" else ent.alias]
        if rng.random() < 0.95:
            rec["gender"] = ent.gender
        if ent.kind == "young-person":
            rec.update(self.young_age(ent, role))
        elif ent.born and rng.random() < 0.7:
            at = rng.randint(self.plan.start, self.plan.year - 1)
            rec.update(age=age_text(rng, at - ent.born), age_at=str(at))
        if rng.random() < (0.3 if ent.area == self.plan.area else 0.85):  # "a man from Saltmere"
            rec["area"] = AREAS[ent.area]
        if ent.kind == "young-person" and ent.home and "attends" not in fields and rng.random() < SCHOOL_RECORDED:
            fields["attends"] = self.place(ent.home)
        rid = self.add("people", rec["name"], {**rec, **fields})
        self.record_of.setdefault(ent.eid, rid)
        self.entity_of[rid] = ent
        self.truth.append((ent.eid, rid, ent.kind))
        return rid

    def young_age(self, ent: Entity, role: str) -> dict:
        """A young person's birth as reviews give it: the subject's month and year of birth, or an
        age at a dated event (true of the birth month, whatever the day); a peer's age when an
        incident happened, to the month or only the year."""
        rng, chance = self.rng, self.rng.random()
        if role == "young-person" and chance < 0.6:
            return {"born": date_text(rng, (ent.born, ent.born_month, 1), month_only=True)}
        if chance < (0.9 if role == "young-person" else 0.8):
            year, month = rng.randint(self.plan.start, self.plan.year - 1), rng.randint(1, 12)
            age = year - ent.born - (month < ent.born_month or month == ent.born_month and rng.random() < 0.5)
            return {"age": age, "age_at": date_text(rng, (year, month, 1), month_only=True)}
        if chance < 0.95:
            at = rng.randint(self.plan.start, self.plan.year - 1)
            return {"age": age_text(rng, at - ent.born), "age_at": str(at)}
        return {}

    def place(self, ent: Entity) -> str:
        if ent.eid not in self.record_of:
            rec = {"kind": ent.sub, "name": self.rng.choice(ent.names)}
            if ent.sub == "private-address" and self.letters and self.rng.random() < 0.5:
                rec["name"] = f"House {self.letters.pop()}"
            if ent.sub == "online-space":
                rec["platform"] = ent.alias
            elif self.rng.random() < 0.6:
                rec["area"] = AREAS[ent.area]
            self.record_of[ent.eid] = rid = self.item("places", "place", **rec)
            self.entity_of[rid] = ent
            self.places_of_kind[ent.sub].append(rid)
            self.truth.append((ent.eid, rid, "place"))
        return self.record_of[ent.eid]

    def venue(self, kind: str) -> str:
        """A place of this kind already in the review, else one from the world nearby."""
        recorded = self.places_of_kind[kind]
        if recorded and self.rng.random() < 0.7:
            return self.rng.choice(recorded)
        if kind == "online-space":
            return self.place(self.rng.choice(self.world.online))
        return self.place(self.rng.choice(self.world.places[self.rng.choice(self.areas[:5]), kind]))

    def group(self, ent: Entity, member_ids: list[str]) -> str:
        if ent.eid not in self.record_of:
            word = ent.home.name.split()[-2 if ent.sub != "peer-group" else 0]
            noun = {"peer-group": "friendship group", "gang": "gang", "organised-adult-group": "men"}[ent.sub]
            name = self.rng.choice([ent.name, f"Group {self.count['group'] + 1}", f"the {word} {noun}"])
            self.record_of[ent.eid] = gid = self.item("groups", "group", kind=ent.sub, name=name)
            self.entity_of[gid] = ent
            self.truth.append((ent.eid, gid, "group"))
            if self.rng.random() < 0.5:  # the format allows membership on either side
                self.by_id[gid]["members"] = member_ids
            for pid in member_ids if "members" not in self.by_id[gid] else []:
                self.by_id[pid].setdefault("member_of", []).append(gid)
        return self.record_of[ent.eid]

    def relationship(self, source: str, target: str, kind: str) -> None:
        self.item("relationships", "rel", **{"from": source, "to": target, "kind": kind})

    def cast_subject(self, born: int) -> tuple[Entity, str, list[str], list[str]]:
        """A young person the review is about, with family, school, home and friends."""
        rng, plan = self.rng, self.plan
        want = "male" if {"criminal-exploitation", "serious-youth-violence"} & set(plan.harms) else "female"
        groups = self.world.cohorts[plan.area, born]
        free = [(g, p) for g in groups for p in g.members if p.eid not in self.record_of]
        fresh = [(g, p) for g, p in free if not p.subject_of]
        group, ent = rng.choice([(g, p) for g, p in fresh if p.gender == want] or fresh or free)
        ent.subject_of = plan.number
        rid = self.person(ent, "young-person", attends=self.place(ent.home))
        name = self.by_id[rid]["name"]
        home = Entity(f"{ent.eid}-home", "place", ent.area, "family-home",
                      names=[f"{name}'s family home", "the family home", f"{name}'s home"])
        self.by_id[rid]["lives_at"] = self.place(home)
        family = [self.person(Entity(f"{ent.eid}-{rel.replace(' ', '-')}", "family-member", ent.area,
                                     gender="male" if rel in ("father", "stepfather") else "female"),
                              "family-member", f"{name}'s {rel}", relation=rel)
                  for rel in rng.sample(RELATIONS, rng.randint(1, 3))]
        mates = [p for p in group.members if p is not ent]
        others = [p for g in groups if g is not group for p in g.members]
        chosen = rng.sample(mates, rng.randint(2, min(4, len(mates))))
        chosen += rng.sample(others, min(len(others), rng.randint(0, 2)))
        peers = [self.person(p, "peer") for p in chosen]
        self.group(group, [self.record_of[p.eid] for p in group.members if p.eid in self.record_of])
        for other, kind in [(f, "relative") for f in family] + [(p, rng.choice(["friend", "acquaintance"]))
                                                               for p in peers]:
            if rng.random() < 0.6:
                self.relationship(rid, other, kind)
        return ent, rid, family, peers

    def cast_adults(self, subject_ids: list[str]) -> list[str]:
        """Adults and adult groups who harm, from the review's area or a neighbouring one."""
        rng, world, harms = self.rng, self.world, set(self.plan.harms)
        area, ids, adults = rng.choice(self.areas), [], []
        for kind, chance, harms_done in (("organised-adult-group", 0.35, {"sexual-exploitation", "drug-misuse"}),
                                         ("gang", 0.5, {"criminal-exploitation", "serious-youth-violence"})):
            if harms & harms_done and rng.random() < chance:
                grp = rng.choice(world.groups[area, kind])
                members = rng.sample(grp.members, rng.randint(2, len(grp.members)))
                adults += members
                ids.append(self.group(grp, [self.person(adult, "unconnected-adult") for adult in members]))
                self.place(grp.home)
        if harms & ADULT_HARMS:
            adults += [rng.choice(world.adults[rng.choice(self.areas)]) for _ in range(rng.randint(1, 4))]
        ids += dict.fromkeys(self.person(a, "unconnected-adult") for a in adults)
        if adults and rng.random() < 0.05:  # the review did not see that two names were one person
            ids.append(self.person(rng.choice(adults), "unconnected-adult", again=True))
        for adult in ids:
            if "role" in self.by_id[adult] and rng.random() < 0.5:
                kind = "intimate-partner" if rng.random() < 0.15 else rng.choice(["associate", "acquaintance"])
                self.relationship(adult, rng.choice(subject_ids), kind)
        return ids

    def cast_partner(self, subject: Entity, subject_id: str, peers: list[str]) -> str:
        rng = self.rng
        if rng.random() < 0.3:  # an adult "boyfriend" rather than a peer
            partner = self.person(rng.choice(self.world.adults[self.plan.area]), "unconnected-adult")
        else:
            free = [p for g in self.world.cohorts.get((self.plan.area, subject.born), []) for p in g.members
                    if p.eid not in self.record_of and p.gender != subject.gender]
            partner = self.person(rng.choice(free), "peer") if free else rng.choice(peers)
        self.relationship(subject_id, partner, "intimate-partner")
        return partner

    def recorded_before(self) -> list[RealIncident]:
        """Real incidents in the review's period that a young person it records was harmed in
        (recorded by reviews written earlier), each once."""
        plan, found = self.plan, {}
        for eid in self.record_of:
            for real in self.world.incidents.get(eid, ()):
                if plan.start <= real.date[0] < plan.year and eid in real.victims:
                    found.setdefault(id(real), real)
        return list(found.values())

    def incidents(self, subjects: list, peers: list[str], adults: list[str], partner: str) -> list:
        rng, harms, dated = self.rng, self.plan.harms, []
        again = self.recorded_before()
        for date in sorted(self.date() for _ in range(rng.randint(7, 12))):
            if again and rng.random() < INCIDENT_AGAIN:  # as another review recorded it
                real = again.pop(rng.randrange(len(again)))
                victims, perpetrators = ([self.record_of[e] for e in eids if e in self.record_of]
                                         for eids in (real.victims, real.perpetrators))
                dated.append(self.incident(real.date, real.code, victims, perpetrators,
                                           [self.place(p) for p in real.places], 0, exact=True))
                continue
            codes, who, kinds = SCENARIOS[harms[0] if rng.random() < 0.6 else rng.choice(harms)]
            ent, subject = rng.choice(subjects)[:2]
            others = [p for p in peers if p != subject]  # one subject may be another's friend
            pool = {"adults": adults, "peers": others, "subject": [subject], "partner": [partner]}[who]
            perpetrators = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
            victims = [subject] if who != "subject" else [rng.choice(others)]
            bystanders = [p for p in peers if p not in perpetrators + victims]
            if bystanders and rng.random() < 0.2:
                victims.append(rng.choice(bystanders))
            places = list(dict.fromkeys(self.venue(k) for k in rng.sample(kinds, rng.randint(0, 2))))
            code = rng.choice(codes)
            dated.append(self.incident(date, code, victims, perpetrators, places, ent.born if subject in victims else 0,
                                       exact=rng.random() < EXACT_DATE))
            real = RealIncident(date, code, tuple(self.entity_of[p] for p in places),
                                *(tuple(self.entity_of[r].eid for r in rids) for rids in (victims, perpetrators)))
            for eid in real.victims + real.perpetrators:
                self.world.incidents[eid].append(real)
        dated.sort(key=lambda pair: pair[0])
        if "suicide" in harms:
            dated.append(self.incident(dated[-1][0], "suicide", [subjects[0][1]], [], [], 0))
        return dated

    def incident(self, date: tuple, code: str, victims: list, perpetrators: list, places: list, born: int,
                 exact: bool = False):
        """An incident as the review records it; `exact`: dated to the day or the month."""
        rng = self.rng
        text = f"{code.replace('-', ' ').capitalize()}: {self.names_of(victims)}"
        text += f" harmed by {self.names_of(perpetrators)}" if perpetrators else ""
        text += f" at {self.names_of(places[:1])}." if places else "."
        inc = {"harm_types": [code], "victims": victims, "perpetrators": perpetrators, "places": places}
        inc = {key: value for key, value in inc.items() if value}
        if exact and rng.random() < 0.5:
            y, m, d = date
            when = rng.choice([f"{y}-{m:02d}-{d:02d}", f"{d} {MONTHS[m - 1]} {y}"])
        else:
            when = date_text(rng, date, born, month_only=exact)
        return date, self.described("incidents", "inc", text, **inc, when=when)

    def contexts(self, subject: str, family: list[str], peers: list[str], adults: list[str], scale: float) -> None:
        rng = self.rng
        for dynamic, chances in (("harm", HARM_CONTEXTS), ("safety", SAFETY_CONTEXTS)):
            chosen = [context for context, chance in chances.items() if rng.random() < chance * scale]
            for context in chosen + (["unconnected-adults"] if dynamic == "harm" and adults else []):
                ctx = {"dynamic": dynamic, "context": context, "young_person": subject}
                kinds = CONTEXT_PLACES.get(context, [])
                recorded = [rid for kind in kinds for rid in self.places_of_kind[kind]]
                if context == "family":
                    ctx["places"] = [self.by_id[subject]["lives_at"]]
                elif kinds:
                    ctx["places"] = rng.sample(recorded, min(2, len(recorded))) or [
                        self.venue(rng.choice([k for k in kinds if k != "foster-placement"]))]
                people = {"peers": peers, "unconnected-adults": adults, "family": family}.get(context)
                if people:
                    ctx["people"] = rng.sample(people, min(len(people), rng.randint(1, 3)))
                text = f"{dynamic.capitalize()} in {context.replace('-', ' ')} for {self.names_of([subject])}."
                self.described("contexts", "ctx", text, **ctx)

    def professional(self, agency: str) -> None:
        ent = Entity(f"pro-{self.plan.number:05d}-{agency}", "professional", self.plan.area,
                     gender=self.rng.choice(["female", "male"]))
        if ent.eid not in self.record_of:
            self.person(ent, "professional", f"{PROFESSIONALS[agency]} {self.count['professional'] + 1}",
                        agency=agency)

    def responses(self, subjects: list, incidents: list) -> dict[str, list]:
        rng = self.rng
        planned = [(*pick(rng, RESPONSES), "") for _ in range(rng.randint(7, 12))]
        if rng.random() < 15 / 49:
            planned.append(("childrens-social-care", "out-of-home-placement", "individual", ""))
        if rng.random() < 6 / 49:  # the few reviews with responses to contexts
            planned += [(*response, "") for response in rng.sample(CONTEXT_RESPONSES, rng.randint(1, 2))]
        if rng.random() < 26 / 49:
            reasons = [reason for reason, chance in CLOSURE_REASONS.items() if rng.random() < chance]
            planned += [("childrens-social-care", "case-closure", "individual", reason)
                        for reason in reasons or ["below-threshold"]]
        by_kind = defaultdict(list)
        for date, (agency, kind, target, reason) in sorted((self.date(incidents[0][0][0]), p) for p in planned):
            ent, subject, family = rng.choice(subjects)[:3]
            if target == "context":
                contexts = [g["id"] for g in self.doc["groups"]] + [self.venue(rng.choice(["hotspot", "park"]))]
                targets = [rng.choice(contexts)]
            else:
                targets = [subject] if target == "individual" else family[:2]
            if kind == "out-of-home-placement":
                foster = Entity(f"{ent.eid}-foster", "place", ent.area, "foster-placement",
                                names=["foster placement", f"foster home in {AREAS[ent.area]}"])
                unit = rng.choice(self.world.places[ent.area, "residential-unit"])
                targets = targets + [self.place(foster if rng.random() < 0.5 else unit)]
            resp = {"agency": agency, "kind": kind, "target": target, "targets": targets}
            earlier = [iid for when, iid in incidents if when <= date]
            resp.update({"responds_to": earlier[-rng.randint(1, 2):]} if earlier else {})
            resp.update(when=date_text(rng, date), **({"closure_reason": reason} if reason else {}))
            text = f"{agency.replace('-', ' ').capitalize()}: {kind.replace('-', ' ')}, {self.names_of(targets)}."
            by_kind[kind].append((date, self.described("responses", "resp", text, **resp)))
            self.professional(agency)
        return by_kind

    def challenges(self, responses: dict[str, list]) -> None:
        rng = self.rng
        for _ in range(rng.choice([1, 1, 2]) if rng.random() < 14 / 49 else 0):
            topic, by = pick(rng, CHALLENGE_TOPICS), pick(rng, CHALLENGERS)
            challenge = {"by": by, "of": "childrens-social-care", "topic": topic}
            if responses.get(CHALLENGED.get(topic)):
                date, rid = rng.choice(responses[CHALLENGED[topic]])
                challenge.update(about=[rid], when=date_text(rng, date))
            text = f"{PROFESSIONALS[by]} challenged children's social care ({topic.replace('-', ' ')})."
            self.described("challenges", "ch", text, 0.3, **challenge)
            self.professional(by)

    def recommendations(self) -> list[str]:
        """Recommendations by level and theme; returns the review's approach-of-review codes."""
        rng, local, national = self.rng, [], []
        if rng.random() < 40 / 49:
            local = ["improve-local-implementation"] + [theme for theme, chance in (
                ("engage-adolescents", 39 / 40), ("systems-cannot-identify-links", 10 / 40),
                ("staff-cannot-intervene-in-contexts", 9 / 40), ("policy-does-not-reach-beyond-family", 5 / 40),
                ("other-theme", 0.3)) if rng.random() < chance]
        if rng.random() < 23 / 49:
            national = [theme for theme, chance in (
                ("engage-adolescents", 0.8), ("national-system-not-designed-for-contexts", 7 / 23),
                ("systems-cannot-identify-links", 0.6 * ("systems-cannot-identify-links" in local)),
                ("improve-local-implementation", 0.3), ("other-theme", 0.3)) if rng.random() < chance]
            national = national or ["other-theme"]
        for level, themes, count in (("local", local, rng.randint(3, 7)),
                                     ("national", national, rng.randint(1, 3))):
            for i in range(max(count, len(themes)) if themes else 0):
                theme = themes[i % len(themes)]
                text = REC_TEXT[theme][level == "national"]
                rid = self.item("recommendations", "rec", level=level, themes=[theme], text=text)
                if rng.random() < 0.12:
                    self.by_id[rid]["evidence"] = {"quote": f"Synthetic paraphrase: {text}", "paraphrase": True,
                                                   "page": rng.randint(40, 80)}
        in_contexts = {"systems-cannot-identify-links", "staff-cannot-intervene-in-contexts",
                       "policy-does-not-reach-beyond-family"}
        codes = {"poor-local-implementation": rng.random() < 46 / 49,
                 "local-not-equipped-efh": bool(local) and rng.random() < 0.4,
                 "local-not-equipped-adolescents": "engage-adolescents" in local and rng.random() < 0.5,
                 "local-not-equipped-contexts": bool(in_contexts & set(local)),
                 "national-not-equipped-efh": bool(national),
                 "national-not-equipped-contexts": "national-system-not-designed-for-contexts" in national}
        return [code for code, applies in codes.items() if applies]

    def build(self) -> dict:
        plan, rng = self.plan, self.rng
        subjects = [self.cast_subject(born) for born in plan.subjects_born]
        peers = list(dict.fromkeys(p for s in subjects for p in s[3]))
        adults = self.cast_adults([s[1] for s in subjects])
        partner = self.cast_partner(*subjects[0][:2], peers) if "intimate-partner-abuse" in plan.harms else ""
        incidents = self.incidents(subjects, peers, adults, partner)
        public = [p for k in CONTEXT_PLACES["public-location"] + ["online-space"] for p in self.places_of_kind[k]]
        for i, (_, rid, family, own_peers) in enumerate(subjects):
            if public:
                self.by_id[rid]["frequents"] = rng.sample(public, min(3, len(public)))
            self.contexts(rid, family, own_peers, adults, 1 if i == 0 else 0.4)  # study counts are per review
        self.challenges(self.responses(subjects, incidents))
        codes = self.recommendations()
        area, number, people = AREAS[plan.area], f"{plan.number:05d}", "person" if len(subjects) == 1 else "people"
        review = {"id": f"synthetic-{number}", "title": f"Synthetic review {number}", "year": plan.year,
                  "kind": "cspr" if plan.year >= 2019 and rng.random() < 0.5 else "scr", "harm_types": plan.harms,
                  "partnership": f"{area} {'Safeguarding Children Partnership' if plan.year >= 2019 else 'LSCB'}",
                  "area": area, "synthetic": True, "source": f"casegraph synthetic corpus (seed {self.seed})",
                  "summary": f"Synthetic review of {' and '.join(h.replace('-', ' ') for h in plan.harms)} "
                             f"of {len(subjects)} young {people} in {area}."}
        review.update({"codes": codes} if codes else {})
        if rng.random() < 0.3:
            review["evidence"] = {"quote": f"Synthetic paraphrase: {review['summary']}", "page": 1,
                                  "paraphrase": True}
        return {"casegraph": "review/1", "review": review, **{k: v for k, v in self.doc.items() if v}}
