"""The early-warning rule's thresholds, set per workspace: when would an alert have fired?"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
)

from app.core import early_warning
from app.core.early_warning import EDITABLE, AlertRule
from app.core.store.workspace import Workspace
from app.ui.widgets import WheelSafeDoubleSpinBox, WheelSafeSpinBox


class AlertRuleDialog(QDialog):
    """The rule's fields; OK saves it (through ``runner``, off the UI thread, when given) and
    closes once it is saved."""

    def __init__(self, ws: Workspace, parent=None, runner=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Early-warning rule")
        self.ws = ws
        self.runner = runner
        rule = early_warning.load_rule(ws)
        intro = QLabel(
            "A simple alert, measured after the fact: when would it first have fired, and how long "
            "before the peak? It fires when, in the window, the share of negative posts and the "
            "volume both rise this far above the trailing baseline."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        self.fields = {}
        for name, (label, lo, hi) in EDITABLE.items():
            value = getattr(rule, name)
            if name == "min_posts":
                box = WheelSafeSpinBox()
                box.setRange(int(lo), int(hi))
                box.setValue(int(value))
            else:
                box = WheelSafeDoubleSpinBox()
                if name == "neg_points":
                    box.setRange(lo * 100, hi * 100)
                    box.setDecimals(0)
                    box.setSuffix(" points")
                    value = value * 100
                else:
                    box.setRange(lo, hi)
                    box.setDecimals(2)
                box.setValue(float(value))
            box.setObjectName(f"rule-{name}")
            self.fields[name] = box
            form.addRow(label, box)
        self.summary = QLabel(rule.describe())
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        for box in self.fields.values():
            box.valueChanged.connect(lambda _v: self.summary.setText(self.rule().describe()))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.buttons = buttons
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self._defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)

    def rule(self) -> AlertRule:
        values = {}
        for name, box in self.fields.items():
            v = box.value()
            values[name] = v / 100 if name == "neg_points" else (int(v) if name == "min_posts" else float(v))
        return replace(AlertRule(), **values)

    def _defaults(self) -> None:
        d = AlertRule()
        for name, box in self.fields.items():
            v = getattr(d, name)
            box.setValue(v * 100 if name == "neg_points" else v)

    def _save(self) -> None:
        rule, ws = self.rule(), self.ws
        if self.runner is None:
            early_warning.save_rule(ws, rule)
            self.accept()
            return
        self.buttons.setEnabled(False)

        def failed(message: str) -> None:
            self.buttons.setEnabled(True)
            self.summary.setText(message)

        self.runner.write(
            lambda _p: early_warning.save_rule(ws, rule), on_result=lambda _r: self.accept(), on_error=failed
        )
