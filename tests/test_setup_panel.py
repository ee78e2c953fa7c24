"""The setup panel: edits rebuild the network predictably; bad settings give a dialog."""

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt

from nnviz.core.netfile import load
from nnviz.gui.main_window import MainWindow
from nnviz.gui.session import Session

DATA = Path(__file__).parent / "data"


@pytest.fixture
def win(qtbot, tmp_path):
    spec, base = load("xor")
    w = MainWindow(
        Session(spec, base, "xor"), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    )
    w.errors = []
    w.show_error = lambda t, text: w.errors.append(text)
    qtbot.addWidget(w)
    w.show()
    return w


def test_form_shows_the_network(win):
    p = win.setup
    assert p.sizes.text() == "2-3-1"
    assert [c.currentText() for c in p.act_combos] == ["sigmoid", "sigmoid"]
    assert p.source.currentText() == "xor" and p.lr.value() == 2.0


def test_changing_learning_rate_keeps_initial_weights(win):
    before = win.session.parameters()
    win.setup.lr.setValue(0.5)
    win.setup.apply_button.click()
    assert win.session.spec.optimizer.lr == 0.5
    after = win.session.parameters()
    for a, b in zip(before[0], after[0], strict=True):
        assert (a == b).all()


def test_changing_architecture(win, qtbot):
    p = win.setup
    p.sizes.setText("2-5-4-1")
    p.sizes.editingFinished.emit()
    assert len(p.act_combos) == 3
    p.act_combos[0].setCurrentText("relu")
    p.source.setCurrentText("circle")
    p.n.setValue(120)
    p.test_fraction.setValue(0.25)
    p.apply_button.click()
    s = win.session.spec
    assert s.layers == (2, 5, 4, 1) and s.activations == ("relu", "sigmoid", "sigmoid")
    assert win.session.engine.dataset.n_train == 90 and win.session.engine.dataset.n_test == 30


def test_new_settings_branch_and_keep_the_run(win):
    for _ in range(3):
        win.session.next_step()
    first = win.session.run
    losses = first.history.losses().copy()
    win.setup.lr.setValue(0.1)
    win.setup.apply_button.click()  # nothing is discarded: a new run continues from step 3
    run = win.session.run
    assert run is not first and run.parent is first and run.branch_step == 3
    assert run.spec.optimizer.lr == 0.1 and first.spec.optimizer.lr == 2.0
    assert win.session.step == 3 and win.session.n_steps == 3
    np.testing.assert_array_equal(first.history.losses(), losses)
    win.session.next_step()  # step 4 goes down the gradient with the new rate
    lay = win.session.trace().layers[0]
    np.testing.assert_allclose(
        lay.weights_after, lay.weights_before - 0.1 * lay.weight_grad, rtol=1e-12, atol=1e-15
    )
    np.testing.assert_array_equal(
        lay.weights_before, first.history.trace(3).layers[0].weights_after
    )
    win.undo_stack.undo()
    assert win.session.run is first and win.session.step == 3


def test_bad_settings_give_a_dialog_and_change_nothing(win):
    spec = win.session.spec
    win.setup.sizes.setText("2-x-1")
    win.setup.apply_button.click()
    assert win.errors and "2-8-8-1" in win.errors[-1]
    win.setup.sizes.setText("2-3-2")  # xor has 2 classes: fits; then 3 outputs do not
    win.setup.sizes.editingFinished.emit()
    win.setup.sizes.setText("2-3-3")
    win.setup.apply_button.click()
    assert "3 outputs" in win.errors[-1]
    assert win.session.spec is spec


def test_csv_import_with_preview_and_columns(win):
    p = win.setup
    p.set_csv(DATA / "iris_small.csv")
    assert p.header.isChecked()  # detected
    assert p.preview.rowCount() == 8 and p.preview.horizontalHeaderItem(4).text() == "species"
    for i in range(p.inputs.count()):
        p.inputs.item(i).setCheckState(
            Qt.CheckState.Checked if i in (2, 3) else Qt.CheckState.Unchecked
        )
    p.target.setCurrentText("species")
    p.sizes.setText("2-4-3")
    p.sizes.editingFinished.emit()
    p.act_combos[-1].setCurrentText("softmax")
    p.loss.setCurrentText("cross_entropy")
    p.standardize.setChecked(True)
    p.apply_button.click()
    assert not win.errors, win.errors
    ds = win.session.engine.dataset
    assert ds.input_names == ["petal_length", "petal_width"] and ds.n_classes == 3


def test_broken_csv_reports(win):
    win.setup.set_csv(DATA / "empty.csv")
    assert win.errors and "empty" in win.errors[-1]
