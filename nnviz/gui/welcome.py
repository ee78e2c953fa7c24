"""The first start: a welcome that offers a two-minute tour, the lessons or the presets, so a
newcomer is not left alone with a graph and a row of buttons. Shown once (a settings flag);
Help → Welcome… shows it again. ``NNVIZ_NO_WELCOME`` keeps it away (the tests set it)."""

from __future__ import annotations

import os

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout

SHOWN_KEY = "welcome/shown"

TEXT = (
    "<h2>Welcome to nnviz</h2>"
    "<p>Step a neural network through one training step at a time: the forward pass, the "
    "loss, the backward pass (every δ and ∂L/∂w) and the update, with every number computed "
    "by PyTorch.</p><p>Where would you like to start?</p>"
)


class WelcomeDialog(QDialog):
    """Three ways in: the tour, the lessons, the presets. ``choice`` says which was taken."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.choice: str | None = None
        self.setWindowTitle("Welcome to nnviz")
        lay = QVBoxLayout(self)
        text = QLabel(TEXT)
        text.setWordWrap(True)
        lay.addWidget(text)
        self.buttons: dict[str, QPushButton] = {}
        for name, label in (
            ("tour", "Take the two-minute tour"),
            ("lessons", "Choose a lesson…"),
            ("presets", "Explore a preset network…"),
        ):
            button = QPushButton(label)
            button.setMinimumHeight(40)
            button.clicked.connect(lambda _c=False, n=name: self.choose(n))
            lay.addWidget(button)
            self.buttons[name] = button
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        lay.addWidget(close)
        self.buttons["tour"].setDefault(True)
        self.resize(460, 320)

    def choose(self, name: str) -> None:
        """Close and do what ``name`` (tour, lessons, presets) says."""
        from nnviz.gui import learn_menu

        self.choice = name
        self.accept()
        win = self.window_
        if name == "tour":
            learn_menu.play_tour(win)
        elif name == "lessons":
            learn_menu.choose_lesson(win)
        else:  # the File → Open preset menu, where the window's middle is
            centre = win.mapToGlobal(win.rect().center())
            win.presets_menu.popup(centre - QPoint(80, 80))


def show_welcome(window) -> WelcomeDialog:
    """Show the welcome without blocking the window."""
    dialog = WelcomeDialog(window)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    window.welcome = dialog
    return dialog


def maybe_welcome(window) -> WelcomeDialog | None:
    """The welcome on the very first start only (never with NNVIZ_NO_WELCOME set)."""
    if os.environ.get("NNVIZ_NO_WELCOME") or window.settings.value(SHOWN_KEY, False, type=bool):
        return None
    window.settings.setValue(SHOWN_KEY, True)
    return show_welcome(window)
