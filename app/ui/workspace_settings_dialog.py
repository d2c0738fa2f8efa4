"""The incident's own settings: its name, the time zone times are shown in, the brand's accounts.

They live in the workspace file (``meta``), so they travel with the incident; the core checks
every value (``Workspace.configure``) and this dialog shows its objection, worded for the
user, without closing.
"""

from __future__ import annotations

import logging
import re
from zoneinfo import available_timezones

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.store.workspace import Workspace, check_timezone, normalise_handle

log = logging.getLogger(__name__)


def parse_handles(text: str) -> list[str]:
    """One handle per line; commas and spaces separate too, since a handle has neither."""
    return [h for h in re.split(r"[\s,;]+", text) if h]


class WorkspaceSettingsDialog(QDialog):
    """Edits ``ws``'s incident name, display time zone and brand accounts.

    ``changed()`` is emitted after the settings were saved.
    """

    changed = Signal()

    def __init__(self, ws: Workspace, parent: QWidget | None = None, runner=None) -> None:
        super().__init__(parent)
        self.ws = ws
        #: writes go through it, off the UI thread, when given
        self.runner = runner
        self.setWindowTitle("Incident settings")
        self.setMinimumWidth(480)
        meta = ws.meta()

        self.name_edit = QLineEdit(ws.incident_name)
        self.name_edit.setPlaceholderText("For example: Product recall, March 2024")

        self.timezone_combo = QComboBox()
        self.timezone_combo.setEditable(True)
        self.timezone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        zones = sorted(available_timezones())
        current = meta.get("timezone", "UTC")
        if current not in zones:
            zones.insert(0, current)
        self.timezone_combo.addItems(zones)
        self.timezone_combo.setCurrentText(current)
        completer = QCompleter(self.timezone_combo.model(), self.timezone_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.timezone_combo.setCompleter(completer)

        self.brands_edit = QPlainTextEdit()
        self.brands_edit.setPlainText("\n".join("@" + h for h in ws.brand_handles))
        self.brands_edit.setPlaceholderText("@YourBrand\n@YourBrandHelp")
        self.brands_edit.setTabChangesFocus(True)

        form = QFormLayout()
        form.addRow("Incident name", self.name_edit)
        form.addRow("Show times in", self.timezone_combo)
        hint = QLabel("The brand's own accounts, one per line (the @ is optional):")
        hint.setWordWrap(True)
        form.addRow(hint)
        form.addRow("Brand accounts", self.brands_edit)

        self.error_label = QLabel()
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def values(self) -> dict:
        """What the form says, as ``configure`` takes it."""
        return {
            "name": self.name_edit.text(),
            "timezone": self.timezone_combo.currentText().strip(),
            "brand_handles": parse_handles(self.brands_edit.toPlainText()),
        }

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def accept(self) -> None:
        values = self.values()
        try:
            # the values are checked here, at once; the write itself leaves the UI thread
            check(values)
        except UserError as exc:
            self.show_error(str(exc))
            return
        if self.runner is None:
            self._write(values)
            self._saved()
            return
        self.buttons.setEnabled(False)
        self.runner.write(
            lambda _p: self._write(values), on_result=lambda _r: self._saved(), on_error=self._failed
        )

    def _write(self, values: dict) -> None:
        try:
            self.ws.configure(**values)
        except UserError:
            raise
        except Exception as exc:  # the database refused: say so and keep the form
            log.warning("saving the incident settings failed: %s", exc)
            raise UserError(
                "The settings could not be saved just now: the workspace is busy (an import "
                "may be running) or could not be written. Try again in a moment."
            ) from exc

    def _failed(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.show_error(message)

    def _saved(self) -> None:
        self.show_error("")
        self.changed.emit()
        super().accept()


def check(values: dict) -> None:
    """What ``Workspace.configure`` would refuse, said before anything is written."""
    if values.get("name") is not None and not values["name"].strip():
        raise UserError("The incident name cannot be empty.")
    if values.get("timezone") is not None:
        check_timezone(values["timezone"])
    for h in values.get("brand_handles") or []:
        normalise_handle(h)
