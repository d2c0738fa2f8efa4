"""The posts around the cursor: a table model, its view, and the pane that shows one post whole.

Rows come from the core (:func:`app.core.metrics.posts_around`), fetched off the UI thread by
the main window, a page at a time: the model asks for the next page (``more_wanted``) when
the view scrolls near its end, so every post of the cursor's window can be reached however
many there are. Post text is untrusted and only ever shown as plain text.

The first column shows the user's evidence: ★ for a starred post, then its other tags; the
context menu and the keys S (star), T (tag) and C (comment) mark the selected posts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timezone
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.evidence import STAR
from app.core.metrics import PostRow
from app.ui import plain

KIND_NAMES = {"post": "Original", "reply": "Reply", "quote": "Quote", "retweet": "Retweet"}

COLUMNS = ("Tags", "Time", "Author", "Followers", "Kind", "Sentiment", "Retweets", "Likes", "Text")
TAGS_COLUMN = 0
TIME_COLUMN = 1
AUTHOR_COLUMN = 2
TEXT_COLUMN = 8
#: the columns whose order the store can sort by across the whole window (not just the rows shown)
SERVER_SORTS = {1: "time", 3: "exposure", 5: "sentiment", 6: "engagement", 7: "engagement"}
#: when the table is narrow, these columns give way to the text first (their numbers stay in
#: the pane below and in the copied rows)
GIVE_WAY = (7, 4, 6, 3)
#: the text column keeps at least this many pixels before columns give way
TEXT_MIN_PX = 170
PAGE = 500

PostKey = tuple[str, str]


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


def key_of(row: PostRow) -> PostKey:
    return (row.platform, row.post_id)


def tags_text(tags: tuple[str, ...]) -> str:
    star = "★" if STAR in tags else ""
    others = ", ".join(t for t in tags if t != STAR)
    return (star + (" " if star and others else "") + others).strip()


class PostsModel(QAbstractTableModel):
    #: the view wants the rows after the first ``offset`` (the next page)
    more_wanted = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[PostRow] = []
        self.total = 0
        self.zone = ZoneInfo("UTC")
        self.tags: dict[PostKey, tuple[str, ...]] = {}
        self.comments: dict[PostKey, str] = {}
        #: what the rows answer (the session's key of the posts view); a page for another
        #: key is dropped
        self.key: tuple | None = None
        self._asked: int | None = None

    def set_zone(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(COLUMNS) - 1))

    def set_rows(self, rows: list[PostRow], total: int | None = None, key: tuple | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.total = len(self.rows) if total is None else int(total)
        self.key = key
        self._asked = None
        self.endResetModel()

    def append_rows(self, rows: list[PostRow], key: tuple | None, offset: int) -> None:
        """A later page: kept only if it answers the same question and follows the rows."""
        if key != self.key or offset != len(self.rows):
            return
        self._asked = None
        if not rows:
            self.total = len(self.rows)  # the window shrank meanwhile: nothing more to ask
            return
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    def set_evidence(self, tags: dict[PostKey, tuple[str, ...]], comments: dict[PostKey, str]) -> None:
        self.tags, self.comments = dict(tags), dict(comments)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    # ---- paging ---------------------------------------------------------------------------------
    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> bool:
        if parent is not None and parent.isValid():
            return False
        return len(self.rows) < self.total and self._asked is None

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> None:
        if not self.canFetchMore(parent):
            return
        self._asked = len(self.rows)
        self.more_wanted.emit(len(self.rows))

    # ---- the table ------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.ToolTipRole and section in SERVER_SORTS:
            return "Click to sort all the posts in the window by this column"
        if horizontal and role == Qt.ItemDataRole.ToolTipRole and section == TAGS_COLUMN:
            return "★ starred, and your tags (S stars, T tags, C comments the selected posts)"
        return None

    def local_time(self, row: PostRow) -> str:
        return row.created_at.replace(tzinfo=timezone.utc).astimezone(self.zone).strftime("%H:%M:%S")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            # a tooltip is rendered as rich text whenever it looks like markup: escaped, so
            # that a post's markup is always shown literally
            if col == TEXT_COLUMN:
                return plain.tooltip(row.text)
            if col == AUTHOR_COLUMN:
                return plain.tooltip(row.author_name or "")
            if col == TAGS_COLUMN:
                key = key_of(row)
                tags, comment = self.tags.get(key, ()), self.comments.get(key, "")
                lines = [f"Tags: {', '.join(tags)}"] if tags else []
                if comment:
                    lines.append(f"Comment: {comment}")
                return plain.tooltip("\n".join(lines)) if lines else None
            if col == TIME_COLUMN:
                return (
                    row.created_at.replace(tzinfo=timezone.utc)
                    .astimezone(self.zone)
                    .strftime("%a %d %b %Y %H:%M:%S %Z")
                )
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 5, 6, 7):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == 5 and row.compound is not None:
                word = sentiment_word(row.compound)
                if word == "negative":
                    return QBrush(QColor("#d0574d"))
                if word == "positive":
                    return QBrush(QColor("#3f9a5f"))
            if col == TAGS_COLUMN:
                return QBrush(QColor("#c98a00"))
        if role == Qt.ItemDataRole.FontRole and col == 4 and row.kind == "post":
            f = QFont()
            f.setBold(True)
            return f
        return None

    def _display(self, row: PostRow, col: int) -> str | None:
        if col == TAGS_COLUMN:
            key = key_of(row)
            text = tags_text(self.tags.get(key, ()))
            return text + (" ✎" if self.comments.get(key) else "")
        if col == TIME_COLUMN:
            return self.local_time(row)
        if col == AUTHOR_COLUMN:
            return "@" + (row.author_handle or "?")
        if col == 3:
            return "unknown" if row.author_followers is None else f"{row.author_followers:,}"
        if col == 4:
            return KIND_NAMES.get(row.kind, row.kind)
        if col == 5:
            return "—" if row.compound is None else f"{row.compound:+.2f}"
        if col == 6:
            return "" if row.retweet_count is None else f"{row.retweet_count:,}"
        if col == 7:
            return "" if row.like_count is None else f"{row.like_count:,}"
        if col == TEXT_COLUMN:
            return one_line(row.text)
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
            "tags",
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
                        ", ".join(self.tags.get(key_of(r), ())),
                        one_line(r.text),
                    ]
                )
            )
        return "\n".join(out)


class PostsView(QTableView):
    """The table. Sorting a column asks the window to re-query (``sort_requested``); the
    context menu offers the evidence actions the window put in :attr:`evidence_actions` and
    the turning points :attr:`turning_points` lists, to attach the selected posts to."""

    sort_requested = Signal(str, bool)
    #: attach the selected posts to the turning point with this id
    attach_requested = Signal(int)
    #: narrow the filter: ("author" | "spread", handle)
    filter_requested = Signal(str, str)
    #: take a tag off the selected posts: (keys, tag)
    untag_requested = Signal(list, str)

    def __init__(self, model: PostsModel, parent=None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setObjectName("posts")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(22)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.evidence_actions: list = []
        self.turning_points: Callable[[], list] = list
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TEXT_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(24)
        # wide enough for the header and a typical value, measured in the font in use
        fm = self.fontMetrics()
        samples = {
            TAGS_COLUMN: "★ tag",
            TIME_COLUMN: "00:00:00",
            AUTHOR_COLUMN: "@handle_1234",
            3: "123,456",
            4: "Original",
            5: "+0.00",
            6: "1,234",
            7: "1,234",
        }
        for col, sample in samples.items():
            self.setColumnWidth(
                col, max(fm.horizontalAdvance(sample), fm.horizontalAdvance(COLUMNS[col])) + 14
            )
        self._widths = {c: self.columnWidth(c) for c in samples}
        header.setSortIndicatorShown(True)
        header.setSortIndicator(TIME_COLUMN, Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._header_clicked)
        self._sort = (TIME_COLUMN, False)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Hide the columns that would squeeze the text below :data:`TEXT_MIN_PX` (in the order
        of :data:`GIVE_WAY`), and bring them back when there is room."""
        room = self.viewport().width() - TEXT_MIN_PX
        hidden = set()
        used = sum(self._widths.values())
        for col in GIVE_WAY:
            if used <= room:
                break
            hidden.add(col)
            used -= self._widths[col]
        for col in self._widths:
            if self.isColumnHidden(col) != (col in hidden):
                self.setColumnHidden(col, col in hidden)
                if col not in hidden:
                    self.setColumnWidth(col, self._widths[col])

    def _header_clicked(self, col: int) -> None:
        if col not in SERVER_SORTS:
            # columns the store does not rank stay in the current order
            self.horizontalHeader().setSortIndicator(
                self._sort[0], Qt.SortOrder.DescendingOrder if self._sort[1] else Qt.SortOrder.AscendingOrder
            )
            return
        descending = not self._sort[1] if self._sort[0] == col else col != TIME_COLUMN
        self._sort = (col, descending)
        self.horizontalHeader().setSortIndicator(
            col, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        self.sort_requested.emit(SERVER_SORTS[col], descending)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.selectionModel().selectedRows()})

    def selected_keys(self) -> list[PostKey]:
        rows = self.model().rows
        return [key_of(rows[i]) for i in self.selected_rows() if i < len(rows)]

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        super().keyPressEvent(event)

    def copy_selection(self) -> None:
        rows = self.selected_rows()
        if rows:
            QGuiApplication.clipboard().setText(self.model().as_tsv(rows))

    def _menu(self, pos) -> None:
        index = self.indexAt(pos)
        if index.isValid() and index.row() not in self.selected_rows():
            self.selectRow(index.row())
        keys = self.selected_keys()
        if not keys:
            return
        menu = QMenu(self)
        for action in self.evidence_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        model: PostsModel = self.model()
        tags = sorted({t for k in keys for t in model.tags.get(k, ())})
        if tags:
            untag = menu.addMenu("Remove tag")
            for tag in tags:
                act = untag.addAction(("★ the star" if tag == STAR else tag).replace("&", "&&"))
                act.triggered.connect(
                    lambda _=False, t=tag: self.untag_requested.emit(
                        [k for k in keys if t in model.tags.get(k, ())], t
                    )
                )
        attach = menu.addMenu("Attach to turning point")
        points = self.turning_points()
        if not points:
            none = attach.addAction("No turning point yet: mark one first (M)")
            none.setEnabled(False)
        for a in points:
            act = attach.addAction(a.label.replace("&", "&&"))
            act.triggered.connect(lambda _=False, i=a.id: self.attach_requested.emit(i))
        row = self.model().rows[self.selected_rows()[0]]
        if row.author_handle:
            menu.addSeparator()
            handle = row.author_handle
            by = menu.addAction(f"Only posts by @{handle}".replace("&", "&&"))
            by.triggered.connect(lambda: self.filter_requested.emit("author", handle))
            spread = menu.addAction(f"@{handle} and the shares of their posts".replace("&", "&&"))
            spread.triggered.connect(lambda: self.filter_requested.emit("spread", handle))
        menu.addSeparator()
        copy = menu.addAction("Copy")
        copy.triggered.connect(self.copy_selection)
        menu.popup(self.viewport().mapToGlobal(pos))
        self._last_menu = menu


class PostDetail(QWidget):
    """One post whole, as plain text, with what it points to, and a button to open it online."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.row: PostRow | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.heading = plain.label("Select a post to read it whole.", wrap=True)
        f = self.heading.font()
        f.setBold(True)
        self.heading.setFont(f)
        self.body = QPlainTextEdit()
        self.body.setObjectName("post-detail")
        self.body.setReadOnly(True)
        self.body.setMinimumHeight(60)
        buttons = QHBoxLayout()
        self.evidence_label = plain.label("", wrap=True)
        self.evidence_label.setStyleSheet("color: #c98a00")
        self.open_button = QPushButton("Open post in browser")
        self.open_button.setToolTip("Opens the post on the platform's website (needs the internet)")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open)
        buttons.addWidget(self.evidence_label, 1)
        buttons.addWidget(self.open_button)
        layout.addWidget(self.heading)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)
        #: how a link is opened (replaced in tests); returns whether a browser took it
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.last_message = ""

    def show_post(
        self, row: PostRow | None, original: PostRow | None, when: str, tags=(), comment: str = ""
    ) -> None:
        self.row = row
        if row is None:
            self.heading.setText("Select a post to read it whole.")
            self.body.setPlainText("")
            self.evidence_label.setText("")
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
        if comment:
            lines += ["", f"Your comment: {comment}"]
        lines += ["", f"Post id {row.post_id} ({row.platform})"]
        self.body.setPlainText("\n".join(lines))
        self.evidence_label.setText(("Tags: " + ", ".join(tags)) if tags else "")
        self.open_button.setEnabled(bool(row.url))

    def _open(self) -> None:
        if self.row is None or not self.row.url:
            return
        url = self.row.url
        if self.open_url(QUrl(url)):
            self.last_message = ""
            return
        # no browser took it (none installed, or none allowed offline): say so, and keep
        # the address at hand
        QGuiApplication.clipboard().setText(url)
        self.last_message = (
            f"No web browser could be opened on this computer. The post's address is copied, "
            f"to paste where you can reach the internet:\n{url}"
        )
        plain.inform(self, "Open post in browser", self.last_message)
