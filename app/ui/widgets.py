"""Small widgets shared by the window and its dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QSpinBox, QTableWidgetItem


class _WheelSafe:
    """The mouse wheel scrolls the form the widget sits in, and changes the widget's value
    only once the user has clicked into it (a combo box scrolled past must keep its choice)."""

    def _wheel_safe(self) -> None:
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # goes on to the scroll area around it


class WheelSafeComboBox(_WheelSafe, QComboBox):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._wheel_safe()


class WheelSafeSpinBox(_WheelSafe, QSpinBox):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._wheel_safe()


class WheelSafeDoubleSpinBox(_WheelSafe, QDoubleSpinBox):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._wheel_safe()


class SortKeyItem(QTableWidgetItem):
    """A cell that sorts by a hidden key (``UserRole + 1``: a time, a score) rather than by
    the text it shows."""

    def __lt__(self, other) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole + 1), other.data(Qt.ItemDataRole.UserRole + 1)
        if mine is not None and theirs is not None:
            return mine < theirs
        return super().__lt__(other)
