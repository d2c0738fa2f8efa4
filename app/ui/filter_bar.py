"""The filter bar: one filter for every plot, the table and the summaries, visible and clearable.

The search box takes a boolean query (``refund AND (delay OR cancel) -bot``, see
:mod:`app.core.text_query`); a query that cannot be read is said so in red beside the box and
is not applied. Typing waits for a pause before the filter is applied (so the minimum
audience does not re-query at every keystroke); switches apply at once. ``pending`` says
whether what the bar shows differs from the filter in force.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QToolButton,
    QWidget,
)

from app.core import text_query
from app.core.evidence import STAR
from app.core.metrics import ANY_TAG, KINDS, PostFilter
from app.ui import plain
from app.ui.widgets import WheelSafeComboBox, WheelSafeSpinBox

KIND_LABELS = {"post": "Originals", "reply": "Replies", "quote": "Quotes", "retweet": "Retweets"}
#: (brand, press) choices of the accounts box
ACCOUNT_CHOICES = (
    (("all", "all"), "All accounts", "Posts by anyone"),
    (("only", "all"), "Brand only", "Only the brand's own accounts (File > Workspace settings)"),
    (("exclude", "all"), "No brand", "Everyone but the brand's own accounts"),
    (("all", "only"), "Press only", "Only the news organisations' accounts"),
    (("exclude", "exclude"), "Neither", "Neither the brand nor the press: everyone else"),
)
TYPING_DELAY_MS = 450
QUERY_HELP = (
    'Search the text: words anywhere in the post, any case. Quote a phrase ("bad idea"), '
    "put OR between alternatives, - or NOT before what must not appear, parentheses to "
    "group: refund AND (delay OR cancel) -bot"
)


class FilterBar(QWidget):
    changed = Signal(object)  # PostFilter
    #: whether what the bar shows is not yet the filter in force
    pending_changed = Signal(bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("filters")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 1, 4, 1)
        layout.setSpacing(4)

        self.text = QLineEdit(
            placeholderText="Search: refund (delay OR cancel) -bot", clearButtonEnabled=True
        )
        self.text.setObjectName("filter-text")
        self.text.setMinimumWidth(120)
        self.text.setToolTip(QUERY_HELP)
        self.query_error = plain.label("")
        self.query_error.setObjectName("filter-query-error")
        self.query_error.setStyleSheet("color: #d0453b")
        self.query_error.setMaximumWidth(280)
        self.query_error.hide()
        self.hashtag = QLineEdit(placeholderText="#hashtag", clearButtonEnabled=True)
        self.hashtag.setObjectName("filter-hashtag")
        self.hashtag.setMaximumWidth(104)
        self.author = QLineEdit(placeholderText="@author", clearButtonEnabled=True)
        self.author.setObjectName("filter-author")
        self.author.setMaximumWidth(104)
        self.spread = QCheckBox("+ shares")
        self.spread.setObjectName("filter-author-spread")
        self.spread.setToolTip(
            "With the author: also the retweets and quotes of the author's posts (how far they spread)"
        )
        self.kinds_button = QToolButton()
        self.kinds_button.setObjectName("filter-kinds")
        self.kinds_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        kinds_menu = QMenu(self.kinds_button)
        self.kinds: dict[str, QAction] = {}
        for k in KINDS:
            action = kinds_menu.addAction(KIND_LABELS[k])
            action.setCheckable(True)
            action.setChecked(True)
            self.kinds[k] = action
        self.kinds_button.setMenu(kinds_menu)
        self.lang = WheelSafeComboBox()
        self.lang.setObjectName("filter-lang")
        self.lang.addItem("Any language", "")
        self.min_followers = WheelSafeSpinBox()
        self.min_followers.setObjectName("filter-min-followers")
        self.min_followers.setRange(0, 1_000_000_000)
        self.min_followers.setSingleStep(1000)
        self.min_followers.setGroupSeparatorShown(True)
        self.min_followers.setPrefix("≥ ")
        self.min_followers.setSuffix(" followers")
        self.min_followers.setSpecialValueText("Any audience")
        self.min_followers.setToolTip(
            "Only authors with at least this many followers (unknown counts are left out)"
        )
        self.accounts = WheelSafeComboBox()
        self.accounts.setObjectName("filter-brand")
        for (brand, press), label, tip in ACCOUNT_CHOICES:
            self.accounts.addItem(label, (brand, press))
            self.accounts.setItemData(self.accounts.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.tag = WheelSafeComboBox()
        self.tag.setObjectName("filter-tag")
        self.tag.setToolTip("Only the posts you starred or tagged")
        self._fill_tags([])
        self.domain_chip = QToolButton()
        self.domain_chip.setObjectName("filter-domain")
        self.domain_chip.setToolTip("Only posts linking to this site: click to remove")
        self.domain_chip.hide()
        #: the chip's action when it sits in a toolbar (a toolbar shows and hides its actions)
        self.domain_action = None
        self.domain_chip.clicked.connect(lambda: self.set_domain(""))
        self._domain = ""
        self.clear_button = QToolButton(text="Clear")
        self.clear_button.setObjectName("filter-clear")
        self.clear_button.setToolTip("Clear every filter (Ctrl+Shift+L)")
        self.clear_button.clicked.connect(self.clear)

        self.search_box = QWidget()
        search = QHBoxLayout(self.search_box)
        search.setContentsMargins(0, 0, 0, 0)
        search.setSpacing(4)
        search.addWidget(plain.label("Filter:"))
        search.addWidget(self.text, 3)
        search.addWidget(self.query_error, 2)
        self.search_box.setMinimumWidth(200)
        for w in self.widgets():
            layout.addWidget(w, 1 if w is self.search_box else 0)

        # typing waits for a pause; switches apply at once
        self._debounce = QTimer(self, singleShot=True, interval=TYPING_DELAY_MS)
        self._debounce.timeout.connect(self._emit)
        for edit in (self.text, self.hashtag, self.author):
            edit.textChanged.connect(self._typed)
            edit.returnPressed.connect(self._emit)
        self.min_followers.valueChanged.connect(self._typed)
        self.min_followers.editingFinished.connect(self._emit)
        for kind, action in self.kinds.items():
            action.toggled.connect(lambda on, k=kind: self._kind_toggled(k, on))
        for box in (self.lang, self.accounts, self.tag):
            box.currentIndexChanged.connect(self._emit)
        self.spread.toggled.connect(self._emit)
        self._last = PostFilter()
        self._pending = False
        self._update_look()

    def widgets(self) -> list[QWidget]:
        """The bar's parts, in order: a toolbar can take them one by one, so that on a narrow
        screen the last ones go into its » menu rather than squeezing the window wider."""
        return [
            self.search_box,
            self.hashtag,
            self.author,
            self.spread,
            self.kinds_button,
            self.lang,
            self.min_followers,
            self.accounts,
            self.tag,
            self.domain_chip,
            self.clear_button,
        ]

    def _show_domain(self, visible: bool) -> None:
        if self.domain_action is not None:
            self.domain_action.setVisible(visible)
        else:
            self.domain_chip.setVisible(visible)

    def set_enabled(self, enabled: bool) -> None:
        self.setEnabled(enabled)
        for w in self.widgets():
            w.setEnabled(enabled)
        if enabled:
            self._update_look()

    # ---- what the bar holds ------------------------------------------------------------------------
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

    def set_tags(self, tags: list[tuple[str, int]]) -> None:
        """The tags in use, to choose from (the one chosen stays chosen)."""
        self._fill_tags(tags)

    def _fill_tags(self, tags: list[tuple[str, int]]) -> None:
        current = self.tag.currentData() or ""
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem("Tagged or not", "")
        self.tag.addItem("Tagged (any)", ANY_TAG)
        self.tag.addItem("★ Starred", STAR)
        for tag, n in tags:
            if tag != STAR:
                self.tag.addItem(f"{tag} ({n:,})", tag)
        i = self.tag.findData(current)
        if i < 0 and current:
            self.tag.addItem(current, current)  # a filter in force on a tag no post has now
            i = self.tag.count() - 1
        self.tag.setCurrentIndex(max(0, i))
        self.tag.blockSignals(False)

    def set_domain(self, domain: str) -> None:
        self._domain = domain
        self.domain_chip.setText(f"→ {domain} ✕" if domain else "")
        self._show_domain(bool(domain))
        self._emit()

    def current(self) -> PostFilter:
        """The filter the bar shows. A query that cannot be read counts as the one in force."""
        kinds = frozenset(k for k, box in self.kinds.items() if box.isChecked())
        brand, press = self.accounts.currentData() or ("all", "all")
        query = self.text.text().strip()
        if text_query.check(query):
            query = self._last.text
        author = self.author.text().strip().lstrip("@")
        return PostFilter(
            text=query,
            hashtag=self.hashtag.text().strip().lstrip("#"),
            author=author,
            author_spread=bool(author) and self.spread.isChecked(),
            kinds=frozenset() if kinds == frozenset(KINDS) else kinds,
            lang=self.lang.currentData() or "",
            min_followers=self.min_followers.value() or None,
            brand=brand,
            press=press,
            tag=self.tag.currentData() or "",
            domain=self._domain,
        )

    def _kind_toggled(self, kind: str, on: bool) -> None:
        if not on and not any(box.isChecked() for box in self.kinds.values()):
            # at least one kind stays ticked: a filter that shows nothing shows nothing useful
            box = self.kinds[kind]
            box.blockSignals(True)
            box.setChecked(True)
            box.blockSignals(False)
        self._emit()

    def set_filter(self, flt: PostFilter) -> None:
        """Show ``flt`` (a saved view, a click in a summary) and apply it."""
        widgets = [
            self.text,
            self.hashtag,
            self.author,
            self.spread,
            self.lang,
            self.min_followers,
            self.accounts,
            self.tag,
            *self.kinds.values(),
        ]
        for w in widgets:
            w.blockSignals(True)
        self.text.setText(flt.text)
        self.hashtag.setText(flt.hashtag)
        self.author.setText(flt.author)
        self.spread.setChecked(flt.author_spread)
        for k, box in self.kinds.items():
            box.setChecked(not flt.kinds_restricted or k in flt.kinds)
        if flt.lang and self.lang.findData(flt.lang) < 0:
            self.lang.addItem(flt.lang, flt.lang)
        self.lang.setCurrentIndex(max(0, self.lang.findData(flt.lang)))
        self.min_followers.setValue(flt.min_followers or 0)
        i = next(
            (n for n in range(self.accounts.count()) if self.accounts.itemData(n) == (flt.brand, flt.press)),
            -1,
        )
        if i < 0:
            self.accounts.addItem(flt.describe() or "All accounts", (flt.brand, flt.press))
            i = self.accounts.count() - 1
        self.accounts.setCurrentIndex(i)
        if flt.tag and self.tag.findData(flt.tag) < 0:
            self.tag.addItem(flt.tag, flt.tag)
        self.tag.setCurrentIndex(max(0, self.tag.findData(flt.tag)))
        for w in widgets:
            w.blockSignals(False)
        self._domain = flt.domain
        self.domain_chip.setText(f"→ {flt.domain} ✕" if flt.domain else "")
        self._show_domain(bool(flt.domain))
        self._emit()

    def narrow(self, **changes) -> None:
        """Apply the filter in force with some fields changed."""
        self.set_filter(replace(self.current(), **changes))

    def clear(self) -> None:
        self.set_filter(PostFilter())

    # ---- applying ---------------------------------------------------------------------------------
    def _typed(self) -> None:
        self._update_look()
        self._debounce.start()

    def _emit(self) -> None:
        self._debounce.stop()
        flt = self.current()
        self._update_look()
        if flt != self._last:
            self._last = flt
            self.changed.emit(flt)
        self._set_pending(False)

    def in_force(self) -> PostFilter:
        return self._last

    def _update_look(self) -> None:
        problem = text_query.check(self.text.text().strip())
        self.query_error.setText(problem or "")
        self.query_error.setToolTip(plain.tooltip(problem or ""))
        self.query_error.setVisible(bool(problem))
        self.text.setStyleSheet("QLineEdit { border: 1px solid #d0453b; }" if problem else "")
        kinds = [k for k, box in self.kinds.items() if box.isChecked()]
        if len(kinds) == len(KINDS):
            self.kinds_button.setText("All kinds")
        elif len(kinds) == 1:
            self.kinds_button.setText(f"{KIND_LABELS[kinds[0]]} only")
        else:
            self.kinds_button.setText(f"{len(kinds)} kinds")
        self.kinds_button.setToolTip(
            "Kinds of post shown: " + (", ".join(KIND_LABELS[k] for k in kinds) or "none")
        )
        self.spread.setEnabled(bool(self.author.text().strip()))
        shown = self.current()
        self.clear_button.setEnabled(not shown.is_empty() or bool(problem))
        self._set_pending(shown != self._last)

    def _set_pending(self, pending: bool) -> None:
        if pending != self._pending:
            self._pending = pending
            self.pending_changed.emit(pending)

    @property
    def pending(self) -> bool:
        return self._pending

    def focus_search(self) -> None:
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text.selectAll()
