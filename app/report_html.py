"""Renders a post-mortem (:class:`app.core.report.Report`) as one self-contained HTML file.

For sharing by mail: inline CSS, the charts as inline SVG drawn here, no scripts, no external
resources. Every text from the report goes through :func:`html.escape`, so a post holding
``<script>`` shows as typed and never runs. No Qt.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from html import escape
from zoneinfo import ZoneInfo

from app.core.metrics import KINDS
from app.core.report import SECTION_TITLES, Report
from app.core.safe_output import write_output
from app.palette import CUMULATIVE, KIND_COLOURS, KIND_LABELS, NEGATIVE, POSITIVE, UNIQUE
from app.palette import CURSOR as TP

MIN_SCORED = 5

CSS = """
body{font-family:"DejaVu Sans","Noto Sans",Arial,Helvetica,sans-serif;color:#1f2d3d;max-width:60em;
margin:2em auto;padding:0 1em;line-height:1.45;font-size:15px}
h1{color:#2c4f7c;border-bottom:2px solid #2c4f7c;padding-bottom:.2em}
h2{color:#2c4f7c;margin-top:2em}h3{margin-bottom:.3em}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em;font-size:13px}
th,td{border:1px solid #c9d1db;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#eef2f6;color:#2c4f7c}.muted{color:#5f6b7a;font-size:13px}
blockquote{margin:.4em 0;padding:.4em .8em;border-left:3px solid #c9d1db;background:#f7f9fb;
white-space:pre-wrap}.meta{color:#5f6b7a;font-size:12px}.mono{font-family:"DejaVu Sans Mono",monospace;
font-size:12px;word-break:break-all}.cover{background:#2c4f7c;color:#fff;padding:1.5em}
.cover h1{color:#fff;border:none}svg{width:100%;height:auto}
"""


def e(text) -> str:
    return escape("" if text is None else str(text), quote=True)


def render_html(report: Report, path=None, force: bool = False, protected=()) -> str:
    """The report as an HTML string; written to ``path`` (UTF-8) if given, through
    :func:`app.core.safe_output.write_output` (``force`` and ``protected`` are as there)."""
    r = report
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{e(r.options.title)}: {e(r.incident_name)}</title>",
        f"<style>{CSS}</style></head><body>",
    ]
    if r.includes("cover"):
        out.append(
            '<div class="cover"><div>POST-MORTEM REPORT</div>'
            f"<h1>{e(r.options.title)}</h1>"
            f"<p><b>Incident:</b> {e(r.incident_name)}<br><b>Period:</b> {e(r.period_text)}<br>"
            f"<b>Author:</b> {e(r.options.author or 'not given')}<br><b>Exported:</b> {e(r.exported_at)}"
            "</p></div>"
        )
    if r.includes("summary"):
        out.append(f"<h2>{e(SECTION_TITLES['summary'])}</h2><p>{e(r.summary_paragraph)}</p>")
        out.append(_table(None, [[f.label, f.text] for f in r.figures]))
    if r.includes("timeline") and r.series is not None and len(r.series):
        out.append(f"<h2>{e(SECTION_TITLES['timeline'])}</h2>")
        out.append(_charts(r))
        out.append(
            "<ol>"
            + "".join(
                f"<li>{e(tp.time_text)} · {e(tp.category)} · {e(tp.label)}</li>" for tp in r.turning_points
            )
            + "</ol>"
        )
    if r.includes("chronicle") and r.phases:
        out.append(f"<h2>{e(SECTION_TITLES['chronicle'])}</h2>")
        for ph in r.phases:
            out.append(
                f"<h3>{e(ph.title)}</h3><div class='muted'>{e(ph.period_text)}</div><p>{e(ph.paragraph)}</p>"
            )
            out.append(
                "<p class='muted'>" + " · ".join(e(f"{f.label}: {f.text}") for f in ph.figures) + "</p>"
            )
            for q in ph.quoted_posts:
                fol = f"{q.followers:,} followers" if q.followers is not None else "followers unknown"
                rts = f" · {q.retweets:,} retweets in this phase" if q.retweets is not None else ""
                out.append(
                    f"<blockquote>{e(q.text)}<div class='meta'>@{e(q.author_handle)} "
                    f"{e(q.author_name)} · {e(fol)} · {e(q.time_text)}{e(rts)}</div></blockquote>"
                )
            if ph.amplifiers:
                out.append(
                    _table(
                        ["Account", "Followers", "Posts", "Exposure", "Retweets received"],
                        [
                            [
                                f"@{a.author_handle}",
                                "unknown" if a.followers is None else f"{a.followers:,}",
                                f"{a.posts:,}",
                                f"{a.exposure:,}",
                                f"{a.retweets_received:,}",
                            ]
                            for a in ph.amplifiers
                        ],
                    )
                )
    if r.includes("turning_points"):
        out.append(
            f"<h2>{e(SECTION_TITLES['turning_points'])}</h2><p class='muted'>{e(r.turning_points_note)}</p>"
        )
        out.append(
            _table(
                ["#", "Time", "Kind", "Label", "Note", "Evidence"],
                [
                    [
                        tp.number,
                        tp.time_text,
                        tp.category,
                        tp.label,
                        tp.note,
                        "; ".join(f"{k}: {v}" for k, v in tp.evidence),
                    ]
                    for tp in r.turning_points
                ],
            )
        )
    if r.includes("brand"):
        out.append(f"<h2>{e(SECTION_TITLES['brand'])}</h2><p>{e(r.brand_latency_text)}</p>")
        out.append(
            _table(
                ["Time", "After the escalation", "Phase", "Post"],
                [[b.time_text, b.since_escalation, b.phase, b.text] for b in r.brand_posts],
            )
        )
    if r.includes("method"):
        out.append(f"<h2>{e(SECTION_TITLES['method'])}</h2>" + _table(None, [list(m) for m in r.method]))
        if r.agreement_table:
            out.append(_table(r.agreement_table[0], r.agreement_table[1:]))
    if r.includes("lessons"):
        out.append(f"<h2>{e(SECTION_TITLES['lessons'])}</h2>")
        out += [f"<p>{e(c.strip())}</p>" for c in r.lessons.split("\n\n") if c.strip()]
    if r.includes("appendix"):
        out.append(f"<h2>{e(SECTION_TITLES['appendix'])}</h2>")
        out.append(
            _table(
                ["File", "SHA-256", "Format", "Read", "Added", "Duplicates", "Rejected", "Notes"],
                [
                    [
                        i.path,
                        i.sha256,
                        i.format,
                        i.read,
                        i.added,
                        i.duplicate,
                        i.rejected,
                        i.rejection_reasons,
                    ]
                    for i in r.imports
                ],
                mono={1},
            )
        )
        out.append(_table(None, [["App version", r.app_version]] + [list(s) for s in r.settings]))
    out.append("</body></html>")
    text = "\n".join(out)
    if path is not None:
        write_output(path, text, force=force, protected=protected)
    return text


def _table(headers, rows, mono=frozenset()) -> str:
    h = "<tr>" + "".join(f"<th>{e(x)}</th>" for x in headers) + "</tr>" if headers else ""
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=mono' if i in mono else ''}>{e(c)}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table>{h}{body}</table>"


def _charts(r: Report) -> str:
    s = r.series
    W, L, R = 900, 60, 10
    t0, t1 = float(s.t[0]), float(s.last_end)
    ends = list(s.bin_ends)

    def x(t: float) -> float:
        return L + (t - t0) / ((t1 - t0) or 1) * (W - L - R)

    parts = []

    def panel(y0: float, h: float, top: float, title: str, fmt) -> callable:
        step = _nice(top)
        top = math.ceil(top / step) * step if top > 0 else 1

        def y(v: float) -> float:
            return y0 + h - v / top * h

        v = 0.0
        while v <= top + 1e-9:
            parts.append(
                f'<line x1="{L}" x2="{W - R}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#c9d1db" '
                'stroke-width="0.6"/>'
            )
            parts.append(
                f'<text x="{L - 4}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="10" '
                f'fill="#5f6b7a">{e(fmt(v))}</text>'
            )
            v += step
        parts.append(
            f'<text x="{W - R}" y="{y0 - 4}" text-anchor="end" font-size="11" font-weight="bold">'
            f"{e(title)}</text>"
        )
        for tp in r.turning_points:
            parts.append(
                f'<line x1="{x(tp.time):.1f}" x2="{x(tp.time):.1f}" y1="{y0}" y2="{y0 + h}" '
                f'stroke="{TP}" stroke-dasharray="3,2" stroke-width="0.8"/>'
            )
        _days(parts, x, y0 + h, t0, t1, ZoneInfo(r.timezone or "UTC"))
        return y

    y = panel(20, 200, float(s.total.max()), "Posts per bin", _count)
    base = [0.0] * len(s.t)
    for kind in KINDS:
        for i, v in enumerate(s.volume[kind]):
            if v > 0:
                xa, xb = x(float(s.t[i])), x(float(ends[i]))
                parts.append(
                    f'<rect x="{xa:.1f}" y="{y(base[i] + float(v)):.1f}" width="{max(xb - xa, 0.5):.1f}" '
                    f'height="{y(base[i]) - y(base[i] + float(v)):.1f}" fill="{KIND_COLOURS[kind]}"/>'
                )
                base[i] += float(v)
    last = -100.0
    row = 0
    for tp in r.turning_points:
        row = row + 1 if x(tp.time) - last < 14 else 0
        last = x(tp.time)
        cy = 30 + row * 14
        parts.append(
            f'<circle cx="{last:.1f}" cy="{cy}" r="7" fill="{TP}"/><text x="{last:.1f}" y="{cy + 3.5}" '
            f'text-anchor="middle" font-size="9" fill="#fff">{tp.number}</text>'
        )
    y = panel(270, 120, 1.0, "Negative (red) and positive (green) share", lambda v: f"{round(v * 100)}%")
    for values, colour in ((s.neg_share, NEGATIVE), (s.pos_share, POSITIVE)):
        parts.append(
            _path(
                [
                    (x((float(s.t[i]) + float(ends[i])) / 2), y(float(values[i])))
                    if s.scored[i] >= MIN_SCORED and not math.isnan(values[i])
                    else None
                    for i in range(len(s.t))
                ],
                colour,
            )
        )
    top = max(float(s.cumulative_exposure[-1]), float(s.cumulative_unique[-1]), 1.0)
    y = panel(440, 120, top, "Cumulative exposure (orange) and unique audience (purple)", _count)
    for values, colour in ((s.cumulative_exposure, CUMULATIVE), (s.cumulative_unique, UNIQUE)):
        parts.append(_path([(x(float(ends[i])), y(float(values[i]))) for i in range(len(s.t))], colour))
    legend = " ".join(
        f'<rect x="{L + 130 * i}" y="0" width="10" height="10" fill="{KIND_COLOURS[k]}"/>'
        f'<text x="{L + 130 * i + 14}" y="9" font-size="10">{e(KIND_LABELS[k])}</text>'
        for i, k in enumerate(KINDS)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} 590" role="img" '
        f'font-family="DejaVu Sans, Arial, sans-serif">{legend}{"".join(parts)}</svg>'
    )


def _path(pts, colour: str) -> str:
    d, down = [], False
    for p in pts:
        if p is None:
            down = False
            continue
        d.append(f"{'L' if down else 'M'}{p[0]:.1f},{p[1]:.1f}")
        down = True
    return f'<path d="{" ".join(d)}" fill="none" stroke="{colour}" stroke-width="1.4"/>'


def _days(parts, x, ybase, t0, t1, zone) -> None:
    days = (t1 - t0) / 86400
    every = 1 if days <= 12 else 2 if days <= 24 else 7 if days <= 90 else 30
    d = (
        datetime.fromtimestamp(t0, timezone.utc)
        .astimezone(zone)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    k = 0
    while d.timestamp() <= t1 and days > 1.5:
        if k % every == 0 and d.timestamp() >= t0:
            parts.append(
                f'<text x="{x(d.timestamp()):.1f}" y="{ybase + 13:.1f}" font-size="9" '
                f'text-anchor="middle" fill="#5f6b7a">{e(f"{d:%a} {d.day} {d:%b}")}</text>'
            )
        d = (d + timedelta(days=1, hours=2)).astimezone(zone).replace(hour=0, minute=0)
        k += 1


def _nice(top: float) -> float:
    raw = max(top, 1e-9) / 4
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _count(v: float) -> str:
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return f"{v / div:g}{suffix}"
    return f"{v:g}"
