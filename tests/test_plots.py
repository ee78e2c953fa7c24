"""Analysis views show the engine's data: loss curve points are the recorded losses, the heatmap
is the network's output, metrics are the evaluation's."""

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from nnviz.core.analysis import evaluate
from nnviz.core.netfile import load
from nnviz.gui.main_window import MainWindow
from nnviz.gui.plots import (
    ActivationDock,
    BoundaryDock,
    GradientsDock,
    LossDock,
    MetricsDock,
    ShapesDock,
)
from nnviz.gui.session import Selection, Session
from tests import reference as ref


@pytest.fixture
def win(qtbot, tmp_path):
    def make(name):
        spec, base = load(name)
        w = MainWindow(
            Session(spec, base, name),
            QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
        )
        w.show_error = lambda *a: None
        qtbot.addWidget(w)
        w.resize(1400, 900)
        w.show()
        qtbot.waitExposed(w)
        return w

    return make


def dock(w, cls):
    d = next(d for d in w.docks if isinstance(d, cls))
    d.show()
    d.raise_()
    d.refresh()
    return d


def test_loss_curve_points_equal_history(win):
    w = win("spiral")
    for _ in range(12):
        w.session.next_step()
    d = dock(w, LossDock)
    xs, ys = d.batch_curve.getData()
    np.testing.assert_array_equal(ys, w.session.history.losses())
    np.testing.assert_array_equal(xs, np.arange(1, 13))
    ev = w.session.evaluation()
    tx, ty = d.train_curve.getData()
    assert tx[-1] == 12 and ty[-1] == ev.train_loss
    assert d.marker.value() == 12
    d.per_epoch.setChecked(True)
    xs, ys = d.batch_curve.getData()
    assert xs[0] == 1 and ys[0] == pytest.approx(w.session.history.losses().mean())


def test_heatmap_is_the_network_output(win):
    w = win("xor")
    w.session.next_epoch()
    d = dock(w, BoundaryDock)
    grid = d.grid
    xs, ys = grid.points()
    ws, bs = w.session.parameters()
    _, acts = ref.forward(ws, bs, w.session.spec.activations, np.array([[xs[17], ys[150]]]))
    assert abs(grid.outputs[150, 17, 0] - acts[-1][0, 0]) < 1e-12
    assert grid.outputs.shape[0] > 100  # sharper than a 100×100 grid


def test_boundary_note_for_other_inputs(win, tmp_path):
    import json

    path = tmp_path / "n.json"
    path.write_text(
        json.dumps(
            {
                "layers": [3, 2, 1],
                "activations": "sigmoid",
                "data": {"inputs": [[1, 2, 3]], "targets": [[1]]},
                "batch_size": 1,
            }
        )
    )
    w = win("xor")
    assert w.open_network(str(path))
    d = dock(w, BoundaryDock)
    assert "2 inputs" in d.note.text() and "has 3" in d.note.text()


def test_metrics_match_evaluation(win):
    w = win("gaussians3")
    for _ in range(30):
        w.session.next_step()
    d = dock(w, MetricsDock)
    ev = evaluate(w.session.engine, 30)
    assert f"accuracy {ev.test_report.accuracy:.3f}" in d.summary.text()
    total = sum(int(d.confusion.item(i, j).text()) for i in range(3) for j in range(3))
    assert total == w.session.engine.dataset.n_test
    assert d.table.item(0, 0).text() == f"{ev.test_report.precision[0]:.3f}"


def test_regression_metrics(win):
    w = win("regression")
    w.session.next_step()
    d = dock(w, MetricsDock)
    assert "MSE" in d.summary.text() and "MAE" in d.summary.text()


def test_activation_plot_operating_point(win):
    w = win("spiral")
    w.session.next_phase()
    w.session.select(Selection("neuron", 1, 2))
    d = dock(w, ActivationDock)
    lay = w.session.trace().layers[0]
    xs, ys = d.points.getData()
    assert xs[0] == lay.pre_activation[0, 2]
    assert ys[0] == lay.activation[0, 2] and ys[1] == lay.activation_grad[0, 2]
    zs, fs = d.f_curve.getData()
    np.testing.assert_allclose(fs, np.tanh(zs), atol=1e-12)


def test_gradient_norms_show_vanishing(win):
    w = win("deep-sigmoid")
    w.session.next_epoch()
    d = dock(w, GradientsDock)
    first = d.curves[0].getOriginalDataset()[1]
    last = d.curves[-1].getOriginalDataset()[1]
    np.testing.assert_allclose(first, w.session.history.grad_norms()[:, 0], rtol=1e-6)
    assert first.mean() < last.mean() / 10


def test_shapes_follow_phase(win):
    w = win("two-two-two")
    for _ in range(4):
        w.session.next_phase()
    d = dock(w, ShapesDock)
    assert "δ2[1,2] = ∂L/∂Y[1,2] ⊙ σ'(Z2)[1,2]" in d.text.toPlainText()


def test_loss_axis_shows_plain_numbers(win, qtbot):
    w = win("two-two-two")
    w.session.next_step()
    d = dock(w, LossDock)
    qtbot.waitUntil(d.plot.isVisible)
    d.refresh()
    ax = d.plot.getAxis("left")
    assert ax.autoSIPrefixScale == 1.0 and ax.scale == 1.0
    assert "0.2" in " ".join(ax.tickStrings([0.29, 0.30], ax.scale * ax.autoSIPrefixScale, 0.01))
