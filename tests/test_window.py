"""The explorer window, driven as a user would: keys, buttons, clicks; values checked against
the engine's trace, pixels probed on the canvas."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QColor

from nnviz.core.explain import fmt
from nnviz.core.netfile import load
from nnviz.gui import canvas as canvas_mod
from nnviz.gui.main_window import MainWindow
from nnviz.gui.session import Selection, Session
from nnviz.render.export import render_image


@pytest.fixture
def window(qtbot, tmp_path):
    def make(name="two-two-two"):
        spec, base = load(name)
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        win = MainWindow(Session(spec, base, name), settings)
        win.errors = []  # dialogs never block a test: errors are recorded, questions answered yes
        win.show_error = lambda title, text: win.errors.append(text)
        qtbot.addWidget(win)
        win.resize(1200, 800)
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow)
        win.canvas.setFocus()
        return win

    return make


def press(qtbot, win, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(win.canvas, key, modifier)


def test_opens_on_a_network_before_training(window):
    win = window()
    assert win.session.step == 0 and win.session.phase == -1
    assert "2-2-2" in win.windowTitle() or "worked" in win.windowTitle()


def test_phase_keys_walk_the_step_in_order(qtbot, window):
    win = window()
    s = win.session
    seen = []
    for _ in range(6):
        press(qtbot, win, Qt.Key.Key_Right)
        seen.append(s.phase_name())
    assert seen == ["forward-L1", "forward-L2", "loss", "backward-L2", "backward-L1", "update"]
    assert s.step == 1
    press(qtbot, win, Qt.Key.Key_Right)
    assert s.step == 2 and s.phase_name() == "forward-L1"
    press(qtbot, win, Qt.Key.Key_Left)
    assert s.step == 1 and s.phase_name() == "update"
    press(qtbot, win, Qt.Key.Key_Home)
    assert s.phase_name() == "forward-L1"
    press(qtbot, win, Qt.Key.Key_End)
    assert s.phase_name() == "update"


def test_inspector_shows_the_trace_numbers(qtbot, window):
    win = window()
    press(qtbot, win, Qt.Key.Key_Right)
    press(qtbot, win, Qt.Key.Key_End)  # the update phase: every number has been computed
    tr = win.session.trace()
    win.session.select(Selection("neuron", 2, 0))  # first output neuron
    text = win.inspector.text.toPlainText()
    out = tr.layers[1]
    assert fmt(out.activation[0, 0], 4) in text  # 0.7514
    assert fmt(out.delta[0, 0], 4) in text
    assert "0.7514" in text and "0.1385" in text
    win.session.select(Selection("edge", 1, 0, 0))  # w5
    text = win.inspector.text.toPlainText()
    assert "0.3589" in text  # updated w5
    assert "0.08217" in text  # its gradient (0.082167041), four significant figures


def test_back_and_forth_gives_identical_values(qtbot, window):
    win = window("spiral")
    s = win.session
    for _ in range(3 * len(s.phases)):
        press(qtbot, win, Qt.Key.Key_Right)
    first = s.trace()
    img_before = win.canvas.grab_image()
    for _ in range(2 * len(s.phases)):
        press(qtbot, win, Qt.Key.Key_Left)
    for _ in range(2 * len(s.phases)):
        press(qtbot, win, Qt.Key.Key_Right)
    again = s.trace()
    assert again.step == first.step
    for a, b in zip(first.layers, again.layers, strict=False):
        np.testing.assert_array_equal(a.delta, b.delta)
        np.testing.assert_array_equal(a.weights_after, b.weights_after)
    assert win.canvas.grab_image() == img_before


def test_step_and_epoch_buttons(qtbot, window):
    win = window("xor")
    s = win.session
    win.act_next_step.trigger()
    assert s.step == 1 and s.phase_name() == "update"
    win.act_next_epoch.trigger()
    assert s.trace().epoch == 2
    win.act_prev_step.trigger()
    assert s.step == 1


def test_timeline_scrubs_history(qtbot, window):
    win = window("xor")
    s = win.session
    for _ in range(5):
        win.act_next_step.trigger()
    assert win.timeline.slider.maximum() == 5
    win.timeline.slider.setValue(2)
    assert s.step == 2
    assert s.trace().loss == s.history.losses()[1]
    assert "step 2/5" in win.timeline.label.text()


def test_canvas_equals_exported_image(qtbot, window):
    win = window()
    for _ in range(4):
        press(qtbot, win, Qt.Key.Key_Right)
    shown = win.canvas.grab_image()
    exported = render_image(win.canvas.scene(), shown.width(), shown.height())
    assert shown.convertToFormat(exported.format()) == exported


def test_neuron_colour_follows_activation(qtbot, window):
    win = window("spiral")  # tanh: hidden activations of both signs
    win.canvas.options.label_mode = "none"
    press(qtbot, win, Qt.Key.Key_Right)  # forward-L1
    img = win.canvas.grab_image()
    lay = win.canvas.info.layout
    a = win.session.trace().layers[0].activation[0]
    checked = 0
    for i, value in enumerate(a):
        if abs(value) < 0.2:
            continue
        x, y = lay.neuron_pos(1, i)
        c = QColor(img.pixel(int(x), int(y)))
        warmth = c.red() - c.blue()  # palette: negative blue, positive orange
        assert (warmth > 0) == (value > 0), (i, value, c.name())
        checked += 1
    assert checked >= 2
    # layer 2 is not computed yet at forward-L1: its fill changes once it is
    x, y = lay.neuron_pos(2, 0)
    before = QColor(img.pixel(int(x), int(y)))
    press(qtbot, win, Qt.Key.Key_Right)
    after = QColor(win.canvas.grab_image().pixel(int(x), int(y)))
    assert before != after


def test_click_selects_neuron(qtbot, window):
    win = window()
    win.canvas.repaint()
    x, y = win.canvas.info.layout.neuron_pos(1, 1)
    qtbot.mouseClick(win.canvas, Qt.MouseButton.LeftButton, pos=QPoint(int(x), int(y)))
    assert win.session.selection == Selection("neuron", 1, 1)


def test_edit_weight_recomputes_and_undo(qtbot, window, monkeypatch):
    win = window()
    press(qtbot, win, Qt.Key.Key_Right)
    monkeypatch.setattr(canvas_mod, "ask_value", lambda *a: 1.0)
    import nnviz.gui.window_runs as wr  # where the window asks for the value

    monkeypatch.setattr(wr, "ask_value", lambda *a: 1.0)
    win.edit_value(Selection("edge", 1, 0, 0))
    tr = win.session.trace()
    assert tr.layers[1].weights_before[0, 0] == 1.0
    assert tr.loss != pytest.approx(0.298371109)
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    tr = win.session.trace()
    assert tr.layers[1].weights_before[0, 0] == 0.40
    assert tr.loss == pytest.approx(0.298371109, rel=1e-9)


def test_bad_file_shows_dialog_and_keeps_session(qtbot, window, tmp_path):
    win = window()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    errors = []
    win.show_error = lambda title, text: errors.append(text)
    spec_before = win.session.spec
    assert not win.open_network(str(bad))
    assert errors and "bad.json" in errors[0] and "not valid JSON" in errors[0]
    assert win.session.spec is spec_before


def test_play_keeps_window_responsive(qtbot, window):
    win = window("spiral")
    handled = []
    win.toggle_play()
    assert win.session.playing
    qtbot.waitUntil(lambda: win.session.n_steps > 50, timeout=10000)
    QTimer.singleShot(0, lambda: handled.append(True))
    qtbot.waitUntil(lambda: bool(handled), timeout=500)
    press(qtbot, win, Qt.Key.Key_P)
    assert not win.session.playing
    assert win.session.step == win.session.n_steps


def test_finite_difference_check(qtbot, window):
    from nnviz.gui.inspector import finite_difference_check

    win = window()
    press(qtbot, win, Qt.Key.Key_Right)
    press(qtbot, win, Qt.Key.Key_End)  # the gradient is computed (and checkable) from backward-L1
    win.session.select(Selection("edge", 0, 1, 0))
    fd, auto = finite_difference_check(win.session)
    assert abs(fd - auto) < 1e-9
    win.inspector.check_button.click()
    assert "finite difference" in win.inspector.check_result.text()


def test_theme_is_remembered(qtbot, window):
    win = window()
    win.act_dark.trigger()
    assert win.canvas.options.theme == "dark"
    assert win.settings.value("theme") == "dark"
    win.act_dark.trigger()
    assert win.settings.value("theme") == "light"


def test_context_menu_changes_structure(qtbot, window):
    win = window("xor")
    entries = dict(win.structure_actions(Selection("neuron", 1, 0)))
    assert "Add a neuron to layer 1" in entries and "Remove layer 1" in entries
    assert win.restructure(entries["Add a neuron to layer 1"])
    assert win.session.spec.layers == (2, 4, 1)
    entries = dict(win.structure_actions(Selection("neuron", 1, 3)))
    assert win.restructure(entries["Activation ▸ relu"])
    assert win.session.spec.activations == ("relu", "sigmoid")
    assert win.restructure(
        dict(win.structure_actions(Selection("neuron", 1, 0)))["Add a layer after layer 1"]
    )
    assert win.session.spec.layers == (2, 4, 4, 1)
    win.session.next_step()
    trained = win.session.run
    entries = dict(win.structure_actions(Selection("neuron", 2, 0)))
    assert win.restructure(entries["Remove layer 2"])  # a new run: nothing is discarded
    assert win.session.spec.layers == (2, 4, 1) and win.session.n_steps == 0
    assert trained.n_steps == 1 and win.session.run.parent is trained
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo: back to it
    assert win.session.run is trained and win.session.step == 1


def test_structure_change_keeps_weights(qtbot, window):
    win = window("two-two-two")
    before = win.session.parameters()
    entries = dict(win.structure_actions(Selection("neuron", 1, 0)))
    win.restructure(entries["Add a neuron to layer 1"])
    ws, _ = win.session.parameters()
    np.testing.assert_array_equal(ws[0][:2], before[0][0])
    np.testing.assert_array_equal(ws[1][:, :2], before[0][1])


def test_session_round_trip(qtbot, window, tmp_path):
    win = window("spiral")
    s = win.session
    for _ in range(7):
        s.next_step()
    s.goto_step(5, 3)
    # editing at step 5 recomputes it and drops steps 6-7
    s.set_parameter(0, 1, 0, 0.25)
    for _ in range(3):
        s.next_step()
    s.goto_step(4, 2)
    s.select(Selection("neuron", 1, 2))
    path = tmp_path / "run.nnviz"
    assert win.save_session_to(path)
    expected = s.trace()
    losses = s.history.losses().copy()
    other = window("xor")
    assert other.open_network(str(path)), other.errors
    t = other.session
    qtbot.waitUntil(lambda: not t.replaying)  # sessions replay in the background
    assert (t.n_steps, t.step, t.phase) == (s.n_steps, 4, 2)
    np.testing.assert_array_equal(t.history.losses(), losses)
    got = t.trace()
    for a, b in zip(expected.layers, got.layers, strict=True):
        np.testing.assert_array_equal(a.weights_after, b.weights_after)
    assert t.history.trace(5).layers[0].weights_before[1, 0] == 0.25


def test_broken_session_file_is_refused(qtbot, window, tmp_path):
    win = window()
    bad = tmp_path / "x.nnviz"
    bad.write_text(
        '{"nnviz_session": 1, "network": {"layers": [2, 1], "activations": ["tanh"]}, "steps": -3}'
    )
    errors = []
    win.show_error = lambda t, text: errors.append(text)
    assert not win.open_network(str(bad))
    assert '"steps"' in errors[0] and "x.nnviz" in errors[0]


def test_export_trace_from_window_with_progress(qtbot, window, tmp_path):
    from nnviz.gui.export_dialog import ExportChoices

    win = window("two-two-two")
    win.act_next_step.trigger()
    out = tmp_path / "exp"
    win.start_export(ExportChoices(out=out, fmt="png", steps=2, size=(640, 360)))
    seen = []
    win.export_job.progress.connect(lambda d, t: seen.append((d, t)))
    with qtbot.waitSignal(win.export_job.finished, timeout=20000) as blocker:
        pass
    assert blocker.args[0] is True
    assert len(list(out.glob("*.png"))) == 12 and (out / "trace.json").exists()
    assert seen and seen[-1][0] == seen[-1][1]
    # the exported first step is the shown step: its loss matches the recorded trace
    import json

    doc = json.loads((out / "trace.json").read_text())
    assert doc["steps"][0]["loss"] == win.session.trace().loss


def test_export_can_be_cancelled(qtbot, window, tmp_path):
    from nnviz.gui.export_dialog import ExportChoices

    win = window("spiral")
    out = tmp_path / "c"
    win.start_export(ExportChoices(out=out, fmt="png", steps=20, size=(320, 200)))
    job = win.export_job
    qtbot.waitUntil(lambda: job.done >= 2, timeout=10000)
    job.cancel()
    with qtbot.waitSignal(job.finished, timeout=5000) as blocker:
        pass
    assert blocker.args[0] is False
    assert len(list(out.glob("*.png"))) < 200


def test_export_dialog_validates_choices(qtbot, window, tmp_path):
    from nnviz.core.errors import NnvizError
    from nnviz.gui.export_dialog import ExportDialog

    win = window()
    dialog = ExportDialog(win.session, win)
    qtbot.addWidget(dialog)
    full = tmp_path / "full"
    full.mkdir()
    (full / "x").write_text("keep")
    dialog.folder.setText(str(full))
    with pytest.raises(NnvizError, match="not empty"):
        dialog.choices()
    dialog.folder.setText(str(tmp_path / "new"))
    dialog.size.setCurrentText("big")
    with pytest.raises(NnvizError, match="--size"):
        dialog.choices()
    dialog.size.setCurrentText("800x600")
    dialog.neuron.setText("2:2")
    choices = dialog.choices()
    assert choices.size == (800, 600) and choices.neuron == (2, 1)
