"""Analysis views show the engine's data: loss curve points are the recorded losses, the heatmap
is the network's output, metrics are the evaluation's."""

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from nnviz.core.analysis import evaluate, output_grid
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
    assert d.marker.value() == 12
    per_epoch = w.session.engine.batches_per_epoch
    w.session.goto_step(12)
    w.session.next_epoch()
    w.session.next_epoch()  # the whole sets are evaluated after every epoch
    d.refresh()
    tx, ty = d.train_curve.getData()
    assert list(tx) == [per_epoch, 2 * per_epoch]
    ds = w.session.engine.dataset
    for step, loss in zip(tx, ty, strict=True):
        ws, bs = w.session.history.parameters_after(int(step))
        expected = ref.batch_loss(ws, bs, w.session.spec.activations, w.session.spec.loss,
                                  ds.x_train, ds.t_train)  # fmt: skip
        assert loss == pytest.approx(expected, rel=1e-9)
    d.per_epoch.setChecked(True)
    xs, ys = d.batch_curve.getData()
    assert xs[0] == 1 and ys[0] == pytest.approx(w.session.history.losses()[:per_epoch].mean())


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


def test_docks_redraw_after_the_canvas_and_skip_phase_changes(win, qtbot):
    from PySide6.QtCore import QEvent, QObject

    w = win("spiral")
    d = dock(w, LossDock)
    log = []
    refresh = d.refresh

    def counted():
        log.append(("loss", w.session.step))
        refresh()

    d.refresh = counted

    class Paints(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                log.append(("canvas", w.session.step))
            return False

    paints = Paints()
    w.canvas.installEventFilter(paints)
    w.canvas.update()
    qtbot.waitUntil(lambda: ("canvas", 0) in log)  # the window has settled
    log.clear()
    w.session.next_phase()  # trains step 1
    assert ("loss", 1) not in log  # not before the canvas has painted
    qtbot.waitUntil(lambda: ("loss", 1) in log)
    assert log.index(("canvas", 1)) < log.index(("loss", 1))
    for _ in range(3):  # more phases of the same step: the loss curve has nothing new to show
        painted = len(log)
        w.session.next_phase()
        qtbot.waitUntil(lambda painted=painted: len(log) > painted)
    qtbot.waitUntil(lambda: not d._pending.isActive())
    assert [e for e in log if e[0] == "loss"] == [("loss", 1)]
    w.session.prev_step()  # back to before training: the marker moves
    qtbot.waitUntil(lambda: ("loss", 0) in log)


def image_rect(d):
    r = d.image.mapRectToParent(d.image.boundingRect())
    return [r.left(), r.top(), r.width(), r.height()]


def grid_rect(g):
    return [g.x0, g.y0, g.x1 - g.x0, g.y1 - g.y0]


def test_boundary_is_coarse_while_playing_and_sharp_after(win, qtbot):
    w = win("spiral")
    d = dock(w, BoundaryDock)
    w.session.play()
    qtbot.waitUntil(
        lambda: d.grid is not None and d.grid.outputs.shape[0] == d.LIVE_RESOLUTION,
        timeout=20000,
    )
    assert image_rect(d) == pytest.approx(grid_rect(d.grid))  # the coarse image fills the plane
    w.session.pause()
    qtbot.waitUntil(lambda: d.grid.outputs.shape[0] == d.RESOLUTION)
    assert image_rect(d) == pytest.approx(grid_rect(d.grid))
    expect = output_grid(w.session.engine, d.RESOLUTION)  # the output after the last step
    np.testing.assert_array_equal(d.grid.outputs, expect.outputs)


def test_thinned_loss_curve_keeps_each_runs_extremes():
    from nnviz.gui.lossplot import peak_thin

    rng = np.random.default_rng(0)
    values = rng.random(100_003)
    values[[7, 500]] = np.nan, np.inf
    xs, ys = peak_thin(values, 4000)
    assert len(xs) <= 4000 and np.all(np.isfinite(ys)) and np.all(np.diff(xs) >= 0)
    finite = values[np.isfinite(values)]
    assert ys.min() == finite.min() and ys.max() == finite.max()
    assert xs[0] >= 1 and xs[-1] <= len(values)
    short = values[:50]
    xs, ys = peak_thin(short, 4000)  # short curves: every finite point as it is
    ok = np.isfinite(short)
    np.testing.assert_array_equal(xs, np.arange(1, 51)[ok])
    np.testing.assert_array_equal(ys, short[ok])


def test_loss_curve_has_every_point_again_after_play(win, qtbot, monkeypatch):
    from nnviz.gui import lossplot

    monkeypatch.setattr(lossplot, "LIVE_POINTS", 40)
    w = win("spiral")
    d = dock(w, LossDock)
    w.session.play()
    qtbot.waitUntil(lambda: w.session.n_steps > 200, timeout=20000)
    qtbot.waitUntil(lambda: 0 < len(d.batch_curve.getOriginalDataset()[0]) <= 40)
    w.session.pause()
    xs, ys = d.batch_curve.getOriginalDataset()
    np.testing.assert_array_equal(ys, w.session.history.losses())
