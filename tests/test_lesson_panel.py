"""The lesson panel with real widgets: a lesson file opened, Next and Back put the window at each
stop (network, step, phase, sample, selection, numbers, zoom), the parts a stop names are framed,
questions are checked (decimal comma), progress outlives the window, and unsaved work is asked
about before a stop opens another network."""

import math
import shutil
from pathlib import Path

import pytest
from PySide6.QtGui import QColor

from nnviz.gui import learn_menu
from nnviz.gui.highlight import COLOURS, PartFrame
from nnviz.gui.lesson_panel import LessonChooser
from nnviz.gui.session import Selection

LESSONS = Path(__file__).parent / "data" / "lessons"
DELTA = LESSONS / "delta.toml"


def _sig(z):
    return 1 / (1 + math.exp(-z))


def hand_delta(i: int) -> float:
    """δ of output neuron i (from 0) of the 2-2-2 worked example after its forward pass, by the
    textbook formulas (half squared error, sigmoid)."""
    x = (0.05, 0.10)
    h = [_sig(0.15 * x[0] + 0.20 * x[1] + 0.35), _sig(0.25 * x[0] + 0.30 * x[1] + 0.35)]
    w2 = ((0.40, 0.45), (0.50, 0.55))
    a = _sig(w2[i][0] * h[0] + w2[i][1] * h[1] + 0.60)
    y = (0.01, 0.99)[i]
    return (a - y) * a * (1 - a)


def visible_frames(win):
    return [f for f in win.findChildren(PartFrame) if f.isVisible()]


def test_lesson_goes_to_each_stop(main_window, qtbot):
    win = main_window("xor")
    assert learn_menu.open_lesson(win, DELTA)
    dock, s = win.lesson_dock, win.session
    assert dock.isVisible() and dock.counter.text() == "stop 1 of 3"
    assert list(s.spec.layers) == [2, 2, 2]  # the stop's network
    assert s.step == 0 and s.phase == -1 and not dock.back_button.isEnabled()
    assert "before" in dock.text.toPlainText() and "**" not in dock.text.toPlainText()
    assert not dock.answer.isVisible()  # no question at this stop
    qtbot.mouseClick(dock.next_button, qtbot_left())
    assert dock.counter.text() == "stop 2 of 3"
    assert (s.step, s.phase_name()) == (1, "forward-L2")
    assert s.selection == Selection("neuron", 2, 0)
    assert (
        win.view.label_mode == "pre_activation" and win.labels.currentText() == "Pre-activation z"
    )
    dock.next()
    assert (s.step, s.phase_name()) == (1, "backward-L2") and dock.counter.text() == "stop 3 of 3"
    assert s.selection == Selection("neuron", 2, 1)  # the highlighted δ of output neuron 2
    assert win.view.zoom == 1.0 and not dock.next_button.isEnabled()
    assert dock.answer.isVisible() and "δ of output neuron 1" in dock.question.text()
    dock.back()
    assert (s.step, s.phase_name()) == (1, "forward-L2") and win.view.zoom == pytest.approx(1.5)


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_highlighted_part_is_framed(main_window, qtbot):
    win = main_window("two-two-two")
    learn_menu.open_lesson(win, DELTA)
    win.lesson_dock.go_to(1)  # highlight = ["inspector"]
    qtbot.waitUntil(lambda: len(visible_frames(win)) == 1)
    frame = visible_frames(win)[0]
    dock_rect = win.inspector.geometry()
    assert frame.geometry().contains(dock_rect.adjusted(1, 1, -1, -1))
    image = win.grab().toImage()
    g = frame.geometry()
    edge = image.pixelColor(g.center().x(), g.top() + 2)
    want = QColor(COLOURS["light"])
    assert abs(edge.red() - want.red()) < 40 and abs(edge.green() - want.green()) < 40
    inside = image.pixelColor(g.center().x(), g.center().y())
    assert abs(inside.green() - want.green()) > 40 or abs(inside.red() - want.red()) > 40
    win.lesson_dock.next()  # highlight = ["timeline", …]: the inspector's frame goes
    qtbot.waitUntil(lambda: [f.target for f in visible_frames(win)] == [win.timeline])


def test_question_right_and_wrong_with_a_decimal_comma(main_window):
    win = main_window("two-two-two")
    learn_menu.open_lesson(win, DELTA)
    dock = win.lesson_dock
    dock.go_to(2)
    true = hand_delta(0)
    dock.answer.setText(f"{true:.4f}".replace(".", ","))
    assert dock.check() is True and "Right" in dock.verdict.text()
    dock.answer.setText(f"{true + 0.002:.4f}".replace(".", ","))
    assert dock.check() is False and "too large" in dock.verdict.text()
    dock.answer.setText("a lot")
    assert dock.check() is None and "not a number" in dock.verdict.text()
    assert not dock.hint.isVisible() or not dock.hint.text()
    dock.show_hint()
    assert "σ′(z)" in dock.hint.text() and dock.hint.isVisible()


def test_progress_is_remembered_across_windows(main_window, tmp_path):
    win = main_window("two-two-two")
    learn_menu.open_lesson(win, DELTA)
    dock = win.lesson_dock
    dock.go_to(2)
    dock.answer.setText(f"{hand_delta(0):.3f}".replace(".", ","))
    assert dock.check()
    win.settings.sync()
    win.close()
    other = main_window("xor")  # the same settings file
    folder = tmp_path / "lessons"
    folder.mkdir()
    shutil.copy(DELTA, folder / "delta.toml")
    shutil.copy(LESSONS / "xor_steps.toml", folder / "xor_steps.toml")
    (folder / "broken.toml").write_text('title = "x"\n[[stop]]\nstep = "one"\n', encoding="utf-8")
    learn_menu.open_lesson(other, folder / "delta.toml")  # a copy: its own progress
    other.lesson_dock.restart()
    chooser = LessonChooser(other, other.settings, LESSONS)
    rows = [chooser.list.item(i).text() for i in range(chooser.list.count())]
    assert any("Test: the output δ" in r and "3 stops" in r and "stop 3 of 3" in r for r in rows)
    assert any("1 of 1 questions right" in r for r in rows)
    assert any("Test: xor learns" in r and "not started" in r for r in rows)
    chooser.close()
    copies = LessonChooser(other, other.settings, folder)
    texts = [copies.list.item(i).text() for i in range(copies.list.count())]
    assert any(t.startswith("broken.toml: cannot be used") for t in texts)
    assert any("Test: the output δ" in t and "stop 1 of 3" in t for t in texts)
    copies.close()
    assert learn_menu.open_lesson(other, DELTA)
    assert other.lesson_dock.index == 2 and other.session.step == 1
    assert "right before" in other.lesson_dock.verdict.text()
    other.lesson_dock.restart()
    assert other.lesson_dock.index == 0 and other.session.step == 0
    again = LessonChooser(other, other.settings, LESSONS)
    rows = [again.list.item(i).text() for i in range(again.list.count())]
    assert any("Test: the output δ" in r and "stop 1 of 3" in r for r in rows)
    again.close()


def test_chooser_opens_the_lesson_chosen(main_window, qtbot):
    win = main_window("xor")
    chooser = learn_menu.choose_lesson(win, LESSONS)
    qtbot.waitUntil(chooser.isVisible)
    row = next(
        i for i in range(chooser.list.count()) if "xor learns" in chooser.list.item(i).text()
    )
    chooser.list.setCurrentRow(row)
    chooser.open_button.click()
    qtbot.waitUntil(lambda: getattr(win, "lesson_dock", None) is not None)
    dock, s = win.lesson_dock, win.session
    assert dock.lesson.title == "Test: xor learns"
    assert (s.step, s.phase_name(), s.sample) == (3, "loss", 1)
    qtbot.waitUntil(lambda: [f.target for f in visible_frames(win)] == [win.docks[0]])


def test_unsaved_work_is_asked_about_before_a_stop_changes_network(main_window, monkeypatch):
    win = main_window("xor")
    asked = []
    answer = ["cancel"]

    def ask(self, doing):
        asked.append(doing)
        return answer[0]

    monkeypatch.setattr(type(win), "ask_unsaved", ask)
    assert learn_menu.open_lesson(win, LESSONS / "two_networks.toml")
    assert asked == [] and win.session.step == 2  # xor already shown: nothing to lose
    assert win.session.dirty  # steps trained to reach the stop
    assert win.lesson_dock.next() is False
    assert asked == ["open another network"] and win.lesson_dock.index == 0
    assert win.session.source == "xor" and win.session.step == 2
    answer[0] = "discard"
    assert win.lesson_dock.next()
    assert list(win.session.spec.layers) == [2, 2, 2] and win.session.phase_name() == "update"


def test_a_broken_lesson_file_says_why(main_window, tmp_path):
    win = main_window("xor")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'title = "x"\nnetwork = "xor"\n[[stop]]\nstep = 1\nphase = "nowhere"\n', encoding="utf-8"
    )
    assert not learn_menu.open_lesson(win, bad)
    assert win.errors and win.errors[0].startswith("bad.toml: line 5, stop 1, key 'phase'")
    assert win.session.source == "xor"


def test_learn_menu_lists_its_actions(main_window):
    win = main_window("xor", show=False)
    titles = [a.text() for a in win.menuBar().actions()]
    assert titles.index("&Learn") == titles.index("&Help") - 1
    assert [a.text() for a in win.learn_menu.actions() if a.text()] == [
        "Lessons…",
        "Open lesson file…",
        "Play as lecture",
    ]


@pytest.mark.parametrize("dark", [False, True])
def test_frame_follows_the_theme(main_window, dark):
    win = main_window("two-two-two")
    win.set_theme("dark" if dark else "light")
    learn_menu.open_lesson(win, DELTA)
    frame = visible_frames(win)[0]
    assert frame.colour.name() == QColor(COLOURS["dark" if dark else "light"]).name()


def test_zoom_keeps_the_selected_neuron_in_view(main_window, qtbot):
    win = main_window("two-two-two")
    learn_menu.open_lesson(win, DELTA)
    win.lesson_dock.go_to(1)  # zoom 1.5 on output neuron 1
    assert win.view.zoom == pytest.approx(1.5)
    from nnviz.gui.lesson_stop import canvas_layout

    x, y = canvas_layout(win.canvas).neuron_pos(2, 0)
    assert 0 <= x <= win.canvas.width() and 0 <= y <= win.canvas.height()
    assert win.view.pan != (0.0, 0.0)  # moved towards the neuron, not about the middle


def test_no_check_once_the_window_shows_another_network(main_window):
    win = main_window("two-two-two")
    learn_menu.open_lesson(win, DELTA)
    dock = win.lesson_dock
    dock.go_to(2)
    win.open_network("xor")
    dock.answer.setText("0,1385")
    assert dock.check() is None and "go to the stop again" in dock.verdict.text()
    dock.go_to(2)
    dock.answer.setText("0,1385")
    assert dock.check() is True


def test_learn_menu_shows_and_hides_the_lesson_dock(main_window):
    win = main_window("xor")
    learn_menu.open_lesson(win, DELTA)
    toggle = win.lesson_dock.toggleViewAction()
    assert toggle in win.learn_menu.actions() and toggle.isChecked()
    toggle.trigger()
    assert not win.lesson_dock.isVisible()
    learn_menu.open_lesson(win, DELTA)  # opening a lesson shows it again
    assert win.lesson_dock.isVisible()


def test_a_wrong_answer_names_the_first_wrong_intermediate(main_window):
    """The lesson panel checks with predict mode's checker: the output δ typed without σ′(z)
    (a − y, by hand) is named as such."""
    win = main_window("two-two-two")
    learn_menu.open_lesson(win, DELTA)
    dock = win.lesson_dock
    dock.go_to(2)
    x = (0.05, 0.10)
    h = [_sig(0.15 * x[0] + 0.20 * x[1] + 0.35), _sig(0.25 * x[0] + 0.30 * x[1] + 0.35)]
    a = _sig(0.40 * h[0] + 0.45 * h[1] + 0.60)
    dock.answer.setText(f"{a - 0.01:.4f}")  # σ′(z) left out
    assert dock.check() is False
    text = dock.verdict.text()
    assert "too large" in text and "σ′" in text


def test_a_metric_question_is_checked_against_the_engine(main_window):
    """Accuracy of the metrics lesson's eight points, counted by hand: 5 of 8 right."""
    from nnviz.core.netfile import presets_dir

    win = main_window("xor")
    learn_menu.open_lesson(win, presets_dir().parent / "lessons" / "loss-vs-metric.toml")
    dock = win.lesson_dock
    dock.go_to(0)
    assert "accuracy" in dock.question.text()
    dock.answer.setText("0,625")
    assert dock.check() is True
    dock.answer.setText("0.75")
    assert dock.check() is False and "too large" in dock.verdict.text()


def test_lessons_ask_before_they_show(main_window):
    """Predict mode is on in lessons: the stop that asks for the output δ keeps its phase's
    numbers hidden (the canvas shows "?", not ∂L/∂w₅ = 0.082167, the worked example's figure)
    until the answer is right; a stop without a question shows its phase."""
    win = main_window("two-two-two")
    learn_menu.open_lesson(win, DELTA)
    dock, s = win.lesson_dock, win.session
    assert win.act_predict.isChecked() and s.reveals.on
    dock.go_to(1)  # forward-L2, no question: shown
    assert not s.phase_hidden()
    dock.go_to(2)  # backward-L2, asks for δ of output 1
    assert s.phase_name() == "backward-L2" and s.phase_hidden()
    true = hand_delta(0)

    def drawn() -> list[str]:
        win.canvas.grab()
        return [d.text for d in win.canvas.info.labels]

    assert "0.0822" not in drawn() and any("?" in t for t in drawn())
    dock.answer.setText(f"{true + 0.01:.3f}")
    assert dock.check() is False and s.phase_hidden()
    dock.answer.setText(f"{true:.4f}")
    assert dock.check() is True and not s.phase_hidden()
    assert "0.0822" in drawn() and not any("?" in t for t in drawn())
