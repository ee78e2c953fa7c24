"""Reliability: autosave and restore, atomic saves that survive a kill, divergence handling."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
from PySide6.QtCore import QSettings

from nnviz.core.netfile import load
from nnviz.gui.autosave import autosave_path
from nnviz.gui.main_window import MainWindow
from nnviz.gui.session import Session


def make_window(qtbot, tmp_path, name="xor"):
    spec, base = load(name)
    w = MainWindow(
        Session(spec, base, name), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    )
    w.show_error = lambda *a: None
    qtbot.addWidget(w)
    return w


def test_autosave_and_restore_after_a_crash(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, "spiral")
    assert not w.autosave_now()  # nothing to lose yet
    for _ in range(9):
        w.session.next_step()
    w.session.goto_step(6, 2)
    assert w.autosave_now() and autosave_path().exists()
    losses = w.session.history.losses().copy()
    # the process "crashes": no closeEvent, the autosave stays; the next start offers it
    again = make_window(qtbot, tmp_path, "xor")
    asked = []
    again.offer_restore = lambda path: asked.append(path) or True
    assert again.restore_autosave()
    qtbot.waitUntil(lambda: not again.session.replaying)  # replayed in the background
    assert asked and again.session.n_steps == 9 and again.session.step == 6
    np.testing.assert_array_equal(again.session.history.losses(), losses)


def test_clean_exit_removes_autosave(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path)
    w.session.next_step()
    w.autosave_now()
    w.close()
    assert not autosave_path().exists()
    fresh = make_window(qtbot, tmp_path)
    fresh.offer_restore = lambda path: (_ for _ in ()).throw(AssertionError("asked"))
    assert not fresh.restore_autosave()


def test_declined_restore_discards_it(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path)
    w.session.next_step()
    w.autosave_now()
    other = make_window(qtbot, tmp_path)
    other.offer_restore = lambda path: False
    assert not other.restore_autosave()
    assert not autosave_path().exists()


WRITER = """
import sys
from pathlib import Path
from nnviz.core.output import write_json
path = Path(sys.argv[1])
i = 0
while True:
    i += 1
    write_json(path, {"version": i, "payload": [i] * 200000})
"""


def test_killed_during_save_leaves_a_whole_file(tmp_path):
    target = tmp_path / "session.nnviz"
    target.write_text(json.dumps({"version": 0, "payload": [0] * 200000}))
    for delay in (0.3, 0.55, 0.8, 1.1):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)])
        time.sleep(delay)  # a kill at an arbitrary moment of the save loop
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        doc = json.loads(target.read_text())
        assert doc["payload"] == [doc["version"]] * 200000
    leftovers = [p for p in os.listdir(tmp_path) if p != "session.nnviz"]
    assert all(p.startswith(".session.nnviz.nnviz-tmp-") for p in leftovers)


def test_divergence_stops_play_and_is_reported(qtbot, tmp_path):
    spec, base = load("xor")
    spec = spec.with_changes(
        optimizer=spec.optimizer.__class__("sgd", 1e6), activations=("identity", "identity")
    )
    w = make_window(qtbot, tmp_path)
    w.session.load(spec, base, "xor")
    with qtbot.waitSignal(w.session.diverged, timeout=20000) as blocker:
        w.toggle_play()
    bad = blocker.args[0]
    assert not w.session.playing
    # play stops at the first non-finite step, not at the end of its time slice
    assert w.session.n_steps == bad and w.session.step == bad
    assert not np.isfinite(w.session.history.losses()[bad - 1])
    assert all(np.isfinite(w.session.history.losses()[: bad - 1]))
    # the user steps back to the last finite step, lowers the learning rate and continues
    # from that step's weights (not from the initial ones)
    w.session.goto_step(bad - 1)
    assert np.isfinite(w.session.trace().loss)
    there = w.session.parameters()
    w.setup.lr.setValue(0.01)
    w.setup.apply_button.click()
    assert w.session.spec.optimizer.lr == 0.01
    now = w.session.parameters()
    for a, b in zip(there[0] + there[1], now[0] + now[1], strict=True):
        np.testing.assert_array_equal(a, b)


def test_cuda_failure_falls_back_to_cpu(monkeypatch):
    import torch

    from nnviz.core import engine as engine_mod
    from nnviz.core.engine import Engine

    monkeypatch.setattr(engine_mod, "resolve", lambda req, work: (torch.device("cuda"), None))
    real_build = engine_mod.build

    def failing_build(spec, device, dtype):
        if device.type == "cuda":
            raise torch.cuda.OutOfMemoryError("CUDA out of memory")
        return real_build(spec, device, dtype)

    monkeypatch.setattr(engine_mod, "build", failing_build)
    spec, base = load("xor")
    eng = Engine(spec, base_dir=base, device="cuda")
    assert eng.device.type == "cpu" and "CUDA failed" in eng.notes[-1]
    assert np.isfinite(eng.step().loss)


def test_closing_while_playing_stops_cleanly(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, "spiral")
    w.show()
    w.toggle_play()
    qtbot.waitUntil(lambda: w.session.n_steps > 20, timeout=10000)
    w.close()
    assert not w.session.playing


def test_startup_failure_shows_a_dialog(monkeypatch):
    from nnviz.gui import app as app_mod
    from nnviz.gui import main_window

    shown = []
    monkeypatch.setattr(app_mod, "_startup_error", lambda exc: shown.append(str(exc)))

    def broken(*a, **k):
        raise RuntimeError("no screen for the window")

    monkeypatch.setattr(main_window, "MainWindow", broken)
    assert app_mod.run_app("xor") == 1
    assert shown == ["no screen for the window"]
