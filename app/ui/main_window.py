"""The main window: opens a workspace and shows what it holds over time.

This first version shows the incident's hourly volume by kind of post and a summary; the
timeline explorer (linked plots, cursor, posts table, filters) grows from here.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import UserError
from app.core.overview import hourly_volume
from app.core.store import Workspace

KIND_COLOURS = {"post": "#1f77b4", "reply": "#2ca02c", "quote": "#9467bd", "retweet": "#ff7f0e"}
KIND_NAMES = {"post": "Original posts", "reply": "Replies", "quote": "Quotes", "retweet": "Retweets"}


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.ws: Workspace | None = None
        self.setWindowTitle("Incident Timeline Explorer")
        self.resize(1200, 760)

        central = QWidget()
        layout = QVBoxLayout(central)
        self.summary = QLabel("Open a workspace (File > Open) or run the sample incident.")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.axis = pg.DateAxisItem(orientation="bottom")
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis}, background="w")
        self.plot.setLabel("left", "Posts per hour")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.addLegend(offset=(10, 10))
        layout.addWidget(self.plot, 1)
        self.setCentralWidget(central)

        menu = self.menuBar().addMenu("&File")
        open_action = QAction("&Open workspace…", self, shortcut=QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._choose_workspace)
        menu.addAction(open_action)
        menu.addSeparator()
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(quit_action)
        self.statusBar().showMessage("No workspace open")

    def _choose_workspace(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open workspace", str(Path.home()), "Workspaces (*.duckdb);;All files (*)"
        )
        if path:
            self.open_workspace(Path(path))

    def open_workspace(self, path: Path) -> bool:
        try:
            ws = Workspace.open(path)
        except UserError as exc:
            QMessageBox.warning(self, "Cannot open workspace", str(exc))
            return False
        if self.ws is not None:
            self.ws.close()
        self.ws = ws
        self.refresh()
        return True

    def refresh(self) -> None:
        ws = self.ws
        if ws is None:
            return
        info = ws.info()
        self.setWindowTitle(f"{info['incident_name']} — Incident Timeline Explorer")
        self.summary.setText(
            f"{info['incident_name']}: {info['posts']:,} posts by {info['authors']:,} accounts. "
            f"Times in UTC; display zone {info['timezone']}."
        )
        self.plot.clear()
        hours, series = hourly_volume(ws)
        if hours:
            xs = hours + [hours[-1] + 3600]
            base = [0] * len(hours)
            for kind in ("post", "reply", "quote", "retweet"):
                top = [b + v for b, v in zip(base, series.get(kind, [0] * len(hours)))]
                colour = KIND_COLOURS[kind]
                curve = pg.PlotDataItem(xs, top, stepMode="center", fillLevel=None,
                                        pen=pg.mkPen(colour, width=1), name=KIND_NAMES[kind])
                lower = pg.PlotDataItem(xs, base, stepMode="center", pen=None)
                self.plot.addItem(curve)
                self.plot.addItem(pg.FillBetweenItem(curve, lower, brush=pg.mkBrush(colour + "99")))
                base = top
        self.statusBar().showMessage(f"{info['posts']:,} posts · {ws.path}")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.ws is not None:
            self.ws.close()
            self.ws = None
        super().closeEvent(event)
