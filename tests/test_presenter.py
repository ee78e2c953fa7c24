"""The presenter view: it never takes the keys from lecture mode nor comes up over it, it is
refused on a single screen, it shows the lecturer's notes of the phase (kept in session
files), and its timer pauses and resets."""

import json

import pytest
import shiboken6
from PySide6.QtCore import QRect, QRectF, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from nnviz.core import session_file
from nnviz.core.netfile import load
from nnviz.gui.lecture import LectureView
from nnviz.gui.presenter import PresenterView, Stopwatch
from nnviz.gui.session import Session


@pytest.fixture
def lecture(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    spec, base = load("xor")
    view = LectureView(Session(spec, base, "xor"), settings)
    view.resize(1280, 720)
    view.show()
    qtbot.waitExposed(view)
    yield view
    if shiboken6.isValid(view):
        view.close()


@pytest.fixture
def two_screens(monkeypatch):
    """A second screen beside the first (the test platform has one)."""
    monkeypatch.setattr("nnviz.gui.presenter.second_screen", lambda v: QRect(1300, 0, 1000, 700))


@pytest.fixture
def presenter(qtbot, lecture, two_screens) -> PresenterView:
    lecture.activateWindow()
    qtbot.waitUntil(lecture.isActiveWindow)
    qtbot.keyClick(lecture, Qt.Key.Key_P)
    pv = lecture.presenter
    assert isinstance(pv, PresenterView)
    qtbot.waitExposed(pv)
    return pv


def test_keys_pressed_on_the_presenter_act_on_the_lecture(qtbot, lecture, presenter):
    s = lecture.session
    presenter.setFocus()
    qtbot.keyClick(presenter, Qt.Key.Key_PageDown)
    assert s.phase_name() == "forward-L1"
    qtbot.keyClick(presenter, Qt.Key.Key_B)
    assert lecture.blackout == "black"
    qtbot.keyClick(presenter, Qt.Key.Key_B)
    assert lecture.blackout is None
    for _ in range(3):
        s.next_step()
    qtbot.keyClicks(presenter, "2")
    qtbot.keyClick(presenter, Qt.Key.Key_Return)
    assert (s.step, s.phase) == (2, 0)
    qtbot.keyClick(presenter, Qt.Key.Key_Tab)  # not a focus move: the first neuron
    assert s.selection is not None and (s.selection.layer, s.selection.row) == (0, 0)
    assert presenter.now_title.text() == "Now: step 2 · forward-L1"
    qtbot.keyClick(presenter, Qt.Key.Key_P)  # P on the presenter closes the presenter
    qtbot.waitUntil(lambda: not shiboken6.isValid(presenter) or not presenter.isVisible())
    assert lecture.presenter is None and lecture.isVisible()


def test_the_presenter_never_becomes_the_active_window(qtbot, lecture, presenter):
    assert presenter.isVisible()
    assert presenter.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert presenter.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus
    assert presenter.geometry().intersects(QRect(1300, 0, 1000, 700))  # on the other screen
    qtbot.waitUntil(lambda: QApplication.activeWindow() is lecture)
    for _ in range(5):  # and it stays so
        QApplication.processEvents()
        assert QApplication.activeWindow() is lecture
    qtbot.keyClick(lecture, Qt.Key.Key_Right)  # the lecture still has the keys
    assert lecture.session.phase_name() == "forward-L1"


def test_one_screen_refuses_the_presenter_on_the_badge(qtbot, lecture, monkeypatch):
    monkeypatch.setattr("nnviz.gui.presenter.second_screen", lambda v: None)
    qtbot.keyClick(lecture, Qt.Key.Key_P)
    assert lecture.presenter is None
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, PresenterView)]
    assert "second screen" in lecture.message
    img = QImage(1280, 720, QImage.Format.Format_ARGB32)
    p = QPainter(img)
    lecture.paint_to(p, QRectF(0, 0, 1280, 720))
    p.end()
    row = [QColor(img.pixel(x, 30)) for x in range(700, 1270, 3)]
    assert any(c.red() > 200 and c.green() > 200 and c.blue() > 200 for c in row)  # its words
    qtbot.keyClick(lecture, Qt.Key.Key_T)  # the timer keys say there is no presenter view
    assert "P opens it" in lecture.message
    qtbot.keyClick(lecture, Qt.Key.Key_Right)  # the next key: the line goes
    assert lecture.message == ""


def test_notes_belong_to_their_phase_and_survive_a_session_file(
    qtbot, lecture, presenter, tmp_path
):
    s = lecture.session
    qtbot.keyClick(presenter, Qt.Key.Key_Right)  # step 1, forward-L1
    qtbot.keyClick(presenter, Qt.Key.Key_N)
    qtbot.waitUntil(presenter.notes.hasFocus)
    text = "Ask: why is z = Wx + b? Then press 3"
    qtbot.keyClicks(presenter.notes, text)  # typed in the box: no lecture key acts
    assert s.phase_name() == "forward-L1" and lecture.typed == "" and lecture.blackout is None
    qtbot.keyClick(presenter.notes, Qt.Key.Key_Escape)  # leaves the box, not lecture mode
    assert lecture.isVisible() and not presenter.notes.hasFocus()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is lecture)  # the keys are back
    assert lecture.current_notes() == text == presenter.notes_text()
    qtbot.keyClick(presenter, Qt.Key.Key_Right)  # forward-L2: its own (no) notes
    assert lecture.current_notes() == "" == presenter.notes_text()
    s.next_step()  # step 2, the same phase name, another step
    s.goto_step(2, 0)
    assert lecture.current_notes() == "" == presenter.notes_text()
    s.goto_step(1, 0)
    assert presenter.notes_text() == text == lecture.current_notes()
    assert s.dirty
    qtbot.mouseClick(presenter.notes.viewport(), Qt.MouseButton.LeftButton)  # a click: typing
    qtbot.waitUntil(presenter.notes.hasFocus)
    assert presenter.editing_notes
    qtbot.keyClick(presenter.notes, Qt.Key.Key_Escape)

    path = tmp_path / "lecture.nnviz"
    session_file.save(s.to_session_data(folder=tmp_path), path)
    spec, base = load("xor")
    again = Session(spec, base, "xor")
    again.open_session(session_file.load(path), tmp_path, str(path))
    assert (again.step, again.phase) == (1, 0) and again.note() == text
    again.goto_step(1, 1)
    assert again.note() == ""
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["notes"] == [{"run": 1, "step": 1, "phase": 0, "text": text}]
    del doc["notes"]  # a file written before notes existed still opens
    assert session_file.from_json(doc).notes == {}
    doc["notes"] = [{"run": 7, "step": 1, "phase": 0, "text": "x"}]
    bad = session_file.from_json(doc)  # bad notes are left out with a line; the session opens
    assert bad.notes == {} and "names no run" in bad.notes_note
    doc["notes"] = "x" * 10
    assert "must be a list" in session_file.from_json(doc).notes_note


def test_timer_pauses_resumes_and_resets(qtbot, presenter):
    now = [1000.0]
    presenter.stopwatch = Stopwatch(lambda: now[0])
    now[0] += 65
    presenter._tick()
    assert presenter.timer_label.text() == "0:01:05"
    qtbot.keyClick(presenter, Qt.Key.Key_T)  # pause
    now[0] += 30
    presenter._tick()
    assert presenter.timer_label.text().startswith("0:01:05") and "paused" in (
        presenter.timer_label.text()
    )
    assert presenter.pause_button.text().startswith("Resume")
    qtbot.mouseClick(presenter.pause_button, Qt.MouseButton.LeftButton)  # resume by button
    now[0] += 10
    presenter._tick()
    assert presenter.timer_label.text() == "0:01:15"
    qtbot.keyClick(presenter, Qt.Key.Key_T, Qt.KeyboardModifier.ShiftModifier)  # reset
    assert presenter.timer_label.text() == "0:00:00"
    now[0] += 3600 + 7
    presenter._tick()
    assert presenter.timer_label.text() == "1:00:07"
    qtbot.mouseClick(presenter.reset_button, Qt.MouseButton.LeftButton)
    assert presenter.timer_label.text() == "0:00:00"
    assert presenter.clock.text().startswith("clock ") and ":" in presenter.clock.text()


def test_type_grows_with_the_window_and_the_caption_is_shown_once(qtbot, presenter):
    presenter.resize(960, 540)
    qtbot.waitUntil(lambda: presenter.height() == 540)
    small = presenter.caption.font().pixelSize()
    presenter.resize(1920, 1080)
    qtbot.waitUntil(lambda: presenter.height() == 1080)
    big = presenter.caption.font().pixelSize()
    assert big >= 30 and big > small * 1.6
    assert presenter.timer_label.font().pixelSize() > big
    assert not presenter.current.scene.show_caption  # the caption is the label's, once
    assert presenter.session.caption().html in presenter.caption.text()


def test_leaving_the_notes_box_by_the_lecture_view_and_closing_by_the_window(
    qtbot, lecture, presenter
):
    qtbot.keyClick(lecture, Qt.Key.Key_N)
    qtbot.waitUntil(presenter.notes.hasFocus)
    assert presenter.editing_notes
    lecture.activateWindow()  # the lecturer went back to the lecture view
    qtbot.waitUntil(lambda: not presenter.editing_notes)
    assert presenter.windowHandle().flags() & Qt.WindowType.WindowDoesNotAcceptFocus
    presenter.close()  # its window's close button
    qtbot.keyClick(lecture, Qt.Key.Key_P)  # P opens a new one, not "closes" the old
    assert lecture.presenter is not presenter and lecture.presenter.isVisible()


def test_notes_follow_their_run_when_a_session_file_gives_run_ids_out_again(qtbot):
    """Runs are numbered again as a session file is replayed (a deleted run leaves a gap): the
    notes stay on the run they were typed on, and notes that cannot be used are left out with a
    line while the session opens."""
    spec, base = load("two-two-two")
    s = Session(spec, base, "two-two-two")
    s.next_step()
    s.goto_step(1, 0)
    first = s.run
    second = s.set_parameter(0, 0, 0, 0.5)
    s.switch_run(first, 1)
    third = s.set_parameter(0, 1, 1, 0.7)
    s.set_note("on the 0.7 run")
    s.delete_run(second)
    doc = json.loads(json.dumps(session_file.to_json(s.to_session_data())))
    assert [n["run"] for n in doc["notes"]] == [third.id] == [3]
    t = Session(spec, base, "two-two-two")
    t.open_session(session_file.from_json(doc), base, "x.nnviz")
    edited = next(r for r in t.runs.runs.values() if r.edits and r.edits[0].value == 0.7)
    assert edited.id == 2 and t.notes == {(2, 1, 0): "on the 0.7 run"}
    doc["notes"] = [{"run": 1, "step": 99, "phase": 0, "text": "x"}]
    messages = []
    u = Session(spec, base, "two-two-two")
    u.message.connect(messages.append)
    u.open_session(session_file.from_json(doc), base, "x.nnviz")
    assert u.notes == {} and any("notes were left out" in m for m in messages)
