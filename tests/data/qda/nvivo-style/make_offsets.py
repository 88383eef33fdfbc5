"""Write project.qde and expected.json for the NVivo-style test project (run once, by hand).

    python tests/data/qda/nvivo-style/make_offsets.py

The four review texts in sources/ are the input. Every coded passage below is found in its text
with `text.index(excerpt)` (and must occur exactly once), so the offsets are Python str offsets,
end exclusive. The notations in NOTATIONS are written by hand from `casegraph codes framework`
and `casegraph codes harm-type`, not computed by casegraph: expected.json is a golden that the
test compares casegraph's own mapping against. The output is static and committed; tests never
run this script.
"""
from __future__ import annotations

import json
import uuid
from collections import defaultdict
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
SPACE = uuid.UUID("5b1e7c2a-4f0d-4c61-9a57-0d6c3e2f8a11")


def guid(key: str) -> str:
    """A stable NVivo-style (upper-case) GUID for one element of the project."""
    return str(uuid.uuid5(SPACE, key)).upper()


USERS = [("MO", "Maya Okafor"), ("RL", "Rhys Lindqvist")]

# The codebook: (name, colour, description, children); every NVivo node is codable.
HARM_CHILDREN = ["Family", "Peers", "School", "Public location (physical)", "Online space",
                 "Unconnected adults", "Other accommodation/service", "Other context"]
CODEBOOK = [
    ("Approach of the case review", "#7F3F98",
     "Where did the case review locate challenges and what did they perceive those challenges to be", [
         ("Poor local implementation (of an otherwise effective system)", None, None, []),
         ("Local system not equipped to address EFH", None, None, []),
         ("Local system not equipped to support adolescents", None, None, []),
         ("Local system not equipped to respond to extra-familial contexts", None,
          "Information systems, staff knowledge or policies that could not reach beyond the family", []),
         ("National system not equipped to address EFH", None, None, []),
         ("National system not equipped to respond to extra-familial contexts", None, None, []),
     ]),
    ("Contextual dynamics of harm", "#C0392B",
     "Any evidence that the harm in question was associated to social or public contexts in a young person's life",
     [(name, "#E6B0AA" if name == "Public location (physical)" else None,
       "Generic areas, hotspots, routes, bus stops, parks" if name == "Public location (physical)" else None, [])
      for name in HARM_CHILDREN]),
    ("Contextual dynamics of protection and safety", "#27AE60",
     "Any evidence that a young person found safety/protection in associated to social or public "
     "contexts/relationships", [(name, None, None, []) for name in HARM_CHILDREN]),
    ("Professional responses", "#2E86C1",
     "How was EFH responded to; in terms of who responded and whether individuals or contexts were the target", [
         ("Social care intervention", None, None, []),
         ("Criminal justice intervention", None, None, []),
         ("Other intervention (i.e. health)", None, None, []),
         ("Support to individual young person", None, None, []),
         ("Family support", None, None, []),
         ("Contextual intervention (beyond the family)", "#F5B041",
          "Responses aimed at a peer group, school, public location or online space", []),
         ("Close of case (to statutory agencies)", None, None, []),
     ]),
    ("Harm types", "#616A6B", "Forms of extra-familial harm named in the review (Table 3)", [
        ("Child sexual exploitation", None, None, []),
        ("Online grooming", None, None, []),
        ("Child criminal exploitation", None, None, []),
        ("County lines", None, None, []),
        ("Serious youth violence", None, None, []),
        ("Peer-on-peer abuse", None, None, []),
        ("Image-based abuse", None, None, []),
    ]),
    ("Memos to follow up", "#F4D03F", "Passages to check with the other coder", []),
    ("Quotes for report", None, None, []),
]

# Hand-written: the casegraph notation each code should map to (None: the researcher's own).
FRAMEWORK_PREFIX = {"Contextual dynamics of harm": "harm", "Contextual dynamics of protection and safety": "safety"}
CONTEXT = {"Family": "family", "Peers": "peers", "School": "school", "Public location (physical)": "public-location",
           "Online space": "online-space", "Unconnected adults": "unconnected-adults",
           "Other accommodation/service": "accommodation-service", "Other context": "other-context"}
NOTATIONS = {
    ("Approach of the case review",): "framework/approach-of-review",
    ("Contextual dynamics of harm",): "framework/contextual-dynamics-of-harm",
    ("Contextual dynamics of protection and safety",): "framework/contextual-dynamics-of-safety",
    ("Professional responses",): "framework/professional-responses",
    ("Approach of the case review", "Poor local implementation (of an otherwise effective system)"):
        "framework/poor-local-implementation",
    ("Approach of the case review", "Local system not equipped to address EFH"): "framework/local-not-equipped-efh",
    ("Approach of the case review", "Local system not equipped to support adolescents"):
        "framework/local-not-equipped-adolescents",
    ("Approach of the case review", "Local system not equipped to respond to extra-familial contexts"):
        "framework/local-not-equipped-contexts",
    ("Approach of the case review", "National system not equipped to address EFH"): "framework/national-not-equipped-efh",
    ("Approach of the case review", "National system not equipped to respond to extra-familial contexts"):
        "framework/national-not-equipped-contexts",
    **{(parent, child): f"framework/{prefix}-{CONTEXT[child]}"
       for parent, prefix in FRAMEWORK_PREFIX.items() for child in HARM_CHILDREN},
    ("Professional responses", "Social care intervention"): "framework/social-care-intervention",
    ("Professional responses", "Criminal justice intervention"): "framework/criminal-justice-intervention",
    ("Professional responses", "Other intervention (i.e. health)"): "framework/other-intervention",
    ("Professional responses", "Support to individual young person"): "framework/support-to-individual",
    ("Professional responses", "Family support"): "framework/family-support",
    ("Professional responses", "Contextual intervention (beyond the family)"): "framework/contextual-intervention",
    ("Professional responses", "Close of case (to statutory agencies)"): "framework/close-of-case",
    ("Harm types", "Child sexual exploitation"): "harm-type/sexual-exploitation",
    ("Harm types", "Online grooming"): "harm-type/online-grooming",
    ("Harm types", "Child criminal exploitation"): "harm-type/criminal-exploitation",
    ("Harm types", "County lines"): "harm-type/county-lines",
    ("Harm types", "Serious youth violence"): "harm-type/serious-youth-violence",
    ("Harm types", "Peer-on-peer abuse"): "harm-type/peer-on-peer-abuse",
    ("Harm types", "Image-based abuse"): "harm-type/image-based-abuse",
}

# Short names for coding below.
H, S, P, A, T = ("Contextual dynamics of harm", "Contextual dynamics of protection and safety",
                 "Professional responses", "Approach of the case review", "Harm types")
MEMO, QUOTE = ("Memos to follow up",), ("Quotes for report",)

# (key, name, description, created, year, review type, area)
SOURCES = [
    ("q", "Northbridge SCR Child Q (2017)", "Synthetic serious case review, invented for testing.",
     "2024-02-05T09:12:31Z", 2017, "SCR", "Northbridge"),
    ("b", "Eastmoor SCR Young Person B (2018)", "Synthetic serious case review, invented for testing.",
     "2024-02-05T09:13:04Z", 2018, "SCR", "Eastmoor"),
    ("t", "Harrowfield CSPR Child T (2021)", "Synthetic child safeguarding practice review, invented for testing.",
     "2024-02-05T09:13:40Z", 2021, "CSPR", "Harrowfield"),
    ("d", "Westleigh CSPR Young Person D (2020)", "Synthetic child safeguarding practice review, invented for testing.",
     "2024-02-05T09:14:17Z", 2020, "CSPR", "Westleigh"),
]
# (name, gender, age, role, source key)
PEOPLE = [("Child Q", "Female", 14, "Young person", "q"), ("Young Person B", "Male", 16, "Young person", "b"),
          ("Child T", "Male", 15, "Young person", "t"), ("Child S", "Male", 15, "Peer", "t"),
          ("Young Person D", "Female", 13, "Young person", "d")]

# (source key, excerpt, codes as paths, coder)
SELECTIONS = [
    ("q", "disclosed that she had been sexually exploited over a period of eighteen months by a group of adult "
          "men who were not known to her family", [(H, "Unconnected adults"), (T, "Child sexual exploitation")], "MO"),
    ("q", "she had been seen getting into cars with older men at the end of the school day",
     [(H, "Unconnected adults")], "MO"),
    ("q", "He was 24. The man and his associates groomed Child Q online for several weeks before meeting her in "
          "person.", [(H, "Online space"), (T, "Online grooming")], "MO"),
    ("q", "Child Q was repeatedly taken to the bus station and to a flat above a takeaway on Carver Street, where she "
          "was sexually abused by several men", [(H, "Public location (physical)"), (T, "Child sexual exploitation")],
     "MO"),
    ("q", "a social worker completed a child and family assessment and Child Q was made subject to a child in need "
          "plan", [(P, "Social care intervention")], "MO"),
    ("q", "Meetings were held with Child Q and her mother, and a referral was made to a specialist exploitation "
          "service, which allocated a support worker.", [(P, "Support to individual young person")], "MO"),
    ("q", "the case was closed to children’s social care because Child Q was attending school and had not been "
          "reported missing for six weeks", [(P, "Close of case (to statutory agencies)")], "MO"),
    ("q", "Child Q said that school was \"the only place nobody could get to me\"", [(S, "School"), QUOTE], "MO"),
    ("q", "Northbridge had an appropriate child sexual exploitation strategy and protocol, but that these were not "
          "followed", [(A, "Poor local implementation (of an otherwise effective system)")], "RL"),
    ("q", "No action was taken to disrupt the use of the bus station or the flat.",
     [(A, "Local system not equipped to respond to extra-familial contexts"), MEMO], "RL"),

    ("b", "stabbed in the leg in a park near his home by a young man linked to a rival group",
     [(H, "Public location (physical)"), (T, "Serious youth violence")], "MO"),
    ("b", "Young Person B’s older brother had served a custodial sentence for drug supply and was known to the same "
          "group.", [(H, "Family")], "MO"),
    ("b", "Young Person B was recruited by two older boys from his estate to carry drugs",
     [(H, "Peers"), (T, "Child criminal exploitation")], "MO"),
    ("b", "travelled by train to a coastal town some 90 miles away to sell drugs from a rented flat",
     [(T, "County lines")], "MO"),
    ("b", "he was found by British Transport Police at the railway station with £300 in cash and wraps of crack "
          "cocaine", [(H, "Public location (physical)")], "MO"),
    ("b", "He was arrested, interviewed and released under investigation.", [(P, "Criminal justice intervention")],
     "MO"),
    ("b", "His mother repeatedly asked for help, reporting him missing each time and driving to the town to bring him "
          "home.", [(S, "Family")], "MO"),
    ("b", "The youth offending service offered his mother parenting sessions, which she attended, and a family "
          "support worker visited fortnightly.", [(P, "Family support")], "RL"),
    ("b", "Practitioners told the review that they did not know how to work with the peer group or the estate",
     [(A, "Local system not equipped to respond to extra-familial contexts")], "RL"),
    ("b", "national guidance at the time treated young people who carried drugs as offenders rather than as victims "
          "of exploitation", [(A, "National system not equipped to address EFH"), QUOTE], "RL"),

    ("t", "His father had left the family home after incidents of domestic abuse", [(H, "Family")], "RL"),
    ("t", "Child T was permanently excluded from school in Year 10 and placed in a pupil referral unit, where he met "
          "older boys involved in violence.", [(H, "School"), (H, "Peers")], "RL"),
    ("t", "Child T was assaulted by a group of young people outside a fast-food shop on the high street.",
     [(H, "Public location (physical)"), (T, "Serious youth violence")], "RL"),
    ("t", "Videos of the assault were shared on social media and Child T was taunted online for months afterwards.",
     [(H, "Online space"), (T, "Peer-on-peer abuse")], "RL"),
    ("t", "his friend, Child S, told a youth worker about the threats that were being made against Child T",
     [(S, "Peers")], "RL"),
    ("t", "the police and the community safety team carried out weapons sweeps in the park and increased patrols "
          "around the high street after school", [(P, "Contextual intervention (beyond the family)")], "RL"),
    ("t", "A youth worker from the detached team met Child T weekly and helped him to apply for a college course",
     [(P, "Support to individual young person"), (S, "Other accommodation/service")], "RL"),
    ("t", "Children’s social care completed an assessment, which concluded that his mother was able to keep him safe "
          "at home", [(P, "Social care intervention")], "MO"),
    ("t", "local systems were designed to respond to risks within families and had no way to assess or plan for the "
          "peer group", [(A, "Local system not equipped to respond to extra-familial contexts")], "MO"),
    ("t", "national guidance on exclusions did not require schools to consider the risk of extra-familial harm",
     [(A, "National system not equipped to respond to extra-familial contexts")], "MO"),

    ("d", "an intimate image of Young Person D was shared without her consent among pupils at her school",
     [(H, "School"), (T, "Image-based abuse")], "RL"),
    ("d", "She was then bullied in messaging groups and on a video-sharing platform, where pupils posted comments "
          "about her body.", [(H, "Online space"), (T, "Peer-on-peer abuse")], "RL"),
    ("d", "Two of her friends reported the image to the designated safeguarding lead the next morning.",
     [(S, "Peers")], "RL"),
    ("d", "A strategy discussion was held, but no child protection enquiries followed because the harm was seen as a "
          "school matter.", [(P, "Social care intervention"), MEMO], "RL"),
    ("d", "Her school nurse and the GP referred her to the child and adolescent mental health service",
     [(P, "Other intervention (i.e. health)")], "RL"),
    ("d", "The school worked with the police schools officer to deliver sessions on consent and image sharing to the "
          "whole year group.", [(P, "Contextual intervention (beyond the family)")], "RL"),
    ("d", "Her grandmother moved her to a school in another town and took her phone at night",
     [(S, "Family")], "MO"),
    ("d", "services offered to Young Person D were designed for younger children and did not engage her",
     [(A, "Local system not equipped to support adolescents")], "MO"),
]


def selection_start(text: str, excerpt: str) -> int:
    return text.index(excerpt)


def codes_flat():
    """(path, colour, description, depth) for every code, depth first."""
    def walk(nodes, above):
        for name, colour, description, children in nodes:
            path = above + (name,)
            yield path, colour, description, len(above)
            yield from walk(children, path)
    return list(walk(CODEBOOK, ()))


def when(n: int, day: int = 12) -> str:
    minutes = 9 * 60 + 3 * n + 7
    return f"2024-02-{day:02d}T{minutes // 60:02d}:{minutes % 60:02d}:{(17 * n) % 60:02d}Z"


def main() -> None:
    users = {uid: guid(f"user/{uid}") for uid, _ in USERS}
    code_guid = {path: guid("code/" + "/".join(path)) for path, *_ in codes_flat()}
    source_guid = {key: guid(f"source/{key}") for key, *_ in SOURCES}
    texts = {key: (HERE / "sources" / f"{source_guid[key]}.txt").read_text(encoding="utf-8") for key in source_guid}
    for key, text in texts.items():
        assert 1500 <= len(text) <= 4000, (key, len(text))
        first = min(selection_start(text, excerpt) for k, excerpt, *_ in SELECTIONS if k == key)
        assert not text[:first].isascii(), f"{key}: no non-ASCII character before the first coded passage"

    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<Project xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="SCR extra-familial harm - '
           'synthetic NVivo test project" origin="NVivo 14 (14.23.0.x)" '
           f'creatingUserGUID="{users["MO"]}" creationDateTime="2024-02-01T14:02:11Z" '
           f'modifyingUserGUID="{users["RL"]}" modifiedDateTime="2024-03-04T16:47:55Z" '
           'xsi:schemaLocation="urn:QDA-XML:project:1.0 '
           'http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd" xmlns="urn:QDA-XML:project:1.0">',
           '  <Users>']
    out += [f'    <User guid="{users[uid]}" name={quoteattr(name)} id="{uid}" />' for uid, name in USERS]
    out += ['  </Users>', '  <CodeBook>', '    <Codes>']

    def code_xml(nodes, above, indent):
        for name, colour, description, children in nodes:
            path = above + (name,)
            attrs = f'guid="{code_guid[path]}" name={quoteattr(name)} isCodable="true"'
            if colour:
                attrs += f' color="{colour}"'
            pad = " " * indent
            if not description and not children:
                out.append(f"{pad}<Code {attrs} />")
                continue
            out.append(f"{pad}<Code {attrs}>")
            if description:
                out.append(f"{pad}  <Description>{escape(description)}</Description>")
            code_xml(children, path, indent + 2)
            out.append(f"{pad}</Code>")

    code_xml(CODEBOOK, (), 6)
    out += ['    </Codes>', '  </CodeBook>', '  <Variables>']
    variables = [("Gender", "Text", "Person classification"), ("Age", "Integer", "Person classification"),
                 ("Role", "Text", "Person classification"), ("Year", "Integer", "Review classification"),
                 ("Review type", "Text", "Review classification"), ("Area", "Text", "Review classification")]
    variable_guid = {name: guid(f"variable/{name}") for name, *_ in variables}
    for name, kind, description in variables:
        out += [f'    <Variable guid="{variable_guid[name]}" name={quoteattr(name)} typeOfVariable="{kind}">',
                f'      <Description>{description}</Description>', '    </Variable>']
    out += ['  </Variables>', '  <Cases>']

    def value(name, kind, text):
        return (f'      <VariableValue>\n        <VariableRef targetGUID="{variable_guid[name]}" />\n'
                f'        <{kind}Value>{escape(str(text))}</{kind}Value>\n      </VariableValue>')

    cases = 0
    for key, name, _, _, year, kind, area in SOURCES:
        out += [f'    <Case guid="{guid(f"case/review/{key}")}" name={quoteattr(name)}>',
                value("Year", "Integer", year), value("Review type", "Text", kind), value("Area", "Text", area),
                f'      <SourceRef targetGUID="{source_guid[key]}" />', '    </Case>']
        cases += 1
    for name, gender, age, role, key in PEOPLE:
        out += [f'    <Case guid="{guid(f"case/person/{name}")}" name={quoteattr(name)}>',
                value("Gender", "Text", gender), value("Age", "Integer", age), value("Role", "Text", role),
                f'      <SourceRef targetGUID="{source_guid[key]}" />', '    </Case>']
        cases += 1
    out += ['  </Cases>', '  <Sources>']

    reviews, items = defaultdict(set), defaultdict(int)
    harm_types = defaultdict(set)
    excerpts = {}
    n = 0
    for key, name, description, created, *_ in SOURCES:
        out += [f'    <TextSource guid="{source_guid[key]}" name={quoteattr(name)} '
                f'plainTextPath="internal://{source_guid[key]}.txt" creatingUser="{users["MO"]}" '
                f'creationDateTime="{created}" modifyingUser="{users["MO"]}" modifiedDateTime="{created}">',
                f'      <Description>{escape(description)}</Description>']
        text = texts[key]
        mine = sorted((text.index(excerpt), excerpt, paths, coder) for k, excerpt, paths, coder in SELECTIONS if k == key)
        excerpts[name] = [excerpt for _, excerpt, *_ in mine]
        for start, excerpt, paths, coder in mine:
            assert text.count(excerpt) == 1, excerpt
            end = start + len(excerpt)
            assert text[start:end] == excerpt
            n += 1
            stamp = when(n, 12 if coder == "MO" else 19)
            out.append(f'      <PlainTextSelection guid="{guid(f"selection/{key}/{start}")}" '
                       f'startPosition="{start}" endPosition="{end}" creatingUser="{users[coder]}" '
                       f'creationDateTime="{stamp}" modifyingUser="{users[coder]}" modifiedDateTime="{stamp}">')
            for path in paths:
                out += [f'        <Coding guid="{guid(f"coding/{key}/{start}/" + "/".join(path))}" '
                        f'creatingUser="{users[coder]}" creationDateTime="{stamp}">',
                        f'          <CodeRef targetGUID="{code_guid[path]}" />', '        </Coding>']
                target = NOTATIONS.get(path)
                if target and target.startswith("framework/"):
                    reviews[target.removeprefix("framework/")].add(key)
                    items[target.removeprefix("framework/")] += 1
                elif target:
                    harm_types[name].add(target.removeprefix("harm-type/"))
            out.append('      </PlainTextSelection>')
        out.append('    </TextSource>')
    out += ['  </Sources>',
            '  <Description>SYNTHETIC TEST DATA. Four invented serious case reviews and child safeguarding practice '
            'reviews of extra-familial harm to adolescents, coded with the Stage 1 framework (Table 1) of Firmin, '
            'Manister and Peace (2022). No child, family, practitioner or place in it is real; written by hand for '
            'casegraph\'s tests in the shape of an NVivo 14 REFI-QDA export.</Description>',
            '</Project>', '']
    (HERE / "project.qde").write_text("\n".join(out), encoding="utf-8")

    flat = codes_flat()
    expected = {notation: {"reviews": len(reviews[notation]), "items": items[notation]}
                for notation in sorted(reviews)}  # each framework child node coded: sources, selections
    expected.update({
        "sources": len(SOURCES), "selections": n, "codes": len(flat), "cases": cases,
        "unmapped_codes": sorted("/".join(p) for p, *_ in flat if p not in NOTATIONS),
        "harm_types_per_source": {name: sorted(harm_types[name]) for _, name, *_ in SOURCES},
        "excerpts": excerpts,  # each source's coded passages, in the order of their offsets
    })
    (HERE / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(SOURCES)} sources, {n} selections, {len(flat)} codes, {cases} cases")


if __name__ == "__main__":
    main()
