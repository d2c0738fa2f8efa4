"""Renders a post-mortem (:class:`app.core.report.content.Report`) to PDF with QtGui only.

QPdfWriter + QPainter + QTextDocument, no widgets, so it runs headless under the offscreen
platform (a QGuiApplication is created if there is none). The report's blocks flow through
QTextDocuments laid out at the page's size, which paginate by themselves (a table breaks
between rows and repeats its header row); the cover is painted, and the timeline chart is the
SVG drawing the HTML report embeds (:mod:`app.core.report.charts`), painted as vectors with
QSvgRenderer, so the two reports cannot differ. Every page but the cover carries a running
header and "page n of N".

All text that comes from posts, the user or the workspace goes in with
``QTextCursor.insertText``: it is never parsed as HTML, so ``<b>bold</b>`` prints as typed;
quoted post text is bidi-isolated, so right-to-left marks in it cannot reorder the report's
own words.
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Iterable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QBrush,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextFrameFormat,
    QTextImageFormat,
    QTextLength,
    QTextOption,
    QTextTable,
    QTextTableCellFormat,
    QTextTableFormat,
)
from PySide6.QtSvg import QSvgRenderer

from app.core.model import Claim
from app.core.palette import ACCENT, INK, MUTED, RULE, SHADE
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
from app.core.text_safety import bidi_isolate
from app.fonts import EMOJI_FAMILY, register_bundled_fonts

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
        #: blocks that must share their page with the start of what follows them (headings,
        #: a chart's caption), by block number
        self.keep_with_next: set[int] = set()
        #: the headings of the long sections: they start a new page unless there is room
        self.section_starts: set[int] = set()
        #: (the block before each table, the table): a small table is kept on one page
        self.tables: list[tuple[int, QTextTable]] = []
        #: (block number, SVG text) of each chart: its block reserves the room, the page
        #: painter draws the vector drawing over it
        self.charts: list[tuple[int, bytes, float, float]] = []
        #: the headings, by block number
        self.headings: set[int] = set()
        #: the charts followed by their numbered key, by block number
        self.chart_keys: set[int] = set()
        #: each chart's drawings (full, and with shorter plots) and their height/width ratios
        self.variants: dict[int, list[tuple[bytes, float]]] = {}
        self.width, self.height = width, height

    def finish(self) -> QTextDocument:
        self.cur.endEditBlock()
        self._paginate()
        self._split_at_page_feet()
        return self.doc

    def _split_at_page_feet(self) -> None:
        """Each paragraph that runs from one page onto the next becomes two, split where the
        page ends. Qt draws a paragraph's lines from the last one above the page drawn (one
        too many): the line at the foot of the previous page was drawn again on this one,
        hidden by the clip but in the PDF's text, found and copied twice. Taken from the
        end, so that a split renumbers none of the blocks still to come."""
        block = self.doc.lastBlock()
        while block.isValid():
            before = block.previous()
            rect = self._rect(block)
            layout = block.layout()
            if layout is not None and layout.lineCount() > 1:
                first = self._page(rect.top() + layout.lineAt(0).y())
                for i in range(1, layout.lineCount()):
                    line = layout.lineAt(i)
                    if self._page(rect.top() + line.y()) != first:
                        self._split_block(block, line.textStart())
                        break
            block = before

    def _split_block(self, block: QTextBlock, at: int) -> None:
        """Block ``block`` as two, the second from its position ``at`` on (on the next page)."""
        number = block.blockNumber()
        fmt = block.blockFormat()
        rest = QTextBlockFormat(fmt)
        rest.setTopMargin(0)
        rest.setPageBreakPolicy(QTextFormat_PageBreak_AlwaysBefore)  # where its line already was
        fmt.setBottomMargin(0)
        text = block.text()
        # a quoted post's isolate left open by the split is opened again: a paragraph ends
        # every isolate, and the rest of the quote must not reorder the report's words
        still_open = sum(text[:at].count(c) for c in "\u2066\u2067\u2068") - text[:at].count("\u2069")
        cur = QTextCursor(block)
        cur.setBlockFormat(fmt)
        cur.setPosition(block.position() + at)
        cur.insertBlock(rest, block.charFormat())
        if still_open > 0:
            cur.insertText("\u2068" * still_open, cur.charFormat())
        self.charts = [(n + 1 if n > number else n, data, w, h) for n, data, w, h in self.charts]
        self.doc.pageCount()

    def chart(self, svg: str, compact: str = "") -> None:
        """Room for an SVG drawing the page's width across (or less, if it would not fit a
        page), on a page of its own if it does not fit the rest of the current one;
        ``compact``: the same chart with shorter plots, drawn instead where room is short."""
        data = svg.encode("utf-8")
        size = QSvgRenderer(QByteArray(data)).defaultSize()
        w = self.width
        h = w * size.height() / max(size.width(), 1)
        if h > self.height * 0.92:
            w, h = w * self.height * 0.92 / h, self.height * 0.92
        fmt_block = self._block(top=2, bottom=4)
        # the line is the chart: the text's 118% spacing would add a fifth of its height
        # below it, unseen by the layout's block rectangles (and spilling onto the next page)
        fmt_block.setLineHeight(100, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        self._new_block(fmt_block, self._char())
        name = f"chart-{len(self.charts)}"
        blank = QImage(1, 1, QImage.Format.Format_ARGB32)
        blank.fill(0)
        self.doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), blank)
        fmt = QTextImageFormat()
        fmt.setName(name)
        # image sizes are 96-dpi pixels, scaled to the device by the layout (as margins are)
        fmt.setWidth(w * 96.0 / DPI)
        fmt.setHeight(h * 96.0 / DPI)
        self.cur.insertImage(fmt)
        self.charts.append((self.cur.block().blockNumber(), data, w, h))
        self.variants[self.cur.block().blockNumber()] = [
            (v, _aspect(v)) for v in (data, compact.encode("utf-8")) if v and _aspect(v) > 0
        ]

    def paint_charts(self, p: QPainter, page: int) -> None:
        """Draw the charts whose room lies on ``page`` (the painter is in document
        coordinates, translated to the page)."""
        layout = self.doc.documentLayout()
        page_h = self.doc.pageSize().height()
        for number, data, w, h in self.charts:
            block = self.doc.findBlockByNumber(number)
            rect = layout.blockBoundingRect(block)
            if not block.layout().lineCount():
                continue
            line = block.layout().lineAt(0)
            # an inline image stands on the line's baseline; the layout may have pushed the
            # line to the next page, so its own position says which page it is on
            top = rect.top() + line.y() + line.ascent() - h
            if int((top + h / 2) // page_h) != page:  # its middle says its page (rounding at an edge)
                continue
            QSvgRenderer(QByteArray(data)).render(p, QRectF(rect.left() + line.x(), top, w, h))

    # -- pagination: QTextDocument breaks pages by itself, line by line and row by row, but
    # has no keep-with-next or keep-together; these rules add them, as page breaks set on
    # blocks once the layout says where everything falls --

    def _paginate(self) -> None:
        """Page breaks before (1) a long section's heading left with little room at a page's
        foot, (2) a heading (or chart caption) whose page would not also hold the start of
        what follows it (its first lines, a small table whole, a large one's first row, a
        chart), and (3) a small table that would split. Taken in document order: a break
        moves everything after it, so each rule asks the layout afresh."""
        table_of = dict(self.tables)
        rows = self._row_starts()
        # the block after each table
        tails = {QTextCursor(t.lastCursorPosition()).block().next().blockNumber(): t for _n, t in self.tables}
        tails = {n: t for n, t in tails.items() if n >= 0}
        closing = self._closing_lines()
        events = self.keep_with_next | self.section_starts | set(table_of) | set(rows) | set(tails) | closing
        for number in sorted(events):
            if number in rows:
                self._keep_row(*rows[number])
                continue
            if number in tails:
                self._end_table(tails[number])
            if number in closing:
                self._close(number)
                continue
            block = self.doc.findBlockByNumber(number)
            top = self._rect(block).top()
            into = top - self._page(top) * self.height
            if into < 1 or self._breaks_before(block):
                continue  # already at a page's top
            if number in self.section_starts and self.height - into < SECTION_ROOM * self.height:
                self._break_before(block)
                continue
            before = block.previous()
            if (
                number in table_of
                and before.isValid()
                and self._page(self._rect(before).bottom() - 1) < self._page(top)
            ):
                # a table whose first row did not fit the foot of the page: Qt moves it to
                # the next page with a gap above it; starting the table there leaves none
                self._break_before(block)
                continue
            if number in self.keep_with_next:
                self._fit_chart(number)
            if self._split(number, table_of):
                old = block.blockFormat()
                self._break_before(block)
                if self._split(number, table_of):
                    # too tall for one page even from its top: the break would only leave a gap
                    QTextCursor(self.doc.findBlockByNumber(number)).setBlockFormat(old)
                    self.doc.pageCount()

    def _row_starts(self) -> dict[int, tuple[QTextTable, int]]:
        """The rows a page break may fall before, by the number of their first block: each
        table's rows after its first data row (a break before that one is the table's own,
        or its heading's)."""
        out = {}
        for _anchor, table in self.tables:
            first = table.format().headerRowCount() + 1
            for r in range(first, table.rows()):
                out[table.cellAt(r, 0).firstCursorPosition().block().blockNumber()] = (table, r)
        return out

    def _row_lines(self, table: QTextTable, row: int) -> tuple[float, float]:
        """The top of row ``row``'s first line of text and the bottom of its last (document
        units): where its text is drawn, which a block's rectangle does not say once Qt has
        moved its lines to the next page."""
        tops, bottoms = [], []
        for c in range(table.columns()):
            cell = table.cellAt(row, c)
            first, last = cell.firstCursorPosition().block(), cell.lastCursorPosition().block()
            for block, out, edge in ((first, tops, 0), (last, bottoms, -1)):
                rect = self._rect(block)
                layout = block.layout()
                if layout is None or not layout.lineCount():
                    out.append(rect.top() if edge == 0 else rect.bottom())
                    continue
                line = layout.lineAt(0 if edge == 0 else layout.lineCount() - 1)
                out.append(rect.top() + line.y() + (0 if edge == 0 else line.height()))
        return min(tops), max(bottoms)

    def _closing_lines(self) -> set[int]:
        """The one-line paragraphs that close a part (a heading follows them), after a table:
        a phase's "Turning points in this phase: …"."""
        out = set()
        block = self.doc.begin()
        while block.isValid():
            nxt = block.next()
            if (
                nxt.isValid()
                and nxt.blockNumber() in self.headings
                and block.blockNumber() not in self.keep_with_next
                and block.text()
                and QTextCursor(block).currentTable() is None
                and self._table_above(block) is not None
            ):
                out.add(block.blockNumber())
            block = nxt
        return out

    def _table_above(self, block: QTextBlock) -> QTextTable | None:
        """The table right above ``block`` (past the empty block Qt leaves after a table)."""
        above = block.previous()
        if above.isValid() and not above.text() and QTextCursor(above).currentTable() is None:
            above = above.previous()
        return QTextCursor(above).currentTable() if above.isValid() else None

    def _close(self, number: int) -> None:
        """A part's closing line carried alone to the top of a page, above the next part's
        heading (bsky: "Turning points in this phase: 1." read as Simmer's), takes the table
        above it along: a small table with its heading, or a large one's last row."""
        block = self.doc.findBlockByNumber(number)
        layout = block.layout()
        if layout is None or layout.lineCount() != 1:
            return
        table = self._table_above(block)
        line_top = self._rect(block).top() + layout.lineAt(0).y()
        if table is None or self._page(self._row_lines(table, table.rows() - 1)[1] - 1) == self._page(
            line_top
        ):
            return
        if self._table_end(table, whole=True) is not None:
            # a small table, kept whole: it goes with its heading and anything kept with it
            start = self.doc.findBlock(table.firstPosition()).previous()
            while start.previous().isValid() and start.previous().blockNumber() in self.keep_with_next:
                start = start.previous()
            top = self._rect(start).top()
            at_top = top - self._page(top) * self.height < 1 or self._breaks_before(start)
            if not at_top and self._rect(block).bottom() - top < self.height * 0.9:
                self._break_before(start)
        elif table.rows() - 1 > table.format().headerRowCount():
            self._keep_row(table, table.rows() - 1, force=True)

    def _end_table(self, table: QTextTable) -> None:
        """A table whose last row ends at a page's foot ends there: its margin and border
        below that row, spilling onto the next page, made Qt draw its repeated header there
        with no row under it (twarc's turning points). The margin goes; if the border still
        spills, the last row moves to the next page under the header."""
        last = table.rows() - 1
        text_end = self._row_lines(table, last)[1]
        if self._page(self.doc.documentLayout().frameBoundingRect(table).bottom() - 1) == self._page(
            text_end - 1
        ):
            return
        fmt = table.format()
        fmt.setBottomMargin(0)
        table.setFormat(fmt)
        self.doc.pageCount()
        if self._page(self.doc.documentLayout().frameBoundingRect(table).bottom() - 1) == self._page(
            text_end - 1
        ):
            return
        if last > fmt.headerRowCount():
            self._keep_row(table, last, force=True)

    def _keep_row(self, table: QTextTable, row: int, force: bool = False) -> None:
        """Row ``row`` of ``table`` moves whole to the next page when it would run over a
        page's foot and fits a page under the repeated header: Qt breaks a row line by line
        and moves it whole only when no cell's first line starts on the page, so the row
        above is made to reach the page's foot (it ends with blank room, as Qt leaves it
        when it moves a row by itself)."""
        top, bottom = self._row_lines(table, row)
        page = self._page(top)
        if self._page(bottom - 1) == page and not force:
            return
        header = table.format().headerRowCount()
        head = self._row_lines(table, 0) if header else (0.0, 0.0)
        padding = 2 * table.format().cellPadding() * DPI / 96.0
        if bottom - top + (head[1] - head[0]) + 3 * padding > self.height:
            return  # taller than a page: it has to break somewhere
        cells = [table.cellAt(row - 1, c) for c in range(table.columns())]
        formats = [cell.format().toTableCellFormat() for cell in cells]
        base = table.format().cellPadding()
        extra = 0.0
        for _ in range(4):
            # the row's text must start past the page's foot for Qt to move the row: the row
            # above is made taller by padding under every cell (a row is as tall as its
            # tallest cell; a block's own margin in a cell is not laid out again)
            need = (page + 1) * self.height - self._rect(
                table.cellAt(row, 0).firstCursorPosition().block()
            ).top()
            if need <= 0:
                break
            extra += (need + 2) * 96.0 / DPI
            for cell, fmt in zip(cells, formats, strict=True):
                padded = QTextTableCellFormat(fmt)
                padded.setBottomPadding(base + extra)
                cell.setFormat(padded)
            self.doc.pageCount()
        top, bottom = self._row_lines(table, row)
        if self._page(top) == page or self._page(bottom - 1) != self._page(top):
            for cell, fmt in zip(cells, formats, strict=True):  # it did not move whole
                cell.setFormat(fmt)
            self.doc.pageCount()

    def _split(self, number: int, table_of: dict[int, QTextTable]) -> bool:
        """Whether block ``number`` and what must stay with it are on different pages."""
        if number in self.keep_with_next:
            end = self._kept_end(number)
        elif number in table_of:
            end = self._table_end(table_of[number], whole=True)
        else:
            end = None
        top = self._rect(self.doc.findBlockByNumber(number)).top()
        return end is not None and self._page(end - 1) != self._page(top)

    def _page(self, y: float) -> int:
        """The page (from 0) that document position ``y`` is on; a page's top, computed as
        a multiple of the page's height, may come out a hair above it."""
        return math.floor((y + 1) / self.height)

    def _rect(self, block) -> QRectF:
        return self.doc.documentLayout().blockBoundingRect(block)

    def _kept(self, number: int) -> QTextBlock | QTextTable | None:
        """What block ``number`` (kept with what follows) is kept with, past the headings and
        captions under it: a table, or a block (a paragraph, a chart)."""
        nxt = self.doc.findBlockByNumber(number).next()
        while nxt.isValid():
            table = QTextCursor(nxt).currentTable()
            if table is not None:
                return table
            if nxt.text() and nxt.blockNumber() not in self.keep_with_next:
                return nxt
            nxt = nxt.next()  # a heading under a heading, a caption; the empty block before a table
        return None

    def _fit_chart(self, number: int) -> None:
        """A chart kept with block ``number`` (a heading, its caption) that is pushed to the
        next page, or pushes what it is kept with (its numbered key) there, is drawn smaller
        to fit: down to ``CHART_SHRINK`` of its size to stay under its heading (a page left
        half empty serves the reader less than a smaller chart), and only down to
        ``KEY_SHRINK`` to keep its numbered key on its page (a key on the next page serves
        the reader better than a chart whose axes cannot be read)."""
        charts = {n: i for i, (n, *_rest) in enumerate(self.charts)}
        nxt = self.doc.findBlockByNumber(number).next()
        # the chart among the blocks kept with this one (headings, a caption, the chart)
        while nxt.isValid() and nxt.blockNumber() not in charts:
            if nxt.blockNumber() not in self.keep_with_next or QTextCursor(nxt).currentTable() is not None:
                return
            nxt = nxt.next()
        if not nxt.isValid():
            return
        kept = nxt
        # with its numbered key if that can be done, else alone (the key then follows on)
        if kept.blockNumber() in self.chart_keys and self._fit_chart_to(
            number, kept, self._key_end, KEY_SHRINK
        ):
            return
        self._fit_chart_to(number, kept, lambda _block: None, CHART_SHRINK)

    def _fit_chart_to(
        self, number: int, kept: QTextBlock, after: Callable[[QTextBlock], float | None], least: float
    ) -> bool:
        """Draw chart block ``kept`` smaller (or with shorter plots), down to ``least`` of the
        page's width, until it, and what ``after`` says must follow it (where that ends), is on
        the page of block ``number``; whether it is. A chart that does not fit even at its
        smallest is left as it was."""
        charts = {n: i for i, (n, *_rest) in enumerate(self.charts)}
        i = charts[kept.blockNumber()]
        n, data, w, h = self.charts[i]
        first = self.charts[i]
        page = self._page(self._rect(self.doc.findBlockByNumber(number)).top())
        for _ in range(6):  # the line's own spacing and margins: measured, and tried again
            rect = self._rect(kept)
            line = kept.layout().lineAt(0)
            chart_bottom = rect.top() + line.y() + line.height()
            end = after(kept) or chart_bottom
            if self._page(end - 1) == page and self._page(chart_bottom - 1) == page:
                return True
            if self._page(chart_bottom - 1) != page:
                # the line, pushed whole to the next page, would start at its block's top
                over = line.height() - ((page + 1) * self.height - rect.top())
            else:
                over = end - (page + 1) * self.height
            room = h - over * 1.01 - 2
            # the drawing (full, or with shorter plots) that is widest at that height: the
            # width sets the size of its text
            best = None
            for variant, aspect in self.variants[n]:
                width = min(self.width, room / aspect)
                if width >= least * self.width and (best is None or width > best[1] + 1):
                    best = (variant, width, width * aspect)
            if best is None:
                # the room is measured with what follows pushed on by Qt (an overestimate):
                # the smallest drawing allowed is tried once
                variant, aspect = min(self.variants[n], key=lambda v: v[1])
                smallest = (variant, least * self.width, least * self.width * aspect)
                if (data, w, h) == smallest:
                    break
                best = smallest
            data, w, h = best
            self._resize_chart(kept, w, h)
            self.charts[i] = (n, data, w, h)
            self.doc.pageCount()
        if self.charts[i] != first:  # it does not fit even so: as it was
            self._resize_chart(kept, first[2], first[3])
            self.charts[i] = first
            self.doc.pageCount()
        return False

    def _key_end(self, chart: QTextBlock) -> float | None:
        """Where the chart's key (the table after it) ends, if small, else its first row."""
        nxt = chart.next()
        while nxt.isValid() and QTextCursor(nxt).currentTable() is None and not nxt.text():
            nxt = nxt.next()
        table = QTextCursor(nxt).currentTable() if nxt.isValid() else None
        return None if table is None else self._table_end(table, whole=False)

    def _kept_block(self, number: int) -> int:
        kept = self._kept(number)
        return kept.blockNumber() if isinstance(kept, QTextBlock) else -1

    def _resize_chart(self, block: QTextBlock, w: float, h: float) -> None:
        cur = QTextCursor(block)
        cur.movePosition(QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor)
        fmt = cur.charFormat().toImageFormat()
        fmt.setWidth(w * 96.0 / DPI)
        fmt.setHeight(h * 96.0 / DPI)
        cur.setCharFormat(fmt)

    def _kept_end(self, number: int) -> float | None:
        """Where what must stay on the page of block ``number`` ends (document units)."""
        nxt = self._kept(number)
        if isinstance(nxt, QTextTable):
            return self._table_end(nxt, whole=False)
        if nxt is not None:
            rect = self._rect(nxt)  # first: it brings the block's layout up to date
            layout = nxt.layout()
            if layout is not None and layout.lineCount():
                # the first two lines of a paragraph (a chart's block is one line: the chart)
                line = layout.lineAt(min(1, layout.lineCount() - 1))
                return rect.top() + line.y() + line.height()
        return None

    def _table_end(self, table: QTextTable, whole: bool) -> float | None:
        """The bottom of ``table`` if it is small (or ``whole``, when it is not then None),
        else of its first row after the header."""
        rows = [self._row_span(table, r) for r in range(table.rows())]
        # its height without the gap a page break leaves inside it
        padding = 2 * table.format().cellPadding() * DPI / 96.0  # set in 96-dpi units, like margins
        natural = sum(bottom - top for top, bottom in rows) + table.rows() * padding
        if natural <= SMALL_TABLE * self.height:
            return self.doc.documentLayout().frameBoundingRect(table).bottom()
        if whole:
            return None
        return rows[min(table.format().headerRowCount(), table.rows() - 1)][1]

    def _row_span(self, table: QTextTable, row: int) -> tuple[float, float]:
        """The top of row ``row``'s text and the bottom (document units)."""
        cells = [table.cellAt(row, c) for c in range(table.columns())]
        tops = [self._rect(c.firstCursorPosition().block()).top() for c in cells]
        bottoms = [self._rect(c.lastCursorPosition().block()).bottom() for c in cells]
        return min(tops), max(bottoms)

    def _breaks_before(self, block) -> bool:
        return bool(block.blockFormat().pageBreakPolicy() & QTextFormat_PageBreak_AlwaysBefore)

    def _break_before(self, block) -> None:
        fmt = block.blockFormat()
        fmt.setPageBreakPolicy(QTextFormat_PageBreak_AlwaysBefore)
        fmt.setTopMargin(0)
        QTextCursor(block).setBlockFormat(fmt)
        # the whole layout again: asked block by block, it can answer from before the change
        self.doc.pageCount()

    def _block(
        self,
        top: float = 0,
        bottom: float = 4,
        left: float = 0,
    ) -> QTextBlockFormat:
        b = QTextBlockFormat()
        b.setTopMargin(_dpt(top))
        b.setBottomMargin(_dpt(bottom))
        b.setLeftMargin(_dpt(left))
        b.setLineHeight(118, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
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

    def heading(self, text: str, level: int = 1, section_start: bool = False) -> None:
        """A heading; ``section_start``: a long section's, which starts a page unless the
        page has room for a good part of it."""
        size = {1: 17, 2: 12.5, 3: 10.5}[level]
        top = {1: 0 if self.empty else 16, 2: 12, 3: 8}[level]
        self._new_block(
            self._block(top=top, bottom=6 if level == 1 else 3),
            self._char(size, bold=True, colour=ACCENT if level == 1 else INK),
        )
        self.cur.insertText(text, self._char(size, bold=True, colour=ACCENT if level == 1 else INK))
        self.keep_with_next.add(self.cur.block().blockNumber())
        self.headings.add(self.cur.block().blockNumber())
        if section_start:
            self.section_starts.add(self.cur.block().blockNumber())

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
        anchor = self.cur.block().blockNumber()
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
        self.tables.append((anchor, table))
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
#: a long section starts a new page when less than this share of the page is left
SECTION_ROOM = 0.3
#: a table up to this share of a page is kept on one page
SMALL_TABLE = 0.33
#: a chart is drawn down to this share of its size to stay on the page of its heading
CHART_SHRINK = 0.7
#: ... but only down to this share to keep its numbered key on its page: the key can follow
#: on the next page, while a chart drawn smaller than this has axis text too small to read
#: on paper (at 0.7 the sample's timeline ran at 60% of the text's width)
KEY_SHRINK = 0.9


def _aspect(svg: bytes) -> float:
    """An SVG drawing's height over its width."""
    size = QSvgRenderer(QByteArray(svg)).defaultSize()
    return size.height() / max(size.width(), 1)


def _plain(text: str) -> str:
    """Plain text for insertText: line breaks kept as paragraph-internal line separators (a
    raw newline would start a block without the paragraph's format); nothing else changes."""
    return (text or "").replace("\r\n", "\n").replace("\n", "\u2028")


# ---- the renderer -----------------------------------------------------------------------------


def claim_text(c: Claim) -> str:
    """A claim's text with its quoted post text bidi-isolated (balanced, then wrapped in a
    first-strong isolate, :func:`app.core.text_safety.bidi_isolate`): a right-to-left mark in a
    post cannot reorder the report's own words."""
    text = c.text
    quotes = sorted((s for s in c.spans if s.what == "quote"), key=lambda s: s.start)
    if not quotes:
        return text
    out, pos = [], 0
    for s in quotes:
        out += [text[pos : s.start], bidi_isolate(text[s.start : s.end])]
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


class _Renderer:
    def __init__(self, report: Report, target: str | QIODevice, progress=None) -> None:
        self.r = report
        self.path = target if isinstance(target, str) else "memory"
        self.progress = progress
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

    # -- plan: the cover, then the sections' blocks, split into documents at each chart --
    def render(self) -> int:
        r = self.r
        segments: list[tuple[str, object]] = []
        if "cover" in r.options.sections:
            segments.append(("cover", None))
        d: _Doc | None = None
        for s in r.sections:
            if d is None:
                d = self.doc()
            # the long sections start a page unless the page has room for a good part of
            # them; the short ones follow on
            d.heading(s.title, 1, section_start=s.name in _PAGE_SECTIONS)
            for b, after in itertools.zip_longest(s.blocks, s.blocks[1:]):
                self.block(d, b)
                if isinstance(b, Chart) and isinstance(after, Table):
                    # the chart's numbered key: its markers say "listed below"
                    d.chart_keys.add(d.cur.block().blockNumber())
        if d is not None:
            segments.append(("doc", d))
        for kind, seg in segments:
            if kind == "doc":
                seg.finish()  # type: ignore[union-attr]
        counts = [seg.doc.pageCount() if kind == "doc" else 1 for kind, seg in segments]  # type: ignore[union-attr]
        self.total = sum(counts)
        painter = QPainter()
        if not painter.begin(self.writer):
            raise OSError(f"Cannot write the PDF to {self.path}.")
        try:
            first_page = True
            for (kind, seg), n in zip(segments, counts, strict=True):
                for i in range(n):
                    if not first_page:
                        self.writer.newPage()
                    first_page = False
                    self.page += 1
                    self._report(self.page, self.total, f"page {self.page} of {self.total}")
                    if kind == "cover":
                        self.paint_cover(painter)
                        continue
                    self.paint_doc_page(painter, seg.doc, i, seg)  # type: ignore[arg-type,union-attr]
                    self.paint_furniture(painter)
        finally:
            painter.end()
        return self.total

    # -- blocks --
    def block(self, d: _Doc, b: Block) -> None:
        if isinstance(b, Heading):
            d.heading(b.text, min(b.level, 3))
        elif isinstance(b, Para):
            style = {
                "body": {},
                "muted": {"size": 8.5, "colour": MUTED},
                "note": {"size": 7.5, "italic": True, "colour": MUTED},
            }[b.style]
            d.para(claim_text(b.claim), **style)
        elif isinstance(b, Table):
            d.table(
                list(b.headers) if b.headers else None,
                [[self.cell(c, b.size) for c in row] for row in b.rows],
                list(b.widths),
                size=b.size,
                shade_first=b.row_headings,
                bold_first=b.row_headings,
                mono_cols={i for i, c in enumerate(b.rows[0]) if c.mono} if b.rows else set(),
            )
        elif isinstance(b, Quotes):
            rows = [
                [
                    [
                        (bidi_isolate("“" + q.text.strip() + "”"), {"size": 9}),
                        ("\n", {}),
                        (claim_text(q.meta), {"size": 7.5, "colour": MUTED}),
                    ]
                ]
                for q in b.posts
            ]
            d.table(None, rows, [100])
        elif isinstance(b, Chart):
            d.para(claim_text(b.caption), size=8.5, colour=MUTED)
            d.keep_with_next.add(d.cur.block().blockNumber())  # the caption goes with its chart
            d.chart(b.svg, b.compact_svg)
        elif isinstance(b, Headline):
            figs = b.figures
            rows = []
            for i in range(0, len(figs), 2):
                row: list = []
                for f in figs[i : i + 2]:
                    row += [claim_text(f.label), [(claim_text(f.value), {"bold": True})]]
                row += [""] * (4 - len(row))
                rows.append(row)
            d.table(None, rows, [30, 20, 30, 20], size=9)
        else:
            raise TypeError(f"no PDF layout for {type(b).__name__}")

    def cell(self, c: Cell, size: float) -> object:
        main = claim_text(c.claim)
        if c.sub is None or not c.sub.text:
            return [(main, {"bold": c.bold, "mono": c.mono})] if (c.bold or c.mono) else main
        return [(main, {"bold": c.bold}), ("\n", {}), (claim_text(c.sub), {"size": max(size - 1, 6.5)})]

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

    def paint_doc_page(self, p: QPainter, doc: QTextDocument, i: int, seg: _Doc | None = None) -> None:
        p.save()
        p.translate(self.left, self.top)
        p.setClipRect(QRectF(0, 0, self.cw, self.ch))
        p.translate(0, -i * self.ch)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        # the layout draws every block and line that touches the clip, edges included: a
        # heading that starts the next page exactly at this one's foot would be drawn here too,
        # hidden by the painter's clip but still in the PDF's text (found, copied, read out
        # at the foot of this page). A clip a hair inside the page leaves it to its own page.
        edge = 0.5
        ctx.clip = QRectF(0, i * self.ch + edge, self.cw, self.ch - 2 * edge)
        doc.documentLayout().draw(p, ctx)
        if seg is not None:
            seg.paint_charts(p, i)
        p.restore()

    # -- cover --
    def paint_cover(self, p: QPainter) -> None:
        c = self.r.cover
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
            c.title,
        )
        y = _mm(86)
        for label, value in c.rows:
            p.setFont(_font(8.5, bold=True))
            p.setPen(QColor(MUTED))
            p.drawText(QRectF(x, y, w, _mm(6)), Qt.AlignmentFlag.AlignLeft, label.upper())
            p.setFont(_font(13 if label == "Incident" else 11))
            p.setPen(QColor(INK))
            flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
            box = p.boundingRect(QRectF(x, y + _mm(6), w, _mm(40)), flags, value)
            p.drawText(box, flags, value)
            y = box.bottom() + _mm(7)
        # the headline figures, large, so the cover alone tells the size of it
        y += _mm(6)
        p.setPen(QPen(QColor(RULE), _pt(0.75)))
        p.drawLine(QPointF(x, y), QPointF(x + w, y))
        y += _mm(6)
        col_w = w / 3
        for i, f in enumerate(c.figures):
            cx, cy = x + (i % 3) * col_w, y + (i // 3) * _mm(26)
            text = claim_text(f.value)
            size = 15.0
            while size > 9 and QFontMetricsF(_font(size, bold=True), self.writer).horizontalAdvance(
                text
            ) > col_w - _mm(4):
                size -= 0.5  # a long figure ("7 hours 26 minutes later") shrinks rather than clips
            p.setFont(_font(size, bold=True))
            p.setPen(QColor(ACCENT))
            p.drawText(
                QRectF(cx, cy, col_w - _mm(4), _mm(10)),
                int(Qt.AlignmentFlag.AlignLeft) | int(Qt.AlignmentFlag.AlignBottom),
                text,
            )
            p.setFont(_font(8))
            p.setPen(QColor(MUTED))
            p.drawText(
                QRectF(cx, cy + _mm(10), col_w - _mm(4), _mm(14)),
                int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap),
                claim_text(f.label),
            )
        p.setFont(_font(7.5))
        p.setPen(QColor(MUTED))
        p.drawText(
            QRectF(x, self.H - _mm(22), w, _mm(10)),
            int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap),
            c.note,
        )
        p.restore()


_PAGE_SECTIONS = ("timeline", "chronicle", "turning_points", "brand", "appendix")


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
