"""Lecture and presenter views are destroyed and let go of the session when closed: fifty F5/Esc
and P cycles leave no view object, no session connection and little memory behind."""

from __future__ import annotations

import gc
import resource

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication

from nnviz.gui.lecture import LectureView
from nnviz.gui.presenter import PresenterView
from nnviz.gui.session import Session

CYCLES = 50


def _settle() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    gc.collect()


def _alive(kind: type) -> int:
    return sum(1 for o in gc.get_objects() if type(o) is kind and shiboken6.isValid(o))


def _receivers(session: Session) -> int:
    return session.receivers("2changed()")


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def test_fifty_lecture_and_presenter_cycles_leave_nothing(qtbot, main_window, monkeypatch):
    from PySide6.QtCore import QRect

    # a second screen for the presenter view (with one, it is refused)
    monkeypatch.setattr("nnviz.gui.presenter.second_screen", lambda v: QRect(0, 0, 1000, 700))
    win = main_window("xor", size=None)
    win.session.next_step()
    _settle()
    before = _receivers(win.session)

    def cycle() -> None:
        win.toggle_lecture()
        view = win.lecture
        qtbot.waitUntil(view.isActiveWindow)  # else P is the main window's play shortcut
        qtbot.keyClick(view, Qt.Key.Key_P)  # presenter view
        assert view.presenter is not None and view.presenter.isVisible()
        qtbot.keyClick(view, Qt.Key.Key_P)  # closed again
        qtbot.keyClick(view, Qt.Key.Key_P)  # and open when lecture mode ends
        win.toggle_lecture()
        _settle()

    for _ in range(5):  # warm-up: caches, fonts, first allocations
        cycle()
    rss = _rss_mib()
    for _ in range(CYCLES):
        cycle()
    assert _alive(LectureView) == 0 and _alive(PresenterView) == 0
    assert _receivers(win.session) == before
    grown = _rss_mib() - rss
    assert grown < 40, f"{grown:.0f} MiB more after {CYCLES} cycles"
