"""The Runs dock: the session's run tree (name, where it branched off, what changed, steps,
last loss). Click a run to show it at the same step; tick runs to overlay their losses on the
Loss dock; rename with a double-click or F2; delete (with the runs made from it) after asking.
Every action goes through the session's API."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.core.numfmt import fmt
from nnviz.core.runs import Run
from nnviz.gui.session import Session
from nnviz.render.race import run_colour

COLUMNS = ("run", "from", "what changed", "steps", "last loss")


def origin_text(run: Run) -> str:
    if run.parent is None:
        return "initial weights"
    if run.how == "restart":
        return f"{run.parent.name}, initial weights"
    return f"{run.parent.name}, after step {run.branch_step}"


class RunsDock(QDockWidget):
    """A tree of the session's runs; the shown one is bold, compared ones are ticked."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Runs", parent)
        self.setObjectName("runs")
        self.session = session
        self.ask_delete = self._ask_delete  # tests replace this one question
        body = QWidget()
        lay = QVBoxLayout(body)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.itemDoubleClicked.connect(self._double_clicked)
        lay.addWidget(self.tree)
        row = QHBoxLayout()
        self.rename_button = QPushButton("Rename")
        self.rename_button.clicked.connect(self.rename_selected)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.clicked.connect(self.delete_selected)
        row.addWidget(self.rename_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.setWidget(body)
        QShortcut(QKeySequence(Qt.Key.Key_F2), self.tree, self.rename_selected)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.tree, self.delete_selected)
        self._items: dict[int, QTreeWidgetItem] = {}
        self._filling = False
        session.runs_changed.connect(self.rebuild)
        session.history_grew.connect(self._grew)
        self.rebuild()

    # ----- filling ----------------------------------------------------------------------------
    def rebuild(self) -> None:
        """The whole tree again (runs made, renamed, deleted, switched)."""
        self._filling = True
        try:
            self.tree.clear()
            self._items = {}
            runs = self.session.runs
            for depth, run in runs.ordered():
                parent_item = self._items.get(run.parent.id) if run.parent and depth else None
                item = QTreeWidgetItem(parent_item) if parent_item else QTreeWidgetItem(self.tree)
                item.setData(0, Qt.ItemDataRole.UserRole, run.id)
                item.setFlags(
                    item.flags() | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable
                )
                self._items[run.id] = item
                self._fill(item, run)
            self.tree.expandAll()
            for col in range(len(COLUMNS)):
                self.tree.resizeColumnToContents(col)
        finally:
            self._filling = False

    def _fill(self, item: QTreeWidgetItem, run: Run) -> None:
        shown = run is self.session.run
        item.setText(0, run.name)
        item.setText(1, origin_text(run))
        item.setText(2, run.note or ("" if run.parent is None else run.how))
        item.setText(3, f"{run.n_steps:,}")
        loss = run.last_loss()
        item.setText(4, "" if loss is None else fmt(loss, 4))
        item.setToolTip(2, run.note)
        item.setForeground(0, QColor(run_colour(run)))
        font = item.font(0)
        font.setBold(shown)
        for col in range(len(COLUMNS)):
            item.setFont(col, font)
        checked = run.id in self.session.compared or shown
        item.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _grew(self, _n: int) -> None:
        item = self._items.get(self.session.run.id)
        if item is not None and not self.session.playing:
            self._filling = True
            try:
                self._fill(item, self.session.run)
            finally:
                self._filling = False

    # ----- actions ----------------------------------------------------------------------------
    def selected_run(self) -> Run | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        return self.session.runs.runs.get(item.data(0, Qt.ItemDataRole.UserRole))

    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        run = self.session.runs.runs.get(item.data(0, Qt.ItemDataRole.UserRole))
        if run is not None and run is not self.session.run:
            self.session.switch_run(run)

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != 0:
            return
        run = self.session.runs.runs.get(item.data(0, Qt.ItemDataRole.UserRole))
        if run is None:
            return
        if item.text(0) != run.name:  # edited in place
            try:
                self.session.rename_run(run, item.text(0))
            except ValueError:
                self.rebuild()
            return
        self.session.set_compared(run, item.checkState(0) == Qt.CheckState.Checked)

    def _double_clicked(self, item: QTreeWidgetItem, column: int) -> None:
        if column == 0:
            self.tree.editItem(item, 0)

    def rename_selected(self) -> None:
        item = self.tree.currentItem()
        if item is not None:
            self.tree.editItem(item, 0)

    def delete_selected(self) -> None:
        run = self.selected_run()
        if run is None or run.parent is None:
            return
        doomed = self.session.runs.subtree(run)
        if self.ask_delete(run, doomed):
            self.session.delete_run(run)

    def _ask_delete(self, run: Run, doomed: list[Run]) -> bool:
        others = len(doomed) - 1
        more = f" and the {others} run(s) made from it" if others else ""
        steps = sum(r.n_steps for r in doomed)
        answer = QMessageBox.question(
            self,
            "Delete run",
            f"Delete {run.name}{more} ({steps:,} steps)? This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
