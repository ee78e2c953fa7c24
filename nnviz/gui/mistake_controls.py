"""The switch that shows a classic mistake beside the right numbers: a chooser for the
inspector and the View menu's submenu, both kept in step with the view state's ``mistake``."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QComboBox, QMenu

from nnviz.core.mistakes import MISTAKES

NONE_TEXT = "No mistake"


class MistakeChooser(QComboBox):
    """ "No mistake" and each classic mistake; ``key()`` is the chosen key ("" for none)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.addItem(NONE_TEXT, "")
        for m in MISTAKES.values():
            self.addItem(m.title, m.key)
            self.setItemData(self.count() - 1, m.explanation, 3)  # 3: Qt.ToolTipRole
        self.setToolTip("Show what a classic mistake would give beside the right numbers")
        # narrow in a narrow dock: the chosen title is elided rather than widening the window
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)

    def key(self) -> str:
        return str(self.currentData() or "")

    def set_key(self, key: str) -> None:
        """Show ``key`` as chosen without announcing it."""
        i = max(self.findData(key), 0)
        if i != self.currentIndex():
            self.blockSignals(True)
            self.setCurrentIndex(i)
            self.blockSignals(False)


def mistake_menu(parent: QMenu, choose) -> dict[str, QAction]:
    """View → "Show a classic mistake": one checkable action per mistake and "No mistake";
    ``choose(key)`` is called with the chosen key. Returns the actions by key."""
    menu = parent.addMenu("Show a classic mistake")
    group = QActionGroup(menu)
    actions: dict[str, QAction] = {}
    for key, text, tip in [("", NONE_TEXT, "The right numbers only")] + [
        (m.key, m.title, m.explanation) for m in MISTAKES.values()
    ]:
        act = menu.addAction(text)
        act.setCheckable(True)
        act.setActionGroup(group)
        act.setStatusTip(tip)
        act.triggered.connect(lambda _c=False, k=key: choose(k))
        actions[key] = act
    actions[""].setChecked(True)
    return actions
