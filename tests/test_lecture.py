"""Lecture mode: slide-deck keys, blackout, help, pen strokes per phase, scale remembered, and
numbers large enough to read from the back row."""

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QApplication

from nnviz.core.netfile import load
from nnviz.gui.lecture import LectureView
from nnviz.gui.main_window import MainWindow
from nnviz.gui.session import Selection, Session


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def lecture(qtbot, settings):
    spec, base = load("two-two-two")
    view = LectureView(Session(spec, base, "two-two-two"), settings)
    view.resize(1280, 720)
    view.show()
    qtbot.waitExposed(view)
    yield view
    if shiboken6.isValid(view):  # leaving lecture mode (Esc) deletes the view
        view.close()


def key(qtbot, view, k, text="", mod=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(view, k, mod)


@pytest.mark.parametrize(
    "k", [Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_J]
)
def test_next_keys(qtbot, lecture, k):
    key(qtbot, lecture, k)
    key(qtbot, lecture, k)
    assert lecture.session.phase_name() == "forward-L2"


@pytest.mark.parametrize("k", [Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp, Qt.Key.Key_K])
def test_previous_keys(qtbot, lecture, k):
    for _ in range(3):
        key(qtbot, lecture, Qt.Key.Key_PageDown)
    key(qtbot, lecture, k)
    assert lecture.session.phase_name() == "forward-L2"


def test_home_end_and_jump_to_step(qtbot, lecture):
    s = lecture.session
    for _ in range(3):
        s.next_step()
    key(qtbot, lecture, Qt.Key.Key_Home)
    assert s.phase == 0
    key(qtbot, lecture, Qt.Key.Key_End)
    assert s.phase_name() == "update"
    qtbot.keyClicks(lecture, "2")
    key(qtbot, lecture, Qt.Key.Key_Return)
    assert s.step == 2 and s.phase == 0


def test_blackout_whiteout(qtbot, lecture):
    key(qtbot, lecture, Qt.Key.Key_B)
    assert lecture.blackout == "black"
    img = lecture.grab().toImage()
    assert QColor(img.pixel(640, 360)) == QColor("#000000")
    key(qtbot, lecture, Qt.Key.Key_B)
    assert lecture.blackout is None
    key(qtbot, lecture, Qt.Key.Key_Period)
    assert lecture.blackout == "black"
    key(qtbot, lecture, Qt.Key.Key_Right)  # a clicker's next brings the picture back first
    assert lecture.blackout is None and lecture.session.step == 0
    key(qtbot, lecture, Qt.Key.Key_W)
    assert lecture.blackout == "white"


def test_help_overlay(qtbot, lecture):
    qtbot.keyClick(lecture, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    assert lecture.help_shown
    key(qtbot, lecture, Qt.Key.Key_Right)
    assert not lecture.help_shown and lecture.session.step == 0  # the key only closed the help


def test_pen_strokes_belong_to_their_phase(qtbot, lecture):
    key(qtbot, lecture, Qt.Key.Key_Right)  # forward-L1
    key(qtbot, lecture, Qt.Key.Key_C)
    assert lecture.pen_on
    qtbot.mousePress(lecture, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    for x in range(110, 300, 20):
        qtbot.mouseMove(lecture, QPoint(x, 120))
    qtbot.mouseRelease(lecture, Qt.MouseButton.LeftButton, pos=QPoint(300, 120))
    assert len(lecture.current_strokes()) == 1
    key(qtbot, lecture, Qt.Key.Key_Right)  # forward-L2: its own, empty layer
    assert lecture.current_strokes() == []
    key(qtbot, lecture, Qt.Key.Key_Left)  # back: the stroke is still there
    assert len(lecture.current_strokes()) == 1
    key(qtbot, lecture, Qt.Key.Key_Delete)
    assert lecture.current_strokes() == []


def test_scale_changes_and_is_remembered(qtbot, lecture, settings):
    before = lecture.scale
    key(qtbot, lecture, Qt.Key.Key_Equal, mod=Qt.KeyboardModifier.ControlModifier)
    assert lecture.scale > before
    assert float(settings.value("lecture/scale")) == lecture.scale
    again = LectureView(lecture.session, settings)
    qtbot.addWidget(again)
    assert again.scale == lecture.scale
    key(qtbot, lecture, Qt.Key.Key_Minus, mod=Qt.KeyboardModifier.ControlModifier)
    key(qtbot, lecture, Qt.Key.Key_Minus, mod=Qt.KeyboardModifier.ControlModifier)
    assert lecture.scale < before


def test_laser_and_zoom(qtbot, lecture):
    key(qtbot, lecture, Qt.Key.Key_L)
    # the move is sent to the view itself: QTest's simulated cursor depends on where earlier
    # tests left it and on which window is active, which made this test order-dependent
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(200, 200),
        QPointF(lecture.mapToGlobal(QPoint(200, 200))),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(lecture, move)
    assert lecture.laser_on and lecture.laser_pos == QPointF(200, 200)
    lecture.session.select(Selection("neuron", 1, 0))
    lecture.repaint()
    key(qtbot, lecture, Qt.Key.Key_Z)
    assert lecture.zoomed and lecture.options.zoom > 1
    key(qtbot, lecture, Qt.Key.Key_Z)
    assert not lecture.zoomed and lecture.options.zoom == 1


def test_numbers_are_large_at_1080p(qtbot, lecture):
    for _ in range(4):
        key(qtbot, lecture, Qt.Key.Key_Right)
    img = QImage(1920, 1080, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    lecture.paint_to(p, QRectF(0, 0, 1920, 1080))
    p.end()
    boxes = lecture.info.label_boxes
    assert len(boxes) >= 6
    assert min(b.height() for b in boxes) >= 28


def test_f5_enters_and_escape_leaves(qtbot, tmp_path):
    spec, base = load("xor")
    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Session(spec, base, "xor"), settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.act_lecture.trigger()
    view = win.lecture
    assert view.isVisible()
    key(qtbot, view, Qt.Key.Key_Right)
    assert win.session.phase_name() == "forward-L1"  # the same session as the window
    key(qtbot, view, Qt.Key.Key_Escape)
    assert not view.isVisible()


def test_reveal_animation_fades_and_can_be_skipped(qtbot, settings, monkeypatch):
    monkeypatch.delenv("NNVIZ_NO_ANIMATION", raising=False)
    spec, base = load("xor")
    view = LectureView(Session(spec, base, "xor"), settings)
    qtbot.addWidget(view)
    view.resize(640, 360)
    view.show()
    qtbot.waitExposed(view)
    assert view.animate
    view.update()
    qtbot.waitUntil(lambda: view._last_frame is not None, timeout=3000)
    key(qtbot, view, Qt.Key.Key_Right)
    assert view._fading is not None, (view.session.phase_name(), view.isVisible())  # fading out
    qtbot.waitUntil(lambda: view._fading is None, timeout=3000)
    key(qtbot, view, Qt.Key.Key_Right)
    assert view._fading is not None
    key(qtbot, view, Qt.Key.Key_Right)  # next again: the running reveal is skipped
    assert view.session.phase_name() == "loss"
    key(qtbot, view, Qt.Key.Key_A)
    assert not view.animate and view._fading is None
    assert settings.value("lecture/animate", type=bool) is False


def test_animation_is_off_in_tests(lecture):
    assert not lecture.animate


def test_presenter_view_follows_and_previews_next(qtbot, lecture, monkeypatch):
    from PySide6.QtCore import QRect

    # a second screen for the presenter view (with one, it is refused)
    monkeypatch.setattr("nnviz.gui.presenter.second_screen", lambda v: QRect(0, 0, 1000, 700))
    key(qtbot, lecture, Qt.Key.Key_P)
    pv = lecture.presenter
    assert pv.isVisible()  # closed (and deleted) with the lecture view below
    scene, note = pv.next_scene()
    assert scene is None and "step 1" in note  # the first step is not trained yet
    key(qtbot, lecture, Qt.Key.Key_Right)  # forward-L1
    scene, _ = pv.next_scene()
    assert scene.phase == 1 and scene.trace is lecture.session.trace()
    assert lecture.session.caption().html in pv.caption.text()  # the caption, typeset
    lecture.session.select(Selection("neuron", 2, 0))
    assert "neuron 1 of output layer" in pv.formulas.toPlainText()
    assert ":" in pv.clock.text()
    key(qtbot, lecture, Qt.Key.Key_Escape)
    assert not pv.isVisible()


def test_presenter_next_header_names_the_next_phase(qtbot, lecture):
    from nnviz.gui.presenter import PresenterView

    key(qtbot, lecture, Qt.Key.Key_Right)
    pv = PresenterView(lecture.session)
    qtbot.addWidget(pv)
    scene, _ = pv.next_scene()
    assert "forward-L2" in scene.header


def test_scale_is_clamped_reset_by_ctrl_0_and_clamped_when_read(qtbot, lecture, settings):
    from nnviz.render.view import SCALE_MAX, SCALE_MIN

    for _ in range(20):
        key(qtbot, lecture, Qt.Key.Key_Equal, mod=Qt.KeyboardModifier.ControlModifier)
    assert lecture.scale == SCALE_MAX == 2.5
    key(qtbot, lecture, Qt.Key.Key_0, mod=Qt.KeyboardModifier.ControlModifier)
    assert lecture.scale == 1.0 and float(settings.value("lecture/scale")) == 1.0
    assert lecture.typed == ""  # Ctrl+0 is not the digit 0 of "go to step"
    for _ in range(20):
        key(qtbot, lecture, Qt.Key.Key_Minus, mod=Qt.KeyboardModifier.ControlModifier)
    assert lecture.scale == SCALE_MIN == 0.75
    for stored, read in (("3.0", 2.5), ("0.2", 0.75), ("nonsense", 1.0), ("nan", 1.0)):
        settings.setValue("lecture/scale", stored)
        again = LectureView(lecture.session, settings)
        qtbot.addWidget(again)
        assert again.scale == read


def test_larger_type_keeps_the_current_layers_deltas(qtbot, settings):
    spec, base = load("spiral")
    view = LectureView(Session(spec, base, "spiral"), settings)
    qtbot.addWidget(view)
    view.resize(1920, 1080)
    while view.session.phase_name() != "backward-L2":
        view.session.next_phase()
    for _ in range(4):
        key(qtbot, view, Qt.Key.Key_Equal, mod=Qt.KeyboardModifier.ControlModifier)
    assert view.scale > 1.4
    img = QImage(1920, 1080, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    view.paint_to(p, QRectF(0, 0, 1920, 1080))
    p.end()
    texts = [d.text for d in view.info.labels]
    deltas = view.session.trace().layers[1].delta[view.session.sample]
    from nnviz.core.numfmt import fmt

    for v in deltas:
        assert f"δ {fmt(v, 3)}" in texts
    assert view.info.header_box.bottom() <= view.info.net_box.top()
    assert view.info.net_box.bottom() <= view.info.caption_box.top()


def test_zoom_brings_the_neuron_to_the_centre_and_its_numbers_grow(qtbot, lecture):
    for _ in range(2):
        key(qtbot, lecture, Qt.Key.Key_Right)
    img = QImage(1280, 720, QImage.Format.Format_ARGB32_Premultiplied)

    def shot():
        p = QPainter(img)
        lecture.paint_to(p, QRectF(0, 0, 1280, 720))
        p.end()
        return lecture.info

    lecture.resize(1280, 720)
    lecture.session.select(Selection("neuron", 1, 0))
    before = shot()
    px = max(d.px for d in before.labels if d.kind == "neuron")
    key(qtbot, lecture, Qt.Key.Key_Z)
    after = shot()
    x, y = after.layout.neuron_pos(1, 0)
    assert abs(x - 640) < 2 and abs(y - 360) < 2
    assert max(d.px for d in after.labels if d.kind == "neuron") > px * 1.5


def test_pen_colours_1_to_4_while_the_pen_is_on(qtbot, lecture):
    from nnviz.gui.lecture import PEN_COLOURS

    s = lecture.session
    for _ in range(3):
        s.next_step()
    s.goto_step(1, 0)
    key(qtbot, lecture, Qt.Key.Key_C)
    for colour in (2, 1, 3, 0):
        qtbot.keyClicks(lecture, str(colour + 1))
        assert lecture.pen_colour == PEN_COLOURS[colour] and lecture.typed == ""
    key(qtbot, lecture, Qt.Key.Key_Return)  # nothing typed: no jump
    assert (s.step, s.phase) == (1, 0)
    qtbot.keyClicks(lecture, "3")
    qtbot.mousePress(lecture, Qt.MouseButton.LeftButton, pos=QPoint(100, 600))
    for x in range(110, 400, 10):
        qtbot.mouseMove(lecture, QPoint(x, 600))
    qtbot.mouseRelease(lecture, Qt.MouseButton.LeftButton, pos=QPoint(400, 600))
    # ink keeps to the network, so it is read from the widget it was drawn on (a QImage of
    # another resolution lays the caption out differently, and the network with it)
    img = lecture.grab().toImage()
    assert QColor(img.pixel(250, 600)) == QColor(PEN_COLOURS[2])  # the stroke in colour 3
    key(qtbot, lecture, Qt.Key.Key_C)  # pen off: digits are a step number again
    qtbot.keyClicks(lecture, "3")
    key(qtbot, lecture, Qt.Key.Key_Return)
    assert s.step == 3 and lecture.pen_colour == PEN_COLOURS[2]


@pytest.mark.parametrize("mod", [Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier])
def test_f5_and_shift_f5_leave_lecture_mode(qtbot, lecture, mod):
    """Some clickers send Shift+F5 (a slide show's "from the current slide")."""
    with qtbot.waitSignal(lecture.closed):
        qtbot.keyClick(lecture, Qt.Key.Key_F5, mod)


def test_help_overlay_is_opaque(qtbot, settings):
    from nnviz.gui.lecture import HELP_BACKGROUND

    settings.setValue("lecture/theme", "lecture-light")  # a white picture behind the help
    spec, base = load("two-two-two")
    view = LectureView(Session(spec, base, "two-two-two"), settings)
    qtbot.addWidget(view)
    view.resize(1280, 720)
    qtbot.keyClick(view, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    img = QImage(1280, 720, QImage.Format.Format_ARGB32)
    img.fill(QColor("#ff00ff"))
    p = QPainter(img)
    view.paint_to(p, QRectF(0, 0, 1280, 720))
    p.end()
    for x, y in ((3, 3), (1276, 716), (640, 3), (3, 360)):  # corners and edges, away from text
        assert QColor(img.pixel(x, y)) == QColor(HELP_BACKGROUND), (x, y)


def _xor_lecture(qtbot, settings) -> tuple[Session, LectureView]:
    """Lecture mode shown on the xor preset, at 1280×720."""
    spec, base = load("xor")
    s = Session(spec, base, "xor")
    view = LectureView(s, settings)
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    qtbot.waitExposed(view)
    return s, view


def test_typed_step_past_the_last_trains_ahead_with_a_badge(qtbot, settings):
    s, view = _xor_lecture(qtbot, settings)
    s.next_step()
    assert s.n_steps == 1
    target = 4000
    qtbot.keyClicks(view, str(target))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert view.ahead is not None and view.ahead.active
    seen = []
    view.ahead.progress.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(view.ahead.finished, timeout=60_000) as done:
        pass
    assert done.args == [True]
    assert s.step == target == s.n_steps and s.phase == 0
    assert s.trace().step == target  # the step shown was traced
    assert seen and seen[-1] == (target - 1, target - 1)
    assert len(seen) >= 2  # trained in slices, the badge updated between them


def test_training_ahead_shows_its_progress_and_esc_stops_it(qtbot, settings):
    s, view = _xor_lecture(qtbot, settings)
    view.train_ahead(2_000_000)
    assert view.ahead.active
    with qtbot.waitSignal(view.ahead.progress, timeout=10_000):
        pass
    img = QImage(1280, 720, QImage.Format.Format_ARGB32)
    p = QPainter(img)
    view.paint_to(p, QRectF(0, 0, 1280, 720))
    p.end()
    badge = [QColor(img.pixel(x, 30)) for x in range(900, 1270, 4)]
    assert any(c.red() > 200 and c.green() > 200 for c in badge)  # its white words
    with qtbot.waitSignal(view.ahead.finished) as stopped:
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert stopped.args == [False] and view.isVisible()  # Esc stopped training, not the lecture
    assert 1 < s.n_steps < 2_000_000


def test_a_step_beyond_the_limits_is_refused_with_a_dialog(qtbot, lecture):
    from PySide6.QtWidgets import QMessageBox

    from nnviz.core.limits import SESSION_MAX_STEPS

    s = lecture.session
    qtbot.keyClicks(lecture, str(SESSION_MAX_STEPS + 1))
    qtbot.keyClick(lecture, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lecture.findChild(QMessageBox) is not None)
    box = lecture.findChild(QMessageBox)
    assert "past the limit" in box.text() and s.n_steps == 0 and lecture.ahead is None
    box.close()


def test_shift_f5_enters_lecture_mode_like_f5(main_window):
    """Some presentation clickers send Shift+F5 to start the show."""
    win = main_window("xor", show=False)
    assert "Shift+F5" in [k.toString() for k in win.act_lecture.shortcuts()]
    win.act_lecture.trigger()
    assert win.lecture is not None
    win.lecture.leave()
