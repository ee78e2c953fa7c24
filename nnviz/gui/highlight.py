"""Pointing at a part of the window: a thick, pulsing frame around a dock or widget, for the
lesson stops and the tour that say "look here" (``highlight = ["inspector"]``).

The frame is a child widget laid over its target, transparent to the mouse, that follows the
target as docks move or resize; it goes when the next stop clears it.
"""

from __future__ import annotations

import os

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, Qt, QVariantAnimation
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QDockWidget, QWidget

COLOURS = {"light": "#d6007a", "dark": "#ffb000"}
"""The frame's colour in each window theme: strong against the theme's backgrounds."""
WIDTH = 5  # pixels: the frame's line


def part_widget(window, part: str) -> QWidget | None:
    """The widget that stands for ``part`` (one of nnviz.core.lesson.PARTS) in ``window``."""
    if part == "canvas":
        return window.canvas
    if part == "inspector":
        return window.inspector
    if part == "timeline":
        return window.timeline
    if part == "setup":
        return window.setup
    if part == "runs":
        return window.runs_dock
    if part == "loss":
        return window.docks[0]
    if part in ("toolbar", "phases"):
        from PySide6.QtWidgets import QToolBar

        bar = window.findChild(QToolBar, "stepping")
        if part == "toolbar" or bar is None:
            return bar
        return bar.widgetForAction(window.act_next_phase) or bar
    return None


class PartFrame(QWidget):
    """A frame painted over ``target`` (within its top-level window)."""

    def __init__(self, target: QWidget, dark: bool = False) -> None:
        super().__init__(target.window())
        self.target = target
        self.colour = QColor(COLOURS["dark" if dark else "light"])
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.alpha = 255
        self.pulse = QVariantAnimation(self)
        self.pulse.setDuration(1200)
        self.pulse.setKeyValueAt(0.0, 255)
        self.pulse.setKeyValueAt(0.5, 110)
        self.pulse.setKeyValueAt(1.0, 255)
        self.pulse.setLoopCount(-1)
        self.pulse.valueChanged.connect(self._pulsed)
        target.installEventFilter(self)
        self.follow()
        self.show()
        self.raise_()
        if not os.environ.get("NNVIZ_NO_ANIMATION"):
            self.pulse.start()

    def _pulsed(self, value) -> None:
        self.alpha = int(value)
        self.update()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show):
            self.follow()
        elif event.type() == QEvent.Type.Hide:
            self.hide()
        return False

    def follow(self) -> None:
        """Cover the target (a margin outside it where the window has room)."""
        t = self.target
        if not shiboken6.isValid(t):
            return
        top_left = t.mapTo(t.window(), t.rect().topLeft())
        rect = QRect(top_left, t.size()).adjusted(-2, -2, 2, 2)
        self.setGeometry(rect.intersected(t.window().rect()))
        if t.isVisible():
            self.show()
            self.raise_()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt name)
        p = QPainter(self)
        try:
            colour = QColor(self.colour)
            colour.setAlpha(self.alpha)
            pen = QPen(colour)
            pen.setWidth(WIDTH)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            p.setPen(pen)
            half = WIDTH // 2
            p.drawRect(self.rect().adjusted(half, half, -half - 1, -half - 1))
        finally:
            p.end()

    def remove(self) -> None:
        self.pulse.stop()
        if shiboken6.isValid(self.target):
            self.target.removeEventFilter(self)
        self.hide()
        self.deleteLater()


class Highlights:
    """The frames a stop put up; ``show`` replaces them, ``clear`` takes them down."""

    def __init__(self, window) -> None:
        self.window = window
        self.frames: list[PartFrame] = []

    def show(self, parts: tuple[str, ...]) -> None:
        self.clear()
        dark = self.window.view.theme == "dark"
        for part in parts:
            widget = part_widget(self.window, part)
            if widget is None:
                continue
            if isinstance(widget, QDockWidget):
                widget.show()
                widget.raise_()  # a tabbed dock comes to the front
            self.frames.append(PartFrame(widget, dark))

    def clear(self) -> None:
        for frame in self.frames:
            if shiboken6.isValid(frame):
                frame.remove()
        self.frames = []
