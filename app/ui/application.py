"""Starting the window: the QApplication, its look, and the main window on a workspace."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app import __version__


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName("Incident Timeline Explorer")
    app.setOrganizationName("Incident Timeline")
    app.setApplicationVersion(__version__)
    try:
        from app.paths import bundled

        icon = bundled("resources") / "incident-timeline.svg"
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))
    except FileNotFoundError:
        pass
    return app


def run(workspace: Path | None = None) -> int:
    from app.ui.main_window import MainWindow

    app = make_app()
    window = MainWindow()
    window.show()
    if workspace is not None:
        window.open_workspace(Path(workspace))
    return app.exec()
