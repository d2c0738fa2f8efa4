"""Renders a post-mortem (:class:`~app.core.report.content.Report`) as one self-contained HTML
file: inline CSS, the chart as the inline SVG of :mod:`.charts` (the PDF paints the same
drawing), no scripts, no external resources.

Every text goes through :func:`html.escape`, so a post holding ``<script>`` shows as typed and
never runs; post text is wrapped in a ``<bdi>`` element so that right-to-left marks in it
cannot reorder the report's own words. No Qt.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from html import escape

from app.core import palette as pal
from app.core.model import Claim
from app.core.report.content import (
    Block,
    Cell,
    Chart,
    Heading,
    Headline,
    Para,
    Quotes,
    Report,
    Table,
)
from app.core.safe_output import write_output

CSS = f"""
body{{font-family:"DejaVu Sans","Noto Sans",Arial,Helvetica,sans-serif;color:{pal.INK};max-width:60em;
margin:2em auto;padding:0 1em;line-height:1.45;font-size:15px}}
h1{{color:{pal.ACCENT};border-bottom:2px solid {pal.ACCENT};padding-bottom:.2em}}
h2{{color:{pal.ACCENT};margin-top:2em}}h3{{margin-bottom:.3em}}h4{{margin-bottom:.2em}}
table{{border-collapse:collapse;width:100%;margin:.5em 0 1em;font-size:13px}}
th,td{{border:1px solid {pal.RULE};padding:4px 6px;vertical-align:top;text-align:left}}
th{{background:{pal.SHADE};color:{pal.ACCENT}}}td.rowhead{{background:{pal.SHADE};font-weight:bold}}
.muted{{color:{pal.MUTED};font-size:13px}}.note{{color:{pal.MUTED};font-size:12px;font-style:italic}}
.sub{{display:block;font-weight:normal;font-size:12px;margin-top:.2em}}
blockquote{{margin:.4em 0;padding:.4em .8em;border-left:3px solid {pal.RULE};background:#f7f9fb;
white-space:pre-wrap}}.meta{{color:{pal.MUTED};font-size:12px}}
.mono{{font-family:"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}}
.cover{{background:{pal.ACCENT};color:#fff;padding:1.5em}}.cover h1{{color:#fff;border:none}}
.figs{{display:flex;flex-wrap:wrap;gap:1em;margin:1em 0}}.fig{{flex:1 1 14em}}
.fig b{{display:block;font-size:1.5em;color:{pal.ACCENT}}}.fig span{{color:{pal.MUTED};font-size:13px}}
figure{{margin:1em 0}}figure svg{{width:100%;height:auto}}
"""


def e(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def claim_html(c: Claim) -> str:
    """A claim's text, escaped, with quoted post text isolated (``<bdi>``)."""
    text = c.text
    out = []
    pos = 0
    for s in sorted((s for s in c.spans if s.what == "quote"), key=lambda s: s.start):
        out.append(e(text[pos : s.start]))
        out.append(f"<bdi>{e(text[s.start : s.end])}</bdi>")
        pos = s.end
    out.append(e(text[pos:]))
    return "".join(out)


def render_html(
    report: Report, path: str | os.PathLike | None = None, force: bool = False, protected: Iterable = ()
) -> str:
    """The report as an HTML string; written to ``path`` (UTF-8) if given, through
    :func:`app.core.safe_output.write_output` (``force`` and ``protected`` are as there)."""
    r = report
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(r.options.title)}: {e(r.incident_name)}</title>",
        f"<style>{CSS}</style></head><body>",
    ]
    if "cover" in r.options.sections:
        c = r.cover
        rows = "<br>".join(f"<b>{e(k)}:</b> {e(v)}" for k, v in c.rows)
        figs = "".join(
            f'<div class="fig"><b>{claim_html(f.value)}</b><span>{claim_html(f.label)}</span></div>'
            for f in c.figures
        )
        out.append(
            f'<div class="cover"><div>POST-MORTEM REPORT</div><h1>{e(c.title)}</h1><p>{rows}</p></div>'
            f'<div class="figs">{figs}</div><p class="note">{e(c.note)}</p>'
        )
    for s in r.sections:
        out.append(f"<h2>{e(s.title)}</h2>")
        out += [block_html(b) for b in s.blocks]
    out.append("</body></html>")
    html = "\n".join(out)
    if path is not None:
        write_output(path, html, force=force, protected=protected)
    return html


def block_html(b: Block) -> str:
    if isinstance(b, Heading):
        level = min(b.level + 1, 4)
        return f"<h{level}>{e(b.text)}</h{level}>"
    if isinstance(b, Para):
        cls = {"muted": ' class="muted"', "note": ' class="note"'}.get(b.style, "")
        return f"<p{cls}>{claim_html(b.claim)}</p>"
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, Quotes):
        return "".join(
            f'<blockquote><bdi>{e(q.text)}</bdi><div class="meta">{claim_html(q.meta)}</div></blockquote>'
            for q in b.posts
        )
    if isinstance(b, Chart):
        return f"<figure>{b.svg}<figcaption class='muted'>{claim_html(b.caption)}</figcaption></figure>"
    if isinstance(b, Headline):
        rows = []
        figs = b.figures
        for i in range(0, len(figs), 2):
            cells = "".join(
                f'<td class="rowhead">{claim_html(f.label)}</td><td>{claim_html(f.value)}</td>'
                for f in figs[i : i + 2]
            )
            rows.append(f"<tr>{cells}</tr>")
        return "<table>" + "".join(rows) + "</table>"
    raise TypeError(f"no HTML for {type(b).__name__}")


def _table(t: Table) -> str:
    out = ["<table>"]
    if t.headers:
        out.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in t.headers) + "</tr>")
    for row in t.rows:
        out.append(
            "<tr>" + "".join(_cell(c, first=(i == 0 and t.row_headings)) for i, c in enumerate(row)) + "</tr>"
        )
    out.append("</table>")
    return "".join(out)


def _cell(c: Cell, first: bool) -> str:
    cls = []
    if first:
        cls.append("rowhead")
    if c.mono:
        cls.append("mono")
    attr = f' class="{" ".join(cls)}"' if cls else ""
    main = claim_html(c.claim)
    if c.bold and not first:
        main = f"<b>{main}</b>"
    sub = f'<span class="sub">{claim_html(c.sub)}</span>' if c.sub is not None and c.sub.text else ""
    return f"<td{attr}>{main}{sub}</td>"
