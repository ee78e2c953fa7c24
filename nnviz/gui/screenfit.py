"""The main window sized from the screen it opens on, and kept on it.

Sizes are logical pixels: at 150 % display scaling a 1920×1080 screen is 1280×720 of them,
so a fixed 1400×860 first window would be larger than the screen. The first window takes
most of the screen's available geometry (without task bars), up to a comfortable size; a
geometry restored from a previous session (another screen, another scale) is clamped to it.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication, QWidget

PREFERRED = QSize(1400, 860)  # logical pixels, where the screen has room for it
SHARE = 0.94  # most of a small screen, leaving its edges reachable


def available(screen: QScreen | None) -> QRect:
    """The screen's available geometry in logical pixels (the primary screen's if none)."""
    screen = screen or QApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, *PREFERRED.toTuple())


def first_geometry(screen: QScreen | None) -> QRect:
    """A first window's client geometry, centred in the available area of ``screen``."""
    area = available(screen)
    w = min(PREFERRED.width(), int(area.width() * SHARE))
    h = min(PREFERRED.height(), int(area.height() * SHARE) - 30)  # room for the title bar
    rect = QRect(0, 0, w, h)
    rect.moveCenter(area.center())
    return rect


def clamp_to_screen(window: QWidget) -> None:
    """Shrink the window to its screen's available area and move it fully onto it."""
    area = available(window.screen())
    frame = window.frameGeometry()
    extra_w = frame.width() - window.width()  # window-manager frame, 0 before it is shown
    extra_h = frame.height() - window.height()
    w = min(window.width(), area.width() - extra_w)
    h = min(window.height(), area.height() - extra_h)
    if (w, h) != (window.width(), window.height()):
        window.resize(w, h)
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.left()), area.right() + 1 - frame.width())
    y = min(max(frame.y(), area.top()), area.bottom() + 1 - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)
