"""How a record looks in a network picture, taken from the ontology's class hierarchy.

Each entity is drawn by its *legend class*: the most specific class of its first record that
sits at most two levels below `cg:Record` (a young person is `YoungPerson`; a park,
`Park` < `PublicSpace` < `Place`, is drawn as a `PublicSpace`; an incident is `Incident`). Its
*family* is the class directly below `cg:Record` (`Person`, `Place`, `Group`, `Incident`, ...).
Colour follows the legend class, shape the family, so a legend of about twenty entries stays
readable and every class the ontology adds gets a style without a code change. Labels in the
legend and on edges are the ontology's own `rdfs:label`s.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from casegraph.ontology import CG, Vocabulary, vocabulary

# Shapes are presentation, chosen per family so the common ones read at a glance; a family the
# ontology adds later takes the fallback shape.
FAMILY_SHAPES = {"Person": "dot", "Place": "square", "Group": "hexagon", "Incident": "star",
                 "ProfessionalResponse": "diamond", "ContextAssociation": "triangle",
                 "Challenge": "triangleDown", "Recommendation": "ellipse"}
FALLBACK_SHAPE = "ellipse"
# Okabe and Ito's palette, which people with any colour vision tell apart, in an order that keeps
# neighbours far apart. Colours are assigned within a family (people, places, ...), whose classes
# never number more than these; the shape tells the families apart, so no two classes of the
# legend share both shape and colour. Yellow is darkened to read on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#B8A200",
           "#7F7F7F")
# Each family starts at its own colour (incidents vermillion, people blue), so a picture is not all
# one colour; people, the classes an analyst looks for first, in the order they matter.
FAMILY_START = {"Person": 0, "Incident": 1, "Place": 2, "Group": 3, "ContextAssociation": 4,
                "ProfessionalResponse": 5, "Challenge": 7, "Recommendation": 8}
FIRST_CLASSES = ("YoungPerson", "Peer", "UnconnectedAdult", "FamilyMember", "Professional", "Reviewer")
NOT_DRAWN = frozenset({CG + "Relationship"})  # reified relationship records: drawn as their edges


@dataclass(frozen=True)
class ClassStyle:
    """The look of one legend class."""

    name: str  # local name, e.g. "YoungPerson"
    label: str  # the ontology's label, e.g. "young person"
    family: str  # local name of the family, e.g. "Person"
    colour: str
    shape: str


def _depth(vocab: Vocabulary, iri: str) -> int:
    """Levels below cg:Record: Person 1, YoungPerson 2, Park 3; 0 for Record and classes outside it."""
    above = vocab.superclasses.get(iri, {iri})
    return len(above - {iri}) if CG + "Record" in above and iri != CG + "Record" else 0


@functools.lru_cache(maxsize=1)
def class_styles() -> dict[str, ClassStyle]:
    """Every legend class of the ontology, by local name, in legend order (family, then class)."""
    vocab = vocabulary()
    drawn = [iri for iri in vocab.superclasses if iri.startswith(CG) and 1 <= _depth(vocab, iri) <= 2
             and not (vocab.superclasses[iri] & NOT_DRAWN)]
    family_of = {iri: next(c for c in vocab.superclasses[iri] if _depth(vocab, c) == 1) for iri in drawn}
    families = list(FAMILY_SHAPES)  # people first, then places, groups, incidents, ...

    def order(iri: str) -> tuple:
        family = family_of[iri][len(CG):]
        rank = families.index(family) if family in families else len(families)
        name = iri[len(CG):]
        first = FIRST_CLASSES.index(name) if name in FIRST_CLASSES else len(FIRST_CLASSES)
        return rank, family, -_depth(vocab, iri), first, iri  # a family's own class after its subclasses

    ordered = sorted(drawn, key=order)
    styles, in_family = {}, {}
    for iri in ordered:
        family = family_of[iri][len(CG):]
        index = in_family[family] = in_family.get(family, FAMILY_START.get(family, 0) - 1) + 1
        styles[iri[len(CG):]] = ClassStyle(iri[len(CG):], vocab.label(iri), family,
                                           PALETTE[index % len(PALETTE)], FAMILY_SHAPES.get(family, FALLBACK_SHAPE))
    return styles


def legend_class(labels: set[str] | frozenset[str]) -> ClassStyle | None:
    """The style of a record with these view labels (its class and superclasses), or None.

    >>> legend_class({"Record", "Place", "PublicSpace", "Park"}).name
    'PublicSpace'
    >>> legend_class({"Record", "Person", "YoungPerson"}).shape
    'dot'
    """
    return _legend_class(frozenset(labels))


@functools.lru_cache(maxsize=256)  # a corpus has a few dozen label sets and up to millions of records
def _legend_class(labels: frozenset[str]) -> ClassStyle | None:
    vocab, styles = vocabulary(), class_styles()
    candidates = [label for label in labels if label in styles]
    if not candidates:
        return None
    return styles[max(candidates, key=lambda label: (_depth(vocab, CG + label), label))]


@functools.lru_cache(maxsize=1)
def relationship_labels() -> dict[str, str]:
    """Relationship type in the view (`HAS_VICTIM`) -> the property's label (`has victim`)."""
    from casegraph.graph.view_names import relationship_type  # the view imports pyoxigraph: not at `--help`

    vocab = vocabulary()
    return {relationship_type(iri): vocab.label(iri) for iri in vocab.object_properties}
