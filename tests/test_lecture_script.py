"""Lesson files played as lecture scripts: PgDn/PgUp go from stop to stop (the window follows),
→ ← still step phases, the badge says "stop k/n", O shows an overview of every stop to jump
from, and the stop's notes reach the presenter view."""

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QKeyEvent

from nnviz.core.lesson import load_lesson
from nnviz.gui import learn_menu
from nnviz.gui.lecture_script import play_as_lecture

DELTA = Path(__file__).parent / "data" / "lessons" / "delta.toml"


@pytest.fixture
def script(main_window, qtbot):
    win = main_window("xor", show=False)
    lesson = load_lesson(DELTA)
    sc = play_as_lecture(win, lesson, 0)
    view = win.lecture
    view.resize(1280, 720)
    qtbot.waitExposed(view)
    yield sc
    if shiboken6.isValid(view):
        view.close()


def at(session) -> tuple:
    return (session.step, session.phase_name())


def test_pgdn_goes_to_the_next_stop(script, qtbot):
    view, s = script.view, script.window.session
    assert list(s.spec.layers) == [2, 2, 2] and at(s) == (0, "start")
    assert script.badge() == "stop 1/3"
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert script.index == 1 and at(s) == (1, "forward-L2") and script.badge() == "stop 2/3"
    assert s.selection is not None and s.selection.as_tuple() == ("neuron", 2, 0)
    qtbot.keyClick(view, Qt.Key.Key_Right)  # phases within the stop, as without a script
    assert script.index == 1 and at(s) == (1, "loss")
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert script.index == 2 and at(s) == (1, "backward-L2")
    qtbot.keyClick(view, Qt.Key.Key_PageDown)  # the last stop: stays
    assert script.index == 2
    qtbot.keyClick(view, Qt.Key.Key_PageUp)
    assert script.index == 1 and at(s) == (1, "forward-L2")
    assert view.isVisible()


def test_badge_is_painted(script, qtbot):
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    view = script.view
    image = QImage(1280, 720, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(image)
    view.paint_to(p, QRectF(0, 0, 1280, 720))
    p.end()
    # the badge's box (top right) holds white text on a dark box
    box = [image.pixelColor(x, y) for x in range(900, 1270, 2) for y in range(10, 40, 2)]
    assert any(c.lightness() > 200 for c in box) and any(c.lightness() < 60 for c in box)


def test_overview_lists_every_stop_and_jumps(script, qtbot):
    view = script.view
    qtbot.keyClick(view, Qt.Key.Key_O)
    ov = script.overview
    qtbot.waitUntil(ov.isVisible)
    assert len(ov.scenes) == 3 and ov.cursor == 0
    assert ov.geometry() == view.rect()
    image = ov.grab().toImage()
    background = QColor("#15171a")
    for k in range(3):  # each stop's thumbnail is painted in its cell
        cell = ov.cell(k).toRect()
        colours = {
            image.pixelColor(x, y).name()
            for x in range(cell.left() + 4, cell.right() - 4, 9)
            for y in range(cell.top() + 4, cell.bottom() - 40, 9)
        }
        assert len(colours - {background.name()}) > 3
    qtbot.keyClick(ov, Qt.Key.Key_Right)
    qtbot.keyClick(ov, Qt.Key.Key_Return)
    assert not ov.isVisible() and script.index == 1
    assert at(script.window.session) == (1, "forward-L2")
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert ov.isVisible() and ov.cursor == 1
    qtbot.mouseClick(ov, Qt.MouseButton.LeftButton, pos=ov.cell(2).center().toPoint())
    assert not ov.isVisible() and script.index == 2
    assert at(script.window.session) == (1, "backward-L2")
    qtbot.keyClick(view, Qt.Key.Key_O)
    qtbot.keyClick(ov, Qt.Key.Key_Escape)  # Esc closes the overview, not lecture mode
    assert not ov.isVisible() and view.isVisible() and script.index == 2


def test_notes_reach_the_presenter(script, qtbot, monkeypatch):
    from PySide6.QtCore import QRect

    monkeypatch.setattr("nnviz.gui.presenter.second_screen", lambda v: QRect(0, 0, 1000, 700))
    view = script.view
    assert view.current_notes() == "Point at the two inputs first."
    qtbot.keyClick(view, Qt.Key.Key_P)
    presenter = view.presenter
    assert presenter is not None and "two inputs" in presenter.script_notes.toPlainText()
    assert presenter.script_notes.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert view.current_notes() == "Ask the room for z before showing it."
    assert "Ask the room" in presenter.script_notes.toPlainText()
    presenter.notes.setPlainText("my own words")  # the lecturer's typed notes come after
    assert view.current_notes() == "Ask the room for z before showing it.\n\nmy own words"
    presenter.close()


def test_without_a_script_pgdn_steps_phases(main_window, qtbot):
    win = main_window("two-two-two", show=False)
    win.toggle_lecture()
    view = win.lecture
    qtbot.waitExposed(view)
    assert view.current_notes() == ""
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert at(win.session) == (1, "forward-L1")
    view.leave()


def test_learn_menu_plays_the_open_lesson_as_lecture(main_window, qtbot):
    win = main_window("xor")
    learn_menu.open_lesson(win, DELTA)
    win.lesson_dock.go_to(1)
    learn_menu.play_as_lecture(win)
    view = win.lecture
    qtbot.waitExposed(view)
    assert view.script.index == 1 and view.script.badge() == "stop 2/3"
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert win.lesson_dock.index == 2  # the panel follows the lecture
    with qtbot.waitSignal(view.closed):
        qtbot.keyClick(view, Qt.Key.Key_Escape)


def test_script_keys_are_in_the_key_map():
    from nnviz.gui import keymap

    page_down = keymap.event_combo(
        QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier)
    )
    scripted = {keymap.SCRIPT: True}
    assert keymap.lookup(page_down, scripted).action == "next_stop"
    assert keymap.lookup(page_down, {}).action == "next_phase"  # without a script: a phase
    shown = dict(keymap.help_rows())
    assert shown["PgDn (script)"] == "next stop of the lecture script"
    assert "overview" in shown["O (script)"]


def test_o_opens_and_closes_the_overview_and_tab_still_selects(script, qtbot):
    view = script.view
    qtbot.keyClick(view, Qt.Key.Key_O)
    ov = script.overview
    assert ov is not None and ov.isVisible()
    qtbot.keyClick(ov, Qt.Key.Key_O)
    assert not ov.isVisible() and view.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_O)  # and again, with the overview a hidden child
    assert ov.isVisible()
    qtbot.keyClick(ov, Qt.Key.Key_Escape)
    assert not ov.isVisible() and view.isVisible()  # Esc closes the overview, not lecture mode
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.session.selection is not None and view.session.selection.kind == "neuron"


def test_a_stops_prepared_ink_is_drawn_on_its_neuron_once(main_window, qtbot):
    """The shipped lecture script circles output 1 at its loss stop: the circle becomes lecture
    ink on that page, centred on the output neuron (column 2, a quarter height above the
    middle), drawn there in red, and laid only once however often the stop is visited."""
    import numpy as np

    from nnviz.core.netfile import presets_dir

    win = main_window("two-two-two", show=False)
    lesson = load_lesson(presets_dir().parent / "lessons" / "lecture-backprop.toml")
    sc = play_as_lecture(win, lesson, 2)
    view = win.lecture
    view.resize(1280, 720)
    qtbot.waitExposed(view)
    s = win.session
    page = (s.run.id, s.step, s.phase)
    (stroke,) = s.ink.strokes(page)
    xs, ys = np.array(stroke.points).T
    assert (xs.mean(), ys.mean()) == pytest.approx((2.0, -0.25), abs=0.02)
    qtbot.waitUntil(lambda: view.info is not None)
    image = view.grab().toImage()
    lay = view.info.layout
    px, py = lay.from_network(np.array([xs[0]]), np.array([ys[0]]))
    red = [
        image.pixelColor(int(px[0]) + dx, int(py[0]) + dy)
        for dx in range(-3, 4)
        for dy in range(-3, 4)
    ]
    assert any(c.red() > 180 and c.green() < 90 and c.blue() < 90 for c in red)
    sc.go_to(3)
    sc.go_to(2)
    assert len(s.ink.strokes(page)) == 1
    view.close()
