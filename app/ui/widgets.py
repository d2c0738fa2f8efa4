"""Small widgets shared by the window and its dialogs."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QSpinBox


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
