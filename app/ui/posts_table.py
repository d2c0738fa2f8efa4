"""The posts around the cursor: a table model, its view, and the pane that shows one post whole.

Rows come from the core (:func:`app.core.metrics.posts_around`), fetched off the UI thread by
the main window. Post text is untrusted and only ever shown as plain text.
"""

from __future__ import annotations

import html
from datetime import timezone
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.metrics import PostRow

KIND_NAMES = {"post": "Original", "reply": "Reply", "quote": "Quote", "retweet": "Retweet"}

COLUMNS = ("Time", "Author", "Followers", "Kind", "Sentiment", "Retweets", "Likes", "Text")
TEXT_COLUMN = 7
#: the columns whose order the store can sort by across the whole window (not just the rows shown)
SERVER_SORTS = {0: "time", 2: "exposure", 4: "sentiment", 5: "engagement", 6: "engagement"}


def sentiment_word(compound: float | None) -> str:
    if compound is None:
        return "not scored"
    if compound <= -0.05:
        return "negative"
    if compound >= 0.05:
        return "positive"
    return "neutral"


def one_line(text: str) -> str:
    return " ".join(text.split())


class PostsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[PostRow] = []
        self.zone = ZoneInfo("UTC")

    def set_zone(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def set_rows(self, rows: list[PostRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.ToolTipRole
            and section in SERVER_SORTS
        ):
            return "Click to sort all the posts in the window by this column"
        return None

    def local_time(self, row: PostRow) -> str:
        return row.created_at.replace(tzinfo=timezone.utc).astimezone(self.zone).strftime("%H:%M:%S")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return self.local_time(row)
            if col == 1:
                return "@" + (row.author_handle or "?")
            if col == 2:
                return "unknown" if row.author_followers is None else f"{row.author_followers:,}"
            if col == 3:
                return KIND_NAMES.get(row.kind, row.kind)
            if col == 4:
                return "—" if row.compound is None else f"{row.compound:+.2f}"
            if col == 5:
                return "" if row.retweet_count is None else f"{row.retweet_count:,}"
            if col == 6:
                return "" if row.like_count is None else f"{row.like_count:,}"
            if col == TEXT_COLUMN:
                return one_line(row.text)
        if role == Qt.ItemDataRole.ToolTipRole:
            # a tooltip is rendered as rich text whenever it looks like markup: escape it and
            # mark it as rich text, so a post's markup is always shown literally
            if col == TEXT_COLUMN:
                return "<qt>" + html.escape(row.text).replace("\n", "<br>") + "</qt>"
            if col == 1:
                return "<qt>" + html.escape(row.author_name or "") + "</qt>"
            if col == 0:
                return (
                    row.created_at.replace(tzinfo=timezone.utc)
                    .astimezone(self.zone)
                    .strftime("%a %d %b %Y %H:%M:%S %Z")
                )
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (2, 4, 5, 6):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == 4 and row.compound is not None:
            word = sentiment_word(row.compound)
            if word == "negative":
                return QBrush(QColor("#c8453b"))
            if word == "positive":
                return QBrush(QColor("#3f8f5a"))
        if role == Qt.ItemDataRole.FontRole and col == 3 and row.kind == "post":
            f = QFont()
            f.setBold(True)
            return f
        return None

    def as_tsv(self, rows: list[int]) -> str:
        """Selected rows as tab-separated text (ids as text) for the clipboard."""
        head = [
            "time_utc",
            "platform",
            "post_id",
            "author",
            "followers",
            "kind",
            "sentiment",
            "retweets",
            "likes",
            "text",
        ]
        out = ["\t".join(head)]
        for i in rows:
            r = self.rows[i]
            out.append(
                "\t".join(
                    [
                        r.created_at.isoformat() + "Z",
                        r.platform,
                        r.post_id,
                        "@" + (r.author_handle or ""),
                        "" if r.author_followers is None else str(r.author_followers),
                        r.kind,
                        "" if r.compound is None else f"{r.compound:.4f}",
                        "" if r.retweet_count is None else str(r.retweet_count),
                        "" if r.like_count is None else str(r.like_count),
                        one_line(r.text),
                    ]
                )
            )
        return "\n".join(out)


class PostsView(QTableView):
    """The table. Sorting a column asks the window to re-query (``sort_requested``)."""

    sort_requested = Signal(str, bool)

    def __init__(self, model: PostsModel, parent=None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setObjectName("posts")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TEXT_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(36)
        # wide enough for the header and a typical value, measured in the font in use
        fm = self.fontMetrics()
        samples = {
            0: "00:00:00",
            1: "@handle_12345",
            2: "123,456",
            3: "Original",
            4: "+0.00",
            5: "1,234",
            6: "1,234",
        }
        for col, sample in samples.items():
            self.setColumnWidth(
                col, max(fm.horizontalAdvance(sample), fm.horizontalAdvance(COLUMNS[col])) + 16
            )
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._header_clicked)
        self._sort = (0, False)

    def _header_clicked(self, col: int) -> None:
        if col not in SERVER_SORTS:
            # columns the store does not rank stay in the current order
            self.horizontalHeader().setSortIndicator(
                self._sort[0], Qt.SortOrder.DescendingOrder if self._sort[1] else Qt.SortOrder.AscendingOrder
            )
            return
        descending = not self._sort[1] if self._sort[0] == col else col != 0
        self._sort = (col, descending)
        self.horizontalHeader().setSortIndicator(
            col, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        self.sort_requested.emit(SERVER_SORTS[col], descending)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.selectionModel().selectedRows()})

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        super().keyPressEvent(event)

    def copy_selection(self) -> None:
        rows = self.selected_rows()
        if rows:
            QGuiApplication.clipboard().setText(self.model().as_tsv(rows))


class PostDetail(QWidget):
    """One post whole, as plain text, with what it points to, and a button to open it online."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.row: PostRow | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.heading = QLabel("Select a post to read it whole.")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        f = self.heading.font()
        f.setBold(True)
        self.heading.setFont(f)
        self.body = QPlainTextEdit()
        self.body.setObjectName("post-detail")
        self.body.setReadOnly(True)
        buttons = QHBoxLayout()
        self.open_button = QPushButton("Open post in browser")
        self.open_button.setToolTip("Opens the post on the platform's website (needs the internet)")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        layout.addWidget(self.heading)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)

    def show_post(self, row: PostRow | None, original: PostRow | None, when: str) -> None:
        self.row = row
        if row is None:
            self.heading.setText("Select a post to read it whole.")
            self.body.setPlainText("")
            self.open_button.setEnabled(False)
            return
        followers = (
            "followers unknown" if row.author_followers is None else f"{row.author_followers:,} followers"
        )
        name = f" ({row.author_name})" if row.author_name else ""
        self.heading.setText(f"@{row.author_handle or '?'}{name} · {followers}")
        lines = [f"{when} · {KIND_NAMES.get(row.kind, row.kind)}"]
        if row.kind == "retweet" and row.ref_author_handle:
            lines.append(f"Retweet of @{row.ref_author_handle}:")
        elif row.kind == "reply" and row.ref_author_handle:
            lines.append(f"Reply to @{row.ref_author_handle}:")
        lines += ["", row.text, ""]
        if row.kind == "quote" and (row.ref_text or original):
            quoted = original.text if original else row.ref_text
            lines += [f"Quoting @{row.ref_author_handle or '?'}:", quoted or "", ""]
        counts = [
            f"{label} {value:,}"
            for label, value in (
                ("Retweets", row.retweet_count),
                ("Likes", row.like_count),
                ("Replies", row.reply_count),
                ("Quotes", row.quote_count),
            )
            if value is not None
        ]
        if counts:
            lines.append(" · ".join(counts))
        if row.compound is not None:
            lines.append(
                f"Sentiment: {row.compound:+.3f} ({sentiment_word(row.compound)}; "
                f"negative {row.neg:.2f}, neutral {row.neu:.2f}, positive {row.pos:.2f})"
            )
        else:
            lines.append("Sentiment: not scored yet")
        if row.hashtags:
            lines.append("Hashtags: " + " ".join("#" + h for h in row.hashtags))
        if row.urls:
            lines.append("Links: " + " ".join(row.urls))
        if original is not None and row.kind in ("reply", "retweet"):
            ofoll = (
                "followers unknown"
                if original.author_followers is None
                else f"{original.author_followers:,} followers"
            )
            lines += ["", f"The original, by @{original.author_handle} ({ofoll}):", original.text]
        lines += ["", f"Post id {row.post_id} ({row.platform})"]
        self.body.setPlainText("\n".join(lines))
        self.open_button.setEnabled(bool(row.url))

    def _open(self) -> None:
        if self.row is not None and self.row.url:
            QDesktopServices.openUrl(QUrl(self.row.url))
