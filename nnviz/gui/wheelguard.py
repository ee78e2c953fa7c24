"""Spin boxes and combo boxes that take the mouse wheel only when focused.

Over a scrolling panel the wheel should scroll the panel: a value that changes because the
pointer happened to pass over a combo box (the data source switching to "CSV file…") is a
silent edit. The common Qt idiom: such widgets get ``Qt.StrongFocus`` (no focus by wheel) and
an event filter passes the wheel on to the parent, the scroll area, unless they have focus.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QWidget,
)

GUARDED = (QAbstractSpinBox, QComboBox)


class WheelGuard(QObject):
    """Ignores wheel events on an unfocused guarded widget, so they reach its parent."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.Wheel or not isinstance(obj, QWidget) or obj.hasFocus():
            return False
        area = obj.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None:  # the panel it sits in scrolls
            QApplication.sendEvent(area.viewport(), event)
        else:
            event.ignore()  # not accepted: Qt hands it on to the parent widget
        return True


def guard_wheel(root: QWidget, guard: WheelGuard) -> None:
    """Guard every spin box and combo box under ``root`` (``root`` itself included)."""
    widgets = [root] if isinstance(root, GUARDED) else []
    widgets += [w for w in root.findChildren(QWidget) if isinstance(w, GUARDED)]
    for w in widgets:
        if w.property("wheel_guarded"):
            continue
        w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        w.installEventFilter(guard)
        w.setProperty("wheel_guarded", True)
