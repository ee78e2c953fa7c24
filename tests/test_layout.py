"""The window and its docks at laptop and scaled screen sizes: the wheel scrolls the Setup
panel, the first window fits the screen it opens on, every dock can be brought back, and
the decision boundary keeps its axes with one sample."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from nnviz.core.analysis import output_grid
from nnviz.core.engine import Engine
from nnviz.core.netfile import load
from nnviz.core.spec import from_dict, to_dict
from nnviz.gui.main_window import MainWindow
from nnviz.gui.screenfit import clamp_to_screen, first_geometry
from nnviz.gui.session import Session

PROBE = Path(__file__).with_name("layout_probe.py")


@pytest.fixture
def window(qtbot, tmp_path):
    spec, base = load("two-two-two")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(Session(spec, base, "two-two-two"), settings)
    qtbot.addWidget(win)
    win.resize(1200, 700)
    win.show()
    qtbot.waitExposed(win)
    return win


def wheel(widget, down: bool = True) -> None:
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    delta = QPoint(0, -120 if down else 120)
    event = QWheelEvent(
        pos,
        widget.mapToGlobal(pos),
        QPoint(0, 0),
        delta,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_wheel_over_an_unfocused_combo_scrolls_the_setup_panel(window, qtbot):
    setup = window.setup
    for section in setup.sections:
        section.set_expanded(True)
    window.resizeDocks([setup], [300], Qt.Orientation.Vertical)
    scroll = setup.widget()
    bar = scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    source_before = setup.source.currentText()
    n_before = setup.lr.value()
    window.canvas.setFocus()
    wheel(setup.source)
    wheel(setup.lr)
    assert setup.source.currentText() == source_before  # the wheel changed nothing
    assert setup.lr.value() == n_before
    assert bar.value() > 0  # it scrolled the panel instead
    assert setup.source.focusPolicy() == Qt.FocusPolicy.StrongFocus
    # focused, the combo box takes the wheel as usual
    setup.optimizer.setFocus()
    qtbot.waitUntil(setup.optimizer.hasFocus)
    before = setup.optimizer.currentIndex()
    wheel(setup.optimizer, down=True)
    assert setup.optimizer.currentIndex() != before


def test_setup_sections_fold(window, qtbot):
    data = window.setup.sections[1]
    data.header.click()
    assert not data.body.isVisible() and not data.expanded()
    data.header.click()
    qtbot.waitUntil(data.body.isVisible)


def test_reset_layout_brings_back_hidden_and_moved_docks(window, qtbot):
    window.docks[1].close()  # Metrics
    window.setup.close()
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, window.docks[4])  # moved
    assert "Reset layout" in [a.text() for a in window.menuBar().actions()[2].menu().actions()]
    window.act_reset_layout.trigger()
    for dock in [window.setup, *window.docks]:
        assert not dock.isHidden() and not dock.isFloating()
    assert window.dockWidgetArea(window.docks[4]) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert window.docks[4] in window.tabifiedDockWidgets(window.docks[0])
    qtbot.waitUntil(lambda: not window.docks[0].visibleRegion().isEmpty())  # Loss in front


def test_restored_geometry_is_clamped_to_the_screen(qtbot, tmp_path):
    spec, base = load("two-two-two")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = MainWindow(Session(spec, base, "two-two-two"), settings)
    qtbot.addWidget(first)
    first.setGeometry(3000, 2000, 5000, 4000)  # saved on a larger screen
    settings.setValue("geometry", first.saveGeometry())
    win = MainWindow(Session(spec, base, "two-two-two"), settings)
    qtbot.addWidget(win)
    area = win.screen().availableGeometry()
    assert area.contains(win.frameGeometry())
    # moved and grown beyond the screen (Qt lets a program do it): clamped back onto it
    win.setGeometry(area.right() - 100, area.bottom() - 50, area.width() * 2, area.height() * 2)
    assert not area.contains(win.frameGeometry())
    clamp_to_screen(win)
    assert area.contains(win.frameGeometry())
    assert (win.width(), win.height()) == (area.width(), area.height())  # no frame offscreen


def test_first_window_from_the_screen(qtbot, tmp_path):
    from PySide6.QtCore import QRect

    class Screen:  # the available geometry is all first_geometry reads
        def __init__(self, rect):
            self.rect = rect

        def availableGeometry(self):  # noqa: N802
            return self.rect

    big = first_geometry(Screen(QRect(0, 0, 2560, 1400)))
    assert (big.width(), big.height()) == (1400, 860)  # room: the preferred size, centred
    assert big.center() == QRect(0, 0, 2560, 1400).center()
    small = first_geometry(Screen(QRect(0, 0, 1280, 680)))  # 1920×1080 at 150 %, a task bar
    assert small.width() == int(1280 * 0.94) and small.height() == int(680 * 0.94) - 30
    assert QRect(0, 0, 1280, 680).contains(small)


def test_boundary_axes_with_one_sample():
    spec, _ = load("two-two-two")
    doc = to_dict(spec)
    doc["data"] = {"inputs": [[0.3, -2.0]], "targets": [[1.0, 0.0]]}
    engine = Engine(from_dict(doc, where="test"))
    grid = output_grid(engine, 20)
    # a unit either side of the one point on both axes, not a zero-width plane
    assert grid.x1 - grid.x0 == pytest.approx(2.0)
    assert grid.y1 - grid.y0 == pytest.approx(2.0)
    assert grid.x0 < 0.3 < grid.x1 and grid.y0 < -2.0 < grid.y1
    assert np.isfinite(grid.outputs).all()


def probe(width: int, height: int, scale: float, shot: Path | None = None) -> dict:
    env = {**os.environ, "QT_SCALE_FACTOR": str(scale), "PYTHONPATH": str(Path.cwd())}
    args = [sys.executable, str(PROBE), str(width), str(height)]
    if shot is not None:
        args.append(str(shot))
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("width", "height", "scale"), [(1366, 768, 1.0), (1920, 1080, 1.5), (2880, 1620, 2.0)]
)
def test_nothing_clipped_on_a_laptop_and_at_150_and_200_percent(width, height, scale, tmp_path):
    r = probe(width, height, scale, tmp_path / "shot.png")
    assert r["scale"] == scale
    ax, ay, aw, ah = r["available"]
    assert (aw, ah) == (round(width / scale), round(height / scale))
    x, y, w, h = r["window"]
    assert ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah  # on the screen
    assert r["minimum"][0] <= aw and r["minimum"][1] <= ah
    assert r["outside"] == []  # no widget beyond the window's edges
    for name, dock in r["docks"].items():
        if dock["shown"]:
            dx, dy, dw, dh = dock["box"]
            assert dw >= dock["title_width"] + 40, name  # the title and its buttons fit
            assert dh >= 60, name
        else:
            assert dock["tabbed"], name  # behind a tab: its title is the tab's text
    for bar in r["tabbars"]:
        assert bar["clipped"] == [], bar
    cx, cy, cw, ch = r["canvas"]
    assert cw >= 400 and ch >= 250  # the canvas and its header line
    assert r["setup_scroll_needed"] == 0  # the Setup form fits without scrolling
    assert (tmp_path / "shot.png").stat().st_size > 10_000
