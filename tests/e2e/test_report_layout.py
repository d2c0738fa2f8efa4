"""How the PDF report's pages are laid out, read back with pypdf (text and where it stands):
no line printed twice across a page break, no heading left at the foot of a page, the
headline figures on one page, and no page left mostly blank before the last."""

from __future__ import annotations

import itertools
import shutil
import unicodedata

import pypdf
import pytest

from app.core.facts import clear_cache
from app.core.ingest import import_paths
from app.core.report.content import Heading, Headline, Report, build_report
from app.core.store import Workspace
from app.report_pdf import render_pdf_bytes

#: the running header and the page number stand above and below these heights (from the
#: page's foot, as a share of its height)
BODY = (0.05, 0.94)
#: the body's foot (app.report_pdf: a 20 mm margin), in points: a line drawn below it is
#: hidden by the clip, though in the text
FOOT = 20 / 25.4 * 72


def _report(path) -> Report:
    clear_cache()
    with Workspace.open(path) as ws:
        return build_report(ws)


@pytest.fixture(scope="module", params=["sample", "bluesky", "twarc"])
def laid_out(request, sample_workspace, fixtures_dir, tmp_path_factory) -> tuple[Report, list[list]]:
    """(the report, and per page after the cover its body's lines as (height, text), top first)."""
    path = tmp_path_factory.mktemp("layout") / "ws.duckdb"
    if request.param == "sample":
        shutil.copy(sample_workspace, path)
    else:
        archive = {"bluesky": "twitwi/bluesky-posts.json", "twarc": "twarc-csv/noflat.jsonl"}[request.param]
        with Workspace.open(path, create=True) as ws:
            (rep,) = import_paths(ws, [fixtures_dir / archive])
            assert rep.error is None
    report = _report(path)
    data, _ = render_pdf_bytes(report)
    out = tmp_path_factory.mktemp("pdf") / "report.pdf"
    out.write_bytes(data)
    pages = []
    for page in pypdf.PdfReader(str(out)).pages[1:]:
        height = float(page.mediabox.height)
        lines: list[tuple[float, str]] = []

        def visit(text, cm, tm, font, size, lines=lines, height=height):
            y = (tm[5] * cm[3] + cm[5]) / height
            if text.strip() and BODY[0] < y < BODY[1]:
                lines.append((y, _words(text)))

        page.extract_text(visitor_text=visit)
        pages.append(sorted(lines, key=lambda line: -line[0]))
    return report, pages


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _headings(report: Report) -> set[str]:
    titles = {s.title for s in report.sections}
    titles |= {b.text for s in report.sections for b in s.blocks if isinstance(b, Heading)}
    return {_words(t) for t in titles} | {"Headline figures", "Phases at a glance"}


def test_no_line_is_printed_at_the_foot_of_a_page_and_again_atop_the_next(laid_out):
    """Qt draws a paragraph's line above the page too, and a block that starts a page also at
    the foot of the one before (hidden by the clip, but in the text: found and copied twice,
    a heading seeming to stand alone at a page's foot, #21)."""
    _, pages = laid_out
    for n, (page, following) in enumerate(itertools.pairwise(pages), start=2):
        assert page and following
        assert page[-1][1] != following[0][1], (n, page[-1][1])


def test_every_heading_is_printed_once_and_never_last_on_its_page(laid_out):
    report, pages = laid_out
    headings = _headings(report)
    for n, page in enumerate(pages, start=2):
        assert page[-1][1] not in headings, (n, page[-1][1])
    printed = [text for page in pages for _, text in page if text in headings]
    expected = [s.title for s in report.sections]
    expected += [b.text for s in report.sections for b in s.blocks if isinstance(b, Heading)]
    for title in set(expected):
        if len(title.split()) >= 3:  # ("Launch" and "Peak" name phases in tables too)
            assert printed.count(_words(title)) == expected.count(title), title


def test_the_headline_figures_stand_on_one_page(laid_out):
    report, pages = laid_out
    (page,) = [p for p in pages if any(text == "Headline figures" for _, text in p)]
    height = float(pypdf.PaperSize.A4.height if report.options.paper == "a4" else 792)
    lines = [text for y, text in page if y * height > FOOT]  # what is seen of it
    headline = next(b for b in report.section("summary").blocks if isinstance(b, Headline))
    for fig in headline.figures:
        value = _words(fig.value.text)
        # a line of its own (the first, when the cell wraps), not a number inside a sentence
        assert any(value == line or value.startswith(line + " ") for line in lines), fig.key


def test_no_page_but_the_last_is_left_mostly_blank(laid_out):
    """(The sample's page 3 held the headline table's last row and the phases, three
    quarters blank, because the timeline always started a page; twarc's page 2 was 40%
    blank, its timeline chart pushed to page 3 where a compact drawing fits page 2.) At
    most about a third of a page is left blank (the body ends at 7% of its height)."""
    _, pages = laid_out
    for n, page in enumerate(pages[:-1], start=2):
        lowest = page[-1][0]
        assert lowest < 0.4, (n, lowest, page[-1][1])


def _doc_pages(fill: int, then) -> tuple:
    """A document of the report's layout: ``fill`` paragraphs, then what ``then`` adds; laid out
    and paginated. Returns (the document, the page of a document position)."""
    from PySide6.QtCore import QBuffer, QIODevice

    from app.report_pdf import DPI, _Doc, ensure_app

    ensure_app()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    from PySide6.QtGui import QPdfWriter

    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    d = _Doc(writer, 2000.0, 3000.0)
    for i in range(fill):
        d.para(f"Paragraph {i}: " + "words that fill the line " * 12)
    then(d)
    d.finish()
    return d, d._page


def _block_page(d, page_of, text: str) -> int:
    block = d.doc.find(text).block()
    return page_of(d.doc.documentLayout().blockBoundingRect(block).top())


def test_a_heading_and_its_small_table_share_a_page_wherever_they_fall():
    # taller than the room the old rule kept under a heading (70 pt): a fifth of the page
    rows = [[f"label {r} of a long name that wraps", f"{r * 1000:,}", f"other {r}", "x"] for r in range(6)]

    def then(d):
        d.heading("Small table", 2)
        d.table(None, rows, [30, 20, 30, 20])
        d.para("After the table.")

    for fill in range(30):
        d, page_of = _doc_pages(fill, then)
        pages = {_block_page(d, page_of, t) for t in ("Small table", "label 0", "label 5")}
        assert len(pages) == 1, (fill, pages)


def test_a_chart_stays_with_its_heading_and_caption_wherever_it_falls():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="700" viewBox="0 0 1000 700"><rect x="0" y="0" width="1000" height="700" fill="#ccc"/></svg>'

    def then(d):
        d.heading("The chart", 1)
        d.para("Its caption.")
        d.keep_with_next.add(d.cur.block().blockNumber())
        d.chart(svg)

    for fill in range(30):
        d, page_of = _doc_pages(fill, then)
        (number, _, _, _h) = d.charts[0]
        block = d.doc.findBlockByNumber(number)
        rect = d.doc.documentLayout().blockBoundingRect(block)
        line = block.layout().lineAt(0)
        bottom = rect.top() + line.y() + line.height()
        pages = {
            _block_page(d, page_of, "The chart"),
            _block_page(d, page_of, "Its caption."),
            page_of(bottom - 1),
        }
        assert len(pages) == 1, (fill, pages)


def test_a_quote_split_by_a_page_break_stays_isolated_on_both_pages():
    """A paragraph running over a page is split into two blocks there (so that Qt does not
    print its last line twice); a post's bidi isolate open at the split is opened again."""
    from app.core.text_safety import bidi_isolate

    quote = bidi_isolate("שלום עולם " * 150)

    def then(d):
        d.para("Its most shared post was “" + quote + "” (9 retweets).")

    split = 0
    for fill in range(40):
        d, _ = _doc_pages(fill, then)
        block = d.doc.begin()
        while block.isValid():
            depth = 0
            for ch in block.text():
                if ch in "\u2066\u2067\u2068":
                    depth += 1
                elif ch == "\u2069":
                    assert depth > 0, (fill, block.text()[:40])
                    depth -= 1
            split += block.text().startswith("\u2068")
            block = block.next()
    assert split  # some fill put the quote across a page break


def _rows(rows: int, words: int):
    """A heading and a table of ``rows`` rows of about ``words`` words each (some longer)."""
    body = [[f"{r}", f"Row {r} " + "evidence that wraps " * (words + 7 * (r % 3)), "x"] for r in range(rows)]

    def then(d):
        d.heading("Turning points", 2)
        d.table(["#", "Turning point", "Evidence"], body, [5, 75, 20])
        d.para("After the table.")

    return then


def test_a_table_row_that_fits_a_page_is_never_split_across_pages():
    """Qt breaks a row line by line, mid-sentence (the sample's Method and turning points
    read "…the trailing" / "24-hour baseline…" across pages); a row that fits a page
    moves whole to the next, under the repeated header."""
    for fill in range(0, 24, 2):
        d, page_of = _doc_pages(fill, _rows(14, 20))
        (table,) = [t for _n, t in d.tables]
        for r in range(table.rows()):
            top, bottom = d._row_lines(table, r)
            assert page_of(top) == page_of(bottom - 1), (fill, r)


def test_a_table_ending_at_a_page_foot_leaves_no_empty_header_on_the_next_page():
    """twarc's turning points ended at a page's foot; the table's margin and border below
    its last row ran onto the next page, where Qt drew its repeated header over no row."""
    table_rows = _rows(3, 45)  # a table too tall to be kept on one page
    # the table's end, a point at a time, past the page's foot (5 to 25 points of space
    # put it there without the rule)
    for space in range(40):

        def then(d, space=space):
            d.para("Above.", bottom=space)
            table_rows(d)

        d, page_of = _doc_pages(5, then)
        (table,) = [t for _n, t in d.tables]
        last = d._row_lines(table, table.rows() - 1)[1]
        frame = d.doc.documentLayout().frameBoundingRect(table)
        assert page_of(frame.bottom() - 1) == page_of(last - 1), space


def test_a_chart_keeps_its_key_on_its_page_when_a_smaller_drawing_fits_both():
    """The sample's numbered key ("listed below") stood on the page after its chart: the chart
    is drawn smaller (first with shorter plots, then down to 90%: smaller, its axis text is
    too small to read on paper) when that keeps both on its page, and left whole, its key
    following on, when nothing allowed does."""
    from app.report_pdf import KEY_SHRINK

    def svg(height: int) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="{height}" '
            f'viewBox="0 0 1000 {height}"><rect x="0" y="0" width="1000" height="{height}" fill="#ccc"/></svg>'
        )

    key = [[f"{i}. Wed 13 Nov 2013, 9:00 pm UTC: a turning point", f"{i + 1}. another"] for i in range(6)]

    def then(d):
        d.heading("The chart", 1)
        d.para("Its caption.")
        d.keep_with_next.add(d.cur.block().blockNumber())
        d.chart(svg(760), svg(560))
        d.chart_keys.add(d.cur.block().blockNumber())
        d.table(None, key, [50, 50], size=7.5)
        d.para("After the key.")

    together = 0
    for fill in range(30):
        d, page_of = _doc_pages(fill, then)
        (number, _, w, _h) = d.charts[0]
        heading = d.doc.find("The chart").block()
        top = d._rect(heading).top()
        page = page_of(top)
        (table,) = [t for _n, t in d.tables]
        key_end = d._row_lines(table, table.rows() - 1)[1]
        chart = d.doc.findBlockByNumber(number)
        caption_end = d._rect(d.doc.find("Its caption.").block()).bottom()
        if w < 0.9 * d.width - 1:
            # smaller than 90% (its axis text then too small on paper) only to stay under its
            # heading, never for its key's sake
            room = (d.height if page_of(caption_end - 1) == page else 0) - (caption_end - page * d.height)
            assert 0.9 * d.width * 0.56 + 40 > room, (fill, w / d.width)
        if page_of(key_end - 1) == page_of(d._rect(chart).bottom() - 1) == page:
            together += 1
            continue
        # apart: only when even the smallest drawing would not have fitted with its key
        key_height = d._row_lines(table, table.rows() - 1)[1] - d._row_lines(table, 0)[0]
        smallest = KEY_SHRINK * d.width * 560 / 1000
        room = (page + 1) * d.height - caption_end
        assert smallest + key_height + 100 > room, (fill, w / d.width)
    assert together


def test_a_parts_closing_line_stays_with_the_table_above_it():
    """bsky: the Launch phase's "Turning points in this phase: 1." stood alone atop a page,
    over the Simmer heading, as if it were Simmer's; it takes the table above along."""
    for size, fill in ((3, 13), (30, 4)):  # a small table, kept whole, and a large one
        rows = [[f"@account{r}", "unknown", f"{r * 7}"] for r in range(size)]
        for space in range(0, 50, 2):  # the table's end, two points at a time, to the foot

            def then(d, rows=rows, space=space):
                d.para("Above.", bottom=space)
                d.heading("Accounts whose posts were shared most", 3)
                d.table(["Account", "Followers", "Shares"], rows, [50, 25, 25])
                d.para("Turning points in this phase: 1.", size=8.5)
                d.heading("Simmer", 2)
                d.para("The next phase. " * 30)

            d, page_of = _doc_pages(fill, then)
            (table,) = [t for _n, t in d.tables]
            last = d._row_lines(table, table.rows() - 1)[1]
            closing = d.doc.find("Turning points in this phase").block()
            line = d._rect(closing).top() + closing.layout().lineAt(0).y()  # where it is drawn
            assert page_of(line) == page_of(last - 1), (size, space)


def test_a_chart_uses_its_compact_drawing_rather_than_leave_its_page_half_empty():
    """twarc's and pt's page 2 were 40% blank, the timeline's heading and chart pushed to page
    3: the chart's compact drawing (shorter plots, the same text) is used, or it is drawn
    smaller down to 70%, when that keeps it on the page of its heading."""
    from app.report_pdf import CHART_SHRINK

    def svg(height: int) -> str:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="{height}" '
            f'viewBox="0 0 1000 {height}"><rect x="0" y="0" width="1000" height="{height}" fill="#ccc"/></svg>'
        )

    def then(d):
        d.heading("The chart", 1)
        d.para("Its caption.")
        d.keep_with_next.add(d.cur.block().blockNumber())
        d.chart(svg(760), svg(560))
        d.para("After the chart.")

    compact = 0
    for fill in range(30):
        d, page_of = _doc_pages(fill, then)
        (number, data, w, _h) = d.charts[0]
        chart = d.doc.findBlockByNumber(number)
        line = chart.layout().lineAt(0)
        bottom = d._rect(chart).top() + line.y() + line.height()
        page = page_of(d._rect(d.doc.find("The chart").block()).top())
        compact += b'height="560"' in data
        if page_of(bottom - 1) == page:
            continue
        # on the next page: only when even the smallest drawing would not have fitted
        caption_end = d._rect(d.doc.find("Its caption.").block()).bottom()
        room = (d.height if page_of(caption_end - 1) == page else 0) - (caption_end - page * d.height)
        assert CHART_SHRINK * d.width * 0.56 + 40 > room, (fill, w / d.width)
    assert compact
