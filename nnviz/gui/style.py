"""The application palette for the light and dark themes (the canvas has its own theme)."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_DARK = {
    QPalette.ColorRole.Window: "#26282b",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1d1f21",
    QPalette.ColorRole.AlternateBase: "#2b2d30",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#303236",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.Highlight: "#3d7bd9",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#303236",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#8a8a8a",
}


def apply_palette(theme: str) -> None:
    """Give the whole application the palette of a theme ("dark…" themes are dark)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if not hasattr(apply_palette, "_default"):
        apply_palette._default = QPalette(app.palette())  # type: ignore[attr-defined]
    if theme.endswith("dark"):
        pal = QPalette(apply_palette._default)  # type: ignore[attr-defined]
        for role, colour in _DARK.items():
            pal.setColor(role, QColor(colour))
        pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#777777"))
        pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#777777"))
        app.setPalette(pal)
    else:
        app.setPalette(apply_palette._default)  # type: ignore[attr-defined]
