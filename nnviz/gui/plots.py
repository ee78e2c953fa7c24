"""Analysis views as docks (pyqtgraph): loss curves, metrics, decision boundary, activation
function, gradient sizes per layer, tensor shapes. Each follows the session's step and phase."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nnviz.core import activations
from nnviz.core.analysis import computed_so_far, tensor_shapes
from nnviz.core.numfmt import fmt
from nnviz.gui.boundary import BoundaryDock
from nnviz.gui.dockbase import LIVE_INTERVAL_S, TidyAxis, plot_widget, style_plot
from nnviz.gui.dockbase import Dock as _Dock
from nnviz.gui.lossplot import LossDock
from nnviz.gui.predict_panel import keeps_back, predict_key
from nnviz.gui.session import Session
from nnviz.render.colormap import CLASS_COLOURS

__all__ = [
    "LIVE_INTERVAL_S",
    "ActivationDock",
    "BoundaryDock",
    "GradientsDock",
    "LossDock",
    "MetricsDock",
    "ShapesDock",
    "make_docks",
]


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
        self.compare_label = QLabel(
            "Runs compared (ticked in the Runs dock), at their last evaluation"
        )
        self.compare = QTableWidget()
        self.compare.setMaximumHeight(150)
        lay.addWidget(self.compare_label)
        lay.addWidget(self.compare)
        for table in (self.table, self.confusion):
            table.setMinimumHeight(90)  # a header and two classes stay readable
        body.setMinimumWidth(320)
        session.compare_changed.connect(self._update)
        session.runs_changed.connect(self._invalidate)
        self.setWidget(body)

    def view_key(self) -> tuple:
        return (self.session.step,)

    def refresh(self) -> None:
        self._compared()
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

    def _compared(self) -> None:
        """The shown run and the runs ticked for comparison, each at its last recorded
        evaluation (the same numbers as its loss curves)."""
        s = self.session
        runs = [s.run, *s.compared_runs()] if s.compared_runs() else []
        self.compare_label.setVisible(bool(runs))
        self.compare.setVisible(bool(runs))
        if not runs:
            return
        cols = ["step", "training loss", "test loss", "accuracy", "macro F1"]
        self.compare.setColumnCount(len(cols))
        self.compare.setHorizontalHeaderLabels(cols)
        self.compare.setRowCount(len(runs))
        self.compare.setVerticalHeaderLabels([r.name for r in runs])
        for i, run in enumerate(runs):
            ev = run.evals[-1] if run.evals else None
            rep = None if ev is None else (ev.test_report or ev.train_report)
            cells = ["–"] * len(cols)
            if ev is not None:
                cells[0] = f"{ev.step:,}"
                cells[1] = fmt(ev.train_loss, 4)
                cells[2] = fmt(ev.test_loss, 4) if np.isfinite(ev.test_loss) else "–"
            if rep is not None:
                cells[3], cells[4] = f"{rep.accuracy:.3f}", f"{rep.macro_f1:.3f}"
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.compare.setItem(i, j, item)


class ActivationDock(_Dock):
    """σ and σ' of the selected neuron's layer, with the neuron's operating point on both."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Activation function", session, parent)
        self.plot = plot_widget()
        self.plot.addLegend(offset=(10, 10))
        self.f_curve = self.plot.plot(name="σ(z)", pen=pg.mkPen("#2166ac", width=2))
        self.d_curve = self.plot.plot(name="σ'(z)", pen=pg.mkPen("#c25a00", width=2))
        self.points = pg.ScatterPlotItem(size=11, brush=pg.mkBrush("#d1008f"))
        self.plot.addItem(self.points)
        self.plot.setLabel("bottom", "z")
        self.setWidget(self.plot)
        self.z = torch.linspace(-6, 6, 241, dtype=torch.float64)
        self.restyle()

    def view_key(self) -> tuple:
        s = self.session
        return (s.step, s.selection, s.sample, predict_key(s))

    def restyle(self) -> None:
        style_plot(self.plot, self.dark)

    def layer(self) -> int:
        sel = self.session.selection
        if sel is not None and sel.kind == "neuron" and sel.layer > 0:
            return sel.layer
        return 1

    def refresh(self) -> None:
        s = self.session
        li = self.layer()
        name = s.spec.activations[li - 1]
        a, d = activations.curve(name, self.z)
        self.f_curve.setData(self.z.numpy(), a.numpy())
        self.d_curve.setData(self.z.numpy(), d.numpy())
        title = f"layer {li}: {name}"
        tr = s.trace()
        sel = s.selection
        if (
            tr is not None
            and sel is not None
            and sel.kind == "neuron"
            and sel.layer > 0
            and not keeps_back(s, f"forward-L{li}")
        ):
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
    weights and gradients at the shown step, side by side (their ranges differ by orders of
    magnitude: on one axis the gradients would be a spike at zero)."""

    HIST_BINS = 30

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Gradients", session, parent)
        self.layout_widget = pg.GraphicsLayoutWidget()
        self.layout_widget.setMinimumSize(360, 270)  # the histograms stay readable
        grid = self.layout_widget.ci
        self.norms = grid.addPlot(
            row=0,
            col=0,
            colspan=2,
            axisItems={"left": TidyAxis("left"), "bottom": TidyAxis("bottom")},
        )
        self.norms.setLogMode(y=True)
        self.norms.setLabel("left", "‖∂L/∂W‖")
        self.norms.setLabel("bottom", "step")
        # inside the view, top right, compact: a deep network's layers in a few columns
        self.norms.addLegend(offset=(-10, 5), labelTextSize="8pt", verSpacing=-6)
        self.hist_w = grid.addPlot(row=1, col=0, axisItems={"bottom": TidyAxis("bottom")})
        self.hist_g = grid.addPlot(row=1, col=1, axisItems={"bottom": TidyAxis("bottom")})
        for item in (self.hist_w, self.hist_g):
            item.setLabel("left", "count")
            item.setMinimumHeight(110)
        self.norms.setMinimumHeight(150)
        grid.layout.setRowStretchFactor(0, 3)
        grid.layout.setRowStretchFactor(1, 2)
        self.hist = self.hist_w  # the weights' histogram (kept name)
        self.setWidget(self.layout_widget)
        self.curves: list = []
        self.restyle()

    def view_key(self) -> tuple:
        return (self.session.step, self.session.selection, predict_key(self.session))

    def restyle(self) -> None:
        style_plot(self.layout_widget, self.dark, (self.norms, self.hist_w, self.hist_g))
        legend = self.norms.legend
        if legend is not None:  # readable over the curves it lies on
            legend.setBrush(pg.mkBrush("#17191cdd" if self.dark else "#ffffffdd"))
            legend.setPen(pg.mkPen("#6e7781"))
            colour = "#e8eaed" if self.dark else "#1f2328"
            legend.setLabelTextColor(colour)
            for _sample, label in legend.items:  # drawn labels take a colour on setText
                label.setText(label.text, color=colour)

    def refresh(self) -> None:
        s = self.session
        norms = s.history.grad_norms()
        n_layers = len(s.spec.layers) - 1
        if len(self.curves) != n_layers:
            self.norms.clear()
            if self.norms.legend is not None:
                self.norms.legend.clear()
                self.norms.legend.setColumnCount(-(-n_layers // 2))  # at most 2 rows
            self.curves = [
                self.norms.plot(name=f"W{k + 1}", pen=pg.mkPen(CLASS_COLOURS[k % 10], width=1.5))
                for k in range(n_layers)
            ]
            self.restyle()  # the new legend entries in the theme's text colour
        steps = np.arange(1, len(norms) + 1)
        for k, curve in enumerate(self.curves):
            ok = np.isfinite(norms[:, k]) & (norms[:, k] > 0)
            curve.setData(steps[ok], norms[ok, k])
        self.hist_w.clear()
        self.hist_g.clear()
        tr = s.trace()
        sel = s.selection
        li = (
            sel.layer
            if sel is not None and sel.kind == "neuron" and sel.layer > 0
            else (sel.layer + 1 if sel is not None and sel.kind == "edge" else n_layers)
        )
        if tr is None:
            self.hist_w.setTitle("histograms appear after the first step")
            self.hist_g.setTitle("")
            return
        lay = tr.layers[li - 1]
        for item, values, colour, label in (
            (self.hist_w, lay.weights_before, "#2166ac", f"weights W{li}"),
            (self.hist_g, lay.weight_grad, "#c25a00", f"gradients ∂L/∂W{li}"),
        ):
            if values is lay.weight_grad and keeps_back(s, f"backward-L{li}"):
                item.setTitle(f"{label} · step {tr.step}: predict, then reveal")
                continue
            item.setTitle(f"{label} · step {tr.step}")
            v = values[np.isfinite(values)].ravel()
            if v.size == 0:
                continue
            counts, edges = np.histogram(v, bins=self.HIST_BINS)
            item.plot(
                edges,
                counts,
                stepMode="center",
                fillLevel=0,
                brush=pg.mkBrush(pg.mkColor(colour).getRgb()[:3] + (90,)),
                pen=pg.mkPen(colour),
            )


class ShapesDock(_Dock):
    """Every tensor of the current phase with its shape, and the equation in matrix form."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__("Tensor shapes", session, parent)
        self.text = QTextBrowser()
        self.text.setMinimumSize(260, 120)  # a few lines of shapes stay readable
        self.setWidget(self.text)

    def view_key(self) -> tuple:
        return (self.session.step, self.session.phase)

    def refresh(self) -> None:
        s = self.session
        tr = s.trace()
        batch = tr.batch_size if tr else min(s.spec.batch_size, s.engine.dataset.n_train)
        sizes = tuple(s.spec.layers)
        lines = tensor_shapes(s.phase_name(), sizes, batch, s.spec.optimizer)
        known = computed_so_far(s.phase_name(), sizes, batch)
        if known:  # only what the step has computed by this phase
            lines = [*lines, "", "computed so far: " + ", ".join(known)]
        body = html.escape("\n".join(lines))
        self.text.setHtml(f"<pre style='white-space: pre-wrap'>{body}</pre>")


def make_docks(session: Session, parent=None) -> list[_Dock]:
    return [
        LossDock(session, parent),
        MetricsDock(session, parent),
        BoundaryDock(session, parent),
        ActivationDock(session, parent),
        GradientsDock(session, parent),
        ShapesDock(session, parent),
    ]
