"""Plots that stay readable at any size: log-axis tick labels never overlap (rendered at
300×200 and 1200×800), the Gradients dock's histograms each on their own axis."""

import numpy as np
import pytest
from PySide6.QtGui import QImage, QPainter

from nnviz.gui.plots import GradientsDock, LossDock


def label_boxes(axis) -> list:
    """The rectangles and texts of the tick labels the axis would draw now."""
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(rect, text) for rect, _flags, text in specs[2]]


def overlapping(boxes: list) -> list:
    return [
        (a, b) for i, (ra, a) in enumerate(boxes) for rb, b in boxes[i + 1 :] if ra.intersects(rb)
    ]


@pytest.fixture
def loss_dock(main_window):
    win = main_window("two-two-two", size=(1300, 860))
    dock = next(d for d in win.docks if isinstance(d, LossDock))
    dock.log.setChecked(True)
    return win, dock


@pytest.mark.parametrize(("lo", "hi"), [(0.05, 3.0), (1e-3, 1e-2), (0.2, 0.9), (1e-8, 1e2)])
@pytest.mark.parametrize("size", [(300, 200), (1200, 800)])
def test_log_loss_axis_labels_never_overlap(loss_dock, qtbot, lo, hi, size):
    win, dock = loss_dock
    dock.setFloating(False)
    dock.plot.setParent(None)  # the plot alone, at the size under test
    dock.plot.resize(*size)
    dock.plot.show()
    qtbot.waitExposed(dock.plot)
    steps = np.arange(1, 201)
    dock.batch_curve.setData(steps, np.geomspace(hi, lo, len(steps)))
    dock.plot.getViewBox().autoRange()
    dock.plot.getViewBox().prepareForPaint()
    axis = dock.plot.getAxis("left")
    qtbot.waitUntil(lambda: len(label_boxes(axis)) >= 2)  # laid out, and still labelled
    assert overlapping(label_boxes(axis)) == []
    assert overlapping(label_boxes(dock.plot.getAxis("bottom"))) == []
    dock.plot.close()


def test_untidy_axis_would_overlap(qtbot):
    """The case above does overlap with pyqtgraph's own axis: the test can fail."""
    import pyqtgraph as pg

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.setLogMode(y=True)
    plot.resize(300, 200)
    plot.plot(np.arange(1, 101), np.geomspace(0.05, 3.0, 100))
    plot.show()
    qtbot.waitExposed(plot)
    plot.getViewBox().prepareForPaint()
    assert overlapping(label_boxes(plot.getAxis("left"))) != []


def test_gradient_histograms_on_their_own_axes(main_window):
    win = main_window("deep-sigmoid", size=(1300, 860))
    win.session.next_step()
    win.session.last_phase()
    dock = next(d for d in win.docks if isinstance(d, GradientsDock))
    dock.raise_()
    dock.refresh()
    tr = win.session.trace()
    layer = tr.layers[-1]
    n_weights = win.session.spec.layers[-1] * win.session.spec.layers[-2]
    for item, values in ((dock.hist_w, layer.weights_before), (dock.hist_g, layer.weight_grad)):
        (curve,) = item.listDataItems()
        edges, counts = curve.getData()[0], curve.getOriginalDataset()[1]
        assert counts.sum() == n_weights  # every weight counted once
        assert edges.min() == pytest.approx(values.min())  # the bins span this tensor alone
        assert edges.max() == pytest.approx(values.max())
    assert dock.layout_widget.minimumHeight() >= 270
    assert dock.norms.legend is not None
    win.set_theme("dark")  # the legend's text follows the theme, over an opaque background
    assert all(label.opts["color"] == "#e8eaed" for _s, label in dock.norms.legend.items)
    assert dock.norms.legend.opts["brush"].color().alpha() > 200
    # the legend lies inside the norms plot's view box
    legend = dock.norms.legend.sceneBoundingRect()
    assert dock.norms.getViewBox().sceneBoundingRect().contains(legend)
