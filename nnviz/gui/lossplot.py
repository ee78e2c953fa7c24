"""The loss dock: batch loss per step (or per epoch), the whole-set losses, the shown step.

While training plays it follows every frame. A long curve is then thinned to the lowest and
highest loss of each of at most ``LIVE_POINTS / 2`` runs of steps (what a plot that wide can
show) before it reaches the plot, so a frame costs the same after a million steps as after a
thousand; when play stops, the plot gets every point again (for zooming in).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from nnviz.gui.dockbase import Dock, plot_widget, style_plot
from nnviz.gui.session import Session

MAX_SYMBOLS = 200  # evaluation points drawn with a symbol up to this many; lines beyond
LIVE_POINTS = 4000  # most points of the batch-loss curve while playing


def peak_thin(values: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Steps (from 1) and losses of a curve of at most ``max_points`` points that keeps the
    lowest and the highest value of each run of steps; non-finite values are left out."""
    n = len(values)
    if n <= max_points:
        ok = np.isfinite(values)
        return np.arange(1, n + 1)[ok], values[ok]
    size = -(-n // (max_points // 2))  # steps per run
    runs = -(-n // size)
    padded = np.full(runs * size, np.nan)
    padded[:n] = np.where(np.isfinite(values), values, np.nan)
    blocks = padded.reshape(runs, size)
    lo, hi = np.fmin.reduce(blocks, axis=1), np.fmax.reduce(blocks, axis=1)  # NaN: skipped
    xs = np.repeat(np.arange(runs) * size + (size + 1) / 2, 2)
    ys = np.stack([lo, hi], axis=1).ravel()
    ok = np.isfinite(ys)
    return xs[ok], ys[ok]


def batch_xy(
    history, per_epoch: bool, playing: bool, hide_last: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """A run's batch-loss curve: per step (thinned while playing), or its mean per epoch;
    ``hide_last`` leaves out the last step (shown before its loss phase)."""
    losses = history.losses()
    if hide_last and len(losses):
        losses = losses[:-1]
    finite = np.isfinite(losses)
    if per_epoch:
        if not len(losses):
            return np.zeros(0), np.zeros(0)
        epochs = history.epochs()[: len(losses)]
        count = np.bincount(epochs[finite])
        total = np.bincount(epochs[finite], weights=losses[finite])
        ok = count > 0
        return np.nonzero(ok)[0], total[ok] / count[ok]
    if playing:
        return peak_thin(losses, LIVE_POINTS)
    return np.arange(1, len(losses) + 1)[finite], losses[finite]


class LossDock(Dock):
    """Batch loss per step (or its mean per epoch) and the whole-set train and test losses the
    session records as it trains (after every epoch, more sparsely in long runs), whatever is
    on screen. While training plays it follows every frame."""

    live_interval = 0.0
    redraw_when_paused = True  # every point again

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Loss", session, parent)
        body = QWidget()
        lay = QVBoxLayout(body)
        row = QHBoxLayout()
        self.per_epoch = QCheckBox("per epoch")
        self.log = QCheckBox("log scale")
        for box in (self.per_epoch, self.log):
            box.toggled.connect(self.refresh)
            row.addWidget(box)
        row.addStretch(1)
        lay.addLayout(row)
        self.plot = plot_widget()
        self.legend = self.plot.addLegend(offset=(-10, 10))
        self.overlays: dict[int, pg.PlotDataItem] = {}  # run id → its faint batch-loss curve
        self._overlay_names: dict[int, str] = {}
        self.batch_curve = self.plot.plot(name="batch loss", pen=pg.mkPen("#9aa0a6", width=1))
        # only the long curve is thinned to the view (the few evaluation points need not be
        # recomputed whenever the view moves)
        self.batch_curve.setDownsampling(auto=True, method="peak")
        self.batch_curve.setClipToView(True)
        self.train_curve = self.plot.plot(
            name="training set",
            pen=pg.mkPen("#2166ac", width=2),
            symbol="o",
            symbolSize=5,
            symbolBrush="#2166ac",
        )
        self.test_curve = self.plot.plot(
            name="test set",
            pen=pg.mkPen("#c25a00", width=2),
            symbol="o",
            symbolSize=5,
            symbolBrush="#c25a00",
        )
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen("#d1008f", width=1))
        self.plot.addItem(self.marker)
        self.plot.setLabel("bottom", "step")
        self.plot.setLabel("left", "loss")
        lay.addWidget(self.plot)
        self.setWidget(body)
        self._bottom = "step"
        self._log = False
        self._evals_shown: tuple | None = None
        session.compare_changed.connect(self._update)
        session.runs_changed.connect(self._invalidate)
        self.restyle()

    def view_key(self) -> tuple:
        return (self.session.step, self.session.loss_known())

    def restyle(self) -> None:
        style_plot(self.plot, self.dark)

    def _overlay(self, per_epoch: bool) -> None:
        """Faint batch-loss curves of the runs ticked in the Runs dock, each in its colour."""
        from nnviz.render.race import run_colour

        s = self.session
        runs = {run.id: run for run in s.compared_runs()}
        for rid in [r for r in self.overlays if r not in runs]:
            self.plot.removeItem(self.overlays.pop(rid))
            self.legend.removeItem(self._overlay_names.pop(rid))
        for rid, run in runs.items():
            curve = self.overlays.get(rid)
            if curve is None or self._overlay_names.get(rid) != run.name:
                if curve is not None:
                    self.plot.removeItem(curve)
                    self.legend.removeItem(self._overlay_names[rid])
                colour = pg.mkColor(run_colour(run))
                colour.setAlpha(150)
                curve = self.plot.plot(name=run.name, pen=pg.mkPen(colour, width=1.5))
                curve.setZValue(-1)  # under the shown run's curves
                self.overlays[rid] = curve
                self._overlay_names[rid] = run.name
            curve.setData(*batch_xy(run.history, per_epoch, playing=True))

    def _set_bottom_label(self, text: str) -> None:
        if text != self._bottom:  # a new label re-lays out the plot: only when it changes
            self._bottom = text
            self.plot.setLabel("bottom", text)

    def _evals_changed(self, per_epoch: bool) -> bool:
        """Whether the evaluation points (or how they are shown) changed since last drawn."""
        pts = self.session.eval_points
        shown = (per_epoch, pts, len(pts), pts[-1] if pts else None)
        old = self._evals_shown
        self._evals_shown = shown
        return old is None or not (
            old[0] == shown[0] and old[1] is shown[1] and old[2] == shown[2] and old[3] is shown[3]
        )

    def refresh(self) -> None:
        s = self.session
        if self.log.isChecked() != self._log:
            self._log = self.log.isChecked()
            self.plot.setLogMode(y=self._log)
        per_epoch = self.per_epoch.isChecked()
        hide_last = s.step == s.n_steps and not s.loss_known()  # not computed on screen yet
        self.batch_curve.setData(*batch_xy(s.history, per_epoch, s.playing, hide_last))
        self._set_bottom_label("epoch" if per_epoch else "step")
        self._overlay(per_epoch)
        if self._evals_changed(per_epoch):  # the evaluation points are set when they change
            pts = [p for p in s.eval_points if p.step > 0] if not per_epoch else []
            test = [p for p in pts if np.isfinite(p.test_loss)]
            symbol = "o" if len(pts) <= MAX_SYMBOLS else None  # a long run: lines only
            self.train_curve.setData(
                [p.step for p in pts], [p.train_loss for p in pts], symbol=symbol
            )
            self.test_curve.setData(
                [p.step for p in test], [p.test_loss for p in test], symbol=symbol
            )
        self.marker.setVisible(not per_epoch and s.step > 0)
        self.marker.setValue(s.step)
        # fit the axes and move the view now rather than while painting: a view changed during
        # a paint asks for a second paint of the same frame
        self.plot.getViewBox().prepareForPaint()
