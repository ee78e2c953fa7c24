"""Lecture ink: strokes drawn with the mouse belong to their run, step and phase, survive leaving
lecture mode and a session file, follow zoom and type scale (network coordinates), and can be
erased, undone, redone and cleared; a hostile "ink" entry never stops a session opening."""

import json

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QColor

from nnviz.core import session_file
from nnviz.core.ink import INK_COLOURS, WIDTHS, parse_ink
from nnviz.core.limits import INK_MAX_POINTS, INK_MAX_STROKE_POINTS, INK_MAX_STROKES
from nnviz.core.netfile import load
from nnviz.gui.lecture import LectureView
from nnviz.gui.session import Selection, Session
from nnviz.render.layout import compute_layout

MAGENTA = QColor(INK_COLOURS["magenta"])


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)


def _show(qtbot, view: LectureView) -> LectureView:
    qtbot.addWidget(view)
    view.resize(1280, 720)
    view.show()
    qtbot.waitExposed(view)
    return view


@pytest.fixture
def lecture(qtbot, settings):
    spec, base = load("two-two-two")
    return _show(qtbot, LectureView(Session(spec, base, "two-two-two"), settings))


def draw(qtbot, view, points) -> None:
    """A mouse stroke through ``points`` (widget pixels)."""
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=QPoint(*points[0]))
    for x, y in points[1:]:
        qtbot.mouseMove(view, QPoint(x, y))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]))


def across(x: float, y: float, half: int = 20) -> list[tuple[int, int]]:
    """A horizontal stroke through (x, y)."""
    return [(int(round(x)) + dx, int(round(y))) for dx in range(-half, half + 1, 4)]


def neuron_xy(view, layer: int, i: int) -> tuple[float, float]:
    view.grab()  # paints it now: the layout of what is shown
    return view.info.layout.neuron_pos(layer, i)


def pixel(view, x: float, y: float) -> QColor:
    return QColor(view.grab().toImage().pixel(int(round(x)), int(round(y))))


# ----- network coordinates (no Qt) -----------------------------------------------------------------
def test_network_coordinates_put_neurons_on_columns_and_height_shares():
    # a 2-3-1 network in a 600×400 area at (100, 50): columns are 0, 1, 2; a 3-neuron column
    # sits at -1/3, 0, +1/3 of the height, a 2-neuron one at ±1/6 (slots = 3, spacing h/3)
    for zoom, pan in ((1.0, (0.0, 0.0)), (2.5, (-130.0, 45.0))):
        lay = compute_layout((2, 3, 1), 600, 400, left=100, top=50, zoom=zoom, pan=pan, snap=False)
        xs = [lay.neuron_pos(1, i)[0] for i in range(3)]
        ys = [lay.neuron_pos(1, i)[1] for i in range(3)]
        u, v = lay.to_network(np.array(xs), np.array(ys))
        np.testing.assert_allclose(u, [1, 1, 1], atol=1e-9)
        np.testing.assert_allclose(v, [-1 / 3, 0, 1 / 3], atol=1e-9)
        u, v = lay.to_network(
            np.array([lay.neuron_pos(0, 1)[0]]), np.array([lay.neuron_pos(0, 1)[1]])
        )
        np.testing.assert_allclose([u[0], v[0]], [0, 1 / 6], atol=1e-9)
        # beyond the outer columns the column gap goes on; the inverse gives the pixels back
        px = np.array([0.0, 150.0, 420.0, 990.0])
        py = np.array([-40.0, 10.0, 260.0, 700.0])
        back = lay.from_network(*lay.to_network(px, py))
        np.testing.assert_allclose(back, [px, py], atol=1e-9)


# ----- the file format (no Qt) ------------------------------------------------------------------------
def _stroke(**changes) -> dict:
    return {"run": 1, "step": 1, "phase": 0, "colour": "blue", "width": 4,
            "points": [[1.0, -0.25], [1.5, 0.0]], **changes}  # fmt: skip


def _session_doc(ink) -> dict:
    spec, base = load("two-two-two")
    s = Session(spec, base, "two-two-two")
    s.next_step()
    doc = session_file.to_json(s.to_session_data())
    doc["ink"] = ink
    return doc


def test_ink_written_by_hand_opens_and_goes_round_a_session_file(qtbot):
    doc = _session_doc([_stroke(), _stroke(colour="#123456", phase=3, points=[[0, 0]])])
    data = session_file.from_json(json.loads(json.dumps(doc)))
    assert data.ink_note is None and data.ink.count() == 2
    (page, [stroke]), _ = sorted(data.ink.pages.items())
    assert page == (1, 1, 0) and stroke.hex == INK_COLOURS["blue"]
    assert stroke.points == ((1.0, -0.25), (1.5, 0.0)) and stroke.width == 4.0
    again = session_file.from_json(json.loads(json.dumps(session_file.to_json(data))))
    assert again.ink.pages == data.ink.pages
    del doc["ink"]  # a file without ink (every older file) has none
    assert session_file.from_json(doc).ink.count() == 0


HOSTILE = [
    ("not a list", {"run": 1}),
    ("too many strokes", [_stroke()] * (INK_MAX_STROKES + 1)),
    ("a long stroke", [_stroke(points=[[0, 0]] * (INK_MAX_STROKE_POINTS + 1))]),
    ("too many points", [_stroke(points=[[0, 0]] * 10_000)] * (INK_MAX_POINTS // 10_000 + 1)),
    ("NaN", [_stroke(points=[[float("nan"), 0]])]),
    ("far away", [_stroke(points=[[1e300, 0]])]),
    ("a bool", [_stroke(step=True)]),
    ("a string point", [_stroke(points=["ab"])]),
    ("no points", [_stroke(points=[])]),
    ("a nested point", [_stroke(points=[[[0, 0], 1]])]),
    ("unknown colour", [_stroke(colour="url(javascript:x)")]),
    ("huge width", [_stroke(width=1e9)]),
    ("a number", [3]),
]


@pytest.mark.parametrize("what,ink", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_ink_is_left_out_with_a_message(qtbot, what, ink):
    with pytest.raises(Exception):  # noqa: B017, PT011 (the checker itself refuses it)
        parse_ink(ink)
    data = session_file.from_json(_session_doc(ink))
    assert data.ink.count() == 0 and data.ink_note.startswith("The session's ink was left out")
    assert len(data.ink_note) < 600 and "\n" not in data.ink_note
    assert data.runs and data.step == 1  # the session itself opens


def test_ink_on_steps_or_runs_the_file_has_not_got_is_dropped():
    data = session_file.from_json(
        _session_doc([_stroke(), _stroke(run=7), _stroke(step=5), _stroke(phase=6)])
    )
    assert data.ink.count() == 1 and "3 ink stroke(s)" in data.ink_note


# ----- drawing in lecture mode -----------------------------------------------------------------------
def test_strokes_belong_to_run_step_and_phase(qtbot, lecture):
    s = lecture.session
    s.next_phase()  # step 1, forward-L1
    qtbot.keyClick(lecture, Qt.Key.Key_C)
    draw(qtbot, lecture, across(400, 300))
    assert list(s.ink.pages) == [(s.run.id, 1, 0)] and s.dirty
    s.next_phase()
    assert lecture.current_strokes() == []
    s.goto_step(1, 0)
    assert len(lecture.current_strokes()) == 1


def test_a_stroke_stays_on_its_neuron_after_zoom_and_larger_type(qtbot, lecture):
    s = lecture.session
    s.next_step()
    s.goto_step(1, 3)  # backward, output layer
    s.select(Selection("neuron", 1, 0))
    qtbot.keyClick(lecture, Qt.Key.Key_C)
    qtbot.keyClick(lecture, Qt.Key.Key_BracketRight)
    qtbot.keyClick(lecture, Qt.Key.Key_BracketRight)  # the widest pen: 14 px at 1080
    assert lecture.ink.width == WIDTHS[-1]
    x0, y0 = neuron_xy(lecture, 1, 0)
    draw(qtbot, lecture, across(x0, y0))
    assert pixel(lecture, x0, y0) == MAGENTA
    seen = [(x0, y0)]
    for k, mod in (
        (Qt.Key.Key_Z, Qt.KeyboardModifier.NoModifier),  # zoom onto the selected neuron
        (Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier),  # larger type
        (Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_Z, Qt.KeyboardModifier.NoModifier),  # back to the whole network
    ):
        qtbot.keyClick(lecture, k, mod)
        x, y = neuron_xy(lecture, 1, 0)
        assert min(np.hypot(x - a, y - b) for a, b in seen) > 3  # the neuron moved…
        assert pixel(lecture, x, y) == MAGENTA  # …and the ink with it
        seen.append((x, y))
    # beside the neuron (one and a half radii below its centre) there is no ink
    r = lecture.info.layout.radius
    assert pixel(lecture, x, y + r * 1.5) != MAGENTA


def test_eraser_undo_redo_and_clear(qtbot, lecture):
    s = lecture.session
    s.next_phase()
    qtbot.keyClick(lecture, Qt.Key.Key_C)
    draw(qtbot, lecture, across(300, 200, 40))
    qtbot.keyClick(lecture, Qt.Key.Key_2)  # blue
    draw(qtbot, lecture, across(300, 500, 40))
    first, second = lecture.current_strokes()
    assert (first.colour, second.colour) == ("magenta", "blue")
    qtbot.keyClick(lecture, Qt.Key.Key_E)  # the eraser: a vertical drag through the first only
    draw(qtbot, lecture, [(300, 150), (300, 190), (302, 230), (300, 260)])
    assert lecture.current_strokes() == [second]
    assert pixel(lecture, 300, 200) != MAGENTA
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(lecture, Qt.Key.Key_Z, ctrl)  # undo the erasing
    assert set(map(id, lecture.current_strokes())) == {id(first), id(second)}
    qtbot.keyClick(lecture, Qt.Key.Key_Z, ctrl | Qt.KeyboardModifier.ShiftModifier)  # redo
    assert lecture.current_strokes() == [second]
    qtbot.keyClick(lecture, Qt.Key.Key_Z, ctrl)
    qtbot.keyClick(lecture, Qt.Key.Key_Z, ctrl)  # and the blue stroke's drawing
    assert lecture.current_strokes() == [first]
    qtbot.keyClick(lecture, Qt.Key.Key_Delete)
    assert lecture.current_strokes() == []
    qtbot.keyClick(lecture, Qt.Key.Key_Z, ctrl)  # a clear is undone too
    assert lecture.current_strokes() == [first]
    qtbot.keyClick(lecture, Qt.Key.Key_C)  # pen off: Ctrl+Z neither undoes nor zooms
    qtbot.keyClick(lecture, Qt.Key.Key_Z, ctrl)
    assert lecture.current_strokes() == [first] and not lecture.zoomed
    qtbot.keyClick(lecture, Qt.Key.Key_C)
    s.next_phase()  # undo works on the phase shown: nothing here to undo
    qtbot.keyClick(lecture, Qt.Key.Key_Z, ctrl)
    s.prev_phase()
    assert lecture.current_strokes() == [first]


def test_ink_survives_leaving_lecture_mode_and_a_session_file(qtbot, main_window, tmp_path):
    win = main_window("two-two-two")
    s = win.session
    s.next_step()
    s.goto_step(1, 2)
    win.act_lecture.trigger()
    view = win.lecture
    qtbot.waitExposed(view)
    x, y = neuron_xy(view, 2, 1)
    qtbot.keyClick(view, Qt.Key.Key_C)
    qtbot.keyClick(view, Qt.Key.Key_BracketRight)
    draw(qtbot, view, across(x, y))
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert not shiboken6.isValid(view) or not view.isVisible()
    win.act_lecture.trigger()  # a new lecture view shows the same ink
    again = win.lecture
    qtbot.waitExposed(again)
    assert again is not view and len(again.current_strokes()) == 1
    assert pixel(again, *neuron_xy(again, 2, 1)) == MAGENTA
    qtbot.keyClick(again, Qt.Key.Key_Escape)
    path = tmp_path / "ink.nnviz"
    assert win.save_session_to(path)
    saved = json.loads(path.read_text())["ink"]
    assert [(k["run"], k["step"], k["phase"], k["colour"]) for k in saved] == [
        (s.run.id, 1, 2, "magenta")
    ]
    other = main_window("xor")
    assert other.open_network(str(path)), other.errors
    t = other.session
    qtbot.waitUntil(lambda: not t.replaying)
    assert list(t.ink.pages) == [(t.run.id, 1, 2)]
    np.testing.assert_allclose(  # saved to 5 decimals: a hundredth of a pixel
        t.ink.pages[(t.run.id, 1, 2)][0].points, s.ink.pages[(s.run.id, 1, 2)][0].points, atol=1e-5
    )
    other.act_lecture.trigger()
    shown = other.lecture
    qtbot.waitExposed(shown)
    assert pixel(shown, *neuron_xy(shown, 2, 1)) == MAGENTA
    qtbot.keyClick(shown, Qt.Key.Key_Escape)


def test_a_session_file_with_hostile_ink_opens_and_says_so(qtbot, main_window, tmp_path):
    path = tmp_path / "bad.nnviz"
    path.write_text(json.dumps(_session_doc([_stroke()] * (INK_MAX_STROKES + 1))))
    win = main_window("xor")
    said = []
    win.session.message.connect(said.append)
    assert win.open_network(str(path)), win.errors
    qtbot.waitUntil(lambda: not win.session.replaying)
    assert win.errors == [] and win.session.ink.count() == 0
    assert any("ink was left out" in m for m in said)
    assert win.session.n_steps == 1


def test_ink_follows_its_run_when_a_session_file_gives_run_ids_out_again(qtbot):
    from nnviz.core.ink import Stroke

    spec, base = load("two-two-two")
    s = Session(spec, base, "two-two-two")
    s.next_step()
    s.goto_step(1, 0)
    first = s.run
    second = s.set_parameter(0, 0, 0, 0.5)
    s.switch_run(first, 1)
    third = s.set_parameter(0, 1, 1, 0.7)
    assert (first.id, second.id, third.id) == (1, 2, 3)
    stroke = Stroke("green", 8.0, ((1.0, 0.25), (1.5, 0.0)))
    s.ink.add((third.id, 1, 0), stroke)
    s.ink.add((second.id, 1, 0), Stroke("blue", 4.0, ((0.0, 0.0), (1.0, 0.0))))
    s.delete_run(second)  # the file holds runs 1 and 3: replayed, they are runs 1 and 2
    doc = json.loads(json.dumps(session_file.to_json(s.to_session_data())))
    assert [k["run"] for k in doc["ink"]] == [3]  # a deleted run's ink is not saved
    t = Session(spec, base, "two-two-two")
    t.open_session(session_file.from_json(doc), base, "x.nnviz")
    edited = next(r for r in t.runs.runs.values() if r.edits and r.edits[0].value == 0.7)
    assert edited.id == 2 and list(t.ink.pages) == [(2, 1, 0)]
    assert t.ink.pages[(2, 1, 0)][0].points == stroke.points
