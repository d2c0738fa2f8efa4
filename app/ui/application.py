"""Starting the window: the QApplication, its look (the system's palette, or the light or dark
theme chosen in View > Theme), and the main window on a workspace (the one given, or the last
one opened, where the user left it)."""

from __future__ import annotations

import sys
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication

from app import __version__


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName("Incident Timeline Explorer")
    app.setOrganizationName("Incident Timeline")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("incident-timeline")
    palette = app.palette()
    pg.setConfigOptions(
        antialias=True,
        background=palette.color(QPalette.ColorRole.Base),
        foreground=palette.color(QPalette.ColorRole.Text),
    )
    try:
        from app.paths import bundled

        icon = bundled("resources") / "incident-timeline.svg"
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))
    except FileNotFoundError:
        pass
    return app


def run(workspace: Path | None = None) -> int:
    app = make_app()
    from app.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if workspace is not None:
        window.open_workspace(Path(workspace))
    elif window.settings.reopen_last:
        open_last(window)
    status = app.exec()
    dispose(window)
    return status


def dispose(window) -> None:
    """Close the window and delete it now, while Qt and Python are both whole: left to the
    interpreter's own teardown, the destruction order of the plots' objects can crash the
    process after the user quit (measured: about one exit in three)."""
    from PySide6.QtCore import QCoreApplication, QEvent

    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def open_last(window) -> bool:
    """Where the user left off: the last workspace, at its cursor and range."""
    recent = window.settings.recent_workspaces()
    return bool(recent) and window.open_workspace(recent[0])
