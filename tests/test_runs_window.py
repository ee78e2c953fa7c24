"""Runs in the window: edits and settings branch without losing a step, undo goes back, the
Runs dock switches, renames, deletes and compares, what is recorded does not depend on what
is on screen, and nothing is lost without Save / Discard / Cancel."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from nnviz.gui.autosave import autosave_path
from nnviz.gui.lossplot import LossDock
from nnviz.gui.session import Selection


@pytest.fixture
def window(main_window):
    return main_window


def test_an_edit_mid_run_keeps_every_later_step(qtbot, window):
    win = window()
    s = win.session
    s.goto_step(0)
    s._train_to(300)
    first = s.run
    losses = first.history.losses().copy()
    s.goto_step(120, 0)
    win.set_value(Selection("edge", 0, 0, 1), 2.5)  # as the edit dialog does
    assert s.run is not first and s.run.parent is first and s.step == 120
    assert s.trace().layers[0].weights_before[0, 1] == 2.5
    assert first.n_steps == 300
    np.testing.assert_array_equal(first.history.losses(), losses)  # bit for bit
    win.undo_stack.undo()
    assert s.run is first and s.step == 120 and s.n_steps == 300
    win.undo_stack.redo()
    assert s.run.parent is first and s.trace().layers[0].weights_before[0, 1] == 2.5


def test_the_runs_dock_switches_renames_deletes_and_compares(qtbot, window):
    win = window()
    s = win.session
    s._train_to(40)
    first = s.run
    s.goto_step(20, 0)
    win.set_value(Selection("edge", 1, 0, 0), -1.0)
    edited = s.run
    s._train_to(60)
    dock = win.runs_dock
    items = dock._items
    assert set(items) == {first.id, edited.id}
    assert items[edited.id].text(1) == f"{first.name}, after step 19"  # the value goes into 20
    assert items[edited.id].font(0).bold() and not items[first.id].font(0).bold()
    dock.tree.itemClicked.emit(items[first.id], 0)  # a click shows the run at the same step
    assert s.run is first and s.step == 20
    items = dock._items
    items[edited.id].setCheckState(0, Qt.CheckState.Checked)  # overlay it on the Loss dock
    loss = next(d for d in win.docks if isinstance(d, LossDock))
    loss.show()
    loss.raise_()
    loss.refresh()
    xs, ys = loss.overlays[edited.id].getData()
    np.testing.assert_array_equal(ys, edited.history.losses())
    items[first.id].setText(0, "baseline")  # edited in place
    assert first.name == "baseline"
    dock.ask_delete = lambda run, doomed: doomed == [edited]
    dock.tree.setCurrentItem(dock._items[edited.id])
    dock.delete_selected()
    assert edited.id not in s.runs.runs and s.run is first
    loss.refresh()
    assert edited.id not in loss.overlays


def test_curves_are_complete_with_every_dock_hidden(qtbot, window):
    win = window("spiral")
    for dock in win.docks:
        dock.hide()
    s = win.session
    with qtbot.waitSignal(s.playing_changed, timeout=10000):
        win.toggle_play()
    qtbot.waitUntil(lambda: s.n_steps >= 5 * s.engine.batches_per_epoch, timeout=20000)
    win.toggle_play()
    per = s.run.eval_every
    recorded = [p.step for p in s.eval_points]
    assert recorded == list(range(per, s.n_steps + 1, per))
    loss = next(d for d in win.docks if isinstance(d, LossDock))
    loss.show()
    loss.raise_()
    loss.refresh()
    tx, _ = loss.train_curve.getData()
    assert list(tx) == recorded


def test_unsaved_runs_ask_before_they_could_be_lost(qtbot, window, tmp_path, monkeypatch):
    win = window()
    s = win.session
    asked = []

    def answer(reply):
        def ask(doing):
            asked.append(doing)
            return reply

        return ask

    assert win.open_network("two-two-two")  # nothing trained yet: no question
    assert not asked
    s._train_to(10)
    win.ask_unsaved = answer("cancel")
    assert not win.open_network("xor")
    assert s.n_steps == 10 and asked == ["open another network"]
    win.autosave_now()
    assert autosave_path().exists()
    win.close()  # Cancel keeps the window and the autosave
    assert win.isVisible() and autosave_path().exists()
    target = tmp_path / "kept.nnviz"
    win.save_session_dialog = lambda: win.save_session_to(target)
    win.ask_unsaved = answer("save")
    assert win.open_network("xor")
    assert target.exists() and s.spec.name != "" and s.n_steps == 0
    s._train_to(5)
    win.ask_unsaved = answer("discard")
    win.close()
    assert not win.isVisible() and not autosave_path().exists()
    assert asked[-1] == "quit"


def _csv_network(folder):
    import json
    import shutil
    from pathlib import Path

    folder.mkdir(parents=True)
    shutil.copy(Path(__file__).parent / "data" / "iris_small.csv", folder / "iris.csv")
    net = {
        "nnviz": 1,
        "layers": [4, 5, 3],
        "activations": ["tanh", "softmax"],
        "loss": "cross_entropy",
        "optimizer": {"name": "sgd", "lr": 0.3},
        "init": {"scheme": "xavier", "seed": 3},
        "data": {"csv": "iris.csv", "test_fraction": 0.2, "seed": 1, "standardize": True},
        "batch_size": 4,
    }
    (folder / "iris-net.json").write_text(json.dumps(net))
    return folder / "iris-net.json"


@pytest.mark.parametrize("where", ["beside", "elsewhere"])
def test_three_runs_with_csv_data_reopen_on_another_path(qtbot, window, tmp_path, where):
    import shutil

    net = _csv_network(tmp_path / "course")
    win = window()
    assert win.open_network(str(net))
    s = win.session
    s._train_to(12)
    s.goto_step(6, 0)
    win.set_value(Selection("edge", 0, 1, 2), 0.4)
    s._train_to(15)
    spec = s.runs.current.lineage()[-1].spec
    win.apply_spec(spec.with_changes(optimizer=spec.optimizer.__class__("adam", 0.01)))
    s._train_to(20)
    runs = [(r.name, r.history.losses().copy()) for _, r in s.runs.ordered()]
    if where == "beside":  # saved beside its CSV: a path; the whole folder is moved
        assert win.save_session_to(tmp_path / "course" / "lesson.nnviz")
        moved = shutil.copytree(tmp_path / "course", tmp_path / "classmate" / "course")
        (tmp_path / "course" / "iris.csv").unlink()  # the original is gone
        target = moved / "lesson.nnviz"
        assert '"csv": "iris.csv"' in target.read_text()
    else:  # saved elsewhere: the data goes into the file, which opens anywhere
        (tmp_path / "out").mkdir()
        assert win.save_session_to(tmp_path / "out" / "lesson.nnviz")
        target = tmp_path / "classmate" / "lesson.nnviz"
        target.parent.mkdir()
        shutil.copy(tmp_path / "out" / "lesson.nnviz", target)
        shutil.rmtree(tmp_path / "course")
        assert '"csv"' not in target.read_text()
    other = window()
    assert other.open_network(str(target)), other.errors
    qtbot.waitUntil(lambda: not other.session.replaying, timeout=20000)
    again = [(r.name, r.history.losses()) for _, r in other.session.runs.ordered()]
    assert [n for n, _ in again] == [n for n, _ in runs]
    for (_, a), (_, b) in zip(runs, again, strict=True):
        np.testing.assert_array_equal(a, b)


def test_no_loss_anywhere_before_the_loss_phase(qtbot, window):
    win = window("two-two-two")
    s = win.session
    loss = next(d for d in win.docks if isinstance(d, LossDock))
    loss.show()
    loss.raise_()
    s.next_phase()  # forward-L1 of step 1: the loss is not computed on screen yet
    loss.refresh()
    assert "loss" not in win.timeline.label.text() and "loss" not in win.status.text()
    assert "loss" not in win.canvas.scene().header
    assert len(loss.batch_curve.getData()[0] or []) == 0
    while s.phase_name() != "loss":
        s.next_phase()
    loss.refresh()
    assert "0.2984" in win.timeline.label.text() and "0.2984" in win.status.text()
    assert list(loss.batch_curve.getData()[1]) == [pytest.approx(0.298371109)]


def test_the_metrics_dock_compares_ticked_runs(qtbot, window):
    from nnviz.gui.plots import MetricsDock

    win = window("gaussians3")
    s = win.session
    per = s.engine.batches_per_epoch
    s._train_to(2 * per)
    first = s.run
    spec = first.spec
    win.apply_spec(spec.with_changes(optimizer=spec.optimizer.__class__("sgd", 0.5, 0.9)))
    s._train_to(4 * per)
    s.set_compared(first, True)
    dock = next(d for d in win.docks if isinstance(d, MetricsDock))
    dock.show()
    dock.raise_()
    dock.refresh()
    table = dock.compare
    assert table.rowCount() == 2
    assert [table.verticalHeaderItem(i).text() for i in range(2)] == [s.run.name, first.name]
    for i, run in enumerate((s.run, first)):
        ev = run.evals[-1]
        rep = ev.test_report or ev.train_report
        assert table.item(i, 0).text() == f"{ev.step:,}"
        assert table.item(i, 3).text() == f"{rep.accuracy:.3f}"
    s.set_compared(first, False)
    dock.refresh()
    assert not table.isVisibleTo(dock)
