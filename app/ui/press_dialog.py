"""The press list of a workspace: which news organisations count as press pickup.

Shows the bundled international list with the workspace's own changes, lets the user search
it, add accounts and web domains (with the outlet they belong to) and remove entries. Changes
are kept in the dialog until OK, then written to the workspace in one go
(:mod:`app.core.press_list`); Cancel leaves the workspace as it was.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.core import press_list
from app.core.errors import UserError
from app.core.store.workspace import Workspace

_ORIGIN = {"bundled": "bundled list", "added": "added here"}


class PressListDialog(QDialog):
    def __init__(self, ws: Workspace, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Press list")
        self.ws = ws
        self.resize(720, 560)
        #: the changes not yet written: ("add"|"remove"|"reset", "account"|"domain", key, outlet)
        self.pending: list[tuple[str, str, str, str]] = []
        self.entries = press_list.entries(ws)

        intro = QLabel(
            "Posts by these accounts, and links to these sites, count as the press picking the "
            "incident up (when they are about the incident). The bundled list covers national "
            "outlets, public broadcasters, wires and business press of many countries; add your "
            "market's outlets and trade press, or remove any you do not want counted. Changes are "
            "kept in this workspace."
        )
        intro.setWordWrap(True)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search outlets, handles and domains")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._fill)
        self.count = QLabel()

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Outlet", "Account or domain", "From"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.what = QComboBox()
        self.what.addItem("Account", "account")
        self.what.addItem("Web domain", "domain")
        self.key = QLineEdit()
        self.key.setPlaceholderText("@handle or example.com")
        self.outlet = QLineEdit()
        self.outlet.setPlaceholderText("Outlet (e.g. Le Monde)")
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self._add)
        self.key.returnPressed.connect(self._add)
        add_row = QHBoxLayout()
        add_row.addWidget(self.what)
        add_row.addWidget(self.key, 2)
        add_row.addWidget(self.outlet, 2)
        add_row.addWidget(self.add_button)

        self.remove_button = QPushButton("Remove selected")
        self.remove_button.clicked.connect(self._remove)
        self.reset_button = QPushButton("Restore the bundled list")
        self.reset_button.clicked.connect(self._reset)
        row = QHBoxLayout()
        row.addWidget(self.remove_button)
        row.addWidget(self.reset_button)
        row.addStretch(1)
        row.addWidget(self.count)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addLayout(add_row)
        layout.addWidget(self.buttons)

        if ws.read_only:
            for w in (
                self.key,
                self.outlet,
                self.what,
                self.add_button,
                self.remove_button,
                self.reset_button,
            ):
                w.setEnabled(False)
            self.key.setPlaceholderText("This workspace is open read-only")
        self._fill()

    # ---- the table ---------------------------------------------------------------------------
    def _shown(self) -> list[press_list.Entry]:
        needle = self.search.text().strip().lower().lstrip("@")
        rows = self.entries
        if needle:
            rows = [e for e in rows if needle in e.outlet.lower() or needle in e.key]
        return rows

    def _fill(self) -> None:
        rows = self._shown()
        self.table.setRowCount(len(rows))
        struck = QFont()
        struck.setStrikeOut(True)
        for i, e in enumerate(rows):
            shown = f"@{e.key}" if e.what == "account" else e.key
            origin = "removed here" if e.removed else _ORIGIN.get(e.origin, e.origin)
            for j, text in enumerate((e.outlet, shown, origin)):
                item = QTableWidgetItem(text)  # plain text, never HTML
                item.setData(Qt.ItemDataRole.UserRole, (e.what, e.key))
                if e.removed:
                    item.setFont(struck)
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(i, j, item)
        live = [e for e in self.entries if not e.removed]
        self.count.setText(
            f"{len({e.outlet for e in live})} outlets, "
            f"{sum(e.what == 'account' for e in live)} accounts, {sum(e.what == 'domain' for e in live)} domains"
        )
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(not self.ws.read_only and bool(self._selected()))

    def _selected(self) -> list[tuple[str, str]]:
        keys = []
        for index in self.table.selectionModel().selectedRows():
            item = self.table.item(index.row(), 0)
            if item is not None:
                what, key = item.data(Qt.ItemDataRole.UserRole)
                e = next((x for x in self.entries if (x.what, x.key) == (what, key)), None)
                if e is not None and not e.removed:
                    keys.append((what, key))
        return keys

    # ---- changes -----------------------------------------------------------------------------
    def _add(self) -> None:
        what = self.what.currentData()
        try:
            key = (
                press_list.check_account(self.key.text())
                if what == "account"
                else press_list.check_domain(self.key.text())
            )
        except UserError as exc:
            QMessageBox.warning(self, "Press list", str(exc))
            return
        outlet = self.outlet.text().strip() or (f"@{key}" if what == "account" else key)
        self.pending.append(("add", what, key, outlet))
        self.entries = [e for e in self.entries if (e.what, e.key) != (what, key)]
        self.entries.append(press_list.Entry(what, key, outlet, "added"))
        self.entries.sort(key=lambda e: (e.what != "account", e.outlet.lower(), e.key))
        self.key.clear()
        self.search.setText(key)
        self._fill()

    def _remove(self) -> None:
        for what, key in self._selected():
            self.pending.append(("remove", what, key, ""))
            kept = []
            for e in self.entries:
                if (e.what, e.key) != (what, key):
                    kept.append(e)
                elif e.origin == "bundled":
                    kept.append(press_list.Entry(e.what, e.key, e.outlet, "bundled", True))
            self.entries = kept
        self._fill()

    def _reset(self) -> None:
        self.pending.append(("reset", "", "", ""))
        self.entries = [
            press_list.Entry(e.what, e.key, e.outlet, "bundled") for e in press_list.entries_bundled()
        ]
        self._fill()

    def _save(self) -> None:
        try:
            for op, what, key, outlet in self.pending:
                if op == "reset":
                    press_list.reset(self.ws)
                elif op == "add":
                    (press_list.add_account if what == "account" else press_list.add_domain)(
                        self.ws, key, outlet
                    )
                elif press_list.listed(self.ws, what, key):
                    (press_list.remove_account if what == "account" else press_list.remove_domain)(
                        self.ws, key
                    )
        except UserError as exc:
            QMessageBox.warning(self, "Press list", str(exc))
            return
        self.accept()
