"""The codebook: every code list a review file draws on, as a coder reads it.

Three kinds of list, one shape:

- the SKOS concept schemes of codes.ttl (``harm-type``, ``agency``, ``response-kind``, ...);
- the class-based lists of casegraph.ttl: the classes with a ``skos:notation`` below each of
  `CLASS_ROOTS` (person roles ``Person``, group kinds ``Group``, place kinds ``Place``, context
  dynamics ``ContextAssociation``), named by their root as review fields name them;
- the relationship kinds (``relationship-kind``): the ``cg:knows`` sub-properties with a notation.

Each list holds exactly the codes `vocabulary()` accepts, with their labels, definitions and
scope notes, narrower codes after their broader one. Which review fields use a list is the
loaders' business (a higher layer); `markdown` takes it as an argument.

>>> harm = code_list("harm-type")
>>> harm.kind, harm.code("county-lines").broader
('scheme', ('criminal-exploitation',))
"""
from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

from casegraph.errors import CasegraphError
from casegraph.ontology import CG, CLASS_ROOTS, CODE, CODES_FILE, ONTOLOGY_FILE, PREFIXES, RDFS, SKOS, vocabulary

RELATIONSHIP_KIND = "relationship-kind"
CLASS_LIST_LABELS = {"Person": "Person roles", "Group": "Group kinds", "Place": "Place kinds",
                     "ContextAssociation": "Context dynamics"}
_TEXT_PREDICATES = {SKOS + "prefLabel": "label", RDFS + "label": "rdfs_label", SKOS + "altLabel": "alt",
                    SKOS + "definition": "definition", SKOS + "scopeNote": "scope"}


@dataclass(frozen=True)
class Code:
    """One code of a list, as a review file writes it (its ``notation``) and what it means.

    broader: the notations of its broader codes in the same list (a narrower concept, or a
             subclass of a coded class); empty for a top code.
    depth: 0 for a top code, one more than its first broader code otherwise.
    """

    notation: str
    label: str
    definition: str
    iri: str
    scope_notes: tuple[str, ...] = ()
    alt_labels: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    depth: int = 0


@dataclass(frozen=True)
class CodeList:
    """A code list: a concept scheme, a class root's coded subclasses, or the relationship kinds.

    id: what review fields name it by: the scheme id ("harm-type"), the class root ("Place")
        or "relationship-kind".
    kind: "scheme", "class" or "relationship".
    codes: top codes in notation order, each followed by its narrower codes (depth first).
    """

    id: str
    label: str
    definition: str
    kind: str
    iri: str
    codes: tuple[Code, ...]
    scope_notes: tuple[str, ...] = ()

    def code(self, notation: str) -> Code:
        """The code with this notation (KeyError naming it when the list has none)."""
        for code in self.codes:
            if code.notation == notation:
                return code
        raise KeyError(f"{self.id} has no code {notation!r}")

    def narrower(self, notation: str) -> list[Code]:
        """The codes directly under `notation`, in list order."""
        return [code for code in self.codes if notation in code.broader]

    def as_dict(self) -> dict:
        """Plain data (for JSON): the list's fields, its codes as dicts."""
        return asdict(self)


class UnknownCodeList(CasegraphError, KeyError):
    """No code list by that name; carries the close matches and the known ids."""

    def __init__(self, name: str, suggestions: Sequence[str], known: Sequence[str]):
        self.name, self.suggestions, self.known = name, tuple(suggestions), tuple(known)
        hint = f" (did you mean {', '.join(repr(s) for s in suggestions)}?)" if suggestions else ""
        super().__init__(f"unknown code list {name!r}{hint}; the code lists are: {', '.join(known)}")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]

    def __reduce__(self):
        return type(self), (self.name, self.suggestions, self.known)


@functools.cache
def codebook() -> tuple[CodeList, ...]:
    """Every code list: concept schemes by id, then the class lists in `CLASS_ROOTS` order, then
    the relationship kinds (read once per process)."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in (ONTOLOGY_FILE, CODES_FILE):
        store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

    def pairs(body: str) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for a, b in store.query(prefixes + body):
            found.setdefault(a.value, set()).add(b.value)
        return found

    texts: dict[str, dict[str, list]] = {}
    values = " ".join(f"<{p}>" for p in _TEXT_PREDICATES)
    for subject, predicate, literal in store.query(f"SELECT ?s ?p ?o {{ ?s ?p ?o VALUES ?p {{ {values} }} }}"):
        if isinstance(literal, ox.Literal):
            texts.setdefault(subject.value, {}).setdefault(_TEXT_PREDICATES[predicate.value], []).append(literal)
    broader = pairs("SELECT ?n ?b { { ?n skos:broader ?b } UNION { ?b skos:narrower ?n } }")
    subclass = pairs("SELECT ?c ?s { ?c rdfs:subClassOf ?s FILTER(isIRI(?s)) }")
    subproperty = pairs("SELECT ?p ?s { ?p rdfs:subPropertyOf ?s FILTER(isIRI(?s)) }")

    def make(list_id: str, kind: str, iri: str, members: Mapping[str, str], up: Mapping[str, set[str]],
             label: str | None = None) -> CodeList:
        about = _Texts(texts.get(iri, {}))
        return CodeList(list_id, label or about.label() or list_id, about.first("definition"), kind, iri,
                        _ordered(members, up, texts, stop=iri), about.all("scope"))

    def class_list_label(root: str) -> str:
        return CLASS_LIST_LABELS.get(root) or f"Kinds of {_Texts(texts.get(CG + root, {})).label() or root}"

    vocab = vocabulary()
    lists = [make(scheme, "scheme", CODE + scheme, _inverse(vocab.schemes[scheme]), broader)
             for scheme in sorted(vocab.schemes)]
    lists += [make(root, "class", CG + root, _inverse(vocab.class_codes.get(root, {})), subclass,
                   label=class_list_label(root))
              for root in CLASS_ROOTS]
    lists.append(make(RELATIONSHIP_KIND, "relationship", CG + "knows", _inverse(vocab.relationship_codes),
                      subproperty, label="Relationship kinds"))
    return tuple(lists)


def code_list(name: str) -> CodeList:
    """The code list called `name` (its id; case does not matter), or `UnknownCodeList`."""
    lists = {found.id: found for found in codebook()}
    if name in lists:
        return lists[name]
    folded = {list_id.casefold(): found for list_id, found in lists.items()}
    if name.casefold() in folded:
        return folded[name.casefold()]
    close = difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=0.5)
    raise UnknownCodeList(name, [folded[c].id for c in close], list(lists))


def markdown(lists: Iterable[CodeList] | None = None, uses: Mapping[str, Sequence[str]] | None = None,
             header: Sequence[str] = ()) -> str:
    """The code lists as one Markdown document: an index, then every list and every code with
    its definition and scope notes, narrower codes nested under their broader one.

    uses: list id -> the review fields that use it, shown as written ("review.harm_types").
    header: lines put under the title (what generated the document, for instance).
    """
    lists = list(codebook() if lists is None else lists)
    uses = uses or {}
    out = ["# Code lists", "", *header, *([""] if header else []),
           "Every code a review file may use, with what it means. Write the code (in `backticks`); "
           "narrower codes are indented under the broader code they refine.", "",
           "| List | Name | Codes | Used by |", "| --- | --- | ---: | --- |"]
    out += [f"| [`{found.id}`](#{_anchor(found.id)}) | {_cell(found.label)} | {len(found.codes)} | "
            f"{_cell(', '.join(f'`{use}`' for use in uses.get(found.id, ())) or 'no review field')} |"
            for found in lists]
    for found in lists:
        out += ["", f'<a id="{_anchor(found.id)}"></a>', "", f"## `{found.id}`: {found.label}", ""]
        if found.definition:
            out += [found.definition, ""]
        out += [f"*Note:* {note}" for note in found.scope_notes] + ([""] if found.scope_notes else [])
        used = uses.get(found.id, ())
        out += [f"Used by: {', '.join(f'`{use}`' for use in used)}." if used else "Used by no review field.", ""]
        for code in found.codes:
            out += _markdown_code(code)
    return "\n".join(out).rstrip() + "\n"


def _markdown_code(code: Code) -> list[str]:
    also = f" (also: {', '.join(code.alt_labels)})" if code.alt_labels else ""
    label = code.label[:1].upper() + code.label[1:]  # class labels are lower case, as OWL labels go
    text = " ".join([f"**`{code.notation}`**: {label}{also}.", code.definition,
                     *(f"*Note:* {note}" for note in code.scope_notes)])
    return ["  " * code.depth + "- " + text.rstrip()]


def _anchor(list_id: str) -> str:
    return "codes-" + list_id.lower()


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _inverse(codes: Mapping[str, str]) -> dict[str, str]:
    return {iri: code for code, iri in codes.items()}


class _Texts:
    """The literals of one subject by role, English (or untagged) first, then by value."""

    def __init__(self, by_role: Mapping[str, list]):
        self.by_role = by_role

    def all(self, role: str) -> tuple[str, ...]:
        literals = self.by_role.get(role, [])
        preferred = [lit for lit in literals if (lit.language or "en").startswith("en")] or literals
        return tuple(sorted({" ".join(lit.value.split()) for lit in preferred}))

    def first(self, role: str) -> str:
        found = self.all(role)
        return found[0] if found else ""

    def label(self) -> str:
        return self.first("label") or self.first("rdfs_label")


def _nearest(iri: str, up: Mapping[str, set[str]], members: Mapping[str, str], stop: str) -> list[str]:
    """The closest members above `iri`, walking through non-members but not past `stop`."""
    found, seen, frontier = set(), {iri}, sorted(up.get(iri, ()))
    while frontier:
        following = []
        for parent in frontier:
            if parent in seen or parent == stop:
                continue
            seen.add(parent)
            if parent in members:
                found.add(parent)
            else:
                following += sorted(up.get(parent, ()))
        frontier = following
    return sorted(found, key=lambda parent: _key(members[parent]))


def _key(notation: str) -> tuple[str, str]:
    return notation.casefold(), notation


def _ordered(members: Mapping[str, str], up: Mapping[str, set[str]], texts: Mapping[str, Mapping[str, list]],
             stop: str) -> tuple[Code, ...]:
    """The codes depth first: top codes in notation order, each followed by its narrower ones.
    A code with several broader codes is placed under the first; a cycle is broken where met."""
    parents = {iri: _nearest(iri, up, members, stop) for iri in members}
    children: dict[str | None, list[str]] = {}
    for iri in sorted(members, key=lambda i: _key(members[i])):
        children.setdefault(parents[iri][0] if parents[iri] else None, []).append(iri)
    placed: dict[str, int] = {}

    def visit(iri: str, depth: int) -> None:
        placed[iri] = depth
        for child in children.get(iri, ()):
            if child not in placed:
                visit(child, depth + 1)

    for iri in children.get(None, ()):
        visit(iri, 0)
    for iri in sorted(members, key=lambda i: _key(members[i])):  # only codes in a broader-cycle are left
        if iri not in placed:
            visit(iri, 0)

    def code(iri: str) -> Code:
        about = _Texts(texts.get(iri, {}))
        return Code(members[iri], about.label() or members[iri], about.first("definition"), iri,
                    about.all("scope"), tuple(a for a in about.all("alt") if a != about.label()),
                    tuple(members[p] for p in parents[iri]), placed[iri])

    return tuple(code(iri) for iri in placed)

