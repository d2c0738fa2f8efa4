"""The filter bar: one filter for every plot and the posts table, visible and clearable."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QWidget,
)

from app.core.metrics import KINDS, PostFilter

KIND_LABELS = {"post": "Originals", "reply": "Replies", "quote": "Quotes", "retweet": "Retweets"}
BRAND_CHOICES = (("all", "All accounts"), ("only", "Brand accounts only"), ("exclude", "Excluding the brand"))


class FilterBar(QWidget):
    changed = Signal(object)  # PostFilter

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("filters")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(6)

        self.text = QLineEdit(placeholderText="Search text…", clearButtonEnabled=True)
        self.text.setObjectName("filter-text")
        self.text.setMinimumWidth(180)
        self.hashtag = QLineEdit(placeholderText="#hashtag", clearButtonEnabled=True)
        self.hashtag.setObjectName("filter-hashtag")
        self.hashtag.setMaximumWidth(130)
        self.author = QLineEdit(placeholderText="@author", clearButtonEnabled=True)
        self.author.setObjectName("filter-author")
        self.author.setMaximumWidth(130)
        self.kinds = {k: QCheckBox(KIND_LABELS[k]) for k in KINDS}
        self.lang = QComboBox()
        self.lang.setObjectName("filter-lang")
        self.lang.addItem("Any language", "")
        self.min_followers = QSpinBox()
        self.min_followers.setObjectName("filter-min-followers")
        self.min_followers.setRange(0, 1_000_000_000)
        self.min_followers.setSingleStep(1000)
        self.min_followers.setGroupSeparatorShown(True)
        self.min_followers.setPrefix("≥ ")
        self.min_followers.setSuffix(" followers")
        self.min_followers.setSpecialValueText("Any audience")
        self.brand = QComboBox()
        self.brand.setObjectName("filter-brand")
        for key, label in BRAND_CHOICES:
            self.brand.addItem(label, key)
        self.clear_button = QToolButton(text="Clear filters")
        self.clear_button.setObjectName("filter-clear")
        self.clear_button.clicked.connect(self.clear)

        layout.addWidget(QLabel("Filter:"))
        layout.addWidget(self.text, 2)
        layout.addWidget(self.hashtag)
        layout.addWidget(self.author)
        for box in self.kinds.values():
            box.setChecked(True)
            layout.addWidget(box)
        layout.addWidget(self.lang)
        layout.addWidget(self.min_followers)
        layout.addWidget(self.brand)
        layout.addWidget(self.clear_button)

        # typing waits for a pause; switches apply at once
        self._debounce = QTimer(self, singleShot=True, interval=350)
        self._debounce.timeout.connect(self._emit)
        for edit in (self.text, self.hashtag, self.author):
            edit.textChanged.connect(self._debounce.start)
            edit.returnPressed.connect(self._emit)
        for box in self.kinds.values():
            box.toggled.connect(self._emit)
        self.lang.currentIndexChanged.connect(self._emit)
        self.min_followers.valueChanged.connect(self._debounce.start)
        self.brand.currentIndexChanged.connect(self._emit)
        self._last = PostFilter()
        self._update_clear()

    def set_languages(self, langs: list[tuple[str, int]]) -> None:
        current = self.lang.currentData()
        self.lang.blockSignals(True)
        self.lang.clear()
        self.lang.addItem("Any language", "")
        for code, n in langs:
            self.lang.addItem(f"{code} ({n:,})", code)
        i = self.lang.findData(current)
        self.lang.setCurrentIndex(max(0, i))
        self.lang.blockSignals(False)

    def current(self) -> PostFilter:
        kinds = frozenset(k for k, box in self.kinds.items() if box.isChecked())
        if kinds == frozenset(KINDS):
            kinds = frozenset()
        elif not kinds:
            kinds = frozenset({"none"})  # nothing ticked: nothing shown, as the user asked
        return PostFilter(
            text=self.text.text().strip(),
            hashtag=self.hashtag.text().strip().lstrip("#"),
            author=self.author.text().strip().lstrip("@"),
            kinds=kinds,
            lang=self.lang.currentData() or "",
            min_followers=self.min_followers.value() or None,
            brand=self.brand.currentData() or "all",
        )

    def clear(self) -> None:
        widgets = [
            self.text,
            self.hashtag,
            self.author,
            *self.kinds.values(),
            self.lang,
            self.min_followers,
            self.brand,
        ]
        for w in widgets:
            w.blockSignals(True)
        self.text.clear()
        self.hashtag.clear()
        self.author.clear()
        for box in self.kinds.values():
            box.setChecked(True)
        self.lang.setCurrentIndex(0)
        self.min_followers.setValue(0)
        self.brand.setCurrentIndex(0)
        for w in widgets:
            w.blockSignals(False)
        self._emit()

    def _emit(self) -> None:
        self._debounce.stop()
        flt = self.current()
        self._update_clear()
        if flt != self._last:
            self._last = flt
            self.changed.emit(flt)

    def _update_clear(self) -> None:
        self.clear_button.setEnabled(not self.current().is_empty())

    def focus_search(self) -> None:
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text.selectAll()
