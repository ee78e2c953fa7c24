"""Shared test set-up: Qt runs offscreen, and Qt warnings fail tests (see pyproject)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("NNVIZ_NO_ANIMATION", "1")
os.environ.setdefault("NNVIZ_NO_WELCOME", "1")  # the first-start welcome only where a test asks


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path, monkeypatch):
    """Autosaves go to a per-test folder, never the user's."""
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "appdata"))


@pytest.fixture(autouse=True)
def _no_blocking_questions(monkeypatch):
    """A window closed at the end of a test never waits for an answer: Save/Discard/Cancel is
    answered Discard unless a test says otherwise (tests that check the question patch it)."""
    from nnviz.gui import main_window

    monkeypatch.setattr(main_window.MainWindow, "ask_unsaved", lambda self, doing: "discard")


@pytest.fixture
def main_window(qtbot, tmp_path):
    """A factory of real main windows: ``main_window(name, size=…, show=…, **spec changes)``
    opens a preset with its own settings file in the test's folder; dialogs never block
    (errors are kept in ``win.errors``)."""
    from PySide6.QtCore import QSettings

    from nnviz.core.netfile import load
    from nnviz.gui.main_window import MainWindow
    from nnviz.gui.session import Session

    def make(name="xor", size=(1300, 850), show=True, **changes):
        spec, base = load(name)
        if changes:
            spec = spec.with_changes(**changes)
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        win = MainWindow(Session(spec, base, name), settings)
        win.errors = []
        win.show_error = lambda title, text: win.errors.append(text)
        qtbot.addWidget(win)
        if size is not None:
            win.resize(*size)
        if show:
            win.show()
            qtbot.waitExposed(win)
        return win

    return make
