"""The Learn menu (Lessons…, Open lesson file…, Play as lecture) and the Help menu's Welcome…
and Tour: what turns the window into a teacher. Built by ``install`` from the window's menus;
the lesson dock is made the first time it is needed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

TOUR = "tour.toml"


def lesson_dock(window):
    """The window's lesson dock (made and docked on the right the first time)."""
    dock = getattr(window, "lesson_dock", None)
    if dock is None:
        from nnviz.gui.lesson_panel import LessonDock

        dock = LessonDock(window)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        window.lesson_dock = dock
        learn = getattr(window, "learn_menu", None)
        if learn is not None:  # shown or hidden from the Learn menu from now on
            learn.addSeparator()
            learn.addAction(dock.toggleViewAction())
    return dock


def open_lesson(window, path: str | Path, restart: bool = False) -> bool:
    """Play a lesson file in the lesson dock (from its first stop with ``restart``)."""
    dock = lesson_dock(window)
    if restart:
        from nnviz.gui.lesson_progress import Progress

        Progress(window.settings, path).restart()
    return dock.open_lesson(path)


def choose_lesson(window, folder: Path | None = None):
    """The chooser of the shipped lessons, shown without blocking; the chosen one opens."""
    from nnviz.gui.lesson_panel import LessonChooser

    chooser = LessonChooser(window, window.settings, folder)

    def done(result: int) -> None:
        if result and chooser.chosen is not None:
            open_lesson(window, chooser.chosen, chooser.restart_chosen)
        chooser.deleteLater()

    chooser.finished.connect(done)
    chooser.open()
    window.lesson_chooser = chooser
    return chooser


def open_lesson_file(window) -> None:
    from nnviz.gui.lesson_panel import open_lesson_dialog

    path = open_lesson_dialog(window, window.settings)
    if path is not None:
        open_lesson(window, path)


def play_tour(window) -> bool:
    """The tour: the shipped ``tour.toml`` from its first stop, in the lesson dock."""
    from nnviz.gui.lesson_panel import shipped_lessons_dir

    path = shipped_lessons_dir() / TOUR
    if not path.is_file():
        window.show_error("Tour", "The tour's lesson file is missing from this installation.")
        return False
    return lesson_dock(window).open_lesson(path, at=0)


def play_as_lecture(window) -> None:
    """Lecture mode on the open lesson's stops (the chooser first when none is open)."""
    dock = getattr(window, "lesson_dock", None)
    if dock is None or dock.lesson is None:
        choose_lesson(window)
        return
    dock.play_as_lecture()


def install(window, menubar, help_menu) -> None:
    """A Learn menu before Help, and Welcome… and Tour in Help."""
    learn = menubar.addMenu("&Learn")
    menubar.insertMenu(help_menu.menuAction(), learn)
    learn.addAction("Lessons…", lambda: choose_lesson(window))
    learn.addAction("Open lesson file…", lambda: open_lesson_file(window))
    learn.addSeparator()
    learn.addAction("Play as lecture", lambda: play_as_lecture(window))
    window.learn_menu = learn
    first = help_menu.actions()[0] if help_menu.actions() else None
    welcome = help_menu.addAction("Welcome…")
    tour = help_menu.addAction("Tour")
    welcome.triggered.connect(lambda: _welcome(window))
    tour.triggered.connect(lambda: play_tour(window))
    if first is not None:  # first in the menu: where a newcomer looks
        help_menu.removeAction(welcome)
        help_menu.removeAction(tour)
        help_menu.insertActions(first, [welcome, tour])
        help_menu.insertSeparator(first)


def _welcome(window) -> None:
    from nnviz.gui.welcome import show_welcome

    show_welcome(window)
