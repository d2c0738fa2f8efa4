"""Renders a post-mortem (:class:`app.core.report.Report`) to PDF with QtGui only.

QPdfWriter + QPainter + QTextDocument, no widgets, so it runs headless under the offscreen
platform (a QGuiApplication is created if there is none). The text sections flow through
QTextDocuments laid out at the page's size, which paginate by themselves (a table breaks
between rows and repeats its header row); the cover and the charts are painted with QPainter
as vectors. Every page but the cover carries a running header and "page n of N".

All text that comes from posts, the user or the workspace goes in with
``QTextCursor.insertText``: it is never parsed as HTML, so ``<b>bold</b>`` prints as typed.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextLength,
    QTextOption,
    QTextTableFormat,
)

from app.core.metrics import KINDS
from app.core.report import SECTION_TITLES, Report
from app.core.safe_output import write_output
from app.fonts import EMOJI_FAMILY, register_bundled_fonts
from app.palette import CUMULATIVE, KIND_COLOURS, KIND_LABELS, NEGATIVE, POSITIVE, UNIQUE

INK = "#1f2d3d"
MUTED = "#5f6b7a"
RULE = "#c9d1db"
SHADE = "#eef2f6"
ACCENT = "#2c4f7c"
TP_COLOUR = "#d62f6f"

DPI = 300
#: Families tried in order; Qt falls back through fontconfig for any glyph they lack, and the
#: CJK and emoji families are listed so that they are preferred where installed.
SANS = [
    "DejaVu Sans",
    "Noto Sans",
    "Liberation Sans",
    "Arial",
    "Helvetica",
    "Noto Sans CJK JP",
    "Noto Sans CJK SC",
    EMOJI_FAMILY,  # bundled (app/fonts.py): vector emoji that print and copy as text
    "Noto Color Emoji",
    "Symbola",
]
MONO = ["DejaVu Sans Mono", "Noto Sans Mono", "Liberation Mono", "Courier New"]
MIN_SCORED = 5  # bins with fewer scored posts are left out of the sentiment line


def _pt(x: float) -> float:
    return x * DPI / 72.0


def _dpt(x: float) -> float:
    """Points as QTextDocument lengths: its layout scales margins, padding and borders from
    96-dpi pixels to the device itself."""
    return x * 96.0 / 72.0


def _mm(x: float) -> float:
    return x * DPI / 25.4


def ensure_app() -> QGuiApplication:
    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication([])
    register_bundled_fonts()
    return app


def _families(wanted: list[str]) -> list[str]:
    have = set(QFontDatabase.families())
    found = [f for f in wanted if f in have]
    return found or [QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).family()]


def _font(size: float, bold: bool = False, italic: bool = False, mono: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(_families(MONO if mono else SANS))
    f.setPointSizeF(size)
    f.setBold(bold)
    f.setItalic(italic)
    return f


# ---- text documents ------------------------------------------------------------------------------


class _Doc:
    """A QTextDocument filled through a cursor, with the report's few styles."""

    def __init__(self, writer: QPdfWriter, width: float, height: float) -> None:
        self.doc = QTextDocument()
        self.doc.documentLayout().setPaintDevice(writer)
        self.doc.setDefaultFont(_font(9.5))
        self.doc.setDocumentMargin(0)
        opt = QTextOption()
        opt.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.doc.setDefaultTextOption(opt)
        self.doc.setPageSize(QSizeF(width, height))
        self.cur = QTextCursor(self.doc)
        # one edit block for the whole filling: the layout runs once at the end instead of
        # after every insertion (quadratic on long tables)
        self.cur.beginEditBlock()
        self.empty = True
        self.headings: list[int] = []

    def finish(self) -> QTextDocument:
        self.cur.endEditBlock()
        self._keep_headings_with_next()
        return self.doc

    def _keep_headings_with_next(self) -> None:
        """A heading left at the foot of a page, its text on the next, moves to that page
        (QTextDocument has no keep-with-next). Headings are taken in order: moving one shifts
        those after it, and the layout is asked again each time."""
        layout = self.doc.documentLayout()
        page_h = self.doc.pageSize().height()
        need = _dpt(70) * DPI / 96.0  # room for the heading and a few lines after it
        for number in self.headings:
            block = self.doc.findBlockByNumber(number)
            rect = layout.blockBoundingRect(block)
            top = rect.top()
            room = (math.floor(top / page_h) + 1) * page_h - top
            if room < need and top % page_h > 1:
                cur = QTextCursor(block)
                fmt = block.blockFormat()
                fmt.setPageBreakPolicy(QTextFormat_PageBreak_AlwaysBefore)
                fmt.setTopMargin(0)
                cur.setBlockFormat(fmt)

    def _block(
        self,
        top: float = 0,
        bottom: float = 4,
        left: float = 0,
        page_break: bool = False,
        keep_next: bool = False,
    ) -> QTextBlockFormat:
        b = QTextBlockFormat()
        b.setTopMargin(_dpt(top))
        b.setBottomMargin(_dpt(bottom))
        b.setLeftMargin(_dpt(left))
        b.setLineHeight(118, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        if page_break:
            b.setPageBreakPolicy(QTextFormat_PageBreak_AlwaysBefore)
        return b

    def _char(
        self,
        size: float = 9.5,
        bold: bool = False,
        italic: bool = False,
        colour: str = INK,
        mono: bool = False,
    ) -> QTextCharFormat:
        c = QTextCharFormat()
        c.setFont(_font(size, bold, italic, mono))
        c.setForeground(QColor(colour))
        return c

    def _new_block(self, fmt: QTextBlockFormat, char: QTextCharFormat) -> None:
        if self.empty:
            self.cur.setBlockFormat(fmt)
            self.cur.setBlockCharFormat(char)
            self.empty = False
        else:
            self.cur.insertBlock(fmt, char)

    def heading(self, text: str, level: int = 1, page_break: bool = False) -> None:
        size = {1: 17, 2: 12.5, 3: 10.5}[level]
        top = {1: 0 if page_break or self.empty else 16, 2: 12, 3: 8}[level]
        self._new_block(
            self._block(top=top, bottom=6 if level == 1 else 3, page_break=page_break),
            self._char(size, bold=True, colour=ACCENT if level == 1 else INK),
        )
        self.cur.insertText(text, self._char(size, bold=True, colour=ACCENT if level == 1 else INK))
        if level > 1:
            self.headings.append(self.cur.block().blockNumber())

    def para(
        self,
        text: str,
        size: float = 9.5,
        italic: bool = False,
        colour: str = INK,
        bottom: float = 5,
        left: float = 0,
    ) -> None:
        self._new_block(self._block(bottom=bottom, left=left), self._char(size, italic=italic, colour=colour))
        self.cur.insertText(_plain(text), self._char(size, italic=italic, colour=colour))

    def runs(self, parts: list[tuple[str, dict]], bottom: float = 5) -> None:
        """One paragraph of differently styled plain-text runs."""
        self._new_block(self._block(bottom=bottom), self._char())
        for text, style in parts:
            self.cur.insertText(_plain(text), self._char(**style))

    def table(
        self,
        headers: list[str] | None,
        rows: list[list],
        widths: list[float],
        size: float = 8.5,
        mono_cols: set[int] = frozenset(),
        shade_first: bool = False,
        bold_first: bool = False,
        border: bool = True,
    ) -> None:
        """A table of plain-text cells; ``widths`` in percent. A cell may be a list of
        (text, style) runs. The header row repeats on every page the table spans."""
        self._new_block(self._block(bottom=0), self._char(size))
        fmt = QTextTableFormat()
        fmt.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
        fmt.setColumnWidthConstraints([QTextLength(QTextLength.Type.PercentageLength, w) for w in widths])
        fmt.setCellPadding(_dpt(3))
        fmt.setCellSpacing(0)
        fmt.setBorderCollapse(True)
        fmt.setBorder(_dpt(0.5) if border else 0)
        fmt.setBorderBrush(QBrush(QColor(RULE)))
        fmt.setBorderStyle(
            QTextFrameFormat.BorderStyle.BorderStyle_Solid
            if border
            else QTextFrameFormat.BorderStyle.BorderStyle_None
        )
        fmt.setBottomMargin(_dpt(6))
        n_rows = len(rows) + (1 if headers else 0)
        if headers:
            fmt.setHeaderRowCount(1)
        table = self.cur.insertTable(max(n_rows, 1), len(widths), fmt)
        all_rows = ([headers] if headers else []) + rows
        for r, row in enumerate(all_rows):
            header = bool(headers) and r == 0
            for c, cell in enumerate(row):
                tc = table.cellAt(r, c)
                if header or (shade_first and c == 0):
                    cf = tc.format()
                    cf.setBackground(QColor(SHADE))
                    tc.setFormat(cf)
                cur = tc.firstCursorPosition()
                if isinstance(cell, list):
                    for _i, (text, style) in enumerate(cell):
                        if text == "\n":
                            cur.insertBlock()
                            continue
                        st = {"size": size, **style}
                        cur.insertText(_plain(text), self._char(**st))
                else:
                    cur.insertText(
                        _plain("" if cell is None else str(cell)),
                        self._char(
                            size,
                            bold=header or (bold_first and c == 0),
                            mono=c in mono_cols and not header,
                            colour=INK if not header else ACCENT,
                        ),
                    )
        self.cur.movePosition(QTextCursor.MoveOperation.End)


QTextFormat_PageBreak_AlwaysBefore = QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore


def _plain(text: str) -> str:
    """Plain text for insertText: line breaks kept as paragraph-internal line separators (a
    raw newline would start a block without the paragraph's format); nothing else changes."""
    return (text or "").replace("\r\n", "\n").replace("\n", "\u2028")


# ---- the renderer -----------------------------------------------------------------------------


class _Renderer:
    def __init__(self, report: Report, target: str | QIODevice, progress=None) -> None:
        self.r = report
        self.path = target if isinstance(target, str) else "memory"
        self.progress = progress
        self.zone = _zone(report.timezone)
        self.writer = QPdfWriter(target)
        size = QPageSize.PageSizeId.Letter if report.options.paper == "letter" else QPageSize.PageSizeId.A4
        self.writer.setPageLayout(
            QPageLayout(QPageSize(size), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
        )
        self.writer.setResolution(DPI)
        self.writer.setTitle(f"{report.options.title}: {report.incident_name}")
        self.writer.setCreator(f"Incident Timeline Explorer {report.app_version}")
        self.W, self.H = float(self.writer.width()), float(self.writer.height())
        self.left = self.right = _mm(18)
        self.top, self.bottom = _mm(22), _mm(20)
        self.cw = self.W - self.left - self.right
        self.ch = self.H - self.top - self.bottom
        self.page = 0
        self.total = 0

    def _report(self, done: int, total: int, message: str) -> None:
        p = self.progress
        if p is None:
            return
        if callable(p) and not hasattr(p, "report"):
            p(done, total, message)
        else:
            p.report(done, total, message)

    def doc(self) -> _Doc:
        return _Doc(self.writer, self.cw, self.ch)

    # -- plan --
    def render(self) -> int:
        r = self.r
        segments: list[tuple[str, object]] = []
        if r.includes("cover"):
            segments.append(("paint", self.paint_cover))
        if r.includes("summary"):
            segments.append(("doc", self.summary_doc()))
        if r.includes("timeline") and r.series is not None and len(r.series):
            segments.append(("paint", self.paint_timeline))
        rest = self.rest_doc()
        if rest is not None:
            segments.append(("doc", rest))
        for kind, seg in segments:
            if kind == "doc":
                seg.finish()
        counts = [seg.doc.pageCount() if kind == "doc" else 1 for kind, seg in segments]
        self.total = sum(counts)
        painter = QPainter()
        if not painter.begin(self.writer):
            raise OSError(f"Cannot write the PDF to {self.path}.")
        try:
            first = True
            for (kind, seg), n in zip(segments, counts, strict=False):
                for i in range(n):
                    if not first:
                        self.writer.newPage()
                    first = False
                    self.page += 1
                    self._report(self.page, self.total, f"page {self.page} of {self.total}")
                    if kind == "paint":
                        seg(painter)
                    else:
                        self.paint_doc_page(painter, seg.doc, i)
                    if not (kind == "paint" and seg == self.paint_cover):
                        self.paint_furniture(painter)
        finally:
            painter.end()
        return self.total

    # -- page furniture --
    def paint_furniture(self, p: QPainter) -> None:
        p.save()
        p.setFont(_font(7.5))
        p.setPen(QColor(MUTED))
        fm = QFontMetricsF(p.font(), self.writer)
        y = _mm(12)
        left_text = fm.elidedText(
            f"{self.r.options.title} · {self.r.incident_name}", Qt.TextElideMode.ElideRight, self.cw * 0.7
        )
        p.drawText(QPointF(self.left, y), left_text)
        right_text = f"Exported {self.r.exported_at}"
        p.drawText(QPointF(self.W - self.right - fm.horizontalAdvance(right_text), y), right_text)
        p.setPen(QPen(QColor(RULE), _pt(0.5)))
        p.drawLine(QPointF(self.left, y + _pt(4)), QPointF(self.W - self.right, y + _pt(4)))
        p.setPen(QColor(MUTED))
        footer = f"Page {self.page} of {self.total}"
        fy = self.H - _mm(10)
        p.drawText(QPointF((self.W - fm.horizontalAdvance(footer)) / 2, fy), footer)
        if self.r.options.author:
            a = fm.elidedText(self.r.options.author, Qt.TextElideMode.ElideRight, self.cw * 0.35)
            p.drawText(QPointF(self.left, fy), a)
        p.restore()

    def paint_doc_page(self, p: QPainter, doc: QTextDocument, i: int) -> None:
        p.save()
        p.translate(self.left, self.top)
        p.setClipRect(QRectF(0, 0, self.cw, self.ch))
        p.translate(0, -i * self.ch)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.clip = QRectF(0, i * self.ch, self.cw, self.ch)
        doc.documentLayout().draw(p, ctx)
        p.restore()

    # -- cover --
    def paint_cover(self, p: QPainter) -> None:
        r = self.r
        p.save()
        p.fillRect(QRectF(0, 0, self.W, _mm(70)), QColor(ACCENT))
        x, w = self.left, self.cw
        p.setPen(QColor("#ffffff"))
        p.setFont(_font(10))
        p.drawText(QRectF(x, _mm(20), w, _mm(10)), Qt.AlignmentFlag.AlignLeft, "POST-MORTEM REPORT")
        p.setFont(_font(24, bold=True))
        p.drawText(
            QRectF(x, _mm(32), w, _mm(34)),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextWordWrap),
            r.options.title or "Post-mortem",
        )
        y = _mm(86)
        rows = [
            ("Incident", r.incident_name),
            ("Period", r.period_text),
            ("Author", r.options.author or "not given"),
            ("Exported", r.exported_at),
            ("Prepared with", f"Incident Timeline Explorer {r.app_version}"),
        ]
        for label, value in rows:
            p.setFont(_font(8.5, bold=True))
            p.setPen(QColor(MUTED))
            p.drawText(QRectF(x, y, w, _mm(6)), Qt.AlignmentFlag.AlignLeft, label.upper())
            p.setFont(_font(13 if label == "Incident" else 11))
            p.setPen(QColor(INK))
            box = p.boundingRect(
                QRectF(x, y + _mm(6), w, _mm(40)),
                int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap),
                value,
            )
            p.drawText(box, int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap), value)
            y = box.bottom() + _mm(7)
        # the headline figures, large, so the cover alone tells the size of it
        y += _mm(6)
        p.setPen(QPen(QColor(RULE), _pt(0.75)))
        p.drawLine(QPointF(x, y), QPointF(x + w, y))
        y += _mm(6)
        keys = ["posts", "accounts", "peak_rate", "negative_share", "exposure", "brand_latency"]
        figs = [f for k in keys for f in r.figures if f.key == k]
        col_w = w / 3
        for i, f in enumerate(figs):
            cx, cy = x + (i % 3) * col_w, y + (i // 3) * _mm(24)
            size = 15.0
            while size > 9 and QFontMetricsF(_font(size, bold=True), self.writer).horizontalAdvance(
                f.text
            ) > col_w - _mm(4):
                size -= 0.5  # a long figure ("7 hours 26 minutes") shrinks rather than clips
            p.setFont(_font(size, bold=True))
            p.setPen(QColor(ACCENT))
            p.drawText(
                QRectF(cx, cy, col_w - _mm(4), _mm(10)),
                int(Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignBottom),
                f.text,
            )
            p.setFont(_font(8))
            p.setPen(QColor(MUTED))
            p.drawText(
                QRectF(cx, cy + _mm(10), col_w - _mm(4), _mm(10)),
                int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap),
                f.label,
            )
        p.setFont(_font(7.5))
        p.setPen(QColor(MUTED))
        p.drawText(
            QRectF(x, self.H - _mm(22), w, _mm(10)),
            int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap),
            "Figures are computed from the archive listed in the appendix; anyone holding the "
            "same files can check them. Times are in " + r.timezone + ".",
        )
        p.restore()

    # -- executive summary --
    def summary_doc(self) -> _Doc:
        r = self.r
        d = self.doc()
        d.heading(SECTION_TITLES["summary"])
        if r.summary_paragraph:
            d.para(r.summary_paragraph, size=10)
        d.heading("Headline figures", 2)
        figs = r.figures
        rows = []
        for i in range(0, len(figs), 2):
            pair = figs[i : i + 2]
            row = []
            for f in pair:
                row += [f.label, f.text]
            row += [""] * (4 - len(row))
            rows.append(row)
        d.table(None, rows, [27, 23, 27, 23], size=9, shade_first=False)
        if r.phases:
            d.heading("Phases at a glance", 2)
            d.table(
                ["Phase", "From – to", "Posts", "Negative", "Exposure"],
                [
                    [ph.title, ph.period_text, ph.figures[0].text, ph.figures[1].text, ph.figures[2].text]
                    for ph in r.phases
                ],
                [15, 44, 11, 13, 17],
                size=8.5,
                bold_first=True,
            )
        if r.turning_points_note:
            d.para(r.turning_points_note, size=8.5, italic=True, colour=MUTED)
        return d

    # -- the rest --
    def rest_doc(self) -> _Doc | None:
        r = self.r
        d = self.doc()
        started = False

        def section(name: str) -> None:
            # the long sections start a page; the short ones follow on, so no page is mostly empty
            nonlocal started
            d.heading(
                SECTION_TITLES[name],
                1,
                page_break=started and name in ("chronicle", "turning_points", "brand", "appendix"),
            )
            started = True

        if r.includes("chronicle") and r.phases:
            section("chronicle")
            for ph in r.phases:
                d.heading(f"{ph.title}", 2)
                d.para(ph.period_text, size=8.5, colour=MUTED, bottom=3)
                d.para(ph.paragraph)
                if ph.edited:
                    d.para("This paragraph was written by the team.", size=7.5, italic=True, colour=MUTED)
                d.table(
                    None,
                    [[f"{f.label}: {f.text}" for f in ph.figures]],
                    [100 / len(ph.figures)] * len(ph.figures),
                    size=8,
                    border=True,
                )
                if ph.turning_point_numbers:
                    d.para(
                        "Turning points in this phase: "
                        + ", ".join(str(n) for n in ph.turning_point_numbers)
                        + ".",
                        size=8.5,
                        colour=MUTED,
                    )
                if ph.quoted_posts:
                    d.heading("Most amplified posts", 3)
                    rows = []
                    for q in ph.quoted_posts:
                        who = f"@{q.author_handle}" + (f" ({q.author_name})" if q.author_name else "")
                        fol = f"{q.followers:,} followers" if q.followers is not None else "followers unknown"
                        rts = f"{q.retweets:,} retweets in this phase" if q.retweets is not None else ""
                        meta = " · ".join(x for x in (who, fol, q.time_text, rts) if x)
                        rows.append(
                            [
                                [
                                    ("“" + q.text.strip() + "”", {"size": 9}),
                                    ("\n", {}),
                                    (meta, {"size": 7.5, "colour": MUTED}),
                                ]
                            ]
                        )
                    d.table(None, rows, [100], border=True)
                if ph.amplifiers:
                    d.heading("Top amplifiers", 3)
                    d.table(
                        ["Account", "Followers", "Posts", "Exposure", "Retweets received"],
                        [
                            [
                                f"@{a.author_handle}" + (f" ({a.author_name})" if a.author_name else ""),
                                f"{a.followers:,}" if a.followers is not None else "unknown",
                                f"{a.posts:,}",
                                f"{a.exposure:,}",
                                f"{a.retweets_received:,}",
                            ]
                            for a in ph.amplifiers
                        ],
                        [40, 15, 10, 17, 18],
                        size=8,
                    )
        if r.includes("turning_points"):
            section("turning_points")
            d.para(r.turning_points_note, size=8.5, italic=True, colour=MUTED)
            rows = []
            for tp in r.turning_points:
                ev = "; ".join(f"{k}: {v}" for k, v in tp.evidence)
                rows.append(
                    [
                        str(tp.number),
                        tp.time_text,
                        f"{tp.category}\n({tp.kind.replace('_', ' ')})",
                        [(tp.label, {"bold": True}), ("\n", {}), (tp.note, {"size": 7.5})],
                        ev,
                    ]
                )
            if rows:
                d.table(
                    ["#", "Time", "Kind", "Turning point", "Evidence"],
                    rows,
                    [5, 15, 14, 44, 22],
                    size=8,
                    bold_first=True,
                )
            else:
                d.para("No turning points.")
        if r.includes("brand"):
            section("brand")
            handles = ", ".join("@" + h for h in r.brand_handles) or "none set"
            d.para(f"Brand accounts: {handles}. {r.brand_latency_text}")
            if r.brand_posts:
                d.table(
                    ["Time", "After the escalation", "Phase", "Post"],
                    [[b.time_text, b.since_escalation, b.phase, b.text] for b in r.brand_posts],
                    [20, 17, 11, 52],
                    size=8,
                )
            else:
                d.para("The brand's accounts did not post in this archive.")
        if r.includes("method"):
            section("method")
            d.table(
                None, [[k, v] for k, v in r.method], [22, 78], size=8.5, bold_first=True, shade_first=True
            )
            if r.agreement_table:
                d.heading("VADER against the human labels (posts)", 3)
                d.table(
                    r.agreement_table[0], r.agreement_table[1:], [31, 23, 23, 23], size=8.5, bold_first=True
                )
        if r.includes("lessons"):
            section("lessons")
            for chunk in r.lessons.split("\n\n"):
                if chunk.strip():
                    d.para(chunk.strip())
        if r.includes("appendix"):
            section("appendix")
            d.heading("Imported files", 2)
            if r.imports:
                d.table(
                    ["File", "Format", "Read", "Added", "Dupl.", "Rejected", "Notes"],
                    [
                        [
                            i.path,
                            i.format,
                            f"{i.read:,}",
                            f"{i.added:,}",
                            f"{i.duplicate:,}",
                            f"{i.rejected:,}",
                            i.rejection_reasons or "—",
                        ]
                        for i in r.imports
                    ],
                    [30, 11, 9, 9, 10, 9, 22],
                    size=7.5,
                )
                d.heading("Checksums (SHA-256)", 3)
                d.table(
                    ["File", "SHA-256"],
                    [[os.path.basename(i.path), i.sha256] for i in r.imports],
                    [25, 75],
                    size=7,
                    mono_cols={1},
                )
            else:
                d.para("No imports are recorded.")
            d.heading("Analysis settings", 2)
            d.table(
                None,
                [["App version", f"Incident Timeline Explorer {r.app_version}"]]
                + [[k, v] for k, v in r.settings],
                [25, 75],
                size=8,
                bold_first=True,
                shade_first=True,
            )
        return d if started else None

    # -- charts --
    def paint_timeline(self, p: QPainter) -> None:
        r = self.r
        s = r.series
        p.save()
        x0, y = self.left, self.top
        p.setFont(_font(17, bold=True))
        p.setPen(QColor(ACCENT))
        p.drawText(QRectF(x0, y, self.cw, _pt(26)), Qt.AlignmentFlag.AlignLeft, SECTION_TITLES["timeline"])
        y += _pt(28)
        p.setFont(_font(8.5))
        p.setPen(QColor(MUTED))
        per = _span_text(s.bin_seconds)
        p.drawText(
            QRectF(x0, y, self.cw, _pt(24)),
            int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap),
            f"Posts per {per}, the negative share and the cumulative reach, in {r.timezone}. "
            "Numbered lines are the turning points listed below the charts.",
        )
        y += _pt(28)
        legend_h = _pt(11) * (len(r.turning_points) + 1) + _pt(8)
        avail = self.top + self.ch - y - legend_h
        gap = _pt(10)
        heights = [avail * 0.42 - gap, avail * 0.29 - gap, avail * 0.29 - gap]
        plot_left = x0 + _pt(44)
        plot_w = self.cw - _pt(44)
        t0, t1 = float(s.t[0]), float(s.last_end)
        xs = _Scale(t0, t1, plot_left, plot_left + plot_w)
        # volume, stacked by kind
        rect = QRectF(plot_left, y + _pt(14), plot_w, heights[0] - _pt(14) - _pt(14))
        top_v = max(float(s.total.max()), 1.0)
        ys = _axes(p, rect, "Posts per " + per, top_v, _count_label, self.writer)
        base = [0.0] * len(s.t)
        ends = list(s.bin_ends)
        for kind in KINDS:
            vals = s.volume[kind]
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(KIND_COLOURS[kind]))
            path = QPainterPath()
            for i, v in enumerate(vals):
                if v <= 0:
                    continue
                xa, xb = xs(float(s.t[i])), xs(float(ends[i]))
                ya, yb = ys(base[i]), ys(base[i] + float(v))
                path.addRect(QRectF(xa, yb, max(xb - xa, _pt(0.3)), ya - yb))
                base[i] += float(v)
            p.drawPath(path)
        self._legend(p, rect.left(), rect.top() - _pt(12), [(KIND_COLOURS[k], KIND_LABELS[k]) for k in KINDS])
        self._turning_lines(p, xs, rect, numbers=True)
        _time_axis(p, rect, xs, t0, t1, self.zone, self.writer)
        y += heights[0] + gap
        # sentiment
        rect = QRectF(plot_left, y + _pt(14), plot_w, heights[1] - _pt(14) - _pt(14))
        ys = _axes(p, rect, "Share of scored posts", 1.0, lambda v: f"{round(v * 100)}%", self.writer)
        for values, colour in ((s.neg_share, NEGATIVE), (s.pos_share, POSITIVE)):
            pts = [
                (xs((float(s.t[i]) + float(ends[i])) / 2), ys(float(values[i])))
                if s.scored[i] >= MIN_SCORED and not math.isnan(values[i])
                else None
                for i in range(len(s.t))
            ]
            _polyline(p, pts, QPen(QColor(colour), _pt(1.1)))
        self._legend(
            p,
            rect.left(),
            rect.top() - _pt(12),
            [
                (NEGATIVE, "Negative share"),
                (POSITIVE, "Positive share"),
                (None, f"(bins with under {MIN_SCORED} scored posts left out)"),
            ],
        )
        self._turning_lines(p, xs, rect, numbers=False)
        _time_axis(p, rect, xs, t0, t1, self.zone, self.writer)
        y += heights[1] + gap
        # reach
        rect = QRectF(plot_left, y + _pt(14), plot_w, heights[2] - _pt(14) - _pt(14))
        top_r = max(float(s.cumulative_exposure[-1]), float(s.cumulative_unique[-1]), 1.0)
        ys = _axes(p, rect, "Cumulative audience", top_r, _count_label, self.writer)
        for values, colour in ((s.cumulative_exposure, CUMULATIVE), (s.cumulative_unique, UNIQUE)):
            pts = [(xs(float(ends[i])), ys(float(values[i]))) for i in range(len(s.t))]
            _polyline(p, [(xs(t0), ys(0.0)), *pts], QPen(QColor(colour), _pt(1.3)))
        self._legend(
            p,
            rect.left(),
            rect.top() - _pt(12),
            [(CUMULATIVE, "Exposure (followers summed over posts)"), (UNIQUE, "Unique audience")],
        )
        self._turning_lines(p, xs, rect, numbers=False)
        _time_axis(p, rect, xs, t0, t1, self.zone, self.writer)
        y += heights[2] + gap
        # the key to the numbers
        p.setFont(_font(7.5))
        fm = QFontMetricsF(p.font(), self.writer)
        for tp in r.turning_points:
            p.setPen(QColor(TP_COLOUR))
            p.setFont(_font(7.5, bold=True))
            p.drawText(QPointF(x0, y + fm.ascent()), f"{tp.number}")
            p.setFont(_font(7.5))
            p.setPen(QColor(INK))
            line = f"{tp.time_text} · {tp.category} · {tp.label}"
            p.drawText(
                QPointF(x0 + _pt(16), y + fm.ascent()),
                fm.elidedText(line, Qt.TextElideMode.ElideRight, self.cw - _pt(16)),
            )
            y += _pt(11)
        p.restore()

    def _legend(self, p: QPainter, x: float, y: float, items: list[tuple[str | None, str]]) -> None:
        p.save()
        p.setFont(_font(7))
        fm = QFontMetricsF(p.font(), self.writer)
        for colour, label in items:
            if colour:
                p.fillRect(QRectF(x, y + _pt(2), _pt(7), _pt(7)), QColor(colour))
                x += _pt(10)
            p.setPen(QColor(MUTED if colour is None else INK))
            p.drawText(QPointF(x, y + fm.ascent()), label)
            x += fm.horizontalAdvance(label) + _pt(12)
        p.restore()

    def _turning_lines(self, p: QPainter, xs, rect: QRectF, numbers: bool) -> None:
        p.save()
        p.setClipRect(rect.adjusted(-_pt(8), -_pt(12), _pt(8), 0))
        pen = QPen(QColor(TP_COLOUR), _pt(0.6), Qt.PenStyle.DashLine)
        last_x = -1e9
        row = 0
        for tp in self.r.turning_points:
            x = xs(tp.time)
            p.setPen(pen)
            p.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            if numbers:
                # markers close together step down, so their numbers never overlap
                row = row + 1 if x - last_x < _pt(11) else 0
                last_x = x
                c = QPointF(x, rect.top() + _pt(6) + row * _pt(11))
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(TP_COLOUR))
                p.drawEllipse(c, _pt(5), _pt(5))
                p.setPen(QColor("#ffffff"))
                p.setFont(_font(5.5, bold=True))
                p.drawText(
                    QRectF(c.x() - _pt(6), c.y() - _pt(5), _pt(12), _pt(10)),
                    Qt.AlignmentFlag.AlignCenter,
                    str(tp.number),
                )
        p.restore()


class _Scale:
    def __init__(self, a: float, b: float, pa: float, pb: float) -> None:
        self.a, self.k, self.pa = a, (pb - pa) / ((b - a) or 1.0), pa

    def __call__(self, v: float) -> float:
        return self.pa + (v - self.a) * self.k


def _nice_step(top: float, ticks: int = 4) -> float:
    raw = top / ticks
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _count_label(v: float) -> str:
    if v >= 1e9:
        return f"{v / 1e9:g}B"
    if v >= 1e6:
        return f"{v / 1e6:g}M"
    if v >= 1e3:
        return f"{v / 1e3:g}k"
    return f"{v:g}"


def _axes(p: QPainter, rect: QRectF, title: str, top: float, fmt, device) -> _Scale:
    step = _nice_step(top) if top != 1.0 or fmt is _count_label else 0.25
    top = math.ceil(top / step) * step
    ys = _Scale(0.0, top, rect.bottom(), rect.top())
    p.save()
    p.setFont(_font(7))
    fm = QFontMetricsF(p.font(), device)
    v = 0.0
    while v <= top + 1e-9:
        y = ys(v)
        p.setPen(QPen(QColor(RULE if v else MUTED), _pt(0.4 if v else 0.7)))
        p.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
        p.setPen(QColor(MUTED))
        label = fmt(v)
        p.drawText(QPointF(rect.left() - _pt(4) - fm.horizontalAdvance(label), y + fm.ascent() / 2.5), label)
        v += step
    p.setPen(QColor(INK))
    p.setFont(_font(8, bold=True))
    fm2 = QFontMetricsF(p.font(), device)
    p.drawText(QPointF(rect.right() - fm2.horizontalAdvance(title), rect.top() - _pt(4)), title)
    p.restore()
    return ys


def _time_axis(p: QPainter, rect: QRectF, xs: _Scale, t0: float, t1: float, zone: ZoneInfo, device) -> None:
    p.save()
    p.setFont(_font(6.5))
    fm = QFontMetricsF(p.font(), device)
    days = (t1 - t0) / 86400
    every = 1 if days <= 12 else 2 if days <= 24 else 7 if days <= 90 else 30
    d = datetime.fromtimestamp(t0, timezone.utc).astimezone(zone)
    day = d.replace(hour=0, minute=0, second=0, microsecond=0)
    k = 0
    last_right = -1e9
    if days <= 1.5:  # a short incident: hours
        step = 3 if days <= 1 else 6
        h = datetime.fromtimestamp(math.ceil(t0 / 3600) * 3600, timezone.utc).astimezone(zone)
        ticks = []
        while h.timestamp() <= t1:
            if h.hour % step == 0:
                ticks.append((h.timestamp(), f"{h:%H:%M}"))
            h = (h + timedelta(hours=1)).astimezone(zone)
    else:
        ticks = []
        while day.timestamp() <= t1:
            if k % every == 0 and day.timestamp() >= t0:
                ticks.append((day.timestamp(), f"{day:%a} {day.day} {day:%b}"))
            day = (day + timedelta(days=1, hours=2)).astimezone(zone).replace(hour=0, minute=0)
            k += 1
    for t, label in ticks:
        x = xs(t)
        p.setPen(QPen(QColor(MUTED), _pt(0.5)))
        p.drawLine(QPointF(x, rect.bottom()), QPointF(x, rect.bottom() + _pt(3)))
        w = fm.horizontalAdvance(label)
        if x - w / 2 > last_right + _pt(3) and x + w / 2 <= rect.right() + _pt(10):
            p.setPen(QColor(MUTED))
            p.drawText(QPointF(x - w / 2, rect.bottom() + _pt(3) + fm.ascent()), label)
            last_right = x + w / 2
    p.restore()


def _polyline(p: QPainter, pts: list, pen: QPen) -> None:
    path = QPainterPath()
    pen_down = False
    for pt in pts:
        if pt is None:
            pen_down = False
            continue
        if pen_down:
            path.lineTo(*pt)
        else:
            path.moveTo(*pt)
            pen_down = True
    p.save()
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    p.restore()


def _span_text(seconds: int) -> str:
    if seconds % 86400 == 0:
        return "day" if seconds == 86400 else f"{seconds // 86400} days"
    if seconds % 3600 == 0:
        return "hour" if seconds == 3600 else f"{seconds // 3600} hours"
    return f"{seconds // 60} minutes"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):  # an unknown or malformed name: UTC
        return ZoneInfo("UTC")


def render_pdf(
    report: Report,
    path,
    progress: Callable | object | None = None,
    force: bool = False,
    protected: Iterable = (),
) -> int:
    """Write ``report`` as a PDF at ``path``; returns the number of pages. ``progress`` is a
    :class:`app.core.progress.Progress` or a callable (done, total, message).

    The PDF is drawn in memory and written through :func:`app.core.safe_output.write_output`
    (QPdfWriter does not report a failed write: a full disk would leave a truncated PDF);
    ``force`` and ``protected`` are as there."""
    data, pages = render_pdf_bytes(report, progress)
    write_output(path, data, force=force, protected=protected)
    return pages


def render_pdf_bytes(report: Report, progress: Callable | object | None = None) -> tuple[bytes, int]:
    """The report as PDF bytes, and its number of pages."""
    ensure_app()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pages = _Renderer(report, buffer, progress).render()
    data = bytes(buffer.data())
    buffer.close()
    return data, pages
