"""One self-contained HTML page of a draft review: the document's text with every proposal highlighted.

`casegraph draft` writes a review file whose items are proposals (`status: proposed`, a
`confidence`, and `evidence` at character offsets into the document's extracted text). This page
lets an analyst check them: on the left the text, each proposal's evidence a `<mark>` in the
colour of its section; on the right the proposals grouped by section and, for the highlight
clicked, its fields and quote. Overlapping evidence is split into segments at every span's edges,
so each segment is one `<mark>` listing every proposal that covers it (the shortest span gives
its colour, an outer span of another section its underline); every character of every span is
highlighted and the marks of one proposal read, joined, exactly `text[start:end]`.

Like the network pages (`casegraph.viz.page`) the page fetches nothing: a Content-Security-Policy
forbids it, style and script are inline. The text and every value are HTML-escaped, and the data
the script reads is JSON that cannot close its `<script>` block (`safe_json`). Reading needs no
script: the highlights, their tooltips and the list's links are plain HTML. Same input, same bytes.
"""
from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path

from casegraph.errors import CasegraphError

# Sections that hold proposals, in legend order; each (label, background, strong colour). Dark text on
# the light backgrounds keeps a contrast above 12:1; the strong colour draws underlines and borders.
SECTIONS = {
    "review": ("review", "#e3e3e3", "#555555"),
    "people": ("people", "#cfe3ff", "#1f5fbf"),
    "groups": ("groups", "#cdeee8", "#00796b"),
    "places": ("places", "#ffd6cf", "#c62828"),
    "relationships": ("relationships", "#e7d9f7", "#6a3d9a"),
    "incidents": ("incidents", "#ffdfae", "#d84315"),
    "contexts": ("contexts", "#f9d3e8", "#ad1457"),
    "responses": ("responses", "#d4efcc", "#2e7d32"),
    "challenges": ("challenges", "#fff1a8", "#8a6d00"),
    "recommendations": ("recommendations", "#cdeef6", "#00838f"),
    "excerpts": ("excerpts (sentence codes)", "#eadfcf", "#6d4c41"),
}
LOW_CONFIDENCE = 0.5
FIRST_FIELDS = ("name", "title", "role", "kind", "harm_types", "when")
INSTRUCTION = ("Confirm an item by deleting its <code>status: proposed</code> line in the YAML (or writing "
               "<code>status: confirmed</code>); delete wrong items; then <code>casegraph load</code>.")
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


class DraftPageError(CasegraphError):
    """A draft the page cannot be drawn from."""


def safe_json(value: object) -> str:
    """JSON that cannot end its <script> block or open markup, whatever the strings in it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def asset(name: str) -> str:
    return resources.files("casegraph.viz").joinpath("assets", name).read_text(encoding="utf-8")


def show_value(value: object) -> str:
    """A field's value as one line of text: lists joined by commas, mappings as key: value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(show_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show_value(v)}" for k, v in value.items())
    return str(value)


def confidence_of(item: dict) -> float | None:
    value = item.get("confidence")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def proposals(draft: dict, text: str) -> list[dict]:
    """Every item of every proposal section, in section then file order, with where its evidence lies."""
    documents = draft.get("documents") or [{}]
    document = documents[0].get("id") if isinstance(documents[0], dict) else None
    codes = {c.get("id"): c.get("name") or c.get("id") for c in draft.get("qda_codes") or [] if isinstance(c, dict)}
    found = []
    for section in SECTIONS:
        items = draft.get(section)
        items = [items] if isinstance(items, dict) else items if isinstance(items, list) else []
        for item in (i for i in items if isinstance(i, dict)):
            found.append(proposal(len(found), section, item, text, document, codes))
    return found


def proposal(n: int, section: str, item: dict, text: str, document: str | None, codes: dict) -> dict:
    evidence = item if section == "excerpts" else item.get("evidence")
    evidence = evidence if isinstance(evidence, dict) else {}
    start, end = evidence.get("start"), evidence.get("end")
    placed = (all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)) and 0 <= start < end <= len(text)
              and evidence.get("document", document) in (document, None))
    quote = show_value(evidence.get("quote", ""))
    notes = []
    if not placed:
        notes.append("no position in this text" if evidence else "no evidence")
    elif quote and quote != text[start:end]:
        notes.append("the quote is not the text at its offsets")
    fields = [["section", SECTIONS[section][0]], ["id", show_value(item.get("id", ""))]]
    skip = {"id", "status", "confidence", "evidence"} | ({"start", "end", "quote", "codings"} if section == "excerpts" else set())
    named = [k for k in FIRST_FIELDS if k in item] + [k for k in item if k not in FIRST_FIELDS and k not in skip]
    if section == "excerpts":
        coded = [c.get("code") for c in item.get("codings") or [] if isinstance(c, dict)]
        fields.append(["codes", ", ".join(f"{codes.get(c) or c} ({c})" for c in coded)])
    fields += [[k, show_value(item[k])] for k in named]
    confidence = confidence_of(item)
    status = show_value(item.get("status", "confirmed")) or "confirmed"
    fields += [["confidence", "" if confidence is None else f"{confidence:.2f}"], ["status", status]]
    where = f"characters {start}\u2013{end}" if placed else ""
    if evidence.get("page") is not None:
        where += f"{', ' if where else ''}page {show_value(evidence['page'])}"
    label = item.get("name") or item.get("title") or item.get("platform") or summary(section, item, fields)
    return {"n": n, "section": section, "id": show_value(item.get("id", "")),
            "label": show_value(label), "status": status,
            "confidence": confidence, "low": confidence is not None and confidence < LOW_CONFIDENCE,
            "fields": fields, "quote": quote, "where": where, "notes": notes, "page": evidence.get("page"),
            "start": start if placed else None, "end": end if placed else None}


def summary(section: str, item: dict, fields: list) -> str:
    """A few words for an item without a name: what it is, from its own fields."""
    if section == "excerpts":
        return fields[2][1]
    if section == "relationships":
        return " ".join(show_value(item.get(k, "?")) for k in ("from", "kind", "to"))
    if section == "challenges":
        return f"{show_value(item.get('by', '?'))} challenges {show_value(item.get('of', '?'))}: {show_value(item.get('topic', ''))}"
    if section == "recommendations" and item.get("text"):
        words = show_value(item["text"])
        return words if len(words) <= 60 else words[:59].rstrip() + "\u2026"
    keys = {"incidents": ("harm_types", "when"), "responses": ("kind", "agency", "when"),
            "contexts": ("dynamic", "context")}.get(section, ("kind", "role"))
    return ", ".join(show_value(item[k]) for k in keys if item.get(k)) or show_value(item.get("id") or section)


def page_starts(found: list[dict], text: str) -> dict[int, int]:
    """Where pages begin as far as evidence page numbers tell: page p by the paragraph break before its
    first evidence, if no earlier page's evidence runs past that break; {offset: page}."""
    firsts: dict[int, int] = {}
    ends: dict[int, int] = {}
    for p in found:
        page = p["page"]
        page = int(page) if isinstance(page, int) or (isinstance(page, str) and page.isdigit()) else None
        if page is None or p["start"] is None:
            continue
        firsts[page] = min(firsts.get(page, p["start"]), p["start"])
        ends[page] = max(ends.get(page, p["end"]), p["end"])
    starts = {}
    for page in sorted(firsts):
        before = max((e for q, e in ends.items() if q < page), default=0)
        if page == 1 or before > firsts[page]:
            continue  # page 1 begins the text; numbers out of order say nothing
        cut = text.rfind("\n\n", before, firsts[page])
        starts.setdefault(cut + 2 if cut >= 0 else firsts[page], page)
    return starts


def order(p: dict) -> tuple:
    """Which of the proposals covering a segment colours it: the shortest span, then section, then order."""
    return p["end"] - p["start"], list(SECTIONS).index(p["section"]), p["n"]


def describe(p: dict) -> str:
    confidence = "" if p["confidence"] is None else f", confidence {p['confidence']:.2f}"
    named = p["label"] if p["label"] == p["id"] else f"{p['label']} ({p['id']})"
    return f"{SECTIONS[p['section']][0]}: {named}, {p['status']}{confidence}"


def marked_text(found: list[dict], text: str) -> str:
    """The text escaped, each stretch covered by proposals one <mark> naming them all (see the module)."""
    placed = [p for p in found if p["start"] is not None]
    pages = page_starts(found, text)
    cuts = sorted({0, len(text), *pages, *(p["start"] for p in placed), *(p["end"] for p in placed)})
    starting: dict[int, list[dict]] = {}
    for p in placed:
        starting.setdefault(p["start"], []).append(p)
    active: dict[int, dict] = {}
    out = []
    for a, b in zip(cuts, cuts[1:]):
        for n in [n for n, p in active.items() if p["end"] <= a]:
            del active[n]
        if a in pages:
            out.append(f'<span class="page-start" data-page="{pages[a]}" title="page {pages[a]} begins by here"></span>')
        for p in starting.get(a, []):
            active[p["n"]] = p
            out.append(f'<span class="anchor" id="p-{p["n"]}"></span>')
        piece = html.escape(text[a:b], quote=False)
        if not active:
            out.append(piece)
            continue
        covering = sorted(active.values(), key=order)
        first = covering[0]
        classes = ["m", f"s-{first['section']}"] + (["low"] if first["low"] else [])
        outer = next((p["section"] for p in reversed(covering) if p["section"] != first["section"]), None)
        classes += [f"u-{outer}"] if outer else []
        title = html.escape("\n".join(describe(p) for p in covering))
        out.append(f'<mark class="{" ".join(classes)}" data-p="{" ".join(str(p["n"]) for p in covering)}" '
                   f'tabindex="0" title="{title}">{piece}</mark>')
    return "".join(out)


def section_styles() -> str:
    rules = []
    for section, (_, background, strong) in SECTIONS.items():
        rules.append(f".s-{section}{{background:{background}}}.u-{section}{{box-shadow:inset 0 -3px 0 {strong}}}"
                     f".sw-{section}{{background:{background};border-color:{strong}}}")
    return "\n".join(rules)


def legend(found: list[dict]) -> str:
    counts = {s: sum(p["section"] == s for p in found) for s in SECTIONS}
    items = [f'<li><span class="swatch sw-{s}"></span>{html.escape(SECTIONS[s][0])} <span class="count">{n}</span></li>'
             for s, n in counts.items() if n]
    key = ('<li class="key"><mark class="sample low">dashed</mark> low confidence \u00b7 '
           '<mark class="sample u-people">underlined</mark> also inside a longer proposal of another section</li>')
    return f'<ul id="legend" aria-label="Colours of the sections">{"".join(items)}{key}</ul>'


def proposal_list(found: list[dict]) -> str:
    out = []
    for section, (label, _, _) in SECTIONS.items():
        mine = [p for p in found if p["section"] == section]
        if not mine:
            continue
        out.append(f'<h3><span class="swatch sw-{section}"></span>{html.escape(label)} ({len(mine)})</h3><ul>')
        for p in mine:
            confidence = "" if p["confidence"] is None else f" \u00b7 {p['confidence']:.2f}"
            flags = ' <span class="flag">low</span>' if p["low"] else ""
            state = f'<span class="state st-{html.escape(p["status"])}">{html.escape(p["status"])}</span>'
            body = (f'{html.escape(p["label"])} <small>{html.escape(p["id"])}{confidence}</small> {state}{flags}')
            kind = " low" if p["low"] else ""
            if p["start"] is None:
                out.append(f'<li><span class="item{kind}" data-n="{p["n"]}">{body} <small>(not in the text)</small></span></li>')
            else:
                out.append(f'<li><a class="item{kind}" href="#p-{p["n"]}" data-n="{p["n"]}">{body}</a></li>')
        out.append("</ul>")
    return "".join(out)


def render_draft_page(draft: dict, text: str, *, title: str = "") -> str:
    """The page's HTML text (see the module docstring)."""
    if not isinstance(draft, dict):
        raise DraftPageError(f"a draft is a mapping (a review file loaded as YAML), not {type(draft).__name__}")
    if not isinstance(text, str):
        raise DraftPageError(f"the document's text must be a string, not {type(text).__name__}")
    found = proposals(draft, text)
    review = draft.get("review") if isinstance(draft.get("review"), dict) else {}
    documents = draft.get("documents") or [{}]
    document = documents[0] if isinstance(documents[0], dict) else {}
    doc_name = show_value(document.get("name") or document.get("text_file") or document.get("id") or "the document")
    heading = title or show_value(review.get("title") or review.get("id") or "") or doc_name
    confirmed = sum(p["status"] != "proposed" for p in found)
    low = sum(p["low"] for p in found)
    counts = (f"{len(found)} proposal{'s' * (len(found) != 1)}, {confirmed} confirmed, "
              f"{len(found) - confirmed} still proposed, {low} with low confidence (below {LOW_CONFIDENCE})")
    data = [{k: p[k] for k in ("n", "section", "id", "label", "status", "confidence", "low", "fields", "quote",
                               "where", "notes")} for p in found]
    sections = {s: {"label": v[0], "colour": v[2]} for s, v in SECTIONS.items()}
    esc = html.escape
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">', '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Draft: {esc(heading)}</title>", f"<style>{asset('draft_page.css')}\n{section_styles()}</style>",
        "</head>", "<body>", "<header>", f"<h1>Draft: {esc(heading)}</h1>",
        f'<p class="meta">Document <strong>{esc(doc_name)}</strong> \u00b7 <span id="counts">{esc(counts)}</span></p>',
        f'<p class="instruction">{INSTRUCTION}</p>', legend(found), "</header>", '<div id="layout">',
        f'<main id="text" aria-label="The document\'s text, proposals highlighted">{marked_text(found, text)}</main>',
        '<aside id="side" aria-label="Proposals">',
        '<section id="details" aria-live="polite"><p class="hint">Click a highlight, or a proposal in the list, '
        "to see its fields. Hover a highlight to see what it proposes.</p></section>",
        f'<nav id="proposals" aria-label="All proposals by section"><h2>All proposals</h2>{proposal_list(found)}</nav>',
        "</aside>", "</div>",
        f'<script type="application/json" id="draft-data">{safe_json({"sections": sections, "proposals": data})}</script>',
        f"<script>{asset('draft_page.js')}</script>", "</body>", "</html>", ""])


def draft_page(draft: dict, text: str, path: Path, *, title: str = "") -> Path:
    """Write one self-contained offline HTML page showing the document's text with every proposal
    highlighted in the colour of its class (section), and the proposal's fields beside it."""
    path = Path(path)
    path.write_text(render_draft_page(draft, text, title=title), encoding="utf-8")
    return path
