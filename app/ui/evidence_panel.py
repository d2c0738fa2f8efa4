"""The evidence the user gathered: every post starred, tagged or commented on, in time order.

Narrow it to one tag; select posts to comment on them, take a tag off, or attach them to a
turning point (they then go into the report with it); double-click one to put the cursor there.
"""

from __future__ import annotations

from datetime import timezone
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.evidence import STAR, EvidencePost
from app.core.metrics import ANY_TAG
from app.ui import plain
from app.ui.posts_table import tags_text
from app.ui.widgets import WheelSafeComboBox

HEADERS = ("Time", "Tags", "Author", "Text", "Comment")


class EvidencePanel(QWidget):
    jump_to = Signal(float)
    #: attach the selected posts to a turning point: (annotation id, keys)
    attach_requested = Signal(int, list)
    comment_requested = Signal(tuple)
    #: take a tag off the selected posts: (keys, tag)
    untag_requested = Signal(list, str)
    #: show only these posts in every view (the tag as a filter)
    filter_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.zone = ZoneInfo("UTC")
        self.posts: list[EvidencePost] = []
        self.turning_points = list
        self.status = plain.label(
            "Star posts (S) or tag them (T) in the posts table: they are gathered here.", wrap=True
        )
        self.tag = WheelSafeComboBox()
        self.tag.setObjectName("evidence-tag")
        self.tag.currentIndexChanged.connect(self._fill)
        self.as_filter = QPushButton("Show in every view")
        self.as_filter.setToolTip("Filter the plots, the table and the summaries to these posts")
        self.as_filter.clicked.connect(lambda: self.filter_requested.emit(self.tag.currentData() or ANY_TAG))
        top = QHBoxLayout()
        top.addWidget(self.tag, 1)
        top.addWidget(self.as_filter)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("evidence")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.cellDoubleClicked.connect(self._jump)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.attach = QToolButton()
        self.attach.setText("Attach to turning point")
        self.attach.setObjectName("evidence-attach")
        self.attach.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.attach_menu = QMenu(self.attach)
        self.attach_menu.aboutToShow.connect(self._fill_attach_menu)
        self.attach.setMenu(self.attach_menu)
        self.comment = QPushButton("Comment…")
        self.comment.clicked.connect(self._comment)
        self.untag = QPushButton("Remove tag")
        self.untag.setToolTip("Take the tag chosen above (or the star) off the selected posts")
        self.untag.clicked.connect(self._untag)
        buttons = QHBoxLayout()
        buttons.addWidget(self.attach)
        buttons.addWidget(self.comment)
        buttons.addStretch(1)
        buttons.addWidget(self.untag)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._fill_tags([])
        self._update_buttons()

    def set_zone(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self._fill()

    def set_posts(self, posts: list[EvidencePost], tags: list[tuple[str, int]]) -> None:
        self.posts = list(posts)
        self._fill_tags(tags)
        self._fill()

    def _fill_tags(self, tags: list[tuple[str, int]]) -> None:
        current = self.tag.currentData() or ANY_TAG
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem(f"Everything you marked ({len(self.posts):,})", ANY_TAG)
        for tag, n in tags:
            self.tag.addItem(("★ starred" if tag == STAR else tag) + f" ({n:,})", tag)
        self.tag.setCurrentIndex(max(0, self.tag.findData(current)))
        self.tag.blockSignals(False)

    def shown(self) -> list[EvidencePost]:
        tag = self.tag.currentData() or ANY_TAG
        return [e for e in self.posts if tag == ANY_TAG or tag in e.tags]

    def _fill(self) -> None:
        rows = self.shown()
        self.table.setRowCount(len(rows))
        for r, e in enumerate(rows):
            p = e.post
            when = (
                p.created_at.replace(tzinfo=timezone.utc).astimezone(self.zone).strftime("%d %b %H:%M")
                if p
                else ""
            )
            cells = (
                when,
                tags_text(e.tags),
                "@" + (p.author_handle or "?") if p else f"({e.platform})",
                " ".join(p.text.split()) if p else f"post {e.post_id} is not in this workspace",
                e.comment,
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r)
                if c == 3 and p is not None:
                    item.setToolTip(plain.tooltip(p.text))
                if c == 4 and e.comment:
                    item.setToolTip(plain.tooltip(e.comment))
                self.table.setItem(r, c, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.status.setText(
            f"{len(self.posts):,} posts marked as evidence; select some to attach them to a turning point."
            if self.posts
            else "Star posts (S) or tag them (T) in the posts table: they are gathered here."
        )
        self._update_buttons()

    def selected(self) -> list[EvidencePost]:
        rows = self.shown()
        picked = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [rows[i] for i in picked if i < len(rows)]

    def select_all(self) -> None:
        self.table.selectAll()

    def _update_buttons(self) -> None:
        some = bool(self.selected())
        self.attach.setEnabled(some)
        self.comment.setEnabled(len(self.selected()) == 1)
        self.untag.setEnabled(some)

    def _fill_attach_menu(self) -> None:
        self.attach_menu.clear()
        points = self.turning_points()
        if not points:
            a = self.attach_menu.addAction("No turning point yet: mark one first (M)")
            a.setEnabled(False)
        keys = [e.key for e in self.selected()]
        for tp in points:
            act = self.attach_menu.addAction(tp.label.replace("&", "&&"))
            act.triggered.connect(lambda _=False, i=tp.id: self.attach_requested.emit(i, keys))

    def _comment(self) -> None:
        chosen = self.selected()
        if len(chosen) == 1:
            self.comment_requested.emit(chosen[0].key)

    def _untag(self) -> None:
        tag = self.tag.currentData() or ANY_TAG
        chosen = self.selected()
        if not chosen:
            return
        if tag == ANY_TAG:
            # every tag of the selected posts
            for t in sorted({t for e in chosen for t in e.tags}):
                self.untag_requested.emit([e.key for e in chosen if t in e.tags], t)
        else:
            self.untag_requested.emit([e.key for e in chosen], tag)

    def _jump(self, row: int, _col: int) -> None:
        rows = self.shown()
        if row < len(rows) and rows[row].post is not None:
            self.jump_to.emit(rows[row].post.created_at.replace(tzinfo=timezone.utc).timestamp())
