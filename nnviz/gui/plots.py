"""Analysis views as docks (pyqtgraph): loss curves, metrics, decision boundary, activation
function, gradient sizes per layer, tensor shapes. Each follows the session's step and phase."""

from __future__ import annotations

import html
import time

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nnviz.core import activations
from nnviz.core.analysis import output_grid, tensor_shapes
from nnviz.gui.session import Session

LIVE_INTERVAL_S = 0.1  # heavy views refresh at most this often while playing
CLASS_COLOURS = [
    "#2166ac",
    "#c25a00",
    "#1a7f37",
    "#8250df",
    "#d1008f",
    "#6e7781",
    "#b8860b",
    "#00a3a3",
    "#7f3f00",
    "#333333",
]


def style_plot(plot: pg.PlotWidget, dark: bool) -> None:
    plot.setBackground("#17191c" if dark else "#ffffff")
    fg = "#e8eaed" if dark else "#1f2328"
    for axis in ("left", "bottom"):
        ax = plot.getAxis(axis)
        ax.enableAutoSIPrefix(False)  # plain numbers: losses of 0.3 read as 0.3, not 300 m
        ax.autoSIPrefixScale = 1.0
        ax.setScale(1.0)
        ax.setPen(fg)
        ax.setTextPen(fg)


class _Dock(QDockWidget):
    """A dock that refreshes when the session changes, throttled while training plays."""

    def __init__(self, title: str, session: Session, parent=None) -> None:
        super().__init__(title, parent)
        self.setObjectName(title.lower().replace(" ", "_"))
        self.session = session
        self.dark = False
        self._last = 0.0
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.timeout.connect(self.refresh)
        session.changed.connect(self._changed)
        self.visibilityChanged.connect(lambda visible: visible and self.refresh())

    def shown(self) -> bool:
        """Visible and not hidden behind another tab."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def _changed(self) -> None:
        if not self.shown():
            return
        now = time.perf_counter()
        if self.session.playing and now - self._last < LIVE_INTERVAL_S:
            if not self._pending.isActive():
                self._pending.start(int(LIVE_INTERVAL_S * 1000))
            return
        self._last = now
        self.refresh()

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        self.refresh()

    def refresh(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class LossDock(_Dock):
    """Batch loss per step (or its mean per epoch) and the whole-set train and test losses."""

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
        self.plot = pg.PlotWidget()
        self.plot.setDownsampling(auto=True, mode="peak")
        self.plot.setClipToView(True)
        self.plot.addLegend(offset=(-10, 10))
        self.batch_curve = self.plot.plot(name="batch loss", pen=pg.mkPen("#9aa0a6", width=1))
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

    def refresh(self) -> None:
        s = self.session
        style_plot(self.plot, self.dark)
        self.plot.setLogMode(y=self.log.isChecked())
        losses = s.history.losses()
        steps = np.arange(1, len(losses) + 1)
        finite = np.isfinite(losses)
        if self.per_epoch.isChecked() and len(losses):
            epochs = s.history.epochs()
            count = np.bincount(epochs[finite])
            total = np.bincount(epochs[finite], weights=losses[finite])
            ok = count > 0
            xs = np.nonzero(ok)[0]
            self.batch_curve.setData(xs, total[ok] / count[ok])
            self.plot.setLabel("bottom", "epoch")
        else:
            self.batch_curve.setData(steps[finite], losses[finite])
            self.plot.setLabel("bottom", "step")
        if s.step:
            s.evaluation()
        pts = [p for p in s.eval_points if p.step > 0] if not self.per_epoch.isChecked() else []
        self.train_curve.setData([p.step for p in pts], [p.train_loss for p in pts])
        test = [p for p in pts if np.isfinite(p.test_loss)]
        self.test_curve.setData([p.step for p in test], [p.test_loss for p in test])
        self.marker.setVisible(not self.per_epoch.isChecked() and s.step > 0)
        self.marker.setValue(s.step)


class MetricsDock(_Dock):
    """Accuracy, per-class precision/recall/F1 with macro averages and the confusion matrix;
    MSE and MAE for regression. On the test set when there is one, else the training set."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Metrics", session, parent)
        body = QWidget()
        lay = QVBoxLayout(body)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.table = QTableWidget()
        self.confusion = QTableWidget()
        row = QHBoxLayout()
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(QLabel("Per class"))
        left.addWidget(self.table)
        right.addWidget(QLabel("Confusion matrix (rows: true class, columns: predicted)"))
        right.addWidget(self.confusion)
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        lay.addLayout(row)
        self.setWidget(body)

    def refresh(self) -> None:
        s = self.session
        ev = s.evaluation()
        ds = s.engine.dataset
        which = "test" if ds.n_test else "training"
        if ev.train_report is None:
            mse, mae = ev.test_errors or ev.train_errors
            self.summary.setText(
                f"Regression on the {which} set after step {ev.step}: MSE {mse:.4g}, MAE {mae:.4g}"
            )
            self.table.setRowCount(0)
            self.confusion.setRowCount(0)
            return
        rep = ev.test_report or ev.train_report
        self.summary.setText(
            f"{which.capitalize()} set after step {ev.step}: accuracy {rep.accuracy:.3f} · "
            f"macro precision {rep.macro_precision:.3f} · macro recall {rep.macro_recall:.3f} · "
            f"macro F1 {rep.macro_f1:.3f}"
            + (f"   (training accuracy {ev.train_report.accuracy:.3f})" if ev.test_report else "")
        )
        names = (
            ds.target_names
            if len(ds.target_names) == len(rep.precision)
            else [f"class {i}" for i in range(len(rep.precision))]
        )
        self.table.setColumnCount(3)
        self.table.setHorizontalHeaderLabels(["precision", "recall", "F1"])
        self.table.setRowCount(len(names))
        self.table.setVerticalHeaderLabels(names)
        for i in range(len(names)):
            for j, v in enumerate((rep.precision[i], rep.recall[i], rep.f1[i])):
                self.table.setItem(i, j, QTableWidgetItem(f"{v:.3f}"))
        k = rep.confusion.shape[0]
        self.confusion.setRowCount(k)
        self.confusion.setColumnCount(k)
        self.confusion.setHorizontalHeaderLabels(names)
        self.confusion.setVerticalHeaderLabels(names)
        for i in range(k):
            for j in range(k):
                item = QTableWidgetItem(str(int(rep.confusion[i, j])))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.confusion.setItem(i, j, item)


class BoundaryDock(_Dock):
    """The network's output over the input plane, with the training (filled) and test (hollow)
    points; only for networks with two inputs."""

    RESOLUTION = 200

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Decision boundary", session, parent)
        body = QWidget()
        lay = QVBoxLayout(body)
        self.note = QLabel()
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        self.plot = pg.PlotWidget()
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

    def refresh(self) -> None:
        s = self.session
        style_plot(self.plot, self.dark)
        ds = s.engine.dataset
        if ds.n_inputs != 2:
            self.note.setText(
                f"The decision boundary is drawn for networks with 2 inputs; this "
                f"one has {ds.n_inputs}, so its input space cannot be shown as a plane."
            )
            self.plot.setVisible(False)
            return
        self.plot.setVisible(True)
        grid = output_grid(s.engine_after_shown(), self.RESOLUTION)
        self.grid = grid
        out = grid.outputs
        if out.shape[2] == 1:
            v = out[:, :, 0]
            lo, hi = (-1.0, 1.0) if s.spec.activations[-1] == "tanh" else (0.0, 1.0)
            if s.engine.dataset.task == "regression":
                lo, hi = float(v.min()), float(v.max()) + 1e-12
            t = np.clip((v - lo) / (hi - lo), 0, 1)[..., None]
            blue, orange = np.array([33, 102, 172]), np.array([194, 90, 0])
            white = np.array([247, 247, 247])
            rgb = np.where(
                t < 0.5, blue + (white - blue) * (t * 2), white + (orange - white) * (t * 2 - 1)
            )
        else:
            cls = out.argmax(axis=2)
            conf = out.max(axis=2)[..., None]
            cols = np.array([pg.mkColor(c).getRgb()[:3] for c in CLASS_COLOURS], dtype=float)
            rgb = 247 + (cols[cls % len(cols)] - 247) * (0.25 + 0.6 * conf)
        self.image.setImage(np.transpose(rgb.astype(np.uint8), (1, 0, 2)), levels=(0, 255))
        self.image.setRect(grid.x0, grid.y0, grid.x1 - grid.x0, grid.y1 - grid.y0)
        self.note.setText(
            f"Network output over the input plane after step {s.step} "
            f"({self.RESOLUTION}×{self.RESOLUTION} points); filled: training, "
            "hollow: test"
        )
        if self._points_of is ds:  # the points only change with the data
            return
        self._points_of = ds
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


class ActivationDock(_Dock):
    """σ and σ' of the selected neuron's layer, with the neuron's operating point on both."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Activation function", session, parent)
        self.plot = pg.PlotWidget()
        self.plot.addLegend(offset=(10, 10))
        self.f_curve = self.plot.plot(name="σ(z)", pen=pg.mkPen("#2166ac", width=2))
        self.d_curve = self.plot.plot(name="σ'(z)", pen=pg.mkPen("#c25a00", width=2))
        self.points = pg.ScatterPlotItem(size=11, brush=pg.mkBrush("#d1008f"))
        self.plot.addItem(self.points)
        self.plot.setLabel("bottom", "z")
        self.setWidget(self.plot)
        self.z = torch.linspace(-6, 6, 241, dtype=torch.float64)

    def layer(self) -> int:
        sel = self.session.selection
        if sel is not None and sel.kind == "neuron" and sel.layer > 0:
            return sel.layer
        return 1

    def refresh(self) -> None:
        s = self.session
        style_plot(self.plot, self.dark)
        li = self.layer()
        name = s.spec.activations[li - 1]
        a, d = activations.curve(name, self.z)
        self.f_curve.setData(self.z.numpy(), a.numpy())
        self.d_curve.setData(self.z.numpy(), d.numpy())
        title = f"layer {li}: {name}"
        tr = s.trace()
        sel = s.selection
        if tr is not None and sel is not None and sel.kind == "neuron" and sel.layer > 0:
            lay = tr.layers[li - 1]
            z = lay.pre_activation[s.sample, sel.row]
            self.points.setData(
                [z, z], [lay.activation[s.sample, sel.row], lay.activation_grad[s.sample, sel.row]]
            )
            title += f" · neuron {sel.row + 1}: z = {z:.3f}"
        else:
            self.points.setData([], [])
        self.plot.setTitle(title)


class GradientsDock(_Dock):
    """‖∂L/∂W‖ of every layer over time (log scale), and histograms of the selected layer's
    weights and gradients at the shown step."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Gradients", session, parent)
        body = QWidget()
        lay = QVBoxLayout(body)
        self.norms = pg.PlotWidget()
        self.norms.setLogMode(y=True)
        self.norms.setLabel("left", "‖∂L/∂W‖")
        self.norms.setLabel("bottom", "step")
        self.norms.addLegend(offset=(-10, 10))
        self.hist = pg.PlotWidget()
        lay.addWidget(self.norms, 2)
        lay.addWidget(self.hist, 1)
        self.setWidget(body)
        self.curves: list = []

    def refresh(self) -> None:
        s = self.session
        style_plot(self.norms, self.dark)
        style_plot(self.hist, self.dark)
        norms = s.history.grad_norms()
        n_layers = len(s.spec.layers) - 1
        if len(self.curves) != n_layers:
            self.norms.clear()
            self.norms.addLegend(offset=(-10, 10))
            self.curves = [
                self.norms.plot(name=f"W{k + 1}", pen=pg.mkPen(CLASS_COLOURS[k % 10], width=1.5))
                for k in range(n_layers)
            ]
        steps = np.arange(1, len(norms) + 1)
        for k, curve in enumerate(self.curves):
            ok = np.isfinite(norms[:, k]) & (norms[:, k] > 0)
            curve.setData(steps[ok], norms[ok, k])
        self.hist.clear()
        tr = s.trace()
        sel = s.selection
        li = (
            sel.layer
            if sel is not None and sel.kind == "neuron" and sel.layer > 0
            else (sel.layer + 1 if sel is not None and sel.kind == "edge" else n_layers)
        )
        if tr is None:
            self.hist.setTitle("histograms appear after the first step")
            return
        lay = tr.layers[li - 1]
        for values, colour, label in (
            (lay.weights_before, "#2166ac", "weights"),
            (lay.weight_grad, "#c25a00", "gradients"),
        ):
            v = values[np.isfinite(values)].ravel()
            if v.size == 0:
                continue
            counts, edges = np.histogram(v, bins=30)
            self.hist.plot(
                edges,
                counts,
                stepMode="center",
                fillLevel=0,
                brush=pg.mkBrush(pg.mkColor(colour).getRgb()[:3] + (90,)),
                pen=pg.mkPen(colour),
                name=label,
            )
        self.hist.setTitle(f"layer {li}: weights (blue) and gradients (orange) at step {tr.step}")


class ShapesDock(_Dock):
    """Every tensor of the current phase with its shape, and the equation in matrix form."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Tensor shapes", session, parent)
        self.text = QTextBrowser()
        self.setWidget(self.text)

    def refresh(self) -> None:
        s = self.session
        tr = s.trace()
        batch = tr.batch_size if tr else min(s.spec.batch_size, s.engine.dataset.n_train)
        lines = tensor_shapes(s.phase_name(), tuple(s.spec.layers), batch)
        self.text.setHtml("<pre>" + html.escape("\n".join(lines)) + "</pre>")


def make_docks(session: Session, parent=None) -> list[_Dock]:
    return [
        LossDock(session, parent),
        MetricsDock(session, parent),
        BoundaryDock(session, parent),
        ActivationDock(session, parent),
        GradientsDock(session, parent),
        ShapesDock(session, parent),
    ]
