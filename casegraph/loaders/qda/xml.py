"""`project.qde` parsed as untrusted XML and checked against the QDA-XML Project schema.

Parsing is defusedxml's with every DTD refused: a REFI-QDA project never needs one, and a DTD is
what entity expansion ("billion laughs") and external entities (XXE, reading local files) ride
on. Elements remember their line (`sourceline`, as lxml's do) so that schema errors, and the
reader's own, can say where. Validation is libxml2's (lxml), against the schema shipped with
casegraph, loaded once on first use; it runs only on bytes defusedxml has already accepted, with
entities, DTDs and the network off all the same, and the `xsi:schemaLocation` a project names is
never fetched. (xmlschema, pure Python, took 8 s to check a 50,000-selection project; libxml2
takes a fraction of a second.)
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from casegraph.loaders.qda import QdaError

NS = "urn:QDA-XML:project:1.0"
SCHEMA = Path(__file__).with_name("Project-mrt2019.xsd")
PROJECT = "project.qde"
# Limits. A codebook nests codes a few levels deep and a coded selection is three elements, so the
# MAXQDA sample has depth 12 and 1,600 elements; 64 levels and a million elements (some 300,000
# codings, about 1 GB in memory) leave room for any real project and bound what a hostile one costs.
MAX_DEPTH = 64
MAX_ELEMENTS = 1_000_000
MAX_REPORTED = 3  # schema errors a message lists

DTD_MESSAGE = ("a DOCTYPE (document type declaration); a REFI-QDA project never has one, and it is how "
               "entity-expansion and external-entity attacks work, so casegraph refuses it: "
               "export the project again from the QDA software")


class LineElement(Element):
    """An element that knows the line it starts on."""

    sourceline: int | None = None


class _LineBuilder(TreeBuilder):
    """Builds LineElements, bounding depth and count as it goes."""

    def __init__(self, archive: Path | str):
        super().__init__(element_factory=LineElement)
        self.archive, self.parser, self.depth, self.count = archive, None, 0, 0

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        line = element.sourceline = self.parser.parser.CurrentLineNumber
        self.depth += 1
        self.count += 1
        if self.depth > MAX_DEPTH:
            raise QdaError(self.archive, f"elements nested more than {MAX_DEPTH} deep; a project nests a few "
                                         "levels: this is not a project export", PROJECT, line)
        if self.count > MAX_ELEMENTS:
            raise QdaError(self.archive, f"more than {MAX_ELEMENTS:,} elements; casegraph reads projects of at "
                                         "most that many: split the project", PROJECT, line)
        return element

    def end(self, tag):
        self.depth -= 1
        return super().end(tag)


def parse(data: bytes, archive: Path | str) -> LineElement:
    """The root element of `project.qde`; a DTD, an entity or malformed XML is a QdaError."""
    builder = _LineBuilder(archive)
    parser = builder.parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True,
                                               forbid_external=True)
    try:
        parser.feed(data)
        return parser.close()
    except DTDForbidden:
        raise QdaError(archive, DTD_MESSAGE, PROJECT, parser.parser.CurrentLineNumber) from None
    except (EntitiesForbidden, ExternalReferenceForbidden) as error:  # only reachable without a DTD check
        raise QdaError(archive, f"an XML entity ({error}); casegraph refuses entities: export the project "
                                "again", PROJECT) from None
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else None
        raise QdaError(archive, f"not well-formed XML ({error}); "
                                "the file is damaged: export the project again", PROJECT, line) from None


@lru_cache(maxsize=1)
def schema():
    """The QDA-XML Project schema, loaded once."""
    from lxml import etree  # only when a project is read or written

    return etree.XMLSchema(etree.parse(str(SCHEMA), _lxml_parser()))


def _lxml_parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _short(text: str | None) -> str:
    return (text or "").replace("{" + NS + "}", "")


def validate(data: bytes, archive: Path | str) -> None:
    """Refuse a project (bytes `parse` has accepted) that does not follow the schema, naming the
    first few errors' lines, elements and what was expected."""
    from lxml import etree

    checker = schema()
    try:
        valid = checker.validate(etree.fromstring(data, _lxml_parser()))
    except etree.XMLSyntaxError as error:  # parse() accepted it, so only a libxml2 limit gets here
        raise QdaError(archive, f"not readable as XML ({error})", PROJECT, getattr(error, "lineno", None)) from None
    if valid:
        return
    errors = list(checker.error_log)
    described = "; ".join(f"line {e.line}: {' '.join(_short(e.message).split()).rstrip('.')}"
                          for e in errors[:MAX_REPORTED])
    more = " (and more)" if len(errors) > MAX_REPORTED else ""
    raise QdaError(archive, f"does not follow the QDA-XML Project schema: {described}{more}; "
                            "export the project again, or fix these elements", PROJECT, errors[0].line)
