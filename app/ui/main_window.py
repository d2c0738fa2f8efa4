"""The main window: builds the widgets, docks, menus and actions, and binds them to the session.

The window's state lives in :class:`app.ui.session.Session`, a Qt-free model that declares what
each view depends on. A user's action changes the session; for every view the change makes
stale, the window starts one query on a worker (:class:`TaskRunner`, each with its own DuckDB
cursor) and shows its answer only if the session still asks the same question. Writes
(turning points, tags, comments, the chronicle, saved views, settings) go through
:meth:`TaskRunner.write`, off the UI thread too. The cursor, while dragged or played, updates
the views at most every 60 ms (:class:`app.ui.session.Throttle`).

The layout is made for a 1280×800 laptop screen first: the window takes the available screen
(up to 1440×900), the timeline keeps at least 420 pixels of width, and the panels share the
right-hand side as tabs below the posts.
"""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTabBar,
    QToolBar,
    QVBoxLayout,
    QWhatsThis,
    QWidget,
)

from app import __version__
from app.core import annotations as notes
from app.core import (
    evidence,
    exports,
    metrics,
    overview,
    saved_views,
    sentiment,
    summary,
)
from app.core.errors import UserError
from app.core.facts import incident_facts
from app.core.metrics import PostFilter
from app.core.narrative import chronicle
from app.core.narrative.findings import suggestions
from app.core.pipeline import score_and_refresh
from app.core.sample import SAMPLE_NAME
from app.core.sentiment import labels
from app.core.sentiment.figures import percent
from app.core.store import Workspace
from app.ui import plain, theme
from app.ui.annotation_commands import AddAnnotation, DeleteAnnotation, EditAnnotation
from app.ui.annotation_dialog import AnnotationDialog
from app.ui.annotations_panel import AnnotationsPanel
from app.ui.chronicle_panel import ChroniclePanel
from app.ui.evidence_panel import EvidencePanel
from app.ui.facts_panel import FactsPanel, FactsView
from app.ui.filter_bar import FilterBar
from app.ui.help import ShortcutsDialog, Tour
from app.ui.posts_table import PAGE, PostDetail, PostsModel, PostsView, key_of
from app.ui.session import Session, Throttle
from app.ui.settings import AppSettings
from app.ui.suggestions_panel import KIND_COLOURS, SuggestionsPanel
from app.ui.summary_panel import SummaryPanel
from app.ui.tasks import TaskRunner
from app.ui.timeline.annotation_items import AnnotationLayer
from app.ui.timeline.plots import TimelineView
from app.ui.timeline.time_axis import format_duration, format_range, format_time
from app.ui.views_panel import ViewsPanel
from app.ui.widgets import WheelSafeComboBox

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
#: the window's size when the screen has room for it
PREFERRED_SIZE = QSize(1440, 900)
#: the share of the window's width the panels on the right take at first
PANELS_SHARE = 0.42
#: the order stale views are refreshed in (the cursor is drawn before anything is queried)
REFRESH_ORDER = (
    "cursor",
    "overview",
    "series",
    "posts",
    "post",
    "summary",
    "suggestions",
    "annotations",
    "chronicle",
    "evidence",
    "views",
)
#: views that cost seconds to compute: a burst of changes (turning points accepted one after
#: another) redraws them once, this long after the last change
SLOW_VIEWS_DELAY_MS = {"chronicle": 300, "suggestions": 300}
EMPTY_WORKSPACE = "This workspace holds no posts yet: File > Import files (Ctrl+I), or drop files here."
NO_WORKSPACE = "No workspace open: File > Open workspace (Ctrl+O), or File > New workspace (Ctrl+N)."


class MainWindow(QMainWindow):
    def __init__(self, settings: AppSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or AppSettings()
        self.runner = TaskRunner(self)
        self.session = Session()
        self.session.state.cursor_window = self.settings.cursor_window_minutes
        self.ws: Workspace | None = None
        self.incident_name = ""
        self.last_error: str | None = None
        self.last_export: tuple[str, int] | None = None
        self.annotations: list[notes.Annotation] = []
        self._dismissed: set[str] = set()
        self._summary_dirty = False
        self._play_clock: float | None = None
        self._pending_cursor: tuple[float, bool] | None = None
        self._laid_out = False
        self.tour: Tour | None = None
        self.throttle = Throttle()
        self._known_tags: list[tuple[str, int]] = []
        #: the filter whose numbers the plots show (the one in force once its answer came)
        self._shown_filter = PostFilter()
        self.setWindowTitle("Incident Timeline Explorer")
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.setDockOptions(
            QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )

        self._build_widgets()
        self._build_actions()
        self._build_toolbars()
        self._build_menus()
        self._build_status_bar()

        self._play_timer = QTimer(self, interval=PLAY_TICK_MS)
        self._play_timer.timeout.connect(self._play_tick)
        self._cursor_timer = QTimer(self, singleShot=True)
        self._cursor_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._cursor_timer.timeout.connect(self._flush_cursor)
        self._later: dict[str, QTimer] = {}
        for view, ms in SLOW_VIEWS_DELAY_MS.items():
            timer = QTimer(self, singleShot=True, interval=ms)
            timer.timeout.connect(lambda v=view: self._refresh_later(v))
            self._later[view] = timer
        self.session.subscribe(self._stale)
        self._size_to_screen()
        if self.settings.restore_window(self):
            self._laid_out = True
            self._fit_on_screen()
        self.apply_theme(self.settings.theme, save=False)
        self._set_enabled(False)

    # ---- what the session holds, under the names the window always had ----------------------
    @property
    def cursor_t(self) -> float | None:
        return self.session.cursor

    @property
    def filter(self) -> PostFilter:
        return self.session.filter

    @property
    def span(self) -> tuple[float, float] | None:
        return self.session.span

    @property
    def bin_seconds(self) -> int:
        return self.session.bin_seconds

    @property
    def sort(self) -> tuple[str, bool]:
        return self.session.sort

    @property
    def suggestions(self) -> list:
        return self.session.suggestions

    # ---- building ----------------------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget, whats_this: str = "") -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        if whats_this:
            widget.setWhatsThis(whats_this)
        return dock

    def _build_widgets(self) -> None:
        self.timeline = TimelineView()
        self.timeline.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCentralWidget(self.timeline)
        self.timeline.range_settled.connect(self._range_settled)
        self.timeline.cursor_moved.connect(lambda t, dragging: self.set_cursor(t, dragging=dragging))
        self.layer = AnnotationLayer(self.timeline)
        self.layer.moved.connect(self._annotation_moved)
        self.layer.activated.connect(self.edit_annotation)
        self.layer.selected.connect(self._annotation_clicked)
        self.layer.suggestion_clicked.connect(self._suggestion_clicked)

        self.filter_bar = FilterBar()
        self.filter_bar.changed.connect(self._filter_changed)
        self.filter_bar.pending_changed.connect(lambda _p: self._show_filter_status())

        self.posts_model = PostsModel(self)
        self.posts_model.more_wanted.connect(self._fetch_more_posts)
        self.posts_view = PostsView(self.posts_model)
        self.posts_view.sort_requested.connect(self._sort_requested)
        self.posts_view.selectionModel().currentRowChanged.connect(self._post_selected)
        self.posts_view.attach_requested.connect(
            lambda ann_id: self.attach_posts(ann_id, self.posts_view.selected_keys())
        )
        self.posts_view.untag_requested.connect(self.untag_posts)
        self.posts_view.filter_requested.connect(
            lambda kind, handle: self.filter_bar.narrow(author=handle, author_spread=kind == "spread")
        )
        self.posts_view.turning_points = lambda: self.annotations
        self.post_detail = PostDetail()
        self.posts_heading = plain.label("No workspace open")
        self.posts_heading.setContentsMargins(6, 2, 6, 2)
        posts_box = QWidget()
        posts_box.setMinimumWidth(320)
        box_layout = QVBoxLayout(posts_box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.setSpacing(2)
        box_layout.addWidget(self.posts_heading)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.posts_view)
        splitter.addWidget(self.post_detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        box_layout.addWidget(splitter, 1)
        self.posts_dock = self._dock(
            "Posts at the cursor",
            "posts-dock",
            posts_box,
            "The posts posted around the cursor's time (± the window chosen in the toolbar), with "
            "the filter applied. Click a column heading to rank them; select one to read it whole. "
            "S stars the selected posts, T tags them, C comments; right-click for more.",
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.posts_dock)

        self.undo_stack = QUndoStack(self)
        self.notes_panel = AnnotationsPanel()
        self.notes_panel.jump_to.connect(self._jump)
        self.notes_panel.edit_requested.connect(self.edit_annotation)
        self.notes_panel.delete_requested.connect(self.delete_annotation)
        self.notes_panel.add_point_requested.connect(self.add_point)
        self.notes_panel.add_range_requested.connect(self.add_range)
        self.notes_panel.export_requested.connect(self.export_annotations)
        self.notes_panel.import_requested.connect(self.import_annotations)
        self.notes_panel.selection_changed.connect(self._annotation_selected)
        self.notes_panel.detach_requested.connect(self.detach_posts)
        self.notes_dock = self._dock("Turning points", "turning-points-dock", self.notes_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.notes_dock)
        self.splitDockWidget(self.posts_dock, self.notes_dock, Qt.Orientation.Vertical)

        self.suggestions_panel = SuggestionsPanel()
        self.suggestions_panel.jump_to.connect(self._jump)
        self.suggestions_panel.accept_requested.connect(self.accept_suggestion)
        self.suggestions_panel.dismiss_requested.connect(self.dismiss_suggestion)
        self.suggestions_panel.restore_requested.connect(self.restore_suggestion)
        self.suggestions_panel.posts_wanted.connect(self._fetch_suggestion_posts)
        self.suggestions_dock = self._dock("Suggestions", "suggestions-dock", self.suggestions_panel)
        self.chronicle_panel = ChroniclePanel()
        self.chronicle_panel.save_requested.connect(self._save_chronicle)
        self.chronicle_panel.reset_requested.connect(self._reset_chronicle)
        self.chronicle_panel.jump_to.connect(self._jump)
        self.chronicle_panel.redraft_requested.connect(self.refresh_chronicle)
        self.chronicle_dock = self._dock("Chronicle", "chronicle-dock", self.chronicle_panel)
        self.facts_panel = FactsPanel()
        self.facts_dock = self._dock("The incident", "facts-dock", self.facts_panel)
        self.evidence_panel = EvidencePanel()
        self.evidence_panel.jump_to.connect(self._jump)
        self.evidence_panel.turning_points = lambda: self.annotations
        self.evidence_panel.attach_requested.connect(self.attach_posts)
        self.evidence_panel.comment_requested.connect(self.comment_post)
        self.evidence_panel.untag_requested.connect(self.untag_posts)
        self.evidence_panel.filter_requested.connect(lambda tag: self.filter_bar.narrow(tag=tag))
        self.evidence_dock = self._dock("Evidence", "evidence-dock", self.evidence_panel)
        self.summary_panel = SummaryPanel()
        self.summary_panel.narrow_requested.connect(self._narrow_from_summary)
        self.summary_dock = self._dock("In view", "summary-dock", self.summary_panel)
        self.summary_dock.visibilityChanged.connect(self._summary_visibility)
        self.views_panel = ViewsPanel()
        self.views_panel.apply_requested.connect(self.apply_view)
        self.views_panel.save_requested.connect(self.save_view)
        self.views_panel.rename_requested.connect(self.rename_view)
        self.views_panel.delete_requested.connect(self.delete_view)
        self.views_dock = self._dock("Saved views", "views-dock", self.views_panel)
        previous = self.notes_dock
        for dock in (
            self.facts_dock,
            self.suggestions_dock,
            self.chronicle_dock,
            self.evidence_dock,
            self.summary_dock,
            self.views_dock,
        ):
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            self.tabifyDockWidget(previous, dock)
            previous = dock
        self.notes_dock.raise_()
        self.docks = (
            self.posts_dock,
            self.notes_dock,
            self.facts_dock,
            self.suggestions_dock,
            self.chronicle_dock,
            self.evidence_dock,
            self.summary_dock,
            self.views_dock,
        )

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
        self.act_next_tp = A(
            "&Next turning point",
            lambda: self.jump_turning_point(1),
            "]",
            "Move the cursor to the next turning point",
        )
        self.act_prev_tp = A(
            "Pre&vious turning point",
            lambda: self.jump_turning_point(-1),
            "[",
            "Move the cursor to the previous turning point",
        )
        self.act_about = A("&About Incident Timeline Explorer", self.about)
        self.act_shortcuts = A("&Keyboard shortcuts", self.show_shortcuts, "F1", "Every key the window knows")
        self.act_whats_this = QWhatsThis.createAction(self)
        self.act_whats_this.setText("&What's this?")
        self.act_tour = A("Take the &tour", self.start_tour, None, "A short tour of the window")
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
        self.act_mark_range = A(
            "Mark a &stretch of time…",
            self.add_range,
            "Shift+M",
            "Add a turning point spanning time around the cursor",
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
        self.act_press = A(
            "&Press list…",
            self.edit_press_list,
            None,
            "The news organisations counted as press pickup in this workspace",
        )
        self.act_label = A(
            "Check the &sentiment by hand…",
            self.check_sentiment,
            None,
            "Label a sample of posts and see how far VADER agrees",
        )
        # evidence: on the posts selected in the table
        self.act_star = A(
            "&Star or unstar the selected posts", self.star_selected, "S", "Mark the selected posts ★"
        )
        self.act_tag = A(
            "&Tag the selected posts…", self.tag_selected, "T", "Put a tag of your own on the selected posts"
        )
        self.act_comment = A(
            "&Comment on the selected post…", self.comment_selected, "C", "Keep a note with the selected post"
        )
        self.act_attach = A(
            "&Attach the selected posts to the selected turning point",
            self.attach_selected,
            "A",
            "Make the selected posts evidence of the turning point selected in the Turning points tab",
        )
        self.posts_view.evidence_actions = [self.act_star, self.act_tag, self.act_comment]
        self.act_save_view = A(
            "Save this &view…", self.save_view, "Ctrl+D", "Keep the filter, range and cursor by name"
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
        self.speed = WheelSafeComboBox()
        self.speed.setObjectName("speed")
        self.speed.setToolTip("How fast Play replays the incident")
        for seconds, label in SPEEDS:
            self.speed.addItem(label, seconds)
        self.speed.setCurrentIndex(max(0, self.speed.findData(int(self.settings.playback_speed))))
        self.speed.currentIndexChanged.connect(self._speed_changed)
        bar.addWidget(self.speed)
        bar.addSeparator()
        bar.addWidget(plain.label(" Posts within "))
        self.window_box: QComboBox = WheelSafeComboBox()
        self.window_box.setObjectName("cursor-window")
        self.window_box.setToolTip("Which posts the table lists: those this close to the cursor")
        for minutes in WINDOWS_MIN:
            self.window_box.addItem(f"± {format_duration(minutes * 60)}", minutes)
        self.window_box.setCurrentIndex(max(0, self.window_box.findData(self.settings.cursor_window_minutes)))
        self.window_box.currentIndexChanged.connect(self._window_changed)
        bar.addWidget(self.window_box)
        bar.addWidget(plain.label(" of the cursor  "))
        self.time_label = plain.label("")
        self.time_label.setObjectName("cursor-time")
        f = self.time_label.font()
        f.setPointSizeF(f.pointSizeF() * 1.1)
        f.setBold(True)
        self.time_label.setFont(f)
        bar.addWidget(self.time_label)
        self.main_toolbar = bar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.addToolBarBreak()
        filters = QToolBar("Filters", self)
        filters.setObjectName("filter-toolbar")
        filters.setMovable(False)
        for part in self.filter_bar.widgets():
            action = filters.addWidget(part)
            if part is self.filter_bar.domain_chip:
                self.filter_bar.domain_action = action  # shown only with a domain filter
                action.setVisible(False)
        self.filter_bar.hide()  # its parts live in the toolbar
        self.filter_toolbar = filters
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
        m.addAction(self.act_save_view)
        m.addSeparator()
        for dock in self.docks:
            m.addAction(dock.toggleViewAction())
        m.addSeparator()
        themes = m.addMenu("&Theme")
        self.theme_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        for name in theme.THEMES:
            a = themes.addAction(theme.THEME_NAMES[name])
            a.setCheckable(True)
            a.triggered.connect(lambda _=False, n=name: self.apply_theme(n))
            group.addAction(a)
            self.theme_actions[name] = a
        m = self.menuBar().addMenu("E&vidence")
        m.addAction(self.act_star)
        m.addAction(self.act_tag)
        m.addAction(self.act_comment)
        m.addAction(self.act_attach)
        m = self.menuBar().addMenu("&Turning points")
        m.addAction(self.act_mark)
        m.addAction(self.act_mark_range)
        m.addAction(self.act_prev_tp)
        m.addAction(self.act_next_tp)
        m.addSeparator()
        m.addAction(self.act_rule)
        m.addAction(self.act_press)
        m.addAction(self.act_label)
        m.addAction(self.act_human)
        m = self.menuBar().addMenu("&Playback")
        m.addAction(self.act_play)
        m.addAction(self.act_back)
        m.addAction(self.act_fwd)
        m.addAction(self.act_back10)
        m.addAction(self.act_fwd10)
        m = self.menuBar().addMenu("&Help")
        m.addAction(self.act_shortcuts)
        m.addAction(self.act_whats_this)
        m.addAction(self.act_tour)
        m.addSeparator()
        m.addAction(self.act_about)
        for a in (
            self.act_mark,
            self.act_mark_range,
            self.act_star,
            self.act_tag,
            self.act_comment,
            self.act_attach,
            self.act_next_tp,
            self.act_prev_tp,
            self.act_save_view,
            self.act_shortcuts,
        ):
            self.addAction(a)  # their keys work wherever the focus is (but in a text box)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.status_posts = plain.label("")
        self.status_range = plain.label("")
        self.status_filter = plain.label("")
        self.status_filter.setObjectName("status-filter")
        sb.addWidget(self.status_posts)
        sb.addWidget(self.status_range)
        sb.addWidget(self.status_filter, 1)
        self.score_label = plain.label("")
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
            self.act_star,
            self.act_tag,
            self.act_comment,
            self.act_attach,
            self.act_next_tp,
            self.act_prev_tp,
            self.act_save_view,
        ):
            a.setEnabled(enabled)
        self.filter_bar.set_enabled(enabled)
        for w in (
            self.notes_panel,
            self.suggestions_panel,
            self.chronicle_panel,
            self.evidence_panel,
            self.summary_panel,
            self.views_panel,
        ):
            w.setEnabled(enabled)

    # ---- size and look --------------------------------------------------------------------------
    def _available(self):
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else None

    def _size_to_screen(self) -> None:
        """First run: as large as preferred, but never larger than the screen (a 1280×800
        laptop gets the whole screen, with the status bar and the tabs on it)."""
        avail = self._available()
        if avail is None:
            self.resize(PREFERRED_SIZE)
            return
        # the title bar and frame are added by the window manager: keep room for them
        w = min(PREFERRED_SIZE.width(), avail.width())
        h = min(PREFERRED_SIZE.height(), avail.height() - 32)
        self.resize(w, h)
        self.move(avail.x() + (avail.width() - w) // 2, avail.y() + max(0, (avail.height() - h - 32) // 2))

    def _fit_on_screen(self) -> None:
        """A saved size from a larger screen is brought back onto this one."""
        avail = self._available()
        if avail is None:
            return
        frame = self.frameGeometry()
        if frame.width() > avail.width() or frame.height() > avail.height() or not avail.intersects(frame):
            self._size_to_screen()

    def childEvent(self, event) -> None:
        super().childEvent(event)
        if event.polished() and isinstance(event.child(), QTabBar):
            # the tab bar of tabified panels is made by Qt when they are laid out (and again
            # when the user moves them): set it up once it is whole (polished, not just added)
            QTimer.singleShot(0, self._whole_tab_names)

    def _whole_tab_names(self) -> None:
        """Panels' tabs show their whole names, with scroll arrows when they do not fit: at
        1280 wide seven names cut to "In …" and "Evid…" said nothing."""
        for bar in self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
            bar.setElideMode(Qt.TextElideMode.ElideNone)
            bar.setUsesScrollButtons(True)
            bar.setExpanding(False)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._laid_out:
            self._laid_out = True
            QTimer.singleShot(0, self.lay_out_panels)

    def lay_out_panels(self) -> None:
        """The panels take about two fifths of the width, the posts above the tabs."""
        width = max(800, self.width())
        self.resizeDocks([self.posts_dock], [int(width * PANELS_SHARE)], Qt.Orientation.Horizontal)
        height = max(500, self.height())
        self.resizeDocks(
            [self.posts_dock, self.notes_dock],
            [int(height * 0.5), int(height * 0.4)],
            Qt.Orientation.Vertical,
        )

    def apply_theme(self, name: str, save: bool = True) -> None:
        colours = theme.apply(name)
        self.timeline.apply_theme(colours)
        self.layer.set_label_fill(colours.label_fill)
        if name in self.theme_actions:
            self.theme_actions[name].setChecked(True)
        if save:
            self.settings.theme = name

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
            plain.warn(
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
            plain.warn(self, "Cannot open workspace", str(exc))
            return False
        self.ws = ws
        # the settings the views need are read once here, not at every move of the cursor
        zone, self.incident_name = ws.timezone, ws.incident_name
        self.settings.add_recent(path)
        self.settings.set_value(LAST_FOLDER, str(Path(path).parent))
        self.setWindowTitle(f"{self.incident_name} — Incident Timeline Explorer")
        self._set_zone(zone)
        self._set_enabled(True)
        self.posts_heading.setText("Reading the workspace…")
        self.session.open(Path(path), zone)
        self._start_scoring()
        return True

    def _set_zone(self, zone: str) -> None:
        self.timeline.set_zone(zone)
        self.posts_model.set_zone(zone)
        self.notes_panel.set_zone(zone)
        self.suggestions_panel.set_zone(zone)
        self.evidence_panel.set_zone(zone)
        self.views_panel.set_zone(zone)

    def close_workspace(self) -> None:
        self.chronicle_panel.save_pending()
        self.stop()
        self._cursor_timer.stop()
        self._pending_cursor = None
        if self.ws is not None and self.session.workspace is not None:
            lo, hi = self.timeline.visible_range()
            self.settings.save_place(
                self.session.workspace, self.session.cursor, (lo, hi) if self.session.span else None
            )
        for timer in self._later.values():
            timer.stop()
        self.runner.wait_all()
        if self.ws is not None:
            self.ws.close()
            self.ws = None
        if self.tour is not None:
            self.tour.hide()
        self.undo_stack.clear()
        self.annotations = []
        self._dismissed = set()
        self.session.open(None)
        self.setWindowTitle("Incident Timeline Explorer")
        self.timeline.set_empty(NO_WORKSPACE)
        self.layer.set_annotations([])
        self.layer.set_suggestions([], KIND_COLOURS)
        self.layer.set_alert(None)
        self.notes_panel.set_annotations([])
        self.notes_panel.show_attached(None, [])
        self.suggestions_panel.set_suggestions([], set(), set())
        self.chronicle_panel.set_paragraphs([], lambda p: "")
        self.evidence_panel.set_posts([], [])
        self.summary_panel.clear()
        self.views_panel.set_views([])
        self.posts_model.set_rows([])
        self.post_detail.show_post(None, None, "")
        self.posts_heading.setText("No workspace open")
        for label in (self.status_posts, self.status_range, self.status_filter):
            label.setText("")
        self.time_label.setText("")
        self._set_enabled(False)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_workspaces()
        if not recent:
            a = self.recent_menu.addAction("No recent workspaces")
            a.setEnabled(False)
        for path in recent:
            a = self.recent_menu.addAction(path.name.replace("&", "&&"))
            a.setToolTip(plain.tooltip(str(path)))
            a.triggered.connect(lambda _=False, p=path: self.open_workspace(p))

    def edit_settings(self) -> None:
        if self.ws is None:
            return
        from app.ui.workspace_settings_dialog import WorkspaceSettingsDialog

        dialog = WorkspaceSettingsDialog(self.ws, self, runner=self.runner)
        dialog.changed.connect(self._settings_changed)
        dialog.exec()

    def _settings_changed(self) -> None:
        ws = self.ws
        if ws is None:
            return
        zone, self.incident_name = ws.timezone, ws.incident_name
        self.setWindowTitle(f"{self.incident_name} — Incident Timeline Explorer")
        self._set_zone(zone)
        with self.session.batch():
            self.session.set(zone=zone)
            self.session.bump("data")  # brand accounts change the rollups and the filters

    # ---- the session: which views are stale, and refreshing them --------------------------------
    def _stale(self, views: set[str], _changed: set[str]) -> None:
        if self.ws is None:
            return
        for view in REFRESH_ORDER:
            if view not in views:
                continue
            if view in SLOW_VIEWS_DELAY_MS:
                self._later[view].start()
            else:
                getattr(self, f"_refresh_{view}")()

    def _refresh_later(self, view: str) -> None:
        if self.ws is not None:
            getattr(self, f"_refresh_{view}")()

    def is_idle(self) -> bool:
        """Nothing running nor waiting to run: every view shows the session's state."""
        return (
            not self.runner.busy_kinds()
            and not self.timeline.is_settling()
            and not self._cursor_timer.isActive()
            and not any(t.isActive() for t in self._later.values())
        )

    def _submit(self, kind: str, view: str, work, done, **kwargs):
        """Run ``work(progress, con)`` for ``view``; ``done(result)`` only if the session
        still asks what the query answered."""
        ws = self.ws
        key = self.session.key(view)

        def run(progress):
            return work(progress, progress.cursor(ws))

        def finished(result) -> None:
            if self.ws is ws and self.session.is_current(view, key):
                done(result)

        return self.runner.submit(kind, run, on_result=finished, on_error=self._error, **kwargs)

    def _refresh_cursor(self) -> None:
        t = self.session.cursor
        if t is None or self.session.span is None:
            self.timeline.set_cursor(None)
            self.time_label.setText("")
            return
        label = format_time(t, self.session.zone)
        self.time_label.setText(label)
        self.timeline.set_cursor(t, label)

    def _refresh_overview(self) -> None:
        ws, flt = self.ws, self.session.filter

        def load(progress, con):
            span = metrics.incident_span(ws, con=con)
            if span is None:
                return None
            first, last = span
            bin_s = metrics.choose_bin(last - first, OVERVIEW_PIXELS, min_px_per_bin=2)
            whole = metrics.binned_series(ws, first, last + 1, bin_s, flt, con=con)
            return span, whole, overview.languages(ws, con=con)

        self._submit("load", "overview", load, self._overview_loaded)

    def _overview_loaded(self, result) -> None:
        if result is None:
            self.session.span = None
            self.timeline.set_empty(EMPTY_WORKSPACE)
            self.posts_heading.setText(EMPTY_WORKSPACE)
            self.status_posts.setText("No posts")
            self.status_range.setText("")
            self.posts_model.set_rows([])
            return
        span, whole, langs = result
        first_load = self.session.span is None
        self.session.span = span
        self.timeline.set_span(*span)
        self.timeline.set_overview(whole)
        self.filter_bar.set_languages(langs)
        if not first_load:
            return
        cursor, view = self.settings.place(self.session.workspace) if self.session.workspace else (None, None)
        lo, hi = self.timeline.span or span
        if view is not None and lo <= view[0] < view[1] <= hi:
            self.timeline.set_range(*view)
        else:
            self.timeline.fit_all()
        if self.session.range is None:
            self._range_settled(*self.timeline.visible_range(), self.timeline.plot_width())
        t = cursor if cursor is not None and span[0] <= cursor <= span[1] else span[0]
        self.set_cursor(t)
        self._refresh_cursor()
        self._maybe_start_tour()

    def _range_settled(self, start: float, end: float, pixels: int) -> None:
        if self.ws is None or self.session.span is None:
            return
        self.session.set(range=(float(start), float(end), int(pixels)))

    def _refresh_series(self) -> None:
        rng = self.session.range
        if rng is None or self.session.span is None:
            return
        ws, flt, human = self.ws, self.session.filter, self.session.human_labels
        start, end, pixels = rng
        bin_s = metrics.choose_bin(end - start, pixels)
        self.status_range.setText(
            f" ·  {format_range(start, end, self.session.zone)}  ·  {format_duration(bin_s)} bins"
        )

        def query(progress, con):
            series = metrics.binned_series(ws, start, end, bin_s, flt, con=con)
            # the team's labels calibrate the shares (drawn over VADER's)
            check = sentiment.label_check(ws, con)
            calibrated = sentiment.calibrated_series(series, check.calibration)
            if human:
                series = labels.with_human_labels(ws, series, flt, con=con)
            return series, calibrated, check

        def done(result) -> None:
            series, calibrated, check = result
            self.session.bin_seconds = series.bin_seconds
            self.timeline.set_series(series)
            note = getattr(check.calibration, "reason", "")
            coverage = sentiment.Coverage.of_bins(series)
            tip = f"{coverage.describe()} (posts in view)\n\n{sentiment.blind_spot(check.agreement)}"
            self.timeline.set_calibrated(calibrated, note, tip, check.calibration.labels)
            self.layer.relayout_labels()
            total = int(series.total.sum())
            scored = f", sentiment on {percent(coverage.scored, total)} (English only)" if total else ""
            unknown = int(series.unknown_reach.sum())
            reach = f"; {unknown:,} with unknown followers, left out of reach" if unknown else ""
            self.status_posts.setText(f"{total:,} posts in view{scored}{reach}")
            self._shown_filter = flt
            self._show_filter_status()

        self._submit("series", "series", query, done)

    def _show_filter_status(self) -> None:
        """The filter whose numbers the plots show; "applying" while another is on its way."""
        shown = self._shown_filter
        text = (" ·  Filter: " + shown.describe()) if not shown.is_empty() else ""
        if self.filter_bar.pending or shown != self.session.filter:
            text += "  (applying the new filter…)"
        self.status_filter.setText(text)

    def _filter_changed(self, flt: PostFilter) -> None:
        self.session.set(filter=flt)
        self._show_filter_status()

    def _sort_requested(self, key: str, descending: bool) -> None:
        self.session.set(sort=(key, descending))

    def _window_changed(self) -> None:
        minutes = int(self.window_box.currentData())
        self.settings.cursor_window_minutes = minutes
        self.session.set(cursor_window=minutes)

    def _speed_changed(self) -> None:
        self.settings.playback_speed = float(self.speed.currentData())

    def _human_labels_toggled(self) -> None:
        on = self.act_human.isChecked()
        self.statusBar().showMessage(
            "Sentiment shares now count your hand labels over VADER's"
            if on
            else "Sentiment shares are VADER's again",
            6000,
        )
        self.session.set(human_labels=on)

    # ---- the posts table ----------------------------------------------------------------------
    def _posts_query(self, offset: int):
        ws, t = self.ws, self.session.posts_at
        half = int(self.session.cursor_window) * 60
        flt, (sort, descending) = self.session.filter, self.session.sort

        def query(progress, con):
            rows, total = metrics.posts_around(
                ws, t, half, flt, sort=sort, descending=descending, limit=PAGE, offset=offset, con=con
            )
            keys = [key_of(r) for r in rows]
            return rows, total, evidence.tags_of(ws, keys, con=con), evidence.comments_of(ws, keys, con=con)

        return query

    def _refresh_posts(self) -> None:
        if self.session.posts_at is None:
            return
        key = self.session.key("posts")
        half = int(self.session.cursor_window) * 60

        def done(result) -> None:
            rows, total, tags, comments = result
            self.posts_model.set_rows(rows, total, key)
            self.posts_model.set_evidence(tags, comments)
            shown = self.post_detail.row
            if shown is not None and all(key_of(r) != key_of(shown) for r in rows):
                self.post_detail.show_post(None, None, "")  # the post read before is no longer listed
            elif shown is not None:
                self._show_detail(shown)
            self.posts_heading.setText(
                f"{total:,} post{'s' if total != 1 else ''} within ± {format_duration(half)} of the cursor"
            )

        self._submit("posts", "posts", self._posts_query(0), done)

    def _fetch_more_posts(self, offset: int) -> None:
        if self.ws is None or self.session.posts_at is None:
            return
        key = self.session.key("posts")

        def done(result) -> None:
            rows, _total, tags, comments = result
            self.posts_model.append_rows(rows, key, offset)
            self.posts_model.set_evidence(
                {**self.posts_model.tags, **tags}, {**self.posts_model.comments, **comments}
            )

        self._submit("posts-more", "posts", self._posts_query(offset), done)

    def _post_selected(self, current, _previous=None) -> None:
        if not current.isValid() or current.row() >= len(self.posts_model.rows) or self.ws is None:
            return
        row = self.posts_model.rows[current.row()]
        # the cursor goes to the post, and the table stays as it is
        self.set_cursor(_utc_seconds(row.created_at), query=False)
        self.session.set(selection=key_of(row))
        self._show_detail(row)
        if row.ref_post_id:
            ws = self.ws
            self.runner.submit(
                "original",
                lambda p: metrics.original_of(ws, row, con=p.cursor(ws)),
                on_result=lambda original: (
                    self._show_detail(row, original) if self.post_detail.row is row else None
                ),
            )

    def _show_detail(self, row, original=None) -> None:
        when = format_time(_utc_seconds(row.created_at), self.session.zone, seconds=True)
        key = key_of(row)
        self.post_detail.show_post(
            row, original, when, self.posts_model.tags.get(key, ()), self.posts_model.comments.get(key, "")
        )

    def _refresh_post(self) -> None:
        """The post being read keeps its pane (its tags may have changed)."""
        row = self.post_detail.row
        if row is not None and self.session.selection == key_of(row):
            self._show_detail(row)

    # ---- the summary panels ---------------------------------------------------------------------
    def _summary_visibility(self, visible: bool) -> None:
        if visible and self._summary_dirty:
            self._refresh_summary()

    def _refresh_summary(self) -> None:
        rng = self.session.range
        if rng is None or self.session.span is None:
            return
        if not self.summary_dock.isVisible():
            self._summary_dirty = True  # counted when the tab is looked at
            return
        self._summary_dirty = False
        ws, flt = self.ws, self.session.filter
        start, end, _px = rng
        what = format_range(start, end, self.session.zone) + (
            f"; {flt.describe()}" if not flt.is_empty() else ""
        )
        self._submit(
            "summary",
            "summary",
            lambda p, con: summary.summarise(ws, start, end, flt, con=con),
            lambda s: self.summary_panel.set_summary(s, what),
        )

    def _narrow_from_summary(self, what: str, key: str, label: str) -> None:
        self.filter_bar.set_filter(summary.filter_for(self.filter_bar.in_force(), what, key, label))

    # ---- the cursor ---------------------------------------------------------------------------
    def set_cursor(self, t: float, query: bool = True, dragging: bool = False) -> None:
        """Put the cursor at ``t`` (the table follows unless ``query`` is False). While the
        user drags it (or it plays), at most one update goes every 60 ms; the last one always
        goes."""
        if self.session.span is not None:
            t = min(max(t, self.session.span[0]), self.session.span[1])
        if dragging and not self.throttle.offer():
            self._pending_cursor = (t, query)
            if not self._cursor_timer.isActive():
                self._cursor_timer.start(max(1, int(self.throttle.wait() * 1000)))
            return
        self._cursor_timer.stop()
        self._pending_cursor = None
        with self.session.batch():
            self.session.set(cursor=t)
            if query:
                self.session.set(posts_at=t)

    def _flush_cursor(self) -> None:
        if self._pending_cursor is not None:
            t, query = self._pending_cursor
            self.throttle.mark()
            self._pending_cursor = None
            self.set_cursor(t, query)

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

    def _jump(self, t: float) -> None:
        self.set_cursor(t)
        self._keep_cursor_visible()

    def jump_turning_point(self, direction: int) -> None:
        """To the next (1) or previous (-1) turning point from the cursor, oldest first."""
        if self.cursor_t is None or not self.annotations:
            return
        times = sorted(a.starts_at for a in self.annotations)
        t = self.cursor_t
        if direction > 0:
            later = [x for x in times if x > t + 0.5]
            target = later[0] if later else None
        else:
            earlier = [x for x in times if x < t - 0.5]
            target = earlier[-1] if earlier else None
        if target is None:
            self.statusBar().showMessage(
                "No turning point after the cursor"
                if direction > 0
                else "No turning point before the cursor",
                4000,
            )
            return
        self._jump(target)
        a = next(a for a in self.annotations if a.starts_at == target)
        self.notes_panel.select(a.id)

    # ---- playback -----------------------------------------------------------------------------
    def toggle_play(self) -> None:
        if self._play_timer.isActive():
            self.stop()
        else:
            self.play()

    def play(self) -> None:
        if self.session.span is None:
            return
        if self.cursor_t is None or self.cursor_t >= self.session.span[1]:
            self.set_cursor(self.session.span[0])
        self._play_clock = time.monotonic()
        self._play_timer.start()
        self.act_play.setChecked(True)
        self.act_play.setText("&Pause")

    def stop(self) -> None:
        if self._play_timer.isActive() and self._pending_cursor is not None:
            self._flush_cursor()
        self._play_timer.stop()
        self.act_play.setChecked(False)
        self.act_play.setText("&Play")

    def _play_tick(self) -> None:
        if self.session.span is None or self.cursor_t is None:
            self.stop()
            return
        now = time.monotonic()
        elapsed = now - (self._play_clock or now)
        self._play_clock = now
        base = self._pending_cursor[0] if self._pending_cursor else self.cursor_t
        t = base + elapsed * float(self.speed.currentData())
        if t >= self.session.span[1]:
            self.set_cursor(self.session.span[1])
            self.stop()
            return
        self.set_cursor(t, dragging=True)
        self._keep_cursor_visible()

    # ---- turning points ---------------------------------------------------------------------------
    def _write(self, fn, done=None) -> None:
        """A change to the workspace, off the UI thread, after those asked before it."""
        self.runner.write(
            lambda _p: fn(), on_result=lambda _r: done() if done else None, on_error=self._error
        )

    def _changed(self) -> None:
        """After an undoable change: the turning points (and the chronicle) are read again."""
        self.session.bump("annotations")

    def _refresh_annotations(self) -> None:
        ws = self.ws

        def done(annotations) -> None:
            self.annotations = annotations
            self.layer.set_annotations(annotations)
            self.notes_panel.set_annotations(annotations)
            self._show_suggestions()
            self._annotation_selected(self.notes_panel.selected_id())

        self._submit("annotations", "annotations", lambda p, con: notes.list_annotations(ws, con=con), done)

    def refresh_annotations(self) -> None:
        self.session.bump("annotations")

    def _new_annotation(self, start: float, end: float | None) -> notes.Annotation:
        return notes.Annotation(
            id=None, starts_at=start, ends_at=end, category="other", colour=notes.DEFAULT_COLOURS["other"]
        )

    def add_point(self) -> None:
        if self.ws is None or self.cursor_t is None:
            return
        self._add_with_dialog(self._new_annotation(float(round(self.cursor_t)), None))

    def add_range(self) -> None:
        """A stretch around the cursor on whole bins (a bin before, two after, at least an
        hour's worth): times a reader can say, not odd seconds."""
        if self.ws is None or self.cursor_t is None:
            return
        step = max(60, int(self.bin_seconds))
        start = (int(self.cursor_t) // step) * step
        length = max(2 * step, ((3600 + step - 1) // step) * step)
        start -= step if length > step else 0
        self._add_with_dialog(self._new_annotation(float(start), float(start + length)))

    def _add_with_dialog(self, draft: notes.Annotation) -> None:
        dialog = AnnotationDialog(draft, self.session.zone, self, "New turning point")
        if dialog.exec() and dialog.result_annotation() is not None:
            self._push(AddAnnotation(self.ws, dialog.result_annotation(), self._write, self._changed))

    def _push(self, command) -> None:
        for a in (getattr(command, "annotation", None), getattr(command, "after", None)):
            if a is not None:
                try:
                    notes.check(a)  # what the write would refuse is said now, before it is queued
                except UserError as exc:
                    self._error(str(exc))
                    return
        self.undo_stack.push(command)

    def _find(self, ann_id: int) -> notes.Annotation | None:
        return next((a for a in self.annotations if a.id == ann_id), None)

    def edit_annotation(self, ann_id: int) -> None:
        before = self._find(ann_id)
        if before is None or self.ws is None:
            return
        dialog = AnnotationDialog(before, self.session.zone, self, "Edit turning point")
        if dialog.exec() and dialog.result_annotation() is not None and dialog.result_annotation() != before:
            self._push(
                EditAnnotation(self.ws, before, dialog.result_annotation(), self._write, self._changed)
            )

    def delete_annotation(self, ann_id: int) -> None:
        a = self._find(ann_id)
        if a is not None and self.ws is not None:
            self._push(DeleteAnnotation(self.ws, a, self._write, self._changed))

    def _annotation_moved(self, ann_id: int, start: float, end) -> None:
        before = self._find(ann_id)
        if before is None or self.ws is None:
            return
        after = replace(before, starts_at=start, ends_at=end if before.ends_at is not None else None)
        self._push(
            EditAnnotation(self.ws, before, after, self._write, self._changed, f"Move “{before.label}”")
        )

    def _annotation_clicked(self, ann_id: int) -> None:
        a = self._find(ann_id)
        if a is not None:
            self.notes_panel.select(ann_id)
            self.set_cursor(a.starts_at)

    def _annotation_selected(self, ann_id) -> None:
        """The posts attached to the turning point selected in the list."""
        ws = self.ws
        if ws is None or ann_id is None:
            self.notes_panel.show_attached(None, [])
            return
        self.runner.submit(
            "attached",
            lambda p: evidence.attached_posts(ws, ann_id, con=p.cursor(ws)),
            on_result=lambda posts: (
                self.notes_panel.show_attached(ann_id, posts)
                if self.notes_panel.selected_id() == ann_id
                else None
            ),
            on_error=self._error,
        )

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
                notes.export_json(self.ws, path, force=True)  # the save dialog asked
            else:
                notes.export_csv(self.ws, path, force=True)
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
        ws = self.ws

        def done(summary_) -> None:
            self.undo_stack.clear()  # a merge is not undoable step by step
            self.session.bump("annotations")
            problems = (
                f"; {len(summary_.problems)} rows skipped: " + "; ".join(summary_.problems[:3])
                if summary_.problems
                else ""
            )
            plain.inform(
                self,
                "Turning points imported",
                f"{summary_.added} added, {summary_.updated} updated, {summary_.skipped} already here{problems}.",
            )

        self.runner.write(
            lambda _p: notes.import_file(ws, path),
            on_result=done,
            on_error=lambda m: self._error(f"The turning points could not be imported: {m}"),
        )

    # ---- suggestions ------------------------------------------------------------------------------
    def _refresh_suggestions(self) -> None:
        ws = self.ws

        def work(progress, con):
            return suggestions(ws, con=con, progress=progress), notes.dismissed_keys(ws, con=con)

        def done(result) -> None:
            self.session.suggestions, self._dismissed = result
            self._show_suggestions()

        self._submit("suggest", "suggestions", work, done)

    def refresh_suggestions(self) -> None:
        self.session.bump("alert_rule")

    def _show_suggestions(self) -> None:
        self.suggestions_panel.set_suggestions(
            self.session.suggestions, self._dismissed, notes.accepted_keys(self.annotations)
        )
        pending = self.suggestions_panel.pending()
        self.layer.set_suggestions(
            pending, KIND_COLOURS, {s.key(): self.suggestions_panel.tip(s) for s in pending}
        )
        alert = next((s for s in self.session.suggestions if s.kind == "early_warning"), None)
        self.layer.set_alert(alert.time if alert else None)

    def accept_suggestion(self, suggestion) -> None:
        if suggestion.key() in notes.accepted_keys(self.annotations):
            self.statusBar().showMessage("That suggestion is already a turning point", 5000)
            return
        if self.ws is not None:
            self._push(AddAnnotation(self.ws, notes.from_suggestion(suggestion), self._write, self._changed))

    def dismiss_suggestion(self, suggestion) -> None:
        if self.ws is not None:
            ws, key = self.ws, suggestion.key()
            self._dismissed = self._dismissed | {key}
            self._show_suggestions()
            self._write(lambda: notes.dismiss(ws, key))

    def restore_suggestion(self, suggestion) -> None:
        if self.ws is not None:
            ws, key = self.ws, suggestion.key()
            self._dismissed = self._dismissed - {key}
            self._show_suggestions()
            self._write(lambda: notes.undismiss(ws, key))

    def _suggestion_clicked(self, key: str) -> None:
        self.suggestions_dock.raise_()
        self.suggestions_panel.select_key(key)

    def _fetch_suggestion_posts(self, s) -> None:
        ws, zone = self.ws, self.session.zone
        ids = [str(i) for i in (s.evidence or {}).get("post_ids") or []][:8]
        if ws is None or not ids:
            return

        def work(p):
            found = evidence.posts(ws, [("twitter", i) for i in ids], con=p.cursor(ws))
            lines = []
            for e in found:
                if e.post is None:
                    continue
                when = format_time(_utc_seconds(e.post.created_at), zone)
                lines.append(f"• {when}, @{e.post.author_handle or '?'}: {' '.join(e.post.text.split())}")
            return "\n".join(lines)

        self.runner.submit(
            "suggestion-posts",
            work,
            on_result=lambda text: self.suggestions_panel.set_posts_text(s.key(), text),
        )

    # ---- the chronicle ------------------------------------------------------------------------------
    def _refresh_chronicle(self) -> None:
        ws, zone = self.ws, self.session.zone
        self.chronicle_panel.save_pending()

        def when(p) -> str:
            if p.start is None:
                return ""
            return format_range(p.start, p.end if p.end is not None else p.start, zone)

        def work(progress, con):
            facts = incident_facts(ws, con, progress)
            return chronicle.chronicle(ws, facts, con=con), FactsView.of(facts)

        def done(result) -> None:
            paragraphs, view = result
            self.chronicle_panel.set_paragraphs(paragraphs, when)
            self.facts_panel.show_view(view)

        self._submit("chronicle", "chronicle", work, done)

    def refresh_chronicle(self) -> None:
        self.session.bump("chronicle")

    def _save_chronicle(self, phase: str, text: str) -> None:
        ws = self.ws
        if ws is not None:
            self._write(lambda: chronicle.save_edit(ws, phase, text))

    def _reset_chronicle(self, phase: str) -> None:
        ws = self.ws
        if ws is not None:
            self._write(lambda: chronicle.clear_edit(ws, phase), lambda: self.session.bump("chronicle"))

    # ---- evidence ---------------------------------------------------------------------------------
    def _refresh_evidence(self) -> None:
        ws = self.ws

        def done(result) -> None:
            posts, tags = result
            self._known_tags = tags
            self.evidence_panel.set_posts(posts, tags)
            self.filter_bar.set_tags(tags)

        self._submit(
            "evidence",
            "evidence",
            lambda p, con: (evidence.evidence_posts(ws, con=con), evidence.all_tags(ws, con=con)),
            done,
        )

    def _tags_changed(self) -> None:
        self.session.bump("tags")

    def _selected_posts(self) -> list:
        keys = self.posts_view.selected_keys()
        if not keys and self.evidence_dock.isVisible() and self.evidence_panel.table.hasFocus():
            keys = [e.key for e in self.evidence_panel.selected()]
        if not keys:
            self.statusBar().showMessage(
                "Select posts in the table first (click, Ctrl+click, Shift+click)", 5000
            )
        return keys

    def star_selected(self) -> None:
        keys, ws = self._selected_posts(), self.ws
        if keys and ws is not None:
            self._write(lambda: evidence.toggle_star(ws, keys), self._tags_changed)

    def tag_selected(self) -> None:
        keys, ws = self._selected_posts(), self.ws
        if not keys or ws is None:
            return
        known = [t for t, _n in self._known_tags]
        tag, ok = QInputDialog.getItem(
            self,
            "Tag posts",
            f"A tag for the {len(keys)} selected post{'s' if len(keys) != 1 else ''} (a short word, e.g. misquote):",
            [t for t in known if t != evidence.STAR],
            0,
            True,
        )
        if not ok or not tag.strip():
            return
        try:
            tag = evidence.check_tag(tag)
        except UserError as exc:
            self._error(str(exc))
            return
        self._write(lambda: evidence.add_tag(ws, keys, tag), self._tags_changed)

    def untag_posts(self, keys: list, tag: str) -> None:
        ws = self.ws
        if ws is not None and keys:
            self._write(lambda: evidence.remove_tag(ws, keys, tag), self._tags_changed)

    def comment_selected(self) -> None:
        keys = self._selected_posts()
        if keys:
            self.comment_post(keys[0])

    def comment_post(self, key) -> None:
        ws = self.ws
        if ws is None:
            return
        key = (str(key[0]), str(key[1]))
        current = self.posts_model.comments.get(key) or next(
            (e.comment for e in self.evidence_panel.posts if e.key == key), ""
        )
        text, ok = QInputDialog.getMultiLineText(
            self, "Comment on a post", "Your note on this post (empty removes it):", current
        )
        if ok:
            self._write(lambda: evidence.set_comment(ws, key, text), self._tags_changed)

    def attach_selected(self) -> None:
        keys = self._selected_posts()
        if not keys:
            return
        ann_id = self.notes_panel.selected_id()
        if ann_id is None:
            self.notes_dock.raise_()
            plain.inform(
                self,
                "Attach posts",
                "Select the turning point to attach them to in the Turning points tab first, or "
                "right-click the posts > Attach to turning point.",
            )
            return
        self.attach_posts(ann_id, keys)

    def attach_posts(self, ann_id: int, keys: list) -> None:
        before = self._find(ann_id)
        if before is None or self.ws is None or not keys:
            return
        after = evidence.with_attached(before, keys)
        added = len(evidence.attached_keys(after)) - len(evidence.attached_keys(before))
        if not added:
            self.statusBar().showMessage(f"Those posts are already attached to “{before.label}”", 5000)
            return
        self._push(
            EditAnnotation(
                self.ws,
                before,
                after,
                self._write,
                self._changed,
                f"Attach {added} post{'s' if added != 1 else ''} to “{before.label}”",
            )
        )
        self.statusBar().showMessage(
            f"{added} post{'s' if added != 1 else ''} attached to “{before.label}” as evidence", 6000
        )

    def detach_posts(self, ann_id: int, keys: list) -> None:
        before = self._find(ann_id)
        if before is None or self.ws is None:
            return
        after = evidence.without_attached(before, keys)
        if after != before:
            self._push(
                EditAnnotation(
                    self.ws,
                    before,
                    after,
                    self._write,
                    self._changed,
                    f"Remove evidence from “{before.label}”",
                )
            )

    # ---- saved views ---------------------------------------------------------------------------------
    def _refresh_views(self) -> None:
        ws = self.ws
        self._submit(
            "views", "views", lambda p, con: saved_views.list_views(ws, con=con), self.views_panel.set_views
        )

    def save_view(self) -> None:
        ws = self.ws
        if ws is None or self.session.span is None:
            return
        lo, hi = self.timeline.visible_range()
        flt = self.filter_bar.in_force()
        suggestion = flt.describe() or format_range(lo, hi, self.session.zone)
        name, ok = QInputDialog.getText(self, "Save this view", "Name of the view:", text=suggestion[:60])
        if not ok:
            return
        try:
            name = saved_views.check_name(name)
        except UserError as exc:
            self._error(str(exc))
            return
        if any(v.name == name for v in self.views_panel.views):
            answer = plain.ask(
                self,
                "Save this view",
                f"There is already a view called “{name}”. Replace it?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        view = saved_views.SavedView(name, flt, lo, hi, self.cursor_t)
        self._write(lambda: saved_views.save(ws, view), lambda: self.session.bump("views"))
        self.views_dock.raise_()

    def apply_view(self, view: saved_views.SavedView) -> None:
        if view.problem:
            self._error(f"The view “{view.name}” cannot be applied: {view.problem}.")
            return
        self.filter_bar.set_filter(view.filter)
        self.timeline.set_range(view.start, view.end)
        if view.cursor is not None:
            self.set_cursor(view.cursor)

    def rename_view(self, name: str) -> None:
        ws = self.ws
        new, ok = QInputDialog.getText(self, "Rename the view", "New name:", text=name)
        if ok and ws is not None and new.strip() and new.strip() != name:
            self._write(lambda: saved_views.rename(ws, name, new), lambda: self.session.bump("views"))

    def delete_view(self, name: str) -> None:
        ws = self.ws
        if ws is not None:
            self._write(lambda: saved_views.delete(ws, name), lambda: self.session.bump("views"))

    # ---- other dialogs ---------------------------------------------------------------------------------
    def export_data(self, what: str) -> None:
        """The visible range's series (at the bins on screen) or posts, to CSV or JSON."""
        ws = self.ws
        if ws is None or self.session.span is None:
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
                # the save dialog asked before replacing a file
                ws,
                what,
                path,
                lo,
                hi,
                bin_s if what == "series" else None,
                con=p.cursor(ws),
                force=True,
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

    def edit_press_list(self) -> None:
        if self.ws is None:
            return
        from app.ui.press_dialog import PressListDialog

        if PressListDialog(self.ws, self).exec():
            self.session.bump("alert_rule")  # the press list changes the suggestions, as the rule does

    def edit_alert_rule(self) -> None:
        if self.ws is None:
            return
        from app.ui.alert_rule_dialog import AlertRuleDialog

        if AlertRuleDialog(self.ws, self, runner=self.runner).exec():
            self.session.bump("alert_rule")

    def check_sentiment(self) -> None:
        if self.ws is None:
            return
        from app.ui.labelling_dialog import LabellingDialog

        dialog = LabellingDialog(self.runner, self.ws, self)
        dialog.start()
        dialog.exec()
        self.session.bump("labels")  # the labels calibrate the sentiment plot

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
            plain.inform(self, "Import", "Open or create a workspace first (File > New workspace).")
            return None
        from app.ui.import_dialog import ImportDialog

        dialog = ImportDialog(self.runner, self.ws, paths, self)
        dialog.finished_import.connect(self._imported)
        dialog.show()
        dialog.start()
        return dialog

    def _imported(self, reports) -> None:
        if any(r.added for r in reports):
            self.session.bump("data")
        # also when nothing was added: an earlier run may have left texts unscored
        self._start_scoring()

    def _start_scoring(self) -> None:
        ws = self.ws
        if ws is None or self.runner.is_busy("score"):
            return

        def score(progress):
            return score_and_refresh(ws, progress).scored

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
                self.session.bump("data")

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

    def busy_with(self) -> list[str]:
        """What would be lost by quitting now, in words (empty when nothing is running)."""
        out = []
        if self.runner.is_busy("import") or self.runner.is_busy("import-scan"):
            out.append(
                "An import is running. Quitting now cancels it: the file being read is not kept "
                "(the workspace stays as it was before that file); files already finished are kept."
            )
        if self.runner.is_busy("score"):
            done = self.score_bar.value() / 10
            out.append(
                f"Sentiment is being scored ({done:.0f}% done). The scores computed so far are kept; "
                "the rest are computed the next time you open this workspace."
            )
        if self.runner.writing():
            out.append("Your last changes are being saved: the window waits for them before it closes.")
        return out

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

    # ---- help ---------------------------------------------------------------------------------------
    def show_shortcuts(self) -> None:
        groups = []
        for menu_action in self.menuBar().actions():
            menu = menu_action.menu()
            if menu is not None:
                groups.append(
                    (menu_action.text().replace("&", ""), [a for a in menu.actions() if not a.isSeparator()])
                )
        ShortcutsDialog(groups, self).exec()

    def tour_steps(self) -> list:
        return [
            (
                lambda: self.timeline.overview,
                "The whole incident",
                "This strip is the whole archive, first post to last. Drag or resize the blue range "
                "to choose the stretch the plots below show.",
            ),
            (
                lambda: self.timeline.detail,
                "Volume, sentiment, reach",
                "Posts per bin by kind, the sentiment (the line is the mean, the bars the negative and "
                "positive shares) and the reach. Click a plot to put the red cursor there; the arrow "
                "keys step it, Space plays the incident back. Shift+F1 then a click explains any part.",
            ),
            (
                lambda: self.posts_view,
                "The posts at the cursor",
                "Every post around the cursor's time. Select one to read it whole. S stars the selected "
                "posts, T tags them: they are your evidence, gathered in the Evidence tab.",
            ),
            (
                lambda: self.notes_panel,
                "Turning points",
                "The Suggestions tab lists the moments the app found, with their evidence: accept or "
                "dismiss them. M marks a turning point of your own at the cursor; attach tagged posts "
                "to it (A, or right-click the posts) and they go into the report with it.",
            ),
            (
                lambda: self.filter_bar,
                "Filters",
                "Every plot, the table and the summaries follow one filter. Search with words, "
                '"phrases", OR, - and parentheses: refund AND (delay OR cancel) -bot.',
            ),
            (
                lambda: None,
                "The post-mortem",
                "File > Export post-mortem (Ctrl+E) writes the report for your leadership. Help > "
                "Keyboard shortcuts (F1) lists every key; Help > Take the tour shows this again.",
            ),
        ]

    def start_tour(self) -> None:
        if self.tour is None:
            self.tour = Tour(self, self.tour_steps())
        self.tour.start()

    def _maybe_start_tour(self) -> None:
        if self.incident_name == SAMPLE_NAME and not self.settings.tour_shown:
            self.settings.tour_shown = True
            self.start_tour()

    # ---- misc ---------------------------------------------------------------------------------------
    def _error(self, message: str) -> None:
        """A background job failed: say so without stopping the user (the box is not modal)."""
        self.statusBar().showMessage(message, 10000)
        box = plain.message_box(self, QMessageBox.Icon.Warning, "Incident Timeline Explorer", message)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.last_error = message

    def about(self) -> None:
        from importlib.metadata import PackageNotFoundError, version

        import pyqtgraph
        import PySide6
        from PySide6.QtCore import qVersion

        from app.core.store import engine_version

        try:
            vader = version("vaderSentiment")
        except PackageNotFoundError:  # a bundle built without the package's metadata
            vader = "unknown"
        box = plain.message_box(
            self,
            QMessageBox.Icon.Information,
            "About Incident Timeline Explorer",
            f"Incident Timeline Explorer {__version__}\n\n"
            "Rebuild how a social-media crisis unfolded: import the archive, read the posts at any "
            "moment, mark the turning points, export the post-mortem. Works offline.\n\n"
            f"Qt {qVersion()} (PySide6 {PySide6.__version__})\nDuckDB {engine_version()}\n"
            f"pyqtgraph {pyqtgraph.__version__}\nvaderSentiment {vader}",
        )
        box.exec()

    def closeEvent(self, event) -> None:
        busy = [m for m in self.busy_with() if not m.startswith("Your last changes")]
        if busy:
            answer = plain.ask(
                self,
                "Quit Incident Timeline Explorer?",
                "\n\n".join(busy) + "\n\nQuit anyway?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.settings.save_window(self)
        self.close_workspace()
        super().closeEvent(event)


def _utc_seconds(dt: datetime) -> float:
    """The core's times are naive UTC."""
    return dt.replace(tzinfo=timezone.utc).timestamp()
