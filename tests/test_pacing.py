"""Play's pacing: bounded training slices, frames that end on a traced step, and the views
showing where play stopped."""

import time

import pytest
from PySide6.QtCore import QSettings

from nnviz.core.netfile import load
from nnviz.gui.main_window import MainWindow
from nnviz.gui.pacing import PLAY_SLICE_S, Pacer
from nnviz.gui.session import Session


def test_slices_end_at_the_frame_and_never_run_long():
    p = Pacer(frame_interval=0.025)
    p.start()
    now = p.train_from
    for at in (now, now + 0.01, now + 0.03, now + 1.0):  # before, near and long past the frame
        end = p.slice_end(at)
        assert end - at <= PLAY_SLICE_S
        assert end <= p.train_from + p.training_time()


def test_frames_leave_training_its_share_when_drawing_is_slow():
    p = Pacer(frame_interval=0.025, train_share=0.2)
    p.draw_cost, p.trace_cost = 0.005, 0.001  # quick frames: 40 per second
    assert p.training_time() == pytest.approx(0.025 - 0.006)
    p.draw_cost, p.trace_cost = 0.090, 0.010  # slow frames: a fifth of the time still trains
    t = p.training_time()
    assert t / (t + 0.1) == pytest.approx(0.2)


def test_a_frame_is_due_after_its_training_time():
    p = Pacer(frame_interval=0.025)
    p.start()
    p.drawn(100.0)
    p.begin_tick(100.02)  # the views took 20 ms to draw the frame
    assert p.train_from == 100.02
    assert not p.frame_due(100.02)
    assert p.frame_due(100.02 + p.training_time())
    assert not p.interval_passed(100.02) and p.interval_passed(100.025)


def test_training_stops_at_the_step_limit_and_at_the_end_time():
    p = Pacer()
    chunks = []
    assert p.train(chunks.append, 37, time.perf_counter() + 60) == 37
    assert sum(chunks) == 37 and all(k >= 1 for k in chunks)
    chunks.clear()
    assert p.train(chunks.append, 1000, time.perf_counter() - 1) == 0
    assert chunks == []


@pytest.fixture
def window(qtbot, tmp_path):
    def make(name="spiral"):
        spec, base = load(name)
        w = MainWindow(
            Session(spec, base, name),
            QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
        )
        qtbot.addWidget(w)
        w.resize(1200, 800)
        w.show()
        qtbot.waitExposed(w)
        return w

    return make


def test_frames_show_a_traced_step_without_a_replay(qtbot, window):
    w = window()
    s = w.session
    replays_while_playing = []
    replay = s.history._replay_engine

    def counted(done):
        if s.playing:
            replays_while_playing.append(done)
        return replay(done)

    s.history._replay_engine = counted
    frames = []
    s.changed.connect(lambda: frames.append(s.step))
    s.play()
    qtbot.waitUntil(lambda: len(frames) >= 5 and s.n_steps > 300, timeout=20000)
    s.pause()
    assert replays_while_playing == []
    assert frames[-1] == s.n_steps


def test_pause_shows_the_last_trained_step(qtbot, window):
    w = window()
    s = w.session
    for speed in (0, 100):  # as fast as possible, and paced at 100 steps/s
        s.play(speed)
        start = s.n_steps
        qtbot.waitUntil(lambda start=start: s.n_steps > start + 5, timeout=20000)
        s.pause()
        assert s.step == s.n_steps
        assert w.timeline.slider.value() == s.n_steps
        assert f"step {s.n_steps}/{s.n_steps}" in w.timeline.label.text()
