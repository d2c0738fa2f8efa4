"""Text from the data shown as text, never as markup.

Qt renders a tooltip, a label or a message box as rich text whenever the text *looks* like
markup (``Qt.mightBeRichText``): a handle or a post such as ``<img src=x>`` would be drawn as
an image, a link or a layout. Every widget that shows text from the data goes through these:
labels and message boxes are set to plain text, and tooltips (which have no such setting) are
escaped HTML that shows the characters as they are.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget


def tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally (line breaks kept)."""
    if not text:
        return ""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def label(text: str = "", parent: QWidget | None = None, wrap: bool = False) -> QLabel:
    w = QLabel(parent)
    w.setTextFormat(Qt.TextFormat.PlainText)
    w.setWordWrap(wrap)
    w.setText(text)
    return w


def message_box(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok,
    default: QMessageBox.StandardButton | None = None,
    details: str = "",
) -> QMessageBox:
    """A message box whose texts are plain text (made, not shown)."""
    box = QMessageBox(icon, title, text, buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if details:
        box.setInformativeText(details)  # plain text too: it takes the box's format
    if default is not None:
        box.setDefaultButton(default)
    return box


def warn(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, QMessageBox.Icon.Warning, title, text).exec()


def inform(parent: QWidget | None, title: str, text: str) -> None:
    message_box(parent, QMessageBox.Icon.Information, title, text).exec()


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton,
    default: QMessageBox.StandardButton,
    details: str = "",
) -> QMessageBox.StandardButton:
    box = message_box(parent, QMessageBox.Icon.Question, title, text, buttons, default, details)
    return QMessageBox.StandardButton(box.exec())
