"""What is in view (the visible time range and the filter), summed up: the top hashtags, the
accounts that posted most and those whose posts were shared most, the linked sites, the
languages, and the share of voice of the brand, the press and everyone else.

A click on a line narrows the filter to it (a hashtag, an account, an account and the shares
of its posts, a site, a language, a kind of account).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.core.account_types import ACCOUNT_TYPE_NAMES
from app.core.summary import Summary
from app.ui import plain
from app.ui.timeline.time_axis import compact_number

SECTIONS = (
    ("voice", "Share of voice", "Posts by the brand, the press and everyone else"),
    ("hashtag", "Top hashtags", "Posts using each hashtag"),
    ("account", "Accounts that posted most", "Posts by each account"),
    ("shared", "Accounts shared most", "Retweets and quotes of each account's posts, made in view"),
    ("domain", "Linked sites", "Posts linking to each site"),
    ("lang", "Languages", "Posts in each language, as the platform gave it"),
)


VOICE_TIP = (
    "Reach: the followers of the accounts that posted, summed over their posts; posts whose "
    "author's followers are unknown are left out and counted apart"
)


def voice_label(v) -> str:
    """The kind of account with its reach, or why there is none."""
    name = ACCOUNT_TYPE_NAMES[v.account_type]
    if not v.posts:
        return name
    if v.unknown_reach == v.posts:
        return f"{name} · reach unknown (no follower counts)"
    reach = f"{name} · reach {compact_number(v.exposure)}"
    if v.unknown_reach:
        reach += f", +{v.unknown_reach:,} posts of unknown reach"
    return reach


class SummaryPanel(QWidget):
    #: a line was clicked: (list, key, label) for :func:`app.core.summary.filter_for`
    narrow_requested = Signal(str, str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.summary: Summary | None = None
        self.status = plain.label("What is in view, summed up, appears here.", wrap=True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("summary")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(("In view", "Posts", "Share"))
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemActivated.connect(self._activated)
        self.tree.itemClicked.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addWidget(self.tree, 1)
        self.sections: dict[str, QTreeWidgetItem] = {}
        for key, title, tip in SECTIONS:
            item = QTreeWidgetItem([title, "", ""])
            f = item.font(0)
            f.setBold(True)
            item.setFont(0, f)
            item.setToolTip(0, tip)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(item)
            item.setExpanded(key in ("voice", "hashtag", "shared"))
            self.sections[key] = item

    def clear(self, message: str = "What is in view, summed up, appears here.") -> None:
        self.summary = None
        self.status.setText(message)
        for item in self.sections.values():
            item.takeChildren()

    def set_summary(self, s: Summary, what: str) -> None:
        """``what`` says what "in view" is (the range and the filter), in words."""
        self.summary = s
        self.status.setText(f"{s.posts:,} posts in view: {what}. Click a line to filter on it.")
        total = max(1, s.posts)
        for key, item in self.sections.items():
            item.takeChildren()
            if key == "voice":
                for v in s.voice:
                    self._line(item, key, v.account_type, voice_label(v), v.posts, total, VOICE_TIP)
                continue
            entries = {
                "hashtag": s.hashtags,
                "account": s.accounts,
                "shared": s.shared,
                "domain": s.domains,
                "lang": s.languages,
            }[key]
            for e in entries:
                label = {"hashtag": "#" + e.label, "account": "@" + e.label, "shared": "@" + e.label}.get(
                    key, e.label or "unknown"
                )
                tip = (
                    f"{e.count:,} quotes and retweets, {e.quotes:,} of them quotes" if key == "shared" else ""
                )
                self._line(item, key, e.key, label, e.count, total, tip, e.label, enabled=bool(e.key))
            if not entries:
                none = QTreeWidgetItem(["nothing in view", "", ""])
                none.setFlags(Qt.ItemFlag.NoItemFlags)
                item.addChild(none)

    def _line(self, parent, key, entry_key, label, count, total, tip="", raw="", enabled=True) -> None:
        share = "" if key == "shared" else share_text(count / total)
        item = QTreeWidgetItem([label, f"{count:,}", share])
        item.setData(0, Qt.ItemDataRole.UserRole, (key, entry_key, raw or entry_key))
        item.setToolTip(0, plain.tooltip(label + (f"\n{tip}" if tip else "") + "\nClick to filter on it."))
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if not enabled:
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setData(0, Qt.ItemDataRole.UserRole, None)
        parent.addChild(item)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data:
            key, entry_key, raw = data
            self.narrow_requested.emit(key, entry_key, raw)


def share_text(share: float) -> str:
    """A share as a reader takes it in: 42%, <1%, >99% (never a rounded 0% or 100%)."""
    if share <= 0:
        return "0%"
    if share < 0.005:
        return "<1%"
    if share >= 1:
        return "100%"
    if share > 0.995:
        return ">99%"
    return f"{share:.0%}"
