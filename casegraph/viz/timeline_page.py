"""The escalation timeline as one offline HTML page: the chart (inline SVG, its text as text) above
a table of every event, with its date as written, what it was, the reviews that recorded it and the
people it is drawn for. Same rules as the network pages: a Content-Security-Policy that forbids
loading anything, every value escaped."""
from __future__ import annotations

import html
import io
from pathlib import Path

from casegraph.viz.charts import ChartTable, draw

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; color: #1a1a1a; margin: 1.2rem 2rem; }
h1 { font-size: 1.3rem; margin: 0 0 0.3rem; } p.note { color: #444; margin: 0 0 1rem; }
figure { margin: 0 0 1.2rem; } figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 0.9rem; } th, td { text-align: left; padding: 0.25rem 0.6rem;
border-bottom: 1px solid #ddd; vertical-align: top; } th { background: #f3f3f3; }
tr.incident td:nth-child(2) { color: #a33c00; } tr.closure td:nth-child(2) { font-weight: 600; }
tr.missed td { background: #f7e9f2; }
"""


def timeline_page(table: ChartTable, path: Path) -> Path:
    """Write the escalation chart `table` as a self-contained page at `path`."""
    buffer = io.BytesIO()
    draw(table, buffer, "svg")
    svg = buffer.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg"):]  # the document's own <?xml?> and DOCTYPE do not belong inside HTML
    names = {entity: name for entity, name, _ in table.lanes}
    in_missed = {iri for first, second, _ in table.missed for iri in (first, second)}
    rows = []
    for when, _, _, event, record, detail, review, lanes in table.rows:
        who = ", ".join(names.get(lane, lane) for lane in lanes)
        mark = " missed" if record in in_missed else ""
        rows.append(f'<tr class="{html.escape(event)}{mark}"><td>{html.escape(str(when or "undated"))}</td>'
                    f"<td>{html.escape(event)}</td><td>{html.escape(detail or '')}</td>"
                    f"<td>{html.escape(review or '')}</td><td>{html.escape(who)}</td></tr>")
    missed = len(table.missed)
    note = (f"{len(table.rows)} event(s) across {len({r for row in table.rows for r in str(row[6]).split('; ')})} "
            f"review(s), {len(table.lanes)} lane(s); {missed} missed link(s): incidents that shared someone but "
            "were never linked (highlighted below). Open offline; nothing is loaded from anywhere.")
    page = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f"<title>{html.escape(table.title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<h1>{html.escape(table.title)}</h1>\n<p class=\"note\">{html.escape(note)}</p>\n"
            f"<figure>{svg}</figure>\n<table>\n<thead><tr><th>when</th><th>event</th><th>what</th><th>review(s)</th>"
            f"<th>drawn for</th></tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n</body>\n</html>\n")
    path = Path(path)
    path.write_text(page, encoding="utf-8")
    return path
