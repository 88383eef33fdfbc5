"""The hidden world of real entities that synthetic reviews record slices of."""
from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from casegraph.synthetic.tables import (ADULT_FIRST, AREA_PLACES, AREAS, CORES, HANDLE_PARTS, HARM_WEIGHTS, MONTHS,
                                        NICKNAMES, ONLINE_NAMES, PLATFORMS, STREET_PREFIXES, SURNAMES, TAKEAWAYS,
                                        YEAR_WEIGHTS)


@dataclass(eq=False)
class Entity:
    """A real (hidden) person, group or place; reviews record it under names of their own."""
    eid: str
    kind: str  # young-person | adult | family-member | professional | group | place
    area: int = 0
    sub: str = ""  # place kind or group kind
    gender: str = "unknown"
    born: int = 0
    born_month: int = 0  # 1-12 when known to the world (people)
    name: str = ""
    names: list = field(default_factory=list)  # how reviews write a place's name
    alias: str = ""  # an adult's street name, a young person's social-media handle, an online space's platform
    members: list = field(default_factory=list)
    home: Entity | None = None  # a young person's or peer group's school, an adult group's base
    subject_of: int = 0


@dataclass
class Plan:
    number: int
    area: int
    year: int
    start: int  # first year of the period the review covers
    harms: list
    subjects_born: list


@dataclass(frozen=True)
class RealIncident:
    """Something that happened in the hidden world, which every review of someone in it may record."""
    date: tuple  # (year, month, day)
    code: str  # harm type
    places: tuple  # place entities
    victims: tuple  # entity ids
    perpetrators: tuple


@dataclass
class World:
    places: dict = field(default_factory=lambda: defaultdict(list))  # (area, kind) -> places
    cohorts: dict = field(default_factory=lambda: defaultdict(list))  # (area, born) -> peer groups
    adults: dict = field(default_factory=lambda: defaultdict(list))  # area -> adults
    groups: dict = field(default_factory=lambda: defaultdict(list))  # (area, kind) -> adult groups
    online: list = field(default_factory=list)
    incidents: dict = field(default_factory=lambda: defaultdict(list))  # entity id -> RealIncidents it was in


def pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


def plan_review(rng: random.Random, number: int) -> Plan:
    year = pick(rng, YEAR_WEIGHTS)
    harms = [pick(rng, HARM_WEIGHTS)]
    while rng.random() < 0.3 and len(harms) < 3:
        harm = pick(rng, HARM_WEIGHTS)
        harms += [harm] if harm not in harms else []
    start = year - rng.randint(2, 5)
    born = start - rng.randint(12, 15)
    subjects = [born] + [born + rng.randint(-1, 1) for _ in range(rng.choice([0, 0, 0, 0, 1, 1, 2]))]
    return Plan(number, rng.randrange(len(AREAS)), year, start, harms, subjects)


def build_world(rng: random.Random, plans: list[Plan]) -> World:
    """Entities in proportion to the reviews of each area, so links stay as dense at any size."""
    world, count = World(), Counter()
    per_area = Counter(plan.area for plan in plans)

    def new(kind: str, **fields) -> Entity:
        count[kind] += 1
        return Entity(f"{'yp' if kind == 'young-person' else kind}-{count[kind]:04d}", kind, **fields)

    for area, area_name in enumerate(AREAS):
        reviews = per_area[area]
        for kind, (per, pattern, variants) in AREA_PLACES.items():
            count_here = min(1 + reviews // per, len(TAKEAWAYS))
            for core, takeaway in zip(rng.sample(CORES, count_here), rng.sample(TAKEAWAYS, count_here)):
                parts = {"w": core, "a": area_name, "t": takeaway, "h": rng.randint(2, 90)}
                parts["n"] = pattern.format(**parts)
                world.places[area, kind].append(new("place", area=area, sub=kind, name=parts["n"],
                                                    names=[v.format(**parts) for v in variants]))
        for _ in range(max(8, reviews * 3)):
            gender = "male" if rng.random() < 0.9 else "female"
            street = f"{rng.choice(STREET_PREFIXES)}{rng.choice(NICKNAMES)}" if rng.random() < 0.5 else ""
            world.adults[area].append(new("adult", area=area, born=rng.randint(1965, 1995), gender=gender,
                                          born_month=rng.randint(1, 12), alias=street,
                                          name=f"{rng.choice(ADULT_FIRST[gender])} {rng.choice(SURNAMES)}"))
        pool = rng.sample(world.adults[area], len(world.adults[area]))
        for kind, per, base, noun in (("organised-adult-group", 8, "private-address", "group"),
                                      ("gang", 12, "estate", "Boys")):
            for _ in range(1 + reviews // per):
                if len(pool) < 6:  # an area with few reviews: its groups share members
                    pool = rng.sample(world.adults[area], len(world.adults[area]))
                size, home = rng.randint(3, 6), rng.choice(world.places[area, base])
                world.groups[area, kind].append(new("group", area=area, sub=kind, members=pool[:size],
                                                    home=home, name=f"{home.name.split()[-2]} {noun}"))
                pool = pool[size:]
    handles: set[str] = set()
    for (area, born), need in sorted(Counter((p.area, b) for p in plans for b in p.subjects_born).items()):
        for _ in range(math.ceil(need * 0.75)):
            school = rng.choice(world.places[area, "school"])
            group = new("group", area=area, sub="peer-group", home=school,
                        name=f"{school.name.split()[0]} friendship group")
            for _ in range(rng.randint(4, 7)):
                gender = "non-binary" if rng.random() < 0.02 else rng.choice(["female", "male"])
                year = born + rng.choice([0, 0, 0, -1, 1])
                handle = "" if rng.random() < 0.2 else _handle(rng, year, handles)
                group.members.append(new("young-person", area=area, gender=gender, home=school, born=year,
                                         born_month=rng.randint(1, 12), alias=handle))
            world.cohorts[area, born].append(group)
    world.online = [new("place", sub="online-space", name=p, alias=p, names=[v.format(n=p) for v in ONLINE_NAMES])
                    for p in PLATFORMS]
    return world


def _handle(rng: random.Random, year: int, taken: set[str]) -> str:
    """A social-media handle no one else has (a platform gives each handle to one account):
    "jazzyb07", often ending in the year of birth, else in another number, else "jazzy_b0712"."""
    first, second = rng.choice(HANDLE_PARTS[0]), rng.choice(HANDLE_PARTS[1])
    parts = first + second
    for handle in (f"{parts}{year % 100:02d}" if rng.random() < 0.5 else "",
                   *(f"{parts}{rng.randint(1, 99):02d}" for _ in range(3))):
        if handle and handle not in taken:
            break
    else:
        while handle in taken:
            handle = f"{first}_{second}{rng.randint(100, 9999)}"
    taken.add(handle)
    return handle


def _ordinal(day: int) -> str:
    return f"{day}{'th' if 10 <= day <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"


def date_text(rng: random.Random, date: tuple, born: int = 0, month_only: bool = False):
    """The date in one of the documented partial or approximate forms, each true of it (with
    month_only, a form giving the month and year and no more)."""
    y, m, d = date
    month = MONTHS[m - 1]
    if month_only:
        return rng.choice([f"{y}-{m:02d}", f"{month} {y}"])
    forms = [y, y, str(y), f"{y}-{m:02d}", f"{y}-{m:02d}", f"{y}-{m:02d}-{d:02d}", f"{month} {y}",
             f"{month} {y}", f"{d} {month} {y}", f"{_ordinal(d)} {month} {y}", f"{y}/{y + 1}",
             f"{y - 1} to {y}", f"{rng.choice(['about', 'around', 'circa', 'c.', '~'])} {y}",
             f"{('early', 'mid', 'late')[(m - 1) // 4]} {y}"]
    forms += [f"{('spring', 'summer', 'autumn')[(m - 3) // 3]} {y}"] if 3 <= m <= 11 else []
    forms += [f"aged about {y - born}"] if born else []
    return rng.choice(forms)


def age_text(rng: random.Random, age: int):
    low = age - rng.randint(0, 3)
    return rng.choice([age, str(age), f"about {age}", f"aged about {age}", f"{age - 1}-{age}",
                       f"{age}-{age + 1} (approx.)" if age < 18 else f"{low}-{low + 5}"])
