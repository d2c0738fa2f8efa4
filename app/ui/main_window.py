"""The main window: the only place that wires widgets, docks, menus and actions together.

Everything the window shows comes from the core through :class:`TaskRunner` tasks, each on
its own DuckDB cursor; the UI thread only draws. One cursor time drives the plots, the posts
table and the time label; one filter drives every plot and the table.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.core import annotations as notes
from app.core import chronicle, exports, metrics, overview, rollup, sentiment, turning_points
from app.core.errors import UserError
from app.core.metrics import PostFilter
from app.core.sentiment import labels, missing_count, score_missing
from app.core.sentiment.figures import percent
from app.core.store import Workspace
from app.ui.annotation_commands import AddAnnotation, DeleteAnnotation, EditAnnotation
from app.ui.annotation_dialog import AnnotationDialog
from app.ui.annotations_panel import AnnotationsPanel
from app.ui.chronicle_panel import ChroniclePanel
from app.ui.filter_bar import FilterBar
from app.ui.posts_table import PostDetail, PostsModel, PostsView
from app.ui.settings import AppSettings
from app.ui.suggestions_panel import KIND_COLOURS, SuggestionsPanel
from app.ui.tasks import TaskRunner
from app.ui.timeline.annotation_items import AnnotationLayer
from app.ui.timeline.plots import TimelineView
from app.ui.timeline.time_axis import format_duration, format_range, format_time

WINDOWS_MIN = (5, 15, 30, 60, 180)
SPEEDS = (
    (60, "1 min per second"),
    (600, "10 min per second"),
    (3600, "1 hour per second"),
    (3 * 3600, "3 hours per second"),
    (6 * 3600, "6 hours per second"),
)
OVERVIEW_PIXELS = 900
LAST_FOLDER = "workspaces/last_folder"
PLAY_TICK_MS = 40


class MainWindow(QMainWindow):
    def __init__(self, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or AppSettings()
        self.runner = TaskRunner(self)
        self.ws: Workspace | None = None
        self.filter = PostFilter()
        self.span: tuple[float, float] | None = None
        self.bin_seconds = 3600
        self.cursor_t: float | None = None
        self.sort = ("time", False)
        self._play_clock: float | None = None
        self.last_error: str | None = None
        self._dismissed: set[str] = set()
        self.last_export: tuple[str, int] | None = None
        self.setWindowTitle("Incident Timeline Explorer")
        self.setAcceptDrops(True)
        self.resize(1440, 900)
        self.setDockNestingEnabled(True)

        self.timeline = TimelineView()
        self.timeline.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCentralWidget(self.timeline)
        self.timeline.range_settled.connect(self._range_settled)
        self.timeline.cursor_moved.connect(lambda t: self.set_cursor(t))

        self.filter_bar = FilterBar()
        self.filter_bar.changed.connect(self._filter_changed)

        self.posts_model = PostsModel(self)
        self.posts_view = PostsView(self.posts_model)
        self.posts_view.sort_requested.connect(self._sort_requested)
        self.posts_view.selectionModel().currentRowChanged.connect(self._post_selected)
        self.post_detail = PostDetail()
        self.posts_heading = QLabel("No workspace open")
        self.posts_heading.setTextFormat(Qt.TextFormat.PlainText)
        self.posts_heading.setContentsMargins(6, 2, 6, 2)
        posts_box = QWidget()
        box_layout = QVBoxLayout(posts_box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.setSpacing(2)
        box_layout.addWidget(self.posts_heading)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.posts_view)
        splitter.addWidget(self.post_detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        box_layout.addWidget(splitter, 1)
        self.posts_dock = QDockWidget("Posts at the cursor", self)
        self.posts_dock.setObjectName("posts-dock")
        self.posts_dock.setWidget(posts_box)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.posts_dock)
        self.resizeDocks([self.posts_dock], [760], Qt.Orientation.Horizontal)

        self.undo_stack = QUndoStack(self)
        self.annotations: list[notes.Annotation] = []
        self.suggestions: list = []
        self.layer = AnnotationLayer(
            list(self.timeline.plots), self.timeline.overview.getPlotItem(), self.timeline.p_volume
        )
        self.layer.moved.connect(self._annotation_moved)
        self.layer.activated.connect(self.edit_annotation)
        self.layer.selected.connect(self._annotation_clicked)
        self.layer.suggestion_clicked.connect(self._suggestion_clicked)

        self.notes_panel = AnnotationsPanel()
        self.notes_panel.jump_to.connect(self._jump)
        self.notes_panel.edit_requested.connect(self.edit_annotation)
        self.notes_panel.delete_requested.connect(self.delete_annotation)
        self.notes_panel.add_point_requested.connect(self.add_point)
        self.notes_panel.add_range_requested.connect(self.add_range)
        self.notes_panel.export_requested.connect(self.export_annotations)
        self.notes_panel.import_requested.connect(self.import_annotations)
        self.notes_dock = QDockWidget("Turning points", self)
        self.notes_dock.setObjectName("turning-points-dock")
        self.notes_dock.setWidget(self.notes_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.notes_dock)
        self.splitDockWidget(self.posts_dock, self.notes_dock, Qt.Orientation.Vertical)

        self.suggestions_panel = SuggestionsPanel()
        self.suggestions_panel.jump_to.connect(self._jump)
        self.suggestions_panel.accept_requested.connect(self.accept_suggestion)
        self.suggestions_panel.dismiss_requested.connect(self.dismiss_suggestion)
        self.suggestions_panel.restore_requested.connect(self.restore_suggestion)
        self.suggestions_dock = QDockWidget("Suggested turning points", self)
        self.suggestions_dock.setObjectName("suggestions-dock")
        self.suggestions_dock.setWidget(self.suggestions_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.suggestions_dock)
        self.tabifyDockWidget(self.notes_dock, self.suggestions_dock)
        self.chronicle_panel = ChroniclePanel()
        self.chronicle_panel.save_requested.connect(self._save_chronicle)
        self.chronicle_panel.reset_requested.connect(self._reset_chronicle)
        self.chronicle_panel.jump_to.connect(self._jump)
        self.chronicle_panel.redraft_requested.connect(self.refresh_chronicle)
        self.chronicle_dock = QDockWidget("Chronicle", self)
        self.chronicle_dock.setObjectName("chronicle-dock")
        self.chronicle_dock.setWidget(self.chronicle_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.chronicle_dock)
        self.tabifyDockWidget(self.suggestions_dock, self.chronicle_dock)
        self.notes_dock.raise_()
        self.resizeDocks([self.posts_dock, self.notes_dock], [620, 280], Qt.Orientation.Vertical)

        self._build_actions()
        self._build_toolbars()
        self._build_menus()
        self._build_status_bar()

        self._play_timer = QTimer(self, interval=PLAY_TICK_MS)
        self._play_timer.timeout.connect(self._play_tick)
        self.settings.restore_window(self)
        self._set_enabled(False)

    # ---- building ----------------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut=None, tip: str = "", context=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(
                f"{text.replace('&', '').rstrip('…')} ({action.shortcut().toString()})" if shortcut else tip
            )
        if context is not None:
            action.setShortcutContext(context)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        A = self._action
        self.act_new = A(
            "&New workspace…",
            self.new_workspace,
            QKeySequence.StandardKey.New,
            "Start a workspace for a new incident",
        )
        self.act_open = A(
            "&Open workspace…",
            self.choose_workspace,
            QKeySequence.StandardKey.Open,
            "Open an incident workspace",
        )
        self.act_import = A(
            "&Import files…", self.import_files, "Ctrl+I", "Import archive files into this workspace"
        )
        self.act_import_folder = A(
            "Import &folder…", self.import_folder, "Ctrl+Shift+I", "Import every archive in a folder"
        )
        self.act_report = A(
            "&Export post-mortem…", self.export_report, "Ctrl+E", "Write the post-mortem report (PDF or HTML)"
        )
        self.act_export_series = A(
            "Export the &series in view…",
            lambda: self.export_data("series"),
            None,
            "Volume, sentiment and reach per bin of the visible range, as CSV or JSON",
        )
        self.act_export_posts = A(
            "Export the &posts in view…",
            lambda: self.export_data("posts"),
            None,
            "Every post of the visible range (ids as text), as CSV or JSON",
        )
        self.act_settings = A(
            "Workspace &settings…", self.edit_settings, "Ctrl+,", "Incident name, time zone, brand accounts"
        )
        self.act_quit = A("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_fit = A("&Fit all", self.timeline.fit_all, "Ctrl+0", "Show the whole incident")
        self.act_zoom_in = A(
            "Zoom &in",
            lambda: self.timeline.zoom(0.5, self.cursor_t),
            QKeySequence.StandardKey.ZoomIn,
            "Zoom in around the cursor",
        )
        self.act_zoom_out = A(
            "Zoom &out",
            lambda: self.timeline.zoom(2.0, self.cursor_t),
            QKeySequence.StandardKey.ZoomOut,
            "Zoom out",
        )
        self.act_find = A(
            "&Search posts", self.filter_bar.focus_search, QKeySequence.StandardKey.Find, "Filter by text"
        )
        self.act_clear_filters = A(
            "&Clear filters", self.filter_bar.clear, "Ctrl+Shift+L", "Show every post again"
        )
        self.act_copy = A(
            "&Copy selected posts", self.posts_view.copy_selection, QKeySequence.StandardKey.Copy
        )
        self.act_copy.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.posts_view.addAction(self.act_copy)
        self.act_play = A("&Play", self.toggle_play, "Space", "Replay the incident from the cursor")
        self.act_play.setCheckable(True)
        ctx = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.act_back = A("Step &back", lambda: self.step(-1), "Left", "Move the cursor back one bin", ctx)
        self.act_fwd = A(
            "Step &forward", lambda: self.step(1), "Right", "Move the cursor forward one bin", ctx
        )
        self.act_back10 = A("Step back ten", lambda: self.step(-10), "Shift+Left", "Ten bins back", ctx)
        self.act_fwd10 = A("Step forward ten", lambda: self.step(10), "Shift+Right", "Ten bins forward", ctx)
        for a in (self.act_back, self.act_fwd, self.act_back10, self.act_fwd10):
            self.timeline.addAction(a)
        self.act_about = A("&About Incident Timeline Explorer", self.about)
        self.act_undo = self.undo_stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcut(QKeySequence.StandardKey.Redo)
        self.act_mark = A(
            "&Mark a turning point at the cursor…",
            self.add_point,
            "M",
            "Add a turning point at the cursor's time",
        )
        self.act_human = A(
            "Sentiment: &human labels override VADER",
            self._human_labels_toggled,
            None,
            "Count each post you labelled by hand in your class, not VADER's",
        )
        self.act_human.setCheckable(True)
        self.act_rule = A(
            "Early-warning &rule…",
            self.edit_alert_rule,
            None,
            "The thresholds of the alert measured after the fact",
        )
        self.act_label = A(
            "Check the &sentiment by hand…",
            self.check_sentiment,
            None,
            "Label a sample of posts and see how far VADER agrees",
        )
        self.act_mark_range = A(
            "Mark a &stretch of time…",
            self.add_range,
            "Shift+M",
            "Add a turning point spanning time around the cursor",
        )

    def _build_toolbars(self) -> None:
        bar = QToolBar("Main", self)
        bar.setObjectName("main-toolbar")
        bar.setMovable(False)
        bar.setIconSize(QSize(18, 18))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addAction(self.act_open)
        bar.addAction(self.act_import)
        bar.addSeparator()
        bar.addAction(self.act_fit)
        bar.addAction(self.act_zoom_in)
        bar.addAction(self.act_zoom_out)
        bar.addSeparator()
        bar.addAction(self.act_back)
        bar.addAction(self.act_play)
        bar.addAction(self.act_fwd)
        self.speed = QComboBox()
        self.speed.setObjectName("speed")
        self.speed.setToolTip("How fast Play replays the incident")
        for seconds, label in SPEEDS:
            self.speed.addItem(label, seconds)
        self.speed.setCurrentIndex(max(0, self.speed.findData(int(self.settings.playback_speed))))
        self.speed.currentIndexChanged.connect(self._speed_changed)
        bar.addWidget(self.speed)
        bar.addSeparator()
        bar.addWidget(QLabel(" Posts within "))
        self.window_box = QComboBox()
        self.window_box.setObjectName("cursor-window")
        self.window_box.setToolTip("Which posts the table lists: those this close to the cursor")
        for minutes in WINDOWS_MIN:
            self.window_box.addItem(f"± {format_duration(minutes * 60)}", minutes)
        self.window_box.setCurrentIndex(max(0, self.window_box.findData(self.settings.cursor_window_minutes)))
        self.window_box.currentIndexChanged.connect(self._window_changed)
        bar.addWidget(self.window_box)
        bar.addWidget(QLabel(" of the cursor   "))
        self.time_label = QLabel("")
        self.time_label.setObjectName("cursor-time")
        f = self.time_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.15)
        f.setBold(True)
        self.time_label.setFont(f)
        bar.addWidget(self.time_label)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.addToolBarBreak()
        filters = QToolBar("Filters", self)
        filters.setObjectName("filter-toolbar")
        filters.setMovable(False)
        filters.addWidget(self.filter_bar)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, filters)

    def _build_menus(self) -> None:
        m = self.menuBar().addMenu("&File")
        m.addAction(self.act_new)
        m.addAction(self.act_open)
        self.recent_menu = m.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        m.addSeparator()
        m.addAction(self.act_import)
        m.addAction(self.act_import_folder)
        m.addSeparator()
        m.addAction(self.act_report)
        m.addAction(self.act_export_series)
        m.addAction(self.act_export_posts)
        m.addSeparator()
        m.addAction(self.act_settings)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = self.menuBar().addMenu("&Edit")
        m.addAction(self.act_undo)
        m.addAction(self.act_redo)
        m.addSeparator()
        m.addAction(self.act_copy)
        m.addAction(self.act_find)
        m.addAction(self.act_clear_filters)
        m = self.menuBar().addMenu("&View")
        m.addAction(self.act_fit)
        m.addAction(self.act_zoom_in)
        m.addAction(self.act_zoom_out)
        m.addSeparator()
        m.addAction(self.posts_dock.toggleViewAction())
        m.addAction(self.notes_dock.toggleViewAction())
        m.addAction(self.suggestions_dock.toggleViewAction())
        m.addAction(self.chronicle_dock.toggleViewAction())
        m = self.menuBar().addMenu("&Turning points")
        m.addAction(self.act_mark)
        m.addAction(self.act_mark_range)
        m.addSeparator()
        m.addAction(self.act_rule)
        m.addAction(self.act_label)
        m.addAction(self.act_human)
        m = self.menuBar().addMenu("&Playback")
        m.addAction(self.act_play)
        m.addAction(self.act_back)
        m.addAction(self.act_fwd)
        m.addAction(self.act_back10)
        m.addAction(self.act_fwd10)
        m = self.menuBar().addMenu("&Help")
        m.addAction(self.act_about)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.status_posts = QLabel("")
        self.status_range = QLabel("")
        self.status_filter = QLabel("")
        for label in (self.status_posts, self.status_range, self.status_filter):
            label.setTextFormat(Qt.TextFormat.PlainText)
        sb.addWidget(self.status_posts)
        sb.addWidget(self.status_range)
        sb.addWidget(self.status_filter, 1)
        self.score_label = QLabel("")
        self.score_bar = QProgressBar()
        self.score_bar.setObjectName("score-progress")
        self.score_bar.setMaximumWidth(160)
        self.score_bar.setRange(0, 1000)
        self.score_bar.setTextVisible(False)
        sb.addPermanentWidget(self.score_label)
        sb.addPermanentWidget(self.score_bar)
        self.score_label.hide()
        self.score_bar.hide()

    def _set_enabled(self, enabled: bool) -> None:
        for a in (
            self.act_import,
            self.act_import_folder,
            self.act_settings,
            self.act_fit,
            self.act_zoom_in,
            self.act_zoom_out,
            self.act_play,
            self.act_back,
            self.act_fwd,
            self.act_back10,
            self.act_fwd10,
            self.act_find,
            self.act_clear_filters,
            self.act_mark,
            self.act_mark_range,
            self.act_label,
            self.act_report,
            self.act_rule,
            self.act_human,
            self.act_export_series,
            self.act_export_posts,
        ):
            a.setEnabled(enabled)
        self.filter_bar.setEnabled(enabled)
        self.notes_panel.setEnabled(enabled)
        self.suggestions_panel.setEnabled(enabled)
        self.chronicle_panel.setEnabled(enabled)

    # ---- workspaces ---------------------------------------------------------------------------
    def choose_workspace(self) -> None:
        start = str(self.settings.value(LAST_FOLDER, str(Path.home()), str))
        path, _ = QFileDialog.getOpenFileName(
            self, "Open workspace", start, "Workspaces (*.duckdb);;All files (*)"
        )
        if path:
            self.open_workspace(Path(path))

    def new_workspace(self) -> None:
        start = str(self.settings.value(LAST_FOLDER, str(Path.home()), str))
        path, _ = QFileDialog.getSaveFileName(
            self, "New workspace", str(Path(start) / "incident.duckdb"), "Workspaces (*.duckdb)"
        )
        if not path:
            return
        path = Path(path)
        if path.suffix != ".duckdb":
            path = path.with_suffix(".duckdb")
        if path.exists():
            QMessageBox.warning(
                self, "New workspace", f"{path.name} already exists; open it instead, or choose another name."
            )
            return
        if self.open_workspace(path, create=True):
            self.edit_settings()

    def open_workspace(self, path: Path, create: bool = False) -> bool:
        self.close_workspace()
        try:
            ws = Workspace.open(path, create=create)
        except UserError as exc:
            QMessageBox.warning(self, "Cannot open workspace", str(exc))
            return False
        self.ws = ws
        self.settings.add_recent(path)
        self.settings.set_value(LAST_FOLDER, str(path.parent))
        self._set_enabled(True)
        self.reload(fit=True)
        self.refresh_annotations()
        self._start_scoring()
        return True

    def close_workspace(self) -> None:
        self.chronicle_panel.save_pending()
        self.stop()
        self.runner.wait_all()
        if self.ws is not None:
            self.ws.close()
            self.ws = None
        self.span = None
        self.undo_stack.clear()
        self.annotations, self.suggestions = [], []
        self.layer.set_annotations([])
        self.layer.set_suggestions([], KIND_COLOURS)
        self.layer.set_alert(None)
        self.notes_panel.set_annotations([])
        self.suggestions_panel.set_suggestions([], set(), set())
        self.chronicle_panel.set_paragraphs([], lambda p: "")
        self.posts_model.set_rows([])
        self.post_detail.show_post(None, None, "")
        self._set_enabled(False)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_workspaces()
        if not recent:
            a = self.recent_menu.addAction("No recent workspaces")
            a.setEnabled(False)
        for path in recent:
            a = self.recent_menu.addAction(path.name)
            a.setToolTip(str(path))
            a.triggered.connect(lambda _=False, p=path: self.open_workspace(p))

    def edit_settings(self) -> None:
        if self.ws is None:
            return
        from app.ui.workspace_settings_dialog import WorkspaceSettingsDialog

        dialog = WorkspaceSettingsDialog(self.ws, self)
        dialog.changed.connect(lambda: self.reload(fit=False))
        dialog.exec()

    # ---- loading what the window shows ----------------------------------------------------------
    def reload(self, fit: bool = False) -> None:
        """Re-read the workspace's extent and overview, then the detail and the table."""
        ws = self.ws
        if ws is None:
            return
        flt = self.filter
        zone = ws.timezone
        name = ws.incident_name

        def load(progress):
            con = ws.cursor()
            span = metrics.incident_span(ws, con=con)
            if span is None:
                return None
            first, last = span
            bin_s = metrics.choose_bin(last - first, OVERVIEW_PIXELS, min_px_per_bin=2)
            whole = metrics.binned_series(ws, first, last + 1, bin_s, flt, con=con)
            langs = overview.languages(ws, con=con)
            return span, whole, langs

        def loaded(result) -> None:
            self.setWindowTitle(f"{name} — Incident Timeline Explorer")
            self.timeline.set_zone(zone)
            self.posts_model.set_zone(zone)
            self.notes_panel.set_zone(zone)
            self.suggestions_panel.set_zone(zone)
            if result is None:
                self.span = None
                self.posts_heading.setText("This workspace holds no posts yet: use File > Import.")
                self.status_posts.setText("No posts")
                return
            span, whole, langs = result
            first_load = self.span is None
            self.span = span
            self.timeline.set_span(*span)
            self.timeline.set_overview(whole)
            self.filter_bar.set_languages(langs)
            if fit or first_load:
                self.timeline.fit_all()
            self._range_settled(*self.timeline.visible_range(), self.timeline.plot_width())
            if self.cursor_t is None or not (span[0] <= self.cursor_t <= span[1]):
                self.set_cursor(span[0])
            else:
                self.set_cursor(self.cursor_t)
            self.refresh_suggestions()

        self.runner.submit("load", load, on_result=loaded, on_error=self._error)

    def _range_settled(self, start: float, end: float, pixels: int) -> None:
        ws = self.ws
        if ws is None or self.span is None:
            return
        bin_s = metrics.choose_bin(end - start, pixels)
        flt = self.filter
        self.status_range.setText(
            f" ·  {format_range(start, end, ws.timezone)}  ·  {format_duration(bin_s)} bins"
        )

        human = self.act_human.isChecked()

        def query(progress):
            con = ws.cursor()
            series = metrics.binned_series(ws, start, end, bin_s, flt, con=con)
            check = sentiment.label_check(ws, con)
            calibrated = sentiment.calibrated_series(series, check.calibration)
            if human:
                series = labels.with_human_labels(ws, series, flt, con=con)
            return series, calibrated, check

        def done(result) -> None:
            series, calibrated, check = result
            self.bin_seconds = series.bin_seconds
            self.timeline.set_series(series)
            note = getattr(check.calibration, "reason", "")
            coverage = sentiment.Coverage.of_bins(series)
            tip = f"{coverage.describe()} (posts in view)\n\n{sentiment.blind_spot(check.agreement)}"
            self.timeline.set_calibrated(calibrated, note, tip, check.calibration.labels)
            self.layer.relayout_labels()
            self.layer.set_suggestions(self.suggestions_panel.pending(), KIND_COLOURS)
            total = int(series.total.sum())
            scored = f", sentiment on {percent(coverage.scored, total)} (English only)" if total else ""
            self.status_posts.setText(f"{total:,} posts in view{scored}")

        self.runner.submit("series", query, on_result=done, on_error=self._error)

    def _filter_changed(self, flt: PostFilter) -> None:
        self.filter = flt
        self.status_filter.setText((" ·  Filter: " + flt.describe()) if not flt.is_empty() else "")
        self.reload(fit=False)

    def _sort_requested(self, key: str, descending: bool) -> None:
        self.sort = (key, descending)
        self._query_posts()

    def _window_changed(self) -> None:
        self.settings.cursor_window_minutes = int(self.window_box.currentData())
        self._query_posts()

    def _speed_changed(self) -> None:
        self.settings.playback_speed = float(self.speed.currentData())

    # ---- the cursor ---------------------------------------------------------------------------
    def set_cursor(self, t: float, query: bool = True) -> None:
        if self.span is not None:
            t = min(max(t, self.span[0]), self.span[1])
        self.cursor_t = t
        zone = self.ws.timezone if self.ws else "UTC"
        label = format_time(t, zone)
        self.time_label.setText(label)
        self.timeline.set_cursor(t, label)
        if query:
            self._query_posts()

    def step(self, bins: int) -> None:
        if self.cursor_t is None:
            return
        self.set_cursor(self.cursor_t + bins * self.bin_seconds)
        self._keep_cursor_visible()

    def _keep_cursor_visible(self) -> None:
        lo, hi = self.timeline.visible_range()
        t = self.cursor_t
        if t is None or lo <= t <= hi:
            return
        width = hi - lo
        start = t - width * 0.1 if t > hi else t - width * 0.9
        self.timeline.set_range(start, start + width)

    def _query_posts(self) -> None:
        ws, t = self.ws, self.cursor_t
        if ws is None or t is None:
            return
        half = int(self.window_box.currentData() or 15) * 60
        flt, (sort, descending) = self.filter, self.sort

        def query(progress):
            return metrics.posts_around(ws, t, half, flt, sort=sort, descending=descending, con=ws.cursor())

        def done(result) -> None:
            rows, total = result
            self.posts_model.set_rows(rows)
            shown = self.post_detail.row
            if shown is not None and all(r.post_id != shown.post_id for r in rows):
                self.post_detail.show_post(None, None, "")  # the post read before is no longer listed
            shown = f" (showing {len(rows):,})" if total > len(rows) else ""
            self.posts_heading.setText(
                f"{total:,} posts within ± {format_duration(half)} of the cursor{shown}"
            )

        self.runner.submit("posts", query, on_result=done, on_error=self._error)

    def _post_selected(self, current, _previous=None) -> None:
        if not current.isValid() or current.row() >= len(self.posts_model.rows) or self.ws is None:
            return
        row = self.posts_model.rows[current.row()]
        ws = self.ws
        zone = ws.timezone
        when = format_time(_utc_seconds(row.created_at), zone, seconds=True)
        self.post_detail.show_post(row, None, when)
        # the cursor goes to the post, and the table stays as it is
        self.set_cursor(_utc_seconds(row.created_at), query=False)
        if row.ref_post_id:
            self.runner.submit(
                "original",
                lambda p: metrics.original_of(ws, row, con=ws.cursor()),
                on_result=lambda original: (
                    self.post_detail.show_post(row, original, when) if self.post_detail.row is row else None
                ),
            )

    # ---- turning points ---------------------------------------------------------------------------
    def refresh_annotations(self) -> None:
        ws = self.ws
        if ws is None:
            return

        def done(annotations) -> None:
            self.annotations = annotations
            self.layer.set_annotations(annotations)
            self.notes_panel.set_annotations(annotations)
            self._show_suggestions()

        self.runner.submit(
            "annotations",
            lambda p: notes.list_annotations(ws, con=ws.cursor()),
            on_result=done,
            on_error=self._error,
        )

    def _changed(self) -> None:
        """After an undoable change: redraw from the workspace, and redraft the chronicle."""
        self.refresh_annotations()
        self.refresh_chronicle()

    def refresh_chronicle(self) -> None:
        ws = self.ws
        if ws is None:
            return
        self.chronicle_panel.save_pending()
        zone = ws.timezone

        def when(p) -> str:
            if p.start is None:
                return ""
            return format_range(p.start, p.end if p.end is not None else p.start, zone)

        self.runner.submit(
            "chronicle",
            lambda progress: chronicle.chronicle(ws, con=ws.cursor()),
            on_result=lambda paragraphs: self.chronicle_panel.set_paragraphs(paragraphs, when),
            on_error=self._error,
        )

    def _save_chronicle(self, phase: str, text: str) -> None:
        if self.ws is not None:
            try:
                chronicle.save_edit(self.ws, phase, text)
            except UserError as exc:
                self._error(str(exc))

    def _reset_chronicle(self, phase: str) -> None:
        if self.ws is not None:
            chronicle.clear_edit(self.ws, phase)
            self.refresh_chronicle()

    def export_data(self, what: str) -> None:
        """The visible range's series (at the bins on screen) or posts, to CSV or JSON."""
        ws = self.ws
        if ws is None or self.span is None:
            return
        start = Path(self.settings.value(LAST_FOLDER, str(Path.home()), str)) / f"{what}.csv"
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export the {what} in view", str(start), "CSV (*.csv);;JSON (*.json)"
        )
        if not path:
            return
        if not path.lower().endswith((".csv", ".json")):
            path += ".csv"
        lo, hi = self.timeline.visible_range()
        bin_s = self.bin_seconds

        def done(n: int) -> None:
            self.statusBar().showMessage(f"Exported {n:,} rows to {path}", 8000)
            self.last_export = (path, n)

        self.runner.submit(
            "export",
            lambda p: exports.export(
                ws, what, path, lo, hi, bin_s if what == "series" else None, con=ws.cursor()
            ),
            on_result=done,
            on_error=self._error,
        )

    def export_report(self) -> None:
        if self.ws is None:
            return
        from app.ui.report_dialog import ReportDialog

        self.chronicle_panel.save_pending()
        dialog = ReportDialog(self.runner, self.ws, self.settings, self)
        dialog.exec()

    def _human_labels_toggled(self) -> None:
        on = self.act_human.isChecked()
        self.statusBar().showMessage(
            "Sentiment shares now count your hand labels over VADER's"
            if on
            else "Sentiment shares are VADER's again",
            6000,
        )
        if self.span is not None:
            self._range_settled(*self.timeline.visible_range(), self.timeline.plot_width())

    def edit_alert_rule(self) -> None:
        if self.ws is None:
            return
        from app.ui.alert_rule_dialog import AlertRuleDialog

        if AlertRuleDialog(self.ws, self).exec():
            self.refresh_suggestions()

    def check_sentiment(self) -> None:
        if self.ws is None:
            return
        from app.ui.labelling_dialog import LabellingDialog

        dialog = LabellingDialog(self.runner, self.ws, self)
        dialog.start()
        dialog.exec()
        if self.span is not None:  # the labels calibrate the sentiment plot
            self._range_settled(*self.timeline.visible_range(), self.timeline.plot_width())

    def _new_annotation(self, start: float, end: float | None) -> notes.Annotation:
        return notes.Annotation(
            id=None,
            starts_at=start,
            ends_at=end,
            category="other",
            colour=notes.DEFAULT_COLOURS.get("other", "#d62f6f"),
        )

    def add_point(self) -> None:
        if self.ws is None or self.cursor_t is None:
            return
        self._add_with_dialog(self._new_annotation(self.cursor_t, None))

    def add_range(self) -> None:
        if self.ws is None or self.cursor_t is None:
            return
        lo, hi = self.timeline.visible_range()
        half = max(self.bin_seconds, (hi - lo) * 0.05)
        self._add_with_dialog(self._new_annotation(self.cursor_t - half, self.cursor_t + half))

    def _add_with_dialog(self, draft: notes.Annotation) -> None:
        dialog = AnnotationDialog(draft, self.ws.timezone, self, "New turning point")
        if dialog.exec() and dialog.result_annotation() is not None:
            self._push(AddAnnotation(self.ws, dialog.result_annotation(), self._changed))

    def _push(self, command) -> None:
        try:
            self.undo_stack.push(command)
        except UserError as exc:
            self._error(str(exc))

    def _find(self, ann_id: int) -> notes.Annotation | None:
        return next((a for a in self.annotations if a.id == ann_id), None)

    def edit_annotation(self, ann_id: int) -> None:
        before = self._find(ann_id)
        if before is None or self.ws is None:
            return
        dialog = AnnotationDialog(before, self.ws.timezone, self, "Edit turning point")
        if dialog.exec() and dialog.result_annotation() is not None and dialog.result_annotation() != before:
            self._push(EditAnnotation(self.ws, before, dialog.result_annotation(), self._changed))

    def delete_annotation(self, ann_id: int) -> None:
        a = self._find(ann_id)
        if a is not None and self.ws is not None:
            self._push(DeleteAnnotation(self.ws, a, self._changed))

    def _annotation_moved(self, ann_id: int, start: float, end) -> None:

        before = self._find(ann_id)
        if before is None or self.ws is None:
            return
        after = replace(before, starts_at=start, ends_at=end if before.ends_at is not None else None)
        self._push(EditAnnotation(self.ws, before, after, self._changed, f"Move “{before.label}”"))

    def _annotation_clicked(self, ann_id: int) -> None:
        a = self._find(ann_id)
        if a is not None:
            self.notes_panel.select(ann_id)
            self.set_cursor(a.starts_at)

    def _jump(self, t: float) -> None:
        self.set_cursor(t)
        self._keep_cursor_visible()

    def export_annotations(self) -> None:
        if self.ws is None:
            return
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Export turning points",
            str(Path(self.settings.value(LAST_FOLDER, str(Path.home()), str)) / "turning-points.csv"),
            "CSV (*.csv);;JSON (*.json)",
        )
        if not path:
            return
        try:
            if path.lower().endswith(".json") or "JSON" in chosen:
                notes.export_json(self.ws, path)
            else:
                notes.export_csv(self.ws, path)
        except (OSError, UserError) as exc:
            self._error(f"The turning points could not be exported: {exc}")
            return
        self.statusBar().showMessage(f"Exported {len(self.annotations)} turning points to {path}", 8000)

    def import_annotations(self) -> None:
        if self.ws is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self, "Import turning points", str(Path.home()), "Turning points (*.csv *.json);;All files (*)"
        )
        if not path:
            return
        try:
            summary = notes.import_file(self.ws, path)
        except (OSError, UserError) as exc:
            self._error(f"The turning points could not be imported: {exc}")
            return
        self.undo_stack.clear()  # a merge is not undoable step by step
        self.refresh_annotations()
        problems = (
            f"; {len(summary.problems)} rows skipped: " + "; ".join(summary.problems[:3])
            if summary.problems
            else ""
        )
        QMessageBox.information(
            self,
            "Turning points imported",
            f"{summary.added} added, {summary.updated} updated, {summary.skipped} already here{problems}.",
        )

    def refresh_suggestions(self) -> None:
        ws = self.ws
        if ws is None:
            return

        def work(progress):
            con = ws.cursor()
            return turning_points.suggest(ws, progress=progress, con=con), notes.dismissed_keys(ws)

        def done(result) -> None:
            self.suggestions, self._dismissed = result
            self._show_suggestions()
            self.refresh_chronicle()

        self.runner.submit("suggest", work, on_result=done, on_error=self._error)

    def _accepted_keys(self) -> set[str]:
        return notes.accepted_keys(self.annotations)

    def _show_suggestions(self) -> None:
        dismissed = self._dismissed
        self.suggestions_panel.set_suggestions(self.suggestions, dismissed, self._accepted_keys())
        self.layer.set_suggestions(self.suggestions_panel.pending(), KIND_COLOURS)
        alert = next((s for s in self.suggestions if s.kind == "early_warning"), None)
        self.layer.set_alert(alert.time if alert else None)

    def accept_suggestion(self, suggestion) -> None:
        if self.ws is None:
            return

        self._push(AddAnnotation(self.ws, notes.from_suggestion(suggestion), self._changed))

    def dismiss_suggestion(self, suggestion) -> None:
        if self.ws is not None:
            notes.dismiss(self.ws, suggestion.key())
            self._dismissed = self._dismissed | {suggestion.key()}
            self._show_suggestions()

    def restore_suggestion(self, suggestion) -> None:
        if self.ws is not None:
            notes.undismiss(self.ws, suggestion.key())
            self._dismissed = self._dismissed - {suggestion.key()}
            self._show_suggestions()

    def _suggestion_clicked(self, key: str) -> None:
        self.suggestions_dock.raise_()
        self.suggestions_panel.select_key(key)

    # ---- playback -----------------------------------------------------------------------------
    def toggle_play(self) -> None:
        if self._play_timer.isActive():
            self.stop()
        else:
            self.play()

    def play(self) -> None:
        if self.span is None:
            return
        if self.cursor_t is None or self.cursor_t >= self.span[1]:
            self.set_cursor(self.span[0])
        self._play_clock = time.monotonic()
        self._play_timer.start()
        self.act_play.setChecked(True)
        self.act_play.setText("&Pause")

    def stop(self) -> None:
        self._play_timer.stop()
        self.act_play.setChecked(False)
        self.act_play.setText("&Play")

    def _play_tick(self) -> None:
        if self.span is None or self.cursor_t is None:
            self.stop()
            return
        now = time.monotonic()
        elapsed = now - (self._play_clock or now)
        self._play_clock = now
        t = self.cursor_t + elapsed * float(self.speed.currentData())
        if t >= self.span[1]:
            t = self.span[1]
            self.stop()
        self.set_cursor(t)
        self._keep_cursor_visible()

    # ---- import and scoring ---------------------------------------------------------------------
    def import_files(self) -> None:
        from app.ui.import_dialog import import_file_filter

        start = str(self.settings.last_import_folder or Path.home())
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Import archive files",
            start,
            import_file_filter(),
        )
        if paths:
            self.settings.last_import_folder = Path(paths[0]).parent
            self.start_import([Path(p) for p in paths])

    def import_folder(self) -> None:
        start = str(self.settings.last_import_folder or Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of archives", start)
        if folder:
            self.settings.last_import_folder = folder
            self.start_import([Path(folder)])

    def start_import(self, paths: list[Path]):
        if self.ws is None:
            QMessageBox.information(
                self, "Import", "Open or create a workspace first (File > New workspace)."
            )
            return None
        from app.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.runner, self.ws, paths, self)
        dialog.finished_import.connect(self._imported)
        dialog.show()
        dialog.start()
        return dialog

    def _imported(self, reports) -> None:
        if any(r.added for r in reports):
            self.reload(fit=self.span is None)
            self._start_scoring()

    def _start_scoring(self) -> None:
        ws = self.ws
        if ws is None or self.runner.is_busy("score"):
            return

        def score(progress):
            n = score_missing(ws, progress) if missing_count(ws) else 0
            rollup.ensure(ws, progress)  # the pre-aggregates catch up with the new scores
            return n

        def progress(done: float, total: float, message: str) -> None:
            self.score_label.setText("Scoring sentiment…")
            self.score_label.show()
            self.score_bar.show()
            self.score_bar.setValue(int(1000 * done / total) if total else 0)
            self.score_bar.setToolTip(message)

        def finished(n) -> None:
            self.score_label.hide()
            self.score_bar.hide()
            if n:
                self.statusBar().showMessage(f"Sentiment scored for {n:,} texts", 6000)
                self.reload(fit=False)

        def failed(message: str) -> None:
            self.score_label.hide()
            self.score_bar.hide()
            self._error(message)

        self.runner.submit(
            "score",
            score,
            on_result=finished,
            on_error=failed,
            on_progress=progress,
            on_cancelled=lambda: (self.score_label.hide(), self.score_bar.hide()),
        )

    # ---- drag and drop ----------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if len(paths) == 1 and paths[0].suffix == ".duckdb":
            self.open_workspace(paths[0])
        elif paths:
            self.start_import(paths)
        event.acceptProposedAction()

    # ---- misc ---------------------------------------------------------------------------------------
    def _error(self, message: str) -> None:
        """A background job failed: say so without stopping the user (the box is not modal)."""
        self.statusBar().showMessage(message, 10000)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Incident Timeline Explorer",
            message,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_error = message

    def about(self) -> None:
        import duckdb
        import pyqtgraph
        import PySide6
        from PySide6.QtCore import qVersion

        try:
            from importlib.metadata import version

            vader = version("vaderSentiment")
        except Exception:  # noqa: BLE001 - an About box must open regardless
            vader = "unknown"
        box = QMessageBox(self)
        box.setWindowTitle("About Incident Timeline Explorer")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            f"Incident Timeline Explorer {__version__}\n\n"
            "Rebuild how a social-media crisis unfolded: import the archive, read the posts at any "
            "moment, mark the turning points, export the post-mortem. Works offline.\n\n"
            f"Qt {qVersion()} (PySide6 {PySide6.__version__})\nDuckDB {duckdb.__version__}\n"
            f"pyqtgraph {pyqtgraph.__version__}\nvaderSentiment {vader}"
        )
        box.exec()

    def closeEvent(self, event) -> None:
        self.chronicle_panel.save_pending()
        self.settings.save_window(self)
        self.close_workspace()
        super().closeEvent(event)


def _utc_seconds(dt: datetime) -> float:
    """The core's times are naive UTC."""
    return dt.replace(tzinfo=timezone.utc).timestamp()
