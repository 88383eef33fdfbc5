"""The phrasing families of synthetic review narratives: how each family words dates, ages,
harm, professional responses, contexts, findings and recommendations.

Each table gives one wording per family, in the order of `FAMILIES`. Templates are filled by
`casegraph.synthetic.narrative`: `{V}` the victims, `{be}` was/were, `{a_victim}` a victim /
victims, `{by}` " by <perpetrators>" (or nothing), `{from}` " from <perpetrators>", `{their}` the
victim's possessive pronoun, `{A}` an agency, `{T}` who or what a response targeted, `{Y}` a young
person, `{PL}` a place, `{R}` a closure reason. `practitioner` is kept out of development
(`HELD_OUT`): its dates (03/03/2016, "Mar 2016", "2015-16"), hedged harm wording ("there were
concerns about", "disclosed"), agency names (the local authority, the DSL, CAMHS, the YOS) and
"learning points" are found in no other family.
"""
from __future__ import annotations

import re

from casegraph.synthetic.tables import MONTHS

FAMILIES: tuple[str, ...] = ("formal", "chronology", "plain", "practitioner")
HELD_OUT = "practitioner"

EXPLOITATION = ("sexual-exploitation", "criminal-exploitation", "county-lines")
TITLES = ("Mr", "Ms", "Mrs", "Adult", "Perpetrator", "Young", "Child", "YP", "House")  # no short form after these
PRONOUNS = {"female": ("she", "her", "her"), "male": ("he", "him", "his")}

HARM = {  # harm code -> a clause per family
    "sexual-exploitation": ("{V} {be} sexually exploited{by}", "{V} {be} {a_victim} of CSE{by}",
                            "{V} {be} groomed and sexually abused{by}",
                            "there were concerns about child sexual exploitation of {V}{by}"),
    "online-grooming": ("{V} {be} groomed online{by}", "{V} {be} {a_victim} of online grooming{by}",
                        "{V} {be} contacted and groomed over the internet{by}",
                        "{V} {be} targeted for grooming through social media{by}"),
    "criminal-exploitation": ("{V} {be} criminally exploited{by}", "{V} {be} {a_victim} of CCE{by}",
                              "{V} {be} made to carry and sell drugs{by}",
                              "there were concerns about child criminal exploitation of {V}{by}"),
    "county-lines": ("{V} {be} exploited through county lines drug dealing{by}",
                     "{V} {be} {a_victim} of county lines exploitation{by}",
                     "{V} {be} sent out of the area to sell drugs on a county line{by}",
                     "{V} {be} drawn into a county lines operation{by}"),
    "drug-misuse": ("{V} {be} supplied with drugs{by}", "{V} {be} {a_victim} of drug-related harm{by}",
                    "{V} {be} given cannabis and other drugs{by}", "{V} {be} encouraged to use substances{by}"),
    "radicalisation": ("{V} {be} radicalised{by}", "{V} {be} {a_victim} of radicalisation{by}",
                       "{V} {be} drawn into extremist views{by}", "{V} {be} exposed to extremist grooming{by}"),
    "peer-on-peer-abuse": ("{V} {be} subjected to peer-on-peer abuse{by}",
                           "{V} {be} {a_victim} of peer-on-peer abuse{by}", "{V} {be} picked on and abused{by}",
                           "{V} experienced child-on-child abuse{from}"),
    "sexual-assault": ("{V} {be} sexually assaulted{by}", "{V} {be} {a_victim} of a sexual assault{by}",
                       "{V} {be} forced into sexual activity{by}", "{V} disclosed a sexual assault{by}"),
    "bullying": ("{V} {be} bullied{by}", "{V} {be} {a_victim} of bullying{by}", "{V} {be} picked on and bullied{by}",
                 "{V} experienced bullying{from}"),
    "image-based-abuse": ("{V} {be} subjected to image-based abuse{by}", "{V} {be} {a_victim} of image-based abuse{by}",
                          "intimate images of {V} were shared without consent{by}",
                          "nude images of {V} were circulated{by}"),
    "serious-youth-violence": ("{V} {be} the victim of serious youth violence{by}",
                               "{V} {be} {a_victim} of serious youth violence (SYV){by}",
                               "{V} {be} badly hurt in a violent attack{by}",
                               "{V} {be} caught up in serious violence and attacked{by}"),
    "physical-assault": ("{V} {be} physically assaulted{by}", "{V} {be} {a_victim} of an assault{by}",
                         "{V} {be} beaten up{by}", "{V} {be} punched and kicked{by}"),
    "harmful-sexual-behaviour": ("{V} {be} subjected to harmful sexual behaviour{by}",
                                 "{V} {be} {a_victim} of HSB{by}",
                                 "{V} {be} on the receiving end of harmful sexual behaviour{by}",
                                 "{V} experienced harmful sexual behaviour{from}"),
    "intimate-partner-abuse": ("{V} {be} abused in an intimate relationship{by}",
                               "{V} {be} {a_victim} of teenage relationship abuse{by}",
                               "{V} {be} hurt and controlled in a relationship{by}",
                               "{V} experienced coercive control in a relationship{from}"),
    "suicide": ("{V} took {their} own life", "{V} died by suicide", "{V} ended {their} life",
                "{V} was found to have taken {their} own life"),
}
HARM_NOUN = {  # harm code -> a noun phrase per family (introductions)
    "sexual-exploitation": ("child sexual exploitation", "CSE", "sexual exploitation",
                            "child sexual exploitation (CSE)"),
    "criminal-exploitation": ("child criminal exploitation", "CCE", "criminal exploitation",
                              "child criminal exploitation (CCE)"),
    "county-lines": ("county lines exploitation", "county lines", "county lines drug dealing", "county lines"),
    "peer-on-peer-abuse": ("peer-on-peer abuse", "peer-on-peer abuse", "abuse by other young people",
                           "child-on-child abuse"),
    "serious-youth-violence": ("serious youth violence", "SYV", "serious violence between young people",
                               "serious youth violence"),
    "harmful-sexual-behaviour": ("harmful sexual behaviour", "HSB", "harmful sexual behaviour",
                                 "harmful sexual behaviour (HSB)"),
    "intimate-partner-abuse": ("intimate partner abuse", "relationship abuse", "abuse in a relationship",
                               "teenage relationship abuse"),
    "drug-misuse": ("drug misuse", "drug misuse", "drug use", "substance misuse"),
    "radicalisation": ("radicalisation", "radicalisation", "radicalisation", "radicalisation"),
    "suicide": ("suicide", "suicide", "suicide", "suicide"),
}
NEGATABLE = {  # harm codes a distractor may deny: (participle, noun); related codes block each other
    "criminal-exploitation": ("criminally exploited", "criminal exploitation"),
    "sexual-exploitation": ("sexually exploited", "sexual exploitation"),
    "radicalisation": ("radicalised", "radicalisation"),
    "serious-youth-violence": ("involved in serious youth violence", "serious youth violence"),
    "intimate-partner-abuse": ("abused by a partner", "relationship abuse"),
}
RELATED = {"criminal-exploitation": {"criminal-exploitation", "county-lines", "drug-misuse"},
           "sexual-exploitation": {"sexual-exploitation", "online-grooming", "sexual-assault"},
           "radicalisation": {"radicalisation"},
           "serious-youth-violence": {"serious-youth-violence", "physical-assault"},
           "intimate-partner-abuse": {"intimate-partner-abuse"}}
DISTRACTORS = {  # kind -> a sentence per family; all asserted: false
    "negated": ("There was no evidence that {V} was {pp} at this time.",
                "No concerns about {noun} in relation to {V} were recorded at this point.",
                "There is nothing to suggest that {V} was {pp}.",
                "{noun} was not identified as a concern for {V}."),
    "hypothetical": ("Professionals considered whether {V} might be at risk of {noun}.",
                     "Query whether {V} was at risk of {noun}.",
                     "Some professionals wondered if {V} could be at risk of {noun}.",
                     "Practitioners queried whether {V} may have been at risk of {noun}."),
    "missed": ("Had a strategy meeting been convened earlier, the risks to {V} might have been recognised.",
               "A strategy meeting for {V} would have been appropriate but was not held.",
               "If someone had called a strategy meeting, the risks to {V} might have been seen sooner.",
               "An NRM referral for {V} could have been considered."),
    "not-missing": ("{V} was not reported missing during this period.",
                    "No missing episodes for {V} were recorded.",
                    "{V} did not go missing from home at this time.",
                    "There were no missing from home reports for {V}."),
    "unknown": ("It is not known whether {P} had contact with other young people.",
                "Not known whether {P} was linked to other young people.",
                "Nobody knows if {P} was in touch with other children as well.",
                "It remains unclear whether {P} targeted other young people."),
    "history": ("{F} had previously been excluded from school.", "{F} had been known to CSC as a child.",
                "{F} had been excluded from school years before.",
                "{F} had historically been known to the local authority."),
}
AGENCY = {
    "childrens-social-care": ("children's social care", "CSC", "children's services", "the local authority"),
    "police": ("the police", "Police", "police officers", "the police"),
    "education": ("the school", "Education", "school staff", "the DSL"),
    "health": ("health services", "Health", "the GP", "CAMHS"),
    "youth-justice": ("the youth offending team", "YOT", "youth justice workers", "the YOS"),
    "voluntary-sector": ("a voluntary sector project", "VCS", "a local charity", "the specialist exploitation service"),
    "housing": ("housing services", "Housing", "the council's housing team", "the housing officer"),
}
RESPONSE = {  # response kind -> a clause per family
    "assessment": ("{A} completed a single assessment of {T}", "{A} single assessment of {T}", "{A} assessed {T}",
                   "{A} did a child and family assessment for {T}"),
    "referral": ("{A} referred {T} to children's social care", "{A} referral to the MASH about {T}",
                 "{A} made a referral about {T} to children's services", "{A} raised concerns about {T} with the MASH"),
    "plan": ("{A} put a child in need plan in place for {T}", "{A} child in need plan for {T}",
             "{A} drew up a plan to support {T}", "{A} agreed a CIN plan for {T}"),
    "strategy-meeting": ("{A} convened a strategy meeting about {T}", "{A} strategy meeting re {T}",
                         "{A} held a meeting with other agencies to plan how to keep {T} safe",
                         "{A} held a strategy discussion about {T}"),
    "child-protection-enquiry": ("{A} undertook section 47 enquiries in respect of {T}", "{A} s47 enquiry re {T}",
                                 "{A} started child protection enquiries about {T}",
                                 "{A} completed a s.47 enquiry for {T}"),
    "casework": ("{A} undertook direct work with {T}", "{A} direct work with {T}", "{A} worked with {T}",
                 "{A} offered {T} 1:1 support"),
    "disruption": ("{A} undertook disruption activity around {T}", "{A} disruption activity re {T}",
                   "{A} tried to disrupt the harm around {T}", "{A} carried out disruption work around {T}"),
    "out-of-home-placement": ("{A} placed {T} at {PL}", "{A} placed {T} at {PL}", "{A} moved {T} to {PL}",
                              "{A} accommodated {T} at {PL}"),
    "contextual-intervention": ("{A} undertook a contextual intervention focused on {T}",
                                "{A} contextual safeguarding work re {T}", "{A} worked to make {T} safer",
                                "{A} ran a contextual safeguarding intervention around {T}"),
    "case-closure": ("{A} closed the case of {T}{R}", "{A} closed case re {T}{R}", "{A} stopped working with {T}{R}",
                     "{A} closed the case for {T}{R}"),
}
CLOSURE = {
    "below-threshold": ("because the threshold for statutory intervention was no longer met", "(below threshold)",
                        "because things no longer met the threshold", "as thresholds were not met"),
    "parents-protective": ("because the parents were assessed as protective", "(parents protective)",
                           "because the parents were thought able to protect", "as parents were judged protective"),
    "other-agency-involved": ("because other agencies were now involved", "(other agency involved)",
                              "because another service was working with the family",
                              "as other professionals were involved"),
    "consent-withdrawn": ("because consent to further work was withdrawn", "(consent withdrawn)",
                          "because the family did not want more help", "as consent was withdrawn"),
}
CONTEXT = {  # context type -> a noun per family
    "peers": ("peer relationships", "peers", "friendships", "peer networks"),
    "public-location": ("public places", "public spaces", "places out in the community", "public locations"),
    "online-space": ("online spaces", "online", "the internet and social media", "online platforms"),
    "family": ("the family", "family", "home life", "the family network"),
    "school": ("school", "school", "school", "education settings"),
    "accommodation-service": ("accommodation and support services", "accommodation/services",
                              "where they lived and the services they used", "placements and services"),
    "unconnected-adults": ("unconnected adults", "adults outside the family", "adults from outside the family",
                           "non-familial adults"),
    "other-context": ("another context", "other context", "another part of their life", "another setting"),
}
CONTEXT_FRAME = {  # dynamic -> a sentence per family
    "harm": ("For {Y}, {C} formed a context of harm{D}.", "Context of harm for {Y}: {C}{D}.",
             "{Y} was put at risk through {C}{D}.", "Harm to {Y} was linked to {C}{D}."),
    "safety": ("For {Y}, {C} provided a source of safety{D}.", "Context of safety for {Y}: {C}{D}.",
               "{Y} found safety in {C}{D}.", "{C} offered {Y} protection{D}."),
}
APPROACH = {  # framework code -> a finding per family
    "poor-local-implementation": (
        "The review found that the procedures in place were sound but were not followed consistently.",
        "Finding: existing procedures adequate; local implementation poor.",
        "The rules were good enough, but people did not always follow them.",
        "The learning is about practice: the right systems were there but were not used well."),
    "local-not-equipped-efh": (
        "Local services were not equipped to respond to extra-familial harm.",
        "Finding: local system not equipped for extra-familial harm.",
        "Local services did not know how to deal with harm from outside the family.",
        "The local safeguarding system was not set up to tackle EFH."),
    "local-not-equipped-adolescents": (
        "Local responses were not designed to engage adolescents.",
        "Finding: local services not equipped to work with adolescents.",
        "Services in the area were not good at working with teenagers.",
        "Local services struggled to engage teenagers and need redesigning around them."),
    "local-not-equipped-contexts": (
        "Local systems could not identify links between young people, adults and places.",
        "Finding: local systems unable to respond to extra-familial contexts.",
        "Local services could not see how the young people, adults and places were linked.",
        "Local agencies had no way to work with the peer groups and places where harm happened."),
    "national-not-equipped-efh": (
        "The national safeguarding system was not equipped to address extra-familial harm.",
        "Finding: national system not equipped for extra-familial harm.",
        "The national system is not built to deal with harm from outside the family.",
        "National frameworks do not yet support practitioners to address EFH."),
    "national-not-equipped-contexts": (
        "The national child protection system was not designed to intervene in contexts beyond the family home.",
        "Finding: national system not designed for contexts beyond the family.",
        "The national child protection rules only reach into families, not into the places where harm happens.",
        "National child protection procedures cannot be applied to peer groups, schools or public spaces."),
}
REC_ALT = {  # theme -> ((local, national) for plain, (local, national) for practitioner)
    "improve-local-implementation": (
        ("Agencies should use the exploitation procedures they already have.",
         "National bodies should reissue multi-agency guidance and check that it is used."),
        ("Practitioners should apply the existing exploitation pathway consistently.",
         "The national panel should monitor how multi-agency guidance is used.")),
    "engage-adolescents": (
        ("Workers should be given time to build trusting relationships with teenagers.",
         "National guidance should explain how services can engage teenagers at risk."),
        ("Services should support staff to build trusted relationships with adolescents.",
         "Government should set out how services engage adolescents at risk of harm.")),
    "systems-cannot-identify-links": (
        ("Records should show how young people, adults, places and incidents are linked.",
         "National data systems should show the links between victims and incidents."),
        ("Recording systems should capture links between people, places and incidents.",
         "National systems should allow links between victims and incidents to be seen.")),
    "staff-cannot-intervene-in-contexts": (
        ("Staff should be trained to work with peer groups and places.",
         "National training should cover work with peer groups and places."),
        ("Staff should have training in contextual safeguarding of peer groups and places.",
         "National bodies should fund training in contextual safeguarding.")),
    "policy-does-not-reach-beyond-family": (
        ("Local policy should cover risks outside the family home.",
         "National policy should cover risks outside the family home."),
        ("Local policy should be extended to risks outside the home.",
         "National policy should be extended to risks outside the home.")),
    "national-system-not-designed-for-contexts": (
        ("The partnership should ask for child protection rules that reach beyond families.",
         "The child protection system should be able to act beyond families."),
        ("The partnership should press for child protection procedures that reach beyond families.",
         "Child protection procedures should be redesigned to reach beyond families.")),
    "other-theme": (
        ("The partnership should look again at its specialist services.",
         "Government should look again at how specialist services are funded."),
        ("The partnership should review its specialist services.",
         "Government should review funding for specialist services.")),
}
REC_FRAME = ("Recommendation {n}: {text}", "R{n} ({level}): {text}", "{n}. {text}", "Learning point {n}: {text}")
REC_HEADINGS = (("Local recommendations", "National recommendations"), ("", ""),
                ("What the partnership should do", "What national bodies should do"),
                ("Learning for local practice", "Learning for national policy"))
SECTIONS = (("Introduction", "Key people", "Background", "Key episodes", "Professional responses", "Findings",
             "Recommendations"),
            ("1. Scope of the review", "2. Persons referred to", "3. Background", "4. Chronology of key events",
             "5. Agency involvement", "6. Analysis", "7. Recommendations"),
            ("About this review", "The people in this review", "Growing up", "What happened",
             "What services did", "What we found", "What needs to change"),
            ("Why this review was commissioned", "Who is who", "Context", "Key practice episodes",
             "Multi-agency response", "Learning", "Learning points"))
INTRO = ("This review was commissioned by {P} following concerns about {H} affecting {Y}.",
         "Scope: the multi-agency response to {H} concerning {Y}.",
         "This review looks at what happened to {Y}, and at concerns about {H}.",
         "The review was commissioned after concerns about {H} in relation to {Y}.")
KIND = {"scr": ("Serious Case Review", "Serious Case Review", "Serious Case Review", "SCR"),
        "cspr": ("Child Safeguarding Practice Review",) * 3 + ("Local Child Safeguarding Practice Review",)}
FILLER = (("Agencies provided chronologies of their involvement and practitioners took part in a learning event.",
           "The review followed a systems methodology."),
          ("Sources: agency chronologies; practitioner event; family contribution.",
           "Period under review: as set out in the terms of reference."),
          ("We read the records of every service involved and talked to the people who worked with the family.",
           "We want to thank everyone who helped with this review."),
          ("The review used a practitioner-led approach, drawing on reflective conversations with staff.",
           "Practitioners were open about the challenges they faced."))
AUTHOR = ("Author: independent reviewer", "Independent author", "Written by an independent reviewer",
          "Lead reviewer: independent")
ROLE = {"young-person": ("the subject of this review", "subject", "the young person this review is about",
                         "young person at the centre of the review"),
        "peer": ("a peer", "peer", "another young person", "peer"),
        "unconnected-adult": ("an adult", "adult", "an adult", "adult"),
        "family-member": ("a family member", "family member", "a relative", "family member"),
        "professional": ("a practitioner from {a}", "professional ({a})", "a professional", "practitioner")}
NOUN = {"young-person": {"female": "girl", "male": "boy"}, "peer": {"female": "girl", "male": "boy"},
        "unconnected-adult": {"female": "woman", "male": "man"}}
ALIAS = ("also known as '", "alias '", "known as '", "AKA '")
BORN = ("born in ", "born ", "{s} born in ", "DOB ")
STAY = {"attends": ("attended", "attended", "went to", "was on roll at"),
        "lives_at": ("lived at", "lived at", "lived at", "was living at"),
        "frequents": ("spent time at", "frequented", "often went to", "was known to spend time at")}
EXCLUSION = {"fixed-term": " was given a fixed-term exclusion", "permanent": " was permanently excluded",
             "managed-move": " was moved to another school on a managed move",
             "alternative-provision": " was moved to Alternative Provision", "not-stated": " was excluded"}
PUBLISHED = ("Published: {d}", "Date of publication: {d}", "Published in {d}", "Published {d}")

_MONTH = "(" + "|".join(MONTHS) + ")"
_FORMS = [("day", r"(\d{4})-(\d{2})-(\d{2})"), ("month", r"(\d{4})-(\d{2})"), ("year", r"(\d{4})"),
          ("dmy", rf"(\d{{1,2}})(?:st|nd|rd|th)? {_MONTH} (\d{{4}})"), ("my", rf"{_MONTH} (\d{{4}})"),
          ("part", r"(early|mid|late|spring|summer|autumn|winter) (\d{4})"),
          ("about", r"(?:about|around|circa|c\.|~) (\d{4})"), ("slash", r"(\d{4})/(\d{4})"),
          ("range", r"(\d{4}) to (\d{4})"), ("aged", r"aged (.+)")]


def ordinal(day: int) -> str:
    return f"{day}{'th' if 10 <= day <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"


def parse_when(when) -> tuple:
    """A review file's date as (form, values): ("day", y, m, d), ("month", y, m), ("year", y), ..."""
    text = str(when).strip()
    for form, pattern in _FORMS:
        match = re.fullmatch(pattern, text)
        if not match:
            continue
        g = match.groups()
        if form == "day":
            return "day", int(g[0]), int(g[1]), int(g[2])
        if form == "dmy":
            return "day", int(g[2]), MONTHS.index(g[1]) + 1, int(g[0])
        if form == "month":
            return "month", int(g[0]), int(g[1])
        if form == "my":
            return "month", int(g[1]), MONTHS.index(g[0]) + 1
        return (form, *(int(v) if v.isdigit() else v for v in g))
    return "raw", text


def date_key(when) -> tuple:
    """(year, month, day) to order dates by, 0 for what a date does not give; undated last."""
    form, *v = parse_when(when)
    if form in ("day", "month"):
        return (*v, 0) if form == "month" else tuple(v)
    years = [x for x in v if isinstance(x, int)]
    return (years[0], 0, 0) if years else (9999, 0, 0)


def date_phrase(when, family: str) -> tuple[str, str]:
    """(preposition, date) as the family writes a date: ("on ", "3 March 2016"), ("", "2016-03")."""
    form, *v = parse_when(when)
    i = FAMILIES.index(family)
    if form == "day":
        y, m, d = v
        return ("on ", "")[i == 1], (f"{d} {MONTHS[m - 1]} {y}", f"{y}-{m:02d}-{d:02d}",
                                     f"{ordinal(d)} {MONTHS[m - 1]} {y}", f"{d:02d}/{m:02d}/{y}")[i]
    if form == "month":
        y, m = v
        return ("in ", "")[i == 1], (f"{MONTHS[m - 1]} {y}", f"{y}-{m:02d}", f"{MONTHS[m - 1]} {y}",
                                     f"{MONTHS[m - 1][:3]} {y}")[i]
    if form == "year":
        return ("in ", "", "during ", "over the course of ")[i], str(v[0])
    if form == "part":
        return ("in ", "", "in ", "in ")[i], f"{v[0]}{'-' if i == 3 and v[0] == 'mid' else ' '}{v[1]}"
    if form == "about":
        return ("", "", "", "in ")[i], ("around", "c.", "around", "approximately")[i] + f" {v[0]}"
    if form == "slash":
        return ("in ", "", "in ", "in ")[i], f"{v[0]}/{v[1] % 100:02d}" if i == 3 else f"{v[0]}/{v[1]}"
    if form == "range":
        return "", (f"between {v[0]} and {v[1]}", f"{v[0]} to {v[1]}", f"from {v[0]} to {v[1]}",
                    f"{v[0]}-{v[1] % 100:02d}")[i]
    if form == "aged":
        return "", f"aged {v[0]}"
    return ("in ", "", "in ", "in ")[i], v[0]


def age_core(age) -> str:
    """An age as a number or a phrase: 14, "about 14", "13-14", "14-15 (approx.)"."""
    text = str(age)
    return text[len("aged "):] if text.startswith("aged ") else text


def age_phrase(age, at: str, family: str, pronoun: str) -> tuple[str, str]:
    """(words before the age, words after it) as the family writes "aged 14 in March 2016"."""
    i, core = FAMILIES.index(family), age_core(age)
    at_part = f" in {at}" if at else ""
    if i == 0:
        return "aged ", at_part
    if i == 1:
        return "(", at_part + ")"
    if i == 2 and core.isdigit():
        return "an " if core in ("8", "11", "18") or core.startswith("8") else "a ", f"-year-old{at_part}"
    if i == 2:
        return "aged ", at_part
    return f"{pronoun} {'were' if pronoun == 'they' else 'was'} ", at_part


def distractor_plan(doc: dict, rng, family: str) -> list[tuple[str, dict]]:
    """The distractors of a review: (template, slots), a slot ("person", id) to be named. Each
    subject gets a negated and a hypothetical harm the review does not have, a missed strategy
    meeting and (with no missing episodes) a denial of going missing; family members' and
    adults' histories are others' facts."""
    i, out = FAMILIES.index(family), []
    people = doc.get("people", [])
    present = set(doc["review"].get("harm_types", [])) | {
        h for inc in doc.get("incidents", []) for h in inc.get("harm_types", [])}
    absent = [code for code in NEGATABLE if not RELATED[code] & present]
    for p in (p for p in people if p["role"] == "young-person"):
        who = {"V": ("person", p["id"])}
        if absent:
            pp, noun = NEGATABLE[rng.choice(absent)]
            out.append((DISTRACTORS["negated"][i], {"pp": pp, "noun": noun, **who}))
            out.append((DISTRACTORS["hypothetical"][i], {"noun": NEGATABLE[rng.choice(absent)][1], **who}))
        out.append((DISTRACTORS["missed"][i], who))
        if not p.get("missing_episodes"):
            out.append((DISTRACTORS["not-missing"][i], who))
    out += [(DISTRACTORS["history"][i], {"F": ("person", p["id"])}) for p in people
            if p["role"] == "family-member"][:2]
    out += [(DISTRACTORS["unknown"][i], {"P": ("person", p["id"])}) for p in people
            if p["role"] == "unconnected-adult"][:2]
    return out


def latin1(text: str) -> str:
    """The text in the PDF core fonts' encoding, one character for one."""
    table = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
    return "".join(ch if ord(ch) < 256 else table.get(ch, "?") for ch in text)
