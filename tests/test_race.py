"""Races: lanes from one initialisation equal separate runs, the race window draws what its
export writes, and `nnviz race` writes its frames (or exits 2 on bad options)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtGui import QImage

from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.race import start_race, train_race, variants
from nnviz.core.runs import RunTree


def test_three_optimizers_from_one_init_equal_three_separate_runs():
    spec, base = load("spiral")
    tree = RunTree(spec, base)
    tree.current.train(7)  # the race starts from the initial weights, not from here
    lanes = variants(spec, "optimizers")
    runs = start_race(tree, lanes)
    assert [r.name for r in runs] == ["SGD", "momentum", "Adam"]
    train_race(runs, 45)
    w0, b0 = tree.current.history.parameters_after(0)
    for run, (_, lane_spec) in zip(runs, lanes, strict=True):
        alone = Engine(lane_spec.with_changes(weights=tuple(w0), biases=tuple(b0)), base_dir=base)
        np.testing.assert_array_equal(run.history.losses(), alone.run(45))
        assert run.n_steps == 45
    assert len({float(r.history.losses()[-1]) for r in runs}) == 3  # they do differ


def test_rates_and_activations_lanes():
    spec, _ = load("xor")
    rates = variants(spec, "rates")
    assert [s.optimizer.lr for _, s in rates] == pytest.approx(
        [0.1 * spec.optimizer.lr, spec.optimizer.lr, 10 * spec.optimizer.lr]
    )
    acts = variants(spec, "activations")
    assert [s.activations for _, s in acts] == [
        ("sigmoid", "sigmoid"),
        ("tanh", "sigmoid"),
        ("relu", "sigmoid"),
    ]


def test_the_race_window_draws_what_it_exports(qtbot, tmp_path, main_window):
    win = main_window("xor", show=False)
    win.ask_race = lambda: "optimizers"
    win.race_dialog()
    race = win.race_window
    qtbot.addWidget(race)
    race.next_epoch()
    race.train(30)
    assert {r.n_steps for r in race.runs} == {31}
    assert all(r.id in win.session.compared for r in race.runs)
    race.resize(1000, 620)
    race.show()
    qtbot.waitExposed(race)
    shown = race.canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    out = tmp_path / "race.png"
    assert race.export(out, shown.width(), shown.height())
    exported = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB32)
    assert exported == shown
    race.close()


def test_cli_race_writes_frames_and_refuses_bad_options(tmp_path):
    out = tmp_path / "race"
    r = subprocess.run(
        [sys.executable, "-m", "nnviz", "race", "xor", "--compare", "rates", "--steps", "40",
         "--every", "20", "--size", "640x360", "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["race-000020.png", "race-000040.png"]
    assert QImage(str(out / "race-000040.png")).width() == 640
    for bad in (["--steps", "0"], ["--compare", "colours"], ["--steps", "10", "--every", "99"]):
        r = subprocess.run(
            [sys.executable, "-m", "nnviz", "race", "xor", "--out", str(tmp_path / "x"), *bad],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert r.returncode == 2 and r.stderr.count("\n") == 1, (bad, r.stderr)
