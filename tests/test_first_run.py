"""The first start: a welcome (once, a settings flag; never in tests unless asked) offering the
tour, the lessons and the presets, each doing its thing; Help → Welcome… and Tour."""

import pytest

from nnviz.gui import welcome
from nnviz.gui.highlight import PartFrame
from nnviz.gui.lesson_panel import LessonChooser


def first_start(win, monkeypatch):
    monkeypatch.delenv("NNVIZ_NO_WELCOME", raising=False)
    return welcome.maybe_welcome(win)


def test_welcome_on_the_first_start_only(main_window, monkeypatch, qtbot):
    win = main_window("xor")
    assert welcome.maybe_welcome(win) is None  # the tests' environment keeps it away
    assert not win.settings.contains(welcome.SHOWN_KEY)
    dialog = first_start(win, monkeypatch)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert set(dialog.buttons) == {"tour", "lessons", "presets"}
    dialog.reject()
    assert welcome.maybe_welcome(win) is None  # shown once: never again by itself
    other = main_window("xor")  # a new window with the same settings
    assert welcome.maybe_welcome(other) is None


def test_tour_choice_plays_the_tour(main_window, monkeypatch, qtbot):
    win = main_window("xor")
    dialog = first_start(win, monkeypatch)
    dialog.buttons["tour"].click()
    assert dialog.choice == "tour" and not dialog.isVisible()
    dock = win.lesson_dock
    assert dock.lesson.path.name == "tour.toml" and dock.index == 0
    assert len(dock.lesson.stops) >= 2 and all(s.highlight for s in dock.lesson.stops)
    qtbot.waitUntil(lambda: any(f.isVisible() for f in win.findChildren(PartFrame)))
    dock.next()
    shown = [f.target for f in win.findChildren(PartFrame) if f.isVisible()]
    from nnviz.gui.highlight import part_widget

    assert shown == [part_widget(win, p) for p in dock.lesson.stops[1].highlight]


def test_lessons_choice_opens_the_chooser(main_window, monkeypatch, qtbot):
    win = main_window("xor")
    dialog = first_start(win, monkeypatch)
    dialog.buttons["lessons"].click()
    chooser = win.lesson_chooser
    assert isinstance(chooser, LessonChooser)
    qtbot.waitUntil(chooser.isVisible)
    texts = [chooser.list.item(i).text() for i in range(chooser.list.count())]
    assert any("tour" in t.lower() for t in texts)  # the shipped lessons, the tour among them
    chooser.reject()


# a popup menu asks the offscreen platform for what it cannot do (a limit of the plugin)
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_presets_choice_opens_the_preset_menu(main_window, monkeypatch, qtbot):
    win = main_window("xor")
    dialog = first_start(win, monkeypatch)
    dialog.buttons["presets"].click()
    qtbot.waitUntil(win.presets_menu.isVisible)
    names = [a.text() for a in win.presets_menu.actions()]
    assert "two-two-two" in names
    win.presets_menu.close()


def test_help_menu_reopens_the_welcome_and_plays_the_tour(main_window, qtbot):
    win = main_window("xor")
    help_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Help")
    acts = {a.text(): a for a in help_menu.actions()}
    acts["Welcome…"].trigger()
    qtbot.waitUntil(lambda: win.welcome.isVisible())
    win.welcome.reject()
    acts["Tour"].trigger()
    assert win.lesson_dock.lesson.path.name == "tour.toml" and win.lesson_dock.index == 0


def test_tour_restarts_from_its_first_stop(main_window):
    from nnviz.gui import learn_menu

    win = main_window("xor")
    learn_menu.play_tour(win)
    win.lesson_dock.go_to(2)
    learn_menu.play_tour(win)
    assert win.lesson_dock.index == 0


def test_the_app_welcomes_on_its_first_start_only(monkeypatch, qtbot, tmp_path):
    """Starting nnviz (run_app) with a fresh settings file shows the welcome; the next start
    with the same settings does not."""
    import PySide6.QtCore
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from nnviz.gui import app as app_mod
    from nnviz.gui.main_window import MainWindow

    path = str(tmp_path / "first.ini")
    monkeypatch.setattr(
        PySide6.QtCore, "QSettings", lambda *a: QSettings(path, QSettings.Format.IniFormat)
    )
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(app_mod, "settle_heap", lambda: None)
    monkeypatch.delenv("NNVIZ_NO_WELCOME", raising=False)
    monkeypatch.delenv("NNVIZ_STARTUP_PROBE", raising=False)

    def start() -> MainWindow:
        before = set(QApplication.topLevelWidgets())
        assert app_mod.run_app(None) == 0
        [win] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w not in before
        ]
        qtbot.addWidget(win)
        return win

    first = start()
    dialog = getattr(first, "welcome", None)
    assert isinstance(dialog, welcome.WelcomeDialog) and dialog.isVisible()
    dialog.reject()
    first.close()
    second = start()
    assert getattr(second, "welcome", None) is None
    second.close()
