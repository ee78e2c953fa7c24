"""The decision-boundary dock: the network's output over the input plane with the data points.

While training plays, the output grid is computed at a coarser resolution (a quarter of the
points), so it can follow every frame; when play stops it is drawn sharp again.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from nnviz.core.analysis import output_grid
from nnviz.core.threads import view_threads
from nnviz.gui.dockbase import Dock, plot_widget, style_plot
from nnviz.gui.session import Session
from nnviz.render.colormap import CLASS_COLOURS, output_colours


class BoundaryDock(Dock):
    """The network's output over the input plane, with the training (filled) and test (hollow)
    points; only for networks with two inputs."""

    RESOLUTION = 200
    LIVE_RESOLUTION = 100  # while playing
    live_interval = 0.0  # follows every frame of play
    redraw_when_paused = True  # sharp again

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Decision boundary", session, parent)
        body = QWidget()
        lay = QVBoxLayout(body)
        self.note = QLabel()
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.plot = plot_widget()
        self.plot.setAspectLocked(True)
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.train_pts = pg.ScatterPlotItem(size=7, pen=pg.mkPen("#000000", width=0.5))
        self.test_pts = pg.ScatterPlotItem(size=7, brush=pg.mkBrush(0, 0, 0, 0))
        self.plot.addItem(self.train_pts)
        self.plot.addItem(self.test_pts)
        lay.addWidget(self.plot)
        self.setWidget(body)
        self.grid = None
        self._points_of = None
        self.restyle()

    def view_key(self) -> tuple:
        return (self.session.step,)

    def restyle(self) -> None:
        style_plot(self.plot, self.dark)

    def refresh(self) -> None:
        s = self.session
        ds = s.engine.dataset
        if ds.n_inputs != 2:
            self.note.setText(
                f"The decision boundary is drawn for networks with 2 inputs; this "
                f"one has {ds.n_inputs}, so its input space cannot be shown as a plane."
            )
            self.plot.setVisible(False)
            return
        self.plot.setVisible(True)
        res = self.LIVE_RESOLUTION if s.playing else self.RESOLUTION
        with view_threads(res * res, s.spec.n_parameters):
            grid = output_grid(s.engine_after_shown(), res)
        self.grid = grid
        self.image.setImage(self._colours(grid.outputs).transpose(1, 0, 2), levels=(0, 255))
        self.image.setRect(grid.x0, grid.y0, grid.x1 - grid.x0, grid.y1 - grid.y0)
        self.note.setText(
            f"Network output over the input plane after step {s.step} ({res}×{res} points"
            f"{', coarser while playing' if s.playing else ''}); filled: training, hollow: test"
        )
        if self._points_of is not ds:  # the points only change with the data
            self._points_of = ds
            self._set_points(ds)

    def _colours(self, out: np.ndarray) -> np.ndarray:
        """RGB uint8 [ny, nx, 3] for the outputs [ny, nx, K]."""
        s = self.session
        if out.shape[2] == 1:
            v = out[:, :, 0]
            lo, hi = (-1.0, 1.0) if s.spec.activations[-1] == "tanh" else (0.0, 1.0)
            if s.engine.dataset.task == "regression":
                lo, hi = float(v.min()), float(v.max()) + 1e-12
            return output_colours(out, lo, hi)
        return output_colours(out, 0.0, 1.0)

    def _set_points(self, ds) -> None:
        for item, x, labels in (
            (self.train_pts, ds.x_train, ds.labels_train),
            (self.test_pts, ds.x_test, ds.labels_test),
        ):
            if labels is None:
                labels = np.zeros(len(x), dtype=int)
            colours = [CLASS_COLOURS[int(c) % len(CLASS_COLOURS)] for c in labels]
            if item is self.train_pts:
                item.setData(x[:, 0], x[:, 1], brush=[pg.mkBrush(c) for c in colours])
            else:
                item.setData(x[:, 0], x[:, 1], pen=[pg.mkPen(c, width=1.5) for c in colours])
