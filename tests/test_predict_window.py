"""Predict, then reveal in the window and lecture mode: the toggle, a click on a neuron, typed
answers checked (a decimal comma right; a wrong one with its diagnosis), the score and its report,
Reveal (R) showing the numbers, revealed phases staying revealed, and nothing of a hidden phase on
the canvas, in the inspector, the status bar or the loss chart."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QImage, QPainter

from nnviz.core.numfmt import fmt
from nnviz.gui.inspector import inspector_lines
from nnviz.render.renderer import NetworkRenderer

# the 2-2-2 example by hand (see test_predict.py)
X = np.array([0.05, 0.10])
T = np.array([0.01, 0.99])
W1 = np.array([[0.15, 0.20], [0.25, 0.30]])
W2 = np.array([[0.40, 0.45], [0.50, 0.55]])
A1 = 1 / (1 + np.exp(-(W1 @ X + 0.35)))
A2 = 1 / (1 + np.exp(-(W2 @ A1 + 0.60)))
D2 = (A2 - T) * A2 * (1 - A2)
BACK = W2.T @ D2
SP1 = A1 * (1 - A1)
LOSS = 0.5 * np.sum((A2 - T) ** 2)


def _labels(win):
    """Every text the canvas draws for what the window shows now."""
    image = QImage(win.canvas.size(), QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    try:
        info = NetworkRenderer().paint(painter, QRectF(win.canvas.rect()), win.canvas.scene())
    finally:
        painter.end()
    return " ".join([*(lab.text for lab in info.labels), win.canvas.scene().header])


def _click_neuron(qtbot, win, layer, i):
    win.canvas.repaint()
    x, y = win.canvas.info.layout.neuron_pos(layer, i)
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=QPoint(int(x), int(y)))
    qtbot.waitUntil(lambda: win.session.selection is not None)
    assert (win.session.selection.layer, win.session.selection.row) == (layer, i)


def _answer(qtbot, win, text):
    dock = win.predict
    dock.answer.clear()
    qtbot.keyClicks(dock.answer, text)
    qtbot.keyClick(dock.answer, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dock.verdict.text() != "")
    return dock.verdict.text()


@pytest.fixture
def win(main_window, qtbot):
    w = main_window("two-two-two", size=(1500, 900))
    w.act_predict.setChecked(True)
    w.predict.show()
    return w


def test_predict_flow(qtbot, win):
    s = win.session
    for _ in range(3):
        s.next_phase()
    assert s.phase_name() == "loss" and s.phase_hidden()
    assert "L = ?" in _labels(win) and fmt(LOSS, 3) not in _labels(win)
    assert "loss 0." not in win.status.text()  # the status bar keeps the secret too
    win.act_reveal.trigger()
    assert not s.phase_hidden() and fmt(LOSS, 3) in _labels(win)
    assert "loss 0.2984" in win.status.text()
    s.next_phase()  # backward-L2: output δ hidden
    assert s.phase_hidden()
    assert "δ ?" in _labels(win) and fmt(D2[0], 3) not in _labels(win)
    _click_neuron(qtbot, win, 2, 0)
    lines = " ".join(inspector_lines(s))
    assert fmt(D2[0], 4) not in lines and "computed in backward-L2" in lines
    assert win.predict.kind_box.currentText() == "δ of neuron 1 in the output layer"
    text = _answer(qtbot, win, "0,1385")
    assert "Right." in text
    assert win.predict.score_label.text() == "Score: 1 of 1 right at the first try"
    # R in the window reveals the phase (focus on the canvas, not the answer field)
    win.canvas.setFocus()
    qtbot.keyClick(win.canvas, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: not s.phase_hidden())
    assert fmt(D2[0], 3) in _labels(win)
    assert fmt(D2[0], 4) in " ".join(inspector_lines(s))
    s.next_phase()  # backward-L1: hidden δ
    _click_neuron(qtbot, win, 1, 0)
    wrong = A1[0] * BACK[0]  # a used for σ′(z)
    text = _answer(qtbot, win, f"{wrong:.4g}".replace(".", ","))
    assert "Not quite." in text
    assert (
        f"σ′(z) should be <nobr>{fmt(SP1[0], 4)}</nobr>; you used <nobr>{fmt(A1[0], 4)}</nobr>"
        in text
    )
    assert win.predict.score_label.text() == "Score: 1 of 2 right at the first try"
    report = win.predict.score.report()
    assert "hidden δ: 0 of 1 right" in report and "output δ: 1 of 1 right" in report
    # revealed phases stay revealed going back; the unrevealed one is hidden again
    s.prev_phase()
    assert not s.phase_hidden()
    s.next_phase()
    assert s.phase_hidden()
    assert win.predict.reveal_button.isEnabled()
    qtbot.mouseClick(win.predict.reveal_button, Qt.MouseButton.LeftButton)
    assert not s.phase_hidden() and not win.predict.reveal_button.isEnabled()


def test_junk_answer_and_export(qtbot, win, tmp_path):
    s = win.session
    s.next_phase()
    _click_neuron(qtbot, win, 1, 1)
    assert win.predict.kind_box.count() == 3  # z, a, σ′ at forward-L1
    text = _answer(qtbot, win, "1,234.5")
    assert "both a comma and a point" in text and win.predict.score.asked == 0
    assert not win.predict.export_button.isEnabled()
    win.predict.kind_box.setCurrentIndex(0)  # z
    _answer(qtbot, win, "0,3925")
    assert win.predict.score.right_first == 1
    out = tmp_path / "report.md"
    assert win.predict.save_report(str(out))
    assert "z: 1 of 1 right" in out.read_text(encoding="utf-8")
    assert not win.predict.save_report(str(tmp_path / "missing" / "r.md"))
    assert len(win.errors) == 1


def test_toggle_is_remembered_and_off_shows_everything(qtbot, main_window):
    w = main_window("two-two-two")
    assert not w.act_predict.isChecked()
    w.session.next_phase()
    assert not w.session.phase_hidden() and "?" not in _labels(w)
    w.act_predict.setChecked(True)
    assert w.session.phase_hidden() and "?" in _labels(w)
    assert w.settings.value("predict", type=bool) is True
    w2 = main_window("two-two-two")
    assert w2.act_predict.isChecked()
    w2.act_predict.setChecked(False)
    assert w2.settings.value("predict", type=bool) is False


def test_lecture_keys(qtbot, main_window):
    w = main_window("two-two-two")
    w.toggle_lecture()
    lecture = w.lecture
    qtbot.waitExposed(lecture)
    qtbot.keyClick(lecture, Qt.Key.Key_Q)
    assert w.session.reveals.on and w.act_predict.isChecked()  # the window's toggle follows
    qtbot.keyClick(lecture, Qt.Key.Key_Right)
    assert w.session.phase_hidden()
    qtbot.keyClick(lecture, Qt.Key.Key_R)
    assert not w.session.phase_hidden()
    qtbot.keyClick(lecture, Qt.Key.Key_Q)
    assert not w.session.reveals.on
    lecture.leave()


def test_analysis_docks_keep_a_hidden_phase_back(qtbot, win):
    from nnviz.gui.plots import ActivationDock, GradientsDock
    from nnviz.gui.session import Selection

    def dock(cls):
        d = next(d for d in win.docks if isinstance(d, cls))
        d.show()
        d.raise_()
        d.refresh()
        return d

    s = win.session
    s.next_phase()  # forward-L1, hidden
    s.select(Selection("neuron", 1, 0))
    act = dock(ActivationDock)
    assert act.points.getData()[0] is None or len(act.points.getData()[0]) == 0
    assert fmt(0.3775, 3) not in act.plot.getPlotItem().titleLabel.text
    win.act_reveal.trigger()
    act.refresh()
    xs, ys = act.points.getData()
    assert xs[0] == pytest.approx(0.3775) and ys[0] == pytest.approx(A1[0])
    for _ in range(3):
        s.next_phase()  # backward-L2, hidden
    s.select(Selection("edge", 1, 0, 0))
    grads = dock(GradientsDock)
    assert "predict, then reveal" in grads.hist_g.titleLabel.text
    assert grads.hist_g.listDataItems() == []
    win.act_reveal.trigger()
    grads.refresh()
    assert grads.hist_g.listDataItems() != []
