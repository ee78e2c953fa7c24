"""What every analysis dock shares: the plot style, the class colours, and refreshing when the
session changes, only while on screen, and throttled while training plays."""

from __future__ import annotations

import time

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDockWidget

from nnviz.gui.session import Session

LIVE_INTERVAL_S = 0.1  # heavy views refresh at most this often while playing


class TidyAxis(pg.AxisItem):
    """An axis whose tick labels never overlap. On a log axis pyqtgraph labels the minor
    ticks (2…9 × 10ᵏ) too, which collide in a small plot; a label that would overlap one
    already placed (major levels are placed first) is left out, its tick line kept."""

    GAP = 3  # pixels between two labels

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803
        """pyqtgraph's log ticks, the powers of ten first, so their labels are placed before
        those of the minor ticks between them (one level: pyqtgraph labels it whole)."""
        levels = super().logTickValues(minVal, maxVal, size, stdTicks)
        if len(levels) != 1 or levels[0][0] is not None:
            return levels
        values = list(levels[0][1])
        decades = [v for v in values if abs(v - round(v)) < 1e-9]
        minor = [v for v in values if abs(v - round(v)) >= 1e-9]
        return [(None, decades + minor)]

    def generateDrawSpecs(self, p):  # noqa: N802 - pyqtgraph's name
        specs = super().generateDrawSpecs(p)
        if specs is None:
            return None
        axis, ticks, texts = specs
        kept: list = []
        for rect, flags, text in texts:
            grown = rect.adjusted(-self.GAP, -self.GAP, self.GAP, self.GAP)
            if not any(grown.intersects(other) for other, _f, _t in kept):
                kept.append((rect, flags, text))
        return axis, ticks, kept


def plot_widget(**kwargs) -> pg.PlotWidget:
    """A PlotWidget whose left and bottom axes keep their labels apart."""
    axes = {"left": TidyAxis("left"), "bottom": TidyAxis("bottom")}
    return pg.PlotWidget(axisItems=axes, **kwargs)


def style_plot(plot: pg.PlotWidget | pg.GraphicsLayoutWidget, dark: bool, items=()) -> None:
    """The theme's background on ``plot`` and its colours on the axes of ``plot`` (a
    PlotWidget) or of ``items`` (the PlotItems of a GraphicsLayoutWidget)."""
    plot.setBackground("#17191c" if dark else "#ffffff")
    for item in items or (plot,):
        style_axes(item, dark)


def style_axes(plot, dark: bool) -> None:
    fg = "#e8eaed" if dark else "#1f2328"
    for axis in ("left", "bottom"):
        ax = plot.getAxis(axis)
        ax.enableAutoSIPrefix(False)  # plain numbers: losses of 0.3 read as 0.3, not 300 m
        ax.autoSIPrefixScale = 1.0
        ax.setScale(1.0)
        ax.setPen(fg)
        ax.setTextPen(fg)


class Dock(QDockWidget):
    """A dock that follows the session while it is on screen.

    It redraws only when what it shows can have changed: the recorded steps (any growth,
    rewind, edit or new network) or its ``view_key`` (by default any change). Stepping by
    hand, the redraw runs just after the canvas has painted (a zero timer), so a key press
    repaints the canvas first. While training plays, a dock redraws with the frame, at most
    every ``live_interval`` seconds (0: every frame); the last change is drawn when the
    interval has passed.
    """

    live_interval = LIVE_INTERVAL_S
    redraw_when_paused = False  # a dock that draws differently while playing sets this

    def __init__(self, title: str, session: Session, parent=None) -> None:
        super().__init__(title, parent)
        self.setObjectName(title.lower().replace(" ", "_"))
        self.session = session
        self.dark = False
        self._last = 0.0
        self._drawn_key: tuple | None = None  # view_key() of the picture; None: redraw
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(self._update)
        session.changed.connect(self._changed)
        session.history_grew.connect(self._invalidate)
        session.network_changed.connect(self._invalidate)
        session.playing_changed.connect(self._playing_changed)
        self.visibilityChanged.connect(lambda visible: visible and self._update())

    def shown(self) -> bool:
        """Visible and not hidden behind another tab."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def view_key(self) -> tuple | None:
        """The part of the session's position (step, phase, selection, …) the picture depends
        on besides the recorded steps; None: all of it."""
        return None

    def _invalidate(self, *_args) -> None:
        self._drawn_key = None

    def _changed(self) -> None:
        if not self.shown():
            return
        key = self.view_key()
        if key is not None and key == self._drawn_key:
            return  # nothing this dock shows has changed (e.g. the next phase of a step)
        if not self.session.playing:
            if not self._pending.isActive():
                self._pending.start(0)
            return
        now = time.perf_counter()
        if now - self._last < self.live_interval:
            if not self._pending.isActive():
                self._pending.start(int(self.live_interval * 1000))
            return
        self._last = now
        self._update()

    def _playing_changed(self, playing: bool) -> None:
        if not playing and self.redraw_when_paused and self.shown():
            self._pending.stop()
            self._update()

    def _update(self) -> None:
        self._drawn_key = self.view_key()
        self.refresh()

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        self.restyle()
        self._update()

    def restyle(self) -> None:
        """Apply the theme to the dock's plots (overridden by docks that have plots)."""

    def refresh(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError
