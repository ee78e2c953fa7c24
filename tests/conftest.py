"""Shared test set-up: Qt runs offscreen, and Qt warnings fail tests (see pyproject)."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("NNVIZ_NO_ANIMATION", "1")


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
