"""The one key map of lecture mode: every action once, dispatched from it, listed by the help
overlay and in the README; and the lecture actions that had no key before (train ahead N
epochs, the batch's samples, neuron selection)."""

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QRectF, QSettings, Qt
from PySide6.QtGui import QImage, QKeyEvent, QPainter

from nnviz.core.netfile import load
from nnviz.gui import keymap
from nnviz.gui.lecture import LectureView
from nnviz.gui.session import Selection, Session

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


def _lecture(qtbot, settings, name: str) -> LectureView:
    spec, base = load(name)
    view = LectureView(Session(spec, base, name), settings)
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def lecture(qtbot, settings):
    view = _lecture(qtbot, settings, "gaussians3")
    yield view
    if shiboken6.isValid(view):
        view.close()


def test_readme_key_table_is_the_generated_one():
    table = keymap.markdown_table()
    assert table.startswith("| key | does |\n| --- | --- |\n")
    assert len(table.splitlines()) == len(keymap.BINDINGS) + 2
    assert table in README.read_text(encoding="utf-8")


def test_every_action_has_a_handler_and_no_key_means_two_things():
    seen: dict[tuple, str] = {}
    for b in keymap.BINDINGS:
        assert callable(getattr(LectureView, f"on_{b.action}", None)), b.action
        for text in b.keys:
            combo = (keymap._combo(text), b.when)
            assert combo not in seen, f"{text} is {seen.get(combo)} and {b.action}"
            seen[combo] = b.action
    assert len({b.action for b in keymap.BINDINGS}) == len(keymap.BINDINGS)


def _press(key, mods=Qt.KeyboardModifier.NoModifier, text=""):
    return keymap.event_combo(QKeyEvent(QKeyEvent.Type.KeyPress, key, mods, text))


def test_lookup_reads_states_shifted_symbols_and_backtab():
    none = {}
    shift = Qt.KeyboardModifier.ShiftModifier
    assert keymap.lookup(_press(Qt.Key.Key_Question, shift, "?"), none).action == "help"
    assert keymap.lookup(_press(Qt.Key.Key_Backtab, shift), none).action == "prev_neuron"
    assert keymap.lookup(_press(Qt.Key.Key_Tab), none).action == "next_neuron"
    assert keymap.lookup(_press(Qt.Key.Key_S, shift, "S"), none).action == "prev_sample"
    assert keymap.lookup(_press(Qt.Key.Key_S, text="s"), none).action == "next_sample"
    assert keymap.lookup(_press(Qt.Key.Key_Greater, shift, ">"), none).action == "next_sample"
    enter = _press(Qt.Key.Key_Return)
    assert keymap.lookup(enter, none) is None  # Enter alone: nothing (no step typed)
    assert keymap.lookup(enter, {keymap.NUMBER: True}).action == "goto_step"
    assert keymap.lookup(_press(Qt.Key.Key_E, text="e"), none) is None  # left to the pen
    assert keymap.lookup(_press(Qt.Key.Key_E), {keymap.NUMBER: True}).action == "goto_epoch"
    esc = _press(Qt.Key.Key_Escape)
    assert keymap.lookup(esc, none).action == "leave"
    assert keymap.lookup(esc, {keymap.AHEAD: True}).action == "stop_ahead"
    ctrl = Qt.KeyboardModifier.ControlModifier
    assert keymap.lookup(_press(Qt.Key.Key_0, ctrl), {keymap.NUMBER: True}).action == (
        "normal_size"
    )


def test_help_overlay_lists_every_entry_and_fits(qtbot, lecture):
    qtbot.keyClick(lecture, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    for w, h in ((1280, 720), (1920, 1080)):
        img = QImage(w, h, QImage.Format.Format_ARGB32)
        p = QPainter(img)
        lecture.paint_to(p, QRectF(0, 0, w, h))
        p.end()
        drawn = lecture.help_drawn
        assert [(k, d) for k, d, _box, _fits in drawn] == [
            (b.shown(), b.does) for b in keymap.BINDINGS
        ]
        assert all(fits for *_rest, fits in drawn)
        assert drawn[0][2].top() >= 0 and drawn[-1][2].bottom() <= h


def test_a_number_then_e_trains_ahead_that_many_epochs(qtbot, lecture):
    s = lecture.session
    spec = s.spec
    n_train = s.engine.dataset.n_train
    per_epoch = -(-n_train // min(spec.batch_size, n_train))  # batches of an epoch, by hand
    assert per_epoch > 1
    qtbot.keyClicks(lecture, "3")
    qtbot.keyClick(lecture, Qt.Key.Key_E)
    assert lecture.ahead is not None and lecture.typed == ""
    qtbot.waitUntil(lambda: not lecture.ahead.active, timeout=60_000)
    assert s.step == s.n_steps == 3 * per_epoch and s.phase == 0
    assert s.trace().step == 3 * per_epoch
    qtbot.keyClicks(lecture, "1")
    qtbot.keyClick(lecture, Qt.Key.Key_E)  # a recorded epoch end: shown at once
    assert s.step == per_epoch and s.n_steps == 3 * per_epoch


def test_samples_of_the_batch_by_keys(qtbot, lecture):
    s = lecture.session
    qtbot.keyClick(lecture, Qt.Key.Key_S)  # no batch before the first step: said on the badge
    assert s.sample == 0 and "no batch" in lecture.message
    qtbot.keyClick(lecture, Qt.Key.Key_PageDown)
    batch = s.trace().batch_size
    assert batch == s.spec.batch_size > 2
    qtbot.keyClick(lecture, Qt.Key.Key_S)
    assert s.sample == 1 and lecture.scene().sample == 1
    qtbot.keyClick(lecture, Qt.Key.Key_Greater, Qt.KeyboardModifier.ShiftModifier)
    assert lecture.scene().sample == 2
    qtbot.keyClick(lecture, Qt.Key.Key_Less, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(lecture, Qt.Key.Key_S, Qt.KeyboardModifier.ShiftModifier)
    assert lecture.scene().sample == 0
    qtbot.keyClick(lecture, Qt.Key.Key_S, Qt.KeyboardModifier.ShiftModifier)
    assert lecture.scene().sample == batch - 1  # round to the batch's last sample
    last = _labels(lecture)
    qtbot.keyClick(lecture, Qt.Key.Key_S)
    assert s.sample == 0 and _labels(lecture) != last  # the picture shows the other sample


def _labels(view: LectureView) -> list[str]:
    img = QImage(1280, 720, QImage.Format.Format_ARGB32)
    p = QPainter(img)
    view.paint_to(p, QRectF(0, 0, 1280, 720))
    p.end()
    return [d.text for d in view.info.labels]


def test_neurons_selected_by_tab_layer_by_layer(qtbot, lecture):
    s = lecture.session
    sizes = s.spec.layers
    seen = []
    for _ in range(sum(sizes)):
        qtbot.keyClick(lecture, Qt.Key.Key_Tab)
        seen.append((s.selection.layer, s.selection.row))
    assert seen == [(layer, row) for layer, n in enumerate(sizes) for row in range(n)]
    qtbot.keyClick(lecture, Qt.Key.Key_Tab)  # past the last: the first again
    assert s.selection == Selection("neuron", 0, 0)
    qtbot.keyClick(lecture, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert s.selection == Selection("neuron", len(sizes) - 1, sizes[-1] - 1)
    qtbot.keyClick(lecture, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert s.selection == Selection("neuron", len(sizes) - 1, sizes[-1] - 2)
    qtbot.keyClick(lecture, Qt.Key.Key_F)  # the formulas panel of the neuron chosen by keys
    assert lecture.formulas_shown and lecture.scene().side_text


def test_digits_then_enter_still_go_to_a_step(qtbot, lecture):
    s = lecture.session
    for _ in range(4):
        s.next_step()
    qtbot.keyClicks(lecture, "2")
    qtbot.keyClick(lecture, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert s.step == 2 and s.phase == 0
