"""The dialog that writes or edits one turning point: label, category, note, colour, times."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.annotations import CATEGORIES, DEFAULT_COLOURS, Annotation


class AnnotationDialog(QDialog):
    """Edits an :class:`Annotation` and hands back the changed copy (:meth:`result_annotation`)."""

    def __init__(
        self, annotation: Annotation, zone: str, parent: QWidget | None = None, title: str = "Turning point"
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.original = annotation
        self.zone = zone
        self._colour = annotation.colour or DEFAULT_COLOURS.get(annotation.category, "#d62f6f")
        self._colour_chosen = bool(annotation.id)

        form = QFormLayout()
        self.label = QLineEdit(annotation.label)
        self.label.setMaxLength(200)
        self.label.setPlaceholderText("What happened, in a few words")
        self.category = QComboBox()
        for c in CATEGORIES:
            self.category.addItem(c.capitalize(), c)
        self.category.setCurrentIndex(max(0, self.category.findData(annotation.category)))
        self.category.currentIndexChanged.connect(self._category_changed)
        self.note = QPlainTextEdit(annotation.note or "")
        self.note.setPlaceholderText("Why it matters, what the evidence is")
        self.note.setTabChangesFocus(True)
        self.starts = self._time_edit(annotation.starts_at)
        self.is_range = QCheckBox("Lasts until")
        self.ends = self._time_edit(
            annotation.ends_at if annotation.ends_at is not None else annotation.starts_at + 3600
        )
        self.is_range.setChecked(annotation.ends_at is not None)
        self.ends.setEnabled(annotation.ends_at is not None)
        self.is_range.toggled.connect(self.ends.setEnabled)
        ends_row = QHBoxLayout()
        ends_row.addWidget(self.is_range)
        ends_row.addWidget(self._with_day(self.ends), 1)
        self.colour_button = QPushButton()
        self.colour_button.clicked.connect(self._choose_colour)
        self._show_colour()

        form.addRow("Label", self.label)
        form.addRow("Category", self.category)
        form.addRow(f"Time ({zone})", self._with_day(self.starts))
        form.addRow("", _wrap(ends_row))
        form.addRow("Colour", self.colour_button)
        form.addRow("Note", self.note)
        if annotation.origin == "suggested":
            origin = QLabel(
                "Suggested by the app and accepted; its evidence is kept with it, and it is "
                "anchored to that moment on the plots (change its time here if it must move)."
            )
            origin.setWordWrap(True)
            form.addRow("", origin)
        attached = len((annotation.evidence or {}).get("attached_posts") or [])
        if attached:
            posts = QLabel(
                f"{attached} post{'s' if attached != 1 else ''} attached as evidence (see the Turning points tab)."
            )
            posts.setWordWrap(True)
            form.addRow("Evidence", posts)

        self.error = QLabel("")
        self.error.setStyleSheet("color: #c8453b")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._result: Annotation | None = None

    def _time_edit(self, t: float) -> QDateTimeEdit:
        # fixed-width numeric sections only: typing over "Wed 13 Nov" (a day name, a day of
        # one or two digits) scrambles the date; the weekday is shown beside the box instead
        edit = QDateTimeEdit()
        edit.setTimeZone(QTimeZone(self.zone.encode()))
        edit.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        edit.setCalendarPopup(True)
        edit.setDateTime(QDateTime.fromSecsSinceEpoch(round(t), QTimeZone(self.zone.encode())))
        return edit

    def _with_day(self, edit: QDateTimeEdit) -> QWidget:
        day = QLabel()
        day.setTextFormat(Qt.TextFormat.PlainText)

        def show() -> None:
            day.setText(edit.dateTime().toTimeZone(QTimeZone(self.zone.encode())).toString("dddd"))

        edit.dateTimeChanged.connect(show)
        show()
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(day)
        return _wrap(row)

    def _category_changed(self) -> None:
        if not self._colour_chosen:
            self._colour = DEFAULT_COLOURS.get(self.category.currentData(), self._colour)
            self._show_colour()

    def _choose_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self._colour), self, "Colour of the turning point")
        if colour.isValid():
            self._colour = colour.name()
            self._colour_chosen = True
            self._show_colour()

    def _show_colour(self) -> None:
        self.colour_button.setText(self._colour)
        self.colour_button.setStyleSheet(
            f"background-color: {self._colour}; color: {'#000000' if QColor(self._colour).lightness() > 140 else '#ffffff'}"
        )

    def values(self) -> Annotation:
        start = self.starts.dateTime().toSecsSinceEpoch()
        end = self.ends.dateTime().toSecsSinceEpoch() if self.is_range.isChecked() else None
        return replace(
            self.original,
            label=self.label.text().strip(),
            category=self.category.currentData(),
            note=self.note.toPlainText().strip(),
            colour=self._colour,
            starts_at=float(start),
            ends_at=float(end) if end is not None else None,
        )

    def _accept(self) -> None:
        a = self.values()
        if not a.label:
            self.error.setText("Give the turning point a label, e.g. “Occupy accounts join”.")
            return
        if a.ends_at is not None and a.ends_at < a.starts_at:
            self.error.setText("It cannot end before it starts.")
            return
        self._result = a
        self.accept()

    def result_annotation(self) -> Annotation | None:
        return self._result


def _wrap(layout) -> QWidget:
    w = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    w.setLayout(layout)
    return w
