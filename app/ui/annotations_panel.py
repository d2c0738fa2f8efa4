"""The list of turning points, oldest first: a click moves the cursor there, a double-click edits.

Below the list, the posts attached to the selected turning point as its evidence (tagged posts
attached from the posts table or the Evidence panel), which go into the report with it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTableWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.annotations import Annotation
from app.core.evidence import EvidencePost, attached_keys
from app.ui import plain
from app.ui.widgets import SortKeyItem

HEADERS = ("Time", "Label", "Category", "Origin", "Posts")
LABEL_COLUMN = 1
POSTS_COLUMN = 4


class AnnotationsPanel(QWidget):
    jump_to = Signal(float)
    edit_requested = Signal(int)
    delete_requested = Signal(int)
    add_point_requested = Signal()
    add_range_requested = Signal()
    export_requested = Signal()
    import_requested = Signal()
    #: the selected turning point changed (None: none selected)
    selection_changed = Signal(object)
    #: take these posts off a turning point's evidence: (id, [(platform, post_id)])
    detach_requested = Signal(int, list)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.annotations: list[Annotation] = []
        self.zone = ZoneInfo("UTC")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("annotations")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # oldest first
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(LABEL_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(self._clicked)
        self.table.cellDoubleClicked.connect(lambda row, _c: self._emit_id(row, self.edit_requested))
        self.table.itemSelectionChanged.connect(lambda: self.selection_changed.emit(self.selected_id()))
        self.attached = QListWidget()
        self.attached.setObjectName("attached-posts")
        self.attached.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.attached.setWordWrap(False)
        self.attached.itemDoubleClicked.connect(self._attached_clicked)
        self.attached_heading = plain.label(
            "Select a turning point to see the posts attached to it.", wrap=True
        )
        self.detach = QPushButton("Remove from it")
        self.detach.setToolTip("Take the selected posts off this turning point's evidence")
        self.detach.setEnabled(False)
        self.detach.clicked.connect(self._detach)
        self.attached.itemSelectionChanged.connect(
            lambda: self.detach.setEnabled(bool(self.attached.selectedItems()))
        )
        evidence = QWidget()
        ev_layout = QVBoxLayout(evidence)
        ev_layout.setContentsMargins(0, 0, 0, 0)
        ev_layout.setSpacing(2)
        ev_layout.addWidget(self.attached_heading)
        ev_layout.addWidget(self.attached, 1)
        detach_row = QHBoxLayout()
        detach_row.addStretch(1)
        detach_row.addWidget(self.detach)
        ev_layout.addLayout(detach_row)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(evidence)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        self.attached.setMinimumHeight(40)

        buttons = QHBoxLayout()
        self.add_point = QPushButton("Add at cursor")
        self.add_point.setToolTip("Mark a turning point at the cursor's time (M)")
        self.add_range = QPushButton("Add a stretch")
        self.add_range.setToolTip(
            "Mark a stretch of time around the cursor (Shift+M); drag its edges to adjust"
        )
        self.edit = QPushButton("Edit…")
        self.delete = QPushButton("Delete")
        self.share = QToolButton()
        self.share.setText("Share")
        self.share.setToolTip("Export the turning points to a file for the team, or merge a colleague's")
        self.share.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        share_menu = QMenu(self.share)
        self.export = share_menu.addAction("Export to CSV or JSON…")
        self.import_ = share_menu.addAction("Import and merge a file…")
        self.share.setMenu(share_menu)
        for b in (self.add_point, self.add_range, self.edit, self.delete):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.share)
        self.add_point.clicked.connect(self.add_point_requested)
        self.add_range.clicked.connect(self.add_range_requested)
        self.edit.clicked.connect(lambda: self._emit_selected(self.edit_requested))
        self.delete.clicked.connect(lambda: self._emit_selected(self.delete_requested))
        self.export.triggered.connect(self.export_requested)
        self.import_.triggered.connect(self.import_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self._attached_posts: list[EvidencePost] = []

    def set_zone(self, zone: str) -> None:
        self.zone = ZoneInfo(zone)
        self.set_annotations(self.annotations)

    def _local(self, t: float | None, fmt: str = "%a %d %b %H:%M") -> str:
        if t is None:
            return ""
        return datetime.fromtimestamp(t, timezone.utc).astimezone(self.zone).strftime(fmt)

    def set_annotations(self, annotations: list[Annotation]) -> None:
        selected = self.selected_id()
        self.annotations = sorted(annotations, key=lambda a: (a.starts_at, a.id or 0))
        header = self.table.horizontalHeader()
        column, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.annotations))
        for row, a in enumerate(self.annotations):
            n = len(attached_keys(a))
            until = ""
            if a.ends_at is not None:
                same_day = self._local(a.ends_at, "%Y%m%d") == self._local(a.starts_at, "%Y%m%d")
                until = " – " + self._local(a.ends_at, "%H:%M" if same_day else "%a %d %b %H:%M")
            cells = (
                self._local(a.starts_at) + until,
                a.label,
                a.category.capitalize(),
                "suggested" if a.origin == "suggested" else "by hand",
                f"{n}" if n else "",
            )
            for col, text in enumerate(cells):
                item = SortKeyItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a.id)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole + 1, a.starts_at)
                    item.setForeground(QBrush(QColor(a.colour or "#d62f6f")))
                if col == LABEL_COLUMN:
                    item.setToolTip(plain.tooltip(a.label + (f"\n\n{a.note}" if a.note else "")))
                if col == POSTS_COLUMN:
                    item.setData(Qt.ItemDataRole.UserRole + 1, n)
                    item.setToolTip(f"{n} post{'s' if n != 1 else ''} attached as evidence" if n else "")
                self.table.setItem(row, col, item)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(column, order)
        if selected is not None:
            self.select(selected)

    def select(self, ann_id: int) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == ann_id:
                self.table.selectRow(row)
                return

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def selected(self) -> Annotation | None:
        i = self.selected_id()
        return next((a for a in self.annotations if a.id == i), None)

    # ---- the attached posts -----------------------------------------------------------------------
    def show_attached(self, ann_id: int | None, posts: list[EvidencePost]) -> None:
        self._attached_posts = list(posts)
        self.attached.clear()
        a = next((x for x in self.annotations if x.id == ann_id), None)
        if a is None:
            self.attached_heading.setText("Select a turning point to see the posts attached to it.")
            return
        if not posts:
            self.attached_heading.setText(
                f"No post attached to “{a.label}” yet: select posts in the table, then right-click > "
                "Attach to turning point (or use the Evidence tab)."
            )
            return
        self.attached_heading.setText(
            f"{len(posts)} post{'s' if len(posts) != 1 else ''} attached to “{a.label}” (they go into the report):"
        )
        for e in posts:
            if e.post is None:
                text = f"{e.platform} post {e.post_id} (not in this workspace)"
                tip = text
            else:
                when = self._local(e.post.created_at.replace(tzinfo=timezone.utc).timestamp(), "%d %b %H:%M")
                body = " ".join(e.post.text.split())
                text = f"{when}  @{e.post.author_handle or '?'}: {body}"
                tip = f"@{e.post.author_handle or '?'} · {when}\n\n{e.post.text}" + (
                    f"\n\nYour comment: {e.comment}" if e.comment else ""
                )
            item = QListWidgetItem(text)
            item.setToolTip(plain.tooltip(tip))
            item.setData(Qt.ItemDataRole.UserRole, e.key)
            self.attached.addItem(item)

    def _attached_clicked(self, item: QListWidgetItem) -> None:
        key = item.data(Qt.ItemDataRole.UserRole)
        e = next((p for p in self._attached_posts if p.key == tuple(key)), None)
        if e is not None and e.post is not None:
            self.jump_to.emit(e.post.created_at.replace(tzinfo=timezone.utc).timestamp())

    def _detach(self) -> None:
        ann_id = self.selected_id()
        keys = [tuple(i.data(Qt.ItemDataRole.UserRole)) for i in self.attached.selectedItems()]
        if ann_id is not None and keys:
            self.detach_requested.emit(ann_id, keys)

    # ---- clicks -----------------------------------------------------------------------------------
    def _clicked(self, row: int, _col: int) -> None:
        ann_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        a = next((a for a in self.annotations if a.id == ann_id), None)
        if a is not None:
            self.jump_to.emit(a.starts_at)

    def _emit_id(self, row: int, signal) -> None:
        signal.emit(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))

    def _emit_selected(self, signal) -> None:
        ann_id = self.selected_id()
        if ann_id is not None:
            signal.emit(ann_id)
